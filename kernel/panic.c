/* panic.c: panic() stops every hart, prints a symbolized backtrace by
 * walking frame pointers (the kernel is built with -fno-omit-frame-pointer:
 * fp[-1] is the return address, fp[-2] the caller's frame pointer), and,
 * with panic=N on the command line, powers off with a failure status. */
#include <printk.h>
#include <kallsyms.h>
#include <cmdline.h>
#include <riscv.h>
#include <sbi.h>
#include <sched.h>
#include <memlayout.h>

extern int oops_in_progress;
extern char _start[], _etext[];
void smp_send_stop(void);

static void print_ip(unsigned long pc)
{
	unsigned long off;
	const char *name = kallsyms_lookup(pc, &off);
	if (name)
		printk("  [<%016lx>] %s+0x%lx\n", pc, name, off);
	else
		printk("  [<%016lx>] ?\n", pc);
}

void dump_stack_from(unsigned long fp, unsigned long pc)
{
	printk("Call trace:\n");
	print_ip(pc);
	for (int depth = 0; depth < 32; depth++) {
		if (fp < PAGE_OFFSET || (fp & 7))
			break;
		unsigned long ra = ((unsigned long *)fp)[-1];
		unsigned long next = ((unsigned long *)fp)[-2];
		if (ra < (unsigned long)_start || ra >= (unsigned long)_etext)
			break;
		print_ip(ra - 4);
		if (next <= fp)
			break;
		fp = next;
	}
}

void dump_stack(void)
{
	unsigned long fp;
	__asm__ __volatile__("mv %0, s0" : "=r"(fp));
	dump_stack_from(fp, (unsigned long)dump_stack);
}

void panic(const char *fmt, ...)
{
	va_list ap;
	local_irq_disable();
	oops_in_progress = 1;
	printk("\nKernel panic - not syncing: ");
	va_start(ap, fmt);
	vprintk(fmt, ap);
	va_end(ap);
	printk("\n");
	dump_stack();
	smp_send_stop();
	long t = cmdline_get_int("panic", 0);
	if (t != 0)
		sbi_shutdown(1);
	for (;;)
		wait_for_interrupt();
}
