/* setup.h: what the kernel learned about the machine from the FDT
 * (kernel/devicetree.c). Written once by the boot hart before the other
 * harts start; read-only afterwards. */
#ifndef _SETUP_H
#define _SETUP_H
#include <types.h>
#include <sched.h>

#define MAX_VIRTIO 16
struct mmio_dev {
	phys_addr_t base;
	u64 size;
	int irq;
};

struct machine_info {
	int nr_harts;
	unsigned long hartid[NCPU];	/* cpu index -> hart id */
	int plic_ctx[NCPU];		/* cpu index -> PLIC S-mode context */
	u64 timebase;			/* timer ticks per second */
	bool sstc;			/* all harts have the Sstc extension */
	struct mmio_dev uart, plic, rtc;
	int plic_ndev;
	struct mmio_dev virtio[MAX_VIRTIO];
	int nr_virtio;
	phys_addr_t initrd_start, initrd_end;
	phys_addr_t fdt_pa;
};
extern struct machine_info machine;

void parse_fdt(phys_addr_t fdt_pa, unsigned long boot_hartid);
void setup_vm(void);
void *ioremap(phys_addr_t pa, u64 size);
void initcalls(void);
#endif
