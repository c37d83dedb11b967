/* xarray.h: a radix tree of 64-slot nodes mapping unsigned long indices to
 * pointers, with three per-entry marks (Linux-compatible names; see
 * lib/xarray.c for the layout and invariants).
 *
 * Locking: none inside. Callers serialise every call on one xarray (the
 * page cache holds a spinlock around modifications and lookups alike).
 *
 * Memory: lib/xarray.c allocates nodes through two hooks the user of the
 * library provides (the kernel on top of kmalloc, the unit tests on top of
 * calloc). xa_node_alloc() returns sizeof(struct xa_node) bytes (any
 * contents, alignment >= 8) or NULL; gfp is passed through unchanged.
 */
#ifndef _XARRAY_H
#define _XARRAY_H

#include "types.h"
#include "uapi/errno.h"

#ifndef ULONG_MAX
#define ULONG_MAX (~0UL)
#endif

#define XA_CHUNK_SHIFT	6
#define XA_CHUNK_SIZE	(1UL << XA_CHUNK_SHIFT)
#define XA_CHUNK_MASK	(XA_CHUNK_SIZE - 1)
#define XA_MAX_MARKS	3

typedef unsigned int xa_mark_t;
#define XA_MARK_0	((xa_mark_t)0U)
#define XA_MARK_1	((xa_mark_t)1U)
#define XA_MARK_2	((xa_mark_t)2U)
#define XA_PRESENT	((xa_mark_t)8U)	/* xa_find filter: any entry */
#define XA_MARK_MAX	XA_MARK_2

/* Root mark bits in xa_flags: set iff some entry in the array has the mark. */
#define XA_FLAGS_MARK(mark)	(1U << (8 + (mark)))

struct xa_node {
	unsigned char shift;		/* bits of index below this level */
	unsigned char offset;		/* slot number in parent */
	unsigned char count;		/* non-NULL slots */
	struct xa_node *parent;		/* NULL for the top node */
	void *slots[XA_CHUNK_SIZE];	/* entries if shift == 0, else nodes */
	unsigned long marks[XA_MAX_MARKS]; /* one bit per slot */
};

struct xarray {
	void *xa_head;		/* NULL, the entry at index 0, or a tagged node */
	unsigned int xa_flags;
};

#define XARRAY_INIT(name, flags) { .xa_head = NULL, .xa_flags = (flags) }
#define DEFINE_XARRAY(name) struct xarray name = XARRAY_INIT(name, 0)

/* Provided by the user of lib/xarray.c. */
void *xa_node_alloc(unsigned int gfp);
void xa_node_free(void *node);

/* Internal entries have bits 1:0 == 10; stored entries must have them 00. */
static inline void *xa_mk_internal(unsigned long v)
{
	return (void *)((v << 2) | 2);
}

static inline bool xa_is_internal(const void *entry)
{
	return ((unsigned long)entry & 3) == 2;
}

#define XA_MAX_ERRNO 4095

static inline void *xa_mk_err(long err)
{
	return xa_mk_internal((unsigned long)err);
}

static inline bool xa_is_err(const void *entry)
{
	return xa_is_internal(entry) &&
	       (unsigned long)entry >= (unsigned long)xa_mk_internal(-XA_MAX_ERRNO);
}

static inline int xa_err(void *entry)
{
	return xa_is_err(entry) ? (int)((long)entry >> 2) : 0;
}

static inline void xa_init(struct xarray *xa)
{
	xa->xa_head = NULL;
	xa->xa_flags = 0;
}

static inline bool xa_empty(const struct xarray *xa)
{
	return xa->xa_head == NULL;
}

static inline bool xa_marked(const struct xarray *xa, xa_mark_t mark)
{
	return mark <= XA_MARK_MAX && (xa->xa_flags & XA_FLAGS_MARK(mark));
}

void *xa_load(struct xarray *xa, unsigned long index);
void *xa_store(struct xarray *xa, unsigned long index, void *entry,
	       unsigned int gfp);
int xa_insert(struct xarray *xa, unsigned long index, void *entry,
	      unsigned int gfp);
void *xa_erase(struct xarray *xa, unsigned long index);
void *xa_cmpxchg(struct xarray *xa, unsigned long index, void *old,
		 void *entry, unsigned int gfp);

void xa_set_mark(struct xarray *xa, unsigned long index, xa_mark_t mark);
void xa_clear_mark(struct xarray *xa, unsigned long index, xa_mark_t mark);
bool xa_get_mark(struct xarray *xa, unsigned long index, xa_mark_t mark);

void *xa_find(struct xarray *xa, unsigned long *index, unsigned long max,
	      xa_mark_t filter);
void *xa_find_after(struct xarray *xa, unsigned long *index,
		    unsigned long max, xa_mark_t filter);
unsigned int xa_extract(struct xarray *xa, void **dst, unsigned long start,
			unsigned long max, unsigned int n, xa_mark_t filter);
void xa_destroy(struct xarray *xa);

/* A cursor for walking neighbouring indices (Linux's xa_state, for
 * lookups only): xas_load returns the entry at xa_index and remembers its
 * leaf node, xas_next moves to xa_index + 1 and reads it from the same
 * leaf, descending from the top again only when it leaves that leaf (once
 * in 64 indices). The remembered node is valid only as long as the
 * caller's serialisation (a lock held across the walk). */
struct xa_state {
	struct xarray *xa;
	unsigned long xa_index;
	struct xa_node *xa_node;	/* leaf holding xa_index, or NULL */
};
#define XA_STATE(name, array, index) \
	struct xa_state name = { .xa = (array), .xa_index = (index), .xa_node = NULL }
void *xas_load(struct xa_state *xas);
void *xas_next(struct xa_state *xas);

/* Iterate over present entries (optionally marked / in [start, last]).
 * The body may store or erase entries (the next lookup starts after index).
 */
#define xa_for_each_range(xa, index, entry, start, last)		\
	for (index = (start),						\
	     entry = xa_find(xa, &index, last, XA_PRESENT);		\
	     entry;							\
	     entry = xa_find_after(xa, &index, last, XA_PRESENT))

#define xa_for_each_start(xa, index, entry, start)			\
	xa_for_each_range(xa, index, entry, start, ULONG_MAX)

#define xa_for_each(xa, index, entry)					\
	xa_for_each_start(xa, index, entry, 0)

#define xa_for_each_marked(xa, index, entry, filter)			\
	for (index = 0, entry = xa_find(xa, &index, ULONG_MAX, filter);	\
	     entry; entry = xa_find_after(xa, &index, ULONG_MAX, filter))

#endif
