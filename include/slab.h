/* slab.h: object caches (kmem_cache) and kmalloc. Safe in any context
 * with GFP_ATOMIC; the allocator never sleeps in this kernel. */
#ifndef _SLAB_H
#define _SLAB_H
#include <types.h>

typedef unsigned int gfp_t;
#define GFP_KERNEL  0x0u
#define GFP_ATOMIC  0x1u
#define __GFP_ZERO  0x100u
#define __GFP_NORETRY 0x200u	/* one light reclaim at most, never below the reserve */
#define GFP_USER    GFP_KERNEL

struct kmem_cache;
struct kmem_cache *kmem_cache_create(const char *name, size_t size, size_t align,
				     unsigned long flags, void (*ctor)(void *));
void *kmem_cache_alloc(struct kmem_cache *c, gfp_t gfp);
void *kmem_cache_zalloc(struct kmem_cache *c, gfp_t gfp);
void kmem_cache_free(struct kmem_cache *c, void *obj);
void *kmalloc(size_t size, gfp_t gfp);
void *kzalloc(size_t size, gfp_t gfp);
void *kcalloc(size_t n, size_t size, gfp_t gfp);
void kfree(const void *p);
char *kstrdup(const char *s, gfp_t gfp);
void slab_init(void);

#endif
