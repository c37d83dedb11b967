/* uart.c: the 16550 UART QEMU's virt machine has. Output is polled
 * (uart_putc_sync, used by printk and the tty); input raises an interrupt
 * and each received byte goes to the tty line discipline.
 * No lock here: callers (printk, tty) serialise output. */
#include <setup.h>
#include <irq.h>
#include <types.h>

#define RBR 0	/* receive buffer */
#define THR 0	/* transmit holding */
#define IER 1
#define FCR 2
#define LCR 3
#define LSR 5
#define LSR_DR 0x01
#define LSR_THRE 0x20

static volatile u8 *uart;
extern int uart_ready;
void tty_receive_char(int c);

void uart_putc_sync(int c)
{
	while (!(uart[LSR] & LSR_THRE))
		;
	uart[THR] = c;
}

static void uart_intr(int irq, void *data)
{
	(void)irq; (void)data;
	while (uart[LSR] & LSR_DR)
		tty_receive_char(uart[RBR]);
}

void uart_init(void)
{
	if (!machine.uart.base)
		return;
	uart = ioremap(machine.uart.base, machine.uart.size ? machine.uart.size : 0x100);
	uart[IER] = 0;
	uart[FCR] = 0x07;	/* enable and clear FIFOs */
	uart_ready = 1;
}

/* Called once the PLIC is up: enable receive interrupts. */
void uart_enable_irq(void)
{
	if (!uart || request_irq(machine.uart.irq, uart_intr, NULL) < 0)
		return;
	uart[IER] = 0x01;	/* received data available */
}
