/* labt.h - the parts of a course lab's test program (user/tests/lab/,
 * docs/labs/): "lab_X PART" runs one part, which is what tests/grade.py
 * scores (runtests names it lab_X:PART), and "lab_X" alone runs every
 * part in turn (make test-linux). A part returns when it passes and
 * exits non-zero (CHECK) when it does not. Checks of this kernel's
 * counters are skipped on Linux (ours() in mmt.h, wb_ours() in wb.h);
 * the behaviour they go with is checked on both. */
#ifndef LABT_H
#define LABT_H
#include "t.h"

struct lab_part {
	const char *name;
	void (*fn)(void);
};

static inline int lab_main(const char *prog, int argc, char **argv, const struct lab_part *parts,
			   int n)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (int i = 0; i < n; i++) {
		if (argc > 1 && strcmp(argv[1], parts[i].name))
			continue;
		parts[i].fn();
		printf("%s:%s: ok\n", prog, parts[i].name);
		if (argc > 1)
			return 0;
	}
	if (argc > 1) {
		fprintf(stderr, "%s: no part %s\n", prog, argv[1]);
		return 2;
	}
	return 0;
}

#define LAB_PARTS(prog, ...)                                                    \
	int main(int argc, char **argv)                                         \
	{                                                                       \
		static const struct lab_part parts_[] = { __VA_ARGS__ };        \
		return lab_main(prog, argc, argv, parts_,                       \
				sizeof(parts_) / sizeof(parts_[0]));            \
	}
#endif
