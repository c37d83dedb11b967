/* sys.c: small system calls: identity (pids, process groups, sessions),
 * uname and the host name, resource limits, getrusage, sysinfo,
 * getrandom, reboot, prctl.
 * Locks: tasklist_lock for process-group and session changes and the
 * usage counters; uts_lock (leaf) for the names. */
#include <sched.h>
#include <signal.h>
#include <mm.h>
#include <timer.h>
#include <uaccess.h>
#include <string.h>
#include <printk.h>
#include <sbi.h>
#include <fs.h>
#include <uapi/errno.h>
#include <resource.h>
#include <utsname.h>

extern struct task_struct *child_reaper;

long sys_getpid(void) { return current->tgid; }
long sys_gettid(void) { return current->pid; }
long sys_getppid(void)
{
	spin_lock(&tasklist_lock);
	struct task_struct *p = current->group_leader->real_parent;
	long r = p ? p->tgid : 0;
	spin_unlock(&tasklist_lock);
	return r;
}
long sys_getuid(void) { return 0; }

pid_t task_pgrp_nr(struct task_struct *t) { return t->signal->pgrp; }
pid_t task_session_nr(struct task_struct *t) { return t->signal->session; }

static struct task_struct *find_process(pid_t pid)
{
	struct task_struct *t = pid ? find_task_by_pid(pid) : current->group_leader;
	return t && t == t->group_leader && !t->exit_state ? t : NULL;
}

long sys_setpgid(pid_t pid, pid_t pgid)
{
	long r = 0;
	if (pgid < 0)
		return -EINVAL;
	spin_lock(&tasklist_lock);
	struct task_struct *t = find_process(pid);
	if (!t)
		r = -ESRCH;
	else if (t != current->group_leader && t->real_parent != current->group_leader)
		r = -ESRCH;
	else if (t->signal->session == t->tgid)
		r = -EPERM;		/* a session leader cannot move */
	else if (t->signal->session != current->signal->session)
		r = -EPERM;
	else
		t->signal->pgrp = pgid ? pgid : t->tgid;
	spin_unlock(&tasklist_lock);
	return r;
}

/* As find_process, but a zombie counts until it is reaped: getpgid and
 * getsid answer for one, as Linux's do (its pid is still taken). */
static struct task_struct *find_process_or_zombie(pid_t pid)
{
	struct task_struct *t = pid ? find_task_by_pid(pid) : current->group_leader;
	return t && t == t->group_leader && t->exit_state != EXIT_DEAD ? t : NULL;
}

long sys_getpgid(pid_t pid)
{
	spin_lock(&tasklist_lock);
	struct task_struct *t = find_process_or_zombie(pid);
	long r = t ? t->signal->pgrp : -ESRCH;
	spin_unlock(&tasklist_lock);
	return r;
}

long sys_getsid(pid_t pid)
{
	spin_lock(&tasklist_lock);
	struct task_struct *t = find_process_or_zombie(pid);
	long r = t ? t->signal->session : -ESRCH;
	spin_unlock(&tasklist_lock);
	return r;
}

long sys_setsid(void)
{
	long r;
	struct task_struct *t;
	pid_t me = current->tgid;
	spin_lock(&tasklist_lock);
	r = me;
	list_for_each_entry(t, &task_list, tasks)	/* already a group leader? */
		if (t->signal->pgrp == me && !t->exit_state)
			r = -EPERM;
	if (r > 0) {
		current->signal->pgrp = me;
		current->signal->session = me;
		current->signal->tty = NULL;	/* a new session has no terminal */
	}
	spin_unlock(&tasklist_lock);
	return r;
}

static struct new_utsname uts = { .sysname = "Linux", .nodename = "(none)",
	.release = "6.1.0-teach", .version = "#1 SMP", .machine = "riscv64",
	.domainname = "(none)" };
static DEFINE_SPINLOCK(uts_lock);

void get_utsname(struct new_utsname *u)
{
	spin_lock(&uts_lock);
	*u = uts;
	spin_unlock(&uts_lock);
}

/* The host (domain 0) or domain name: len bytes, NUL-terminated here. */
int set_uts_name(int domain, const char *name, size_t len)
{
	char *dst = domain ? uts.domainname : uts.nodename;

	if (len > __NEW_UTS_LEN)
		return -EINVAL;
	spin_lock(&uts_lock);
	memcpy(dst, name, len);
	memset(dst + len, 0, __NEW_UTS_LEN + 1 - len);
	spin_unlock(&uts_lock);
	return 0;
}

long sys_uname(struct new_utsname __user *u)
{
	struct new_utsname n;

	get_utsname(&n);
	return copy_to_user(u, &n, sizeof(n)) ? -EFAULT : 0;
}

static long set_name_from_user(int domain, const char __user *name, int len)
{
	char buf[__NEW_UTS_LEN];

	if (len < 0 || len > __NEW_UTS_LEN)
		return -EINVAL;
	if (copy_from_user(buf, name, len))
		return -EFAULT;
	return set_uts_name(domain, buf, len);
}

long sys_sethostname(const char __user *name, int len)
{
	return set_name_from_user(0, name, len);
}

long sys_setdomainname(const char __user *name, int len)
{
	return set_name_from_user(1, name, len);
}

long sys_prlimit64(pid_t pid, unsigned int res, const struct rlimit __user *new,
		   struct rlimit __user *old)
{
	struct rlimit nl, ol;
	if (res >= RLIM_NLIMITS)
		return -EINVAL;
	if (pid && pid != current->tgid)
		return -ESRCH;	/* other processes: not supported */
	if (new) {
		if (copy_from_user(&nl, new, sizeof(nl)))
			return -EFAULT;
		if (nl.rlim_cur > nl.rlim_max)
			return -EINVAL;
	}
	struct rlimit *r = &current->signal->rlim[res];
	ol = *r;
	if (new)
		*r = nl;
	if (old && copy_to_user(old, &ol, sizeof(ol)))
		return -EFAULT;
	return 0;
}

long sys_getrlimit(unsigned int res, struct rlimit __user *r)
{
	return sys_prlimit64(0, res, NULL, r);
}

long sys_setrlimit(unsigned int res, const struct rlimit __user *r)
{
	return sys_prlimit64(0, res, r, NULL);
}

struct sysinfo {
	long uptime;
	unsigned long loads[3], totalram, freeram, sharedram, bufferram, totalswap, freeswap;
	unsigned short procs, pad;
	unsigned long totalhigh, freehigh;
	unsigned int mem_unit;
	char _f[0];
};

#define SI_LOAD_SHIFT 16
long sys_sysinfo(struct sysinfo __user *info)
{
	struct sysinfo s = { 0 };
	struct task_struct *t;
	s.uptime = DIV_ROUND_UP(ktime_get_ns(), 1000000000ULL);	/* as Linux: rounded up */
	get_avenrun(s.loads, 0, SI_LOAD_SHIFT - FSHIFT);
	s.totalram = totalram_pages() * PAGE_SIZE;
	s.freeram = nr_free_pages() * PAGE_SIZE;
	s.mem_unit = 1;
	spin_lock(&tasklist_lock);
	list_for_each_entry(t, &task_list, tasks)
		s.procs++;
	spin_unlock(&tasklist_lock);
	return copy_to_user(info, &s, sizeof(s)) ? -EFAULT : 0;
}

/* xorshift128+ seeded from the cycle counter: not cryptographic. */
static u64 rng_s[2];
static DEFINE_SPINLOCK(rng_lock);

void get_random_bytes(void *buf, size_t n)
{
	u8 *p = buf;
	spin_lock(&rng_lock);
	if (!rng_s[0] && !rng_s[1]) {
		rng_s[0] = get_cycles() * 0x9e3779b97f4a7c15ULL | 1;
		rng_s[1] = ktime_get_ns() ^ 0xdeadbeefcafef00dULL;
	}
	for (size_t i = 0; i < n; i++) {
		u64 x = rng_s[0], y = rng_s[1];
		rng_s[0] = y;
		x ^= x << 23;
		rng_s[1] = x ^ y ^ (x >> 17) ^ (y >> 26);
		p[i] = (rng_s[1] + y) >> 24;
	}
	spin_unlock(&rng_lock);
}

/* Up to 32 MiB; as Linux's get_random_bytes_user, a signal ends it at a
 * page boundary (a 32 MiB call took over 10 s on a loaded host and the
 * fuzzer's SIGUSR1 could not stop it), and the hart is given up there
 * when the tick asked for it (the kernel is not preemptible). */
long sys_getrandom(void __user *buf, size_t len, unsigned int flags)
{
	u8 tmp[256];
	size_t done = 0;
	if (flags & ~7U)
		return -EINVAL;
	len = min(len, (size_t)0x1ffffff);
	while (done < len) {
		size_t n = min(len - done, sizeof(tmp));
		get_random_bytes(tmp, n);
		if (copy_to_user((char __user *)buf + done, tmp, n))
			return done ? (long)done : -EFAULT;
		done += n;
		if (done % PAGE_SIZE == 0 && done < len) {
			if (signal_pending(current))
				break;
			if (test_tsk_thread_flag(current, TIF_NEED_RESCHED))
				yield();
		}
	}
	return done;
}

#define LINUX_REBOOT_MAGIC1 0xfee1dead
#define LINUX_REBOOT_CMD_RESTART 0x01234567
#define LINUX_REBOOT_CMD_HALT 0xCDEF0123
#define LINUX_REBOOT_CMD_POWER_OFF 0x4321FEDC
long sys_sync(void);

long sys_reboot(unsigned int magic1, unsigned int magic2, unsigned int cmd, void __user *arg)
{
	(void)arg;
	if (magic1 != LINUX_REBOOT_MAGIC1 ||
	    (magic2 != 672274793 && magic2 != 85072278 && magic2 != 369367448 && magic2 != 537993216))
		return -EINVAL;
	switch (cmd) {
	case LINUX_REBOOT_CMD_POWER_OFF:
	case LINUX_REBOOT_CMD_HALT:
	case LINUX_REBOOT_CMD_RESTART:
		sys_sync();
		shutdown_filesystems();	/* marked clean: e2fsck is happy */
		printk("reboot: Power down\n");
		sbi_shutdown(0);
	default:
		return -EINVAL;
	}
}

#define PR_SET_NAME 15
#define PR_GET_NAME 16
long sys_prctl(int op, unsigned long a2)
{
	char name[TASK_COMM_LEN];
	switch (op) {
	case PR_SET_NAME:
		if (strncpy_from_user(name, (const char __user *)a2, sizeof(name)) < 0 &&
		    copy_from_user(name, (const void __user *)a2, sizeof(name) - 1))
			return -EFAULT;
		name[sizeof(name) - 1] = 0;
		memcpy(current->comm, name, sizeof(name));
		return 0;
	case PR_GET_NAME:
		return copy_to_user((void __user *)a2, current->comm, sizeof(current->comm)) ? -EFAULT : 0;
	default:
		return -EINVAL;
	}
}

long sys_sched_yield(void)
{
	yield();
	return 0;
}

/* The cpus a thread may run on, as Linux: a mask of cpumask_size() = one
 * long (NCPU <= 64), bit i = cpu i (/proc/cpuinfo's "processor"). */
static unsigned long online_mask(void)
{
	return nr_cpus >= 64 ? ~0UL : (1UL << nr_cpus) - 1;
}

long sys_sched_setaffinity(pid_t pid, unsigned int len, unsigned long __user *umask)
{
	unsigned long mask = 0;
	struct task_struct *t;

	if (copy_from_user(&mask, umask, len < sizeof(mask) ? len : sizeof(mask)))
		return -EFAULT;
	mask &= online_mask();
	if (!mask)
		return -EINVAL;
	spin_lock(&tasklist_lock);
	t = pid ? find_task_by_pid(pid) : current;
	if (t && !t->exit_state)
		set_cpus_allowed(t, mask);
	spin_unlock(&tasklist_lock);
	return t ? 0 : -ESRCH;
}

long sys_getcpu(unsigned int __user *cpu, unsigned int __user *node, void __user *unused)
{
	unsigned int c = smp_processor_id(), n = 0;

	if ((cpu && copy_to_user(cpu, &c, sizeof(c))) || (node && copy_to_user(node, &n, sizeof(n))))
		return -EFAULT;
	return 0;
}

long sys_sched_getaffinity(pid_t pid, unsigned int len, unsigned long __user *umask)
{
	unsigned long mask;
	struct task_struct *t;

	if (len * 8 < (unsigned int)nr_cpus || (len & (sizeof(long) - 1)))
		return -EINVAL;
	spin_lock(&tasklist_lock);
	t = pid ? find_task_by_pid(pid) : current;
	mask = t ? READ_ONCE(t->cpus_mask) & online_mask() : 0;
	spin_unlock(&tasklist_lock);
	if (!t)
		return -ESRCH;
	return copy_to_user(umask, &mask, sizeof(mask)) ? -EFAULT : (long)sizeof(mask);
}

static void fill_rusage(struct rusage *ru, const struct task_cputime *c, unsigned long maxrss)
{
	memset(ru, 0, sizeof(*ru));
	ru->ru_utime.tv_sec = c->utime / HZ;
	ru->ru_utime.tv_usec = c->utime % HZ * (1000000 / HZ);
	ru->ru_stime.tv_sec = c->stime / HZ;
	ru->ru_stime.tv_usec = c->stime % HZ * (1000000 / HZ);
	ru->ru_maxrss = maxrss;
	ru->ru_minflt = c->min_flt;
	ru->ru_majflt = c->maj_flt;
	ru->ru_nvcsw = c->nvcsw;
	ru->ru_nivcsw = c->nivcsw;
}

static struct task_cputime children_usage(struct signal_struct *sig)
{
	return (struct task_cputime){ sig->cutime, sig->cstime, sig->cnvcsw, sig->cnivcsw,
				      sig->cmin_flt, sig->cmaj_flt };
}

void rusage_of_reaped(struct task_struct *c, struct rusage *ru)
{
	struct signal_struct *sig = c->signal;
	struct task_cputime t = children_usage(sig);

	t.utime += sig->utime;
	t.stime += sig->stime;
	t.nvcsw += sig->nvcsw;
	t.nivcsw += sig->nivcsw;
	t.min_flt += sig->min_flt;
	t.maj_flt += sig->maj_flt;
	fill_rusage(ru, &t, max(sig->maxrss, sig->cmaxrss));
}

/* Resident size now (no peak is tracked) or at an earlier exit, in kB. */
static unsigned long self_maxrss(struct task_struct *t)
{
	unsigned long rss = t->mm ? READ_ONCE(t->mm->rss) << (PAGE_SHIFT - 10) : 0;

	return max(rss, READ_ONCE(t->signal->maxrss));
}

long sys_getrusage(int who, struct rusage __user *uru)
{
	struct task_struct *t = current;
	struct task_cputime c;
	struct rusage ru;

	switch (who) {
	case RUSAGE_SELF:
		thread_group_cputime(t, &c);
		fill_rusage(&ru, &c, self_maxrss(t));
		break;
	case RUSAGE_THREAD:
		c = (struct task_cputime){ t->utime, t->stime, t->nvcsw, t->nivcsw,
					   t->min_flt, t->maj_flt };
		fill_rusage(&ru, &c, self_maxrss(t));
		break;
	case RUSAGE_CHILDREN:
		spin_lock(&tasklist_lock);
		c = children_usage(t->signal);
		unsigned long maxrss = t->signal->cmaxrss;
		spin_unlock(&tasklist_lock);
		fill_rusage(&ru, &c, maxrss);
		break;
	default:
		return -EINVAL;
	}
	return copy_to_user(uru, &ru, sizeof(ru)) ? -EFAULT : 0;
}
