/* fadvise.c: posix_fadvise (Linux's mm/fadvise.c). The advice tunes the
 * file's readahead state (include/fs.h: file_ra_state, FMODE_RANDOM,
 * FMODE_NOREUSE) or acts on the page cache now: WILLNEED starts reading
 * the range without waiting (force_page_cache_readahead), DONTNEED
 * starts writeback and drops the clean pages. A file without a backing
 * device (ramfs, /proc) ignores valid advice, as on Linux.
 * Locks: f_lock around f_mode updates; the cache calls take their own.
 * Callers hold none. */
#include <fs.h>
#include <blkdev.h>
#include <backing-dev.h>
#include <uapi/fadvise.h>

static void set_fmode(struct file *f, unsigned int set, unsigned int clear)
{
	spin_lock(&f->f_lock);
	f->f_mode = (f->f_mode & ~clear) | set;
	spin_unlock(&f->f_lock);
}

/* DONTNEED: start writeback of [off, endbyte] (without waiting), then
 * drop its clean, unused whole pages; a page only partly inside the
 * range stays, unless the range ends at EOF. */
static void fadvise_dontneed(struct address_space *m, loff_t off, u64 endbyte)
{
	unsigned long start = ((u64)off + PAGE_SIZE - 1) >> PAGE_SHIFT;
	unsigned long end = endbyte >> PAGE_SHIFT;

	if (!test_bit(AS_NO_WRITEBACK, &m->flags))
		filemap_fdatawrite_range(m, off, endbyte);
	if ((endbyte & ~PAGE_MASK) != ~PAGE_MASK && endbyte != (u64)m->host->i_size - 1) {
		if (end == 0)
			return;
		end--;
	}
	if (end >= start)
		invalidate_mapping_pages(m, start, end);
}

int vfs_fadvise(struct file *f, loff_t off, loff_t len, int advice)
{
	struct inode *inode = file_inode(f);
	struct address_space *m = inode->i_mapping;
	struct backing_dev_info *bdi;
	u64 endbyte;

	if (S_ISFIFO(inode->i_mode))
		return -ESPIPE;
	if (!m || len < 0 || advice < POSIX_FADV_NORMAL || advice > POSIX_FADV_NOREUSE)
		return -EINVAL;
	bdi = inode_to_bdi(m->host);
	if (!bdi)
		return 0;
	/* len 0 means "to the end"; careful with overflow */
	endbyte = (u64)off + (u64)len;
	if (!len || endbyte < (u64)len || endbyte > 0x7fffffffffffffffULL)
		endbyte = 0x7fffffffffffffffULL;
	else
		endbyte--;	/* inclusive */

	switch (advice) {
	case POSIX_FADV_NORMAL:
		f->f_ra.ra_pages = READ_ONCE(bdi->ra_pages);
		set_fmode(f, 0, FMODE_RANDOM | FMODE_NOREUSE);
		break;
	case POSIX_FADV_RANDOM:
		set_fmode(f, FMODE_RANDOM, 0);
		break;
	case POSIX_FADV_SEQUENTIAL:
		f->f_ra.ra_pages = READ_ONCE(bdi->ra_pages) * 2;
		set_fmode(f, 0, FMODE_RANDOM);
		break;
	case POSIX_FADV_WILLNEED: {
		unsigned long first = (u64)off >> PAGE_SHIFT, last = endbyte >> PAGE_SHIFT;
		unsigned long nr = last - first + 1;
		if (off >= 0)
			force_page_cache_readahead(m, f, first, nr);
		break;
	}
	case POSIX_FADV_NOREUSE:
		set_fmode(f, FMODE_NOREUSE, 0);
		break;
	case POSIX_FADV_DONTNEED:
		if (off >= 0)
			fadvise_dontneed(m, off, endbyte);
		break;
	}
	return 0;
}

long sys_fadvise64(int fd, loff_t off, loff_t len, int advice)
{
	struct file *f = fget(fd);
	if (!f)
		return -EBADF;
	long err = vfs_fadvise(f, off, len, advice);
	fput(f);
	return err;
}
