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
#include <riscv.h>

static inline int access_ok(const void __user *p, unsigned long n)
{
	unsigned long a = (unsigned long)p;
	return a <= USER_TOP && n <= USER_TOP - a;
}

/* A user-access window (Linux's user_access_begin/user_access_end):
 * sstatus.SUM stays set across a run of copies, which then leave it as
 * they find it instead of setting and clearing it each time. A change of
 * SUM is a CSR write that QEMU (7.2, TCG) answers with a flush of the
 * hart's whole TLB, so a page-by-page copy-out paid two flushes a page.
 * Unlike Linux's, the window vouches for no address: the copies inside
 * still check theirs (access_ok, the exception table). A trap clears SUM
 * and its return restores it, so a copy in the window may fault and
 * sleep; nothing else in it may sleep (a task switch does not carry SUM
 * along) or touch user memory outside these calls. */
static inline void user_access_begin(void) { csr_set(sstatus, SR_SUM); }
static inline void user_access_end(void) { csr_clear(sstatus, SR_SUM); }

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
