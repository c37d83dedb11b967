/* slab.c: object caches. Each slab is one page (or a higher-order block
 * for large objects) carved into equal objects, with a free list threaded
 * through the free objects. A cache keeps partial slabs on a list; a slab
 * whose objects are all free goes back to the buddy allocator.
 * kmalloc uses power-of-two caches up to 2 KiB and whole pages beyond.
 * Lock: each cache's spinlock, then zone_lock (inside alloc_pages). */
#include <slab.h>
#include <mm.h>
#include <printk.h>
#include <string.h>

struct slab {			/* lives at the start of the slab's memory */
	struct list_head list;
	struct kmem_cache *cache;
	void *freelist;
	unsigned int inuse;
};

struct kmem_cache {
	const char *name;
	size_t size, align;
	unsigned int order, per_slab, offset;	/* offset: first object */
	void (*ctor)(void *);
	spinlock_t lock;
	struct list_head partial;	/* slabs with free objects */
	unsigned long nr_slabs;
};

static struct kmem_cache cache_cache;	/* caches for struct kmem_cache */
static struct kmem_cache *kmalloc_caches[12];	/* 8 .. 2048 bytes */

static void cache_setup(struct kmem_cache *c, const char *name, size_t size,
			size_t align, void (*ctor)(void *))
{
	if (align < 8)
		align = 8;
	c->name = name;
	c->size = ALIGN_UP(size, align);
	c->align = align;
	c->ctor = ctor;
	c->order = 0;
	while ((PAGE_SIZE << c->order) < c->size * 8 + sizeof(struct slab) && c->order < 3)
		c->order++;
	c->offset = ALIGN_UP(sizeof(struct slab), align);
	c->per_slab = ((PAGE_SIZE << c->order) - c->offset) / c->size;
	spin_lock_init(&c->lock);
	INIT_LIST_HEAD(&c->partial);
	c->nr_slabs = 0;
}

struct kmem_cache *kmem_cache_create(const char *name, size_t size, size_t align,
				     unsigned long flags, void (*ctor)(void *))
{
	struct kmem_cache *c = kmem_cache_alloc(&cache_cache, GFP_KERNEL);
	(void)flags;
	if (c)
		cache_setup(c, name, size, align, ctor);
	return c;
}

/* Called with c->lock held; returns a new slab on c->partial or NULL. */
static struct slab *new_slab(struct kmem_cache *c)
{
	struct page *pg = alloc_pages(GFP_ATOMIC, c->order);
	if (!pg)
		return NULL;
	struct slab *s = page_address(pg);
	for (unsigned int i = 0; i < (1U << c->order); i++) {
		pg[i].flags |= 1UL << PG_slab;
		pg[i].private = (unsigned long)s;
	}
	s->cache = c;
	s->inuse = 0;
	s->freelist = NULL;
	for (int i = c->per_slab - 1; i >= 0; i--) {
		void **obj = (void **)((char *)s + c->offset + i * c->size);
		*obj = s->freelist;
		s->freelist = obj;
	}
	list_add(&s->list, &c->partial);
	c->nr_slabs++;
	return s;
}

void *kmem_cache_alloc(struct kmem_cache *c, gfp_t gfp)
{
	struct slab *s;
	void **obj;

	spin_lock(&c->lock);
	if (list_empty(&c->partial) && !new_slab(c)) {
		spin_unlock(&c->lock);
		return NULL;
	}
	s = list_first_entry(&c->partial, struct slab, list);
	obj = s->freelist;
	s->freelist = *obj;
	if (++s->inuse == c->per_slab)
		list_del_init(&s->list);
	spin_unlock(&c->lock);
	if (gfp & __GFP_ZERO)
		memset(obj, 0, c->size);
	else if (c->ctor)
		c->ctor(obj);
	return obj;
}

void *kmem_cache_zalloc(struct kmem_cache *c, gfp_t gfp)
{
	return kmem_cache_alloc(c, gfp | __GFP_ZERO);
}

static struct slab *obj_to_slab(const void *obj)
{
	return (struct slab *)virt_to_page(obj)->private;
}

void kmem_cache_free(struct kmem_cache *c, void *obj)
{
	struct slab *s = obj_to_slab(obj);
	BUG_ON(s->cache != c);
	spin_lock(&c->lock);
	if (s->inuse == c->per_slab)
		list_add(&s->list, &c->partial);
	*(void **)obj = s->freelist;
	s->freelist = obj;
	if (--s->inuse == 0 && c->nr_slabs > 1) {
		list_del(&s->list);
		c->nr_slabs--;
		struct page *pg = virt_to_page(s);
		for (unsigned int i = 0; i < (1U << c->order); i++)
			pg[i].flags &= ~(1UL << PG_slab);
		spin_unlock(&c->lock);
		__free_pages(pg, c->order);
		return;
	}
	spin_unlock(&c->lock);
}

static int kmalloc_index(size_t size)
{
	int i = 0;
	while ((8UL << i) < size)
		i++;
	return i;
}

void *kmalloc(size_t size, gfp_t gfp)
{
	if (size == 0)
		return NULL;
	if (size <= 2048)
		return kmem_cache_alloc(kmalloc_caches[kmalloc_index(size)], gfp);
	unsigned int order = 0;
	while ((PAGE_SIZE << order) < size)
		order++;
	struct page *p = alloc_pages(gfp, order);
	if (!p)
		return NULL;
	p->private = order;	/* no PG_slab: kfree frees pages */
	return page_address(p);
}

void *kzalloc(size_t size, gfp_t gfp) { return kmalloc(size, gfp | __GFP_ZERO); }

void *kcalloc(size_t n, size_t size, gfp_t gfp)
{
	if (size && n > (~0UL) / size)
		return NULL;
	return kzalloc(n * size, gfp);
}

void kfree(const void *p)
{
	if (!p)
		return;
	struct page *pg = virt_to_page(p);
	if (pg->flags & (1UL << PG_slab)) {
		struct slab *s = obj_to_slab(p);
		kmem_cache_free(s->cache, (void *)p);
	} else {
		__free_pages(pg, pg->private);
	}
}

char *kstrdup(const char *s, gfp_t gfp)
{
	size_t n = strlen(s) + 1;
	char *d = kmalloc(n, gfp);
	if (d)
		memcpy(d, s, n);
	return d;
}

void slab_init(void)
{
	static const char *names[] = { "kmalloc-8", "kmalloc-16", "kmalloc-32",
		"kmalloc-64", "kmalloc-128", "kmalloc-256", "kmalloc-512",
		"kmalloc-1k", "kmalloc-2k" };
	cache_setup(&cache_cache, "kmem_cache", sizeof(struct kmem_cache), 8, NULL);
	for (int i = 0; i < 9; i++)
		kmalloc_caches[i] = kmem_cache_create(names[i], 8UL << i, 8, 0, NULL);
}
