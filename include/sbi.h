/* sbi.h: calls into OpenSBI (the SBI v0.2+ extensions we use). */
#ifndef _SBI_H
#define _SBI_H
#include <types.h>

struct sbiret { long error; long value; };
struct sbiret sbi_ecall(int ext, int fid, unsigned long a0, unsigned long a1,
			unsigned long a2, unsigned long a3, unsigned long a4,
			unsigned long a5);
void sbi_console_putchar(int c);
void sbi_set_timer(u64 stime);
long sbi_hart_start(unsigned long hartid, unsigned long start_pa, unsigned long opaque);
void sbi_send_ipi(unsigned long hart_mask);		/* hart ids < 64 */
void sbi_remote_sfence_vma_asid(unsigned long hart_mask, unsigned long start,
				unsigned long size, unsigned long asid);
__attribute__((noreturn)) void sbi_shutdown(int failure);
int sbi_probe_extension(long ext);
unsigned long sbi_get_mvendorid(void);
unsigned long sbi_get_marchid(void);
unsigned long sbi_get_mimpid(void);
#endif
