/* errseq.h: errseq_t, an error plus a sequence counter in one u32, so
 * that many observers (open files) can each learn of an error once
 * (Linux's semantics and names; lib/errseq.c has the bit layout).
 *
 * A writer records errors with errseq_set. A reader first takes a
 * sample (errseq_sample, e.g. at open) and later asks whether anything
 * was recorded since (errseq_check), or asks and moves its sample up to
 * now in one step (errseq_check_and_advance).
 *
 * Locking: none inside; the errseq_t itself is updated with cmpxchg, so
 * any number of setters and checkers may race. The caller serialises
 * concurrent check_and_advance calls on one `since` (the kernel takes
 * file->f_lock). Also built on the host for tests/unit. */
#ifndef _ERRSEQ_H
#define _ERRSEQ_H

#include "types.h"

typedef u32 errseq_t;

/* Records -err (err is -errno, 1..MAX_ERRNO; 0 or out of range: no-op).
 * Returns the new value. */
errseq_t errseq_set(errseq_t *eseq, int err);
/* What a new observer starts from: 0 if the current error has not been
 * seen by anyone yet (so it will be reported), else the current value. */
errseq_t errseq_sample(errseq_t *eseq);
/* -errno if an error was recorded since `since` was sampled, else 0. */
int errseq_check(errseq_t *eseq, errseq_t since);
/* As errseq_check, but also marks the error seen and advances *since,
 * so the same caller is told about each error only once. */
int errseq_check_and_advance(errseq_t *eseq, errseq_t *since);

#endif
