/* misc.c: the small files at the top of /proc, each a few lines in
 * Linux's format: uptime, loadavg, version, cmdline, filesystems, swaps,
 * and under sys/kernel the names and limits (hostname and domainname
 * writable, as sethostname(2) sets them). proc_misc_init registers them.
 * Locks: none of its own (utsname copies under uts_lock; task counts
 * take tasklist_lock). */
#include <sched.h>
#include <timer.h>
#include <cmdline.h>
#include <utsname.h>
#include <string.h>
#include <printk.h>
#include "internal.h"

/* Seconds since boot and the idle seconds of all harts together. */
static int uptime_show(struct seq_buf *m)
{
	u64 ns = ktime_get_ns(), idle = 0, st[NR_STATS];

	for (int cpu = 0; cpu < nr_cpus; cpu++) {
		kcpustat_cpu(cpu, st);
		idle += st[CPUTIME_IDLE];
	}
	seq_printf(m, "%lu.%02lu %lu.%02lu\n", ns / 1000000000UL, ns % 1000000000UL / 10000000UL,
		   idle / HZ, idle % HZ * 100 / HZ);
	return 0;
}

/* Three load averages, running/total tasks, the last pid handed out. */
static int loadavg_show(struct seq_buf *m)
{
	unsigned long avn[3];
	struct task_struct *t;
	int total = 0;

	get_avenrun(avn, FIXED_1 / 200, 0);	/* rounded to two decimals */
	spin_lock(&tasklist_lock);
	list_for_each_entry(t, &task_list, tasks)
		total += !t->exit_state;
	spin_unlock(&tasklist_lock);
	seq_printf(m, "%lu.%02lu %lu.%02lu %lu.%02lu %d/%d %d\n", LOAD_INT(avn[0]),
		   LOAD_FRAC(avn[0]), LOAD_INT(avn[1]), LOAD_FRAC(avn[1]), LOAD_INT(avn[2]),
		   LOAD_FRAC(avn[2]), nr_running_tasks(), total, READ_ONCE(last_pid));
	return 0;
}

static int version_show(struct seq_buf *m)
{
	struct new_utsname u;

	get_utsname(&u);
	seq_printf(m, "%s version %s (riscv-teach) (gcc version %s) %s\n", u.sysname, u.release,
		   __VERSION__, u.version);
	return 0;
}

static int cmdline_show(struct seq_buf *m)
{
	seq_printf(m, "%s\n", boot_command_line);
	return 0;
}

/* No swap: the header alone, as Linux prints it without swap. */
static int swaps_show(struct seq_buf *m)
{
	seq_puts(m, "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n");
	return 0;
}

/* ---- /proc/sys/kernel ---- */

static int uts_show(struct seq_buf *m, int field)
{
	struct new_utsname u;
	const char *s[] = { u.sysname, u.nodename, u.release, u.version, u.domainname };

	get_utsname(&u);
	seq_printf(m, "%s\n", s[field]);
	return 0;
}

static int ostype_show(struct seq_buf *m) { return uts_show(m, 0); }
static int hostname_show(struct seq_buf *m) { return uts_show(m, 1); }
static int osrelease_show(struct seq_buf *m) { return uts_show(m, 2); }
static int kversion_show(struct seq_buf *m) { return uts_show(m, 3); }
static int domainname_show(struct seq_buf *m) { return uts_show(m, 4); }

/* A write sets the name, less one trailing newline (echo name > file). */
static int uts_store(int domain, const char *buf, size_t len)
{
	if (len && buf[len - 1] == '\n')
		len--;
	return set_uts_name(domain, buf, len);
}

static int hostname_store(const char *buf, size_t len) { return uts_store(0, buf, len); }
static int domainname_store(const char *buf, size_t len) { return uts_store(1, buf, len); }

static int pid_max_show(struct seq_buf *m)
{
	seq_printf(m, "%d\n", PID_MAX_LIMIT);
	return 0;
}

static const struct {
	const char *name;
	int (*show)(struct seq_buf *m);
	int (*store)(const char *buf, size_t len);
} misc_files[] = {
	{ "uptime", uptime_show },
	{ "loadavg", loadavg_show },
	{ "version", version_show },
	{ "cmdline", cmdline_show },
	{ "filesystems", filesystems_show },
	{ "swaps", swaps_show },
	{ "sys/kernel/ostype", ostype_show },
	{ "sys/kernel/osrelease", osrelease_show },
	{ "sys/kernel/version", kversion_show },
	{ "sys/kernel/hostname", hostname_show, hostname_store },
	{ "sys/kernel/domainname", domainname_show, domainname_store },
	{ "sys/kernel/pid_max", pid_max_show },
};

void proc_misc_init(void)
{
	int err;

	for (unsigned int i = 0; i < ARRAY_SIZE(misc_files); i++)
		if ((err = proc_create_rw(misc_files[i].name, misc_files[i].show,
					  misc_files[i].store)))
			pr_err("proc: %s: %d\n", misc_files[i].name, err);
}
