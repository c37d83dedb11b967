#!/usr/bin/env python3
"""kallsyms.py KERNEL NM: emit an assembly file holding the kernel's text
symbols (sorted address table + names) for symbolized panic backtraces."""
import subprocess, sys

def main():
    kernel, nm = sys.argv[1], sys.argv[2]
    out = subprocess.run([nm, "-n", kernel], capture_output=True, text=True,
                         check=True).stdout
    syms = []
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] in "tTwW":
            syms.append((int(parts[0], 16), parts[2]))
    print('\t.section .rodata.kallsyms, "a"')
    print("\t.balign 8\n\t.globl kallsyms_num\nkallsyms_num:\n\t.quad %d" % len(syms))
    print("\t.globl kallsyms_addrs\nkallsyms_addrs:")
    for a, _ in syms:
        print("\t.quad 0x%x" % a)
    print("\t.globl kallsyms_offs\nkallsyms_offs:")
    off = 0
    for _, n in syms:
        print("\t.long %d" % off)
        off += len(n) + 1
    print("\t.globl kallsyms_names\nkallsyms_names:")
    for _, n in syms:
        print('\t.asciz "%s"' % n)

main()
