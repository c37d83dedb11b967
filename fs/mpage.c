/* mpage.c: helpers for file systems that read several folios with one
 * bio (Linux's fs/mpage.c). bio_end_read_folios is the completion of
 * such a bio: it runs in interrupt context and takes no locks; each
 * folio was locked by the reader and is unlocked here. Kept apart from
 * mm/filemap.c so the host ext2 harness (tests/ext2) links the same code.
 */
#include <pagemap.h>
#include <bio.h>

/* Completion of a read bio: every page uptodate (or in error), unlocked. */
void bio_end_read_folios(struct bio *bio)
{
	for (unsigned int i = 0; i < bio->bi_vcnt; i++) {
		struct bio_vec *bv = &bio->bi_io_vec[i];
		unsigned int n = DIV_ROUND_UP(bv->bv_offset + bv->bv_len, PAGE_SIZE);
		for (unsigned int k = 0; k < n; k++) {
			struct folio *f = page_folio(bv->bv_page + k);
			if (!bio->bi_status)
				folio_mark_uptodate(f);
			else
				folio_set_error(f);
			folio_unlock(f);
		}
	}
	bio_put(bio);
}
