/* blk-core.c: from submit_bio to the driver and back. A bio is checked
 * against its partition, remapped to disk sectors and turned into a
 * request; with a plug (blk_start_plug) requests collect in the task and
 * a bio that continues the previous one is merged into it (up to the
 * queue limits). Requests go to the driver while it has room
 * (->queue_rq), wait on q->dispatch otherwise, and are restarted after
 * each completion, so one task can keep the device saturated. Once q->lock
 * is dropped, ->commit_rqs starts the batch the driver took (one device
 * notify for all of it).
 * Locks: q->lock (irq-safe) for dispatch and statistics, never held
 * across ->commit_rqs. submit_bio never sleeps waiting for the device. */
#include <blkdev.h>
#include <sched.h>
#include <slab.h>
#include <printk.h>
#include <timer.h>
#include <vmstat.h>
#include <uapi/errno.h>

static struct kmem_cache *rq_cache;

u64 ktime_get_ms(void)
{
	return ktime_get_ns() / 1000000;
}

/* Updates io_ticks/time_in_queue before in_flight changes. q->lock held. */
static void part_stat_tick(struct block_device *p, u64 now)
{
	struct disk_stats *s = &p->stats;
	if (s->in_flight) {
		s->io_ticks += now - s->stamp;
		s->time_in_queue += (now - s->stamp) * s->in_flight;
	}
	s->stamp = now;
}

static void account_start(struct request *rq)
{
	struct block_device *parts[2] = { rq->part, rq->part->bd_disk->part[0] };
	u64 now = ktime_get_ms();
	rq->start_ms = now;
	for (int i = 0; i < (parts[0] == parts[1] ? 1 : 2); i++) {
		part_stat_tick(parts[i], now);
		parts[i]->stats.in_flight++;
	}
}

static void account_vm(struct request *rq)
{
	int op = rq_op(rq);
	if (op == REQ_OP_READ)
		count_vm_events(PGPGIN, rq->nr_sectors / 2);	/* KiB, as Linux */
	else if (op == REQ_OP_WRITE)
		count_vm_events(PGPGOUT, rq->nr_sectors / 2);
}

/* The driver took rq (Linux's blk_mq_start_request). q->lock held. */
static void account_driver(struct request *rq, int delta)
{
	rq->part->stats.in_driver += delta;
	if (rq->part != rq->part->bd_disk->part[0])
		rq->part->bd_disk->part[0]->stats.in_driver += delta;
}

static void account_done(struct request *rq)
{
	account_vm(rq);
	account_driver(rq, -1);
	struct block_device *parts[2] = { rq->part, rq->part->bd_disk->part[0] };
	u64 now = ktime_get_ms();
	int op = rq_op(rq);
	for (int i = 0; i < (parts[0] == parts[1] ? 1 : 2); i++) {
		struct disk_stats *s = &parts[i]->stats;
		part_stat_tick(parts[i], now);
		s->in_flight--;
		if (op == REQ_OP_FLUSH) {
			s->flush_ios++;
			s->flush_ticks += now - rq->start_ms;
			continue;
		}
		s->ios[op]++;
		s->sectors[op] += rq->nr_sectors;
		s->ticks[op] += now - rq->start_ms;
	}
}

/* Hands as many queued requests to the driver as it takes. q->lock held.
 * Returns how many it took: the caller, after dropping q->lock, calls
 * blk_commit_rqs if that is not 0. */
static int __blk_run_queue(struct request_queue *q)
{
	int n = 0;
	while (!list_empty(&q->dispatch)) {
		struct request *rq = list_first_entry(&q->dispatch, struct request, queuelist);
		list_del_init(&rq->queuelist);
		if (q->ops->queue_rq(rq) == -EBUSY) {
			list_add(&rq->queuelist, &q->dispatch);
			break;
		}
		q->in_driver++;
		account_driver(rq, 1);
		n++;
	}
	return n;
}

static void blk_commit_rqs(struct request_queue *q)
{
	if (q->ops->commit_rqs)
		q->ops->commit_rqs(q);
}

void blk_run_queue(struct request_queue *q)
{
	spin_lock(&q->lock);
	int n = __blk_run_queue(q);
	spin_unlock(&q->lock);
	if (n)
		blk_commit_rqs(q);
}

/* Queues rq; with commit, also starts the driver on what it took, now or
 * in earlier calls without commit (a plug flush commits once per queue,
 * after its last request for it). */
static void blk_dispatch(struct request *rq, int commit)
{
	struct request_queue *q = rq->q;
	spin_lock(&q->lock);
	account_start(rq);
	list_add_tail(&rq->queuelist, &q->dispatch);
	__blk_run_queue(q);
	spin_unlock(&q->lock);
	if (commit)
		blk_commit_rqs(q);
}

/* After a step of a FUA/PREFLUSH write succeeds: the next step, or 0 when
 * the request is complete. */
static int next_flush_step(struct request *rq)
{
	int fua = (rq->cmd_flags & REQ_FUA) && rq->q->disk_flush;
	switch (rq->flush_state) {
	case RQ_FLUSH_PRE:
		return RQ_FLUSH_DATA;
	case RQ_FLUSH_NONE:
	case RQ_FLUSH_DATA:
		return fua && (rq->cmd_flags & REQ_OP_MASK) == REQ_OP_WRITE ? RQ_FLUSH_POST : 0;
	}
	return 0;
}

/* Driver completion, in interrupt context, with q->lock NOT held. */
void blk_mq_end_request(struct request *rq, int status)
{
	struct request_queue *q = rq->q;
	struct bio *b = rq->bio;
	int step = status ? 0 : next_flush_step(rq);
	spin_lock(&q->lock);
	account_done(rq);
	q->in_driver--;
	if (step) {		/* same request, next step: back to the queue */
		rq->flush_state = step;
		account_start(rq);
		list_add(&rq->queuelist, &q->dispatch);
		int n = __blk_run_queue(q);
		spin_unlock(&q->lock);
		if (n)
			blk_commit_rqs(q);
		return;
	}
	spin_unlock(&q->lock);
	while (b) {
		struct bio *next = b->bi_next;
		b->bi_next = NULL;
		b->bi_status = status;
		bio_endio(b);
		b = next;
	}
	kmem_cache_free(rq_cache, rq);
	blk_run_queue(q);	/* room for waiting requests */
}

static struct request *bio_to_request(struct bio *b)
{
	struct request *rq = kmem_cache_zalloc(rq_cache, GFP_ATOMIC);
	if (!rq)
		return NULL;
	INIT_LIST_HEAD(&rq->queuelist);
	rq->q = b->bi_bdev->bd_disk->queue;
	rq->part = b->bi_bdev;
	rq->cmd_flags = b->bi_opf;
	rq->sector = b->bi_sector;
	rq->nr_sectors = b->bi_size >> SECTOR_SHIFT;
	rq->nr_segments = b->bi_vcnt;
	rq->bio = rq->biotail = b;
	if ((b->bi_opf & REQ_PREFLUSH) && bio_op(b) == REQ_OP_WRITE && rq->q->disk_flush)
		rq->flush_state = RQ_FLUSH_PRE;
	return rq;
}

/* Can b be appended to rq (contiguous, same op, within limits)? */
static int can_back_merge(struct request *rq, struct bio *b)
{
	struct queue_limits *l = &rq->q->limits;
	unsigned int op = rq->cmd_flags & REQ_OP_MASK;
	if (op == REQ_OP_FLUSH || bio_op(b) != op || rq->q != b->bi_bdev->bd_disk->queue ||
	    ((rq->cmd_flags ^ b->bi_opf) & (REQ_FUA | REQ_PREFLUSH)))
		return 0;
	return rq->sector + rq->nr_sectors == b->bi_sector &&
	       rq->nr_sectors + (b->bi_size >> SECTOR_SHIFT) <= l->max_sectors &&
	       rq->nr_segments + b->bi_vcnt <= l->max_segments;
}

static void bio_io_error(struct bio *b, int err)
{
	b->bi_status = err;
	bio_endio(b);
}

void submit_bio(struct bio *b)
{
	struct block_device *bd = b->bi_bdev;
	sector_t nr = b->bi_size >> SECTOR_SHIFT;
	int op = bio_op(b);

	if (!rq_cache)
		rq_cache = kmem_cache_create("request", sizeof(struct request), 8, 0, NULL);
	if (op != REQ_OP_FLUSH) {
		/* Never touch sectors outside the partition. */
		if ((b->bi_size & (SECTOR_SIZE - 1)) || b->bi_sector > bd->bd_nr_sectors ||
		    nr > bd->bd_nr_sectors - b->bi_sector)
			{ bio_io_error(b, -EIO); return; }
		if (op == REQ_OP_WRITE && bd->bd_disk->ro)
			{ bio_io_error(b, -EROFS); return; }
		b->bi_sector += bd->bd_start_sect;
	}
	struct blk_plug *plug = current->plug;
	if (plug && op != REQ_OP_FLUSH) {
		if (!list_empty(&plug->list)) {
			struct request *last = list_last_entry(&plug->list, struct request, queuelist);
			if (can_back_merge(last, b)) {
				last->biotail->bi_next = b;
				last->biotail = b;
				last->nr_sectors += nr;
				last->nr_segments += b->bi_vcnt;
				last->cmd_flags |= b->bi_opf & REQ_SYNC;
				spin_lock(&last->q->lock);
				bd->stats.merges[op]++;
				if (bd->bd_partno)
					bd->bd_disk->part[0]->stats.merges[op]++;
				spin_unlock(&last->q->lock);
				return;
			}
		}
		struct request *rq = bio_to_request(b);
		if (!rq)
			{ bio_io_error(b, -ENOMEM); return; }
		list_add_tail(&rq->queuelist, &plug->list);
		if (++plug->count >= 32)	/* do not sit on too much */
			blk_flush_plug(current);
		return;
	}
	struct request *rq = bio_to_request(b);
	if (!rq)
		{ bio_io_error(b, -ENOMEM); return; }
	blk_dispatch(rq, 1);
}

void blk_start_plug(struct blk_plug *plug)
{
	INIT_LIST_HEAD(&plug->list);
	plug->count = 0;
	if (!current->plug)
		current->plug = plug;
}

/* Sends the plugged requests to their queues (also called by schedule()
 * when the task blocks, so nothing waits on a sleeping task's plug). */
void blk_flush_plug(struct task_struct *t)
{
	struct blk_plug *plug = t->plug;
	if (!plug)
		return;
	while (!list_empty(&plug->list)) {
		struct request *rq = list_first_entry(&plug->list, struct request, queuelist);
		list_del_init(&rq->queuelist);
		/* one notify per run of requests for the same queue */
		int last = list_empty(&plug->list) ||
			   list_first_entry(&plug->list, struct request, queuelist)->q != rq->q;
		blk_dispatch(rq, last);
	}
	plug->count = 0;
}

void blk_finish_plug(struct blk_plug *plug)
{
	if (current->plug == plug) {
		blk_flush_plug(current);
		current->plug = NULL;
	}
}

struct request_queue *blk_alloc_queue(const struct blk_mq_ops *ops, void *data)
{
	struct request_queue *q = kzalloc(sizeof(*q), GFP_KERNEL);
	if (!q)
		return NULL;
	spin_lock_init(&q->lock);
	INIT_LIST_HEAD(&q->dispatch);
	q->ops = ops;
	q->queuedata = data;
	q->limits = (struct queue_limits){ 512, 128, 1U << 20, 2048 };
	return q;
}
