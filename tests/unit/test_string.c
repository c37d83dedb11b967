/* test_string.c: lib/string.c (built as kmemcpy, kstrlen, ... on the host)
 * checked against glibc over many sizes, alignments and overlaps. Buffers
 * end exactly at the heap block end so ASan catches any overrun.
 */
#include <stdlib.h>
#include "string.h"
#include "unit.h"

static int sgn(int x)
{
	return (x > 0) - (x < 0);
}

static void fill(unsigned char *p, size_t n, unsigned seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (unsigned char)(seed * 31 + i * 7 + (i >> 3));
}

static void test_memset(void)
{
	size_t off, len, i;
	int bad = 0;

	for (off = 0; off < 16; off++) {
		for (len = 0; len < 100; len++) {
			unsigned char *buf = malloc(off + len + 8);

			memset(buf, 0x11, off + len + 8);
			if (kmemset(buf + off, 0xa5 + (int)len, len) != buf + off)
				bad++;
			for (i = 0; i < off + len + 8; i++) {
				unsigned char want = (i >= off && i < off + len) ?
					(unsigned char)(0xa5 + len) : 0x11;
				if (buf[i] != want)
					bad++;
			}
			free(buf);
		}
	}
	CHECK(bad == 0);

	/* A whole page, as the kernel does it. */
	{
		unsigned char *pg = aligned_alloc(4096, 4096);

		kmemset(pg, 0, 4096);
		for (i = 0, bad = 0; i < 4096; i++)
			bad += pg[i] != 0;
		kmemset(pg, 0x100 + 0x7f, 4096);	/* only low byte counts */
		for (i = 0; i < 4096; i++)
			bad += pg[i] != 0x7f;
		CHECK(bad == 0);
		free(pg);
	}
}

static void test_memcpy(void)
{
	size_t soff, doff, len;
	int bad = 0;
	static const size_t big[] = { 255, 256, 257, 4095, 4096, 4097 };

	for (soff = 0; soff < 9; soff++)
		for (doff = 0; doff < 9; doff++)
			for (len = 0; len < 80; len++) {
				unsigned char *s = malloc(soff + len);
				unsigned char *d = malloc(doff + len);

				fill(s, soff + len, len);
				memset(d, 0, doff + len);
				if (kmemcpy(d + doff, s + soff, len) != d + doff)
					bad++;
				if (memcmp(d + doff, s + soff, len))
					bad++;
				free(s);
				free(d);
			}
	CHECK(bad == 0);

	for (len = 0; len < sizeof(big) / sizeof(big[0]); len++) {
		unsigned char *s = malloc(big[len] + 1);
		unsigned char *d = malloc(big[len] + 1);

		fill(s, big[len] + 1, 3);
		kmemcpy(d, s, big[len] + 1);
		CHECK(memcmp(d, s, big[len] + 1) == 0);
		kmemcpy(d, s + 1, big[len]);
		CHECK(memcmp(d, s + 1, big[len]) == 0);
		free(s);
		free(d);
	}
}

static void test_memmove(void)
{
	enum { N = 160 };
	unsigned char *a = malloc(N), *b = malloc(N);
	int src, dst, len, bad = 0;

	for (src = 0; src < 40; src++)
		for (dst = 0; dst < 40; dst++)
			for (len = 0; len <= N - 40; len += 1 + len / 8) {
				fill(a, N, src + dst);
				memcpy(b, a, N);
				if (kmemmove(a + dst, a + src, len) != a + dst)
					bad++;
				memmove(b + dst, b + src, len);
				if (memcmp(a, b, N))
					bad++;
			}
	CHECK(bad == 0);
	free(a);
	free(b);
}

static void test_memcmp_memchr(void)
{
	enum { N = 64 };
	unsigned char *a = malloc(N), *b = malloc(N);
	int i, j, len, bad = 0;

	for (len = 0; len <= N; len++)
		for (i = 0; i < len; i++) {
			for (j = -1; j <= 1; j += 2) {
				fill(a, N, 1);
				memcpy(b, a, N);
				b[i] = (unsigned char)(b[i] + j * 0x80);
				if (sgn(kmemcmp(a, b, len)) != sgn(memcmp(a, b, len)))
					bad++;
				if (kmemcmp(a, b, i) != 0)
					bad++;
			}
		}
	CHECK(bad == 0);
	CHECK(kmemcmp(a + 1, a + 1, N - 1) == 0);
	CHECK(kmemcmp("\x01", "\xff", 1) < 0);	/* compares unsigned */

	fill(a, N, 2);
	for (i = 0, bad = 0; i < 256; i++)
		for (len = 0; len <= N; len += 7)
			if (kmemchr(a, i, len) != memchr(a, i, len))
				bad++;
	CHECK(bad == 0);
	free(a);
	free(b);
}

/* Exact-size heap copy of s, so reads past its NUL are caught. */
static char *dup(const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(malloc(n), s, n);
}

static void test_str(void)
{
	static const char *strs[] = {
		"", "a", "ab", "abc", "abd", "abcdefghijklmnop", "b", "\xff",
		"hello world", "hello", "hello/path/to//x", "a:b::c",
	};
	const size_t n = sizeof(strs) / sizeof(strs[0]);
	size_t i, j, k;
	int bad = 0;

	for (i = 0; i < n; i++) {
		char *s = dup(strs[i]);

		bad += kstrlen(s) != strlen(s);
		for (k = 0; k < 20; k++)
			bad += kstrnlen(s, k) != strnlen(s, k);
		for (k = 0; k < 256; k += 1 + (k > 'z') * 40) {
			bad += kstrchr(s, (int)k) != strchr(s, (int)k);
			bad += kstrrchr(s, (int)k) != strrchr(s, (int)k);
		}
		for (j = 0; j < n; j++) {
			char *t = dup(strs[j]);

			bad += sgn(kstrcmp(s, t)) != sgn(strcmp(s, t));
			for (k = 0; k < 20; k++)
				bad += sgn(kstrncmp(s, t, k)) !=
				       sgn(strncmp(s, t, k));
			free(t);
		}
		free(s);
	}
	CHECK(bad == 0);
	CHECK(kstrchr("abc", 0) != NULL && *kstrchr("abc", 0) == 0);
}

static void test_copy(void)
{
	char buf[32], *d;
	size_t k;
	int bad = 0;

	d = malloc(6);
	CHECK(kstrcpy(d, "hello") == d && !strcmp(d, "hello"));
	free(d);

	for (k = 0; k < 12; k++) {
		char want[16], got[16];

		memset(want, 'x', 16);
		memset(got, 'x', 16);
		strncpy(want, "hello", k);
		bad += kstrncpy(got, "hello", k) != got;
		bad += memcmp(want, got, 16) != 0;
	}
	CHECK(bad == 0);

	strcpy(buf, "abc");
	CHECK(kstrcat(buf, "defg") == buf && !strcmp(buf, "abcdefg"));
	CHECK(!strcmp(kstrcat(buf, ""), "abcdefg"));

	/* strlcpy: always terminates, returns strlen(src). */
	memset(buf, 'x', sizeof(buf));
	CHECK(kstrlcpy(buf, "hello", 3) == 5 && !strcmp(buf, "he"));
	CHECK(kstrlcpy(buf, "hello", 6) == 5 && !strcmp(buf, "hello"));
	buf[0] = 'q';
	CHECK(kstrlcpy(buf, "hello", 0) == 5 && buf[0] == 'q');
	CHECK(kstrlcpy(buf, "", 4) == 0 && buf[0] == 0);

	/* strscpy: length copied, or -E2BIG on truncation. */
	d = malloc(5);
	CHECK(strscpy(d, "abcd", 5) == 4 && !strcmp(d, "abcd"));
	CHECK(strscpy(d, "abcde", 5) == -7 && !strcmp(d, "abcd"));
	CHECK(strscpy(d, "", 5) == 0 && d[0] == 0);
	CHECK(strscpy(d, "xy", 1) == -7 && d[0] == 0);
	CHECK(strscpy(d, "xy", 0) == -7);
	free(d);
}

static void test_strsep(void)
{
	char *s = dup("a:b::c"), *p = s, *tok;
	const char *want[] = { "a", "b", "", "c" };
	int i = 0, bad = 0;

	while ((tok = kstrsep(&p, ":,"))) {
		if (i >= 4 || strcmp(tok, want[i]))
			bad++;
		i++;
	}
	CHECK(bad == 0 && i == 4 && p == NULL);
	CHECK(kstrsep(&p, ":") == NULL);
	free(s);

	s = dup("");
	p = s;
	CHECK(kstrsep(&p, ":") == s && p == NULL);
	free(s);
}

static void test_strto(void)
{
	static const struct {
		const char *s;
		unsigned base;
	} cases[] = {
		{ "0", 0 }, { "123", 10 }, { "123abc", 10 }, { "0x1f", 0 },
		{ "0X1F", 16 }, { "1f", 16 }, { "0777", 0 }, { "0777", 8 },
		{ "z", 36 }, { "101", 2 }, { "", 10 }, { "abc", 10 },
		{ "18446744073709551615", 10 }, { "0xffffffffffffffff", 0 },
		{ "09", 0 }, { "0x", 16 }, { "0xg", 0 }, { "42\n", 10 },
	};
	size_t i;
	int bad = 0;
	char *e1, *e2;
	unsigned long v;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		unsigned long a = simple_strtoul(cases[i].s, &e1, cases[i].base);
		unsigned long b = strtoul(cases[i].s, &e2, cases[i].base);

		if (a != b || e1 != e2) {
			bad++;
			fprintf(stderr, "strtoul(\"%s\", %u): %lu/%lu\n",
				cases[i].s, cases[i].base, a, b);
		}
	}
	CHECK(bad == 0);
	CHECK(simple_strtol("-42x", &e1, 10) == -42 && *e1 == 'x');
	CHECK(simple_strtol("-0x10", NULL, 0) == -16);
	CHECK(simple_strtol("77", NULL, 0) == 77);

	CHECK(kstrtoul("123", 10, &v) == 0 && v == 123);
	CHECK(kstrtoul("123\n", 10, &v) == 0 && v == 123);
	CHECK(kstrtoul("+5", 10, &v) == 0 && v == 5);
	CHECK(kstrtoul("0x10", 0, &v) == 0 && v == 16);
	CHECK(kstrtoul("0x10", 16, &v) == 0 && v == 16);
	CHECK(kstrtoul("010", 0, &v) == 0 && v == 8);
	CHECK(kstrtoul("0", 0, &v) == 0 && v == 0);
	CHECK(kstrtoul("18446744073709551615", 10, &v) == 0 && v == ~0UL);
	v = 99;
	CHECK(kstrtoul("18446744073709551616", 10, &v) == -34 && v == 99);
	CHECK(kstrtoul("0x10000000000000000", 0, &v) == -34);
	CHECK(kstrtoul("", 10, &v) == -22);
	CHECK(kstrtoul("12a", 10, &v) == -22);
	CHECK(kstrtoul("-1", 10, &v) == -22);
	CHECK(kstrtoul(" 1", 10, &v) == -22);
	CHECK(kstrtoul("1\n\n", 10, &v) == -22);
	CHECK(kstrtoul("0x", 16, &v) == -22);
	CHECK(kstrtoul("12", 1, &v) == -22);
}

int main(void)
{
	test_memset();
	test_memcpy();
	test_memmove();
	test_memcmp_memchr();
	test_str();
	test_copy();
	test_strsep();
	test_strto();
	return unit_done("test_string");
}
