/* devicetree.c: reads the flattened device tree OpenSBI passes in a1:
 * memory and reserved ranges (into memblock), harts and their PLIC
 * contexts, timebase and ISA extensions, the UART, PLIC and virtio-mmio
 * slots, /chosen bootargs and initrd. Runs once on the boot hart. */
#include <setup.h>
#include <fdt.h>
#include <mm.h>
#include <cmdline.h>
#include <printk.h>
#include <string.h>

struct machine_info machine;

/* Reads the n-th (addr, size) pair of a node's reg property. */
static int read_reg(const void *fdt, int node, int n, u64 *base, u64 *size)
{
	int len, parent = fdt_parent_offset(fdt, node);
	int ac = fdt_address_cells(fdt, parent), sc = fdt_size_cells(fdt, parent);
	const u32 *reg = fdt_getprop(fdt, node, "reg", &len);
	if (!reg || ac < 1 || ac > 2 || sc < 0 || sc > 2)
		return -1;
	int stride = (ac + sc) * 4;
	if ((n + 1) * stride > len)
		return -1;
	reg += n * (ac + sc);
	*base = fdt_read_cells(reg, ac);
	*size = sc ? fdt_read_cells(reg + ac, sc) : 0;
	return 0;
}

static u64 prop_u64(const void *fdt, int node, const char *name, u64 dflt)
{
	int len;
	const u32 *p = fdt_getprop(fdt, node, name, &len);
	if (!p || (len != 4 && len != 8))
		return dflt;
	return fdt_read_cells(p, len / 4);
}

static int first_irq(const void *fdt, int node)
{
	return (int)prop_u64(fdt, node, "interrupts", 0);
}

static void parse_memory(const void *fdt)
{
	u64 base, size;
	for (int node = fdt_next_node(fdt, -1, NULL); node >= 0;
	     node = fdt_next_node(fdt, node, NULL)) {
		const char *type = fdt_getprop(fdt, node, "device_type", NULL);
		if (!type || strcmp(type, "memory"))
			continue;
		for (int i = 0; read_reg(fdt, node, i, &base, &size) == 0; i++)
			memblock_add(base, size);
	}
	for (int i = 0; i < fdt_num_mem_rsv(fdt); i++)
		if (fdt_get_mem_rsv(fdt, i, &base, &size) == 0 && size)
			memblock_reserve(base, size);
	int rm = fdt_path_offset(fdt, "/reserved-memory");
	if (rm >= 0)
		for (int c = fdt_first_subnode(fdt, rm); c >= 0; c = fdt_next_subnode(fdt, c))
			for (int i = 0; read_reg(fdt, c, i, &base, &size) == 0; i++)
				memblock_reserve(base, size);
}

static int cpu_index_of_hart(unsigned long hartid)
{
	for (int i = 0; i < machine.nr_harts; i++)
		if (machine.hartid[i] == hartid)
			return i;
	return -1;
}

/* Harts: the boot hart becomes cpu 0, others follow in FDT order. */
static void parse_cpus(const void *fdt, unsigned long boot_hartid)
{
	int cpus = fdt_path_offset(fdt, "/cpus");
	machine.timebase = prop_u64(fdt, cpus, "timebase-frequency", 10000000);
	machine.hartid[0] = boot_hartid;
	machine.nr_harts = 1;
	machine.sstc = true;
	for (int c = fdt_first_subnode(fdt, cpus); c >= 0; c = fdt_next_subnode(fdt, c)) {
		const char *type = fdt_getprop(fdt, c, "device_type", NULL);
		const char *status = fdt_getprop(fdt, c, "status", NULL);
		const char *isa = fdt_getprop(fdt, c, "riscv,isa", NULL);
		if (!type || strcmp(type, "cpu") || (status && strcmp(status, "okay")))
			continue;
		if (!isa || !strstr(isa, "_sstc"))
			machine.sstc = false;
		unsigned long hart = prop_u64(fdt, c, "reg", ~0UL);
		if (hart == boot_hartid || machine.nr_harts == NCPU)
			continue;
		machine.hartid[machine.nr_harts++] = hart;
	}
}

/* The PLIC's interrupts-extended lists (phandle, irq) per context; the
 * phandle names a hart's interrupt controller, irq 9 is S-mode external. */
static void parse_plic(const void *fdt, int node)
{
	int len;
	u64 size;
	read_reg(fdt, node, 0, &machine.plic.base, &size);
	machine.plic.size = size;
	machine.plic_ndev = prop_u64(fdt, node, "riscv,ndev", 0);
	for (int i = 0; i < NCPU; i++)
		machine.plic_ctx[i] = -1;
	const u32 *ie = fdt_getprop(fdt, node, "interrupts-extended", &len);
	for (int ctx = 0; ie && (ctx + 1) * 8 <= len; ctx++) {
		int intc = fdt_node_offset_by_phandle(fdt, fdt32_to_cpu(ie[2 * ctx]));
		if (fdt32_to_cpu(ie[2 * ctx + 1]) != 9 || intc < 0)
			continue;
		int cpu = cpu_index_of_hart(prop_u64(fdt, fdt_parent_offset(fdt, intc), "reg", ~0UL));
		if (cpu >= 0)
			machine.plic_ctx[cpu] = ctx;
	}
}

static void parse_devices(const void *fdt)
{
	u64 size;
	for (int n = fdt_next_node(fdt, -1, NULL); n >= 0; n = fdt_next_node(fdt, n, NULL)) {
		const char *st = fdt_getprop(fdt, n, "status", NULL);
		if (st && strcmp(st, "okay"))
			continue;
		if (!fdt_node_check_compatible(fdt, n, "ns16550a") && !machine.uart.base) {
			read_reg(fdt, n, 0, &machine.uart.base, &size);
			machine.uart.size = size;
			machine.uart.irq = first_irq(fdt, n);
		} else if (!fdt_node_check_compatible(fdt, n, "google,goldfish-rtc")) {
			read_reg(fdt, n, 0, &machine.rtc.base, &size);
			machine.rtc.size = size;
		} else if (!fdt_node_check_compatible(fdt, n, "riscv,plic0") ||
			   !fdt_node_check_compatible(fdt, n, "sifive,plic-1.0.0")) {
			parse_plic(fdt, n);
		} else if (!fdt_node_check_compatible(fdt, n, "virtio,mmio") &&
			   machine.nr_virtio < MAX_VIRTIO) {
			struct mmio_dev *d = &machine.virtio[machine.nr_virtio++];
			read_reg(fdt, n, 0, &d->base, &size);
			d->size = size;
			d->irq = first_irq(fdt, n);
		}
	}
}

static void parse_chosen(const void *fdt)
{
	int ch = fdt_path_offset(fdt, "/chosen");
	if (ch < 0)
		return;
	const char *args = fdt_getprop(fdt, ch, "bootargs", NULL);
	if (args)
		cmdline_set(args);
	machine.initrd_start = prop_u64(fdt, ch, "linux,initrd-start", 0);
	machine.initrd_end = prop_u64(fdt, ch, "linux,initrd-end", 0);
}

void parse_fdt(phys_addr_t fdt_pa, unsigned long boot_hartid)
{
	const void *fdt = __va(fdt_pa);
	if (fdt_check_header(fdt) < 0)
		panic("no valid device tree at %lx", fdt_pa);
	machine.fdt_pa = fdt_pa;
	parse_memory(fdt);
	memblock_reserve(fdt_pa, fdt_totalsize(fdt));
	parse_cpus(fdt, boot_hartid);
	parse_devices(fdt);
	parse_chosen(fdt);
	if (machine.initrd_end > machine.initrd_start)
		memblock_reserve(machine.initrd_start,
				 machine.initrd_end - machine.initrd_start);
}
