/* string.c: memory and string routines for the kernel (see string.h).
 * memcpy/memset/memmove/memcmp move a word at a time when pointers allow.
 * In hosted builds the standard names are compiled as kmemcpy, kstrlen, ...
 */
#include "string.h"

#ifdef __KERNEL_HOSTED
#define memset kmemset
#define memcpy kmemcpy
#define memmove kmemmove
#define memcmp kmemcmp
#define memchr kmemchr
#define strlen kstrlen
#define strnlen kstrnlen
#define strcmp kstrcmp
#define strncmp kstrncmp
#define strchr kstrchr
#define strrchr kstrrchr
#define strstr kstrstr
#define strcpy kstrcpy
#define strncpy kstrncpy
#define strcat kstrcat
#define strsep kstrsep
#define strlcpy kstrlcpy
#endif

#ifndef E2BIG
#define E2BIG 7
#endif
#ifndef EINVAL
#define EINVAL 22
#endif
#ifndef ERANGE
#define ERANGE 34
#endif

/* Stop gcc from turning our own copy loops back into memcpy() calls. */
#define __no_libcall __attribute__((optimize("no-tree-loop-distribute-patterns")))

typedef unsigned long __attribute__((may_alias)) word_t;
#define WSIZE sizeof(word_t)
#define WMASK (WSIZE - 1)

static inline int same_align(const void *a, const void *b)
{
	return (((uintptr_t)a ^ (uintptr_t)b) & WMASK) == 0;
}

__no_libcall void *memset(void *s, int c, size_t n)
{
	unsigned char *p = s;
	word_t w = (unsigned char)c * (~0UL / 0xff);	/* c in every byte */

	while (n && ((uintptr_t)p & WMASK)) {
		*p++ = (unsigned char)c;
		n--;
	}
	for (; n >= 4 * WSIZE; n -= 4 * WSIZE, p += 4 * WSIZE) {
		((word_t *)p)[0] = w;
		((word_t *)p)[1] = w;
		((word_t *)p)[2] = w;
		((word_t *)p)[3] = w;
	}
	for (; n >= WSIZE; n -= WSIZE, p += WSIZE)
		*(word_t *)p = w;
	while (n--)
		*p++ = (unsigned char)c;
	return s;
}

/* Forward copy; also safe for overlapping buffers when dst < src. */
__no_libcall static void copy_forward(unsigned char *d, const unsigned char *s,
				      size_t n)
{
	if (same_align(d, s)) {
		while (n && ((uintptr_t)d & WMASK)) {
			*d++ = *s++;
			n--;
		}
		for (; n >= 4 * WSIZE; n -= 4 * WSIZE) {
			word_t a = ((const word_t *)s)[0];
			word_t b = ((const word_t *)s)[1];
			word_t c = ((const word_t *)s)[2];
			word_t e = ((const word_t *)s)[3];

			((word_t *)d)[0] = a;
			((word_t *)d)[1] = b;
			((word_t *)d)[2] = c;
			((word_t *)d)[3] = e;
			d += 4 * WSIZE;
			s += 4 * WSIZE;
		}
		for (; n >= WSIZE; n -= WSIZE, d += WSIZE, s += WSIZE)
			*(word_t *)d = *(const word_t *)s;
	}
	while (n--)
		*d++ = *s++;
}

/* Backward copy from the ends; safe for overlap when dst > src. */
__no_libcall static void copy_backward(unsigned char *d, const unsigned char *s,
				       size_t n)
{
	d += n;
	s += n;
	if (same_align(d, s)) {
		while (n && ((uintptr_t)d & WMASK)) {
			*--d = *--s;
			n--;
		}
		for (; n >= WSIZE; n -= WSIZE) {
			d -= WSIZE;
			s -= WSIZE;
			*(word_t *)d = *(const word_t *)s;
		}
	}
	while (n--)
		*--d = *--s;
}

void *memcpy(void *dst, const void *src, size_t n)
{
	copy_forward(dst, src, n);
	return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
	if ((uintptr_t)dst - (uintptr_t)src >= n)	/* dst < src or no overlap */
		copy_forward(dst, src, n);
	else
		copy_backward(dst, src, n);
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *p = a, *q = b;

	if (same_align(p, q)) {
		while (n && ((uintptr_t)p & WMASK)) {
			if (*p != *q)
				return *p - *q;
			p++, q++, n--;
		}
		/* Skip equal words; the byte loop below finds the difference. */
		for (; n >= WSIZE; n -= WSIZE, p += WSIZE, q += WSIZE)
			if (*(const word_t *)p != *(const word_t *)q)
				break;
	}
	for (; n; n--, p++, q++)
		if (*p != *q)
			return *p - *q;
	return 0;
}

void *memchr(const void *s, int c, size_t n)
{
	const unsigned char *p = s;

	for (; n; n--, p++)
		if (*p == (unsigned char)c)
			return (void *)p;
	return NULL;
}

size_t strlen(const char *s)
{
	const char *p = s;

	while (*p)
		p++;
	return p - s;
}

size_t strnlen(const char *s, size_t maxlen)
{
	size_t n = 0;

	while (n < maxlen && s[n])
		n++;
	return n;
}

int strcmp(const char *a, const char *b)
{
	const unsigned char *p = (const unsigned char *)a;
	const unsigned char *q = (const unsigned char *)b;

	while (*p && *p == *q)
		p++, q++;
	return *p - *q;
}

int strncmp(const char *a, const char *b, size_t n)
{
	const unsigned char *p = (const unsigned char *)a;
	const unsigned char *q = (const unsigned char *)b;

	for (; n; n--, p++, q++) {
		if (*p != *q)
			return *p - *q;
		if (!*p)
			break;
	}
	return 0;
}

char *strchr(const char *s, int c)
{
	for (; *s != (char)c; s++)
		if (!*s)
			return NULL;
	return (char *)s;
}

char *strrchr(const char *s, int c)
{
	const char *last = NULL;

	do {
		if (*s == (char)c)
			last = s;
	} while (*s++);
	return (char *)last;
}

char *strstr(const char *hay, const char *needle)
{
	size_t n = strlen(needle);
	for (; *hay; hay++)
		if (!strncmp(hay, needle, n))
			return (char *)hay;
	return n ? NULL : (char *)hay;
}

char *strcpy(char *dst, const char *src)
{
	char *d = dst;

	while ((*d++ = *src++))
		;
	return dst;
}

/* Copies at most n bytes, padding with NULs; may leave dst unterminated. */
char *strncpy(char *dst, const char *src, size_t n)
{
	char *d = dst;

	for (; n && *src; n--)
		*d++ = *src++;
	for (; n; n--)
		*d++ = '\0';
	return dst;
}

char *strcat(char *dst, const char *src)
{
	strcpy(dst + strlen(dst), src);
	return dst;
}

/* Split *s at the first char in delim; returns the token, NULL at the end. */
char *strsep(char **s, const char *delim)
{
	char *tok = *s, *end;

	if (!tok)
		return NULL;
	for (end = tok; *end && !strchr(delim, *end); end++)
		;
	if (*end) {
		*end = '\0';
		*s = end + 1;
	} else {
		*s = NULL;
	}
	return tok;
}

size_t strlcpy(char *dst, const char *src, size_t size)
{
	size_t len = strlen(src);

	if (size) {
		size_t n = len < size - 1 ? len : size - 1;

		memcpy(dst, src, n);
		dst[n] = '\0';
	}
	return len;
}

ssize_t strscpy(char *dst, const char *src, size_t count)
{
	size_t i;

	if (count == 0)
		return -E2BIG;
	for (i = 0; i < count - 1; i++) {
		dst[i] = src[i];
		if (!src[i])
			return i;
	}
	dst[i] = '\0';
	return src[i] ? -E2BIG : (ssize_t)i;
}

/* Value of digit c, or 36 (bigger than any base) if c is not a digit. */
static unsigned int digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'Z')
		return c - 'A' + 10;
	return 36;
}

/* Pick the base for base 0 and skip a "0x" prefix when hex. */
static const char *parse_radix(const char *s, unsigned int *base)
{
	int hex_prefix = s[0] == '0' && (s[1] == 'x' || s[1] == 'X') &&
			 digit_value(s[2]) < 16;

	if (*base == 0)
		*base = hex_prefix ? 16 : (s[0] == '0' ? 8 : 10);
	if (*base == 16 && hex_prefix)
		s += 2;
	return s;
}

unsigned long simple_strtoul(const char *cp, char **endp, unsigned int base)
{
	unsigned long result = 0;
	unsigned int v;

	cp = parse_radix(cp, &base);
	while ((v = digit_value(*cp)) < base) {
		result = result * base + v;
		cp++;
	}
	if (endp)
		*endp = (char *)cp;
	return result;
}

unsigned long long memparse(const char *ptr, char **retptr)
{
	char *end;
	unsigned long long v = simple_strtoul(ptr, &end, 0);
	int shift = 0;

	switch (*end) {
	case 'E': case 'e': shift += 10; /* fall through */
	case 'P': case 'p': shift += 10; /* fall through */
	case 'T': case 't': shift += 10; /* fall through */
	case 'G': case 'g': shift += 10; /* fall through */
	case 'M': case 'm': shift += 10; /* fall through */
	case 'K': case 'k': shift += 10;
		end++;
	}
	if (retptr)
		*retptr = end;
	return v << shift;
}

long simple_strtol(const char *cp, char **endp, unsigned int base)
{
	if (*cp == '-')
		return -(long)simple_strtoul(cp + 1, endp, base);
	return simple_strtoul(cp, endp, base);
}

int kstrtoul(const char *s, unsigned int base, unsigned long *res)
{
	unsigned long result = 0;
	unsigned int v;
	const char *start;

	if (base == 1 || base > 36)
		return -EINVAL;
	if (*s == '+')
		s++;
	s = parse_radix(s, &base);
	for (start = s; (v = digit_value(*s)) < base; s++) {
		if (result > (~0UL - v) / base)
			return -ERANGE;
		result = result * base + v;
	}
	if (s == start)
		return -EINVAL;
	if (*s == '\n')
		s++;
	if (*s)
		return -EINVAL;
	*res = result;
	return 0;
}
