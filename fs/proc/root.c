/* root.c: /proc itself. proc_root_init (from vfs_init) makes the /proc
 * directory in the RAM root, mounts proc_root's inode on it ("proc /proc
 * proc" in /proc/mounts) and registers the built-in files (and through
 * proc_misc_init and proc_base_init the small ones and self).
 * Locks: none of its own (see generic.c for the entry tree's). */
#include <fs.h>
#include <vmstat.h>
#include <printk.h>
#include "internal.h"

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

/* mkdir /proc in the RAM root and mount a new proc root inode on it. */
void proc_root_init(void)
{
	struct inode *root;
	struct path mp;
	int err;

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
	root->i_nlink = 2;
	root->i_op = &proc_dir_iops;
	root->i_fop = &proc_dir_fops;
	root->i_private = &proc_root;
	proc_root.inode = root;	/* keeps new_inode's reference for ever */
	if ((err = vfs_add_mount(&mp, ihold(root), "proc", "proc", MNT_LOCKED, NULL)))
		pr_err("proc: mount: %d\n", err);
	path_put(&mp);
	for (unsigned int i = 0; i < ARRAY_SIZE(builtins); i++)
		if ((err = proc_create(builtins[i].name, builtins[i].show)))
			pr_err("proc: %s: %d\n", builtins[i].name, err);
	proc_misc_init();
	proc_base_init();
}
