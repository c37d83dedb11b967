/* printf.h: formatted output into buffers (lib/vsprintf.c), kernel
 * semantics: vsnprintf returns the length it would have written,
 * scnprintf the length actually written. Hosted builds name them k*.
 */
#ifndef _PRINTF_H
#define _PRINTF_H

#include <stdarg.h>
#include "types.h"

#ifdef __KERNEL_HOSTED
#define __KPRINTF(name) k##name
#else
#define __KPRINTF(name) name
#endif

int __KPRINTF(vsnprintf)(char *buf, size_t size, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));
int __KPRINTF(snprintf)(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int __KPRINTF(vscnprintf)(char *buf, size_t size, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));
int __KPRINTF(scnprintf)(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
