/* inode.c: allocation and reference counting of in-memory inodes.
 * i_count is atomic; an inode is freed by the iput that drops it to zero
 * while i_nlink == 0 (i_nlink only drops while the dropper holds a
 * reference, so that test is race-free), or with I_DONTCACHE set. Every reference is also counted
 * in the super block's s_inode_refs, raised before i_count and lowered
 * after it (and after any eviction), so that sum never under-counts: an
 * unmount that sees only its own references knows nobody else holds one
 * (fs/namespace.c). Eviction takes the inode off its disk's writeback
 * lists (fs/fs-writeback.c) and waits for a writeback in progress.
 * No locks held by callers. */
#include <fs.h>
#include <blkdev.h>
#include <slab.h>
#include <string.h>
#include <printk.h>
#include <timer.h>

struct inode *root_inode;
static atomic_t last_ino = ATOMIC_INIT(1);

struct inode *new_inode(umode_t mode)
{
	struct inode *inode = kzalloc(sizeof(*inode), GFP_KERNEL);

	if (!inode)
		return NULL;
	inode->i_ino = atomic_inc_return(&last_ino);
	inode->i_mode = mode;
	inode->i_atime = inode->i_mtime = inode->i_ctime = ktime_get_real_seconds();
	atomic_set(&inode->i_count, 1);
	init_rwsem(&inode->i_rwsem);
	spin_lock_init(&inode->i_lock);
	INIT_LIST_HEAD(&inode->i_io_list);
	address_space_init(&inode->i_data, inode, NULL);
	inode->i_mapping = &inode->i_data;
	return inode;
}

struct inode *ihold(struct inode *inode)
{
	sb_refs_inc(inode->i_sb);
	atomic_inc(&inode->i_count);
	return inode;
}

/* I_FREEING is set: off the writeback lists, and let a writeback in
 * progress (I_SYNC) finish before the file system frees it. */
static void evict(struct inode *inode)
{
	inode_io_list_del(inode);
	inode_wait_for_writeback(inode);
	if (inode->i_op && inode->i_op->evict)
		inode->i_op->evict(inode);
	kfree(inode);
}

/* Decrements i_count unless it is 1; nonzero if it did. */
static int dec_unless_last(atomic_t *v)
{
	int c = atomic_read(v);
	while (c > 1) {
		int old = atomic_cmpxchg(v, c, c - 1);
		if (old == c)
			return 1;
		c = old;
	}
	return 0;
}

/* The last reference is dropped under i_lock: a file system that frees
 * unused inodes (ext2_prune_inodes) looks for i_count == 0 under that
 * lock, so once it is released here an unused inode may already be gone,
 * and nothing below touches it unless it is ours to evict. */
void iput(struct inode *inode)
{
	struct super_block *sb;
	int unlinked;

	if (!inode)
		return;
	sb = inode->i_sb;	/* alive until our count is gone from it */
	if (!dec_unless_last(&inode->i_count)) {
		spin_lock(&inode->i_lock);
		unlinked = atomic_dec_and_test(&inode->i_count) &&
			   (inode->i_nlink == 0 || (inode->i_state & I_DONTCACHE));
		if (unlinked)
			inode->i_state |= I_FREEING;	/* the flusher will not start on it */
		spin_unlock(&inode->i_lock);
		if (unlinked)
			evict(inode);
	}
	sb_refs_dec(sb);
}

void init_special_inode(struct inode *inode, umode_t mode, dev_t rdev)
{
	inode->i_mode = mode;
	if (S_ISCHR(mode)) {
		inode->i_fop = &def_chr_fops;
		inode->i_rdev = rdev;
	} else if (S_ISBLK(mode)) {
		inode->i_fop = &def_blk_fops;
		inode->i_rdev = rdev;
	} else {
		inode->i_fop = NULL;	/* FIFOs, sockets: ENXIO */
		inode->i_rdev = rdev;
	}
}
