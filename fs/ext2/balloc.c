/* balloc.c: the block allocator. Each group's block bitmap is one block
 * read through the block device's page cache; a bit per block of the
 * group. ext2_new_block searches forward from a goal (the block after
 * the file's previous one, so files stay contiguous), first in the
 * goal's group and then in the following groups; when the goal is taken
 * it starts the file's next extent in a free window (pick_bit).
 * Locks: takes sbi->s_lock (mutex) around bitmap + counter updates and
 * then the bitmap / descriptor / superblock folio locks. Callers hold
 * the inode's truncate_mutex (or i_rwsem) but no folio locks. */
#include "ext2.h"
#include <printk.h>
#include <string.h>

#define EXT2_ALLOC_WINDOW 8	/* blocks: the free run a new extent starts in */

static unsigned long group_first_block(struct ext2_sb_info *sbi, unsigned long g)
{
	return sbi->s_first_data_block + g * sbi->s_blocks_per_group;
}

static unsigned long group_nblocks(struct ext2_sb_info *sbi, unsigned long g)
{
	return min(sbi->s_blocks_per_group, sbi->s_blocks_count - group_first_block(sbi, g));
}

/* May count blocks from block hold file data (or indirect blocks)? Not
 * if any is outside the file system, the super block or the primary
 * descriptors, or a bitmap or the inode table of its group: a damaged
 * block map or bitmap must not make the kernel read, free or overwrite
 * metadata as data (Linux's ext2_data_block_valid and its "system zone"
 * checks). */
int ext2_data_block_valid(struct ext2_sb_info *sbi, u32 block, unsigned long count)
{
	unsigned long b = block, end = b + count;	/* exclusive */

	if (!count || b <= sbi->s_first_data_block + sbi->s_gdb_count || end > sbi->s_blocks_count)
		return 0;
	for (unsigned long g = (b - sbi->s_first_data_block) / sbi->s_blocks_per_group;
	     g < sbi->s_groups_count && group_first_block(sbi, g) < end; g++) {
		struct ext2_group_desc *gd = ext2_get_group_desc(sbi->s_sb, g, NULL);
		unsigned long bb = le32_to_cpu(gd->bg_block_bitmap);
		unsigned long ib = le32_to_cpu(gd->bg_inode_bitmap);
		unsigned long it = le32_to_cpu(gd->bg_inode_table);

		if ((bb >= b && bb < end) || (ib >= b && ib < end) ||
		    (b < it + sbi->s_itb_per_group && it < end))
			return 0;
	}
	return 1;
}

static int test_root(unsigned long a, unsigned long b)
{
	while (a > b && a % b == 0)
		a /= b;
	return a == b;
}

/* sparse_super: backups only in groups 0, 1 and powers of 3, 5, 7. */
int ext2_bg_has_super(struct super_block *sb, unsigned long group)
{
	if (!(le32_to_cpu(EXT2_SB(sb)->s_es->s_feature_ro_compat) &
	      EXT2_FEATURE_RO_COMPAT_SPARSE_SUPER))
		return 1;
	if (group <= 1)
		return 1;
	if (!(group & 1))
		return 0;
	return test_root(group, 3) || test_root(group, 5) || test_root(group, 7);
}

static inline int bm_test(const u8 *bm, unsigned long i) { return (bm[i >> 3] >> (i & 7)) & 1; }
static inline void bm_set(u8 *bm, unsigned long i) { bm[i >> 3] |= 1 << (i & 7); }
static inline void bm_clear(u8 *bm, unsigned long i) { bm[i >> 3] &= ~(1 << (i & 7)); }

/* First zero bit in [start, end), or end. Skips full bytes quickly. */
static unsigned long bm_find_zero(const u8 *bm, unsigned long start, unsigned long end)
{
	unsigned long i = start;

	while (i < end) {
		if (!(i & 7) && bm[i >> 3] == 0xff) {
			i += 8;
			continue;
		}
		if (!bm_test(bm, i))
			return i;
		i++;
	}
	return end;
}

/* First i >= start with bits [i, i+len) all zero and i+len <= end, or end. */
static unsigned long bm_find_zero_run(const u8 *bm, unsigned long start, unsigned long end,
				      unsigned long len)
{
	unsigned long i = bm_find_zero(bm, start, end), j;

	while (i + len <= end) {
		for (j = i + 1; j < i + len && !bm_test(bm, j); j++)
			;
		if (j == i + len)
			return i;
		i = bm_find_zero(bm, j + 1, end);	/* bit j is set */
	}
	return end;
}

/* Where to allocate in a group, searching from bit `start` (the goal):
 * the goal itself if free (the file goes on contiguously), else the
 * first free window of EXT2_ALLOC_WINDOW blocks, so a file does not
 * trickle through the one-block holes that deleted small files leave
 * (Linux's ext2 gets this from its reservation windows), else any free
 * block, wrapping around. Returns n if the group is full. Each search
 * answers its own end bound when it finds nothing: the wrap-around ones
 * end before n, so they are checked against that bound, not against n
 * (taking a wrap-around miss for a hit gave out a used block). */
static unsigned long pick_bit(const u8 *bm, unsigned long start, unsigned long n)
{
	unsigned long bit, wrap_end;

	if (start >= n)
		start = 0;
	if (!bm_test(bm, start))
		return start;
	if ((bit = bm_find_zero_run(bm, start, n, EXT2_ALLOC_WINDOW)) < n)
		return bit;
	wrap_end = min(n, start + EXT2_ALLOC_WINDOW - 1);
	if (start && (bit = bm_find_zero_run(bm, 0, wrap_end, EXT2_ALLOC_WINDOW)) < wrap_end)
		return bit;
	if ((bit = bm_find_zero(bm, start, n)) < n)
		return bit;
	if (start && (bit = bm_find_zero(bm, 0, start)) < start)
		return bit;
	return n;
}

/* Change a group's free-block count and the superblock's by delta.
 * Called with sbi->s_lock held. */
static void adjust_free_blocks(struct super_block *sb, unsigned long g, int delta)
{
	struct ext2_sb_info *sbi = EXT2_SB(sb);
	struct folio *df;
	struct ext2_group_desc *gd = ext2_get_group_desc(sb, g, &df);

	folio_lock(df);
	le16_add_cpu(&gd->bg_free_blocks_count, delta);
	ext2_meta_dirty(sbi, df, gd);
	folio_unlock(df);
	folio_lock(sbi->s_sb_folio);
	le32_add_cpu(&sbi->s_es->s_free_blocks_count, delta);
	ext2_mark_sb_dirty(sb);
	folio_unlock(sbi->s_sb_folio);
}

/* Try to take one block in group g at or after bit `start`; 0 if none.
 * A bit that is clear in a damaged bitmap but names metadata is set
 * (it is in use) and reported, and the search goes on (as Linux's
 * "Allocating block in system zone"). */
static u32 alloc_in_group(struct super_block *sb, unsigned long g, unsigned long start)
{
	struct ext2_sb_info *sbi = EXT2_SB(sb);
	struct ext2_group_desc *gd = ext2_get_group_desc(sb, g, NULL);
	unsigned long n = group_nblocks(sbi, g), bit;
	struct folio *bf;
	u8 *bm;

	if (!le16_to_cpu(gd->bg_free_blocks_count))
		return 0;
	bm = ext2_meta_read(sbi, le32_to_cpu(gd->bg_block_bitmap), &bf);
	if (IS_ERR(bm))
		return 0;
	folio_lock(bf);
	for (;;) {
		bit = pick_bit(bm, start, n);
		if (bit >= n || ext2_data_block_valid(sbi, group_first_block(sbi, g) + bit, 1))
			break;
		bm_set(bm, bit);
		ext2_meta_dirty(sbi, bf, bm);
		ext2_error(sb, __func__, "free bit for a metadata block", group_first_block(sbi, g) + bit);
	}
	if (bit >= n) {
		folio_unlock(bf);
		folio_put(bf);
		return 0;
	}
	bm_set(bm, bit);
	ext2_meta_dirty(sbi, bf, bm);
	folio_unlock(bf);
	folio_put(bf);
	adjust_free_blocks(sb, g, -1);
	return group_first_block(sbi, g) + bit;
}

/* Allocate one block near goal for inode; 0 and *err on failure. The
 * block's old contents are not cleared (callers overwrite or zero it). */
u32 ext2_new_block(struct inode *inode, u32 goal, int *err)
{
	struct super_block *sb = ext2_inode_sb(inode);
	struct ext2_sb_info *sbi = EXT2_SB(sb);
	unsigned long total = sbi->s_blocks_count;
	unsigned long g, start, i;
	u32 blk = 0;

	if (goal < sbi->s_first_data_block || goal >= total)
		goal = group_first_block(sbi, EXT2_I(inode)->i_block_group);
	g = (goal - sbi->s_first_data_block) / sbi->s_blocks_per_group;
	start = (goal - sbi->s_first_data_block) % sbi->s_blocks_per_group;
	mutex_lock(&sbi->s_lock);
	for (i = 0; i < sbi->s_groups_count && !blk; i++) {
		blk = alloc_in_group(sb, g, start);
		g = (g + 1) % sbi->s_groups_count;
		start = 0;
	}
	mutex_unlock(&sbi->s_lock);
	if (!blk) {
		*err = -ENOSPC;
		return 0;
	}
	EXT2_I(inode)->i_blocks += sbi->s_blocksize >> 9;
	EXT2_I(inode)->i_last_alloc = blk;
	*err = 0;
	return blk;
}

/* Free count blocks starting at block (all in one group or several). */
void ext2_free_blocks(struct inode *inode, u32 block, unsigned long count)
{
	struct super_block *sb = ext2_inode_sb(inode);
	struct ext2_sb_info *sbi = EXT2_SB(sb);

	if (!ext2_data_block_valid(sbi, block, count)) {
		ext2_error(sb, __func__, "freeing blocks out of range or in the system zone", block);
		return;
	}
	mutex_lock(&sbi->s_lock);
	while (count) {
		unsigned long g = (block - sbi->s_first_data_block) / sbi->s_blocks_per_group;
		unsigned long bit = (block - sbi->s_first_data_block) % sbi->s_blocks_per_group;
		unsigned long n = min(count, sbi->s_blocks_per_group - bit), i, freed = 0;
		struct ext2_group_desc *gd = ext2_get_group_desc(sb, g, NULL);
		struct folio *bf;
		u8 *bm = ext2_meta_read(sbi, le32_to_cpu(gd->bg_block_bitmap), &bf);

		if (IS_ERR(bm))
			break;
		folio_lock(bf);
		for (i = 0; i < n; i++) {
			if (!bm_test(bm, bit + i)) {
				ext2_error(sb, __func__, "bit already cleared for block", block + i);
				continue;
			}
			bm_clear(bm, bit + i);
			freed++;
		}
		ext2_meta_dirty(sbi, bf, bm);
		folio_unlock(bf);
		folio_put(bf);
		adjust_free_blocks(sb, g, freed);
		EXT2_I(inode)->i_blocks -= freed * (sbi->s_blocksize >> 9);
		block += n;
		count -= n;
	}
	mutex_unlock(&sbi->s_lock);
}

/* The sum over all groups of the 16-bit descriptor field at offset off
 * (free blocks, free inodes): the groups are authoritative. */
unsigned long ext2_sum_groups(struct super_block *sb, size_t off)
{
	struct ext2_sb_info *sbi = EXT2_SB(sb);
	unsigned long g, n = 0;

	for (g = 0; g < sbi->s_groups_count; g++)
		n += le16_to_cpu(*(__le16 *)((char *)ext2_get_group_desc(sb, g, NULL) + off));
	return n;
}

unsigned long ext2_count_free_blocks(struct super_block *sb)
{
	return ext2_sum_groups(sb, offsetof(struct ext2_group_desc, bg_free_blocks_count));
}
