/* sbi.c: the Supervisor Binary Interface calls we use: timer, IPI, remote
 * fence, hart state management (HSM) and system reset (SRST), with the
 * legacy console putchar for early output. No locks; callable anywhere. */
#include <sbi.h>
#include <riscv.h>

#define SBI_EXT_TIME 0x54494D45
#define SBI_EXT_IPI 0x735049
#define SBI_EXT_RFENCE 0x52464E43
#define SBI_EXT_HSM 0x48534D
#define SBI_EXT_SRST 0x53525354
#define SBI_EXT_BASE 0x10

struct sbiret sbi_ecall(int ext, int fid, unsigned long a0, unsigned long a1,
			unsigned long a2, unsigned long a3, unsigned long a4,
			unsigned long a5)
{
	register unsigned long r0 __asm__("a0") = a0;
	register unsigned long r1 __asm__("a1") = a1;
	register unsigned long r2 __asm__("a2") = a2;
	register unsigned long r3 __asm__("a3") = a3;
	register unsigned long r4 __asm__("a4") = a4;
	register unsigned long r5 __asm__("a5") = a5;
	register unsigned long r6 __asm__("a6") = fid;
	register unsigned long r7 __asm__("a7") = ext;
	__asm__ __volatile__("ecall"
			     : "+r"(r0), "+r"(r1)
			     : "r"(r2), "r"(r3), "r"(r4), "r"(r5), "r"(r6), "r"(r7)
			     : "memory");
	return (struct sbiret){ .error = r0, .value = r1 };
}

void sbi_console_putchar(int c)
{
	sbi_ecall(1, 0, c, 0, 0, 0, 0, 0);	/* legacy extension 0x01 */
}

void sbi_set_timer(u64 stime)
{
	sbi_ecall(SBI_EXT_TIME, 0, stime, 0, 0, 0, 0, 0);
}

long sbi_hart_start(unsigned long hartid, unsigned long start_pa, unsigned long opaque)
{
	return sbi_ecall(SBI_EXT_HSM, 0, hartid, start_pa, opaque, 0, 0, 0).error;
}

void sbi_send_ipi(unsigned long hart_mask)
{
	sbi_ecall(SBI_EXT_IPI, 0, hart_mask, 0, 0, 0, 0, 0);
}

void sbi_remote_sfence_vma_asid(unsigned long hart_mask, unsigned long start,
				unsigned long size, unsigned long asid)
{
	sbi_ecall(SBI_EXT_RFENCE, 2, hart_mask, 0, start, size, asid, 0);
}

/* The machine's mvendorid, marchid, mimpid CSRs (M-mode only), as the
 * base extension reports them (functions 4, 5, 6); 0 if it cannot. */
static unsigned long sbi_base_value(int fid)
{
	struct sbiret r = sbi_ecall(SBI_EXT_BASE, fid, 0, 0, 0, 0, 0, 0);
	return r.error ? 0 : r.value;
}
unsigned long sbi_get_mvendorid(void) { return sbi_base_value(4); }
unsigned long sbi_get_marchid(void) { return sbi_base_value(5); }
unsigned long sbi_get_mimpid(void) { return sbi_base_value(6); }

int sbi_probe_extension(long ext)
{
	struct sbiret r = sbi_ecall(SBI_EXT_BASE, 3, ext, 0, 0, 0, 0, 0);
	return !r.error && r.value;
}

void sbi_shutdown(int failure)
{
	/* SRST: type 0 = shutdown, reason 0 = none, 1 = system failure.
	 * QEMU's virt machine exits with a nonzero status on failure. */
	sbi_ecall(SBI_EXT_SRST, 0, 0, failure ? 1 : 0, 0, 0, 0, 0);
	sbi_ecall(8, 0, 0, 0, 0, 0, 0, 0);	/* legacy shutdown */
	for (;;)
		wait_for_interrupt();
}
