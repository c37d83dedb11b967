/* super.c: the list of mounted disk file systems' super blocks, for
 * sync(2), syncfs(2) and shutdown (Linux's fs/super.c), and the switch to
 * the root= file system at boot. A super block is registered when its
 * file system is mounted and unregistered when its last mount goes
 * (fs/namespace.c, cleanup_mnt) or while umount2 tests it for busy.
 * Also write access to a super block and read-only remounts (Linux's
 * mnt_want_write/mnt_drop_write at the super-block level,
 * sb_prepare_remount_readonly and reconfigure_super): every call that
 * modifies a file system (create, mkdir, mknod, unlink, rmdir, rename,
 * link, symlink, truncate, chmod/chown/utimes) brackets its change with
 * sb_want_write/sb_drop_write, and a file open for writing holds write
 * access until its last close (FMODE_WRITER), so sb->s_writers counts
 * every writer there is. A remount read-only sets s_write_hold, then
 * looks at s_writers: any writer is EBUSY; none, and new ones wait
 * (yielding) until the remount is over, then find the file system
 * read-only (EROFS). The increment comes before the hold test in
 * sb_want_write and the hold before the count test in
 * reconfigure_super, with full barriers between, so one of the two
 * always sees the other.
 * Locks: sb_lock (a mutex) guards the list; callers hold none, or
 * namespace_sem (which comes first); reconfigure_super is called with
 * namespace_sem held; sb_want_write takes none. */
#include "mount.h"
#include <blkdev.h>
#include <printk.h>
#include <printf.h>
#include <sched.h>
#include <string.h>

static LIST_HEAD(super_blocks);
static DEFINE_MUTEX(sb_lock);

/* Once per super block: a mount of an instance that is mounted already
 * (proc) finds it on the list. */
int register_super(struct super_block *sb)
{
	mutex_lock(&sb_lock);
	if (list_empty(&sb->s_list))
		list_add_tail(&sb->s_list, &super_blocks);
	mutex_unlock(&sb_lock);
	return 0;
}

void unregister_super(struct super_block *sb)
{
	mutex_lock(&sb_lock);
	list_del_init(&sb->s_list);
	mutex_unlock(&sb_lock);
}

/* Each file system writes its dirty data and metadata (sync(2)). */
void sync_filesystems(int wait)
{
	struct super_block *sb;
	mutex_lock(&sb_lock);
	list_for_each_entry(sb, &super_blocks, s_list)
		if (sb->s_op && sb->s_op->sync_fs)
			sb->s_op->sync_fs(sb, wait);
	mutex_unlock(&sb_lock);
}

/* syncfs(2): one file system's data and metadata. The list check skips
 * a super block that umount2 has taken off the list (it is clean and
 * read-only by then, but stays allocated for files still open on it). */
int sync_filesystem(struct super_block *sb)
{
	int err = 0;
	mutex_lock(&sb_lock);
	if (sb->s_op && sb->s_op->sync_fs && !list_empty(&sb->s_list))
		err = sb->s_op->sync_fs(sb, 1);
	mutex_unlock(&sb_lock);
	return err;
}

void shutdown_filesystems(void)
{
	struct super_block *sb;
	mutex_lock(&sb_lock);
	list_for_each_entry(sb, &super_blocks, s_list)
		if (sb->s_op && sb->s_op->shutdown)
			sb->s_op->shutdown(sb);
	mutex_unlock(&sb_lock);
}

/* One step of a walk from a held path (kernel use, no symlinks). */
static int child_path(const struct path *dir, const char *name, struct path *res)
{
	struct inode *inode = lookup_one(dir->inode, name, strlen(name));

	if (IS_ERR(inode))
		return PTR_ERR(inode);
	res->mnt = mntget(dir->mnt);
	res->inode = inode;
	follow_mounts(res);
	return 0;
}

/* What switch_root does in Linux, done by the kernel for root=: the RAM
 * root's /dev is bound on the new root's /dev (shown as devtmpfs, the
 * file system Linux mounts there on its own), and the proc mount moves
 * from the RAM root's /proc to the new /proc. Either is skipped if the
 * new root has no such directory. */
static void carry_over(const struct path *old_root, const struct path *new_root, const char *name)
{
	struct path from, to;
	int err = child_path(old_root, name, &from);

	if (err)
		return;
	err = child_path(new_root, name, &to);
	if (err) {
		path_put(&from);
		return;
	}
	if (!strcmp(name, "proc"))
		err = vfs_move_mount(&from, &to);
	else
		err = vfs_add_mount(&to, ihold(from.inode), "devtmpfs", "devtmpfs", MNT_LOCKED, NULL);
	if (!err)
		printk("vfs: /%s carried over to the new root\n", name);
	path_put(&to);
	path_put(&from);
}

/* root=/dev/NAME: mount that ext2 file system on the RAM root's "/" (as
 * Linux's init moves it there) and make it the root and cwd of the
 * calling task (pid 1, before it execs init); /dev and /proc of the RAM
 * root go along (carry_over). */
int mount_root(const char *dev, int rdonly)
{
	const char *name = strncmp(dev, "/dev/", 5) ? dev : dev + 5;
	struct block_device *bdev = bdev_by_name(name);
	struct path old, root;
	char devname[64];
	int err;

	if (!bdev)
		return -ENODEV;
	struct inode *inode = ext2_mount(bdev, rdonly ? 1 : 0);
	if (IS_ERR(inode))
		return PTR_ERR(inode);
	register_super(inode->i_sb);
	snprintf(devname, sizeof(devname), "/dev/%s", name);
	get_fs_root_path(current->fs, &old);
	err = vfs_add_mount(&old, inode, devname, "ext2", MNT_LOCKED | (rdonly ? MNT_READONLY : 0),
			    &root);
	if (err) {
		path_put(&old);
		return err;
	}
	carry_over(&old, &root, "dev");
	carry_over(&old, &root, "proc");
	path_put(&old);
	set_fs_root(current->fs, &root);
	set_fs_pwd(current->fs, &root);
	path_put(&root);
	printk("vfs: mounted root (ext2) from %s%s\n", dev, rdonly ? " read-only" : "");
	return 0;
}

/* ---- write access and remount ---- */

int sb_want_write(struct super_block *sb)
{
	if (!sb)
		return 0;		/* pipes, /proc */
	atomic_inc(&sb->s_writers);
	smp_mb();
	while (READ_ONCE(sb->s_write_hold))
		yield();
	if (sb_rdonly(sb)) {
		atomic_dec(&sb->s_writers);
		return -EROFS;
	}
	return 0;
}

void sb_drop_write(struct super_block *sb)
{
	if (sb)
		atomic_dec(&sb->s_writers);
}

/* MS_REMOUNT: the read-only state from flags, the rest to the file
 * system (->remount_fs, which parses data). Going read-only needs no
 * writer (EBUSY, as Linux's sb_prepare_remount_readonly). */
int reconfigure_super(struct super_block *sb, int flags, char *data)
{
	int ro = !!(flags & MS_RDONLY), err;
	int to_ro = ro && !sb_rdonly(sb);

	if (to_ro) {
		WRITE_ONCE(sb->s_write_hold, 1);
		smp_mb();
		if (atomic_read(&sb->s_writers)) {
			WRITE_ONCE(sb->s_write_hold, 0);
			return -EBUSY;
		}
	}
	err = sb->s_op && sb->s_op->remount_fs ? sb->s_op->remount_fs(sb, &flags, data) : 0;
	if (!err)
		WRITE_ONCE(sb->s_readonly, ro);
	smp_mb();
	if (to_ro)
		WRITE_ONCE(sb->s_write_hold, 0);
	return err;
}

/* The device number of a new instance of a nodev type (tmpfs, ramfs,
 * proc), as Linux's get_anon_bdev: major 0, and 0:1 is the RAM root's
 * (fs/stat.c); never given twice. */
dev_t get_anon_dev(void)
{
	static atomic_t next_anon_dev = ATOMIC_INIT(15);

	return MKDEV(0, atomic_inc_return(&next_anon_dev));
}

/* The block device a mount(2) source names: ENOTBLK if it is not one,
 * ENXIO if no such device exists (the node's number is unknown). */
struct block_device *lookup_bdev_path(const char *path, int *err)
{
	struct inode *node = kern_path(AT_FDCWD, path, 0);
	struct block_device *bdev = NULL;

	if (IS_ERR(node)) {
		*err = PTR_ERR(node);
		return NULL;
	}
	*err = -ENOTBLK;
	if (S_ISBLK(node->i_mode)) {
		bdev = bdev_get(node->i_rdev);
		*err = bdev ? 0 : -ENXIO;
	}
	iput(node);
	return bdev;
}
