/* kallsyms.c: binary search in the symbol table that scripts/kallsyms.py
 * links into the kernel (weak: absent in the first link pass). */
#include <kallsyms.h>
#include <types.h>

extern const unsigned long kallsyms_num __attribute__((weak));
extern const unsigned long kallsyms_addrs[] __attribute__((weak));
extern const unsigned int kallsyms_offs[] __attribute__((weak));
extern const char kallsyms_names[] __attribute__((weak));

const char *kallsyms_lookup(unsigned long addr, unsigned long *offset)
{
	if (!&kallsyms_num || kallsyms_num == 0 || addr < kallsyms_addrs[0])
		return NULL;
	unsigned long lo = 0, hi = kallsyms_num;	/* addrs[lo] <= addr */
	while (hi - lo > 1) {
		unsigned long mid = (lo + hi) / 2;
		if (kallsyms_addrs[mid] <= addr)
			lo = mid;
		else
			hi = mid;
	}
	*offset = addr - kallsyms_addrs[lo];
	return kallsyms_names + kallsyms_offs[lo];
}
