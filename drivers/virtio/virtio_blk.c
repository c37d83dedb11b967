/* virtio_blk.c: the virtio block device. Each block-layer request becomes
 * one descriptor chain {header, data segments..., status byte} (one
 * indirect descriptor when negotiated), so as many requests are in
 * flight as the ring has entries. ->queue_rq only adds the chain;
 * ->commit_rqs, called by the block layer once it has dropped q->lock,
 * notifies the device once for everything added (as Linux's
 * virtio_commit_rqs). The interrupt handler collects used chains and
 * completes their requests with the device status
 * (VIRTIO_BLK_S_IOERR -> -EIO).
 * Locks: q->lock (block layer, held in ->queue_rq) before vq->lock; no
 * lock is held across the notify, whose MMIO write runs QEMU's device
 * model: a hart spinning for vq->lock in the interrupt handler would wait
 * for all of it. */
#include <virtio.h>
#include <blkdev.h>
#include <irq.h>
#include <printk.h>
#include <printf.h>
#include <slab.h>

#define VIRTIO_BLK_F_SIZE_MAX 1
#define VIRTIO_BLK_F_SEG_MAX 2
#define VIRTIO_BLK_F_RO 5
#define VIRTIO_BLK_F_BLK_SIZE 6
#define VIRTIO_BLK_F_FLUSH 9
#define VIRTIO_BLK_T_IN 0
#define VIRTIO_BLK_T_OUT 1
#define VIRTIO_BLK_T_FLUSH 4
#define VIRTIO_BLK_S_OK 0

struct virtio_blk {
	struct virtio_device *vdev;
	struct virtqueue *vq;
	struct gendisk *disk;
	u32 size_max;
};

struct vblk_req {		/* device-visible header and status */
	u32 type, ioprio;
	u64 sector;
	u8 status;
	struct request *rq;
	struct vq_sg sg[];
};

/* Scatter-gather entries for rq's data: each segment split at size_max. */
static unsigned int count_sg(struct virtio_blk *vb, struct request *rq)
{
	unsigned int n = 0;
	for (struct bio *b = rq->bio; b; b = b->bi_next)
		for (int i = 0; i < b->bi_vcnt; i++)
			n += vb->size_max ? DIV_ROUND_UP(b->bi_io_vec[i].bv_len, vb->size_max) : 1;
	return n;
}

static int virtblk_queue_rq(struct request *rq)
{
	struct virtio_blk *vb = rq->q->queuedata;
	int op = rq_op(rq);
	unsigned int max_sg = 2 + (op == REQ_OP_FLUSH ? 0 : count_sg(vb, rq));
	struct vblk_req *r = kmalloc(sizeof(*r) + max_sg * sizeof(struct vq_sg), GFP_ATOMIC);
	if (!r)
		return -EBUSY;	/* retried after the next completion or submission */
	r->type = op == REQ_OP_READ ? VIRTIO_BLK_T_IN : op == REQ_OP_WRITE ? VIRTIO_BLK_T_OUT
									: VIRTIO_BLK_T_FLUSH;
	r->ioprio = 0;
	r->sector = op == REQ_OP_FLUSH ? 0 : rq->sector;
	r->status = 0xff;
	r->rq = rq;
	int n = 0;
	r->sg[n++] = (struct vq_sg){ __pa(r), 16, 0 };
	for (struct bio *b = rq->bio; b && op != REQ_OP_FLUSH; b = b->bi_next) {
		for (int i = 0; i < b->bi_vcnt; i++) {
			struct bio_vec *bv = &b->bi_io_vec[i];
			u64 pa = page_to_phys(bv->bv_page) + bv->bv_offset;
			for (u32 left = bv->bv_len; left; ) {
				u32 len = vb->size_max ? min(left, vb->size_max) : left;
				r->sg[n++] = (struct vq_sg){ pa, len, op == REQ_OP_READ };
				pa += len;
				left -= len;
			}
		}
	}
	r->sg[n++] = (struct vq_sg){ __pa(&r->status), 1, 1 };
	spin_lock(&vb->vq->lock);
	int err = virtqueue_add_sgs(vb->vq, r->sg, n, r);
	spin_unlock(&vb->vq->lock);
	if (err) {
		kfree(r);
		return -EBUSY;
	}
	rq->driver_data = r;
	return 0;
}

static void virtblk_commit_rqs(struct request_queue *q)
{
	struct virtio_blk *vb = q->queuedata;
	spin_lock(&vb->vq->lock);
	int kick = virtqueue_kick_prepare(vb->vq);
	spin_unlock(&vb->vq->lock);
	if (kick)
		virtqueue_notify(vb->vq);
}

static const struct blk_mq_ops virtblk_ops = {
	.queue_rq = virtblk_queue_rq,
	.commit_rqs = virtblk_commit_rqs,
};

static void virtblk_irq(int irq, void *data)
{
	struct virtio_blk *vb = data;
	struct vblk_req *done[64];
	(void)irq;
	virtio_ack_irq(vb->vdev);
	for (;;) {
		int n = 0;
		spin_lock(&vb->vq->lock);
		while (n < 64 && (done[n] = virtqueue_get_buf(vb->vq, NULL)))
			n++;
		spin_unlock(&vb->vq->lock);
		for (int i = 0; i < n; i++) {
			struct request *rq = done[i]->rq;
			int st = done[i]->status == VIRTIO_BLK_S_OK ? 0 : -EIO;
			kfree(done[i]);
			blk_mq_end_request(rq, st);
		}
		if (n < 64)
			break;
	}
}

static u32 cfg32(struct virtio_device *d, int off) { return vio_read32(d, VIRTIO_MMIO_CONFIG + off); }

int virtio_blk_probe(struct virtio_device *d)
{
	u64 want = (1ULL << VIRTIO_BLK_F_SIZE_MAX) | (1ULL << VIRTIO_BLK_F_SEG_MAX) |
		   (1ULL << VIRTIO_BLK_F_RO) | (1ULL << VIRTIO_BLK_F_BLK_SIZE) |
		   (1ULL << VIRTIO_BLK_F_FLUSH) | (1ULL << VIRTIO_F_INDIRECT_DESC);
	if (virtio_negotiate(d, want))
		return -EIO;
	struct virtio_blk *vb = kzalloc(sizeof(*vb), GFP_KERNEL);
	if (!vb || !(vb->vq = virtio_setup_vq(d, 0)))
		return -ENOMEM;
	vb->vdev = d;
	struct request_queue *q = blk_alloc_queue(&virtblk_ops, vb);
	char name[16];
	static int nr_vd;
	snprintf(name, sizeof(name), "vd%c", 'a' + nr_vd++);
	vb->disk = alloc_disk(name, q);
	if (!q || !vb->disk)
		return -ENOMEM;
	struct gendisk *disk = vb->disk;
	disk->capacity = cfg32(d, 0) | (u64)cfg32(d, 4) << 32;
	disk->ro = (d->features >> VIRTIO_BLK_F_RO) & 1;
	disk->flush = q->disk_flush = (d->features >> VIRTIO_BLK_F_FLUSH) & 1;
	if ((d->features >> VIRTIO_BLK_F_SIZE_MAX) & 1)
		vb->size_max = cfg32(d, 8);
	u32 seg_max = (d->features >> VIRTIO_BLK_F_SEG_MAX) & 1 ? cfg32(d, 12) : 126;
	if (!vb->vq->use_indirect)
		seg_max = min(seg_max, vb->vq->num - 2);
	q->limits.max_segments = max(seg_max, 2U);
	if ((d->features >> VIRTIO_BLK_F_BLK_SIZE) & 1)
		q->limits.logical_block_size = cfg32(d, 20);
	q->limits.max_sectors = 2048;	/* 1 MiB; segments are limited apart */
	if (request_irq(d->irq, virtblk_irq, vb))
		return -EIO;
	virtio_driver_ok(d);
	printk("%s: virtio-blk, ring %u%s, seg_max %u%s\n", name, vb->vq->num,
	       vb->vq->use_indirect ? " indirect" : "", seg_max, disk->flush ? ", flush" : "");
	return add_disk(disk);
}
