/* inode.c: ext2 inodes in memory: the inode cache (a hash by inode
 * number, so every lookup of an inode shares one struct inode), reading
 * and writing raw inodes in the inode table (through the block device's
 * page cache), the block map (ext2_get_block over direct, indirect,
 * double and triple indirect blocks), truncation and eviction.
 * The cache is bounded: past EXT2_INODE_CACHE_MAX inodes, ext2_iget
 * frees some unused ones (ext2_prune_inodes).
 * Locks: ei->truncate_mutex serialises the block map of one inode
 * (get_block allocation vs. truncate); sbi->s_inode_lock (spinlock)
 * protects the hash, then inode->i_lock (iput drops the last reference
 * under it) when pruning. Callers of ext2_setsize hold i_rwsem (write);
 * it takes the mapping's invalidate_lock (exclusive) around the new size
 * and the truncation, then truncate_mutex; ext2_evict_inode runs on the
 * last iput of an unlinked inode.
 * A change to an inode only marks it dirty (mark_inode_dirty: on its
 * disk's writeback list); ext2_write_inode copies it into the inode
 * table when writeback, fsync or sync get to it, after its data. */
#include "ext2.h"
#include <slab.h>
#include <string.h>
#include <printk.h>

static struct list_head *inode_hash(struct ext2_sb_info *sbi, unsigned long ino)
{
	return &sbi->s_inode_hash[ino % 64];
}

static void ext2_prune_inodes(struct ext2_sb_info *sbi);

/* A new in-core inode (for ext2_iget and ext2_new_inode), i_count 1,
 * not hashed yet; the cache is trimmed first if it is over its bound. */
struct inode *ext2_alloc_vfs_inode(struct super_block *sb, unsigned long ino)
{
	struct ext2_inode_info *ei;
	struct inode *inode;

	ext2_prune_inodes(EXT2_SB(sb));
	ei = kzalloc(sizeof(*ei), GFP_KERNEL);
	if (!ei)
		return NULL;
	inode = &ei->vfs_inode;
	inode->i_ino = ino;
	atomic_set(&inode->i_count, 1);
	init_rwsem(&inode->i_rwsem);
	spin_lock_init(&inode->i_lock);
	INIT_LIST_HEAD(&inode->i_io_list);
	address_space_init(&inode->i_data, inode, &ext2_aops);
	inode->i_mapping = &inode->i_data;
	mutex_init(&ei->truncate_mutex);
	INIT_LIST_HEAD(&ei->i_hash);
	inode->i_sb = sb;
	sb_refs_inc(sb);	/* the i_count of 1 above (umount's busy test) */
	return inode;
}

void ext2_hash_inode(struct inode *inode)
{
	struct ext2_sb_info *sbi = EXT2_SB(ext2_inode_sb(inode));

	spin_lock(&sbi->s_inode_lock);
	list_add(&EXT2_I(inode)->i_hash, inode_hash(sbi, inode->i_ino));
	sbi->s_nr_inodes++;
	spin_unlock(&sbi->s_inode_lock);
}

/* Takes inode out of the hash. s_inode_lock held. */
static void ext2_unhash_inode(struct ext2_sb_info *sbi, struct inode *inode)
{
	list_del_init(&EXT2_I(inode)->i_hash);
	sbi->s_nr_inodes--;
}

/* An inode nobody uses may be freed: no reference (the dcache, open
 * files, cwds all hold one), still linked (an unlinked one is being
 * evicted by its last iput), clean (inode and pages: not on a writeback
 * list), not being written (I_SYNC) and no page under writeback.
 * Nothing can change that while we hold s_inode_lock (no new reference:
 * lookups take it first) and i_lock (iput drops the last one under it,
 * writeback sets I_SYNC under it); writers hold references. */
static int ext2_inode_unused(struct inode *inode)
{
	struct xarray *xa = &inode->i_mapping->i_pages;

	return !atomic_read(&inode->i_count) && inode->i_nlink &&
	       !(inode->i_state & (I_DIRTY | I_SYNC | I_FREEING)) &&
	       !xa_marked(xa, PAGECACHE_TAG_DIRTY) && !xa_marked(xa, PAGECACHE_TAG_WRITEBACK);
}

/* The inode cache's bound: past EXT2_INODE_CACHE_MAX hashed inodes,
 * every EXT2_PRUNE_EVERY-th miss visits up to EXT2_PRUNE_SCAN inodes
 * (from a rotating bucket, so the cost per miss stays small even when
 * the dentry cache pins thousands) and frees the unused ones. They are
 * clean, so their raw inodes are already in the block device's cache
 * (writeback called ext2_write_inode) and so is their data: dropping
 * them loses nothing; the dentry cache's LRU has already decided which names (and
 * so inodes) are hot. Called from ext2_alloc_vfs_inode, no locks held. */
#define EXT2_INODE_CACHE_MAX 4096
#define EXT2_PRUNE_EVERY 16
#define EXT2_PRUNE_SCAN 1024
static void ext2_prune_inodes(struct ext2_sb_info *sbi)
{
	struct ext2_inode_info *ei, *next;
	LIST_HEAD(victims);
	int seen = 0;

	if (READ_ONCE(sbi->s_nr_inodes) <= EXT2_INODE_CACHE_MAX ||
	    ++sbi->s_prune_tick % EXT2_PRUNE_EVERY)	/* racy on purpose: a hint */
		return;
	spin_lock(&sbi->s_inode_lock);
	for (int b = 0; b < 64 && seen < EXT2_PRUNE_SCAN; b++) {
		struct list_head *h = &sbi->s_inode_hash[sbi->s_prune_rotor];

		sbi->s_prune_rotor = (sbi->s_prune_rotor + 1) % 64;
		list_for_each_entry_safe(ei, next, h, i_hash) {
			struct inode *inode = &ei->vfs_inode;

			seen++;
			spin_lock(&inode->i_lock);
			if (ext2_inode_unused(inode)) {
				ext2_unhash_inode(sbi, inode);
				list_add(&ei->i_hash, &victims);	/* i_hash is free now */
			}
			spin_unlock(&inode->i_lock);
		}
	}
	spin_unlock(&sbi->s_inode_lock);
	list_for_each_entry_safe(ei, next, &victims, i_hash) {	/* unreachable now */
		inode_io_list_del(&ei->vfs_inode);	/* clean: on no list, but be sure */
		truncate_inode_pages(ei->vfs_inode.i_mapping, 0);
		kfree(ei);
	}
}

static struct inode *__ext2_find_inode(struct ext2_sb_info *sbi, unsigned long ino)
{
	struct ext2_inode_info *ei;

	list_for_each_entry(ei, inode_hash(sbi, ino), i_hash)
		if (ei->vfs_inode.i_ino == ino)
			return ihold(&ei->vfs_inode);
	return NULL;
}

static struct inode *ext2_find_inode(struct ext2_sb_info *sbi, unsigned long ino)
{
	struct inode *found;

	spin_lock(&sbi->s_inode_lock);
	found = __ext2_find_inode(sbi, ino);
	spin_unlock(&sbi->s_inode_lock);
	return found;
}

/* Hash inode unless another task hashed the same number meanwhile (its
 * inode is returned, referenced). */
static struct inode *ext2_hash_unique(struct inode *inode)
{
	struct ext2_sb_info *sbi = EXT2_SB(ext2_inode_sb(inode));
	struct inode *other;

	spin_lock(&sbi->s_inode_lock);
	other = __ext2_find_inode(sbi, inode->i_ino);
	if (!other) {
		list_add(&EXT2_I(inode)->i_hash, inode_hash(sbi, inode->i_ino));
		sbi->s_nr_inodes++;
	}
	spin_unlock(&sbi->s_inode_lock);
	return other;
}

/* The raw inode of ino inside its inode-table block (referenced folio). */
static struct ext2_inode *ext2_get_raw_inode(struct super_block *sb, unsigned long ino,
					     struct folio **foliop)
{
	struct ext2_sb_info *sbi = EXT2_SB(sb);
	unsigned long g, off;
	struct ext2_group_desc *gd;
	char *p;

	if ((ino != EXT2_ROOT_INO && ino < sbi->s_first_ino) || ino > sbi->s_inodes_count)
		return ERR_PTR(-EINVAL);
	g = (ino - 1) / sbi->s_inodes_per_group;
	off = ((ino - 1) % sbi->s_inodes_per_group) * sbi->s_inode_size;
	gd = ext2_get_group_desc(sb, g, NULL);
	p = ext2_meta_read(sbi, le32_to_cpu(gd->bg_inode_table) + (off >> sbi->s_blocksize_bits),
			   foliop);
	if (IS_ERR(p))
		return (void *)p;
	return (struct ext2_inode *)(p + (off & (sbi->s_blocksize - 1)));
}

static dev_t ext2_decode_dev(struct ext2_inode *raw)
{
	u32 d = le32_to_cpu(raw->i_block[0]);

	if (d)
		return MKDEV((d >> 8) & 0xff, d & 0xff);
	d = le32_to_cpu(raw->i_block[1]);
	return MKDEV((d & 0xfff00) >> 8, (d & 0xff) | ((d >> 12) & 0xfff00));
}

static void ext2_encode_dev(struct ext2_inode *raw, dev_t dev)
{
	unsigned int ma = MAJOR(dev), mi = MINOR(dev);

	if (ma < 256 && mi < 256) {
		raw->i_block[0] = cpu_to_le32((ma << 8) | mi);
		raw->i_block[1] = 0;
	} else {
		raw->i_block[0] = 0;
		raw->i_block[1] = cpu_to_le32((mi & 0xff) | (ma << 8) | ((mi & ~0xffu) << 12));
		raw->i_block[2] = 0;
	}
}

static void ext2_fill_inode(struct inode *inode, struct ext2_inode *raw)
{
	struct ext2_inode_info *ei = EXT2_I(inode);
	struct ext2_sb_info *sbi = EXT2_SB(inode->i_sb);

	inode->i_mode = le16_to_cpu(raw->i_mode);
	inode->i_uid = le16_to_cpu(raw->i_uid) | (le16_to_cpu(raw->l_i_uid_high) << 16);
	inode->i_gid = le16_to_cpu(raw->i_gid) | (le16_to_cpu(raw->l_i_gid_high) << 16);
	inode->i_nlink = le16_to_cpu(raw->i_links_count);
	inode->i_size = le32_to_cpu(raw->i_size);
	if (S_ISREG(inode->i_mode))
		inode->i_size |= (loff_t)le32_to_cpu(raw->i_size_high) << 32;
	inode->i_atime = le32_to_cpu(raw->i_atime);
	inode->i_mtime = le32_to_cpu(raw->i_mtime);
	inode->i_ctime = le32_to_cpu(raw->i_ctime);
	ei->i_dtime = le32_to_cpu(raw->i_dtime);
	ei->i_blocks = le32_to_cpu(raw->i_blocks);
	ei->i_flags = le32_to_cpu(raw->i_flags);
	ei->i_file_acl = le32_to_cpu(raw->i_file_acl);
	ei->i_generation = le32_to_cpu(raw->i_generation);
	ei->i_block_group = (inode->i_ino - 1) / sbi->s_inodes_per_group;
	memcpy(ei->i_data, raw->i_block, sizeof(ei->i_data));
	if (S_ISCHR(inode->i_mode) || S_ISBLK(inode->i_mode))
		inode->i_rdev = ext2_decode_dev(raw);
}

void ext2_set_inode_ops(struct inode *inode)
{
	umode_t m = inode->i_mode;

	if (S_ISREG(m)) {
		inode->i_op = &ext2_file_inode_operations;
		inode->i_fop = &ext2_file_operations;
	} else if (S_ISDIR(m)) {
		inode->i_op = &ext2_dir_inode_operations;
		inode->i_fop = &ext2_dir_operations;
	} else if (S_ISLNK(m)) {
		inode->i_op = &ext2_symlink_inode_operations;
		inode->i_fop = NULL;
	} else {
		init_special_inode(inode, m, inode->i_rdev);
		inode->i_op = &ext2_special_inode_operations;
	}
}

/* The largest size the block map addresses (12 direct blocks, then one,
 * two and three levels of addr_per_block = blocksize / 4 pointers). */
static u64 ext2_max_size(struct super_block *sb)
{
	u64 a = EXT2_SB(sb)->s_addr_per_block;

	return (EXT2_NDIR_BLOCKS + a + a * a + a * a * a) << EXT2_SB(sb)->s_blocksize_bits;
}

/* Can the kernel use this inode as read? Its type must be one there is,
 * its size within what its block map can address (a directory no larger
 * than its blocks, nor than the file system: lookups and readdir walk it
 * page by page), a symlink's target within its inode or its one block. */
static int ext2_inode_sane(struct inode *inode)
{
	struct ext2_sb_info *sbi = EXT2_SB(inode->i_sb);
	u64 size = inode->i_size;

	switch (inode->i_mode & S_IFMT) {
	case S_IFREG:
		return size <= ext2_max_size(inode->i_sb);
	case S_IFDIR:
		return size <= (u64)EXT2_I(inode)->i_blocks << 9 &&
		       size <= (u64)sbi->s_blocks_count << sbi->s_blocksize_bits;
	case S_IFLNK:
		return size < (ext2_fast_symlink(inode) ? sizeof(EXT2_I(inode)->i_data)
							: sbi->s_blocksize);
	case S_IFCHR: case S_IFBLK: case S_IFIFO: case S_IFSOCK:
		return 1;
	}
	return 0;
}

/* The inode numbered ino, shared with other users; ERR_PTR on failure. */
struct inode *ext2_iget(struct super_block *sb, unsigned long ino)
{
	struct ext2_sb_info *sbi = EXT2_SB(sb);
	struct inode *inode = ext2_find_inode(sbi, ino), *other;
	struct ext2_inode *raw;
	struct folio *f;

	if (inode)
		return inode;
	raw = ext2_get_raw_inode(sb, ino, &f);
	if (IS_ERR(raw))
		return (void *)raw;
	if (!raw->i_links_count) {	/* deleted */
		folio_put(f);
		return ERR_PTR(-ENOENT);
	}
	inode = ext2_alloc_vfs_inode(sb, ino);
	if (!inode) {
		folio_put(f);
		return ERR_PTR(-ENOMEM);
	}
	ext2_fill_inode(inode, raw);
	folio_put(f);
	if (!ext2_inode_sane(inode)) {
		ext2_error(sb, __func__, "corrupt inode (type, size)", ino);
		sb_refs_dec(sb);	/* never published */
		kfree(EXT2_I(inode));
		return ERR_PTR(-EUCLEAN);
	}
	ext2_set_inode_ops(inode);
	other = ext2_hash_unique(inode);	/* lost a race (slept in I/O)? */
	if (other) {
		sb_refs_dec(sb);	/* never published: its one reference goes */
		kfree(EXT2_I(inode));
		return other;
	}
	return inode;
}

static void ext2_fill_raw(struct inode *inode, struct ext2_inode *raw)
{
	struct ext2_inode_info *ei = EXT2_I(inode);

	raw->i_mode = cpu_to_le16(inode->i_mode);
	raw->i_uid = cpu_to_le16(inode->i_uid & 0xffff);
	raw->l_i_uid_high = cpu_to_le16(inode->i_uid >> 16);
	raw->i_gid = cpu_to_le16(inode->i_gid & 0xffff);
	raw->l_i_gid_high = cpu_to_le16(inode->i_gid >> 16);
	raw->i_links_count = cpu_to_le16(inode->i_nlink);
	raw->i_size = cpu_to_le32((u32)inode->i_size);
	if (S_ISREG(inode->i_mode))
		raw->i_size_high = cpu_to_le32((u64)inode->i_size >> 32);
	raw->i_atime = cpu_to_le32(inode->i_atime);
	raw->i_mtime = cpu_to_le32(inode->i_mtime);
	raw->i_ctime = cpu_to_le32(inode->i_ctime);
	raw->i_dtime = cpu_to_le32(ei->i_dtime);
	raw->i_blocks = cpu_to_le32(ei->i_blocks);
	raw->i_flags = cpu_to_le32(ei->i_flags);
	raw->i_file_acl = cpu_to_le32(ei->i_file_acl);
	raw->i_generation = cpu_to_le32(ei->i_generation);
	if (S_ISCHR(inode->i_mode) || S_ISBLK(inode->i_mode))
		ext2_encode_dev(raw, inode->i_rdev);
	else
		memcpy(raw->i_block, ei->i_data, sizeof(ei->i_data));
}

/* ->write_inode: copy the in-core inode into its inode-table block in
 * the bdev page cache and mark that block dirty. mark_inode_dirty only
 * puts the inode on its disk's dirty list; writeback calls this after
 * the inode's data is written, fsync and sync call it directly (wbc may
 * be NULL: eviction). */
int ext2_write_inode(struct inode *inode, struct writeback_control *wbc)
{
	struct super_block *sb = ext2_inode_sb(inode);
	struct ext2_inode_info *ei = EXT2_I(inode);
	struct ext2_inode *raw;
	struct folio *f;

	if (sb->s_readonly)
		return -EROFS;
	raw = ext2_get_raw_inode(sb, inode->i_ino, &f);
	if (IS_ERR(raw))
		return PTR_ERR(raw);
	folio_lock(f);
	if (ei->i_new) {
		memset(raw, 0, EXT2_SB(sb)->s_inode_size);
		ei->i_new = 0;
	}
	ext2_fill_raw(inode, raw);
	ext2_meta_dirty(EXT2_SB(sb), f, raw);
	folio_unlock(f);
	folio_put(f);
	return 0;
}

/* Logical block -> path of offsets through the tree; depth or -EFBIG. */
static int ext2_block_to_path(struct inode *inode, u64 i, int offsets[4])
{
	const u64 a = EXT2_SB(inode->i_sb)->s_addr_per_block;

	if (i < EXT2_NDIR_BLOCKS) {
		offsets[0] = i;
		return 1;
	}
	i -= EXT2_NDIR_BLOCKS;
	if (i < a) {
		offsets[0] = EXT2_IND_BLOCK;
		offsets[1] = i;
		return 2;
	}
	i -= a;
	if (i < a * a) {
		offsets[0] = EXT2_DIND_BLOCK;
		offsets[1] = i / a;
		offsets[2] = i % a;
		return 3;
	}
	i -= a * a;
	if (i < a * a * a) {
		offsets[0] = EXT2_TIND_BLOCK;
		offsets[1] = i / (a * a);
		offsets[2] = (i / a) % a;
		offsets[3] = i % a;
		return 4;
	}
	return -EFBIG;
}

/* Allocate one block for inode near its last one (the goal keeps a file
 * contiguous); 0 and *err on failure. Its contents are garbage. */
static u32 ext2_alloc_block(struct inode *inode, int *err)
{
	struct ext2_inode_info *ei = EXT2_I(inode);

	return ext2_new_block(inode, ei->i_last_alloc ? ei->i_last_alloc + 1 : 0, err);
}

/* A block number read from an inode or an indirect block: a hole, or a
 * data block of the file system (else -EIO and an ext2_error). */
static int ext2_check_ptr(struct inode *inode, u32 blk)
{
	struct ext2_sb_info *sbi = EXT2_SB(ext2_inode_sb(inode));

	if (!blk || ext2_data_block_valid(sbi, blk, 1))
		return 0;
	ext2_error(ext2_inode_sb(inode), "ext2_get_block", "bad block number in inode", inode->i_ino);
	return -EIO;
}

/* Follow the path from the inode as far as it is mapped: chain[i] is
 * the block at level i (level 0 is the inode's i_data slot). Returns how
 * many levels exist (depth: the data block is mapped), or -errno; -EIO
 * for a block number that is not a data block of the file system (a
 * damaged map must not make metadata read or written as file data). */
static int ext2_get_branch(struct inode *inode, const int *off, int depth, u32 *chain)
{
	struct ext2_sb_info *sbi = EXT2_SB(ext2_inode_sb(inode));
	int i, err;

	chain[0] = le32_to_cpu(EXT2_I(inode)->i_data[off[0]]);
	if ((err = ext2_check_ptr(inode, chain[0])))
		return err;
	for (i = 1; i < depth && chain[i - 1]; i++) {
		struct folio *f;
		__le32 *p = ext2_meta_read(sbi, chain[i - 1], &f);

		if (IS_ERR(p))
			return PTR_ERR(p);
		chain[i] = le32_to_cpu(p[off[i]]);
		folio_put(f);
		if ((err = ext2_check_ptr(inode, chain[i])))
			return err;
	}
	return chain[i - 1] ? i : i - 1;
}

/* LAB(ext2) BEGIN: helpers for ext2_alloc_branch, if you want them
 */
/* A new indirect block: zeroed in the bdev cache and dirty. A block as
 * large as a page needs no read; a smaller one shares its page with
 * other blocks, which must be read first. */
static int ext2_init_meta_block(struct super_block *sb, u32 blk)
{
	struct ext2_sb_info *sbi = EXT2_SB(sb);
	struct folio *f;
	void *p;

	if (sbi->s_blocksize == PAGE_SIZE) {
		f = __filemap_get_folio(sbi->s_bmap, blk, FGP_LOCK | FGP_CREAT, GFP_KERNEL);
		if (IS_ERR_OR_NULL(f))
			return f ? PTR_ERR(f) : -ENOMEM;
		p = folio_address(f);
		memset(p, 0, PAGE_SIZE);
		folio_mark_uptodate(f);
	} else {
		p = ext2_meta_read(sbi, blk, &f);
		if (IS_ERR(p))
			return PTR_ERR(p);
		folio_lock(f);
		memset(p, 0, sbi->s_blocksize);
	}
	ext2_meta_dirty(sbi, f, p);
	folio_unlock(f);
	folio_put(f);
	return 0;
}

/* Point slot off of indirect block parent at blk. */
static int ext2_link_block(struct super_block *sb, u32 parent, int off, u32 blk)
{
	struct folio *f;
	__le32 *p = ext2_meta_read(EXT2_SB(sb), parent, &f);

	if (IS_ERR(p))
		return PTR_ERR(p);
	folio_lock(f);
	p[off] = cpu_to_le32(blk);
	ext2_meta_dirty(EXT2_SB(sb), f, p);
	folio_unlock(f);
	folio_put(f);
	return 0;
}
/* LAB(ext2) END */

/* Make the levels of the path from `found` down exist (ext2_get_branch
 * found the ones above): allocate each missing block, indirect ones
 * zeroed, and link it into its parent, the inode's i_data for level 0.
 * On success chain[depth - 1] is the new data block and 1 is returned;
 * else -errno, with what was linked so far left linked (a later
 * truncate frees it). ei->truncate_mutex held. */
static int ext2_alloc_branch(struct inode *inode, const int *off, int depth, u32 *chain,
			     int found)
{
	struct ext2_inode_info *ei = EXT2_I(inode);
	int err = 0;

	if (depth == 1) {		/* a direct block: the inode points at it */
		if (!(chain[0] = ext2_alloc_block(inode, &err)))
			return err;
		ei->i_data[off[0]] = cpu_to_le32(chain[0]);
		return 1;
	}
	/* LAB(ext2) BEGIN: allocate a branch of indirect blocks
	 * The block is reached through depth levels (depth 2: i_data[12],
	 * the indirect block, points at it; 3: i_data[13], the double
	 * indirect block, then an indirect one; 4: i_data[14], three
	 * levels), off[i] is the slot at level i, and ext2_get_branch found
	 * chain[0..found-1] already there. For each level i from found to
	 * depth - 1: allocate a block (ext2_alloc_block: it also counts
	 * i_blocks and moves the goal); unless it is the data block
	 * (i == depth - 1), it is an indirect block and must read as zeros:
	 * zero it in the block device's cache and mark it dirty
	 * (ext2_init_meta_block), so writeback writes it (nothing reads it
	 * from the disk, where it holds garbage). Then link it into its
	 * parent: for i == 0 the inode's i_data[off[0]]; else slot off[i] of
	 * the block chain[i - 1], read with ext2_meta_read, changed under
	 * the folio lock and marked dirty with ext2_meta_dirty. Return 1 with chain[depth - 1] set, or -errno (-ENOSPC).
	 * Provided until then: only direct blocks (the first 48 KiB of a
	 * file) can be allocated; a write beyond fails with EFBIG.
	 * STUB: return -EFBIG;
	 */
	struct super_block *sb = ext2_inode_sb(inode);

	for (int i = found; i < depth; i++) {
		if (!(chain[i] = ext2_alloc_block(inode, &err)))
			return err;
		if (i < depth - 1 && (err = ext2_init_meta_block(sb, chain[i]))) {
			ext2_free_blocks(inode, chain[i], 1);
			return err;
		}
		if (i == 0)
			ei->i_data[off[0]] = cpu_to_le32(chain[0]);
		else if ((err = ext2_link_block(sb, chain[i - 1], off[i], chain[i]))) {
			ext2_free_blocks(inode, chain[i], 1);
			return err;
		}
	}
	return 1;
	/* LAB(ext2) END */
}

/* Map logical block iblock of inode to *pblk (0: a hole). With create,
 * allocate missing blocks (goal: the block after the last allocated).
 * Returns 1 if the data block is new (its contents are garbage), else 0,
 * or -errno. The inode is marked dirty if its map changed. */
int ext2_get_block(struct inode *inode, u64 iblock, u32 *pblk, int create)
{
	struct ext2_inode_info *ei = EXT2_I(inode);
	int off[4], depth = ext2_block_to_path(inode, iblock, off), found, ret = 0;
	u32 chain[4], blocks;

	*pblk = 0;
	if (depth < 0)
		return depth;
	mutex_lock(&ei->truncate_mutex);
	blocks = ei->i_blocks;
	found = ext2_get_branch(inode, off, depth, chain);
	if (found < 0)
		ret = found;
	else if (found == depth)
		*pblk = chain[depth - 1];
	else if (create && (ret = ext2_alloc_branch(inode, off, depth, chain, found)) > 0)
		*pblk = chain[depth - 1];
	mutex_unlock(&ei->truncate_mutex);
	if (blocks != ei->i_blocks)
		mark_inode_dirty(inode);
	return ret;
}

/* A freed metadata block's dirty copy in the bdev cache must never
 * overwrite the block's next user: drop its page, or, when the page
 * holds other blocks too, forget only this block's dirty sectors. */
void ext2_forget_block(struct super_block *sb, u32 block)
{
	struct ext2_sb_info *sbi = EXT2_SB(sb);
	loff_t pos = (loff_t)block << sbi->s_blocksize_bits;
	struct folio *f;

	if (sbi->s_blocksize == PAGE_SIZE) {
		truncate_inode_pages_range(sbi->s_bmap, pos, pos + PAGE_SIZE - 1);
		return;
	}
	f = __filemap_get_folio(sbi->s_bmap, pos >> PAGE_SHIFT, FGP_LOCK, 0);
	if (IS_ERR_OR_NULL(f))
		return;
	folio_wait_writeback(f);
	bdev_folio_clean_range(f, pos & (PAGE_SIZE - 1), sbi->s_blocksize);
	folio_unlock(f);
	folio_put(f);
}

/* Batches runs of contiguous blocks for ext2_free_blocks. */
struct ext2_freer {
	struct inode *inode;
	u32 start;
	unsigned long count;
};

static void freer_flush(struct ext2_freer *fr)
{
	if (fr->count)
		ext2_free_blocks(fr->inode, fr->start, fr->count);
	fr->count = 0;
}

static void freer_add(struct ext2_freer *fr, u32 blk)
{
	if (fr->count && fr->start + fr->count == blk) {
		fr->count++;
		return;
	}
	freer_flush(fr);
	fr->start = blk;
	fr->count = 1;
}

/* Free blk and, for depth > 0, everything it points to. A number that
 * is not a data block is left alone (ext2_free_blocks would refuse it
 * anyway): it must not be read as an indirect block nor dropped from
 * the cache, where it may be the super block or a pinned descriptor. */
static void free_subtree(struct ext2_freer *fr, u32 blk, int depth)
{
	struct super_block *sb = ext2_inode_sb(fr->inode);

	if (ext2_check_ptr(fr->inode, blk))
		return;
	if (depth > 0) {
		struct folio *f;
		__le32 *p = ext2_meta_read(EXT2_SB(sb), blk, &f);
		unsigned int i;

		if (!IS_ERR(p)) {
			for (i = 0; i < EXT2_SB(sb)->s_addr_per_block; i++)
				if (p[i])
					free_subtree(fr, le32_to_cpu(p[i]), depth - 1);
			folio_put(f);
		}
		ext2_forget_block(sb, blk);
	}
	freer_add(fr, blk);
}

static u64 span_of(struct inode *inode, int depth)
{
	u64 s = 1;

	while (depth-- > 0)
		s *= EXT2_SB(inode->i_sb)->s_addr_per_block;
	return s;
}

/* In indirect block blk (depth >= 1) covering logical blocks from base,
 * free everything at or past logical block cut (cut > base). */
static void trunc_partial(struct ext2_freer *fr, u32 blk, int depth, u64 base, u64 cut)
{
	struct ext2_sb_info *sbi = EXT2_SB(ext2_inode_sb(fr->inode));
	struct folio *f;
	u64 span = span_of(fr->inode, depth - 1);
	__le32 *p;
	unsigned int i;

	if (ext2_check_ptr(fr->inode, blk))
		return;
	p = ext2_meta_read(sbi, blk, &f);
	if (IS_ERR(p))
		return;
	for (i = 0; i < sbi->s_addr_per_block; i++) {
		u64 cb = base + i * span;

		if (!p[i] || cb + span <= cut)
			continue;
		if (cb >= cut) {
			free_subtree(fr, le32_to_cpu(p[i]), depth - 1);
			folio_lock(f);
			p[i] = 0;
			ext2_meta_dirty(sbi, f, p);
			folio_unlock(f);
		} else {
			trunc_partial(fr, le32_to_cpu(p[i]), depth - 1, cb, cut);
		}
	}
	folio_put(f);
}

/* Free all blocks of inode past byte size (page cache already dropped). */
void ext2_truncate_blocks(struct inode *inode, loff_t size)
{
	struct ext2_inode_info *ei = EXT2_I(inode);
	struct ext2_freer fr = { .inode = inode };
	u64 cut = ((u64)size + ext2_blocksize(inode) - 1) >> ext2_blocksize_bits(inode);
	u64 base;
	int s;

	if (ext2_fast_symlink(inode))
		return;
	mutex_lock(&ei->truncate_mutex);
	for (s = 0, base = 0; s < EXT2_N_BLOCKS; s++) {
		int depth = s < EXT2_NDIR_BLOCKS ? 0 : s - EXT2_NDIR_BLOCKS + 1;
		u64 span = span_of(inode, depth);
		u32 blk = le32_to_cpu(ei->i_data[s]);

		if (blk && base >= cut) {
			free_subtree(&fr, blk, depth);
			ei->i_data[s] = 0;
		} else if (blk && depth && base + span > cut) {
			trunc_partial(&fr, blk, depth, base, cut);
		}
		base += span;
	}
	freer_flush(&fr);
	ei->i_last_alloc = 0;
	mutex_unlock(&ei->truncate_mutex);
	mark_inode_dirty(inode);
}

/* Zero the part of size's page past size, on disk too if size's block
 * is mapped (its tail; the page's later blocks are past EOF: freed by a
 * truncate, or holes or zeroed when the file grows). */
static int ext2_zero_tail(struct inode *inode, loff_t size)
{
	unsigned int off = size & (PAGE_SIZE - 1);
	struct folio *f;
	u32 pblk;
	int err;

	if (!(size & (ext2_blocksize(inode) - 1)))
		return 0;
	err = ext2_get_block(inode, size >> ext2_blocksize_bits(inode), &pblk, 0);
	if (err < 0 || !pblk)
		return err < 0 ? err : 0;
	f = read_mapping_folio(inode->i_mapping, size >> PAGE_SHIFT, NULL);
	if (IS_ERR(f))
		return PTR_ERR(f);
	folio_lock(f);
	memset((char *)folio_address(f) + off, 0, PAGE_SIZE - off);
	folio_mark_dirty(f);
	folio_unlock(f);
	folio_put(f);
	return 0;
}

/* ->setsize: truncate or extend (with a hole). Caller holds i_rwsem. */
int ext2_setsize(struct inode *inode, loff_t size)
{
	loff_t old = inode->i_size;
	int err;

	if (!(S_ISREG(inode->i_mode) || S_ISDIR(inode->i_mode)))
		return -EINVAL;
	if (size < 0 || (u64)size > ext2_max_size(inode->i_sb) || (u64)size >= (1ULL << 41))
		return -EFBIG;
	if (ext2_inode_sb(inode)->s_readonly)
		return -EROFS;
	err = ext2_zero_tail(inode, size < old ? size : old);
	if (err)
		return err;
	/* invalidate_lock: readahead (which holds it shared) either
	 * inserted its folios before and they go now, or sees the new size */
	filemap_invalidate_lock(inode->i_mapping);
	inode->i_size = size;
	if (size < old) {
		truncate_pagecache(inode, size);	/* unmaps past EOF everywhere */
		ext2_truncate_blocks(inode, size);
	}
	filemap_invalidate_unlock(inode->i_mapping);
	inode->i_mtime = inode->i_ctime = ext2_get_seconds();
	mark_inode_dirty(inode);
	return 0;
}

/* Last reference to an unlinked inode: free its blocks and number. */
void ext2_evict_inode(struct inode *inode)
{
	struct ext2_inode_info *ei = EXT2_I(inode);
	struct ext2_sb_info *sbi = EXT2_SB(ext2_inode_sb(inode));

	spin_lock(&sbi->s_inode_lock);
	ext2_unhash_inode(sbi, inode);
	spin_unlock(&sbi->s_inode_lock);
	truncate_inode_pages(inode->i_mapping, 0);
	if (ext2_inode_sb(inode)->s_readonly)
		return;
	if (!ext2_fast_symlink(inode) && (S_ISREG(inode->i_mode) ||
					  S_ISDIR(inode->i_mode) || S_ISLNK(inode->i_mode)))
		ext2_truncate_blocks(inode, 0);
	inode->i_size = 0;
	ei->i_dtime = ext2_get_seconds();
	ext2_write_inode(inode, NULL);	/* off the dirty lists already: write it now */
	ext2_free_inode(inode);
}

/* Collect referenced pointers to all cached inodes (for sync/unmount). */
static struct inode **ext2_grab_inodes(struct ext2_sb_info *sbi, int *np)
{
	struct ext2_inode_info *ei;
	struct inode **v;
	int n = 0, i, cap;

again:
	cap = 0;
	spin_lock(&sbi->s_inode_lock);
	for (i = 0; i < 64; i++)
		list_for_each_entry(ei, &sbi->s_inode_hash[i], i_hash)
			cap++;
	spin_unlock(&sbi->s_inode_lock);
	v = kcalloc(cap + 1, sizeof(*v), GFP_KERNEL);
	if (!v)
		return NULL;
	n = 0;
	spin_lock(&sbi->s_inode_lock);
	for (i = 0; i < 64; i++)
		list_for_each_entry(ei, &sbi->s_inode_hash[i], i_hash) {
			if (n == cap) {
				spin_unlock(&sbi->s_inode_lock);
				while (n--)
					iput(v[n]);
				kfree(v);
				goto again;
			}
			/* unlinked and unreferenced: its last iput is evicting it
			 * right now, and a reference taken here would evict it
			 * a second time (Linux's igrab refuses I_FREEING) */
			if (!READ_ONCE(ei->vfs_inode.i_nlink) &&
			    !atomic_read(&ei->vfs_inode.i_count))
				continue;
			v[n++] = ihold(&ei->vfs_inode);
		}
	spin_unlock(&sbi->s_inode_lock);
	*np = n;
	return v;
}

/* After sync_inodes_sb: write and wait for what is still dirty or under
 * writeback in any cached inode's pages (dirtied since the pass began,
 * or started by someone else). Cheap when there is nothing: a look at
 * two xarray marks per inode. */
int ext2_sync_inodes(struct super_block *sb)
{
	int n, i, err = 0;
	struct inode **v = ext2_grab_inodes(EXT2_SB(sb), &n);

	if (!v)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		int e = filemap_write_and_wait_range(v[i]->i_mapping, 0, (loff_t)-1 >> 1);

		if (e && !err)
			err = e;
		iput(v[i]);
	}
	kfree(v);
	return err;
}

/* Unmount: forget all cached inodes (nobody may hold a reference). */
void ext2_drop_inodes(struct super_block *sb)
{
	struct ext2_sb_info *sbi = EXT2_SB(sb);
	int i;

	for (i = 0; i < 64; i++) {
		while (!list_empty(&sbi->s_inode_hash[i])) {
			struct ext2_inode_info *ei =
				list_first_entry(&sbi->s_inode_hash[i], struct ext2_inode_info, i_hash);

			ext2_unhash_inode(sbi, &ei->vfs_inode);
			inode_io_list_del(&ei->vfs_inode);
			if (atomic_read(&ei->vfs_inode.i_count))
				printk("EXT2-fs: inode %lu busy at unmount\n", ei->vfs_inode.i_ino);
			truncate_inode_pages(ei->vfs_inode.i_mapping, 0);
			kfree(ei);
		}
	}
}
