/* bio.h: block I/O requests as Linux shapes them. A bio describes one
 * contiguous range of sectors and the memory (page, offset, length
 * segments) it moves; submit_bio never waits and bi_end_io runs when the
 * device is done (in interrupt context). The block layer turns bios into
 * requests (merging neighbours) that a driver dispatches.
 * Locks: q->lock protects the dispatch list and in-flight accounting;
 * callers of submit_bio hold no spinlock. */
#ifndef _BIO_H
#define _BIO_H
#include <types.h>
#include <list.h>
#include <spinlock.h>
#include <mm.h>

typedef u64 sector_t;
#define SECTOR_SHIFT 9
#define SECTOR_SIZE 512

/* bi_opf: the operation in the low byte, flags above it */
#define REQ_OP_READ 0
#define REQ_OP_WRITE 1
#define REQ_OP_FLUSH 2
#define REQ_OP_MASK 0xff
#define REQ_SYNC (1U << 8)
#define REQ_FUA (1U << 9)
#define REQ_PREFLUSH (1U << 10)
#define REQ_META (1U << 11)
#define bio_op(b) ((b)->bi_opf & REQ_OP_MASK)

struct bio_vec {
	struct page *bv_page;
	unsigned int bv_len, bv_offset;
};

struct block_device;
struct bio;
typedef void (bio_end_io_t)(struct bio *);

#define BIO_INLINE_VECS 4
struct bio {
	struct bio *bi_next;		/* in a request's chain */
	struct block_device *bi_bdev;
	unsigned int bi_opf;
	int bi_status;			/* 0 or -errno */
	sector_t bi_sector;		/* device (partition-relative until submit) */
	unsigned int bi_size;		/* bytes */
	unsigned short bi_vcnt, bi_max_vecs;
	struct bio_vec *bi_io_vec;
	bio_end_io_t *bi_end_io;
	void *bi_private;
	struct bio_vec bi_inline_vecs[BIO_INLINE_VECS];
};

struct bio *bio_alloc(struct block_device *bdev, unsigned int nr_vecs,
		      unsigned int opf, gfp_t gfp);
void bio_put(struct bio *bio);
/* Adds a segment; returns len, or 0 if the bio is full. */
unsigned int bio_add_page(struct bio *bio, struct page *page, unsigned int len,
			  unsigned int off);
void submit_bio(struct bio *bio);
int submit_bio_wait(struct bio *bio);	/* 0 or -errno */
void bio_endio(struct bio *bio);

/* Part of one folio and where it lives on the device. */
struct folio_seg {
	unsigned int off, len;		/* bytes inside the folio */
	sector_t sector;
};
/* I/O on several separate parts of one folio (the blocks of a page
 * that are not contiguous on disk). Read: the folio is locked; it is
 * marked uptodate if all parts read, and unlocked, when the last bio
 * ends. Write: writeback is set; it ends with the last bio (errors go to
 * mapping_set_error). n may be 0. Returns 0 or -ENOMEM (nothing issued,
 * the caller still owns the folio's lock or writeback). */
struct folio;
int submit_folio_segs(struct block_device *bdev, struct folio *folio,
		      const struct folio_seg *segs, int n, unsigned int op);

/* A per-task plug: bios queue up and merge until blk_finish_plug (or
 * the task sleeps). */
struct blk_plug {
	struct list_head list;		/* requests not yet dispatched */
	int count;
};
void blk_start_plug(struct blk_plug *plug);
void blk_finish_plug(struct blk_plug *plug);
void blk_flush_plug(struct task_struct *t);
#endif
