/* string.h: kernel string and memory routines (lib/string.c).
 * Hosted builds (-D__KERNEL_HOSTED) get glibc's <string.h> for the standard
 * names; our versions of those are then named kmemcpy, kstrlen, ... so host
 * unit tests can check them against glibc. No locking needed.
 */
#ifndef _KERNEL_STRING_H
#define _KERNEL_STRING_H

#include "types.h"

#ifdef __KERNEL_HOSTED
#include_next <string.h>
#define __KSTR(name) k##name
#else
#define __KSTR(name) name
#endif

void *__KSTR(memset)(void *s, int c, size_t n);
void *__KSTR(memcpy)(void *dst, const void *src, size_t n);
void *__KSTR(memmove)(void *dst, const void *src, size_t n);
int __KSTR(memcmp)(const void *a, const void *b, size_t n);
void *__KSTR(memchr)(const void *s, int c, size_t n);
size_t __KSTR(strlen)(const char *s);
size_t __KSTR(strnlen)(const char *s, size_t maxlen);
int __KSTR(strcmp)(const char *a, const char *b);
int __KSTR(strncmp)(const char *a, const char *b, size_t n);
char *__KSTR(strchr)(const char *s, int c);
char *__KSTR(strrchr)(const char *s, int c);
char *__KSTR(strstr)(const char *hay, const char *needle);
char *__KSTR(strcpy)(char *dst, const char *src);
char *__KSTR(strncpy)(char *dst, const char *src, size_t n);
char *__KSTR(strcat)(char *dst, const char *src);
char *__KSTR(strsep)(char **s, const char *delim);
/* Copy at most size-1 chars, always NUL-terminate; returns strlen(src). */
size_t __KSTR(strlcpy)(char *dst, const char *src, size_t size);

/* Like strlcpy but returns the copied length, or -E2BIG if truncated. */
ssize_t strscpy(char *dst, const char *src, size_t count);

/* Parse an integer; base 0 detects 0x (hex) and 0 (octal) prefixes. */
unsigned long simple_strtoul(const char *cp, char **endp, unsigned int base);
long simple_strtol(const char *cp, char **endp, unsigned int base);
/* A size with an optional K, M, G, T, P or E suffix (Linux's memparse). */
unsigned long long memparse(const char *ptr, char **retptr);
/* Whole-string parse (one trailing '\n' allowed): 0, -EINVAL or -ERANGE. */
int kstrtoul(const char *s, unsigned int base, unsigned long *res);

#endif
