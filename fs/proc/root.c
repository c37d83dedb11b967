/* root.c: /proc itself and the "proc" file-system type. There is one
 * proc instance, proc_sb (as Linux before 5.8: one per pid namespace,
 * and there is one namespace here): every inode of fs/proc belongs to
 * it, and mount(2) of "proc" (proc_mount) answers with its root, so all
 * proc mounts show the same tree. proc_root_init (from vfs_init) makes
 * the /proc directory in the RAM root and mounts proc there, as an init
 * script's "mount -t proc proc /proc" would (an ordinary mount: umount2
 * takes it when idle), and registers the built-in files (and through
 * proc_misc_init and proc_base_init the small ones and self).
 * Options (Linux's proc_parse_param): hidepid= and gid= belong to the
 * instance, so a mount or remount that gives them changes them for
 * every proc mount (as does remount,ro: MS_RDONLY on a new mount makes
 * only that mount read-only); everyone is root here, and Linux shows
 * root every process whatever hidepid says, so they change nothing
 * else. Linux 6.1 makes an instance per mount instead.
 * Locks: proc_opts_lock (spinlock, leaf) guards the options; see
 * generic.c for the entry tree's. */
#include <fs.h>
#include <vmstat.h>
#include <printk.h>
#include <string.h>
#include <spinlock.h>
#include "internal.h"

#define PROC_SUPER_MAGIC 0x9fa0
enum { HIDEPID_OFF = 0, HIDEPID_NO_ACCESS = 1, HIDEPID_INVISIBLE = 2, HIDEPID_NOT_PTRACEABLE = 4 };

/* What Linux's proc_fs_info keeps of the options. */
struct proc_fs_info {
	int hide_pid;		/* HIDEPID_* */
	unsigned int pid_gid;	/* exempt from hidepid */
};

static struct proc_fs_info proc_info;
static DEFINE_SPINLOCK(proc_opts_lock);
static const struct super_operations proc_sops;
struct file_system_type proc_fs_type;

struct super_block proc_sb = {
	.s_op = &proc_sops,
	.s_fs_info = &proc_info,
	.s_type = &proc_fs_type,
	.s_blocksize = 1024,
	.s_list = LIST_HEAD_INIT(proc_sb.s_list),
};

/* ---- options ---- */

/* The options of one mount(2) or remount: each given one is marked in
 * mask and applied only if all parse. */
struct proc_opts {
	struct proc_fs_info v;
	int mask;
};
#define OPT_GID 1
#define OPT_HIDEPID 2

static const char *const hidepid_names[] = {
	[HIDEPID_OFF] = "off", [HIDEPID_NO_ACCESS] = "noaccess",
	[HIDEPID_INVISIBLE] = "invisible", [HIDEPID_NOT_PTRACEABLE] = "ptraceable",
};

/* A u32 as Linux's fsparam_u32 takes it (kstrtouint, base 0). */
static int parse_u32(const char *val, unsigned int *res)
{
	unsigned long v;

	if (!val || kstrtoul(val, 0, &v) || v > 0xffffffffUL)
		return -EINVAL;
	*res = v;
	return 0;
}

/* hidepid=: 0, 1, 2, 4 or their names (proc_parse_hidepid_param). */
static int parse_hidepid(const char *val, int *res)
{
	unsigned int v;

	if (!val)
		return -EINVAL;
	if (!parse_u32(val, &v))
		return (v < ARRAY_SIZE(hidepid_names) && hidepid_names[v]) ? (*res = v, 0) : -EINVAL;
	for (v = 0; v < ARRAY_SIZE(hidepid_names); v++)
		if (hidepid_names[v] && !strcmp(val, hidepid_names[v])) {
			*res = v;
			return 0;
		}
	return -EINVAL;
}

/* One key (and value, or NULL) of the option string. Besides proc's
 * own, the flags every type takes (Linux's vfs_parse_sb_flag): rw,
 * async, sync, dirsync, lazytime, nolazytime, mand and nomand change
 * nothing proc has. EINVAL for anything else, as Linux, and also for
 * two Linux takes: subset=pid and "ro" (in Linux, a new instance of
 * proc that shows only processes, or is read-only; here there is one
 * instance for every mount: MS_RDONLY makes one mount read-only). */
static int proc_parse_one(const char *key, const char *val, struct proc_opts *o)
{
	static const char *const vfs_flags[] = { "rw", "async", "sync", "dirsync", "lazytime",
						 "nolazytime", "mand", "nomand" };

	if (!strcmp(key, "gid")) {
		if (parse_u32(val, &o->v.pid_gid))
			goto bad;
		o->mask |= OPT_GID;
		return 0;
	}
	if (!strcmp(key, "hidepid")) {
		if (val && *val && parse_hidepid(val, &o->v.hide_pid)) {
			printk("proc: unknown value of hidepid - %.64s\n", val);	/* as Linux */
			return -EINVAL;
		}
		if (parse_hidepid(val, &o->v.hide_pid))
			goto bad;
		o->mask |= OPT_HIDEPID;
		return 0;
	}
	for (unsigned int i = 0; i < ARRAY_SIZE(vfs_flags); i++)
		if (!strcmp(key, vfs_flags[i]))
			return 0;
	if (!strcmp(key, "subset") || !strcmp(key, "ro"))
		printk("proc: '%s' is not supported: one instance serves every mount\n", key);
	else
		printk("proc: Unknown parameter '%.64s'\n", key);
	return -EINVAL;
bad:
	printk("proc: Bad value for '%s'\n", key);
	return -EINVAL;
}

/* The comma-separated options of data (changed in place), as Linux's
 * generic_parse_monolithic: empty ones and "=value" are skipped. */
static int proc_parse_options(char *data, struct proc_opts *o)
{
	char *opt;
	int err;

	while (data && (opt = strsep(&data, ",")) != NULL) {
		char *val = strchr(opt, '=');

		if (!*opt || val == opt)
			continue;
		if (val)
			*val++ = 0;
		if ((err = proc_parse_one(opt, val, o)))
			return err;
	}
	return 0;
}

static void proc_apply_options(const struct proc_opts *o)
{
	spin_lock(&proc_opts_lock);
	if (o->mask & OPT_GID)
		proc_info.pid_gid = o->v.pid_gid;
	if (o->mask & OPT_HIDEPID)
		proc_info.hide_pid = o->v.hide_pid;
	spin_unlock(&proc_opts_lock);
}

/* ",gid=N" and ",hidepid=NAME" when not the defaults (proc_show_options). */
static void proc_show_options(struct seq_buf *m, struct super_block *sb)
{
	struct proc_fs_info *fi = sb->s_fs_info, v;

	spin_lock(&proc_opts_lock);
	v = *fi;
	spin_unlock(&proc_opts_lock);
	if (v.pid_gid)
		seq_printf(m, ",gid=%u", v.pid_gid);
	if (v.hide_pid != HIDEPID_OFF)
		seq_printf(m, ",hidepid=%s", hidepid_names[v.hide_pid]);
}

/* mount -o remount: the options given; the read-only state is
 * reconfigure_super's (the instance's: every proc mount's). */
static int proc_remount(struct super_block *sb, int *flags, char *data)
{
	struct proc_opts o = { 0 };
	int err = proc_parse_options(data, &o);

	(void)sb;
	(void)flags;
	if (err)
		return err;
	proc_apply_options(&o);
	return 0;
}

static int proc_statfs(struct super_block *sb, struct kstatfs *st)
{
	st->f_type = PROC_SUPER_MAGIC;
	st->f_bsize = sb->s_blocksize;
	st->f_namelen = NAME_MAX;
	return 0;
}

static const struct super_operations proc_sops = {
	.statfs = proc_statfs,
	.remount_fs = proc_remount,
	.show_options = proc_show_options,
};

/* mount(2) of "proc": the one instance's root, whatever the source; the
 * options given change the instance's. MS_RDONLY makes the new mount
 * read-only, not the instance (do_new_mount). */
static struct inode *proc_mount(struct file_system_type *t, int flags, const char *dev,
				char *data)
{
	struct proc_opts o = { 0 };
	int err = proc_parse_options(data, &o);

	(void)t;
	(void)dev;
	(void)flags;
	if (err)
		return ERR_PTR(err);
	if (!proc_sb.s_root)
		return ERR_PTR(-ENODEV);	/* proc_root_init failed */
	proc_apply_options(&o);
	return ihold(proc_sb.s_root);
}

/* Empty until the block layer (block/genhd.c) provides the real ones. */
__attribute__((weak)) int diskstats_show(struct seq_buf *m)
{
	return 0;
}

__attribute__((weak)) int partitions_show(struct seq_buf *m)
{
	return 0;
}

static const struct { const char *name; int (*show)(struct seq_buf *m); } builtins[] = {
	{ "meminfo", meminfo_show },
	{ "vmstat", vmstat_show },
	{ "diskstats", diskstats_show },
	{ "partitions", partitions_show },
	{ "mounts", mounts_show },
	{ "stat", stat_show },
	{ "cpuinfo", show_cpuinfo },
};

/* A new inode (new_inode's reference only) joins the proc instance. */
void proc_own_inode(struct inode *inode)
{
	inode->i_sb = &proc_sb;
	sb_refs_inc(&proc_sb);	/* the reference new_inode made */
}

struct file_system_type proc_fs_type = { .name = "proc", .mount = proc_mount };

/* Make proc's root, mkdir /proc in the RAM root and mount proc on it. */
void proc_root_init(void)
{
	struct inode *root;
	struct path mp;
	int err;

	init_rwsem(&proc_sb.s_umount);
	proc_sb.s_dev = get_anon_dev();
	register_super(&proc_sb);
	if ((err = do_mkdirat(AT_FDCWD, "/proc", 0555))) {
		pr_err("proc: mkdir /proc: %d\n", err);
		return;
	}
	if ((err = kern_path_mnt(AT_FDCWD, "/proc", LOOKUP_DIRECTORY, &mp, NULL))) {
		pr_err("proc: lookup /proc: %d\n", err);
		return;
	}
	root = new_inode(S_IFDIR | 0555);
	if (!root) {
		path_put(&mp);
		pr_err("proc: no memory\n");
		return;
	}
	proc_own_inode(root);
	root->i_nlink = 2;
	root->i_op = &proc_dir_iops;
	root->i_fop = &proc_dir_fops;
	root->i_private = &proc_root;
	proc_root.inode = root;	/* keeps new_inode's reference for ever */
	proc_sb.s_root = root;	/* shares it */
	if ((err = vfs_add_mount(&mp, ihold(root), "proc", "proc", 0, NULL)))
		pr_err("proc: mount: %d\n", err);
	path_put(&mp);
	for (unsigned int i = 0; i < ARRAY_SIZE(builtins); i++)
		if ((err = proc_create(builtins[i].name, builtins[i].show)))
			pr_err("proc: %s: %d\n", builtins[i].name, err);
	proc_misc_init();
	proc_base_init();
}
