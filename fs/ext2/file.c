/* file.c: ext2 regular-file I/O through the page cache: the address
 * space operations (read_folio, readahead, writepages, dirty_folio,
 * write_begin/end, invalidate_folio, release_folio, bmap), the file
 * operations (read, write, fsync, fallocate, mmap) and the mapping's
 * page_mkwrite. With 4096-byte blocks a page is exactly one block and
 * its number is cached in folio->private. With 1024- or 2048-byte
 * blocks a page holds 4 or 2 blocks, which may lie anywhere on disk or
 * be holes: each is mapped when needed (ext2_map_blocks, no cache), a
 * page whose blocks are consecutive goes into the same merged bios as
 * with 4 KiB blocks, any other one is read or written a run of blocks at
 * a time (submit_folio_segs), as Linux's mpage falls back to buffer
 * heads. A hole inside a dirty page is allocated only if its bytes are
 * not all zero (writes and page_mkwrite allocate before they store).
 * A copy that comes up short into a page that was not uptodate counts
 * for nothing, and the blocks write_begin allocated for it are written
 * as zeros at once (ext2_zero_new_blocks): no read ever sees a block's
 * old disk contents.
 * Locks: write and fsync take the inode's i_rwsem (write); read takes
 * it for reading; read_folio is called with the folio locked and
 * unlocks it from bio completion; writepages gets locked folios from
 * write_cache_pages and ends their writeback from bio completion;
 * page_mkwrite runs under mmap_lock (read), takes the folio lock and
 * then the block map's truncate_mutex, never i_rwsem. */
#include "ext2.h"
#include <string.h>
#include <printk.h>

#define EXT2_WB_MAX_VECS 64	/* pages per write bio */

static sector_t blk_to_sector(struct inode *inode, u32 blk)
{
	return (sector_t)blk << (ext2_blocksize_bits(inode) - SECTOR_SHIFT);
}

static struct block_device *inode_bdev(struct inode *inode)
{
	return EXT2_SB(ext2_inode_sb(inode))->s_bdev;
}

#define EXT2_MAX_BPP (PAGE_SIZE >> EXT2_MIN_BLOCK_LOG_SIZE)

/* Blocks per page: 1, 2 or 4. */
static unsigned int ext2_bpp(struct inode *inode)
{
	return PAGE_SIZE >> ext2_blocksize_bits(inode);
}

/* Map the blocks of a folio that start before byte end of the file into
 * map[] (0: a hole or past end); with create, allocate the ones that
 * overlap bytes [from, to) of the file, and set bit i of *newp for each
 * new one (its disk contents are garbage). 0 or -errno. */
static int ext2_map_blocks(struct inode *inode, struct folio *folio, loff_t end,
			   loff_t from, loff_t to, u32 *map, unsigned int *newp)
{
	unsigned int bits = ext2_blocksize_bits(inode), i;
	loff_t pos = folio_pos(folio);

	if (newp)
		*newp = 0;
	for (i = 0; i < ext2_bpp(inode); i++) {
		loff_t b = pos + ((loff_t)i << bits), e = b + (1 << bits);
		int create = newp && b < to && e > from, ret;

		map[i] = 0;
		if (b >= end && !create)
			continue;
		ret = ext2_get_block(inode, b >> bits, &map[i], create);
		if (ret < 0)
			return ret;
		if (ret == 1)
			*newp |= 1U << i;
	}
	return 0;
}

/* The mapped blocks of map[] as runs of consecutive blocks: segs (in
 * the folio, on disk) for submit_folio_segs. Returns their number. */
static int ext2_map_to_segs(struct inode *inode, const u32 *map, struct folio_seg *segs)
{
	unsigned int bs = ext2_blocksize(inode), i, n = 0;

	for (i = 0; i < ext2_bpp(inode); i++) {
		if (!map[i])
			continue;
		if (n && segs[n - 1].off + segs[n - 1].len == i * bs &&
		    segs[n - 1].sector + (segs[n - 1].len >> SECTOR_SHIFT) == blk_to_sector(inode, map[i])) {
			segs[n - 1].len += bs;
			continue;
		}
		segs[n++] = (struct folio_seg){ i * bs, bs, blk_to_sector(inode, map[i]) };
	}
	return n;
}

/* Small blocks: read a locked folio block by block (holes and blocks
 * past EOF zeroed); unlocked when the reads end. */
static int ext2_read_folio_blocks(struct inode *inode, struct folio *folio, const u32 *map)
{
	struct folio_seg segs[EXT2_MAX_BPP];
	unsigned int bs = ext2_blocksize(inode), i;
	int err;

	for (i = 0; i < ext2_bpp(inode); i++)
		if (!map[i])
			memset((char *)folio_address(folio) + i * bs, 0, bs);
	err = submit_folio_segs(inode_bdev(inode), folio, segs,
				ext2_map_to_segs(inode, map, segs), REQ_OP_READ);
	if (err)
		folio_unlock(folio);
	return err;
}

/* Is map[] one run of consecutive blocks filling the whole page? */
static int ext2_map_contiguous(struct inode *inode, const u32 *map)
{
	for (unsigned int i = 0; i < ext2_bpp(inode); i++)
		if (!map[i] || map[i] != map[0] + i)
			return 0;
	return 1;
}


/* A data folio remembers its disk block in folio->private (PG_private),
 * as a mapped buffer_head's b_blocknr does in Linux: set when the block
 * is first looked up (read, write_begin), it spares writeback and later
 * writes the walk through the indirect blocks. The number stays right
 * while the folio is cached: ext2 frees a file's blocks only in
 * ext2_truncate_blocks, always after truncating the cache, which calls
 * ext2_invalidate_folio. Folio locked for all three. */
static int ext2_folio_block(struct inode *inode, struct folio *folio, u32 *pblk, int create)
{
	int ret;

	if (folio_test_private(folio)) {
		*pblk = (u32)folio->page.private;
		return 0;
	}
	ret = ext2_get_block(inode, folio_index(folio), pblk, create);
	if (ret >= 0 && *pblk)
		folio_attach_private(folio, *pblk);
	return ret;
}

/* Truncate: the block goes when the whole folio does. */
static void ext2_invalidate_folio(struct folio *folio, size_t offset, size_t len)
{
	if (offset == 0 && len == PAGE_SIZE)
		folio_detach_private(folio);
}

/* Reclaim: the cached number can always be looked up again. */
static int ext2_release_folio(struct folio *folio, gfp_t gfp)
{
	(void)gfp;
	folio_detach_private(folio);
	return 1;
}

/* Locked, not uptodate folio: read its block, or zero it for a hole. */
static int ext2_read_folio(struct file *file, struct folio *folio)
{
	struct inode *inode = folio_mapping(folio)->host;
	struct bio *bio;
	u32 pblk = 0, map[EXT2_MAX_BPP];
	int err = 0;

	(void)file;
	if (ext2_bpp(inode) > 1) {
		err = ext2_map_blocks(inode, folio, inode->i_size, 0, 0, map, NULL);
		if (!err && !ext2_map_contiguous(inode, map))
			return ext2_read_folio_blocks(inode, folio, map);
		pblk = err ? 0 : map[0];
	} else if (folio_pos(folio) < inode->i_size) {
		err = ext2_folio_block(inode, folio, &pblk, 0);
	}
	if (err < 0 || !pblk) {
		memset(folio_address(folio), 0, PAGE_SIZE);
		if (!err)
			folio_mark_uptodate(folio);
		folio_unlock(folio);
		return err;
	}
	bio = bio_alloc(inode_bdev(inode), 1, REQ_OP_READ, GFP_KERNEL);
	if (!bio) {
		folio_unlock(folio);
		return -ENOMEM;
	}
	bio->bi_sector = blk_to_sector(inode, pblk);
	bio_add_page(bio, folio_page(folio, 0), PAGE_SIZE, 0);
	bio->bi_end_io = bio_end_read_folios;
	submit_bio(bio);
	return 0;
}

/* A run of new locked folios: map each to its block, read runs of
 * consecutive blocks with one bio (as large as the queue takes), zero
 * holes. */
static void ext2_readahead(struct readahead_control *rac)
{
	struct inode *inode = rac->mapping->host;
	unsigned int max_pages = bdev_max_bio_pages(inode_bdev(inode));
	struct bio *bio = NULL;
	struct folio *folio;
	u32 next = 0;

	while ((folio = readahead_folio(rac)) != NULL) {
		u32 pblk = 0, map[EXT2_MAX_BPP];
		int err = 0;

		if (ext2_bpp(inode) > 1) {	/* small blocks: mpage's fallback */
			err = ext2_map_blocks(inode, folio, inode->i_size, 0, 0, map, NULL);
			if (!err && !ext2_map_contiguous(inode, map)) {
				ext2_read_folio_blocks(inode, folio, map);
				continue;
			}
			pblk = err ? 0 : map[0];
		} else if (folio_pos(folio) < inode->i_size) {
			err = ext2_folio_block(inode, folio, &pblk, 0);
		}
		if (err < 0 || !pblk) {		/* hole, past EOF, or error */
			memset(folio_address(folio), 0, PAGE_SIZE);
			if (err < 0)
				folio_set_error(folio);
			else
				folio_mark_uptodate(folio);
			folio_unlock(folio);
			continue;
		}
		if (bio && (pblk != next || bio->bi_size >= max_pages * PAGE_SIZE ||
			    !bio_add_page(bio, folio_page(folio, 0), PAGE_SIZE, 0))) {
			submit_bio(bio);
			bio = NULL;
		}
		if (!bio) {
			bio = bio_alloc(inode_bdev(inode), min(readahead_count(rac), max_pages),
					REQ_OP_READ, GFP_KERNEL);
			if (!bio) {
				ext2_read_folio(rac->file, folio);
				continue;
			}
			bio->bi_sector = blk_to_sector(inode, pblk);
			bio->bi_end_io = bio_end_read_folios;
			bio_add_page(bio, folio_page(folio, 0), PAGE_SIZE, 0);
		}
		next = pblk + ext2_bpp(inode);
	}
	if (bio)
		submit_bio(bio);
}

/* Read (REQ_OP_READ) or write block pblk from or to bytes [off, off +
 * len) of a locked folio, synchronously (partial writes, short copies). */
static int ext2_block_io_sync(struct inode *inode, struct folio *folio, u32 pblk,
			      unsigned int off, unsigned int len, unsigned int op)
{
	struct bio *bio = bio_alloc(inode_bdev(inode), 1, op, GFP_KERNEL);
	int err;

	if (!bio)
		return -ENOMEM;
	bio->bi_sector = blk_to_sector(inode, pblk);
	bio_add_page(bio, folio_page(folio, 0), len, off);
	err = submit_bio_wait(bio);
	bio_put(bio);
	return err;
}

/* Blocks of a folio that were just allocated (bits of new) but will not
 * get the data meant for them: a short copy into a folio that is not
 * uptodate, or a write_begin that failed after allocating some of the
 * folio's blocks (ENOSPC at the next one). They stay in the file, and
 * their disk contents are somebody's old data: zero them in the folio
 * and on the disk now, before anything reads them (Linux's
 * page_zero_new_buffers; a folio that is not uptodate stays so, and a
 * read takes all its blocks from the disk). Folio locked. */
static int ext2_zero_new_blocks(struct inode *inode, struct folio *folio, unsigned int new)
{
	unsigned int bs = ext2_blocksize(inode), i;
	u64 first = folio_pos(folio) >> ext2_blocksize_bits(inode);
	int err = 0;

	for (i = 0; i < ext2_bpp(inode) && err >= 0; i++) {
		u32 pblk;

		if (!(new & (1U << i)))
			continue;
		memset((char *)folio_address(folio) + i * bs, 0, bs);
		err = ext2_get_block(inode, first + i, &pblk, 0);
		if (err >= 0 && pblk)
			err = ext2_block_io_sync(inode, folio, pblk, i * bs, bs, REQ_OP_WRITE);
	}
	return err < 0 ? err : 0;
}

/* Small blocks: allocate the blocks of a locked folio that bytes
 * [from, to) of the file overlap (new ones zeroed) and, if the folio is
 * not uptodate, fill the rest of it: its other mapped blocks read, holes
 * and blocks past EOF zeroed. Afterwards a copy into [from, to) leaves
 * the whole folio valid (as Linux's __block_write_begin). *newp as for
 * ext2_map_blocks. On an error after some blocks were allocated (ENOSPC
 * at the next), those are zeroed on the disk (ext2_zero_new_blocks). */
static int ext2_prepare_blocks(struct inode *inode, struct folio *folio, loff_t from,
			       loff_t to, unsigned int *newp)
{
	unsigned int bs = ext2_blocksize(inode), i;
	loff_t pos = folio_pos(folio);
	u32 map[EXT2_MAX_BPP];
	int err = ext2_map_blocks(inode, folio, inode->i_size, from, to, map, newp);

	for (i = 0; i < ext2_bpp(inode) && !err; i++) {
		char *p = (char *)folio_address(folio) + i * bs;
		loff_t b = pos + i * bs;

		if (*newp & (1U << i))
			memset(p, 0, bs);
		else if (folio_test_uptodate(folio) || (from <= b && b + bs <= to))
			continue;	/* valid, or overwritten whole */
		else if (!map[i])
			memset(p, 0, bs);
		else
			err = ext2_block_io_sync(inode, folio, map[i], i * bs, bs, REQ_OP_READ);
	}
	if (err < 0 && *newp)	/* allocated some, then failed */
		ext2_zero_new_blocks(inode, folio, *newp);
	return err;
}

static void ext2_write_end_io(struct bio *bio)
{
	unsigned int i;

	/* bio_add_page merges physically adjacent pages into one segment:
	 * visit every page of every segment. */
	for (i = 0; i < bio->bi_vcnt; i++) {
		struct bio_vec *bv = &bio->bi_io_vec[i];
		unsigned int n = (bv->bv_offset + bv->bv_len + PAGE_SIZE - 1) / PAGE_SIZE;

		for (unsigned int k = 0; k < n; k++) {
			struct folio *f = page_folio(bv->bv_page + k);

			/* a failed page stays clean: the error is reported
			 * by fsync, the write is not retried (as Linux) */
			if (bio->bi_status && folio_mapping(f))
				mapping_set_error(folio_mapping(f), bio->bi_status);
			folio_end_writeback(f);
		}
	}
	bio_put(bio);
}

/* State of one writepages call: the bio being built. */
struct ext2_wb {
	struct inode *inode;
	struct bio *bio;
	u32 next_blk;		/* the block that would extend bio */
};

static void ext2_wb_submit(struct ext2_wb *wb)
{
	if (wb->bio)
		submit_bio(wb->bio);
	wb->bio = NULL;
}

/* Small blocks: map the blocks of a dirty folio inside EOF; a hole
 * whose bytes are not all zero gets a block. If the page is one run from
 * its start, returns the run's length with *pblk its first block (the
 * folio joins the merged bios, still locked); else writes the runs here
 * and returns 0, or -errno; then the folio is unlocked and its
 * writeback ends with the runs' bios (or now, on an error). */
static int ext2_writepage_blocks(struct inode *inode, struct folio *folio, loff_t isize,
				 u32 *pblk)
{
	unsigned int bs = ext2_blocksize(inode), i, n, dummy;
	u32 map[EXT2_MAX_BPP];
	struct folio_seg segs[EXT2_MAX_BPP];
	int err = ext2_map_blocks(inode, folio, isize, 0, 0, map, NULL);

	for (i = 0; i < ext2_bpp(inode) && !err; i++) {
		const char *p = (const char *)folio_address(folio) + i * bs;
		loff_t b = folio_pos(folio) + i * bs;

		if (map[i] || b >= isize)
			continue;
		for (unsigned int k = 0; k < bs; k++)
			if (p[k]) {
				err = ext2_map_blocks(inode, folio, isize, b, b + bs, map, &dummy);
				break;
			}
	}
	if (err < 0) {
		mapping_set_error(inode->i_mapping, err);
		goto out;
	}
	n = ext2_map_to_segs(inode, map, segs);
	if (n == 1 && segs[0].off == 0) {
		*pblk = map[0];
		return segs[0].len;
	}
	err = submit_folio_segs(inode_bdev(inode), folio, segs, n, REQ_OP_WRITE);
	if (!err) {
		folio_unlock(folio);
		return 0;
	}
	folio_mark_dirty(folio);	/* -ENOMEM: keep it for the next round */
out:
	folio_unlock(folio);
	folio_end_writeback(folio);
	return err;
}

/* One dirty folio (locked, writeback set): add it to the current bio
 * if its block continues the run, else start a new bio. */
static int ext2_writepage(struct folio *folio, struct writeback_control *wbc, void *data)
{
	struct ext2_wb *wb = data;
	struct inode *inode = wb->inode;
	loff_t isize = inode->i_size;
	unsigned int len = PAGE_SIZE;
	u32 pblk;
	int err;

	(void)wbc;
	if (folio_pos(folio) >= isize) {	/* truncated meanwhile */
		folio_unlock(folio);
		folio_end_writeback(folio);
		return 0;
	}
	if (folio_pos(folio) + PAGE_SIZE > isize)
		memset((char *)folio_address(folio) + (isize & (PAGE_SIZE - 1)), 0,
		       PAGE_SIZE - (isize & (PAGE_SIZE - 1)));
	if (ext2_bpp(inode) > 1) {
		err = ext2_writepage_blocks(inode, folio, isize, &pblk);
		if (err <= 0)
			return err;
		len = err;
	} else {
		err = ext2_folio_block(inode, folio, &pblk, 1);
	}
	if (err < 0 || !pblk) {
		folio_unlock(folio);
		folio_end_writeback(folio);
		mapping_set_error(inode->i_mapping, err < 0 ? err : -EIO);
		return err < 0 ? err : -EIO;
	}
	if (wb->bio && (pblk != wb->next_blk ||
			!bio_add_page(wb->bio, folio_page(folio, 0), len, 0)))
		ext2_wb_submit(wb);
	if (!wb->bio) {
		wb->bio = bio_alloc(inode_bdev(inode), EXT2_WB_MAX_VECS, REQ_OP_WRITE, GFP_KERNEL);
		if (!wb->bio) {		/* keep it dirty for the next round */
			folio_mark_dirty(folio);
			folio_unlock(folio);
			folio_end_writeback(folio);
			return -ENOMEM;
		}
		wb->bio->bi_sector = blk_to_sector(inode, pblk);
		wb->bio->bi_end_io = ext2_write_end_io;
		bio_add_page(wb->bio, folio_page(folio, 0), len, 0);
	}
	/* a page cut short by EOF ends the run */
	wb->next_blk = len == PAGE_SIZE ? pblk + ext2_bpp(inode) : 0;
	folio_unlock(folio);
	return 0;
}

static int ext2_writepages(struct address_space *mapping, struct writeback_control *wbc)
{
	struct ext2_wb wb = { .inode = mapping->host };
	int err = write_cache_pages(mapping, wbc, ext2_writepage, &wb);

	ext2_wb_submit(&wb);
	return err;
}

/* Prepare one page for a copy: allocate its block (a new block's page
 * is zeroed), read the old contents for a partial overwrite. *fsdata
 * (if given) gets the mask of the folio's new blocks for write_end. */
int ext2_write_begin(struct file *file, struct address_space *mapping, loff_t pos,
		     unsigned int len, struct folio **foliop, void **fsdata)
{
	struct inode *inode = mapping->host;
	unsigned long index = pos >> PAGE_SHIFT;
	struct folio *f;
	unsigned int new = 0;
	u32 pblk;
	int ret;

	(void)file;
	f = __filemap_get_folio(mapping, index, FGP_LOCK | FGP_CREAT | FGP_WRITE, GFP_KERNEL);
	if (IS_ERR_OR_NULL(f))
		return f ? PTR_ERR(f) : -ENOMEM;
	if (ext2_bpp(inode) > 1) {
		ret = ext2_prepare_blocks(inode, f, pos, pos + len, &new);
		if (ret < 0)
			goto fail;
	} else {
		ret = ext2_folio_block(inode, f, &pblk, 1);
		if (ret < 0)
			goto fail;
		new = ret == 1;
		if (!folio_test_uptodate(f)) {
			if (ret == 1 || len == PAGE_SIZE) {
				if (len != PAGE_SIZE)
					memset(folio_address(f), 0, PAGE_SIZE);
			} else {
				ret = ext2_block_io_sync(inode, f, pblk, 0, PAGE_SIZE, REQ_OP_READ);
				if (ret)
					goto fail;
				folio_mark_uptodate(f);
			}
		}
	}
	*foliop = f;
	if (fsdata)
		*fsdata = (void *)(uintptr_t)new;
	return 0;
fail:
	folio_unlock(f);
	folio_put(f);
	return ret;
}

/* After the copy: mark the page dirty, grow i_size, unlock, put. A short
 * copy counts only into an uptodate folio (Linux's block_write_end);
 * new blocks are dirty even if no byte reached them (their zeros must
 * replace what the disk holds). fsdata: write_begin's mask of new
 * blocks (NULL from the directory code, whose copies are whole). A
 * short write's blocks past EOF are freed by ext2_file_write. */
int ext2_write_end(struct file *file, struct address_space *mapping, loff_t pos,
		   unsigned int len, unsigned int copied, struct folio *folio, void *fsdata)
{
	struct inode *inode = mapping->host;
	unsigned int new = (uintptr_t)fsdata;
	int err = 0;

	(void)file;
	if (!folio_test_uptodate(folio)) {
		if (copied < len) {
			copied = 0;
			err = ext2_zero_new_blocks(inode, folio, new);
			new = 0;
		} else {
			folio_mark_uptodate(folio);
		}
	}
	if (copied || new)
		folio_mark_dirty(folio);
	if (pos + copied > inode->i_size) {
		inode->i_size = pos + copied;
		mark_inode_dirty(inode);
	}
	folio_unlock(folio);
	folio_put(folio);
	return err < 0 ? err : copied;
}

static sector_t ext2_bmap(struct address_space *mapping, sector_t block)
{
	u32 pblk = 0;

	if (ext2_get_block(mapping->host, block, &pblk, 0) < 0)
		return 0;
	return pblk;
}

const struct address_space_operations ext2_aops = {
	.read_folio = ext2_read_folio,
	.writepages = ext2_writepages,
	.dirty_folio = filemap_dirty_folio,
	.readahead = ext2_readahead,
	.write_begin = ext2_write_begin,
	.write_end = ext2_write_end,
	.invalidate_folio = ext2_invalidate_folio,
	.release_folio = ext2_release_folio,
	.bmap = ext2_bmap,
};

/* No i_rwsem here (as Linux): filemap_read copes with a racing truncate
 * (it re-checks i_size and folio->mapping), and taking it would deadlock
 * a write(2) whose buffer is a private mapping of the same file. */
static ssize_t ext2_file_read(struct file *f, struct iov_iter *to, loff_t *pos)
{
	return filemap_read(f, to, pos);
}

/* A failed or short write or fallocate may have allocated blocks past
 * EOF, whose pages writeback skips: their zeros would never reach the
 * disk, and a later extension would expose old data. Free them.
 * i_rwsem held for writing. */
static void ext2_trim_past_eof(struct inode *inode)
{
	truncate_inode_pages(inode->i_mapping, inode->i_size);
	ext2_truncate_blocks(inode, inode->i_size);
}

static ssize_t ext2_file_write(struct file *f, struct iov_iter *from, loff_t *pos)
{
	struct inode *inode = file_inode(f);
	size_t count = iov_iter_count(from);
	ssize_t ret;

	if (ext2_inode_sb(inode)->s_readonly)
		return -EROFS;
	down_write(&inode->i_rwsem);
	if (f->f_flags & O_APPEND)
		*pos = inode->i_size;
	if ((u64)*pos + iov_iter_count(from) > (1ULL << 41))
		ret = -EFBIG;
	else
		ret = generic_perform_write(f, from, pos);
	if (ret < (ssize_t)count)
		ext2_trim_past_eof(inode);
	if (ret > 0) {		/* times only: fdatasync need not write them */
		inode->i_mtime = inode->i_ctime = ext2_get_seconds();
		mark_inode_dirty_sync(inode);
	}
	up_write(&inode->i_rwsem);
	return ret;
}

/* One block of a fallocate: map it, allocating if it is a hole; a new
 * block's old contents are garbage, so its page is zeroed, uptodate and
 * dirty, and the zeros reach the disk (ext2 has no unwritten extents).
 * An existing block is left alone, read or not. */
static int ext2_alloc_one(struct inode *inode, unsigned long index, loff_t from, loff_t to)
{
	struct folio *f = __filemap_get_folio(inode->i_mapping, index, FGP_LOCK | FGP_CREAT,
					      GFP_KERNEL);
	unsigned int new;
	u32 pblk;
	int ret;

	if (IS_ERR_OR_NULL(f))
		return f ? PTR_ERR(f) : -ENOMEM;
	if (ext2_bpp(inode) > 1) {	/* the range's blocks of this page */
		ret = ext2_prepare_blocks(inode, f, max(from, folio_pos(f)),
					  min(to, folio_pos(f) + (loff_t)PAGE_SIZE), &new);
		if (ret >= 0)
			folio_mark_uptodate(f);
		if (ret >= 0 && new)
			folio_mark_dirty(f);
		folio_unlock(f);
		folio_put(f);
		return ret < 0 ? ret : 0;
	}
	ret = ext2_folio_block(inode, f, &pblk, 1);
	if (ret == 1) {
		if (!folio_test_uptodate(f)) {
			memset(folio_address(f), 0, PAGE_SIZE);
			folio_mark_uptodate(f);
		}
		folio_mark_dirty(f);
	}
	folio_unlock(f);
	folio_put(f);
	return ret < 0 ? ret : 0;
}

/* fallocate mode 0: allocate every hole block of the range, then grow
 * i_size over it. Linux's ext2 has no fallocate (glibc's
 * posix_fallocate then writes zeros); this does the same work in the
 * kernel, touching only the holes. On ENOSPC the blocks already
 * allocated inside EOF stay (zeroed), those past EOF are freed. i_rwsem (write) as for write(2). The
 * VFS calls this a chunk at a time (vfs_fallocate). */
static long ext2_fallocate(struct file *f, int mode, loff_t off, loff_t len)
{
	struct inode *inode = file_inode(f);
	unsigned long first = off >> PAGE_SHIFT;
	unsigned long last = (off + len - 1) >> PAGE_SHIFT;
	long err = 0;

	if (mode)
		return -EOPNOTSUPP;
	if ((u64)(off + len) >= (1ULL << 41))	/* as ext2_file_write's limit */
		return -EFBIG;
	if (ext2_inode_sb(inode)->s_readonly)
		return -EROFS;
	down_write(&inode->i_rwsem);
	for (unsigned long i = first; i <= last && !err; i++) {
		err = ext2_alloc_one(inode, i, off, off + len);
		balance_dirty_pages_ratelimited(inode->i_mapping);
	}
	if (!err && off + len > inode->i_size)
		err = ext2_setsize(inode, off + len);
	if (err)
		ext2_trim_past_eof(inode);
	up_write(&inode->i_rwsem);
	return err;
}

/* Linux's generic_file_fsync order: the data of the range (its errors
 * reported once per open file), then the inode into its inode-table
 * block (fdatasync: only if the size or block map changed), then the
 * metadata (the whole bdev cache: simple; its bitmaps and indirect
 * blocks cover this file's blocks), then a device cache FLUSH. */
int ext2_fsync(struct file *f, loff_t start, loff_t end, int datasync)
{
	struct inode *inode = file_inode(f);
	struct ext2_sb_info *sbi = EXT2_SB(ext2_inode_sb(inode));
	int err = file_write_and_wait_range(f, start, end), err2 = 0, err3;

	if (!datasync || (READ_ONCE(inode->i_state) & I_DIRTY_DATASYNC))
		err2 = sync_inode_metadata(inode, 1);
	err3 = sync_blockdev(sbi->s_bdev);	/* metadata + FLUSH */
	return err ? err : err2 ? err2 : err3;
}

/* ->page_mkwrite: a shared mapping is about to store into a clean page.
 * Allocate its block now, as ext4's block_page_mkwrite does, so that a
 * store into a hole is refused here (ENOSPC: SIGBUS for the writer)
 * rather than lost at writeback; then dirty the folio and return it
 * locked. A folio truncated meanwhile: VM_FAULT_NOPAGE (the fault is
 * retried and finds the new EOF). */
static vm_fault_t ext2_page_mkwrite(struct vm_fault *vmf)
{
	/* LAB(mmap) BEGIN: give a page written through a shared mapping its block
	 * do_page_mkwrite calls this before a store into vmf->page (unlocked,
	 * referenced) through a shared mapping. Refuse on a read-only file
	 * system (VM_FAULT_SIGBUS). Lock the folio; if it left the file
	 * (truncated: folio_mapping) or is past EOF now, unlock it and return
	 * VM_FAULT_NOPAGE (the fault is retried). Allocate its block now
	 * (ext2_folio_block with create): a store into a hole of a full disk
	 * must fail here, as a SIGBUS for the writer (VM_FAULT_OOM for
	 * -ENOMEM), not be lost at writeback. Then dirty it, wait for any
	 * writeback of it to finish (the page must not change while it is
	 * being written), update the times (mark_inode_dirty_sync) and
	 * return it locked: VM_FAULT_LOCKED.
	 * Provided until then: filemap_page_mkwrite (dirty only, no block).
	 * STUB: return filemap_page_mkwrite(vmf);
	 */
	struct folio *folio = page_folio(vmf->page);
	struct inode *inode = file_inode(vmf->vma->vm_file);
	unsigned int new;
	u32 pblk;
	int err;

	if (ext2_inode_sb(inode)->s_readonly)
		return VM_FAULT_SIGBUS;
	folio_lock(folio);
	if (folio_mapping(folio) != inode->i_mapping || folio_pos(folio) >= inode->i_size) {
		folio_unlock(folio);
		return VM_FAULT_NOPAGE;
	}
	if (ext2_bpp(inode) > 1)	/* every block of the page inside EOF */
		err = ext2_prepare_blocks(inode, folio, folio_pos(folio),
					  min(inode->i_size, folio_pos(folio) + (loff_t)PAGE_SIZE), &new);
	else
		err = ext2_folio_block(inode, folio, &pblk, 1);
	if (err < 0) {
		folio_unlock(folio);
		return err == -ENOMEM ? VM_FAULT_OOM : VM_FAULT_SIGBUS;
	}
	folio_mark_dirty(folio);
	folio_wait_writeback(folio);	/* no store into a page being written */
	inode->i_mtime = inode->i_ctime = ext2_get_seconds();
	mark_inode_dirty_sync(inode);	/* times: the block map marked itself */
	return VM_FAULT_LOCKED;
	/* LAB(mmap) END */
}

static const struct vm_operations_struct ext2_file_vm_ops = {
	.fault = filemap_fault,
	.map_pages = filemap_map_pages,
	.page_mkwrite = ext2_page_mkwrite,
};

static int ext2_file_mmap(struct file *f, struct vm_area_struct *vma)
{
	(void)f;
	vma->vm_ops = &ext2_file_vm_ops;
	return 0;
}

const struct file_operations ext2_file_operations = {
	.read = ext2_file_read,
	.write = ext2_file_write,
	.llseek = generic_file_llseek,
	.fsync = ext2_fsync,
	.fallocate = ext2_fallocate,
	.mmap = ext2_file_mmap,
};
