/* mm.h: physical pages (struct page, the buddy allocator), address spaces
 * (mm_struct, VMAs), the fault interface (vm_fault, vm_operations_struct,
 * vm_fault_t) and the mm calls other subsystems use.
 * Locks, outermost first: mm->mmap_lock (rwsem) protects the VMA tree;
 * a folio's lock; a file's mapping->i_mmap_rwsem guards the VMAs on its
 * i_mmap (rmap.h); mm->page_table_lock (spinlock) protects page-table
 * contents; the zone lock is inside page_alloc. */
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
/* bits 6..10 are the page cache's (pagemap.h) */
#define PG_anon 11	/* anonymous memory (private, no file behind it) */

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
static inline int PageAnon(struct page *p) { return (p->flags >> PG_anon) & 1; }
/* How many PTEs map the page (_mapcount starts at -1, as in Linux). */
static inline int page_mapcount(struct page *p) { return atomic_read(&p->_mapcount) + 1; }

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
unsigned long free_reserved_area(phys_addr_t start, phys_addr_t end);
unsigned long totalram_pages(void);
/* A user fault found no memory: kill the biggest process (mm/oom_kill.c). */
void out_of_memory(void);
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
#define VM_SHARED 0x8UL		/* stores reach the file (and other mappers) */
#define VM_MAYREAD 0x10UL	/* what mprotect may later allow */
#define VM_MAYWRITE 0x20UL
#define VM_MAYEXEC 0x40UL
#define VM_MAYSHARE 0x80UL	/* mapped MAP_SHARED (shown as 's') */
#define VM_GROWSDOWN 0x100UL
#define VM_SEQ_READ 0x8000UL	/* MADV_SEQUENTIAL */
#define VM_RAND_READ 0x10000UL	/* MADV_RANDOM */
#define VM_NORESERVE 0x200000UL	/* MAP_NORESERVE */
#define VM_STACK VM_GROWSDOWN

struct file;
struct vm_area_struct;
struct address_space;

/* What a fault handler reports: a set of bits, never a boolean. */
typedef unsigned int vm_fault_t;
#define VM_FAULT_OOM 0x0001
#define VM_FAULT_SIGBUS 0x0002
#define VM_FAULT_MAJOR 0x0004	/* had to wait for a read */
#define VM_FAULT_SIGSEGV 0x0040
#define VM_FAULT_NOPAGE 0x0100	/* the PTE is taken care of (raced, or mapped around) */
#define VM_FAULT_LOCKED 0x0200	/* vmf->page comes back locked */
#define VM_FAULT_RETRY 0x0400	/* mmap_lock was dropped: look the VMA up again */
#define VM_FAULT_COMPLETED 0x4000	/* done, and mmap_lock was dropped */
#define VM_FAULT_ERROR (VM_FAULT_OOM | VM_FAULT_SIGBUS | VM_FAULT_SIGSEGV)

#define FAULT_FLAG_WRITE 0x01
#define FAULT_FLAG_MKWRITE 0x02		/* ->page_mkwrite of a present page */
#define FAULT_FLAG_ALLOW_RETRY 0x04	/* the handler may drop mmap_lock */
#define FAULT_FLAG_TRIED 0x20		/* second attempt: must not drop it */
#define FAULT_FLAG_USER 0x40
#define FAULT_FLAG_INSTRUCTION 0x100

/* One fault's state, passed down the handlers (Linux's struct vm_fault).
 * vma is valid only while mmap_lock is held: after a handler returned
 * VM_FAULT_RETRY or VM_FAULT_COMPLETED nobody may touch it. */
struct vm_fault {
	struct vm_area_struct *vma;
	unsigned long address;	/* page aligned */
	unsigned int flags;	/* FAULT_FLAG_* */
	unsigned long pgoff;	/* file page index of address */
	pte_t orig_pte;		/* the PTE as handle_pte_fault found it */
	struct page *cow_page;	/* do_cow_fault: the private copy */
	struct page *page;	/* from ->fault: referenced (locked if VM_FAULT_LOCKED) */
};

struct vm_operations_struct {
	void (*open)(struct vm_area_struct *vma);	/* a copy (fork, split) */
	void (*close)(struct vm_area_struct *vma);
	/* Find the page for vmf->pgoff: return it referenced in vmf->page,
	 * locked with VM_FAULT_LOCKED; may drop mmap_lock and return
	 * VM_FAULT_RETRY when FAULT_FLAG_ALLOW_RETRY allows it. */
	vm_fault_t (*fault)(struct vm_fault *vmf);
	/* Fault-around: map what is ready in [start_pgoff, end_pgoff] without
	 * sleeping; VM_FAULT_NOPAGE if vmf->address got mapped. */
	vm_fault_t (*map_pages)(struct vm_fault *vmf, unsigned long start_pgoff,
				unsigned long end_pgoff);
	/* A shared page is about to become writable (vmf->page referenced,
	 * unlocked): prepare it (allocate its blocks), mark it dirty, return
	 * it locked with VM_FAULT_LOCKED, or VM_FAULT_NOPAGE if it was
	 * truncated meanwhile, or VM_FAULT_SIGBUS (ENOSPC). */
	vm_fault_t (*page_mkwrite)(struct vm_fault *vmf);
};

struct vm_area_struct {
	unsigned long vm_start, vm_end;	/* [start, end) */
	struct mm_struct *vm_mm;
	unsigned long vm_flags;
	struct rb_node vm_rb;
	struct list_head vm_list;	/* sorted by address */
	struct list_head vm_shared;	/* in vm_file's mapping->i_mmap (mm/rmap.c) */
	unsigned long vm_pgoff;		/* file offset in pages */
	struct file *vm_file;		/* referenced; NULL for anonymous memory */
	const struct vm_operations_struct *vm_ops;
};

static inline unsigned long vma_pages(struct vm_area_struct *v)
{
	return (v->vm_end - v->vm_start) >> PAGE_SHIFT;
}
/* Private and writable (now or after mprotect): writes copy (COW). */
static inline int is_cow_mapping(unsigned long flags)
{
	return (flags & (VM_SHARED | VM_MAYWRITE)) == VM_MAYWRITE;
}
static inline int vma_is_anonymous(struct vm_area_struct *v) { return !v->vm_ops; }

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
	unsigned long start_code, end_code, start_data, end_data;	/* ELF, as Linux sets them */
	unsigned long arg_start, arg_end, env_start, env_end;
	unsigned long cpumask;	/* harts that may hold its TLB entries */
	unsigned long flush_pending;	/* harts to flush its ASID when they next load it */
	u16 asid;
	unsigned long rss;	/* resident pages (page_table_lock) */
	struct file *exe_file;	/* what execve ran (/proc/PID/exe), referenced */
};

struct mm_struct *mm_alloc(void);
void mmput(struct mm_struct *mm);
/* mmput: mm's pages are freed; if it was the OOM victim, it is done. */
void exit_oom_victim(struct mm_struct *mm);
void set_mm_exe_file(struct mm_struct *mm, struct file *f);
void mmdrop(struct mm_struct *mm);
struct mm_struct *dup_mm(struct mm_struct *old);
void switch_mm(struct mm_struct *prev, struct mm_struct *next);
void activate_mm(struct mm_struct *mm);

/* mm/mmap.c: the VMA set. Callers hold mmap_lock (write to change it). */
struct vm_area_struct *find_vma(struct mm_struct *mm, unsigned long addr);
struct vm_area_struct *find_vma_intersection(struct mm_struct *mm, unsigned long start,
					     unsigned long end);
struct vm_area_struct *vm_area_alloc(struct mm_struct *mm);
void vm_area_free(struct vm_area_struct *vma);
int insert_vm_struct(struct mm_struct *mm, struct vm_area_struct *vma);
int split_vma(struct mm_struct *mm, struct vm_area_struct *vma, unsigned long addr);
/* Tries to join vma with its neighbours after a flag change; returns the
 * VMA that now covers vma's range. */
struct vm_area_struct *vma_merge_neighbours(struct mm_struct *mm, struct vm_area_struct *vma);
unsigned long do_mmap(struct file *file, unsigned long addr, unsigned long len,
		      unsigned long prot, unsigned long flags, unsigned long pgoff,
		      unsigned long *populate);
int do_munmap(struct mm_struct *mm, unsigned long start, unsigned long len);
/* Makes a VMA [addr, addr+len) for file at pgoff (or anonymous memory)
 * in mm, which must have room there; merges it with its neighbours.
 * Returns the VMA now covering it, or ERR_PTR. mmap_lock held for
 * writing (or mm not yet visible to anyone: exec). */
struct vm_area_struct *mmap_region(struct mm_struct *mm, struct file *file, unsigned long addr,
				   unsigned long len, unsigned long vm_flags, unsigned long pgoff);
/* Faults in [start, start+len) as MAP_POPULATE does; takes mmap_lock. */
void mm_populate(unsigned long start, unsigned long len);
void exit_mmap(struct mm_struct *mm);
unsigned long get_unmapped_area(struct file *file, unsigned long addr, unsigned long len,
				unsigned long pgoff, unsigned long flags);
/* The page-cache mapping a file mapping maps (file->f_inode->i_mapping). */
struct address_space *vma_mapping(struct vm_area_struct *vma);

/* mm/memory.c: faults and page-table ranges. */
vm_fault_t handle_mm_fault(struct vm_area_struct *vma, unsigned long addr,
			   unsigned int flags);
/* Zaps the PTEs of [start, end) of vma (mmap_lock held, or the VMA
 * pinned by its mapping's i_mmap_rwsem). */
void zap_page_range(struct vm_area_struct *vma, unsigned long start, unsigned long end);
void free_pgtables(struct mm_struct *mm);
/* fork: shares vma's pages with dst_vma's mm, copy-on-write. */
int copy_page_range(struct vm_area_struct *dst_vma, struct vm_area_struct *src_vma);
void change_protection(struct vm_area_struct *vma, unsigned long start,
		       unsigned long end, unsigned long vm_flags);
pte_t vm_get_page_prot(unsigned long vm_flags);
/* Returns 0 if addr could be faulted in for (write ? write : read). */
int fixup_user_fault(struct mm_struct *mm, unsigned long addr, int write);
struct page *get_user_page(unsigned long addr, int write);
/* get_user_page for an mm the caller holds a user reference on. */
struct page *get_user_page_remote(struct mm_struct *mm, unsigned long addr, int write);
/* Copies len bytes at addr of mm into buf; the bytes copied. */
int access_remote_vm(struct mm_struct *mm, unsigned long addr, void *buf, int len);
/* The page a present (or PROT_NONE) PTE maps, NULL for the zero page. */
struct page *vm_normal_page(pte_t pte);
/* Calls fn(pte, addr, arg) for each PTE slot of [start, end) that has a
 * page table, mm->page_table_lock held (dropped between page tables;
 * fn must not sleep). fn returning nonzero stops the walk; returns the
 * address it stopped at (the slot fn stopped on is not consumed), or end. */
typedef int (*pte_fn_t)(pte_t *pte, unsigned long addr, void *arg);
unsigned long walk_page_range(struct mm_struct *mm, unsigned long start, unsigned long end,
			      pte_fn_t fn, void *arg);
/* /proc/sys/vm/fault_around_bytes */
extern unsigned long fault_around_bytes;

/* mm/shmem.c: MAP_SHARED|MAP_ANONYMOUS is a mapping of an unnamed file. */
int shmem_zero_setup(struct vm_area_struct *vma);
int vma_is_shmem(struct vm_area_struct *vma);

/* mm/filemap.c: the file-mapping side of the page cache. */
int generic_file_mmap(struct file *file, struct vm_area_struct *vma);
vm_fault_t filemap_fault(struct vm_fault *vmf);
vm_fault_t filemap_map_pages(struct vm_fault *vmf, unsigned long start_pgoff,
			     unsigned long end_pgoff);
vm_fault_t filemap_page_mkwrite(struct vm_fault *vmf);
extern const struct vm_operations_struct generic_file_vm_ops;

/* TLB (arch/riscv/tlbflush.c) */
void flush_tlb_mm(struct mm_struct *mm);
void flush_tlb_range(struct mm_struct *mm, unsigned long start, unsigned long end);
void flush_tlb_kernel_all(void);

extern struct page *zero_page;

#endif
