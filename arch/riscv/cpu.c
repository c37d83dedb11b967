/* cpu.c: /proc/cpuinfo, one paragraph per online hart in the format of
 * Linux's arch/riscv/kernel/cpu.c: from the device tree (kept in memory
 * for ever: parse_fdt reserves it) the hart id, the "riscv,isa" string
 * and the micro-architecture ("compatible", when more than plain
 * "riscv"); the MMU mode the kernel runs (sv39, whatever larger mode the
 * hart's "mmu-type" allows, as Linux 6.1 prints it); and the machine's
 * vendor, architecture and implementation ids, asked of the SBI.
 * Locks: none; the tree and machine are read-only after boot. */
#include <fdt.h>
#include <mm.h>
#include <proc.h>
#include <sbi.h>
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
	unsigned long ids[3] = { sbi_get_mvendorid(), sbi_get_marchid(), sbi_get_mimpid() };

	for (int cpu = 0; cpu < nr_cpus; cpu++) {
		int node = hart_node(fdt, machine.hartid[cpu]);
		const char *isa = node >= 0 ? fdt_getprop(fdt, node, "riscv,isa", NULL) : NULL;
		const char *compat = node >= 0 ? fdt_getprop(fdt, node, "compatible", NULL) : NULL;

		seq_printf(m, "processor\t: %d\nhart\t\t: %lu\n", cpu, machine.hartid[cpu]);
		if (isa)
			seq_printf(m, "isa\t\t: %s\n", isa);
		seq_puts(m, "mmu\t\t: sv39\n");	/* SATP_MODE_SV39: arch/riscv/mmu.c */
		if (compat && strcmp(compat, "riscv"))
			seq_printf(m, "uarch\t\t: %s\n", compat);
		seq_printf(m, "mvendorid\t: 0x%lx\nmarchid\t\t: 0x%lx\nmimpid\t\t: 0x%lx\n\n",
			   ids[0], ids[1], ids[2]);
	}
	return 0;
}
