/* test_list.c: unit tests for include/list.h: add/del/move/splice and the
 * iterators on list_head, plus hlist buckets with safe deletion.
 */
#include "list.h"
#include "unit.h"

struct item {
	int val;
	struct list_head node;
	struct hlist_node hnode;
};

/* Check that head holds exactly vals[0..n) in order, both directions. */
static int list_equals(struct list_head *head, const int *vals, int n)
{
	struct item *it;
	int i = 0;

	list_for_each_entry(it, head, node)
		if (i >= n || it->val != vals[i++])
			return 0;
	if (i != n)
		return 0;
	list_for_each_entry_reverse(it, head, node)
		if (i <= 0 || it->val != vals[--i])
			return 0;
	return i == 0;
}

static void test_basic(void)
{
	LIST_HEAD(head);
	struct item it[5];
	struct list_head *pos, *n;
	int i, count = 0;

	CHECK(list_empty(&head));
	CHECK(!list_is_singular(&head));
	CHECK(list_first_entry_or_null(&head, struct item, node) == NULL);
	for (i = 0; i < 5; i++)
		it[i].val = i;

	list_add(&it[0].node, &head);
	CHECK(!list_empty(&head));
	CHECK(list_is_singular(&head));
	list_add_tail(&it[1].node, &head);
	list_add(&it[2].node, &head);
	CHECK(!list_is_singular(&head));
	CHECK(list_equals(&head, (int[]){ 2, 0, 1 }, 3));
	CHECK(list_first_entry(&head, struct item, node) == &it[2]);
	CHECK(list_last_entry(&head, struct item, node) == &it[1]);
	CHECK(list_first_entry_or_null(&head, struct item, node) == &it[2]);
	CHECK(list_next_entry(&it[2], node) == &it[0]);

	list_for_each(pos, &head)
		count++;
	CHECK(count == 3);

	list_del(&it[0].node);
	CHECK(it[0].node.next == LIST_POISON1);
	CHECK(list_equals(&head, (int[]){ 2, 1 }, 2));
	list_add_tail(&it[0].node, &head);
	list_move(&it[0].node, &head);
	CHECK(list_equals(&head, (int[]){ 0, 2, 1 }, 3));
	list_move_tail(&it[0].node, &head);
	CHECK(list_equals(&head, (int[]){ 2, 1, 0 }, 3));
	list_del_init(&it[1].node);
	CHECK(list_empty(&it[1].node));
	CHECK(list_equals(&head, (int[]){ 2, 0 }, 2));

	/* Safe iteration while deleting everything. */
	count = 0;
	list_for_each_safe(pos, n, &head) {
		list_del(pos);
		count++;
	}
	CHECK(count == 2);
	CHECK(list_empty(&head));
}

static void test_splice(void)
{
	LIST_HEAD(a);
	LIST_HEAD(b);
	struct item it[6], *p, *n;
	int i;

	for (i = 0; i < 6; i++) {
		it[i].val = i;
		list_add_tail(&it[i].node, i < 3 ? &a : &b);
	}
	list_splice_init(&b, &a);
	CHECK(list_empty(&b));
	CHECK(list_equals(&a, (int[]){ 3, 4, 5, 0, 1, 2 }, 6));
	list_splice_init(&b, &a);	/* empty splice is a no-op */
	CHECK(list_equals(&a, (int[]){ 3, 4, 5, 0, 1, 2 }, 6));

	/* Move odd values to b with the _safe iterator. */
	list_for_each_entry_safe(p, n, &a, node)
		if (p->val & 1)
			list_move_tail(&p->node, &b);
	CHECK(list_equals(&a, (int[]){ 4, 0, 2 }, 3));
	CHECK(list_equals(&b, (int[]){ 3, 5, 1 }, 3));
	list_splice_tail_init(&b, &a);
	CHECK(list_empty(&b));
	CHECK(list_equals(&a, (int[]){ 4, 0, 2, 3, 5, 1 }, 6));
}

static void test_hlist(void)
{
	struct hlist_head buckets[4];
	struct item it[16], *p;
	struct hlist_node *tmp;
	int i, b, count, ok;

	for (b = 0; b < 4; b++)
		INIT_HLIST_HEAD(&buckets[b]);
	CHECK(hlist_empty(&buckets[0]));
	for (i = 0; i < 16; i++) {
		it[i].val = i;
		INIT_HLIST_NODE(&it[i].hnode);
	}
	CHECK(hlist_unhashed(&it[0].hnode));
	for (i = 0; i < 16; i++)
		hlist_add_head(&it[i].hnode, &buckets[i % 4]);
	CHECK(!hlist_unhashed(&it[0].hnode));

	/* Each bucket holds 4 items, newest first. */
	for (b = 0; b < 4; b++) {
		count = 0;
		ok = 1;
		hlist_for_each_entry(p, &buckets[b], hnode) {
			ok &= p->val == b + 4 * (3 - count);
			count++;
		}
		CHECK(count == 4 && ok);
	}

	/* Delete head, middle and tail of bucket 1. */
	hlist_del(&it[13].hnode);
	hlist_del_init(&it[5].hnode);
	hlist_del_init(&it[1].hnode);
	CHECK(hlist_unhashed(&it[5].hnode));
	hlist_del_init(&it[5].hnode);	/* twice is harmless */
	count = 0;
	hlist_for_each_entry(p, &buckets[1], hnode)
		count++, ok = p->val == 9;
	CHECK(count == 1 && ok);

	/* Safe walk deleting everything. */
	for (b = 0; b < 4; b++)
		hlist_for_each_entry_safe(p, tmp, &buckets[b], hnode)
			hlist_del_init(&p->hnode);
	for (b = 0; b < 4; b++)
		CHECK(hlist_empty(&buckets[b]));
}

int main(void)
{
	test_basic();
	test_splice();
	test_hlist();
	return unit_done("test_list");
}
