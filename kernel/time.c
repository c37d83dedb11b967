/* time.c: clock and sleep system calls. Clocks read the time CSR (the
 * monotonic clock counts from boot; REALTIME adds the wall-clock time at
 * boot). Sleeps are in jiffies, rounded up, and interruptible by signals. */
#include <sched.h>
#include <signal.h>
#include <timer.h>
#include <uaccess.h>
#include <uapi/errno.h>

#define CLOCK_REALTIME 0
#define CLOCK_MONOTONIC 1
#define CLOCK_PROCESS_CPUTIME_ID 2
#define CLOCK_THREAD_CPUTIME_ID 3
#define CLOCK_MONOTONIC_RAW 4
#define CLOCK_REALTIME_COARSE 5
#define CLOCK_MONOTONIC_COARSE 6
#define CLOCK_BOOTTIME 7
#define TIMER_ABSTIME 1
#define NSEC_PER_SEC 1000000000ULL

struct timespec64 { long tv_sec, tv_nsec; };
struct timeval64 { long tv_sec, tv_usec; };

static int clock_read(int which, u64 *ns)
{
	switch (which) {
	case CLOCK_REALTIME:
	case CLOCK_REALTIME_COARSE:
		*ns = ktime_get_ns() + boot_realtime_ns;
		return 0;
	case CLOCK_MONOTONIC:
	case CLOCK_MONOTONIC_RAW:
	case CLOCK_MONOTONIC_COARSE:
	case CLOCK_BOOTTIME:
		*ns = ktime_get_ns();
		return 0;
	case CLOCK_PROCESS_CPUTIME_ID: {
		struct task_cputime c;
		thread_group_cputime(current, &c);
		*ns = (c.utime + c.stime) * (NSEC_PER_SEC / HZ);
		return 0;
	}
	case CLOCK_THREAD_CPUTIME_ID:
		*ns = (current->utime + current->stime) * (NSEC_PER_SEC / HZ);
		return 0;
	}
	return -EINVAL;
}

long sys_clock_gettime(int which, struct timespec64 __user *tp)
{
	u64 ns;
	if (clock_read(which, &ns))
		return -EINVAL;
	struct timespec64 ts = { ns / NSEC_PER_SEC, ns % NSEC_PER_SEC };
	return copy_to_user(tp, &ts, sizeof(ts)) ? -EFAULT : 0;
}

long sys_clock_getres(int which, struct timespec64 __user *tp)
{
	u64 ns;
	if (clock_read(which, &ns))
		return -EINVAL;
	struct timespec64 ts = { 0, 1 };
	return tp && copy_to_user(tp, &ts, sizeof(ts)) ? -EFAULT : 0;
}

long sys_gettimeofday(struct timeval64 __user *tv, void __user *tz)
{
	u64 ns = ktime_get_ns() + boot_realtime_ns;
	struct timeval64 t = { ns / NSEC_PER_SEC, ns % NSEC_PER_SEC / 1000 };
	(void)tz;
	return tv && copy_to_user(tv, &t, sizeof(t)) ? -EFAULT : 0;
}

/* Sleeps until the clock reaches `until` ns; -ERESTARTSYS on a signal. */
static long sleep_until(u64 until, int which)
{
	u64 now;
	for (;;) {
		clock_read(which, &now);
		if (now >= until)
			return 0;
		if (signal_pending(current))
			return -ERESTARTSYS;
		u64 tick = NSEC_PER_SEC / HZ;
		set_current_state(TASK_INTERRUPTIBLE);
		schedule_timeout((until - now + tick - 1) / tick);
		set_current_state(TASK_RUNNING);
	}
}

long sys_clock_nanosleep(int which, int flags, const struct timespec64 __user *req,
			 struct timespec64 __user *rem)
{
	struct timespec64 ts;
	u64 now, until;
	if (which == CLOCK_THREAD_CPUTIME_ID || clock_read(which, &now))
		return -EINVAL;
	if (copy_from_user(&ts, req, sizeof(ts)))
		return -EFAULT;
	if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= (long)NSEC_PER_SEC)
		return -EINVAL;
	u64 ns = ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
	until = (flags & TIMER_ABSTIME) ? ns : now + ns;
	long r = sleep_until(until, which);
	if (r && !(flags & TIMER_ABSTIME) && rem) {
		clock_read(which, &now);
		u64 left = until > now ? until - now : 0;
		struct timespec64 l = { left / NSEC_PER_SEC, left % NSEC_PER_SEC };
		if (copy_to_user(rem, &l, sizeof(l)))
			return -EFAULT;
		return -EINTR;	/* the remaining time is reported, no restart */
	}
	return r;
}

long sys_nanosleep(const struct timespec64 __user *req, struct timespec64 __user *rem)
{
	return sys_clock_nanosleep(CLOCK_MONOTONIC, 0, req, rem);
}

/* The process's times and its reaped children's, in ticks (USER_HZ ==
 * HZ); the result is ticks since boot, as Linux's jiffies_64_to_clock_t. */
struct tms { long utime, stime, cutime, cstime; };
long sys_times(struct tms __user *buf)
{
	struct signal_struct *sig = current->signal;
	struct task_cputime c;
	struct tms t;

	thread_group_cputime(current, &c);
	spin_lock(&tasklist_lock);
	t = (struct tms){ c.utime, c.stime, sig->cutime, sig->cstime };
	spin_unlock(&tasklist_lock);
	if (buf && copy_to_user(buf, &t, sizeof(t)))
		return -EFAULT;
	return jiffies;
}
