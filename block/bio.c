/* bio.c: allocating bios, adding pages, completion and the blocking
 * helper submit_bio_wait. No locks: a bio belongs to one submitter until
 * submit_bio, then to the block layer until bi_end_io. */
#include <bio.h>
#include <slab.h>
#include <sched.h>
#include <string.h>
#include <uapi/errno.h>

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
