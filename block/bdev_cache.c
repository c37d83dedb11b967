/* bdev_cache.c: the page cache of a block device. Each block_device has
 * a pseudo-inode whose mapping caches the device's bytes by 4 KiB page;
 * file systems read their metadata through it (read_mapping_folio) and
 * buffered I/O on /dev/vdX goes through it. read_folio and writepages
 * submit one bio per page under a plug, so neighbours merge into large
 * requests. Completions run in interrupt context; a failed write is
 * recorded with mapping_set_error (reported by fsync, never retried).
 * The a_ops have no invalidate_folio, release_folio or bmap: a device
 * folio carries no private data (its sector is index * 8, nothing to
 * cache; Linux needs them for buffer heads) and no block map, so the
 * page cache's defaults are complete, and FIBMAP on a device node is
 * EINVAL as in Linux.
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

static int bdev_writepage(struct folio *f, struct writeback_control *wbc, void *data)
{
	struct block_device *bd = data;
	(void)wbc;
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

static const struct address_space_operations bdev_aops = {
	.read_folio = bdev_read_folio,
	.readahead = bdev_readahead,
	.writepages = bdev_writepages,
	.dirty_folio = filemap_dirty_folio,
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
