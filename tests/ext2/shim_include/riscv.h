/* shim riscv.h (host harness): only the fences, as host barriers. */
#ifndef _RISCV_H
#define _RISCV_H
#define mb() __atomic_thread_fence(__ATOMIC_SEQ_CST)
#define rmb() mb()
#define wmb() mb()
#define smp_mb() mb()
#define smp_rmb() mb()
#define smp_wmb() mb()
#endif
