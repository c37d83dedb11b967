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

void *page_address(struct page *p);
static inline int page_count(struct page *p) { return atomic_read(&p->_refcount); }
static inline void get_page(struct page *p) { atomic_inc(&p->_refcount); }
void put_page(struct page *p);
#endif
