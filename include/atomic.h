/* atomic.h: atomic counters and bit operations (RISC-V A extension via
 * GCC builtins; all are full barriers). */
#ifndef _ATOMIC_H
#define _ATOMIC_H
#include <types.h>

typedef struct { int counter; } atomic_t;
typedef struct { long counter; } atomic_long_t;
#define ATOMIC_INIT(i) { (i) }

static inline int atomic_read(const atomic_t *v) { return __atomic_load_n(&v->counter, __ATOMIC_RELAXED); }
static inline void atomic_set(atomic_t *v, int i) { __atomic_store_n(&v->counter, i, __ATOMIC_RELAXED); }
static inline void atomic_inc(atomic_t *v) { __atomic_fetch_add(&v->counter, 1, __ATOMIC_SEQ_CST); }
static inline void atomic_dec(atomic_t *v) { __atomic_fetch_sub(&v->counter, 1, __ATOMIC_SEQ_CST); }
static inline int atomic_add_return(int i, atomic_t *v) { return __atomic_add_fetch(&v->counter, i, __ATOMIC_SEQ_CST); }
static inline int atomic_inc_return(atomic_t *v) { return atomic_add_return(1, v); }
static inline int atomic_dec_and_test(atomic_t *v) { return __atomic_sub_fetch(&v->counter, 1, __ATOMIC_SEQ_CST) == 0; }
static inline int atomic_cmpxchg(atomic_t *v, int old, int new)
{
	__atomic_compare_exchange_n(&v->counter, &old, new, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
	return old;
}
/* Increment unless zero; returns nonzero if incremented. */
static inline int atomic_inc_not_zero(atomic_t *v)
{
	int c = atomic_read(v);
	while (c) {
		int old = atomic_cmpxchg(v, c, c + 1);
		if (old == c)
			return 1;
		c = old;
	}
	return 0;
}
/* Increment unless negative / decrement unless positive (Linux's, for
 * i_writecount); return nonzero if done. */
static inline int atomic_inc_unless_negative(atomic_t *v)
{
	int c = atomic_read(v);
	while (c >= 0) {
		int old = atomic_cmpxchg(v, c, c + 1);
		if (old == c)
			return 1;
		c = old;
	}
	return 0;
}
static inline int atomic_dec_unless_positive(atomic_t *v)
{
	int c = atomic_read(v);
	while (c <= 0) {
		int old = atomic_cmpxchg(v, c, c - 1);
		if (old == c)
			return 1;
		c = old;
	}
	return 0;
}
static inline long atomic_long_read(const atomic_long_t *v) { return __atomic_load_n(&v->counter, __ATOMIC_RELAXED); }
static inline void atomic_long_add(long i, atomic_long_t *v) { __atomic_fetch_add(&v->counter, i, __ATOMIC_SEQ_CST); }
static inline void atomic_long_sub(long i, atomic_long_t *v) { __atomic_fetch_sub(&v->counter, i, __ATOMIC_SEQ_CST); }
#define atomic_long_inc(v) atomic_long_add(1, v)
#define atomic_long_dec(v) atomic_long_sub(1, v)
static inline long atomic_long_inc_return(atomic_long_t *v) { return __atomic_add_fetch(&v->counter, 1, __ATOMIC_SEQ_CST); }

static inline void set_bit(int nr, volatile unsigned long *a)
{ __atomic_fetch_or(&a[nr / 64], 1UL << (nr % 64), __ATOMIC_SEQ_CST); }
static inline void clear_bit(int nr, volatile unsigned long *a)
{ __atomic_fetch_and(&a[nr / 64], ~(1UL << (nr % 64)), __ATOMIC_SEQ_CST); }
static inline int test_bit(int nr, const volatile unsigned long *a)
{ return (a[nr / 64] >> (nr % 64)) & 1; }
static inline int test_and_set_bit(int nr, volatile unsigned long *a)
{ return (__atomic_fetch_or(&a[nr / 64], 1UL << (nr % 64), __ATOMIC_SEQ_CST) >> (nr % 64)) & 1; }
static inline int test_and_clear_bit(int nr, volatile unsigned long *a)
{ return (__atomic_fetch_and(&a[nr / 64], ~(1UL << (nr % 64)), __ATOMIC_SEQ_CST) >> (nr % 64)) & 1; }

#endif
