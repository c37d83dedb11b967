/* irq.h: device interrupt registration through the PLIC. Handlers run
 * in interrupt context with interrupts disabled. */
#ifndef _IRQ_H
#define _IRQ_H
typedef void (*irq_handler_t)(int irq, void *data);
int request_irq(int irq, irq_handler_t fn, void *data);
void plic_init(void);
void plic_init_cpu(void);
#endif
