/* page_alloc.c: the buddy allocator. Every frame of RAM has a struct page
 * in mem_map; free frames sit in free_area[order] as blocks of 2^order
 * pages whose head has PG_buddy set and private = order. Freeing merges a
 * block with its buddy (pfn ^ (1 << order)) while the buddy is free.
 * Lock: zone_lock (a spinlock; safe from interrupt context). */
#include <mm.h>
#include <printk.h>
#include <string.h>

struct page *mem_map;
unsigned long min_pfn, max_pfn;
static struct list_head free_area[MAX_ORDER];
static unsigned long nr_free[MAX_ORDER];
static unsigned long total_pages, free_pages_count;
static DEFINE_SPINLOCK(zone_lock);

static inline void set_flag(struct page *p, int f) { p->flags |= 1UL << f; }
static inline void clear_flag(struct page *p, int f) { p->flags &= ~(1UL << f); }
static inline int test_flag(struct page *p, int f) { return (p->flags >> f) & 1; }

static void add_free(struct page *p, unsigned int order)
{
	set_flag(p, PG_buddy);
	p->private = order;
	list_add(&p->lru, &free_area[order]);
	nr_free[order]++;
}

static void del_free(struct page *p, unsigned int order)
{
	clear_flag(p, PG_buddy);
	list_del(&p->lru);
	nr_free[order]--;
}

/* Called with zone_lock held. */
static void __free_one(unsigned long pfn, unsigned int order)
{
	while (order < MAX_ORDER - 1) {
		unsigned long bpfn = pfn ^ (1UL << order);
		if (!pfn_valid(bpfn))
			break;
		struct page *b = pfn_to_page(bpfn);
		if (!test_flag(b, PG_buddy) || b->private != order)
			break;
		del_free(b, order);
		pfn &= ~(1UL << order);
		order++;
	}
	add_free(pfn_to_page(pfn), order);
}

unsigned long shrink_page_cache(unsigned long nr);

/* The reserve kept free for atomic allocations: 1/64 of memory. */
static unsigned long min_free_pages(void)
{
	return total_pages / 64 + 64;
}

/* Whether an allocation would eat into the half of the reserve that
 * only GFP_ATOMIC may take (Linux's min watermark): others fail there,
 * and their callers answer ENOMEM, a short write or the OOM rule. */
static int below_reserve(gfp_t gfp, unsigned int order)
{
	return !(gfp & GFP_ATOMIC) &&
	       READ_ONCE(free_pages_count) < min_free_pages() / 2 + (1UL << order);
}

/* Takes a block of 2^order pages off the free lists, or NULL. */
static struct page *rmqueue(unsigned int order)
{
	struct page *p = NULL;
	unsigned int o;

	spin_lock(&zone_lock);
	for (o = order; o < MAX_ORDER; o++) {
		if (!list_empty(&free_area[o])) {
			p = list_first_entry(&free_area[o], struct page, lru);
			del_free(p, o);
			break;
		}
	}
	if (p) {
		/* Split: return the upper halves to the free lists. */
		while (o > order) {
			o--;
			add_free(p + (1UL << o), o);
		}
		free_pages_count -= 1UL << order;
	}
	spin_unlock(&zone_lock);
	return p;
}

/* Allocates 2^order pages. When memory runs out, clean page-cache pages
 * are reclaimed and the allocation retried (not for GFP_ATOMIC callers,
 * which may hold the locks reclaim takes); the last half of the reserve
 * is for GFP_ATOMIC alone (below_reserve). __GFP_NORETRY callers
 * (readahead) would rather do without: they get no retries and never
 * take pages from the reserve. */
struct page *alloc_pages(gfp_t gfp, unsigned int order)
{
	struct page *p;

	if (order >= MAX_ORDER)
		return NULL;
	/* Keep a reserve for GFP_ATOMIC allocations (slab refills, xarray
	 * nodes, bios under spinlocks), which cannot reclaim themselves. */
	if (!(gfp & GFP_ATOMIC) && READ_ONCE(free_pages_count) < min_free_pages())
		shrink_page_cache(min_free_pages());
	if ((gfp & __GFP_NORETRY) && READ_ONCE(free_pages_count) < min_free_pages() + (1UL << order))
		return NULL;
	p = below_reserve(gfp, order) ? NULL : rmqueue(order);
	for (int tries = 0; !p && !(gfp & (GFP_ATOMIC | __GFP_NORETRY)) && tries < 4; tries++) {
		if (!shrink_page_cache(64UL << order))
			break;
		p = below_reserve(gfp, order) ? NULL : rmqueue(order);
	}
	if (!p)
		return NULL;
	for (unsigned long i = 0; i < (1UL << order); i++) {
		p[i].flags = 0;
		p[i].mapping = NULL;
		p[i].index = 0;
		p[i].private = 0;
		atomic_set(&p[i]._mapcount, -1);
		atomic_set(&p[i]._refcount, i ? 0 : 1);
	}
	if (gfp & __GFP_ZERO)
		memset(page_address(p), 0, PAGE_SIZE << order);
	return p;
}

void __free_pages(struct page *p, unsigned int order)
{
	if (WARN_ON(PageReserved(p) || test_flag(p, PG_buddy)))
		return;
	spin_lock(&zone_lock);
	__free_one(page_to_pfn(p), order);
	free_pages_count += 1UL << order;
	spin_unlock(&zone_lock);
}

/* Drops a reference; frees an order-0 page on the last one. */
void put_page(struct page *p)
{
	if (atomic_dec_and_test(&p->_refcount))
		__free_pages(p, 0);
}

void *get_free_pages(gfp_t gfp, unsigned int order)
{
	struct page *p = alloc_pages(gfp, order);
	return p ? page_address(p) : NULL;
}

void *get_zeroed_page(gfp_t gfp)
{
	return get_free_pages(gfp | __GFP_ZERO, 0);
}

void free_pages(void *addr, unsigned int order)
{
	if (addr)
		__free_pages(virt_to_page(addr), order);
}

/* Gives the whole pages of a boot-time reservation [start, end) to the
 * allocator once nothing needs them: the initrd after unpacking, as
 * Linux's free_initrd_mem. Returns the number of pages freed. */
unsigned long free_reserved_area(phys_addr_t start, phys_addr_t end)
{
	unsigned long n = 0;
	for (phys_addr_t pa = ALIGN_UP(start, PAGE_SIZE); pa + PAGE_SIZE <= end; pa += PAGE_SIZE) {
		struct page *p = phys_to_page(pa);
		if (!PageReserved(p))
			continue;
		p->flags = 0;
		atomic_set(&p->_refcount, 0);
		spin_lock(&zone_lock);
		__free_one(pa >> PAGE_SHIFT, 0);
		free_pages_count++;
		total_pages++;
		spin_unlock(&zone_lock);
		n++;
	}
	return n;
}

unsigned long nr_free_pages(void) { return READ_ONCE(free_pages_count); }
unsigned long totalram_pages(void) { return total_pages; }

/* Builds mem_map (from memblock) and frees every unreserved frame. */
void page_alloc_init(void)
{
	min_pfn = memblock_start() >> PAGE_SHIFT;
	max_pfn = memblock_end() >> PAGE_SHIFT;
	unsigned long n = max_pfn - min_pfn;
	mem_map = __va(memblock_alloc(n * sizeof(struct page), PAGE_SIZE));
	for (int i = 0; i < MAX_ORDER; i++)
		INIT_LIST_HEAD(&free_area[i]);
	for (unsigned long i = 0; i < n; i++) {
		mem_map[i] = (struct page){ .flags = 1UL << PG_reserved };
		atomic_set(&mem_map[i]._refcount, 1);
		atomic_set(&mem_map[i]._mapcount, -1);
	}
	for (int r = 0; r < memblock_nr_memory; r++) {
		phys_addr_t s = ALIGN_UP(memblock_memory[r].base, PAGE_SIZE);
		phys_addr_t e = ALIGN_DOWN(memblock_memory[r].base + memblock_memory[r].size, PAGE_SIZE);
		for (phys_addr_t pa = s; pa < e; pa += PAGE_SIZE) {
			if (memblock_is_reserved(pa))
				continue;
			struct page *p = phys_to_page(pa);
			p->flags = 0;
			atomic_set(&p->_refcount, 0);
			__free_one(pa >> PAGE_SHIFT, 0);
			free_pages_count++;
			total_pages++;
		}
	}
	printk("page_alloc: %lu pages free of %lu (mem_map %lu KiB)\n",
	       free_pages_count, n, n * sizeof(struct page) / 1024);
}
