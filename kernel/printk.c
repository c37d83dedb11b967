/* printk.c: formatted console output. Lines are serialised by
 * printk_lock (a spinlock, so printk works in any context); output goes
 * to the UART once it is set up, through SBI before that. */
#include <printk.h>
#include <printf.h>
#include <spinlock.h>
#include <sbi.h>

void uart_putc_sync(int c);
int uart_ready;
static DEFINE_SPINLOCK(printk_lock);
int oops_in_progress;

void console_putc_raw(char c)
{
	if (c == '\n')
		console_putc_raw('\r');
	if (uart_ready)
		uart_putc_sync(c);
	else
		sbi_console_putchar(c);
}

int vprintk(const char *fmt, va_list ap)
{
	char buf[512];
	int n = vscnprintf(buf, sizeof(buf), fmt, ap);
	int locked = !oops_in_progress;

	if (locked)
		spin_lock(&printk_lock);
	for (int i = 0; i < n; i++)
		console_putc_raw(buf[i]);
	if (locked)
		spin_unlock(&printk_lock);
	return n;
}

int printk(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vprintk(fmt, ap);
	va_end(ap);
	return n;
}
