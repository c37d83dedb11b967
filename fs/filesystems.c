/* filesystems.c: the list of file-system types (Linux's fs/filesystems.c).
 * Each type registers once at boot (init_filesystems); mount(2) finds it
 * by name (get_fs_type: unknown is ENODEV) and /proc/filesystems lists
 * them in registration order, "nodev" before those that need no block
 * device. Types are never unregistered, so a pointer from get_fs_type
 * stays good.
 * Lock: file_systems_lock (spinlock) guards the list; a leaf. */
#include <fs.h>
#include <proc.h>
#include <string.h>
#include <printk.h>

static struct file_system_type *file_systems;
static DEFINE_SPINLOCK(file_systems_lock);

/* -EBUSY if a type of that name is registered already. */
int register_filesystem(struct file_system_type *t)
{
	struct file_system_type **p;
	int err = 0;

	spin_lock(&file_systems_lock);
	for (p = &file_systems; *p && !err; p = &(*p)->next)
		if (!strcmp((*p)->name, t->name))
			err = -EBUSY;
	if (!err) {
		t->next = NULL;
		*p = t;
	}
	spin_unlock(&file_systems_lock);
	return err;
}

struct file_system_type *get_fs_type(const char *name)
{
	struct file_system_type *t;

	spin_lock(&file_systems_lock);
	for (t = file_systems; t; t = t->next)
		if (!strcmp(t->name, name))
			break;
	spin_unlock(&file_systems_lock);
	return t;
}

int filesystems_show(struct seq_buf *m)
{
	struct file_system_type *t;

	spin_lock(&file_systems_lock);
	for (t = file_systems; t; t = t->next)
		seq_printf(m, "%s\t%s\n", (t->fs_flags & FS_REQUIRES_DEV) ? "" : "nodev", t->name);
	spin_unlock(&file_systems_lock);
	return 0;
}

/* The type whose instance the kernel makes itself but mount(2) cannot
 * (Linux's rootfs): listed, not mountable. */
static struct file_system_type rootfs_fs_type = { .name = "rootfs" };
extern struct file_system_type ramfs_fs_type, tmpfs_fs_type, proc_fs_type, ext2_fs_type;

void init_filesystems(void)
{
	register_filesystem(&rootfs_fs_type);
	register_filesystem(&ramfs_fs_type);
	register_filesystem(&tmpfs_fs_type);
	register_filesystem(&proc_fs_type);
	register_filesystem(&ext2_fs_type);
}
