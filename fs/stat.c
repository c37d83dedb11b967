/* stat.c: fstat, newfstatat and statx: fill the user's struct from an
 * inode. Reads i_size and friends without locks (a torn snapshot is
 * harmless). Callers hold no locks. */
#include <fs.h>
#include <blkdev.h>
#include <sched.h>
#include <string.h>
#include <uaccess.h>
#include <syscalls_fs.h>

#define RAMFS_DEV 1	/* st_dev of ramfs, /proc and pipes (0:1) */

/* The device an inode's file system lives on (an ext2 mount's block
 * device, as Linux reports it: df, find -xdev and mountpoint compare it),
 * a tmpfs or ramfs mount's anonymous one (sb->s_dev, 0:N as Linux's
 * get_anon_bdev), or 0:1 for the RAM root, /proc and pipes. */
dev_t inode_dev(struct inode *inode)
{
	struct super_block *sb = inode->i_sb;
	if (sb && sb->s_bdev)
		return sb->s_bdev->bd_dev;
	return sb && sb->s_dev ? sb->s_dev : RAMFS_DEV;	/* a tmpfs mount's own */
}

static unsigned long new_encode_dev(dev_t dev)
{
	unsigned long ma = MAJOR(dev), mi = MINOR(dev);

	return (mi & 0xff) | (ma << 8) | ((mi & ~0xffUL) << 12);
}

static void fill_stat(struct inode *inode, struct stat *st)
{
	BUILD_BUG_ON(sizeof(struct stat) != 128);
	memset(st, 0, sizeof(*st));
	st->st_dev = new_encode_dev(inode_dev(inode));
	st->st_ino = inode->i_ino;
	st->st_mode = inode->i_mode;
	st->st_nlink = inode->i_nlink;
	st->st_uid = inode->i_uid;
	st->st_gid = inode->i_gid;
	st->st_rdev = new_encode_dev(inode->i_rdev);
	st->st_size = READ_ONCE(inode->i_size);
	st->st_blksize = 4096;
	st->st_blocks = inode->i_op && inode->i_op->getblocks ? inode->i_op->getblocks(inode)
							      : ALIGN_UP(st->st_size, 4096) / 512;
	st->st_atime = inode->i_atime;
	st->st_mtime = inode->i_mtime;
	st->st_ctime = inode->i_ctime;
}

/* The inode named by (dfd, upath, flags), referenced, or ERR_PTR. */
static struct inode *stat_target(int dfd, const char __user *upath, int flags)
{
	struct inode *inode;
	char *path;

	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT | 0x6000))
		return ERR_PTR(-EINVAL);
	path = getname(upath);
	if (IS_ERR(path))
		return ERR_PTR(PTR_ERR(path));
	inode = kern_path(dfd, path, ((flags & AT_EMPTY_PATH) ? LOOKUP_EMPTY : 0) |
			  ((flags & AT_SYMLINK_NOFOLLOW) ? LOOKUP_NOFOLLOW : 0));
	putname(path);
	return inode;
}

static long put_stat(struct inode *inode, struct stat __user *ust)
{
	struct stat st;

	fill_stat(inode, &st);
	return copy_to_user(ust, &st, sizeof(st)) ? -EFAULT : 0;
}

long sys_newfstatat(int dfd, const char __user *upath, struct stat __user *ust, int flags)
{
	struct inode *inode = stat_target(dfd, upath, flags);
	long err;

	if (IS_ERR(inode))
		return PTR_ERR(inode);
	err = put_stat(inode, ust);
	iput(inode);
	return err;
}

long sys_fstat(int fd, struct stat __user *ust)
{
	struct file *f = fget_raw(fd);
	long err;

	if (!f)
		return -EBADF;
	err = put_stat(file_inode(f), ust);
	fput(f);
	return err;
}

struct statx_timestamp {
	s64 tv_sec;
	u32 tv_nsec;
	s32 __reserved;
};

struct statx {
	u32 stx_mask, stx_blksize;
	u64 stx_attributes;
	u32 stx_nlink, stx_uid, stx_gid;
	u16 stx_mode, __spare0;
	u64 stx_ino, stx_size, stx_blocks, stx_attributes_mask;
	struct statx_timestamp stx_atime, stx_btime, stx_ctime, stx_mtime;
	u32 stx_rdev_major, stx_rdev_minor, stx_dev_major, stx_dev_minor;
	u64 __spare2[14];
};
#define STATX_BASIC_STATS 0x7ffU

long sys_statx(int dfd, const char __user *upath, int flags, unsigned int mask,
	       void __user *buf)
{
	struct inode *inode = stat_target(dfd, upath, flags);
	struct statx sx;
	struct stat st;

	if (IS_ERR(inode))
		return PTR_ERR(inode);
	BUILD_BUG_ON(sizeof(struct statx) != 256);
	fill_stat(inode, &st);
	memset(&sx, 0, sizeof(sx));
	sx.stx_mask = STATX_BASIC_STATS;
	sx.stx_blksize = st.st_blksize;
	sx.stx_nlink = st.st_nlink;
	sx.stx_uid = st.st_uid;
	sx.stx_gid = st.st_gid;
	sx.stx_mode = st.st_mode;
	sx.stx_ino = st.st_ino;
	sx.stx_size = st.st_size;
	sx.stx_blocks = st.st_blocks;
	sx.stx_atime.tv_sec = st.st_atime;
	sx.stx_mtime.tv_sec = st.st_mtime;
	sx.stx_ctime.tv_sec = st.st_ctime;
	sx.stx_rdev_major = MAJOR(inode->i_rdev);
	sx.stx_rdev_minor = MINOR(inode->i_rdev);
	sx.stx_dev_major = MAJOR(inode_dev(inode));
	sx.stx_dev_minor = MINOR(inode_dev(inode));
	iput(inode);
	return copy_to_user(buf, &sx, sizeof(sx)) ? -EFAULT : 0;
}
