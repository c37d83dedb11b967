/* cpu.c: /proc/cpuinfo, one paragraph per online hart in the format of
 * Linux's arch/riscv/kernel/cpu.c, read from the device tree (kept in
 * memory for ever: parse_fdt reserves it): the hart id, the "riscv,isa"
 * string, the MMU ("mmu-type" without its "riscv," prefix) and the
 * micro-architecture ("compatible", when more than plain "riscv").
 * Locks: none; the tree and machine are read-only after boot. */
#include <fdt.h>
#include <mm.h>
#include <proc.h>
#include <setup.h>
#include <string.h>

/* The cpu node of hart id, or -1. */
static int hart_node(const void *fdt, unsigned long hartid)
{
	int cpus = fdt_path_offset(fdt, "/cpus"), c, len;

	fdt_for_each_subnode(c, fdt, cpus) {
		const u32 *reg = fdt_getprop(fdt, c, "reg", &len);
		if (reg && len >= 4 && fdt32_to_cpu(reg[len / 4 - 1]) == hartid)
			return c;
	}
	return -1;
}

int show_cpuinfo(struct seq_buf *m)
{
	const void *fdt = __va(machine.fdt_pa);

	for (int cpu = 0; cpu < nr_cpus; cpu++) {
		int node = hart_node(fdt, machine.hartid[cpu]);
		const char *isa = node >= 0 ? fdt_getprop(fdt, node, "riscv,isa", NULL) : NULL;
		const char *mmu = node >= 0 ? fdt_getprop(fdt, node, "mmu-type", NULL) : NULL;
		const char *compat = node >= 0 ? fdt_getprop(fdt, node, "compatible", NULL) : NULL;

		seq_printf(m, "processor\t: %d\nhart\t\t: %lu\n", cpu, machine.hartid[cpu]);
		if (isa)
			seq_printf(m, "isa\t\t: %s\n", isa);
		if (mmu)
			seq_printf(m, "mmu\t\t: %s\n", strncmp(mmu, "riscv,", 6) ? mmu : mmu + 6);
		if (compat && strcmp(compat, "riscv"))
			seq_printf(m, "uarch\t\t: %s\n", compat);
		seq_puts(m, "\n");
	}
	return 0;
}
