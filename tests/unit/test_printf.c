/* test_printf.c: lib/vsprintf.c (ksnprintf etc. on the host) compared with
 * glibc snprintf over generated formats: all flag sets, widths, precisions,
 * length modifiers and edge values; plus truncation and scnprintf rules.
 */
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "printf.h"
#include "unit.h"

static int mismatches;

/* Compare one formatted result; report the first few differences. */
static int same(const char *fmt, const char *ours, int on, const char *libc,
		int ln)
{
	if (on == ln && !strcmp(ours, libc))
		return 1;
	if (mismatches++ < 10)
		fprintf(stderr, "fmt \"%s\": ours \"%s\" (%d), glibc \"%s\" (%d)\n",
			fmt, ours, on, libc, ln);
	return 0;
}

#define CMP(fmt, ...) ({						\
	char o__[256], l__[256];					\
	int on__ = ksnprintf(o__, sizeof(o__), fmt, __VA_ARGS__);	\
	int ln__ = snprintf(l__, sizeof(l__), fmt, __VA_ARGS__);	\
	same(fmt, o__, on__, l__, ln__);				\
})

/* Build "%<flags><width><.prec><len><conv>" from the given parts. */
static void make_fmt(char *f, int flagset, const char *width,
		     const char *prec, const char *len, char conv)
{
	static const char flagch[] = "-0 +#";
	int i;

	*f++ = '%';
	for (i = 0; i < 5; i++)
		if (flagset & (1 << i))
			*f++ = flagch[i];
	f += sprintf(f, "%s%s%s%c", width, prec, len, conv);
}

static const char *widths[] = { "", "1", "3", "8", "24" };
static const char *precs[] = { "", ".", ".0", ".1", ".3", ".12" };

static void test_integers(void)
{
	static const long long vals[] = {
		0, 1, -1, 7, 8, 42, -42, 255, 256, -129, 300, 65535, 70000,
		INT_MAX, INT_MIN, UINT_MAX, 0x123456789abcdefLL,
		LLONG_MAX, LLONG_MIN, -0x7edcba9876543210LL,
	};
	static const char convs[] = "diuxXo";
	static const char *lens[] = { "", "hh", "h", "l", "ll", "z" };
	char fmt[32];
	int fl, w, p, l, c, bad = 0, total = 0;
	size_t v;

	for (c = 0; convs[c]; c++)
		for (l = 0; l < 6; l++)
			for (fl = 0; fl < 32; fl++) {
				/* '#' is only defined for x, X, o */
				if ((fl & 16) && !strchr("xXo", convs[c]))
					continue;
				for (w = 0; w < 5; w++)
					for (p = 0; p < 6; p++)
						for (v = 0; v < sizeof(vals) / sizeof(vals[0]); v++) {
							long long x = vals[v];
							int ok;

							make_fmt(fmt, fl, widths[w], precs[p], lens[l], convs[c]);
							if (l >= 3)
								ok = l == 4 ? CMP(fmt, x) : CMP(fmt, (long)x);
							else
								ok = CMP(fmt, (int)x);
							bad += !ok;
							total++;
						}
			}
	CHECK(bad == 0);
	CHECK(total > 10000);
}

static void test_strings_chars(void)
{
	static const char *strs[] = { "", "a", "hello", "hello, world!" };
	char fmt[32];
	int fl, w, p, bad = 0;
	size_t s;

	for (fl = 0; fl < 32; fl++) {
		if (fl & (2 | 16))	/* '0' and '#' undefined for s, c */
			continue;
		for (w = 0; w < 5; w++) {
			for (p = 0; p < 6; p++)
				for (s = 0; s < 4; s++) {
					make_fmt(fmt, fl, widths[w], precs[p], "", 's');
					bad += !CMP(fmt, strs[s]);
				}
			make_fmt(fmt, fl, widths[w], "", "", 'c');
			bad += !CMP(fmt, 'x');
			bad += !CMP(fmt, 0xe9);
		}
	}
	CHECK(bad == 0);
	CHECK(CMP("%c%c%c", 'a', 0, 'b'));	/* NUL char is emitted */
	CHECK(CMP("%s", "(null)"));
	CHECK(CMP("100%% %s%%", "sure"));
}

static void test_star_and_ptr(void)
{
	static const int args[] = { -10, -1, 0, 1, 5, 30 };
	int i, j, bad = 0;
	char buf[64];
	void *ptrs[] = { (void *)1, (void *)0xdeadbeefUL, (void *)&bad,
			 (void *)UINTPTR_MAX };

	for (i = 0; i < 6; i++)
		for (j = 0; j < 6; j++) {
			bad += !CMP("%*d|", args[i], 42);
			bad += !CMP("%.*d|", args[j], 42);
			bad += !CMP("%*.*x|", args[i], args[j], 0xbeef);
			bad += !CMP("%-*.*s|", args[i], args[j], "string");
			bad += !CMP("%0*d|", args[i], -7);
		}
	CHECK(bad == 0);

	for (i = 0, bad = 0; i < 4; i++) {
		bad += !CMP("%p", ptrs[i]);
		bad += !CMP("[%20p]", ptrs[i]);
		bad += !CMP("[%-20p]", ptrs[i]);
	}
	CHECK(bad == 0);

	/* Documented differences from glibc (non-literal formats and a
	 * volatile NULL keep gcc's format checker quiet). */
	{
		char *volatile nul = NULL;
		const char *unknown = "%q%";

		CHECK(ksnprintf(buf, sizeof(buf), "%p", NULL) == 3 &&
		      !strcmp(buf, "0x0"));
		CHECK(ksnprintf(buf, sizeof(buf), "%s|%.3s", nul, nul) == 10 &&
		      !strcmp(buf, "(null)|(nu"));
		CHECK(ksnprintf(buf, sizeof(buf), unknown) == 3 &&
		      !strcmp(buf, "%q%"));
	}
}

static void test_truncation(void)
{
	const char *fmt = "%s-%d-%08x";
	char full[64], buf[64];
	int n, size, bad = 0;

	n = snprintf(full, sizeof(full), fmt, "abc", -123, 0xabc);
	for (size = 0; size <= n + 2; size++) {
		memset(buf, '#', sizeof(buf));
		bad += ksnprintf(buf, size, fmt, "abc", -123, 0xabc) != n;
		if (size > 0)
			bad += strncmp(buf, full, size - 1) ||
			       buf[size - 1 < n ? size - 1 : n] != '\0';
		bad += buf[size] != '#';	/* nothing past size written */

		memset(buf, '#', sizeof(buf));
		bad += kscnprintf(buf, size, fmt, "abc", -123, 0xabc) !=
		       (size == 0 ? 0 : (size - 1 < n ? size - 1 : n));
		bad += buf[size] != '#';
	}
	CHECK(bad == 0);
	CHECK(ksnprintf(NULL, 0, "%d", 12345) == 5);
	CHECK(kscnprintf(NULL, 0, "%d", 12345) == 0);

	/* A long output into a small heap buffer: ASan checks the bounds. */
	{
		char *small = malloc(10);

		CHECK(ksnprintf(small, 10, "%200d", 1) == 200 &&
		      strlen(small) == 9);
		CHECK(kscnprintf(small, 10, "%-50s", "x") == 9);
		free(small);
	}
}

int main(void)
{
	test_integers();
	test_strings_chars();
	test_star_and_ptr();
	test_truncation();
	return unit_done("test_printf");
}
