/* uaccess.c: copy_{to,from}_user and friends on top of the assembly
 * loops in uaccess.S, and the exception-table search that lets a faulting
 * access resume at its fixup. */
#include <uaccess.h>
#include <ptrace.h>
#include <printk.h>

unsigned long __asm_copy_user(void *dst, const void *src, unsigned long n);
unsigned long __asm_clear_user(void *dst, unsigned long n);
long __asm_strncpy_user(char *dst, const char *src, long n);

struct exception_table_entry { unsigned long insn, fixup; };
extern struct exception_table_entry __start___ex_table[], __stop___ex_table[];

int fixup_exception(struct pt_regs *regs)
{
	for (struct exception_table_entry *e = __start___ex_table; e < __stop___ex_table; e++) {
		if (e->insn == regs->epc) {
			regs->epc = e->fixup;
			return 1;
		}
	}
	return 0;
}

unsigned long copy_to_user(void __user *to, const void *from, unsigned long n)
{
	if (!access_ok(to, n))
		return n;
	return __asm_copy_user(to, from, n);
}

unsigned long copy_from_user(void *to, const void __user *from, unsigned long n)
{
	unsigned long left = n;
	if (access_ok(from, n))
		left = __asm_copy_user(to, from, n);
	if (left)	/* never leak stale kernel memory */
		for (unsigned long i = n - left; i < n; i++)
			((char *)to)[i] = 0;
	return left;
}

unsigned long clear_user(void __user *to, unsigned long n)
{
	if (!access_ok(to, n))
		return n;
	return __asm_clear_user(to, n);
}

long strncpy_from_user(char *dst, const char __user *src, long n)
{
	unsigned long a = (unsigned long)src;
	if (a >= USER_TOP)
		return -EFAULT;
	if ((unsigned long)n > USER_TOP - a)
		n = USER_TOP - a;
	long r = __asm_strncpy_user(dst, src, n);
	if (r < 0)
		return -EFAULT;
	if (r == n)
		return -ENAMETOOLONG;
	return r;
}
