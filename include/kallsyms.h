/* kallsyms.h: address-to-symbol lookup for backtraces. */
#ifndef _KALLSYMS_H
#define _KALLSYMS_H
const char *kallsyms_lookup(unsigned long addr, unsigned long *offset);
#endif
