/* rbtree.h: Linux-style intrusive red-black tree. Callers do the ordered
 * descent themselves, then rb_link_node() + rb_insert_color(). No locking:
 * callers must hold whatever lock protects the tree.
 */
#ifndef _RBTREE_H
#define _RBTREE_H

#include "types.h"
#if defined(__KERNEL_HOSTED) && !defined(_COMPILER_H)
#undef offsetof		/* glibc already defined these; compiler.h redefines */
#undef __always_inline
#endif
#include "compiler.h"

struct rb_node {
	unsigned long __rb_parent_color;	/* parent pointer | color bit */
	struct rb_node *rb_right;
	struct rb_node *rb_left;
} __attribute__((aligned(sizeof(long))));

struct rb_root {
	struct rb_node *rb_node;
};

#define RB_RED 0
#define RB_BLACK 1

#define rb_parent(r) ((struct rb_node *)((r)->__rb_parent_color & ~3UL))
#define rb_color(r) ((int)((r)->__rb_parent_color & 1))

#define RB_ROOT (struct rb_root) { NULL, }
#define rb_entry(ptr, type, member) container_of(ptr, type, member)

#define rb_entry_safe(ptr, type, member) ({			\
	__typeof__(ptr) ____ptr = (ptr);			\
	____ptr ? rb_entry(____ptr, type, member) : NULL;	\
})

#define RB_EMPTY_ROOT(root) (READ_ONCE((root)->rb_node) == NULL)

/* A node that is not in any tree points to itself. */
#define RB_EMPTY_NODE(node) \
	((node)->__rb_parent_color == (unsigned long)(node))
#define RB_CLEAR_NODE(node) \
	((node)->__rb_parent_color = (unsigned long)(node))

/* Attach node (red) at *rb_link below parent; then call rb_insert_color. */
static inline void rb_link_node(struct rb_node *node, struct rb_node *parent,
				struct rb_node **rb_link)
{
	node->__rb_parent_color = (unsigned long)parent;
	node->rb_left = node->rb_right = NULL;
	*rb_link = node;
}

void rb_insert_color(struct rb_node *node, struct rb_root *root);
void rb_erase(struct rb_node *node, struct rb_root *root);

struct rb_node *rb_first(const struct rb_root *root);
struct rb_node *rb_last(const struct rb_root *root);
struct rb_node *rb_next(const struct rb_node *node);
struct rb_node *rb_prev(const struct rb_node *node);

#endif
