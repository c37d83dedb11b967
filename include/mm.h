/* mm.h: physical pages (struct page, the buddy allocator), address spaces
 * (mm_struct, VMAs) and the fault interface.
 * Locks: mm->mmap_lock (rwsem) protects the VMA tree; mm->page_table_lock
 * (spinlock) protects page-table contents; zone lock inside page_alloc. */
#ifndef _MM_H
#define _MM_H
#include <types.h>
#include <list.h>
#include <rbtree.h>
#include <atomic.h>
#include <spinlock.h>
#include <mutex.h>
#include <slab.h>
#include <memlayout.h>
#include <pgtable.h>

/* ---- struct page ---- */
#define PG_locked 0
#define PG_reserved 1
#define PG_buddy 2	/* free, head of a buddy block of order page->private */
#define PG_slab 3
#define PG_uptodate 4
#define PG_dirty 5

struct page {
	unsigned long flags;
	atomic_t _refcount;
	atomic_t _mapcount;
	struct list_head lru;	/* buddy free list, slab partial list */
	void *mapping;
	unsigned long index;
	unsigned long private;	/* buddy order; slab: owning cache */
};

extern struct page *mem_map;
extern unsigned long min_pfn, max_pfn;	/* RAM spans [min_pfn, max_pfn) */
#define pfn_to_page(pfn) (mem_map + ((pfn) - min_pfn))
#define page_to_pfn(pg) ((unsigned long)((pg) - mem_map) + min_pfn)
#define page_to_phys(pg) (page_to_pfn(pg) << PAGE_SHIFT)
#define phys_to_page(pa) pfn_to_page((unsigned long)(pa) >> PAGE_SHIFT)
#define page_address(pg) __va(page_to_phys(pg))
#define virt_to_page(va) phys_to_page(__pa(va))
static inline int pfn_valid(unsigned long pfn) { return pfn >= min_pfn && pfn < max_pfn; }

static inline int page_count(struct page *p) { return atomic_read(&p->_refcount); }
static inline void get_page(struct page *p) { atomic_inc(&p->_refcount); }
void put_page(struct page *p);
static inline int PageReserved(struct page *p) { return (p->flags >> PG_reserved) & 1; }

#define MAX_ORDER 11	/* orders 0..10: up to 4 MiB blocks */
struct page *alloc_pages(gfp_t gfp, unsigned int order);
#define alloc_page(gfp) alloc_pages(gfp, 0)
void __free_pages(struct page *p, unsigned int order);
#define __free_page(p) __free_pages(p, 0)
void *get_free_pages(gfp_t gfp, unsigned int order);	/* kernel VA or NULL */
void *get_zeroed_page(gfp_t gfp);
void free_pages(void *addr, unsigned int order);
#define free_page(a) free_pages(a, 0)
unsigned long nr_free_pages(void);
unsigned long totalram_pages(void);
void page_alloc_init(void);

/* memblock: boot-time ranges before the buddy allocator exists */
void memblock_add(phys_addr_t base, phys_addr_t size);
void memblock_reserve(phys_addr_t base, phys_addr_t size);
phys_addr_t memblock_alloc(phys_addr_t size, phys_addr_t align);
void memblock_dump(void);
struct memblock_region { phys_addr_t base, size; };
extern struct memblock_region memblock_memory[], memblock_reserved[];
extern int memblock_nr_memory, memblock_nr_reserved;
int memblock_is_reserved(phys_addr_t pa);
phys_addr_t memblock_start(void);
phys_addr_t memblock_end(void);

/* ---- address spaces ---- */
#define VM_READ 0x1UL
#define VM_WRITE 0x2UL
#define VM_EXEC 0x4UL
#define VM_SHARED 0x8UL
#define VM_MAYREAD 0x10UL
#define VM_MAYWRITE 0x20UL
#define VM_MAYEXEC 0x40UL
#define VM_GROWSDOWN 0x100UL
#define VM_STACK VM_GROWSDOWN

struct file;
struct vm_area_struct;

typedef unsigned int vm_fault_t;
#define VM_FAULT_OOM 0x0001
#define VM_FAULT_SIGBUS 0x0002
#define VM_FAULT_MAJOR 0x0004
#define VM_FAULT_SIGSEGV 0x0040
#define VM_FAULT_NOPAGE 0x0100
#define VM_FAULT_LOCKED 0x0200
#define VM_FAULT_RETRY 0x0400
#define VM_FAULT_ERROR (VM_FAULT_OOM | VM_FAULT_SIGBUS | VM_FAULT_SIGSEGV)

#define FAULT_FLAG_WRITE 0x01
#define FAULT_FLAG_ALLOW_RETRY 0x04
#define FAULT_FLAG_USER 0x40
#define FAULT_FLAG_INSTRUCTION 0x100
#define FAULT_FLAG_TRIED 0x20

struct vm_fault {
	struct vm_area_struct *vma;
	unsigned long address;	/* page aligned */
	unsigned int flags;
	unsigned long pgoff;	/* file page index */
	pte_t *pte;
	struct page *page;	/* out: page from ->fault, referenced */
};

struct vm_operations_struct {
	vm_fault_t (*fault)(struct vm_fault *vmf);
	void (*open)(struct vm_area_struct *vma);
	void (*close)(struct vm_area_struct *vma);
};

struct vm_area_struct {
	unsigned long vm_start, vm_end;	/* [start, end) */
	struct mm_struct *vm_mm;
	unsigned long vm_flags;
	struct rb_node vm_rb;
	struct list_head vm_list;	/* sorted by address */
	unsigned long vm_pgoff;		/* file offset in pages */
	struct file *vm_file;
	const struct vm_operations_struct *vm_ops;
	unsigned long vm_filesz;	/* ELF: bytes from the file; rest is zero */
};

struct mm_struct {
	struct rb_root mm_rb;
	struct list_head mmap_list;
	int map_count;
	pgd_t *pgd;
	atomic_t mm_users;	/* tasks using it */
	atomic_t mm_count;	/* references to the struct */
	struct rw_semaphore mmap_lock;
	spinlock_t page_table_lock;
	unsigned long start_brk, brk, start_stack, mmap_base;
	unsigned long arg_start, arg_end, env_start, env_end;
	unsigned long cpumask;	/* harts that may hold its TLB entries */
	unsigned long flush_pending;	/* harts to flush its ASID when they next load it */
	u16 asid;
	unsigned long rss;	/* resident pages */
};

struct mm_struct *mm_alloc(void);
void mmput(struct mm_struct *mm);
void mmdrop(struct mm_struct *mm);
struct mm_struct *dup_mm(struct mm_struct *old);
void switch_mm(struct mm_struct *prev, struct mm_struct *next);
void activate_mm(struct mm_struct *mm);

struct vm_area_struct *find_vma(struct mm_struct *mm, unsigned long addr);
struct vm_area_struct *vm_area_alloc(struct mm_struct *mm);
void vm_area_free(struct vm_area_struct *vma);
int insert_vm_struct(struct mm_struct *mm, struct vm_area_struct *vma);
unsigned long do_mmap(struct file *file, unsigned long addr, unsigned long len,
		      unsigned long prot, unsigned long flags, unsigned long pgoff);
int do_munmap(struct mm_struct *mm, unsigned long start, unsigned long len);
int vm_brk(unsigned long addr, unsigned long len);
void exit_mmap(struct mm_struct *mm);
unsigned long get_unmapped_area(unsigned long len);

vm_fault_t handle_mm_fault(struct vm_area_struct *vma, unsigned long addr,
			   unsigned int flags);
int expand_stack(struct vm_area_struct *vma, unsigned long addr);
void unmap_page_range(struct mm_struct *mm, unsigned long start, unsigned long end);
void free_pgtables(struct mm_struct *mm);
int copy_page_range(struct mm_struct *dst, struct mm_struct *src,
		    struct vm_area_struct *vma);
void change_protection(struct mm_struct *mm, unsigned long start,
		       unsigned long end, unsigned long vm_flags);
pte_t vm_get_page_prot(unsigned long vm_flags);
/* Returns 0 if [addr, addr+len) could be faulted in for (write ? write : read). */
int fixup_user_fault(struct mm_struct *mm, unsigned long addr, int write);
struct page *get_user_page(unsigned long addr, int write);

/* TLB (arch/riscv/tlbflush.c) */
void flush_tlb_mm(struct mm_struct *mm);
void flush_tlb_range(struct mm_struct *mm, unsigned long start, unsigned long end);
void flush_tlb_kernel_all(void);

extern struct page *zero_page;

#endif
