/* namespace.c: mounts. A mount attaches the root of one tree to a
 * directory (the mount point) of another: mp->i_mounted names the mounted
 * root, whose i_covered names mp, and each pointer holds a reference on
 * the inode it names. The path walk follows i_mounted downwards
 * (follow_mounts) and i_covered when ".." leaves a mounted root
 * (follow_covered). Every mount also has a struct mount on the `mounts`
 * list, in mount order, for /proc/mounts and umount2; a root of its own
 * (rootfs, the root= file system) has one with no mount point. A struct
 * mount holds no references: an attached one's inodes are held by the
 * two pointers, a root one's by its super block (or for ever: rootfs).
 *
 * Busy: umount2 succeeds only if nothing but the mount itself refers to
 * an inode of the file system. Every reference (open file, cwd, root, a
 * mount on one of its directories, a walk in progress, a cached name)
 * counts in sb->s_inode_refs (fs/inode.c), so after dropping the cached
 * names the test is one comparison. It is made under mount_lock, which
 * the walk also holds while it reads a mount pointer and takes its
 * reference; so a walk, an open(), a chdir() either got its reference
 * before the test (EBUSY) or finds the mount gone. Nothing else creates
 * references out of nothing once sync_filesystems cannot see the super
 * block (unregister_super first).
 *
 * Locks, in order: namespace_sem (a mutex, Linux's name) serialises mount,
 * move, umount and /proc/mounts, and may be held while taking i_rwsem
 * (d_path in mounts_show; evictions in umount), sb_lock and mount_lock;
 * mount_lock (a spinlock, Linux's name) guards i_mounted/i_covered and is
 * a leaf; sb_lock (a mutex) guards the list of super blocks. Callers hold
 * none of them. */
#include <fs.h>
#include <blkdev.h>
#include <slab.h>
#include <string.h>
#include <printf.h>
#include <printk.h>
#include <proc.h>
#include <sched.h>
#include <uaccess.h>

struct mount {
	struct list_head mnt_list;	/* in `mounts`, in mount order */
	struct inode *mnt_root;		/* the mounted tree */
	struct inode *mnt_mountpoint;	/* the directory it covers, or NULL */
	int mnt_flags;			/* MNT_READONLY, MNT_LOCKED */
	char mnt_type[16];
	char mnt_devname[];
};

static LIST_HEAD(mounts);
static DEFINE_MUTEX(namespace_sem);
static DEFINE_SPINLOCK(mount_lock);

/* namespace_sem held. */
static struct mount *find_mount(struct inode *root)
{
	struct mount *m;
	list_for_each_entry(m, &mounts, mnt_list)
		if (m->mnt_root == root)
			return m;
	return NULL;
}

/* namespace_sem held: root covers mp from now on. */
static int attach(struct inode *mp, struct inode *root)
{
	if (!S_ISDIR(mp->i_mode) || !S_ISDIR(root->i_mode))
		return -ENOTDIR;
	if (mp->i_mounted || root->i_covered)
		return -EBUSY;
	ihold(root);
	ihold(mp);
	spin_lock(&mount_lock);
	mp->i_mounted = root;
	root->i_covered = mp;
	spin_unlock(&mount_lock);
	return 0;
}

int vfs_add_mount(struct inode *mp, struct inode *root, const char *dev,
		  const char *type, int flags)
{
	struct mount *m = kzalloc(sizeof(*m) + strlen(dev) + 1, GFP_KERNEL);
	int err = 0;
	if (!m)
		return -ENOMEM;
	m->mnt_root = root;
	m->mnt_mountpoint = mp;
	m->mnt_flags = flags;
	strncpy(m->mnt_type, type, sizeof(m->mnt_type) - 1);
	strcpy(m->mnt_devname, dev);
	mutex_lock(&namespace_sem);
	if (mp)
		err = attach(mp, root);
	if (!err)
		list_add_tail(&m->mnt_list, &mounts);
	mutex_unlock(&namespace_sem);
	if (err)
		kfree(m);
	return err;
}

/* The mount whose root is root now covers new_mp (mount --move; it goes
 * to the end of the list, as a new mount would). */
int vfs_move_mount(struct inode *root, struct inode *new_mp)
{
	struct inode *old = NULL;
	struct mount *m;
	int err = 0;
	mutex_lock(&namespace_sem);
	m = find_mount(root);
	if (!m || !m->mnt_mountpoint)
		err = -EINVAL;
	else if (!S_ISDIR(new_mp->i_mode))
		err = -ENOTDIR;
	else if (new_mp->i_mounted)
		err = -EBUSY;
	if (!err) {
		old = m->mnt_mountpoint;
		ihold(new_mp);
		spin_lock(&mount_lock);
		old->i_mounted = NULL;
		new_mp->i_mounted = root;
		root->i_covered = new_mp;
		spin_unlock(&mount_lock);
		m->mnt_mountpoint = new_mp;
		list_move_tail(&m->mnt_list, &mounts);
	}
	mutex_unlock(&namespace_sem);
	iput(old);
	return err;
}

/* Step onto whatever is mounted on inode (repeatedly). */
struct inode *follow_mounts(struct inode *inode)
{
	for (;;) {
		spin_lock(&mount_lock);
		struct inode *m = inode->i_mounted;
		if (m)
			ihold(m);	/* before umount's busy test, or not at all */
		spin_unlock(&mount_lock);
		if (!m)
			return inode;
		iput(inode);
		inode = m;
	}
}

/* From a mounted root back to the directory it covers (repeatedly). */
struct inode *follow_covered(struct inode *inode)
{
	for (;;) {
		spin_lock(&mount_lock);
		struct inode *c = inode->i_covered;
		if (c)
			ihold(c);
		spin_unlock(&mount_lock);
		if (!c)
			return inode;
		iput(inode);
		inode = c;
	}
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

/* What switch_root does in Linux, done by the kernel for root=: the RAM
 * root's /dev is mounted on the new root's /dev (shown as devtmpfs, the
 * file system Linux mounts there on its own), and the proc mount moves
 * from the RAM root's /proc to the new /proc. Either is skipped if the
 * new root has no such directory. */
static void carry_over(struct inode *old_root, struct inode *new_root, const char *name)
{
	struct inode *from = lookup_one(old_root, name, strlen(name));
	struct inode *to = lookup_one(new_root, name, strlen(name));
	int err = IS_ERR(from) ? PTR_ERR(from) : IS_ERR(to) ? PTR_ERR(to) : 0;
	if (!err && !strcmp(name, "proc")) {
		from = follow_mounts(from);	/* the proc root */
		err = vfs_move_mount(from, to);
	} else if (!err) {
		err = vfs_add_mount(to, from, "devtmpfs", "devtmpfs", MNT_LOCKED);
	}
	if (!err)
		printk("vfs: /%s carried over to the new root\n", name);
	if (!IS_ERR(from))
		iput(from);
	if (!IS_ERR(to))
		iput(to);
}

/* root=/dev/NAME: mount that ext2 file system and make it the root of
 * the calling task (pid 1, before it execs init); /dev and /proc of the
 * RAM root go along (carry_over). */
int mount_root(const char *dev, int rdonly)
{
	const char *name = strncmp(dev, "/dev/", 5) ? dev : dev + 5;
	struct block_device *bdev = bdev_by_name(name);
	char devname[64];
	if (!bdev)
		return -ENODEV;
	struct inode *root = ext2_mount(bdev, rdonly ? 1 : 0);
	if (IS_ERR(root))
		return PTR_ERR(root);
	register_super(root->i_sb);
	snprintf(devname, sizeof(devname), "/dev/%s", name);
	vfs_add_mount(NULL, root, devname, "ext2", MNT_LOCKED | (rdonly ? MNT_READONLY : 0));
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
#define MS_REMOUNT 32
#define MS_BIND 4096
#define MS_MOVE 8192
/* MS_UNBINDABLE, MS_PRIVATE, MS_SLAVE, MS_SHARED: propagation changes */
#define MS_PROPAGATION ((1 << 17) | (1 << 18) | (1 << 19) | (1 << 20))
#define MNT_FORCE 1
#define MNT_DETACH 2
#define MNT_EXPIRE 4
#define UMOUNT_NOFOLLOW 8

/* mount(source, target, "ext2", flags): the ext2 file system on block
 * device source covers directory target. Only ext2 is mountable here
 * (the RAM root, /dev and /proc are set up by the kernel itself).
 * Remounts, bind and move mounts and propagation changes are not
 * supported: EINVAL, decided before the type is read (they pass none). */
long sys_mount(const char __user *usource, const char __user *utarget,
	       const char __user *utype, unsigned long flags, const void __user *data)
{
	char type[16];
	(void)data;
	if (flags & (MS_REMOUNT | MS_BIND | MS_MOVE | MS_PROPAGATION))
		return -EINVAL;
	long n = strncpy_from_user(type, utype, sizeof(type));
	if (n < 0)
		return n == -ENAMETOOLONG ? -ENODEV : n;
	if (strcmp(type, "ext2"))
		return -ENODEV;
	char *src = getname(usource);
	if (IS_ERR(src))
		return PTR_ERR(src);
	struct inode *dev = kern_path(AT_FDCWD, src, 0);
	long err = IS_ERR(dev) ? PTR_ERR(dev) : 0;
	struct block_device *bdev = NULL;
	if (!err) {
		bdev = S_ISBLK(dev->i_mode) ? bdev_get(dev->i_rdev) : NULL;
		iput(dev);
		err = bdev ? 0 : -ENOTBLK;
	}
	struct inode *mp = err ? NULL : user_path_at(AT_FDCWD, utarget, LOOKUP_DIRECTORY);
	if (!err && IS_ERR(mp)) {
		err = PTR_ERR(mp);
		mp = NULL;
	}
	struct inode *root = err ? NULL : ext2_mount(bdev, (flags & MS_RDONLY) ? 1 : 0);
	if (!err && IS_ERR(root)) {
		err = PTR_ERR(root);
		root = NULL;
	}
	if (root) {
		register_super(root->i_sb);	/* before anyone can umount it */
		err = vfs_add_mount(mp, root, src, "ext2", (flags & MS_RDONLY) ? MNT_READONLY : 0);
		if (err)
			unregister_super(root->i_sb);
		iput(root);
		if (err)	/* -EBUSY: something is mounted there; never visible */
			root->i_sb->s_op->put_super(root->i_sb);
	}
	iput(mp);
	putname(src);
	return err;
}

/* References to an idle mounted ext2 file system's inodes while umount2
 * runs: sb->s_root, the mount point's i_mounted, and umount2's own walk. */
#define UMOUNT_IDLE_REFS 3

/* namespace_sem held; m is an unlocked ext2 mount, root its root (the
 * caller's reference). Detach it unless busy, then free its super block. */
static int umount_one(struct mount *m, struct inode *root)
{
	struct super_block *sb = root->i_sb;
	struct inode *mp = m->mnt_mountpoint;
	int busy;

	unregister_super(sb);		/* sync(2) no longer takes references */
	shrink_dcache_sb(sb);		/* nor does the name cache */
	spin_lock(&mount_lock);
	busy = atomic_read(&sb->s_inode_refs) != UMOUNT_IDLE_REFS;
	if (!busy) {
		mp->i_mounted = NULL;
		root->i_covered = NULL;
	}
	spin_unlock(&mount_lock);
	if (busy) {
		register_super(sb);
		return -EBUSY;
	}
	list_del(&m->mnt_list);
	kfree(m);
	iput(mp);	/* root->i_covered's reference */
	iput(root);	/* mp->i_mounted's; the caller's is dropped below */
	return 0;
}

/* umount2(target, flags): detach the file system mounted at target and
 * free its super block (ext2: written back and marked clean). Busy
 * (-EBUSY): an open file or mapping on it, a cwd or root in it, a mount
 * on one of its directories, a walk through it in progress. MNT_FORCE
 * changes nothing here (Linux only tells network file systems to abort
 * requests); lazy MNT_DETACH and MNT_EXPIRE are not implemented (-EINVAL). */
long sys_umount2(const char __user *utarget, int flags)
{
	struct inode *root, *fsroot;
	struct mount *m;
	long err;

	if (flags & ~(MNT_FORCE | MNT_DETACH | MNT_EXPIRE | UMOUNT_NOFOLLOW))
		return -EINVAL;
	root = user_path_at(AT_FDCWD, utarget, (flags & UMOUNT_NOFOLLOW) ? LOOKUP_NOFOLLOW : 0);
	if (IS_ERR(root))
		return PTR_ERR(root);
	fsroot = get_fs_root(current->fs);
	mutex_lock(&namespace_sem);
	m = find_mount(root);
	if (!m)
		err = -EINVAL;		/* not a mount point */
	else if (root == fsroot)
		err = -EBUSY;		/* our own root */
	else if ((m->mnt_flags & MNT_LOCKED) || !m->mnt_mountpoint || !root->i_sb)
		err = -EINVAL;		/* made by the kernel (Linux: MNT_LOCKED) */
	else if (flags & (MNT_DETACH | MNT_EXPIRE))
		err = -EINVAL;		/* not implemented */
	else
		err = umount_one(m, root);
	iput(fsroot);
	if (!err) {
		struct super_block *sb = root->i_sb;
		iput(root);		/* the last reference but sb->s_root */
		sb->s_op->put_super(sb);
	} else {
		iput(root);
	}
	mutex_unlock(&namespace_sem);
	return err;
}

/* ---- /proc/mounts ---- */

/* One line per mount visible from the reader's root, in mount order, in
 * Linux's format: "DEVICE MOUNTPOINT TYPE OPTIONS 0 0". A mount whose
 * root cannot be reached from the reader's root (the RAM root once
 * root= switched away from it) is not shown, as in Linux. */
int mounts_show(struct seq_buf *s)
{
	struct inode *root = get_fs_root(current->fs);
	char *buf = kmalloc(PATH_MAX, GFP_KERNEL);
	struct mount *m;
	int outside;

	if (!buf) {
		iput(root);
		return -ENOMEM;
	}
	mutex_lock(&namespace_sem);
	list_for_each_entry(m, &mounts, mnt_list) {
		char *path = dir_path(m->mnt_root, root, buf, PATH_MAX, &outside);
		struct super_block *sb = m->mnt_root->i_sb;
		int ro = (m->mnt_flags & MNT_READONLY) || (sb && sb->s_readonly);
		if (IS_ERR(path) || outside)
			continue;
		seq_escape(s, m->mnt_devname, " \t\n\\");
		seq_puts(s, " ");
		seq_escape(s, path, " \t\n\\");
		seq_printf(s, " %s %s 0 0\n", m->mnt_type, ro ? "ro" : "rw");
	}
	mutex_unlock(&namespace_sem);
	kfree(buf);
	iput(root);
	return 0;
}
