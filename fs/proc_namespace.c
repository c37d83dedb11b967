/* proc_namespace.c: /proc/mounts (= /proc/PID/mounts) and
 * /proc/PID/mountinfo (Linux's fs/proc_namespace.c), one line per mount
 * in mount order, for the mounts visible from the reader's root: a
 * mount whose place cannot be reached from it (the RAM root once root=
 * switched away, a lazily detached mount) is not shown, as in Linux.
 * Every task shares one mount namespace here, so /proc/PID/ shows the
 * reader's view. Locks: namespace_sem, held while naming the mounts
 * (dir_path takes directories' i_rwsem, which is allowed under it). */
#include "mount.h"
#include <proc.h>
#include <sched.h>
#include <slab.h>
#include <string.h>

static void show_escaped(struct seq_buf *s, const char *str)
{
	seq_escape(s, str, " \t\n\\");
}

/* The mount's own flags after "rw"/"ro" (Linux's show_mnt_opts). */
static void show_mnt_opts(struct seq_buf *s, struct mount *m)
{
	static const struct { int flag; const char *str; } opts[] = {
		{ MNT_NOSUID, ",nosuid" }, { MNT_NODEV, ",nodev" }, { MNT_NOEXEC, ",noexec" },
	};

	for (unsigned int i = 0; i < ARRAY_SIZE(opts); i++)
		if (m->mnt_flags & opts[i].flag)
			seq_puts(s, opts[i].str);
}

/* The file system's own options (proc: gid=, hidepid=). */
static void show_sb_opts(struct seq_buf *s, struct super_block *sb)
{
	if (sb && sb->s_op && sb->s_op->show_options)
		sb->s_op->show_options(s, sb);
}

/* "DEVICE MOUNTPOINT TYPE OPTIONS 0 0" */
static void show_vfsmnt(struct seq_buf *s, struct mount *m, const char *path, char *tmp)
{
	(void)tmp;
	show_escaped(s, m->mnt_devname);
	seq_puts(s, " ");
	show_escaped(s, path);
	seq_printf(s, " %s %s", m->mnt_type, mnt_readonly(m) ? "ro" : "rw");
	show_mnt_opts(s, m);
	show_sb_opts(s, m->mnt_sb);
	seq_puts(s, " 0 0\n");
}

/* "ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS [shared:N] [master:N]
 * [unbindable] - TYPE SOURCE SUPER_OPTIONS" */
static void show_mountinfo(struct seq_buf *s, struct mount *m, const char *path, char *tmp)
{
	dev_t dev = inode_dev(m->mnt_root);
	char *root = fs_path(m->mnt_root, tmp, PATH_MAX);

	seq_printf(s, "%d %d %u:%u ", m->mnt_id, m->mnt_parent->mnt_id, MAJOR(dev), MINOR(dev));
	show_escaped(s, IS_ERR(root) ? "/" : root);
	seq_puts(s, " ");
	show_escaped(s, path);
	seq_printf(s, " %s", (m->mnt_flags & MNT_READONLY) ? "ro" : "rw");
	show_mnt_opts(s, m);
	if (m->mnt_flags & MNT_SHARED)
		seq_printf(s, " shared:%d", m->mnt_group_id);
	if (m->mnt_master)
		seq_printf(s, " master:%d", m->mnt_master->mnt_group_id);
	if (m->mnt_flags & MNT_UNBINDABLE)
		seq_puts(s, " unbindable");
	seq_printf(s, " - %s ", m->mnt_type);
	show_escaped(s, m->mnt_devname);
	seq_printf(s, " %s", (m->mnt_sb && m->mnt_sb->s_readonly) ? "ro" : "rw");
	show_sb_opts(s, m->mnt_sb);
	seq_puts(s, "\n");
}

static int show_mounts(struct seq_buf *s,
		       void (*show)(struct seq_buf *, struct mount *, const char *, char *))
{
	char *buf = kmalloc(PATH_MAX, GFP_KERNEL), *tmp = kmalloc(PATH_MAX, GFP_KERNEL);
	struct path root;
	struct mount *m;
	int outside, err = 0;

	get_fs_root_path(current->fs, &root);
	if (!buf || !tmp)
		err = -ENOMEM;
	mutex_lock(&namespace_sem);
	list_for_each_entry(m, &mounts, mnt_list) {
		struct path mp = { m, m->mnt_root };
		char *path;

		if (err)
			break;
		path = dir_path(&mp, &root, buf, PATH_MAX, &outside);
		if (!IS_ERR(path) && !outside)
			show(s, m, path, tmp);
	}
	mutex_unlock(&namespace_sem);
	kfree(buf);
	kfree(tmp);
	path_put(&root);
	return err;
}

int mounts_show(struct seq_buf *s)
{
	return show_mounts(s, show_vfsmnt);
}

int mountinfo_show(struct seq_buf *s)
{
	return show_mounts(s, show_mountinfo);
}
