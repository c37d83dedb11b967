/* namespace.c: mounting one tree on a directory of another. A mount is
 * two pointers: the mountpoint's i_mounted names the mounted root, whose
 * i_covered names the mountpoint; each holds a reference on the other.
 * The path walk follows i_mounted downwards and i_covered when ".."
 * leaves a mounted root. Lock: mount_lock (a mutex) serialises changes. */
#include <fs.h>
#include <blkdev.h>
#include <string.h>
#include <printk.h>
#include <sched.h>
#include <uaccess.h>

static DEFINE_MUTEX(mount_lock);

int mount_tree(struct inode *mp, struct inode *root)
{
	int err = 0;
	if (!S_ISDIR(mp->i_mode) || !S_ISDIR(root->i_mode))
		return -ENOTDIR;
	mutex_lock(&mount_lock);
	if (mp->i_mounted || root->i_covered)
		err = -EBUSY;
	else {
		mp->i_mounted = ihold(root);
		root->i_covered = ihold(mp);
	}
	mutex_unlock(&mount_lock);
	return err;
}

int umount_tree(struct inode *root)
{
	struct inode *mp;
	mutex_lock(&mount_lock);
	mp = root->i_covered;
	if (!mp || root->i_mounted) {
		mutex_unlock(&mount_lock);
		return mp ? -EBUSY : -EINVAL;
	}
	root->i_covered = NULL;
	mp->i_mounted = NULL;
	mutex_unlock(&mount_lock);
	iput(root);
	iput(mp);
	return 0;
}

/* Step onto whatever is mounted on inode (repeatedly). */
struct inode *follow_mounts(struct inode *inode)
{
	while (READ_ONCE(inode->i_mounted)) {
		struct inode *m = ihold(inode->i_mounted);
		iput(inode);
		inode = m;
	}
	return inode;
}

/* From a mounted root back to the directory it covers (repeatedly). */
struct inode *follow_covered(struct inode *inode)
{
	while (READ_ONCE(inode->i_covered)) {
		struct inode *c = ihold(inode->i_covered);
		iput(inode);
		inode = c;
	}
	return inode;
}

/* ---- super blocks: the mounted disk file systems, for sync(2) ---- */
static LIST_HEAD(super_blocks);
static DEFINE_MUTEX(sb_lock);

int register_super(struct super_block *sb)
{
	mutex_lock(&sb_lock);
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

/* Mounts a RAM-root directory (e.g. /dev) on the same path of the new
 * root, if the new root has that directory. */
static void carry_over(struct inode *old_root, struct inode *new_root, const char *name)
{
	struct inode *from = lookup_one(old_root, name, strlen(name));
	struct inode *to = lookup_one(new_root, name, strlen(name));
	if (!IS_ERR(from) && !IS_ERR(to) && mount_tree(to, from) == 0)
		printk("vfs: /%s carried over to the new root\n", name);
	if (!IS_ERR(from))
		iput(from);
	if (!IS_ERR(to))
		iput(to);
}

/* root=/dev/NAME: mount that ext2 file system and make it the root of
 * the calling task (pid 1, before it execs init); /dev and /proc of the
 * RAM root are mounted on the new root's /dev and /proc. */
int mount_root(const char *dev, int rdonly)
{
	const char *name = strncmp(dev, "/dev/", 5) ? dev : dev + 5;
	struct block_device *bdev = bdev_by_name(name);
	if (!bdev)
		return -ENODEV;
	struct inode *root = ext2_mount(bdev, rdonly ? 1 : 0);
	if (IS_ERR(root))
		return PTR_ERR(root);
	register_super(root->i_sb);
	struct inode *old = get_fs_root(current->fs);
	carry_over(old, root, "dev");
	carry_over(old, root, "proc");
	iput(old);
	set_fs_root_pwd(current->fs, root);
	iput(root);
	printk("vfs: mounted root (ext2) from %s%s\n", dev, rdonly ? " read-only" : "");
	return 0;
}

/* ---- mount(2) and umount2(2) ---- */
#define MS_RDONLY 1

/* mount(source, target, "ext2", flags): the ext2 file system on block
 * device source covers directory target. Only ext2 is mountable here
 * (the RAM root, /dev and /proc are set up by the kernel itself). */
long sys_mount(const char __user *usource, const char __user *utarget,
	       const char __user *utype, unsigned long flags, const void __user *data)
{
	char type[16];
	(void)data;
	long n = strncpy_from_user(type, utype, sizeof(type));
	if (n < 0)
		return n == -ENAMETOOLONG ? -ENODEV : n;
	if (strcmp(type, "ext2"))
		return -ENODEV;
	struct inode *dev = user_path_at(AT_FDCWD, usource, 0);
	if (IS_ERR(dev))
		return PTR_ERR(dev);
	struct block_device *bdev = S_ISBLK(dev->i_mode) ? bdev_get(dev->i_rdev) : NULL;
	iput(dev);
	if (!bdev)
		return -ENOTBLK;
	struct inode *mp = user_path_at(AT_FDCWD, utarget, LOOKUP_DIRECTORY);
	if (IS_ERR(mp))
		return PTR_ERR(mp);
	struct inode *root = ext2_mount(bdev, (flags & MS_RDONLY) ? 1 : 0);
	long err = IS_ERR(root) ? PTR_ERR(root) : mount_tree(mp, root);
	if (!IS_ERR(root)) {
		if (!err)
			register_super(root->i_sb);
		else
			root->i_sb->s_op->put_super(root->i_sb);	/* never visible */
		iput(root);
	}
	iput(mp);
	return err;
}

/* umount2(target): detach the tree mounted at target after writing it
 * back and marking it clean. Its super block stays allocated (read-only):
 * open files of it remain valid, nothing can reach it by name any more. */
long sys_umount2(const char __user *utarget, int flags)
{
	if (flags & ~0xf)
		return -EINVAL;
	struct inode *root = user_path_at(AT_FDCWD, utarget, LOOKUP_DIRECTORY);
	if (IS_ERR(root))
		return PTR_ERR(root);
	struct super_block *sb = root->i_sb;
	struct inode *fsroot = get_fs_root(current->fs);
	long err = 0;
	if (!root->i_covered || !sb || sb->s_root != root)
		err = -EINVAL;		/* not a mount point */
	else if (root == fsroot)
		err = -EBUSY;
	if (!err)
		err = umount_tree(root);
	iput(fsroot);
	if (!err) {
		unregister_super(sb);
		if (sb->s_op && sb->s_op->shutdown)
			sb->s_op->shutdown(sb);
	}
	iput(root);
	return err;
}
