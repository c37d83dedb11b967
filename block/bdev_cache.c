/* bdev_cache.c: the page cache of a block device. Each block_device has
 * a pseudo-inode whose mapping caches the device's bytes by 4 KiB page;
 * file systems read their metadata through it (read_mapping_folio) and
 * buffered I/O on /dev/vdX goes through it. read_folio and writepages
 * submit one bio per page under a plug, so neighbours merge into large
 * requests. Completions run in interrupt context; a failed write is
 * recorded with mapping_set_error (reported by fsync, never retried).
 * A file system whose blocks are smaller than a page dirties only its
 * block of a shared page (bdev_folio_dirty_range): the dirty sectors
 * are a mask in folio->private (PG_private), and writeback writes just
 * those, so a page holding an ext2 bitmap and a file's data block never
 * writes the stale copy of the data block (Linux keeps per-buffer dirty
 * bits in buffer heads for this). A dirty folio without PG_private is
 * dirty as a whole (buffered writes to /dev/vdX, folio_mark_dirty).
 * invalidate_folio and release_folio drop the mask; there is no bmap:
 * FIBMAP on a device node is EINVAL as in Linux.
 * Locks: as the page cache (folio lock, then i_pages_lock). */
#include <blkdev.h>
#include <fs.h>
#include <pagemap.h>
#include <printk.h>
#include <string.h>

static void read_end_io(struct bio *b)
{
	struct folio *f = b->bi_private;
	if (!b->bi_status)
		folio_mark_uptodate(f);
	else
		folio_set_error(f);
	folio_unlock(f);
	bio_put(b);
}

static int bdev_read_folio(struct file *file, struct folio *f)
{
	struct block_device *bd = folio_mapping(f)->private_data;
	(void)file;
	struct bio *b = bio_alloc(bd, 1, REQ_OP_READ, GFP_KERNEL);
	if (!b) {
		folio_unlock(f);
		return -ENOMEM;
	}
	b->bi_sector = (sector_t)folio_index(f) << (PAGE_SHIFT - SECTOR_SHIFT);
	b->bi_private = f;
	b->bi_end_io = read_end_io;
	unsigned int len = PAGE_SIZE;
	sector_t left = bd->bd_nr_sectors - b->bi_sector;
	if (left < PAGE_SIZE / SECTOR_SIZE) {	/* a partial last page */
		len = left << SECTOR_SHIFT;
		memset((char *)folio_address(f) + len, 0, PAGE_SIZE - len);
	}
	bio_add_page(b, &f->page, len, 0);
	submit_bio(b);
	return 0;
}

/* A run of consecutive pages is consecutive on the device: bios as
 * large as the queue takes (a partial last page of the device, or a
 * failed allocation: through read_folio). */
static void bdev_readahead(struct readahead_control *rac)
{
	struct block_device *bd = rac->mapping->private_data;
	unsigned int max_pages = bdev_max_bio_pages(bd);
	struct bio *b = NULL;
	struct folio *f;

	while ((f = readahead_folio(rac)) != NULL) {
		sector_t sector = (sector_t)folio_index(f) << (PAGE_SHIFT - SECTOR_SHIFT);
		int whole = sector + PAGE_SIZE / SECTOR_SIZE <= bd->bd_nr_sectors;
		if (b && (!whole || b->bi_size >= max_pages * PAGE_SIZE ||
			  !bio_add_page(b, &f->page, PAGE_SIZE, 0))) {
			submit_bio(b);
			b = NULL;
		} else if (b) {
			continue;	/* added to the current bio */
		}
		if (!whole || !(b = bio_alloc(bd, min(readahead_count(rac), max_pages), REQ_OP_READ,
				    GFP_KERNEL))) {
			bdev_read_folio(rac->file, f);
			continue;
		}
		b->bi_sector = sector;
		b->bi_end_io = bio_end_read_folios;
		bio_add_page(b, &f->page, PAGE_SIZE, 0);
	}
	if (b)
		submit_bio(b);
}

/* A failed page stays clean (its data is lost, as in Linux): fsync
 * reports the error once per open file instead of retrying forever. */
static void write_end_io(struct bio *b)
{
	struct folio *f = b->bi_private;
	if (b->bi_status && folio_mapping(f))
		mapping_set_error(folio_mapping(f), b->bi_status);
	bio_put(b);
	folio_end_writeback(f);
}

/* Write only the dirty sectors of a folio with a mask: one bio per run. */
static int bdev_write_mask(struct block_device *bd, struct folio *f, unsigned long mask)
{
	struct folio_seg segs[PAGE_SIZE / SECTOR_SIZE];
	sector_t first = (sector_t)folio_index(f) << (PAGE_SHIFT - SECTOR_SHIFT);
	unsigned int i = 0, n = 0, per = PAGE_SIZE / SECTOR_SIZE;

	while (i < per) {
		unsigned int j = i;

		if (!(mask & (1UL << i)) || first + i >= bd->bd_nr_sectors) {
			i++;
			continue;
		}
		while (j < per && (mask & (1UL << j)) && first + j < bd->bd_nr_sectors)
			j++;
		segs[n++] = (struct folio_seg){ i << SECTOR_SHIFT, (j - i) << SECTOR_SHIFT, first + i };
		i = j;
	}
	if (submit_folio_segs(bd, f, segs, n, REQ_OP_WRITE)) {
		folio_attach_private(f, mask);	/* dirty again, same sectors */
		filemap_dirty_folio(folio_mapping(f), f);
		folio_unlock(f);
		folio_end_writeback(f);
		return -ENOMEM;
	}
	folio_unlock(f);
	return 0;
}

static int bdev_writepage(struct folio *f, struct writeback_control *wbc, void *data)
{
	struct block_device *bd = data;
	(void)wbc;
	if (folio_test_private(f))
		return bdev_write_mask(bd, f, folio_detach_private(f));
	struct bio *b = bio_alloc(bd, 1, REQ_OP_WRITE, GFP_KERNEL);
	if (!b) {		/* nothing was written: keep it dirty for the next round */
		folio_mark_dirty(f);
		folio_unlock(f);
		folio_end_writeback(f);
		return -ENOMEM;
	}
	folio_unlock(f);
	b->bi_sector = (sector_t)folio_index(f) << (PAGE_SHIFT - SECTOR_SHIFT);
	b->bi_private = f;
	b->bi_end_io = write_end_io;
	sector_t left = bd->bd_nr_sectors - b->bi_sector;
	bio_add_page(b, &f->page, left < PAGE_SIZE / SECTOR_SIZE ? left << SECTOR_SHIFT : PAGE_SIZE, 0);
	submit_bio(b);
	return 0;
}

static int bdev_writepages(struct address_space *m, struct writeback_control *wbc)
{
	struct blk_plug plug;
	blk_start_plug(&plug);
	int err = write_cache_pages(m, wbc, bdev_writepage, m->private_data);
	blk_finish_plug(&plug);
	return err;
}

/* Dirtying the whole folio (buffered device writes) drops the mask. */
static int bdev_dirty_folio(struct address_space *m, struct folio *f)
{
	if (folio_test_private(f))
		folio_detach_private(f);
	return filemap_dirty_folio(m, f);
}

static void bdev_invalidate_folio(struct folio *f, size_t off, size_t len)
{
	if (off == 0 && len == PAGE_SIZE && folio_test_private(f))
		folio_detach_private(f);
}

static int bdev_release_folio(struct folio *f, gfp_t gfp)
{
	(void)gfp;
	return !folio_test_dirty(f) && !folio_test_writeback(f) ?
	       (folio_detach_private(f), 1) : 0;
}

static const struct address_space_operations bdev_aops = {
	.read_folio = bdev_read_folio,
	.readahead = bdev_readahead,
	.writepages = bdev_writepages,
	.dirty_folio = bdev_dirty_folio,
	.invalidate_folio = bdev_invalidate_folio,
	.release_folio = bdev_release_folio,
	.write_begin = simple_write_begin,
	.write_end = simple_write_end,
};

int bdev_cache_init(struct block_device *bd)
{
	struct inode *inode = new_inode(S_IFBLK | 0600);
	if (!inode)
		return -ENOMEM;
	inode->i_rdev = bd->bd_dev;
	inode->i_size = (loff_t)bd->bd_nr_sectors << SECTOR_SHIFT;
	inode->i_data.a_ops = &bdev_aops;
	inode->i_data.private_data = bd;
	bd->bd_inode = inode;
	return 0;
}

struct address_space *bdev_mapping(struct block_device *bd)
{
	return &bd->bd_inode->i_data;
}

int sync_blockdev(struct block_device *bd)
{
	int err = filemap_write_and_wait_range(bdev_mapping(bd), 0, -1);
	int err2 = blkdev_issue_flush(bd);
	return err ? err : err2;
}
