/* uaccess.h: copying between kernel and user memory. Every access runs
 * with SUM set and an exception-table fixup, so a bad user pointer makes
 * these return an error instead of faulting the kernel. A fault on a valid
 * but unpopulated user page is handled normally (may sleep): callers must
 * not hold spinlocks. */
#ifndef _UACCESS_H
#define _UACCESS_H
#include <types.h>
#include <compiler.h>
#include <memlayout.h>
#include <uapi/errno.h>

static inline int access_ok(const void __user *p, unsigned long n)
{
	unsigned long a = (unsigned long)p;
	return a <= USER_TOP && n <= USER_TOP - a;
}

/* Both return the number of bytes NOT copied (0 on success). */
unsigned long copy_to_user(void __user *to, const void *from, unsigned long n);
unsigned long copy_from_user(void *to, const void __user *from, unsigned long n);
unsigned long clear_user(void __user *to, unsigned long n);
/* Copies a NUL-terminated string of at most n bytes (incl. NUL).
 * Returns its length, -EFAULT, or -ENAMETOOLONG if no NUL within n. */
long strncpy_from_user(char *dst, const char __user *src, long n);
/* Length including NUL, 0 on fault, > n if too long. */
long strnlen_user(const char __user *s, long n);

#define put_user(x, ptr) ({ __typeof__(*(ptr)) __pv = (x); \
	copy_to_user((ptr), &__pv, sizeof(__pv)) ? -EFAULT : 0; })
/* Objects of up to 8 bytes; little endian, so the low bytes are the value. */
#define get_user(x, ptr) ({ unsigned long __gv = 0; \
	int __e = copy_from_user(&__gv, (ptr), sizeof(*(ptr))) ? -EFAULT : 0; \
	(x) = (__typeof__(*(ptr)))__gv; __e; })

#endif
