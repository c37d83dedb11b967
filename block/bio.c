/* bio.c: allocating bios, adding pages, completion, the blocking
 * helper submit_bio_wait, and submit_folio_segs (several parts of one
 * folio, each its own bio, the folio finished by the last). No locks: a bio belongs to one submitter until
 * submit_bio, then to the block layer until bi_end_io. */
#include <bio.h>
#include <slab.h>
#include <sched.h>
#include <string.h>
#include <uapi/errno.h>
#include <pagemap.h>

static struct kmem_cache *bio_cache;

struct bio *bio_alloc(struct block_device *bdev, unsigned int nr_vecs,
		      unsigned int opf, gfp_t gfp)
{
	if (!bio_cache)
		bio_cache = kmem_cache_create("bio", sizeof(struct bio), 8, 0, NULL);
	struct bio *b = kmem_cache_zalloc(bio_cache, gfp);
	if (!b)
		return NULL;
	b->bi_bdev = bdev;
	b->bi_opf = opf;
	if (nr_vecs <= BIO_INLINE_VECS) {
		b->bi_io_vec = b->bi_inline_vecs;
		b->bi_max_vecs = BIO_INLINE_VECS;
	} else {
		b->bi_io_vec = kmalloc(nr_vecs * sizeof(struct bio_vec), gfp);
		if (!b->bi_io_vec) {
			kmem_cache_free(bio_cache, b);
			return NULL;
		}
		b->bi_max_vecs = nr_vecs;
	}
	return b;
}

void bio_put(struct bio *b)
{
	if (b->bi_io_vec != b->bi_inline_vecs)
		kfree(b->bi_io_vec);
	kmem_cache_free(bio_cache, b);
}

unsigned int bio_add_page(struct bio *b, struct page *page, unsigned int len,
			  unsigned int off)
{
	if (b->bi_vcnt) {	/* extend the last segment if physically contiguous */
		struct bio_vec *bv = &b->bi_io_vec[b->bi_vcnt - 1];
		if (page_to_phys(bv->bv_page) + bv->bv_offset + bv->bv_len ==
		    page_to_phys(page) + off) {
			bv->bv_len += len;
			b->bi_size += len;
			return len;
		}
	}
	if (b->bi_vcnt >= b->bi_max_vecs)
		return 0;
	b->bi_io_vec[b->bi_vcnt++] = (struct bio_vec){ page, len, off };
	b->bi_size += len;
	return len;
}

void bio_endio(struct bio *b)
{
	if (b->bi_end_io)
		b->bi_end_io(b);
}

static void submit_bio_wait_endio(struct bio *b)
{
	complete(b->bi_private);
}

int submit_bio_wait(struct bio *b)
{
	struct completion done;
	init_completion(&done);
	b->bi_private = &done;
	b->bi_end_io = submit_bio_wait_endio;
	b->bi_opf |= REQ_SYNC;
	submit_bio(b);
	wait_for_completion(&done);
	return b->bi_status;
}

/* submit_folio_segs: one bio per part, the folio finished by the last. */
struct folio_io {
	struct folio *folio;
	unsigned int op;
	int pending, error;
};

static void folio_io_done(struct folio_io *io)
{
	struct folio *f = io->folio;

	if (io->op == REQ_OP_WRITE) {
		if (io->error && folio_mapping(f))
			mapping_set_error(folio_mapping(f), io->error);
		folio_end_writeback(f);
	} else {
		if (io->error)
			folio_set_error(f);
		else
			folio_mark_uptodate(f);
		folio_unlock(f);
	}
	kfree(io);
}

static void folio_seg_end_io(struct bio *b)
{
	struct folio_io *io = b->bi_private;

	if (b->bi_status)
		io->error = b->bi_status;
	bio_put(b);
	if (__atomic_sub_fetch(&io->pending, 1, __ATOMIC_ACQ_REL) == 0)
		folio_io_done(io);
}

int submit_folio_segs(struct block_device *bdev, struct folio *folio,
		      const struct folio_seg *segs, int n, unsigned int op)
{
	struct folio_io *io = kmalloc(sizeof(*io), GFP_KERNEL);
	struct bio *bios[PAGE_SIZE / SECTOR_SIZE];
	int i;

	if (!io || n > (int)(PAGE_SIZE / SECTOR_SIZE))
		goto nomem;
	for (i = 0; i < n; i++) {
		if (!(bios[i] = bio_alloc(bdev, 1, op, GFP_KERNEL))) {
			while (i--)
				bio_put(bios[i]);
			goto nomem;
		}
		bios[i]->bi_sector = segs[i].sector;
		bios[i]->bi_private = io;
		bios[i]->bi_end_io = folio_seg_end_io;
		bio_add_page(bios[i], folio_page(folio, 0), segs[i].len, segs[i].off);
	}
	*io = (struct folio_io){ .folio = folio, .op = op, .pending = n + 1 };
	for (i = 0; i < n; i++)
		submit_bio(bios[i]);
	/* the extra count keeps io alive until every bio is submitted */
	if (__atomic_sub_fetch(&io->pending, 1, __ATOMIC_ACQ_REL) == 0)
		folio_io_done(io);
	return 0;
nomem:
	kfree(io);
	return -ENOMEM;
}
