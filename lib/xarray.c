/* xarray.c: the xarray, a radix tree of 64-slot nodes (as Linux's
 * lib/xarray.c, without RCU, multi-index entries or reservations).
 *
 * Layout. xa_head is NULL (empty), a plain entry (then the only entry, at
 * index 0), or a pointer to the top node tagged with bit 1 (xa_mk_node).
 * A node at level `shift` covers 64 << shift indices; slot i holds the
 * subtree for index bits [shift + 5 : shift] == i. Leaf nodes (shift 0)
 * hold entries; other nodes hold untagged child pointers. count is the
 * number of non-NULL slots, parent/offset locate the node in its parent.
 * Entries are non-NULL pointers with bits 1:0 clear (others get -EINVAL),
 * so they never look like a tagged node or an error (xa_mk_err).
 *
 * Shape invariants (restored after every call, including failed ones):
 *   - no node is empty (a node whose count drops to 0 is freed);
 *   - the top node does not have slot 0 as its only used slot (the tree
 *     then shrinks: slot 0 becomes the new head), so a lone entry at index
 *     0 lives in xa_head itself;
 *   - the tree is exactly as tall as needed for the largest index plus
 *     whatever the previous rule cannot remove.
 *
 * Marks. Each node has one 64-bit bitmap per mark. In a leaf, bit i is set
 * iff entry i is present and has the mark. In an inner node, bit i is set
 * iff the child in slot i has any bit of that mark set (i.e. some entry
 * below it is marked). XA_FLAGS_MARK(m) in xa_flags plays that role for
 * the head: set iff some entry in the array has mark m. Setting a mark
 * sets bits upward until one was already set; clearing clears upward while
 * the node's bitmap becomes zero. Marked searches follow set bits only, so
 * they skip unmarked subtrees. Erasing an entry clears its marks; storing
 * over a present entry keeps them.
 *
 * Locking: none. Callers serialise all calls on one xarray (the page cache
 * uses a spinlock around both modifications and lookups).
 *
 * Memory: nodes come from xa_node_alloc(gfp) / xa_node_free(node), provided
 * by whoever links this file (weak fallbacks below fail every allocation).
 * A failed allocation leaves the tree as it was and the call returns
 * xa_mk_err(-ENOMEM).
 */
#include "xarray.h"

#define XA_NODE_TAG 2UL

static inline bool xa_is_node(const void *head)
{
	return ((unsigned long)head & 3) == XA_NODE_TAG;
}

static inline struct xa_node *xa_to_node(const void *head)
{
	return (struct xa_node *)((unsigned long)head - XA_NODE_TAG);
}

static inline void *xa_mk_node(const struct xa_node *node)
{
	return (void *)((unsigned long)node | XA_NODE_TAG);
}

/*
 * Fallback hooks so that a build without an allocator still links (the
 * kernel links every lib/ object): every allocation fails with -ENOMEM.
 * The kernel and the unit tests override them with strong definitions.
 */
__attribute__((weak)) void *xa_node_alloc(unsigned int gfp)
{
	(void)gfp;
	return NULL;
}

__attribute__((weak)) void xa_node_free(void *node)
{
	(void)node;
}

static inline bool xa_valid_entry(const void *entry)
{
	return entry && ((unsigned long)entry & 3) == 0;
}

static inline bool xa_valid_mark(xa_mark_t mark)
{
	return mark <= XA_MARK_MAX;
}

/* Largest index a subtree of this node can hold (relative: all bits set). */
static inline unsigned long node_mask(unsigned int shift)
{
	if (shift + XA_CHUNK_SHIFT >= 8 * sizeof(unsigned long))
		return ULONG_MAX;
	return (1UL << (shift + XA_CHUNK_SHIFT)) - 1;
}

static inline unsigned int node_offset(unsigned long index, unsigned int shift)
{
	return (index >> shift) & XA_CHUNK_MASK;
}

/* Largest index the array can hold without growing. */
static unsigned long xa_max_index(const struct xarray *xa)
{
	void *head = xa->xa_head;

	if (!xa_is_node(head))
		return 0;
	return node_mask(xa_to_node(head)->shift);
}

static struct xa_node *node_alloc(unsigned int gfp, struct xa_node *parent,
				  unsigned int offset, unsigned int shift)
{
	struct xa_node *node = xa_node_alloc(gfp);
	unsigned int i;

	if (!node)
		return NULL;
	node->shift = shift;
	node->offset = offset;
	node->count = 0;
	node->parent = parent;
	for (i = 0; i < XA_CHUNK_SIZE; i++)
		node->slots[i] = NULL;
	for (i = 0; i < XA_MAX_MARKS; i++)
		node->marks[i] = 0;
	return node;
}

/* Descend to the leaf node holding index, or NULL if there is none. */
static struct xa_node *xa_leaf(const struct xarray *xa, unsigned long index)
{
	void *head = xa->xa_head;
	struct xa_node *node;

	if (!xa_is_node(head))
		return NULL;
	node = xa_to_node(head);
	if (index > node_mask(node->shift))
		return NULL;
	while (node && node->shift)
		node = node->slots[node_offset(index, node->shift)];
	return node;
}

/* ---- marks ---- */

static void node_set_mark(struct xarray *xa, struct xa_node *node,
			  unsigned int offset, xa_mark_t mark)
{
	for (;;) {
		unsigned long bit = 1UL << offset;

		if (node->marks[mark] & bit)
			return;		/* ancestors already have it */
		node->marks[mark] |= bit;
		if (!node->parent)
			break;
		offset = node->offset;
		node = node->parent;
	}
	xa->xa_flags |= XA_FLAGS_MARK(mark);
}

static void node_clear_mark(struct xarray *xa, struct xa_node *node,
			    unsigned int offset, xa_mark_t mark)
{
	for (;;) {
		node->marks[mark] &= ~(1UL << offset);
		if (node->marks[mark])
			return;		/* still something marked below */
		if (!node->parent)
			break;
		offset = node->offset;
		node = node->parent;
	}
	xa->xa_flags &= ~XA_FLAGS_MARK(mark);
}

void xa_set_mark(struct xarray *xa, unsigned long index, xa_mark_t mark)
{
	struct xa_node *node;
	unsigned int off = node_offset(index, 0);

	if (!xa_valid_mark(mark))
		return;
	if (xa->xa_head && !xa_is_node(xa->xa_head)) {
		if (index == 0)
			xa->xa_flags |= XA_FLAGS_MARK(mark);
		return;
	}
	node = xa_leaf(xa, index);
	if (node && node->slots[off])
		node_set_mark(xa, node, off, mark);
}

void xa_clear_mark(struct xarray *xa, unsigned long index, xa_mark_t mark)
{
	struct xa_node *node;
	unsigned int off = node_offset(index, 0);

	if (!xa_valid_mark(mark))
		return;
	if (!xa_is_node(xa->xa_head)) {
		if (index == 0)
			xa->xa_flags &= ~XA_FLAGS_MARK(mark);
		return;
	}
	node = xa_leaf(xa, index);
	if (node && node->slots[off])
		node_clear_mark(xa, node, off, mark);
}

bool xa_get_mark(struct xarray *xa, unsigned long index, xa_mark_t mark)
{
	void *head = xa->xa_head;
	struct xa_node *node;

	if (!xa_valid_mark(mark) || !(xa->xa_flags & XA_FLAGS_MARK(mark)))
		return false;
	if (!xa_is_node(head))
		return index == 0 && head;
	node = xa_to_node(head);
	if (index > node_mask(node->shift))
		return false;
	for (;;) {
		unsigned int off = node_offset(index, node->shift);

		if (!(node->marks[mark] & (1UL << off)))
			return false;
		if (!node->shift)
			return true;
		node = node->slots[off];
	}
}

/* ---- shape maintenance ---- */

/* Free empty nodes from node upward, unlinking each from its parent. */
static void delete_empty(struct xarray *xa, struct xa_node *node)
{
	while (node && node->count == 0) {
		struct xa_node *parent = node->parent;
		xa_mark_t m;

		if (parent) {
			for (m = 0; m < XA_MAX_MARKS; m++)
				if (parent->marks[m] & (1UL << node->offset))
					node_clear_mark(xa, parent,
							node->offset, m);
			parent->slots[node->offset] = NULL;
			parent->count--;
		} else {
			xa->xa_head = NULL;
			xa->xa_flags &= ~(XA_FLAGS_MARK(0) | XA_FLAGS_MARK(1) |
					  XA_FLAGS_MARK(2));
		}
		xa_node_free(node);
		node = parent;
	}
}

/* While the top node uses only slot 0, make slot 0 the head. */
static void xa_shrink(struct xarray *xa)
{
	while (xa_is_node(xa->xa_head)) {
		struct xa_node *node = xa_to_node(xa->xa_head);
		void *child = node->slots[0];

		if (node->count != 1 || !child)
			return;
		if (node->shift) {
			struct xa_node *c = child;

			c->parent = NULL;
			c->offset = 0;
			xa->xa_head = xa_mk_node(c);
		} else {
			xa->xa_head = child;
		}
		/* The root mark bits already summarise the whole array, which
		 * is unchanged, so they stay as they are. */
		xa_node_free(node);
	}
}

/*
 * Make the tree tall enough to hold index: wrap the head in new top nodes
 * (old head in slot 0) until it reaches. On failure the caller shrinks.
 */
static int xa_grow(struct xarray *xa, unsigned long index, unsigned int gfp)
{
	unsigned int shift = 0;
	xa_mark_t m;

	while ((index >> shift) > XA_CHUNK_MASK)
		shift += XA_CHUNK_SHIFT;
	if (!xa->xa_head) {
		struct xa_node *node = node_alloc(gfp, NULL, 0, shift);

		if (!node)
			return -ENOMEM;
		xa->xa_head = xa_mk_node(node);
		return 0;
	}
	while (index > xa_max_index(xa)) {
		void *head = xa->xa_head;
		unsigned int nshift = 0;
		struct xa_node *node;

		if (xa_is_node(head))
			nshift = xa_to_node(head)->shift + XA_CHUNK_SHIFT;
		node = node_alloc(gfp, NULL, 0, nshift);
		if (!node)
			return -ENOMEM;
		if (xa_is_node(head)) {
			xa_to_node(head)->parent = node;
			xa_to_node(head)->offset = 0;
			node->slots[0] = xa_to_node(head);
		} else {
			node->slots[0] = head;
		}
		node->count = 1;
		for (m = 0; m < XA_MAX_MARKS; m++)
			if (xa->xa_flags & XA_FLAGS_MARK(m))
				node->marks[m] = 1;
		xa->xa_head = xa_mk_node(node);
	}
	return 0;
}

/* ---- modification ---- */

void *xa_erase(struct xarray *xa, unsigned long index)
{
	void *head = xa->xa_head;
	unsigned int off = node_offset(index, 0);
	struct xa_node *node;
	void *old;
	xa_mark_t m;

	if (!xa_is_node(head)) {
		if (index != 0 || !head)
			return NULL;
		xa->xa_head = NULL;
		xa->xa_flags &= ~(XA_FLAGS_MARK(0) | XA_FLAGS_MARK(1) |
				  XA_FLAGS_MARK(2));
		return head;
	}
	node = xa_leaf(xa, index);
	if (!node || !node->slots[off])
		return NULL;
	old = node->slots[off];
	for (m = 0; m < XA_MAX_MARKS; m++)
		if (node->marks[m] & (1UL << off))
			node_clear_mark(xa, node, off, m);
	node->slots[off] = NULL;
	node->count--;
	delete_empty(xa, node);
	xa_shrink(xa);
	return old;
}

void *xa_store(struct xarray *xa, unsigned long index, void *entry,
	       unsigned int gfp)
{
	struct xa_node *node;
	unsigned int off;
	void *old;

	if (!entry)
		return xa_erase(xa, index);
	if (!xa_valid_entry(entry))
		return xa_mk_err(-EINVAL);
	if (index == 0 && !xa_is_node(xa->xa_head)) {
		old = xa->xa_head;		/* marks of index 0 are kept */
		xa->xa_head = entry;
		return old;
	}
	if (xa_grow(xa, index, gfp)) {
		xa_shrink(xa);
		return xa_mk_err(-ENOMEM);
	}
	node = xa_to_node(xa->xa_head);
	while (node->shift) {
		struct xa_node *child;

		off = node_offset(index, node->shift);
		child = node->slots[off];
		if (!child) {
			child = node_alloc(gfp, node, off,
					   node->shift - XA_CHUNK_SHIFT);
			if (!child) {
				delete_empty(xa, node);
				xa_shrink(xa);
				return xa_mk_err(-ENOMEM);
			}
			node->slots[off] = child;
			node->count++;
		}
		node = child;
	}
	off = node_offset(index, 0);
	old = node->slots[off];
	node->slots[off] = entry;
	if (!old)
		node->count++;
	return old;
}

int xa_insert(struct xarray *xa, unsigned long index, void *entry,
	      unsigned int gfp)
{
	void *old;

	if (!xa_valid_entry(entry))
		return -EINVAL;
	if (xa_load(xa, index))
		return -EBUSY;
	old = xa_store(xa, index, entry, gfp);
	return xa_err(old);
}

void *xa_cmpxchg(struct xarray *xa, unsigned long index, void *old,
		 void *entry, unsigned int gfp)
{
	void *curr;

	if (entry && !xa_valid_entry(entry))
		return xa_mk_err(-EINVAL);
	curr = xa_load(xa, index);
	if (curr == old && curr != entry) {
		void *res = xa_store(xa, index, entry, gfp);

		if (xa_is_err(res))
			return res;
	}
	return curr;
}

/* ---- lookup ---- */

void *xa_load(struct xarray *xa, unsigned long index)
{
	void *head = xa->xa_head;
	struct xa_node *node;

	if (!xa_is_node(head))
		return index == 0 ? head : NULL;
	node = xa_leaf(xa, index);
	return node ? node->slots[node_offset(index, 0)] : NULL;
}

void *xas_load(struct xa_state *xas)
{
	void *head = xas->xa->xa_head;

	xas->xa_node = NULL;
	if (!xa_is_node(head))
		return xas->xa_index == 0 ? head : NULL;
	xas->xa_node = xa_leaf(xas->xa, xas->xa_index);
	return xas->xa_node ? xas->xa_node->slots[node_offset(xas->xa_index, 0)] : NULL;
}

void *xas_next(struct xa_state *xas)
{
	unsigned int off = node_offset(++xas->xa_index, 0);

	if (xas->xa_node && off != 0)	/* still in the remembered leaf */
		return xas->xa_node->slots[off];
	if (xas->xa_index == 0)		/* wrapped past ULONG_MAX */
		return NULL;
	return xas_load(xas);
}

/* First slot >= offset that is used (or marked with filter), else 64. */
static unsigned int next_slot(const struct xa_node *node, unsigned int offset,
			      xa_mark_t filter)
{
	if (offset >= XA_CHUNK_SIZE)
		return XA_CHUNK_SIZE;
	if (xa_valid_mark(filter)) {
		unsigned long bits = node->marks[filter] & (~0UL << offset);

		return bits ? (unsigned int)__builtin_ctzl(bits) : XA_CHUNK_SIZE;
	}
	while (offset < XA_CHUNK_SIZE && !node->slots[offset])
		offset++;
	return offset;
}

void *xa_find(struct xarray *xa, unsigned long *indexp, unsigned long max,
	      xa_mark_t filter)
{
	unsigned long index = *indexp;
	void *head = xa->xa_head;
	struct xa_node *node;
	unsigned int off;

	if (index > max || !head)
		return NULL;
	if (xa_valid_mark(filter) && !(xa->xa_flags & XA_FLAGS_MARK(filter)))
		return NULL;
	if (!xa_is_node(head)) {
		if (index != 0)
			return NULL;
		return head;	/* *indexp is already 0 */
	}
	node = xa_to_node(head);
	if (index > node_mask(node->shift))
		return NULL;
	off = node_offset(index, node->shift);
	for (;;) {
		unsigned int found = next_slot(node, off, filter);

		if (found == XA_CHUNK_SIZE) {
			/* Nothing left here: continue after this node. */
			do {
				if (!node->parent)
					return NULL;
				found = node->offset + 1;
				node = node->parent;
			} while (found == XA_CHUNK_SIZE);
			off = found;
			index = (index & ~node_mask(node->shift)) |
				((unsigned long)off << node->shift);
			if (index > max)
				return NULL;
			continue;
		}
		if (found != node_offset(index, node->shift))
			index = (index & ~node_mask(node->shift)) |
				((unsigned long)found << node->shift);
		if (index > max)
			return NULL;
		if (!node->shift) {
			*indexp = index;
			return node->slots[found];
		}
		node = node->slots[found];
		off = node_offset(index, node->shift);
	}
}

void *xa_find_after(struct xarray *xa, unsigned long *indexp,
		    unsigned long max, xa_mark_t filter)
{
	unsigned long index = *indexp;
	void *entry;

	if (index >= max)
		return NULL;
	index++;
	entry = xa_find(xa, &index, max, filter);
	if (entry)
		*indexp = index;
	return entry;
}

unsigned int xa_extract(struct xarray *xa, void **dst, unsigned long start,
			unsigned long max, unsigned int n, xa_mark_t filter)
{
	unsigned long index = start;
	unsigned int i = 0;
	void *entry;

	if (!n)
		return 0;
	entry = xa_find(xa, &index, max, filter);
	while (entry) {
		dst[i++] = entry;
		if (i == n)
			break;
		entry = xa_find_after(xa, &index, max, filter);
	}
	return i;
}

/* ---- teardown ---- */

static void node_destroy(struct xa_node *node)
{
	unsigned int i;

	if (node->shift)
		for (i = 0; i < XA_CHUNK_SIZE; i++)
			if (node->slots[i])
				node_destroy(node->slots[i]);
	xa_node_free(node);
}

void xa_destroy(struct xarray *xa)
{
	if (xa_is_node(xa->xa_head))
		node_destroy(xa_to_node(xa->xa_head));
	xa->xa_head = NULL;
	xa->xa_flags &= ~(XA_FLAGS_MARK(0) | XA_FLAGS_MARK(1) |
			  XA_FLAGS_MARK(2));
}
