/* super.c: mounting ext2 (superblock checks, group descriptors; the
 * file-system type mount(2) finds), statfs, sync, remount and unmount. The superblock page and the group descriptor blocks
 * stay pinned (referenced) in the block device's page cache while
 * mounted; updates to them are made under their folio lock and marked
 * dirty so the bdev writeback writes them.
 * Locks: ext2_sync_fs takes sbi->s_lock then folio locks; callers hold
 * none. ext2_put_super holds sb->s_umount for writing throughout, so
 * the flusher (which trylocks it for reading) never works on an inode
 * it frees. ext2_mount runs before anyone else can see the file system. */
#include "ext2.h"
#include <slab.h>
#include <string.h>
#include <printk.h>
#include <timer.h>

u32 ext2_get_seconds(void)
{
	return (u32)ktime_get_real_seconds();
}

/* An inconsistency found on disk: say so, record EXT2_ERROR_FS in the
 * superblock (so e2fsck checks it, and unmount keeps the mark), and
 * apply the s_errors policy: "remount-ro" stops all writes; "panic" is
 * treated as remount-ro too (a teaching kernel keeps running);
 * "continue" continues. Callers may hold s_lock and folio locks, so the
 * superblock folio is not locked: s_state is written by one 16-bit
 * store, which no other update of that folio touches after mount. */
void ext2_error(struct super_block *sb, const char *fn, const char *msg, unsigned long v)
{
	struct ext2_sb_info *sbi = EXT2_SB(sb);
	struct ext2_super_block *es = sbi->s_es;

	printk("EXT2-fs error (%s): %s %lu\n", fn, msg, v);
	if (sb->s_readonly)
		return;
	sbi->s_mount_state |= EXT2_ERROR_FS;
	WRITE_ONCE(es->s_state, cpu_to_le16(le16_to_cpu(es->s_state) | EXT2_ERROR_FS));
	/* a caller may hold the superblock's page (with 1 KiB blocks it
	 * also holds descriptors and bitmaps): then the next update of the
	 * super block, at the latest ext2_mark_clean, writes the mark */
	if (folio_trylock(sbi->s_sb_folio)) {
		ext2_mark_sb_dirty(sb);
		folio_unlock(sbi->s_sb_folio);
	}
	if (le16_to_cpu(es->s_errors) != EXT2_ERRORS_CONTINUE) {
		printk("EXT2-fs: errors=remount-ro: the file system is now read-only\n");
		sbi->s_error_ro = 1;
		sb->s_readonly = 1;
	}
}

struct ext2_group_desc *ext2_get_group_desc(struct super_block *sb, unsigned long group,
					    struct folio **foliop)
{
	struct ext2_sb_info *sbi = EXT2_SB(sb);
	unsigned long per = sbi->s_blocksize / sizeof(struct ext2_group_desc);
	struct folio *f;

	if (group >= sbi->s_groups_count)
		return NULL;
	f = sbi->s_group_desc[group / per];
	if (foliop)
		*foliop = f;
	return (struct ext2_group_desc *)ext2_meta_addr(sbi, f, sbi->s_first_data_block + 1 +
							group / per) + group % per;
}

/* Where block lives in its (referenced) page of the device cache. */
void *ext2_meta_addr(struct ext2_sb_info *sbi, struct folio *folio, u32 block)
{
	return (char *)folio_address(folio) +
	       (((unsigned long)block << sbi->s_blocksize_bits) & (PAGE_SIZE - 1));
}

/* Read metadata block `block` through the device cache: its address,
 * with *foliop the referenced page holding it, or an ERR_PTR. */
void *ext2_meta_read(struct ext2_sb_info *sbi, u32 block, struct folio **foliop)
{
	struct folio *f = read_mapping_folio(sbi->s_bmap,
				block >> (PAGE_SHIFT - sbi->s_blocksize_bits), NULL);

	if (IS_ERR(f))
		return (void *)f;
	*foliop = f;
	return ext2_meta_addr(sbi, f, block);
}

/* The block holding addr (inside folio, locked by the caller) changed:
 * only its sectors are written back. */
void ext2_meta_dirty(struct ext2_sb_info *sbi, struct folio *folio, const void *addr)
{
	unsigned long off = (const char *)addr - (const char *)folio_address(folio);

	bdev_folio_dirty_range(folio, off & ~(unsigned long)(sbi->s_blocksize - 1),
			       sbi->s_blocksize);
}

/* The super block (1024 bytes at byte 1024 whatever the block size)
 * changed; its folio is locked by the caller. */
void ext2_mark_sb_dirty(struct super_block *sb)
{
	bdev_folio_dirty_range(EXT2_SB(sb)->s_sb_folio, EXT2_SB_OFFSET,
			       sizeof(struct ext2_super_block));
}

static int ext2_check_features(struct super_block *sb, struct ext2_super_block *es)
{
	u32 incompat = le32_to_cpu(es->s_feature_incompat);
	u32 ro = le32_to_cpu(es->s_feature_ro_compat);

	if (incompat & ~EXT2_FEATURE_INCOMPAT_SUPP) {
		printk("EXT2-fs: unsupported incompat features %x\n",
		       incompat & ~EXT2_FEATURE_INCOMPAT_SUPP);
		return -EINVAL;
	}
	if ((ro & ~EXT2_FEATURE_RO_COMPAT_SUPP) && !sb->s_readonly) {
		printk("EXT2-fs: unsupported ro_compat features %x: read-only\n",
		       ro & ~EXT2_FEATURE_RO_COMPAT_SUPP);
		sb->s_readonly = 1;
	}
	return 0;
}

/* The super block's numbers, each against the others and the limits of
 * this driver (Linux's ext2_fill_super checks, plus what keeps the
 * reserved inodes and the primary descriptors out of every allocation). */
static int ext2_check_geometry(struct ext2_sb_info *sbi, struct ext2_super_block *es)
{
	u32 blocks = le32_to_cpu(es->s_blocks_count);

	if (le16_to_cpu(es->s_magic) != EXT2_SUPER_MAGIC)
		return -EINVAL;
	if (le32_to_cpu(es->s_log_block_size) >
	    EXT2_MAX_BLOCK_LOG_SIZE - EXT2_MIN_BLOCK_LOG_SIZE) {
		printk("EXT2-fs: unsupported blocksize %u (1024, 2048 or 4096)\n",
		       1024U << min(le32_to_cpu(es->s_log_block_size), 20U));
		return -EINVAL;
	}
	sbi->s_blocksize_bits = EXT2_MIN_BLOCK_LOG_SIZE + le32_to_cpu(es->s_log_block_size);
	sbi->s_blocksize = 1U << sbi->s_blocksize_bits;
	sbi->s_addr_per_block = sbi->s_blocksize / sizeof(u32);
	if (le32_to_cpu(es->s_rev_level) == 0) {
		sbi->s_inode_size = EXT2_GOOD_OLD_INODE_SIZE;
		sbi->s_first_ino = EXT2_GOOD_OLD_FIRST_INO;
	} else {
		sbi->s_inode_size = le16_to_cpu(es->s_inode_size);
		sbi->s_first_ino = le32_to_cpu(es->s_first_ino);
	}
	if (sbi->s_inode_size < EXT2_GOOD_OLD_INODE_SIZE ||
	    sbi->s_inode_size > sbi->s_blocksize ||
	    (sbi->s_inode_size & (sbi->s_inode_size - 1)))
		return -EINVAL;
	sbi->s_blocks_per_group = le32_to_cpu(es->s_blocks_per_group);
	sbi->s_inodes_per_group = le32_to_cpu(es->s_inodes_per_group);
	sbi->s_first_data_block = le32_to_cpu(es->s_first_data_block);
	sbi->s_inodes_per_block = sbi->s_blocksize / sbi->s_inode_size;
	sbi->s_blocks_count = blocks;
	sbi->s_inodes_count = le32_to_cpu(es->s_inodes_count);
	/* the super block is at byte 1024: in block 1 with 1 KiB blocks
	 * (block 0 is the boot block, outside the file system), else in 0 */
	if (sbi->s_first_data_block != (sbi->s_blocksize == 1024) || blocks < 8)
		return -EINVAL;
	if (sbi->s_blocks_per_group < 8 || sbi->s_blocks_per_group > 8 * sbi->s_blocksize ||
	    sbi->s_inodes_per_group < sbi->s_inodes_per_block ||
	    sbi->s_inodes_per_group > 8 * sbi->s_blocksize)
		return -EINVAL;
	sbi->s_groups_count = DIV_ROUND_UP(blocks - sbi->s_first_data_block,
					   sbi->s_blocks_per_group);
	sbi->s_gdb_count = DIV_ROUND_UP(sbi->s_groups_count,
					sbi->s_blocksize / sizeof(struct ext2_group_desc));
	sbi->s_itb_per_group = DIV_ROUND_UP(sbi->s_inodes_per_group, sbi->s_inodes_per_block);
	if ((u64)sbi->s_groups_count * sbi->s_inodes_per_group != sbi->s_inodes_count ||
	    sbi->s_first_data_block + 1 + sbi->s_gdb_count > blocks)
		return -EINVAL;
	if (le32_to_cpu(es->s_rev_level) != 0 &&
	    (sbi->s_first_ino < EXT2_GOOD_OLD_FIRST_INO || sbi->s_first_ino >= sbi->s_inodes_count))
		return -EINVAL;	/* the reserved inodes (root among them) would be handed out */
	return 0;
}

/* Pin the descriptor blocks (they follow the superblock's block). */
static int ext2_load_group_desc(struct ext2_sb_info *sbi)
{
	unsigned long i;

	sbi->s_group_desc = kcalloc(sbi->s_gdb_count, sizeof(struct folio *), GFP_KERNEL);
	if (!sbi->s_group_desc)
		return -ENOMEM;
	for (i = 0; i < sbi->s_gdb_count; i++) {
		struct folio *f;
		void *p = ext2_meta_read(sbi, sbi->s_first_data_block + 1 + i, &f);
		if (IS_ERR(p)) {
			while (i--)
				folio_put(sbi->s_group_desc[i]);
			kfree(sbi->s_group_desc);
			return PTR_ERR(p);
		}
		sbi->s_group_desc[i] = f;
	}
	return 0;
}

/* Each group's bitmaps and inode table lie inside the group (as Linux's
 * ext2_check_descriptors), past the primary super block and descriptors,
 * and do not overlap one another. */
static int ext2_check_descriptors(struct super_block *sb)
{
	struct ext2_sb_info *sbi = EXT2_SB(sb);
	unsigned long g, meta_end = sbi->s_first_data_block + 1 + sbi->s_gdb_count;

	for (g = 0; g < sbi->s_groups_count; g++) {
		struct ext2_group_desc *gd = ext2_get_group_desc(sb, g, NULL);
		unsigned long first = sbi->s_first_data_block + g * sbi->s_blocks_per_group;
		unsigned long last = min(first + sbi->s_blocks_per_group, sbi->s_blocks_count) - 1;
		unsigned long bb = le32_to_cpu(gd->bg_block_bitmap);
		unsigned long ib = le32_to_cpu(gd->bg_inode_bitmap);
		unsigned long it = le32_to_cpu(gd->bg_inode_table);
		unsigned long it_end = it + sbi->s_itb_per_group - 1;

		if (first < meta_end)
			first = meta_end;
		if (bb < first || bb > last || ib < first || ib > last || bb == ib ||
		    it < first || it_end > last || it_end < it ||
		    (bb >= it && bb <= it_end) || (ib >= it && ib <= it_end)) {
			ext2_error(sb, __func__, "bad group descriptor", g);
			return -EINVAL;
		}
	}
	return 0;
}

static void ext2_release_sbi(struct ext2_sb_info *sbi)
{
	unsigned long i;

	if (sbi->s_group_desc) {
		for (i = 0; i < sbi->s_gdb_count; i++)
			folio_put(sbi->s_group_desc[i]);
		kfree(sbi->s_group_desc);
	}
	if (sbi->s_sb_folio)
		folio_put(sbi->s_sb_folio);
	kfree(sbi);
}

static struct ext2_sb_info *ext2_alloc_sbi(struct super_block *sb)
{
	struct ext2_sb_info *sbi = kzalloc(sizeof(*sbi), GFP_KERNEL);
	int i;

	if (!sbi)
		return NULL;
	mutex_init(&sbi->s_lock);
	spin_lock_init(&sbi->s_inode_lock);
	for (i = 0; i < 64; i++)
		INIT_LIST_HEAD(&sbi->s_inode_hash[i]);
	sbi->s_bdev = sb->s_bdev;
	sbi->s_bmap = bdev_mapping(sb->s_bdev);
	sbi->s_sb = sb;
	sb->s_fs_info = sbi;
	return sbi;
}

/* Record a read-write mount in the superblock, as Linux does: the mount
 * count and time, and s_state without EXT2_VALID_FS, written at once, so
 * that a crash leaves the file system marked "not clean" and e2fsck
 * checks it. The state found here is kept in s_mount_state and written
 * back by a clean unmount (ext2_mark_clean): a file system that was not
 * clean, or had errors, stays so until e2fsck repairs it. */
static void ext2_setup_super(struct super_block *sb)
{
	struct ext2_sb_info *sbi = EXT2_SB(sb);
	struct ext2_super_block *es = sbi->s_es;

	sbi->s_mount_state = le16_to_cpu(es->s_state);
	if (sb->s_readonly)
		return;
	if (!(sbi->s_mount_state & EXT2_VALID_FS))
		printk("EXT2-fs warning: mounting unchecked fs, running e2fsck is recommended\n");
	else if (sbi->s_mount_state & EXT2_ERROR_FS)
		printk("EXT2-fs warning: mounting fs with errors, running e2fsck is recommended\n");
	folio_lock(sbi->s_sb_folio);
	le16_add_cpu(&es->s_mnt_count, 1);
	es->s_mtime = cpu_to_le32(ext2_get_seconds());
	es->s_state = cpu_to_le16(sbi->s_mount_state & ~EXT2_VALID_FS);
	ext2_mark_sb_dirty(sb);
	folio_unlock(sbi->s_sb_folio);
	sync_blockdev(sbi->s_bdev);	/* "not clean" is on disk before any change */
}

/* Clean unmount or power-off: everything is synced; put back the state
 * found at mount (VALID if it was clean) and write it. */
static void ext2_mark_clean(struct super_block *sb)
{
	struct ext2_sb_info *sbi = EXT2_SB(sb);

	folio_lock(sbi->s_sb_folio);
	sbi->s_es->s_state = cpu_to_le16(sbi->s_mount_state);
	ext2_mark_sb_dirty(sb);
	folio_unlock(sbi->s_sb_folio);
	sync_blockdev(sbi->s_bdev);
}

int ext2_fill_super(struct super_block *sb, int silent)
{
	struct ext2_sb_info *sbi = ext2_alloc_sbi(sb);
	struct inode *root;
	int err;

	(void)silent;
	if (!sbi)
		return -ENOMEM;
	sbi->s_sb_folio = read_mapping_folio(sbi->s_bmap, 0, NULL);
	if (IS_ERR(sbi->s_sb_folio)) {
		err = PTR_ERR(sbi->s_sb_folio);
		sbi->s_sb_folio = NULL;
		goto fail;
	}
	sbi->s_es = (void *)((char *)folio_address(sbi->s_sb_folio) + EXT2_SB_OFFSET);
	err = ext2_check_geometry(sbi, sbi->s_es);
	sb->s_blocksize = sbi->s_blocksize;
	if (!err)
		err = ext2_check_features(sb, sbi->s_es);
	if (!err)
		err = ext2_load_group_desc(sbi);
	if (!err)
		err = ext2_check_descriptors(sb);
	if (err)
		goto fail;
	root = ext2_iget(sb, EXT2_ROOT_INO);
	if (IS_ERR(root)) {
		err = PTR_ERR(root);
		goto fail;
	}
	if (!S_ISDIR(root->i_mode) || !root->i_size) {
		iput(root);
		err = -EINVAL;
		goto fail;
	}
	sb->s_root = root;
	ext2_setup_super(sb);
	return 0;
fail:
	ext2_release_sbi(sbi);
	sb->s_fs_info = NULL;
	return err;
}

/* Mount the ext2 file system on bdev; returns its (referenced) root. */
struct inode *ext2_mount(struct block_device *bdev, int flags)
{
	struct super_block *sb = kzalloc(sizeof(*sb), GFP_KERNEL);
	int err;

	if (!sb)
		return ERR_PTR(-ENOMEM);
	sb->s_bdev = bdev;
	sb->s_readonly = !!(flags & EXT2_MOUNT_RDONLY);
	sb->s_op = &ext2_super_ops;
	INIT_LIST_HEAD(&sb->s_list);
	init_rwsem(&sb->s_umount);
	err = blkdev_get(bdev, (flags & EXT2_MOUNT_RDONLY) ? FMODE_READ : FMODE_READ | FMODE_WRITE);
	if (!err && (err = ext2_fill_super(sb, 0)))
		blkdev_put(bdev);
	if (err) {
		kfree(sb);
		return ERR_PTR(err);
	}
	return ihold(sb->s_root);	/* the device stays open until put_super */
}

/* Copy the free counts into the superblock (the groups are authoritative). */
static void ext2_update_sb_counts(struct super_block *sb)
{
	struct ext2_sb_info *sbi = EXT2_SB(sb);
	unsigned long fb = ext2_count_free_blocks(sb), fi = ext2_count_free_inodes(sb);

	folio_lock(sbi->s_sb_folio);
	sbi->s_es->s_free_blocks_count = cpu_to_le32(fb);
	sbi->s_es->s_free_inodes_count = cpu_to_le32(fi);
	sbi->s_es->s_wtime = cpu_to_le32(ext2_get_seconds());
	ext2_mark_sb_dirty(sb);
	folio_unlock(sbi->s_sb_folio);
}

/* Write all dirty file data and inodes, then the metadata in the bdev
 * cache. The caller keeps sb mounted (sb_lock, or s_umount held). */
int ext2_sync_fs(struct super_block *sb, int wait)
{
	struct ext2_sb_info *sbi = EXT2_SB(sb);
	int err, err2;

	(void)wait;
	if (sb->s_readonly && !sbi->s_error_ro)
		return 0;
	sync_inodes_sb(sb);		/* the flusher: each inode's data, then the inode */
	err = ext2_sync_inodes(sb);	/* what was dirtied meanwhile */
	mutex_lock(&sbi->s_lock);
	ext2_update_sb_counts(sb);
	mutex_unlock(&sbi->s_lock);
	err2 = sync_blockdev(sbi->s_bdev);	/* metadata, then FLUSH */
	return err ? err : err2;
}

int ext2_statfs(struct super_block *sb, struct kstatfs *st)
{
	struct ext2_sb_info *sbi = EXT2_SB(sb);
	struct ext2_super_block *es = sbi->s_es;
	u64 r = le32_to_cpu(es->s_r_blocks_count);

	st->f_bsize = sbi->s_blocksize;
	st->f_blocks = sbi->s_blocks_count - sbi->s_first_data_block;
	st->f_bfree = ext2_count_free_blocks(sb);
	st->f_bavail = st->f_bfree > r ? st->f_bfree - r : 0;
	st->f_files = sbi->s_inodes_count;
	st->f_ffree = ext2_count_free_inodes(sb);
	st->f_namelen = EXT2_NAME_LEN;
	st->f_type = EXT2_SUPER_MAGIC;
	return 0;
}

/* Unmount: sync, mark clean, drop cached inodes and the pinned pages,
 * and free sb itself. Nobody may hold a reference to an inode of it
 * (ext2_mount's reference on the root included: put it first). */
void ext2_put_super(struct super_block *sb)
{
	struct ext2_sb_info *sbi = EXT2_SB(sb);

	down_write(&sb->s_umount);	/* the flusher's own passes stay out */
	ext2_sync_fs(sb, 1);
	if (!sb->s_readonly || sbi->s_error_ro)
		ext2_mark_clean(sb);
	iput(sb->s_root);
	ext2_drop_inodes(sb);
	ext2_release_sbi(sbi);
	sb->s_fs_info = NULL;
	up_write(&sb->s_umount);	/* no inode of sb is on a writeback list now */
	blkdev_put(sb->s_bdev);	/* a loop device may detach now (autoclear) */
	kfree(sb);
}

/* Power-off with the file system still mounted: sync and mark it clean,
 * after which nothing may write it (the machine stops next). */
static void ext2_shutdown(struct super_block *sb)
{
	struct ext2_sb_info *sbi = EXT2_SB(sb);

	ext2_sync_fs(sb, 1);
	if (!sb->s_readonly || sbi->s_error_ro)
		ext2_mark_clean(sb);
	sb->s_readonly = 1;
	sbi->s_error_ro = 0;	/* nothing more is written */
}

/* mount -o remount,ro / rw (Linux's ext2_remount). Going read-only:
 * everything written and the state found at mount put back (clean if it
 * was), as an unmount does. Going read-write: refused (EROFS) with
 * ro_compat features this driver cannot write; otherwise marked "not
 * clean" again as at mount. Options in data are not interpreted. */
static int ext2_remount(struct super_block *sb, int *flags, char *data)
{
	struct ext2_sb_info *sbi = EXT2_SB(sb);
	int ro = !!(*flags & MS_RDONLY);

	(void)data;
	if (ro == !!sb->s_readonly)
		return 0;
	if (ro) {
		ext2_sync_fs(sb, 1);
		ext2_mark_clean(sb);
		return 0;
	}
	if (le32_to_cpu(sbi->s_es->s_feature_ro_compat) & ~EXT2_FEATURE_RO_COMPAT_SUPP)
		return -EROFS;
	sbi->s_error_ro = 0;
	sb->s_readonly = 0;
	ext2_setup_super(sb);
	return 0;
}

const struct super_operations ext2_super_ops = {
	.remount_fs = ext2_remount,
	.write_inode = ext2_write_inode,
	.sync_fs = ext2_sync_fs,
	.statfs = ext2_statfs,
	.put_super = ext2_put_super,
	.shutdown = ext2_shutdown,
};

/* mount(2) of "ext2": the block device named by dev_name. */
static struct inode *ext2_mount_fs(struct file_system_type *t, int flags, const char *dev_name,
				   char *data)
{
	int err;
	struct block_device *bdev = lookup_bdev_path(dev_name, &err);
	struct inode *root;

	(void)data;
	if (!dev_name)
		return ERR_PTR(-EINVAL);
	if (!bdev)
		return ERR_PTR(err);
	if (!(flags & MS_RDONLY) && bdev->bd_disk->ro)
		return ERR_PTR(-EACCES);	/* as Linux: mount(8) retries read-only */
	root = ext2_mount(bdev, (flags & MS_RDONLY) ? EXT2_MOUNT_RDONLY : 0);
	if (!IS_ERR(root))
		root->i_sb->s_type = t;
	return root;
}

struct file_system_type ext2_fs_type = {
	.name = "ext2", .fs_flags = FS_REQUIRES_DEV, .mount = ext2_mount_fs,
};
