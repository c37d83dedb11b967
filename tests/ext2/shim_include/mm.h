/* shim mm.h (host harness): just struct page and the helpers that
 * pagemap.h and fs/ext2 use. A page is a malloc'd struct shim_page
 * holding its data (see shim.c). Replaces include/mm.h on the host. */
#ifndef _MM_H
#define _MM_H
#include <types.h>
#include <list.h>
#include <atomic.h>
#include <spinlock.h>
#include <mutex.h>
#include <slab.h>
#include <riscv.h>

#define PAGE_SHIFT 12
#define PAGE_SIZE (1UL << PAGE_SHIFT)

#define PG_locked 0
#define PG_reserved 1
#define PG_uptodate 4
#define PG_dirty 5

struct page {
	unsigned long flags;
	atomic_t _refcount;
	atomic_t _mapcount;
	struct list_head lru;	/* shim: the mapping's list of pages */
	void *mapping;
	unsigned long index;
	unsigned long private;
};

/* The part of the fault interface fs/ext2/file.c's mmap code uses. */
typedef unsigned int vm_fault_t;
#define VM_FAULT_OOM 0x0001
#define VM_FAULT_SIGBUS 0x0002
#define VM_FAULT_NOPAGE 0x0100
#define VM_FAULT_LOCKED 0x0200
struct file;
struct vm_area_struct;
struct vm_fault {
	struct vm_area_struct *vma;
	unsigned int flags;
	struct page *page;
};
struct vm_operations_struct {
	vm_fault_t (*fault)(struct vm_fault *vmf);
	vm_fault_t (*map_pages)(struct vm_fault *vmf, unsigned long start, unsigned long end);
	vm_fault_t (*page_mkwrite)(struct vm_fault *vmf);
};
struct vm_area_struct {
	struct file *vm_file;
	const struct vm_operations_struct *vm_ops;
};
vm_fault_t filemap_fault(struct vm_fault *vmf);
vm_fault_t filemap_map_pages(struct vm_fault *vmf, unsigned long start, unsigned long end);

void *page_address(struct page *p);
static inline int page_count(struct page *p) { return atomic_read(&p->_refcount); }
static inline void get_page(struct page *p) { atomic_inc(&p->_refcount); }
void put_page(struct page *p);
#endif
