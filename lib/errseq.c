/* errseq.c: error sequences (errseq_t, see errseq.h), after Linux's
 * lib/errseq.c. The 32 bits hold, from the bottom:
 *
 *   bits 0..11   the last error, as a positive errno (MAX_ERRNO = 4095)
 *   bit  12      SEEN: some checker has reported the current value
 *   bits 13..31  a counter, bumped when a new error arrives after SEEN
 *
 * Invariants: the value is 0 until the first error and never has an
 * errno of 0 after it. The counter moves only when the error being
 * replaced was seen: an error nobody has looked at yet may be overwritten
 * (the last one wins), but a value somebody already reported never comes
 * back, so every sampler whose sample differs from the current value has
 * missed something. Unseen errors are cheap: writers that fail page after
 * page without anyone checking only store the errno.
 *
 * Locking: none; every update is one cmpxchg on the u32, and a lost race
 * is either retried (errseq_set) or harmless (errseq_check_and_advance:
 * whoever won also set the error or the SEEN flag). */
#include "errseq.h"
#include "compiler.h"
#include "uapi/errno.h"

#define ERRSEQ_SHIFT	12			/* ilog2(MAX_ERRNO + 1) */
#define ERRSEQ_SEEN	(1U << ERRSEQ_SHIFT)
#define ERRSEQ_CTR_INC	(1U << (ERRSEQ_SHIFT + 1))

BUILD_BUG_ON(MAX_ERRNO + 1 != 1 << ERRSEQ_SHIFT);

/* Returns the value found: old if the swap happened. */
static errseq_t errseq_cmpxchg(errseq_t *eseq, errseq_t old, errseq_t new)
{
	__atomic_compare_exchange_n(eseq, &old, new, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
	return old;
}

errseq_t errseq_set(errseq_t *eseq, int err)
{
	errseq_t old = READ_ONCE(*eseq);

	/* 0 would clear a recorded error; a wider errno does not fit. */
	if (err == 0 || (unsigned int)-err > MAX_ERRNO)
		return old;
	for (;;) {
		errseq_t new = (old & ~(MAX_ERRNO | ERRSEQ_SEEN)) | (errseq_t)-err;

		if (old & ERRSEQ_SEEN)
			new += ERRSEQ_CTR_INC;	/* a new error after a report */
		if (new == old)
			return new;		/* same unseen error: nothing to do */
		errseq_t cur = errseq_cmpxchg(eseq, old, new);
		if (cur == old || cur == new)	/* ours, or a racer's identical one */
			return new;
		old = cur;
	}
}

errseq_t errseq_sample(errseq_t *eseq)
{
	errseq_t old = READ_ONCE(*eseq);

	/* Nobody has reported this error yet: let the new sampler do it. */
	return (old & ERRSEQ_SEEN) ? old : 0;
}

int errseq_check(errseq_t *eseq, errseq_t since)
{
	errseq_t cur = READ_ONCE(*eseq);

	return cur == since ? 0 : -(int)(cur & MAX_ERRNO);
}

int errseq_check_and_advance(errseq_t *eseq, errseq_t *since)
{
	errseq_t old = READ_ONCE(*eseq);

	if (old == *since)
		return 0;
	/* Mark it seen. If the swap fails, a setter changed the error (we
	 * report the older one now and the newer one next time) or another
	 * checker set SEEN already: either way `new` is safe to return. */
	errseq_t new = old | ERRSEQ_SEEN;
	if (new != old)
		errseq_cmpxchg(eseq, old, new);
	*since = new;
	return -(int)(new & MAX_ERRNO);
}
