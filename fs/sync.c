/* sync.c: the sync family (Linux's fs/sync.c). sync(2) asks every
 * flusher to start, then has each file system write its inodes' data,
 * the inodes and its metadata (sync_fs), then writes every block
 * device's cache and FLUSHes it; it reports no error. syncfs(2) does the
 * same for one file system and reports the writeback errors of any of
 * its files once per open file (s_wb_err). fsync(2)/fdatasync(2) end in
 * f_op->fsync, which reports the file's errors once per open file and
 * ends with a device FLUSH. sync_file_range(2) starts and/or waits for
 * the writeback of a byte range, with no FLUSH and no metadata.
 * Callers hold no locks. */
#include <fs.h>
#include <blkdev.h>
#include <sched.h>
#include <syscalls_fs.h>

#define SYNC_FILE_RANGE_WAIT_BEFORE 1
#define SYNC_FILE_RANGE_WRITE 2
#define SYNC_FILE_RANGE_WAIT_AFTER 4
#define SYNC_FILE_RANGE_WRITE_AND_WAIT (SYNC_FILE_RANGE_WRITE | SYNC_FILE_RANGE_WAIT_BEFORE | \
					SYNC_FILE_RANGE_WAIT_AFTER)
#define LLONG_MAX_ ((loff_t)(~0ULL >> 1))

long sys_sync(void)
{
	wakeup_flusher_threads(WB_REASON_SYNC);	/* start everything at once */
	sync_filesystems(1);	/* data, inodes, metadata into the devices' caches */
	sync_all_blockdevs();	/* then to the disks, with a FLUSH each */
	return 0;
}

/* As Linux: sync the file system fd is on, then report the writeback
 * errors of any of its files that this open file has not been told of
 * (s_wb_err against f_sb_err). RAM file systems have nothing to sync. */
long sys_syncfs(int fd)
{
	struct file *f = fget(fd);

	if (!f)
		return -EBADF;
	struct super_block *sb = file_inode(f)->i_sb;
	int err = 0, err2 = 0;
	if (sb) {
		err = sync_filesystem(sb);
		spin_lock(&f->f_lock);
		err2 = errseq_check_and_advance(&sb->s_wb_err, &f->f_sb_err);
		spin_unlock(&f->f_lock);
	}
	fput(f);
	return err ? err : err2;
}

/* Bytes [start, end] of file to stable storage (msync uses it too). A
 * file without ->fsync (ramfs, pipes) has nothing to write: 0. */
int vfs_fsync_range(struct file *file, loff_t start, loff_t end, int datasync)
{
	if (!file->f_op || !file->f_op->fsync)
		return 0;
	return file->f_op->fsync(file, start, end, datasync);
}

static long do_fsync(int fd, int datasync)
{
	struct file *f = fget(fd);

	if (!f)
		return -EBADF;
	int err = vfs_fsync_range(f, 0, LLONG_MAX_, datasync);
	fput(f);
	return err;
}

long sys_fsync(int fd)
{
	return do_fsync(fd, 0);
}

/* The data, and of the inode only what reading the data back needs
 * (its size and block map, not its times). */
long sys_fdatasync(int fd)
{
	return do_fsync(fd, 1);
}

/* Linux's checks and their order: EBADF, then EINVAL (flags, negative
 * or overflowing range), then ESPIPE (not a file, device, directory or
 * link). nbytes 0 means "to the end of the file". */
static long sync_file_range(struct file *f, loff_t offset, loff_t nbytes, unsigned int flags)
{
	struct inode *inode = file_inode(f);
	struct address_space *m = inode->i_mapping;
	loff_t endbyte = (loff_t)((u64)offset + (u64)nbytes);
	long err = 0;

	if (flags & ~SYNC_FILE_RANGE_WRITE_AND_WAIT)
		return -EINVAL;
	if (offset < 0 || endbyte < 0 || endbyte < offset)
		return -EINVAL;
	if (!S_ISREG(inode->i_mode) && !S_ISBLK(inode->i_mode) && !S_ISDIR(inode->i_mode) &&
	    !S_ISLNK(inode->i_mode))
		return -ESPIPE;
	endbyte = nbytes ? endbyte - 1 : LLONG_MAX_;
	if (flags & SYNC_FILE_RANGE_WAIT_BEFORE) {
		err = file_fdatawait_range(f, offset, endbyte);
		if (err < 0)
			return err;
	}
	if (flags & SYNC_FILE_RANGE_WRITE) {
		if ((flags & SYNC_FILE_RANGE_WRITE_AND_WAIT) == SYNC_FILE_RANGE_WRITE_AND_WAIT)
			err = filemap_fdatawrite_range(m, offset, endbyte);
		else
			err = filemap_flush_range(m, offset, endbyte);
		if (err < 0)
			return err;
	}
	if (flags & SYNC_FILE_RANGE_WAIT_AFTER)
		err = file_fdatawait_range(f, offset, endbyte);
	return err;
}

long sys_sync_file_range(int fd, loff_t offset, loff_t nbytes, unsigned int flags)
{
	struct file *f = fget(fd);
	long err;

	if (!f)
		return -EBADF;
	err = sync_file_range(f, offset, nbytes, flags);
	fput(f);
	return err;
}
