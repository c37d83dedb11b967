/* unit.h: tiny host unit-test harness. CHECK(cond) counts a pass or a
 * failure (and prints where it failed); unit_done() prints the summary line
 * "name: P passed, F failed" that the Makefile adds up.
 */
#ifndef _UNIT_H
#define _UNIT_H

#include <stdio.h>

static int unit_passed, unit_failed;

#define CHECK(cond) do {						\
	if (cond) {							\
		unit_passed++;						\
	} else {							\
		unit_failed++;						\
		fprintf(stderr, "%s:%d: CHECK(%s) failed\n",		\
			__FILE__, __LINE__, #cond);			\
	}								\
} while (0)

/* Like CHECK, but prints a message (printf format) on failure. */
#define CHECKF(cond, ...) do {						\
	if (cond) {							\
		unit_passed++;						\
	} else {							\
		unit_failed++;						\
		fprintf(stderr, "%s:%d: CHECK(%s) failed: ",		\
			__FILE__, __LINE__, #cond);			\
		fprintf(stderr, __VA_ARGS__);				\
		fputc('\n', stderr);					\
	}								\
} while (0)

static inline int unit_done(const char *name)
{
	printf("%s: %d passed, %d failed\n", name, unit_passed, unit_failed);
	return unit_failed ? 1 : 0;
}

#endif
