/* test_rbtree.c: random insert/erase on lib/rbtree.c checked against a
 * presence-array model; red-black invariants and in-order walks are
 * verified every 10th operation and at the end.
 */
#include <stdlib.h>
#include "rbtree.h"
#include "unit.h"

#define NKEYS 1000
#define NOPS 20000

struct thing {
	int key;
	struct rb_node rb;
};

static struct thing things[NKEYS];
static int present[NKEYS];
static int npresent;

static int insert(struct rb_root *root, struct thing *t)
{
	struct rb_node **link = &root->rb_node, *parent = NULL;

	while (*link) {
		struct thing *cur = rb_entry(*link, struct thing, rb);

		parent = *link;
		if (t->key < cur->key)
			link = &(*link)->rb_left;
		else if (t->key > cur->key)
			link = &(*link)->rb_right;
		else
			return 0;
	}
	rb_link_node(&t->rb, parent, link);
	rb_insert_color(&t->rb, root);
	return 1;
}

static struct thing *search(struct rb_root *root, int key)
{
	struct rb_node *n = root->rb_node;

	while (n) {
		struct thing *t = rb_entry(n, struct thing, rb);

		if (key < t->key)
			n = n->rb_left;
		else if (key > t->key)
			n = n->rb_right;
		else
			return t;
	}
	return NULL;
}

/*
 * Check the subtree at n: parent links, key order within (lo, hi), no red
 * node with a red child. Returns its black height or -1 if broken.
 */
static int check_subtree(struct rb_node *n, struct rb_node *parent,
			 long lo, long hi)
{
	int key, lh, rh;

	if (!n)
		return 1;
	key = rb_entry(n, struct thing, rb)->key;
	if (rb_parent(n) != parent || key <= lo || key >= hi)
		return -1;
	if (rb_color(n) == RB_RED &&
	    ((n->rb_left && rb_color(n->rb_left) == RB_RED) ||
	     (n->rb_right && rb_color(n->rb_right) == RB_RED)))
		return -1;
	lh = check_subtree(n->rb_left, n, lo, key);
	rh = check_subtree(n->rb_right, n, key, hi);
	if (lh < 0 || rh < 0 || lh != rh)
		return -1;
	return lh + (rb_color(n) == RB_BLACK);
}

/* Full check of tree vs model; one CHECK per property. */
static void verify(struct rb_root *root)
{
	struct rb_node *n;
	int k = 0, ok = 1, count = 0;

	CHECK(!root->rb_node || rb_color(root->rb_node) == RB_BLACK);
	CHECK(check_subtree(root->rb_node, NULL, -1, NKEYS) > 0);

	/* In-order walk equals the sorted model. */
	for (n = rb_first(root); n; n = rb_next(n), k++) {
		while (k < NKEYS && !present[k])
			k++;
		if (k >= NKEYS || rb_entry(n, struct thing, rb)->key != k)
			ok = 0;
		count++;
	}
	CHECK(ok && count == npresent);

	/* Reverse walk too. */
	ok = 1;
	count = 0;
	k = NKEYS - 1;
	for (n = rb_last(root); n; n = rb_prev(n), k--) {
		while (k >= 0 && !present[k])
			k--;
		if (k < 0 || rb_entry(n, struct thing, rb)->key != k)
			ok = 0;
		count++;
	}
	CHECK(ok && count == npresent);
	CHECK(RB_EMPTY_ROOT(root) == (npresent == 0));
}

static void test_random(void)
{
	struct rb_root root = RB_ROOT;
	int i, key, bad = 0;

	srand(12345);
	for (i = 0; i < NKEYS; i++) {
		things[i].key = i;
		RB_CLEAR_NODE(&things[i].rb);
	}
	CHECK(RB_EMPTY_ROOT(&root));
	CHECK(rb_first(&root) == NULL && rb_last(&root) == NULL);
	CHECK(RB_EMPTY_NODE(&things[0].rb));
	CHECK(rb_next(&things[0].rb) == NULL);

	for (i = 0; i < NOPS; i++) {
		/* Bias toward inserts early, erases late, to grow and shrink. */
		int grow = (i < NOPS / 2) ? rand() % 3 != 0 : rand() % 3 == 0;

		key = rand() % NKEYS;
		if (grow) {
			if (insert(&root, &things[key]) != !present[key])
				bad++;
			if (!present[key])
				npresent++;
			present[key] = 1;
		} else if (present[key]) {
			rb_erase(&things[key].rb, &root);
			RB_CLEAR_NODE(&things[key].rb);
			present[key] = 0;
			npresent--;
		}
		if ((search(&root, key) != NULL) != present[key])
			bad++;
		if (i % 10 == 0 || i > NOPS - 100)
			verify(&root);
	}
	CHECK(bad == 0);

	/* Erase everything in order, checking as we go. */
	for (key = 0; key < NKEYS; key++) {
		if (!present[key])
			continue;
		rb_erase(&things[key].rb, &root);
		present[key] = 0;
		npresent--;
		if (key % 50 == 0)
			verify(&root);
	}
	verify(&root);
	CHECK(RB_EMPTY_ROOT(&root));
}

/* Ascending and descending insertion patterns. */
static void test_sequential(void)
{
	struct rb_root root = RB_ROOT;
	struct thing *t;
	int i;

	for (i = 0; i < NKEYS; i++)
		present[i] = 0;
	npresent = 0;
	for (i = 0; i < NKEYS; i++) {
		things[i].key = i;
		insert(&root, &things[i]);
		present[i] = 1;
		npresent++;
	}
	verify(&root);
	t = rb_entry_safe(rb_first(&root), struct thing, rb);
	CHECK(t && t->key == 0);
	t = rb_entry_safe(rb_last(&root), struct thing, rb);
	CHECK(t && t->key == NKEYS - 1);
	for (i = NKEYS - 1; i >= 0; i -= 2) {
		rb_erase(&things[i].rb, &root);
		present[i] = 0;
		npresent--;
	}
	verify(&root);
	root = RB_ROOT;
	CHECK(rb_entry_safe(rb_first(&root), struct thing, rb) == NULL);
}

int main(void)
{
	test_random();
	test_sequential();
	return unit_done("test_rbtree");
}
