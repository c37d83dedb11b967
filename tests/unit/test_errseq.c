/* test_errseq.c: unit tests for lib/errseq.c, played as the kernel uses
 * it: one errseq_t is a mapping's wb_err, each `since` an open file's
 * f_wb_err sampled at open, errseq_check_and_advance an fsync.
 */
#include "errseq.h"
#include "uapi/errno.h"
#include "unit.h"

/* Before any error: samples are 0 and nothing is reported. */
static void test_no_error(void)
{
	errseq_t wb = 0;
	errseq_t f = errseq_sample(&wb);

	CHECK(f == 0);
	CHECK(errseq_check(&wb, f) == 0);
	CHECK(errseq_check_and_advance(&wb, &f) == 0);
	CHECK(f == 0);
}

/* errseq_set(0) and out-of-range errors change nothing. */
static void test_set_zero(void)
{
	errseq_t wb = 0;

	CHECK(errseq_set(&wb, 0) == 0);
	CHECK(wb == 0);
	CHECK(errseq_set(&wb, -(MAX_ERRNO + 1)) == 0);
	CHECK(errseq_set(&wb, 5) == 0);		/* positive: not -errno */
	CHECK(wb == 0);
	errseq_set(&wb, -EIO);
	errseq_t before = wb;
	CHECK(errseq_set(&wb, 0) == before);	/* does not clear an error */
	CHECK(wb == before);
}

/* One file: an error is reported by check, once by check_and_advance. */
static void test_once_per_sampler(void)
{
	errseq_t wb = 0;
	errseq_t f = errseq_sample(&wb);

	errseq_set(&wb, -EIO);
	CHECK(errseq_check(&wb, f) == -EIO);
	CHECK(errseq_check(&wb, f) == -EIO);	/* check alone does not consume */
	CHECK(errseq_check_and_advance(&wb, &f) == -EIO);
	CHECK(errseq_check_and_advance(&wb, &f) == 0);
	CHECK(errseq_check(&wb, f) == 0);
}

/* Two files sampled before the error each see it once. */
static void test_two_samplers(void)
{
	errseq_t wb = 0;
	errseq_t f1 = errseq_sample(&wb), f2 = errseq_sample(&wb);

	errseq_set(&wb, -EIO);
	CHECK(errseq_check_and_advance(&wb, &f1) == -EIO);
	CHECK(errseq_check_and_advance(&wb, &f1) == 0);
	CHECK(errseq_check_and_advance(&wb, &f2) == -EIO);
	CHECK(errseq_check_and_advance(&wb, &f2) == 0);
	CHECK(f1 == f2);
}

/* A file opened after the error was reported sees nothing; one opened
 * while it is still unseen is the first to see it. */
static void test_sample_after(void)
{
	errseq_t wb = 0;
	errseq_t f1 = errseq_sample(&wb);

	errseq_set(&wb, -EIO);
	errseq_t early = errseq_sample(&wb);	/* unseen: sample is 0 */
	CHECK(early == 0);
	CHECK(errseq_check_and_advance(&wb, &early) == -EIO);
	CHECK(errseq_check_and_advance(&wb, &f1) == -EIO);
	errseq_t late = errseq_sample(&wb);	/* seen: nothing for this one */
	CHECK(late == wb);
	CHECK(errseq_check(&wb, late) == 0);
	CHECK(errseq_check_and_advance(&wb, &late) == 0);
}

/* A new error after a report is reported again, even the same errno;
 * the counter keeps it apart from the old value. */
static void test_new_error_after_seen(void)
{
	errseq_t wb = 0;
	errseq_t f1 = errseq_sample(&wb), f2 = errseq_sample(&wb);

	errseq_set(&wb, -EIO);
	CHECK(errseq_check_and_advance(&wb, &f1) == -EIO);
	errseq_t seen = wb;
	errseq_set(&wb, -EIO);
	CHECK(wb != seen);
	CHECK(errseq_check_and_advance(&wb, &f1) == -EIO);
	CHECK(errseq_check_and_advance(&wb, &f1) == 0);
	/* f2 missed both: it is told once, about the latest */
	CHECK(errseq_check_and_advance(&wb, &f2) == -EIO);
	CHECK(errseq_check_and_advance(&wb, &f2) == 0);
	errseq_set(&wb, -ENOSPC);
	CHECK(errseq_check(&wb, f1) == -ENOSPC);
	CHECK(errseq_check_and_advance(&wb, &f2) == -ENOSPC);
	CHECK(errseq_check_and_advance(&wb, &f1) == -ENOSPC);
}

/* Errors nobody has seen do not bump the counter: the last one wins and
 * an identical repeat leaves the value alone. */
static void test_unseen_overwrite(void)
{
	errseq_t wb = 0;
	errseq_t f = errseq_sample(&wb);

	errseq_set(&wb, -EIO);
	errseq_t v = wb;
	CHECK(errseq_set(&wb, -EIO) == v);
	CHECK(wb == v);
	errseq_set(&wb, -ENOSPC);
	CHECK(errseq_check_and_advance(&wb, &f) == -ENOSPC);
	CHECK(errseq_check_and_advance(&wb, &f) == 0);
}

/* The counter (19 bits) wraps without ever producing the "no error"
 * value 0, and every new error is still reported. */
static void test_counter_wrap(void)
{
	errseq_t wb = 0;
	errseq_t f = errseq_sample(&wb);
	long i, n = (1L << 19) + 3;

	for (i = 0; i < n; i++) {
		errseq_set(&wb, -EIO);
		if (wb == 0 || errseq_check_and_advance(&wb, &f) != -EIO)
			break;
	}
	CHECKF(i == n, "failed at step %ld of %ld", i, n);
}

int main(void)
{
	test_no_error();
	test_set_zero();
	test_once_per_sampler();
	test_two_samplers();
	test_sample_after();
	test_new_error_after_seen();
	test_unseen_overwrite();
	test_counter_wrap();
	return unit_done("test_errseq");
}
