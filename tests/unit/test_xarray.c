/* test_xarray.c: unit tests for lib/xarray.c. Directed checks of every call
 * (growth to ULONG_MAX and shrink back, mark propagation, error cases and
 * injected allocation failures), then a randomized run checked step by step
 * against a model (a sorted pool of indices with entry + marks per index),
 * with a full structural check of the tree every 1000 steps.
 */
#include <stdlib.h>
#include <string.h>
#include "compiler.h"
#include "xarray.h"
#include "unit.h"

/* ---- allocation hooks: count live nodes, inject failures ---- */

static long nodes_live, nodes_allocated;
static int fail_countdown = -1;	/* allocations to allow before one fails */

void *xa_node_alloc(unsigned int gfp)
{
	(void)gfp;
	if (fail_countdown == 0) {
		fail_countdown = -1;
		return NULL;
	}
	if (fail_countdown > 0)
		fail_countdown--;
	nodes_live++;
	nodes_allocated++;
	/* garbage contents: lib must initialise the node itself */
	void *p = malloc(sizeof(struct xa_node));
	memset(p, 0xa5, sizeof(struct xa_node));
	return p;
}

void xa_node_free(void *node)
{
	if (node)
		nodes_live--;
	free(node);
}

#define P(x) ((void *)((unsigned long)(x) << 2))

/* ---- structural checker ---- */

struct seen {
	unsigned long index;
	void *entry;
	unsigned int marks;
};

static struct seen *seen_buf;
static size_t seen_n, seen_cap;
static int struct_errors;

#define SCHECK(c, ...) do { if (!(c)) { struct_errors++;		\
	if (struct_errors < 10) { fprintf(stderr, "struct: " __VA_ARGS__); \
	fputc('\n', stderr); } } } while (0)

static void seen_add(unsigned long index, void *entry, unsigned int marks)
{
	if (seen_n == seen_cap) {
		seen_cap = seen_cap ? 2 * seen_cap : 1024;
		seen_buf = realloc(seen_buf, seen_cap * sizeof(*seen_buf));
	}
	seen_buf[seen_n++] = (struct seen){ index, entry, marks };
}

/* Returns the number of nodes in the subtree; records entries in order. */
static long walk(struct xa_node *node, struct xa_node *parent,
		 unsigned int offset, unsigned long base)
{
	long nodes = 1;
	unsigned int i, used = 0, m;

	SCHECK(node->parent == parent, "bad parent");
	SCHECK(!parent || node->offset == offset, "bad offset");
	SCHECK(!parent || node->shift + XA_CHUNK_SHIFT == parent->shift,
	       "bad shift");
	SCHECK(node->shift % XA_CHUNK_SHIFT == 0 && node->shift <= 60,
	       "odd shift %u", node->shift);
	for (i = 0; i < XA_CHUNK_SIZE; i++) {
		void *s = node->slots[i];
		unsigned long idx = base + ((unsigned long)i << node->shift);

		for (m = 0; m < XA_MAX_MARKS; m++) {
			bool bit = node->marks[m] & (1UL << i);

			if (!s)
				SCHECK(!bit, "mark on empty slot");
			else if (node->shift)
				SCHECK(bit == (((struct xa_node *)s)->marks[m] != 0),
				       "mark %u not propagated", m);
		}
		if (!s)
			continue;
		used++;
		if (node->shift) {
			nodes += walk(s, node, i, idx);
		} else {
			unsigned int mk = 0;

			SCHECK(((unsigned long)s & 3) == 0, "bad entry");
			for (m = 0; m < XA_MAX_MARKS; m++)
				if (node->marks[m] & (1UL << i))
					mk |= 1U << m;
			seen_add(idx, s, mk);
		}
	}
	SCHECK(used == node->count, "count %u != used %u", node->count, used);
	SCHECK(used > 0, "empty node");
	return nodes;
}

/* Full check; fills seen_buf with the (index, entry, marks) in order. */
static void check_structure(struct xarray *xa)
{
	void *head = xa->xa_head;
	long nodes = 0;
	unsigned int m;

	seen_n = 0;
	if (!head) {
		for (m = 0; m < XA_MAX_MARKS; m++)
			SCHECK(!xa_marked(xa, m), "marked empty array");
	} else if (((unsigned long)head & 3) == 0) {
		unsigned int mk = 0;

		for (m = 0; m < XA_MAX_MARKS; m++)
			if (xa_marked(xa, m))
				mk |= 1U << m;
		seen_add(0, head, mk);
	} else {
		struct xa_node *top = (void *)((unsigned long)head - 2);

		SCHECK(!(top->count == 1 && top->slots[0]), "top not shrunk");
		nodes = walk(top, NULL, 0, 0);
		for (m = 0; m < XA_MAX_MARKS; m++)
			SCHECK(xa_marked(xa, m) == (top->marks[m] != 0),
			       "root mark %u", m);
	}
	SCHECK(nodes == nodes_live, "tree has %ld nodes, %ld live", nodes,
	       nodes_live);
}

/* ---- directed tests ---- */

static void test_basic(void)
{
	struct xarray xa = XARRAY_INIT(xa, 0);
	unsigned long idx;
	void *e;
	int n;

	CHECK(xa_empty(&xa));
	CHECK(xa_load(&xa, 0) == NULL);
	CHECK(xa_load(&xa, 12345) == NULL);
	CHECK(xa_erase(&xa, 0) == NULL);
	CHECK(xa_store(&xa, 0, P(1), 0) == NULL);
	CHECK(!xa_empty(&xa) && nodes_live == 0);	/* index 0 in the head */
	CHECK(xa_load(&xa, 0) == P(1));
	CHECK(xa_load(&xa, 1) == NULL);
	CHECK(xa_store(&xa, 0, P(2), 0) == P(1));
	CHECK(xa_store(&xa, 1, P(3), 0) == NULL);
	CHECK(nodes_live == 1);
	CHECK(xa_load(&xa, 0) == P(2) && xa_load(&xa, 1) == P(3));
	CHECK(xa_store(&xa, 1, NULL, 0) == P(3));	/* storing NULL erases */
	CHECK(nodes_live == 0 && xa_load(&xa, 0) == P(2));
	CHECK(xa_erase(&xa, 0) == P(2));
	CHECK(xa_empty(&xa));

	/* insert / cmpxchg */
	CHECK(xa_insert(&xa, 7, P(7), 0) == 0);
	CHECK(xa_insert(&xa, 7, P(8), 0) == -EBUSY);
	CHECK(xa_load(&xa, 7) == P(7));
	CHECK(xa_cmpxchg(&xa, 7, P(1), P(9), 0) == P(7));	/* mismatch */
	CHECK(xa_load(&xa, 7) == P(7));
	CHECK(xa_cmpxchg(&xa, 7, P(7), P(9), 0) == P(7));
	CHECK(xa_load(&xa, 7) == P(9));
	CHECK(xa_cmpxchg(&xa, 8, NULL, P(10), 0) == NULL);
	CHECK(xa_load(&xa, 8) == P(10));
	CHECK(xa_cmpxchg(&xa, 8, P(10), NULL, 0) == P(10));
	CHECK(xa_load(&xa, 8) == NULL);

	/* find */
	xa_store(&xa, 100, P(100), 0);
	xa_store(&xa, 1UL << 40, P(40), 0);
	idx = 0;
	CHECK(xa_find(&xa, &idx, ULONG_MAX, XA_PRESENT) == P(9) && idx == 7);
	CHECK(xa_find_after(&xa, &idx, ULONG_MAX, XA_PRESENT) == P(100) &&
	      idx == 100);
	CHECK(xa_find_after(&xa, &idx, ULONG_MAX, XA_PRESENT) == P(40) &&
	      idx == 1UL << 40);
	CHECK(xa_find_after(&xa, &idx, ULONG_MAX, XA_PRESENT) == NULL &&
	      idx == 1UL << 40);
	idx = 8;
	CHECK(xa_find(&xa, &idx, 99, XA_PRESENT) == NULL && idx == 8);
	idx = 101;
	CHECK(xa_find(&xa, &idx, ULONG_MAX, XA_PRESENT) == P(40));
	n = 0;
	xa_for_each(&xa, idx, e)
		n++;
	CHECK(n == 3);
	n = 0;
	xa_for_each_range(&xa, idx, e, 8, 100) {
		CHECK(idx == 100 && e == P(100));
		n++;
	}
	CHECK(n == 1);
	{
		void *dst[4] = { 0 };

		CHECK(xa_extract(&xa, dst, 0, ULONG_MAX, 4, XA_PRESENT) == 3);
		CHECK(dst[0] == P(9) && dst[1] == P(100) && dst[2] == P(40));
		CHECK(xa_extract(&xa, dst, 0, ULONG_MAX, 2, XA_PRESENT) == 2);
		CHECK(xa_extract(&xa, dst, 101, (1UL << 40) - 1, 4,
				 XA_PRESENT) == 0);
		CHECK(xa_extract(&xa, dst, 0, ULONG_MAX, 0, XA_PRESENT) == 0);
	}
	/* erasing inside an xa_for_each */
	xa_for_each(&xa, idx, e)
		CHECK(xa_erase(&xa, idx) == e);
	CHECK(xa_empty(&xa) && nodes_live == 0);

	/* xa_destroy frees everything */
	for (idx = 0; idx < 5000; idx += 3)
		xa_store(&xa, idx * 977, P(idx + 1), 0);
	xa_set_mark(&xa, 3 * 977, XA_MARK_1);
	CHECK(nodes_live > 0);
	xa_destroy(&xa);
	CHECK(xa_empty(&xa) && nodes_live == 0 && !xa_marked(&xa, XA_MARK_1));
}

/* The cursor: a run across leaf boundaries, holes, a lone head entry. */
static void test_xas(void)
{
	struct xarray xa;
	unsigned long i;
	void *e;

	xa_init(&xa);
	{
		XA_STATE(xas, &xa, 0);
		CHECK(xas_load(&xas) == NULL && xas_next(&xas) == NULL &&
		      xas.xa_index == 1);
	}
	xa_store(&xa, 0, P(1), 0);		/* lone entry in xa_head */
	{
		XA_STATE(xas, &xa, 0);
		CHECK(xas_load(&xas) == P(1) && xas.xa_node == NULL);
		CHECK(xas_next(&xas) == NULL && xas.xa_index == 1);
	}
	for (i = 60; i < 200; i++)		/* 60..199: three leaves */
		xa_store(&xa, i, P(i), 0);
	{
		XA_STATE(xas, &xa, 60);
		for (e = xas_load(&xas), i = 60; e && i < 300; e = xas_next(&xas), i++)
			CHECK(e == P(i) && xas.xa_index == i);
		CHECK(i == 200 && xas.xa_index == 200);
	}
	xa_erase(&xa, 130);			/* a hole mid-leaf ends a run */
	{
		XA_STATE(xas, &xa, 120);
		for (e = xas_load(&xas), i = 120; e && i < 300; e = xas_next(&xas), i++)
			;
		CHECK(i == 130);
		CHECK(xas_next(&xas) == P(131) && xas.xa_index == 131);
	}
	xa_store(&xa, ULONG_MAX, P(7), 0);	/* the last index, then wrap */
	{
		XA_STATE(xas, &xa, ULONG_MAX - 1);
		CHECK(xas_load(&xas) == NULL && xas_next(&xas) == P(7));
		CHECK(xas_next(&xas) == NULL && xas.xa_index == 0);
	}
	xa_destroy(&xa);
	CHECK(nodes_live == 0);
}

static int height(struct xarray *xa)
{
	void *head = xa->xa_head;

	if (!((unsigned long)head & 2))
		return 0;
	return ((struct xa_node *)((unsigned long)head - 2))->shift / 6 + 1;
}

static void test_grow_shrink(void)
{
	struct xarray xa;
	unsigned long idx[16];
	int n = 0, i;

	xa_init(&xa);
	idx[n++] = 0;
	for (i = 6; i <= 60; i += 6)
		idx[n++] = (1UL << i) + 5;	/* needs i / 6 + 1 levels */
	idx[n++] = ULONG_MAX;
	for (i = 0; i < n; i++) {
		CHECK(xa_store(&xa, idx[i], P(i + 1), 0) == NULL);
		check_structure(&xa);
	}
	CHECK(height(&xa) == 11);	/* 11 levels x 6 bits >= 64 */
	for (i = 0; i < n; i++)
		CHECK(xa_load(&xa, idx[i]) == P(i + 1));
	CHECK(xa_load(&xa, ULONG_MAX - 1) == NULL);
	xa_set_mark(&xa, ULONG_MAX, XA_MARK_2);
	CHECK(xa_get_mark(&xa, ULONG_MAX, XA_MARK_2));
	/* erase from the top: the tree shrinks level by level */
	for (i = n - 1; i >= 0; i--) {
		CHECK(xa_erase(&xa, idx[i]) == P(i + 1));
		check_structure(&xa);
		CHECK(height(&xa) == (i <= 1 ? 0 : i));
	}
	CHECK(!xa_marked(&xa, XA_MARK_2));
	CHECK(xa_empty(&xa) && nodes_live == 0);

	/* a lone ULONG_MAX entry, then index 0: erase ULONG_MAX shrinks to
	 * the head entry */
	xa_store(&xa, ULONG_MAX, P(1), 0);
	CHECK(height(&xa) == 11 && nodes_live == 11);
	xa_store(&xa, 0, P(2), 0);
	xa_set_mark(&xa, 0, XA_MARK_0);
	CHECK(nodes_live == 21);
	xa_erase(&xa, ULONG_MAX);
	CHECK(nodes_live == 0 && xa_load(&xa, 0) == P(2));
	CHECK(xa_get_mark(&xa, 0, XA_MARK_0) && xa_marked(&xa, XA_MARK_0));
	check_structure(&xa);
	CHECK(struct_errors == 0);
	xa_erase(&xa, 0);
	CHECK(!xa_marked(&xa, XA_MARK_0));

	/* dense fill then erase everything in forward order */
	for (i = 0; i < 10000; i++)
		xa_store(&xa, (unsigned long)i, P(i + 1), 0);
	check_structure(&xa);
	for (i = 0; i < 10000; i++)
		CHECK(xa_erase(&xa, (unsigned long)i) == P(i + 1));
	CHECK(xa_empty(&xa) && nodes_live == 0);
	CHECK(struct_errors == 0);
}

static void test_marks(void)
{
	struct xarray xa;
	unsigned long idx[] = { 0, 5, 64, 1000, 1UL << 30, 1UL << 40,
				(1UL << 40) + 1, ULONG_MAX - 1, ULONG_MAX };
	unsigned int n = ARRAY_SIZE(idx), i, cnt;
	unsigned long index;
	void *e;

	xa_init(&xa);
	for (i = 0; i < n; i++)
		xa_store(&xa, idx[i], P(i + 1), 0);
	CHECK(!xa_marked(&xa, XA_MARK_0));
	xa_set_mark(&xa, 77, XA_MARK_0);		/* absent: no-op */
	CHECK(!xa_marked(&xa, XA_MARK_0) && !xa_get_mark(&xa, 77, XA_MARK_0));
	xa_set_mark(&xa, 3, XA_MARK_MAX + 1);		/* invalid mark */
	xa_set_mark(&xa, 1UL << 40, XA_MARK_0);
	xa_set_mark(&xa, ULONG_MAX, XA_MARK_0);
	xa_set_mark(&xa, 5, XA_MARK_1);
	xa_set_mark(&xa, 0, XA_MARK_2);
	check_structure(&xa);
	CHECK(struct_errors == 0);
	CHECK(xa_marked(&xa, XA_MARK_0) && xa_marked(&xa, XA_MARK_1) &&
	      xa_marked(&xa, XA_MARK_2));
	CHECK(xa_get_mark(&xa, 1UL << 40, XA_MARK_0));
	CHECK(!xa_get_mark(&xa, (1UL << 40) + 1, XA_MARK_0));
	CHECK(!xa_get_mark(&xa, 1UL << 40, XA_MARK_1));
	CHECK(!xa_get_mark(&xa, 3, XA_MARK_MAX + 1));

	cnt = 0;
	xa_for_each_marked(&xa, index, e, XA_MARK_0) {
		CHECK(cnt != 0 || (index == 1UL << 40 && e == P(6)));
		CHECK(cnt != 1 || (index == ULONG_MAX && e == P(9)));
		cnt++;
	}
	CHECK(cnt == 2);
	{
		void *dst[8];

		CHECK(xa_extract(&xa, dst, 0, ULONG_MAX, 8, XA_MARK_1) == 1 &&
		      dst[0] == P(2));
		CHECK(xa_extract(&xa, dst, 1, ULONG_MAX, 8, XA_MARK_2) == 0);
	}
	/* storing over a marked entry keeps the mark */
	CHECK(xa_store(&xa, 1UL << 40, P(100), 0) == P(6));
	CHECK(xa_get_mark(&xa, 1UL << 40, XA_MARK_0));
	CHECK(xa_store(&xa, 0, P(101), 0) == P(1));
	CHECK(xa_get_mark(&xa, 0, XA_MARK_2));
	/* clearing: the root bit goes once the last marked entry is clear */
	xa_clear_mark(&xa, 1UL << 40, XA_MARK_0);
	CHECK(xa_marked(&xa, XA_MARK_0));
	check_structure(&xa);
	xa_clear_mark(&xa, ULONG_MAX, XA_MARK_0);
	CHECK(!xa_marked(&xa, XA_MARK_0));
	index = 0;
	CHECK(xa_find(&xa, &index, ULONG_MAX, XA_MARK_0) == NULL);
	/* erasing clears marks: re-storing does not bring them back */
	CHECK(xa_erase(&xa, 5) == P(2));
	CHECK(!xa_marked(&xa, XA_MARK_1));
	xa_store(&xa, 5, P(2), 0);
	CHECK(!xa_get_mark(&xa, 5, XA_MARK_1));
	xa_erase(&xa, 0);
	CHECK(!xa_marked(&xa, XA_MARK_2));
	check_structure(&xa);
	CHECK(struct_errors == 0);

	/* deep marks in a dense block: every 7th of 5000 */
	xa_destroy(&xa);
	for (i = 0; i < 5000; i++)
		xa_store(&xa, 1000000 + i, P(i + 1), 0);
	for (i = 0; i < 5000; i += 7)
		xa_set_mark(&xa, 1000000 + i, XA_MARK_1);
	check_structure(&xa);
	cnt = 0;
	xa_for_each_marked(&xa, index, e, XA_MARK_1) {
		CHECK(index == 1000000 + cnt * 7 && e == P(cnt * 7 + 1));
		cnt++;
	}
	CHECK(cnt == (5000 + 6) / 7);
	for (i = 0; i < 5000; i += 7)
		xa_clear_mark(&xa, 1000000 + i, XA_MARK_1);
	CHECK(!xa_marked(&xa, XA_MARK_1));
	check_structure(&xa);
	CHECK(struct_errors == 0);
	xa_destroy(&xa);
	CHECK(nodes_live == 0);
}

static void snapshot(struct xarray *xa, struct seen **out, size_t *n)
{
	check_structure(xa);
	*out = malloc((seen_n + 1) * sizeof(**out));
	memcpy(*out, seen_buf, seen_n * sizeof(**out));
	*n = seen_n;
}

static bool same_as(struct xarray *xa, struct seen *s, size_t n)
{
	check_structure(xa);
	return n == seen_n && memcmp(s, seen_buf, n * sizeof(*s)) == 0;
}

/* Inject a failure at every allocation of a store; tree must not change. */
static void fail_each(struct xarray *xa, unsigned long index)
{
	struct seen *s;
	size_t n;
	int k;
	void *r;

	snapshot(xa, &s, &n);
	for (k = 0;; k++) {
		long before = nodes_live;

		fail_countdown = k;
		r = xa_store(xa, index, P(4242), 0);
		if (!xa_is_err(r)) {
			fail_countdown = -1;
			break;
		}
		CHECK(xa_err(r) == -ENOMEM);
		CHECK(nodes_live == before);
		CHECK(same_as(xa, s, n));
		fail_countdown = k;
		CHECK(xa_insert(xa, index, P(4242), 0) == -ENOMEM);
		fail_countdown = -1;
		CHECK(same_as(xa, s, n));
	}
	CHECK(xa_load(xa, index) == P(4242));
	xa_erase(xa, index);
	CHECK(same_as(xa, s, n));
	free(s);
}

static void test_errors(void)
{
	struct xarray xa;
	void *r;

	xa_init(&xa);
	r = xa_store(&xa, 3, (void *)0x1001, 0);
	CHECK(xa_is_err(r) && xa_err(r) == -EINVAL);
	r = xa_store(&xa, 3, (void *)0x1002, 0);
	CHECK(xa_is_err(r) && xa_err(r) == -EINVAL);
	CHECK(xa_insert(&xa, 3, (void *)0x1003, 0) == -EINVAL);
	CHECK(xa_insert(&xa, 3, NULL, 0) == -EINVAL);
	r = xa_cmpxchg(&xa, 3, NULL, (void *)0x1001, 0);
	CHECK(xa_is_err(r) && xa_err(r) == -EINVAL);
	CHECK(xa_empty(&xa) && nodes_live == 0);
	CHECK(!xa_is_err(P(1)) && xa_err(P(1)) == 0 && !xa_is_err(NULL));
	CHECK(xa_insert(&xa, 3, P(3), 0) == 0);
	CHECK(xa_insert(&xa, 3, P(4), 0) == -EBUSY);
	CHECK(xa_load(&xa, 3) == P(3));
	r = xa_store(&xa, 3, (void *)0x1001, 0);
	CHECK(xa_is_err(r) && xa_load(&xa, 3) == P(3));
	xa_erase(&xa, 3);

	/* allocation failure: empty tree, head entry, deep trees */
	fail_each(&xa, 5);
	fail_each(&xa, ULONG_MAX);
	xa_store(&xa, 0, P(1), 0);
	xa_set_mark(&xa, 0, XA_MARK_0);
	fail_each(&xa, 1);
	fail_each(&xa, ULONG_MAX);
	xa_store(&xa, 70000, P(2), 0);
	xa_set_mark(&xa, 70000, XA_MARK_1);
	fail_each(&xa, 70001);
	fail_each(&xa, 1UL << 50);
	fail_each(&xa, 1UL << 20);
	fail_each(&xa, ULONG_MAX);
	{
		/* cmpxchg reports the failure too */
		fail_countdown = 0;
		r = xa_cmpxchg(&xa, 1UL << 33, NULL, P(5), 0);
		fail_countdown = -1;
		CHECK(xa_is_err(r) && xa_err(r) == -ENOMEM);
		CHECK(xa_load(&xa, 1UL << 33) == NULL);
	}
	check_structure(&xa);
	CHECK(struct_errors == 0);
	CHECK(xa_get_mark(&xa, 0, XA_MARK_0) &&
	      xa_get_mark(&xa, 70000, XA_MARK_1));
	xa_destroy(&xa);
	CHECK(nodes_live == 0);
}

/* ---- randomized test against a model ---- */

#define NDENSE 1600
#define NSPARSE 1400
#define NOPS 200000

static unsigned long rng_state = 0x9e3779b97f4a7c15UL;

static unsigned long rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static unsigned long pool[NDENSE + NSPARSE];
static void *m_entry[NDENSE + NSPARSE];
static unsigned int m_marks[NDENSE + NSPARSE];
static size_t npool;
static long m_present, m_marked[XA_MAX_MARKS];

static int cmp_ul(const void *a, const void *b)
{
	unsigned long x = *(const unsigned long *)a;
	unsigned long y = *(const unsigned long *)b;

	return x < y ? -1 : x > y;
}

/* first pool position with pool[pos] >= v */
static size_t lower_bound(unsigned long v)
{
	size_t lo = 0, hi = npool;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (pool[mid] < v)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void build_pool(void)
{
	static const unsigned long bases[] = { 0, 4096, 1UL << 20,
		(1UL << 32) - 100, 1UL << 62, ULONG_MAX - 399 };
	size_t i, j, n = 0;

	for (i = 0; i < ARRAY_SIZE(bases); i++)
		for (j = 0; j < NDENSE / ARRAY_SIZE(bases); j++)
			pool[n++] = bases[i] + j;
	while (n < NDENSE + NSPARSE)
		pool[n++] = rnd() >> (rnd() % 64);
	qsort(pool, n, sizeof(pool[0]), cmp_ul);
	for (i = 0, j = 0; i < n; i++)
		if (j == 0 || pool[i] != pool[j - 1])
			pool[j++] = pool[i];
	npool = j;
}

static void *new_entry(void)
{
	return P((rnd() & 0xffffffffUL) | 1);
}

static void m_set(size_t pos, void *e)
{
	unsigned int m;

	if (!e && m_entry[pos]) {
		m_present--;
		for (m = 0; m < XA_MAX_MARKS; m++)
			if (m_marks[pos] & (1U << m))
				m_marked[m]--;
		m_marks[pos] = 0;
	} else if (e && !m_entry[pos]) {
		m_present++;
	}
	m_entry[pos] = e;
}

static void m_mark(size_t pos, xa_mark_t m, bool set)
{
	if (!m_entry[pos] || !!(m_marks[pos] & (1U << m)) == set)
		return;
	m_marks[pos] ^= 1U << m;
	m_marked[m] += set ? 1 : -1;
}

static bool m_match(size_t pos, xa_mark_t filter)
{
	return m_entry[pos] &&
	       (filter == XA_PRESENT || (m_marks[pos] & (1U << filter)));
}

/* model xa_find: position of first match in [start, max], or npool */
static size_t m_find(unsigned long start, unsigned long max, xa_mark_t filter)
{
	size_t pos;

	if (start > max || (filter != XA_PRESENT && !m_marked[filter]) ||
	    !m_present)
		return npool;
	for (pos = lower_bound(start); pos < npool && pool[pos] <= max; pos++)
		if (m_match(pos, filter))
			return pos;
	return npool;
}

static void full_check(struct xarray *xa)
{
	size_t pos, k = 0;
	bool ok = true;

	check_structure(xa);
	for (pos = 0; pos < npool; pos++) {
		if (!m_entry[pos])
			continue;
		if (k >= seen_n || seen_buf[k].index != pool[pos] ||
		    seen_buf[k].entry != m_entry[pos] ||
		    seen_buf[k].marks != m_marks[pos])
			ok = false;
		k++;
	}
	CHECK(ok && k == seen_n);
	CHECK(struct_errors == 0);
}

static unsigned long rand_start(void)
{
	unsigned long v = pool[rnd() % npool];

	switch (rnd() % 4) {
	case 0: return v;
	case 1: return v - (rnd() % 70);
	case 2: return v + (rnd() % 70);
	default: return rnd() >> (rnd() % 64);
	}
}

static xa_mark_t rand_filter(void)
{
	unsigned int r = rnd() % 4;

	return r == 3 ? XA_PRESENT : r;
}

static void test_random(void)
{
	struct xarray xa;
	long step, bad = 0;
	int phase_bias;

	xa_init(&xa);
	build_pool();
	for (step = 0; step < NOPS; step++) {
		size_t pos = rnd() % npool;
		unsigned long index = pool[pos];
		unsigned int op = rnd() % 100;
		xa_mark_t m = rnd() % XA_MAX_MARKS;
		void *e, *r;

		/* alternate fill-heavy (30000) and drain (10000) phases */
		phase_bias = step % 40000 < 30000 ? 60 : 5;
		if (phase_bias < 50 && op < 38 && m_present && rnd() % 4) {
			/* draining: aim at a present entry so the tree empties */
			pos = m_find(pool[pos], ULONG_MAX, XA_PRESENT);
			if (pos == npool)
				pos = m_find(0, ULONG_MAX, XA_PRESENT);
			index = pool[pos];
		}
		if (phase_bias < 50 && op >= 30 && op < 38 && rnd() % 4)
			op = 0;		/* draining: most inserts become erases */
		if (op < 30) {
			bool store = (int)(rnd() % 100) < phase_bias;

			if (store) {
				e = new_entry();
				if (rnd() % 50 == 0)
					fail_countdown = rnd() % 4;
				r = xa_store(&xa, index, e, 0);
				fail_countdown = -1;
				if (xa_is_err(r)) {
					bad += xa_err(r) != -ENOMEM;
				} else {
					bad += r != m_entry[pos];
					m_set(pos, e);
				}
			} else {
				r = (rnd() & 1) ? xa_erase(&xa, index) :
						  xa_store(&xa, index, NULL, 0);
				bad += r != m_entry[pos];
				m_set(pos, NULL);
			}
		} else if (op < 38) {
			int ret;

			e = new_entry();
			ret = xa_insert(&xa, index, e, 0);
			if (m_entry[pos]) {
				bad += ret != -EBUSY;
			} else {
				bad += ret != 0;
				m_set(pos, e);
			}
		} else if (op < 46) {
			void *old = (rnd() & 1) ? m_entry[pos] : new_entry();

			if (rnd() % 3 == 0)
				old = NULL;
			e = (rnd() % 3 == 0) ? NULL : new_entry();
			r = xa_cmpxchg(&xa, index, old, e, 0);
			bad += r != m_entry[pos];
			if (m_entry[pos] == old)
				m_set(pos, e);
		} else if (op < 58) {
			xa_set_mark(&xa, index, m);
			m_mark(pos, m, true);
		} else if (op < 64) {
			xa_clear_mark(&xa, index, m);
			m_mark(pos, m, false);
		} else if (op < 69) {
			/* xas_load + xas_next agree with xa_load index by index */
			XA_STATE(xas, &xa, rand_start());
			unsigned long i0 = xas.xa_index;
			int k, len = rnd() % 200;

			e = xas_load(&xas);
			for (k = 0; k <= len; k++) {
				bad += xas.xa_index != i0 + k ||
				       e != xa_load(&xa, i0 + k);
				if (i0 + k == ULONG_MAX)
					break;
				e = xas_next(&xas);
			}
		} else if (op < 72) {
			if (rnd() & 1) {
				bad += xa_load(&xa, index) != m_entry[pos];
			} else {
				unsigned long v = rnd();
				size_t p = lower_bound(v);

				if (p == npool || pool[p] != v)
					bad += xa_load(&xa, v) != NULL;
			}
			bad += xa_get_mark(&xa, index, m) !=
			       !!(m_marks[pos] & (1U << m));
		} else if (op < 92) {
			unsigned long start = rand_start(), max, got;
			xa_mark_t f = rand_filter();
			size_t want;
			bool after = rnd() & 1;

			max = (rnd() & 3) ? start + (rnd() % 5000) : ULONG_MAX;
			if (max < start)
				max = ULONG_MAX;
			if (rnd() % 8 == 0)
				max = start - 1 - rnd() % 3;	/* often < start */
			got = start;
			if (after) {
				e = xa_find_after(&xa, &got, max, f);
				want = start == ULONG_MAX ? npool :
				       m_find(start + 1, max, f);
			} else {
				e = xa_find(&xa, &got, max, f);
				want = m_find(start, max, f);
			}
			if (want == npool)
				bad += e != NULL || got != start;
			else
				bad += e != m_entry[want] || got != pool[want];
		} else if (op < 97) {
			void *dst[20];
			unsigned int n = rnd() % 21, got, i;
			unsigned long start = rand_start(), max;
			xa_mark_t f = rand_filter();
			size_t p;

			max = (rnd() & 1) ? ULONG_MAX : start + rnd() % 100000;
			if (max < start)
				max = ULONG_MAX;
			got = xa_extract(&xa, dst, start, max, n, f);
			p = m_find(start, max, f);
			for (i = 0; i < n && p < npool; i++) {
				bad += i >= got || dst[i] != m_entry[p];
				p = pool[p] == ULONG_MAX ? npool :
				    m_find(pool[p] + 1, max, f);
			}
			bad += got != i;
		} else {
			for (m = 0; m < XA_MAX_MARKS; m++)
				bad += xa_marked(&xa, m) != (m_marked[m] > 0);
			bad += xa_empty(&xa) != (m_present == 0);
			if (m_present == 0)
				bad += nodes_live != 0;
		}
		if (!m_present)		/* emptied: every node was freed */
			bad += !xa_empty(&xa) || nodes_live != 0;
		if (bad) {
			fprintf(stderr, "random: mismatch at step %ld op %u\n",
				step, op);
			break;
		}
		if (step % 1000 == 999)
			full_check(&xa);
	}
	CHECKF(bad == 0, "%ld mismatches", bad);
	full_check(&xa);
	/* drain everything through the model: no node may remain */
	{
		size_t pos;

		for (pos = 0; pos < npool; pos++)
			if (m_entry[pos]) {
				CHECK(xa_erase(&xa, pool[pos]) == m_entry[pos]);
				m_set(pos, NULL);
			}
	}
	CHECK(xa_empty(&xa) && nodes_live == 0);
	printf("test_xarray: random: %d ops, %ld nodes allocated\n", NOPS,
	       nodes_allocated);
}

int main(void)
{
	test_basic();
	test_xas();
	test_grow_shrink();
	test_marks();
	test_errors();
	test_random();
	CHECK(struct_errors == 0);
	free(seen_buf);
	return unit_done("test_xarray");
}
