/* ialloc.c: the inode allocator. Each group's inode bitmap is one block
 * in the block device's page cache. Policy (simple, Orlov-free): a new
 * directory goes to the group with the most free inodes (ties: more free
 * blocks); anything else to its parent's group, else the next group with
 * a free inode.
 * Locks: sbi->s_lock (mutex) around bitmap and counter updates, then
 * folio locks. Callers hold the parent directory's i_rwsem. */
#include "ext2.h"
#include <printk.h>
#include <string.h>

static inline int bm_test(const u8 *bm, unsigned long i) { return (bm[i >> 3] >> (i & 7)) & 1; }

static void adjust_counts(struct super_block *sb, unsigned long g, int dfree, int ddirs)
{
	struct ext2_sb_info *sbi = EXT2_SB(sb);
	struct folio *df;
	struct ext2_group_desc *gd = ext2_get_group_desc(sb, g, &df);

	folio_lock(df);
	le16_add_cpu(&gd->bg_free_inodes_count, dfree);
	le16_add_cpu(&gd->bg_used_dirs_count, ddirs);
	ext2_meta_dirty(sbi, df, gd);
	folio_unlock(df);
	folio_lock(sbi->s_sb_folio);
	le32_add_cpu(&sbi->s_es->s_free_inodes_count, dfree);
	ext2_mark_sb_dirty(sb);
	folio_unlock(sbi->s_sb_folio);
}

static long find_group_dir(struct super_block *sb)
{
	struct ext2_sb_info *sbi = EXT2_SB(sb);
	long best = -1;
	unsigned long g, bi = 0, bb = 0;

	for (g = 0; g < sbi->s_groups_count; g++) {
		struct ext2_group_desc *gd = ext2_get_group_desc(sb, g, NULL);
		unsigned long fi = le16_to_cpu(gd->bg_free_inodes_count);
		unsigned long fb = le16_to_cpu(gd->bg_free_blocks_count);

		if (fi && (fi > bi || (fi == bi && fb > bb))) {
			best = g;
			bi = fi;
			bb = fb;
		}
	}
	return best;
}

static long find_group_other(struct super_block *sb, unsigned long parent)
{
	struct ext2_sb_info *sbi = EXT2_SB(sb);
	unsigned long i;

	for (i = 0; i < sbi->s_groups_count; i++) {
		unsigned long g = (parent + i) % sbi->s_groups_count;

		if (le16_to_cpu(ext2_get_group_desc(sb, g, NULL)->bg_free_inodes_count))
			return g;
	}
	return -1;
}

/* Take a free bit in group g's inode bitmap: its inode number, or 0. */
static unsigned long take_inode_bit(struct super_block *sb, unsigned long g, int is_dir)
{
	struct ext2_sb_info *sbi = EXT2_SB(sb);
	struct ext2_group_desc *gd = ext2_get_group_desc(sb, g, NULL);
	struct folio *bf;
	u8 *bm = ext2_meta_read(sbi, le32_to_cpu(gd->bg_inode_bitmap), &bf);
	unsigned long i, ino = 0;

	if (IS_ERR(bm))
		return 0;
	folio_lock(bf);
	for (i = 0; i < sbi->s_inodes_per_group; i++) {
		unsigned long n = g * sbi->s_inodes_per_group + i + 1;

		if (n < sbi->s_first_ino || bm_test(bm, i))
			continue;
		bm[i >> 3] |= 1 << (i & 7);
		ino = n;
		break;
	}
	if (ino)
		ext2_meta_dirty(sbi, bf, bm);
	folio_unlock(bf);
	folio_put(bf);
	if (ino)
		adjust_counts(sb, g, -1, is_dir ? 1 : 0);
	return ino;
}

static unsigned long alloc_ino(struct super_block *sb, struct inode *dir, umode_t mode)
{
	struct ext2_sb_info *sbi = EXT2_SB(sb);
	unsigned long i, ino = 0;
	long g;

	mutex_lock(&sbi->s_lock);
	g = S_ISDIR(mode) ? find_group_dir(sb) : find_group_other(sb, EXT2_I(dir)->i_block_group);
	for (i = 0; g >= 0 && i < sbi->s_groups_count && !ino; i++) {
		ino = take_inode_bit(sb, g, S_ISDIR(mode));
		g = (g + 1) % sbi->s_groups_count;
	}
	mutex_unlock(&sbi->s_lock);
	return ino;
}

/* A new, hashed, referenced inode with i_nlink = 1 (caller adjusts). */
struct inode *ext2_new_inode(struct inode *dir, umode_t mode)
{
	struct super_block *sb = ext2_inode_sb(dir);
	struct ext2_sb_info *sbi = EXT2_SB(sb);
	struct inode *inode;
	struct ext2_inode_info *ei;
	unsigned long ino = alloc_ino(sb, dir, mode);
	u32 now = ext2_get_seconds();

	if (!ino)
		return ERR_PTR(-ENOSPC);
	inode = ext2_alloc_vfs_inode(sb, ino);
	if (!inode)
		return ERR_PTR(-ENOMEM);	/* the bit leaks until fsck */
	ei = EXT2_I(inode);
	inode->i_mode = mode;
	inode->i_nlink = 1;
	inode->i_uid = dir->i_uid;
	inode->i_gid = (dir->i_mode & S_ISGID) ? dir->i_gid : 0;
	if (S_ISDIR(mode) && (dir->i_mode & S_ISGID))
		inode->i_mode |= S_ISGID;
	inode->i_atime = inode->i_mtime = inode->i_ctime = now;
	ei->i_block_group = (ino - 1) / sbi->s_inodes_per_group;
	ei->i_flags = 0;
	ei->i_new = 1;
	ext2_set_inode_ops(inode);
	ext2_hash_inode(inode);
	mark_inode_dirty(inode);
	return inode;
}

/* Release an evicted inode's number (its blocks are already freed). */
void ext2_free_inode(struct inode *inode)
{
	struct super_block *sb = ext2_inode_sb(inode);
	struct ext2_sb_info *sbi = EXT2_SB(sb);
	unsigned long ino = inode->i_ino, g, bit;
	struct ext2_group_desc *gd;
	struct folio *bf;
	u8 *bm;

	if (ino < sbi->s_first_ino || ino > sbi->s_inodes_count) {
		ext2_error(sb, __func__, "reserved or nonexistent inode", ino);
		return;
	}
	g = (ino - 1) / sbi->s_inodes_per_group;
	bit = (ino - 1) % sbi->s_inodes_per_group;
	gd = ext2_get_group_desc(sb, g, NULL);
	mutex_lock(&sbi->s_lock);
	bm = ext2_meta_read(sbi, le32_to_cpu(gd->bg_inode_bitmap), &bf);
	if (!IS_ERR(bm)) {
		int freed = 0;

		folio_lock(bf);
		if (!bm_test(bm, bit)) {
			ext2_error(sb, __func__, "bit already cleared for inode", ino);
		} else {
			bm[bit >> 3] &= ~(1 << (bit & 7));
			ext2_meta_dirty(sbi, bf, bm);
			freed = 1;
		}
		/* one metadata folio lock at a time: on a damaged disk the
		 * bitmap may be the descriptor's or the super block's block */
		folio_unlock(bf);
		folio_put(bf);
		if (freed)
			adjust_counts(sb, g, 1, S_ISDIR(inode->i_mode) ? -1 : 0);
	}
	mutex_unlock(&sbi->s_lock);
}

unsigned long ext2_count_free_inodes(struct super_block *sb)
{
	return ext2_sum_groups(sb, offsetof(struct ext2_group_desc, bg_free_inodes_count));
}
