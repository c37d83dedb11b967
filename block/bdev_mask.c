/* bdev_mask.c: which sectors of a block device's cached page are dirty.
 * A file system whose blocks are smaller than a page (ext2 with 1 or
 * 2 KiB blocks) dirties only its block of a shared page; the mask of
 * dirty 512-byte sectors lives in folio->private (PG_private) and the
 * device's writepage (block/bdev_cache.c) writes only those sectors. A
 * dirty folio without PG_private is dirty as a whole. Kept apart from
 * bdev_cache.c so the ext2 host harness (tests/ext2) runs this code.
 * Locks: the caller holds the folio lock (writepage holds it too, so
 * the mask and PG_private change under it). */
#include <blkdev.h>
#include <pagemap.h>

/* The sectors bytes [off, off+len) of a page touch, as a bit mask. */
unsigned long bdev_sector_mask(unsigned int off, unsigned int len)
{
	unsigned long m = 0;

	for (unsigned int s = off >> SECTOR_SHIFT; s < (off + len + SECTOR_SIZE - 1) >> SECTOR_SHIFT; s++)
		m |= 1UL << s;
	return m;
}

/* Dirty bytes [off, off+len) of a device folio (locked by the caller):
 * only their sectors are written back, unless the folio is already
 * dirty as a whole. */
void bdev_folio_dirty_range(struct folio *f, unsigned int off, unsigned int len)
{
	unsigned long m = bdev_sector_mask(off, len);

	if (folio_test_dirty(f) && !folio_test_private(f))
		return;
	if (folio_test_private(f))
		f->page.private |= m;
	else
		folio_attach_private(f, m);
	filemap_dirty_folio(folio_mapping(f), f);
}

/* A freed block's dirty bytes must not be written over its next user:
 * forget them (folio locked, not under writeback). */
void bdev_folio_clean_range(struct folio *f, unsigned int off, unsigned int len)
{
	if (!folio_test_dirty(f))
		return;
	if (!folio_test_private(f))
		folio_attach_private(f, bdev_sector_mask(0, PAGE_SIZE));
	f->page.private &= ~bdev_sector_mask(off, len);
}
