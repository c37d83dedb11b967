/* plic.c: the platform-level interrupt controller. Every registered
 * source has priority 1 and is enabled in one S-mode context only, the
 * boot hart's (cpu 0; as Linux's default affinity, the first online
 * cpu): enabled everywhere, each interrupt would wake every idle hart,
 * all but one to find nothing to claim, which on an emulator with more
 * harts than host cores costs the host scheduling them all.
 * request_irq is called at boot before secondary harts start. */
#include <irq.h>
#include <setup.h>
#include <sched.h>
#include <printk.h>
#include <types.h>

#define MAX_IRQS 128
static struct { irq_handler_t fn; void *data; } handlers[MAX_IRQS];
static volatile u32 *plic;

#define PRIORITY(irq) (plic + (irq))
#define ENABLE(ctx, irq) (plic + (0x2000 + 0x80 * (ctx)) / 4 + (irq) / 32)
#define THRESHOLD(ctx) (plic + (0x200000 + 0x1000 * (ctx)) / 4)
#define CLAIM(ctx) (plic + (0x200004 + 0x1000 * (ctx)) / 4)

static void enable_on_boot_hart(int irq)
{
	int ctx = machine.plic_ctx[0];
	if (ctx >= 0)
		*ENABLE(ctx, irq) |= 1U << (irq % 32);
}

int request_irq(int irq, irq_handler_t fn, void *data)
{
	if (irq <= 0 || irq >= MAX_IRQS || (machine.plic_ndev && irq > machine.plic_ndev))
		return -1;
	handlers[irq].fn = fn;
	handlers[irq].data = data;
	*PRIORITY(irq) = 1;
	enable_on_boot_hart(irq);
	return 0;
}

void plic_init(void)
{
	if (!machine.plic.base)
		panic("no PLIC in the device tree");
	plic = ioremap(machine.plic.base, machine.plic.size);
}

void plic_init_cpu(void)
{
	int ctx = machine.plic_ctx[smp_processor_id()];
	if (ctx >= 0)
		*THRESHOLD(ctx) = 0;
}

void plic_handle_irq(void)
{
	int ctx = machine.plic_ctx[smp_processor_id()];
	u32 irq;
	if (ctx < 0)
		return;
	while ((irq = *CLAIM(ctx)) != 0) {
		if (irq < MAX_IRQS && handlers[irq].fn)
			handlers[irq].fn(irq, handlers[irq].data);
		else
			printk("plic: spurious irq %u\n", irq);
		*CLAIM(ctx) = irq;	/* complete */
	}
}
