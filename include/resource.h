/* resource.h: struct rusage as getrusage(2) and wait4(2) return it
 * (kernel/sys.c fills it from the counters of kernel/cputime.c). */
#ifndef _RESOURCE_H
#define _RESOURCE_H
#include <sched.h>

#define RUSAGE_SELF 0
#define RUSAGE_CHILDREN (-1)
#define RUSAGE_THREAD 1

struct rusage {
	struct { long tv_sec, tv_usec; } ru_utime, ru_stime;
	long ru_maxrss;		/* kB */
	long ru_ixrss, ru_idrss, ru_isrss;
	long ru_minflt, ru_majflt, ru_nswap, ru_inblock, ru_oublock;
	long ru_msgsnd, ru_msgrcv, ru_nsignals, ru_nvcsw, ru_nivcsw;
};

/* What a reaped child and its reaped children used (wait4); c is no
 * longer on any list, only its signal_struct is read. */
void rusage_of_reaped(struct task_struct *c, struct rusage *ru);

#endif
