/* virtio_ring.c: split virtqueues. The descriptor table, available ring
 * and used ring live in physically contiguous zeroed pages; free
 * descriptors form a list through .next. A request is one chain, or, with
 * VIRTIO_F_INDIRECT_DESC, a single descriptor pointing at a table of its
 * own, so the whole ring size is available as in-flight requests.
 * virtqueue_add_sgs_one and virtqueue_get_buf_one, one chain at a time,
 * are the virtio course lab's starting point (docs/labs/virtio.md),
 * unused here.
 * Lock: vq->lock, held by callers of add/get/kick_prepare (irq-safe
 * spinlock); virtqueue_notify is called without it. */
#include <virtio.h>
#include <mm.h>
#include <slab.h>
#include <riscv.h>
#include <string.h>

struct virtqueue *virtio_setup_vq(struct virtio_device *d, int index)
{
	vio_write32(d, VIRTIO_MMIO_QUEUE_SEL, index);
	if (vio_read32(d, VIRTIO_MMIO_QUEUE_READY))
		return NULL;
	unsigned int num = vio_read32(d, VIRTIO_MMIO_QUEUE_NUM_MAX);
	if (!num)
		return NULL;
	num = min(num, 1024U);
	struct virtqueue *vq = kzalloc(sizeof(*vq), GFP_KERNEL);
	size_t dsz = 16 * num, asz = 6 + 2 * num, usz = 6 + 8 * num;
	size_t total = ALIGN_UP(dsz + asz, 4096) + ALIGN_UP(usz, 4096);
	unsigned int order = 0;
	while ((PAGE_SIZE << order) < total)
		order++;
	void *mem = get_free_pages(GFP_KERNEL | __GFP_ZERO, order);
	vq->data = kcalloc(num, sizeof(void *), GFP_KERNEL);
	vq->indirect = kcalloc(num, sizeof(void *), GFP_KERNEL);
	if (!vq || !mem || !vq->data || !vq->indirect)
		return NULL;
	spin_lock_init(&vq->lock);
	vq->vdev = d;
	vq->num = vq->num_free = num;
	vq->desc = mem;
	vq->avail = (void *)((char *)mem + dsz);
	vq->used = (void *)((char *)mem + ALIGN_UP(dsz + asz, 4096));
	for (unsigned int i = 0; i < num; i++)
		vq->desc[i].next = i + 1;
	vq->use_indirect = (d->features >> VIRTIO_F_INDIRECT_DESC) & 1;
	vio_write32(d, VIRTIO_MMIO_QUEUE_NUM, num);
	u64 pd = __pa(vq->desc), pa = __pa(vq->avail), pu = __pa(vq->used);
	vio_write32(d, VIRTIO_MMIO_QUEUE_DESC_LOW, pd);
	vio_write32(d, VIRTIO_MMIO_QUEUE_DESC_HIGH, pd >> 32);
	vio_write32(d, VIRTIO_MMIO_QUEUE_AVAIL_LOW, pa);
	vio_write32(d, VIRTIO_MMIO_QUEUE_AVAIL_HIGH, pa >> 32);
	vio_write32(d, VIRTIO_MMIO_QUEUE_USED_LOW, pu);
	vio_write32(d, VIRTIO_MMIO_QUEUE_USED_HIGH, pu >> 32);
	vio_write32(d, VIRTIO_MMIO_QUEUE_READY, 1);
	return vq;
}

static void fill(struct vring_desc *d, struct vq_sg *sg, u16 next, int last)
{
	d->addr = sg->addr;
	d->len = sg->len;
	d->flags = (sg->write ? VRING_DESC_F_WRITE : 0) | (last ? 0 : VRING_DESC_F_NEXT);
	d->next = next;
}

/* What the virtio lab's student tree (docs/labs/virtio.md) runs its
 * queues on until it has its own virtqueue_add_sgs and virtqueue_get_buf;
 * the solution never calls them. As xv6's driver: one chain at a time,
 * always in descriptors 0..n-1 (no free list, no indirect table), so a
 * device has at most one request in flight. vq->lock held. */
static int __maybe_unused virtqueue_add_sgs_one(struct virtqueue *vq, struct vq_sg *sg, int n,
						void *token)
{
	if (vq->data[0] || (unsigned int)n > vq->num)
		return -EBUSY;	/* the device still has the one chain */
	for (int i = 0; i < n; i++)
		fill(&vq->desc[i], &sg[i], i + 1, i == n - 1);
	vq->data[0] = token;
	vq->avail->ring[vq->avail->idx % vq->num] = 0;
	wmb();		/* descriptors before the index the device reads */
	vq->avail->idx++;
	return 0;
}

static __maybe_unused void *virtqueue_get_buf_one(struct virtqueue *vq, u32 *len)
{
	if (vq->last_used == READ_ONCE(vq->used->idx))
		return NULL;
	rmb();		/* the element after the index */
	if (len)
		*len = vq->used->ring[vq->last_used % vq->num].len;
	vq->last_used++;
	void *token = vq->data[0];
	vq->data[0] = NULL;
	return token;
}

int virtqueue_add_sgs(struct virtqueue *vq, struct vq_sg *sg, int n, void *token)
{
	/* LAB(virtio) BEGIN: expose a chain of n buffers to the device
	 * Descriptors: vq->desc[] (vq->num of them); the free ones form a
	 * list from vq->free_head through .next (virtio_setup_vq built it),
	 * vq->num_free counts them. A chain is n descriptors linked by .next
	 * with VRING_DESC_F_NEXT on all but the last (fill() writes one).
	 * With vq->use_indirect, spend ONE ring descriptor instead: kmalloc
	 * (GFP_ATOMIC) a table of n descriptors holding the chain, point the
	 * ring descriptor at it (__pa, len = table size, VRING_DESC_F_INDIRECT)
	 * and remember the table in vq->indirect[head] to free it later;
	 * without indirect (or if the kmalloc fails) take n from the free
	 * list, or return -EBUSY if there are not that many (the block layer
	 * retries after a completion). Then remember token in vq->data[head],
	 * publish head in vq->avail->ring[avail->idx % num], and only after
	 * a write barrier (wmb: the device must see the descriptors before
	 * the index) increment avail->idx; count it in vq->num_added for
	 * virtqueue_kick_prepare. Do not notify here: the driver batches.
	 * Provided until then: virtqueue_add_sgs_one, one chain at a time.
	 * STUB: return virtqueue_add_sgs_one(vq, sg, n, token);
	 */
	u16 head = vq->free_head;
	if (vq->use_indirect && n > 1) {
		struct vring_desc *t = kmalloc(n * sizeof(*t), GFP_ATOMIC);
		if (t && vq->num_free >= 1) {
			for (int i = 0; i < n; i++)
				fill(&t[i], &sg[i], i + 1, i == n - 1);
			struct vring_desc *d = &vq->desc[head];
			vq->free_head = d->next;
			d->addr = __pa(t);
			d->len = n * sizeof(*t);
			d->flags = VRING_DESC_F_INDIRECT;
			vq->indirect[head] = t;
			vq->num_free--;
			goto publish;
		}
		kfree(t);
	}
	if (vq->num_free < (unsigned int)n)
		return -EBUSY;
	u16 idx = head;
	for (int i = 0; i < n; i++) {
		struct vring_desc *d = &vq->desc[idx];
		u16 next = d->next;
		fill(d, &sg[i], next, i == n - 1);
		if (i < n - 1)
			idx = next;
		else
			vq->free_head = next;
	}
	vq->num_free -= n;
publish:
	vq->data[head] = token;
	vq->avail->ring[vq->avail->idx % vq->num] = head;
	wmb();		/* descriptors before the index the device reads */
	vq->avail->idx++;
	vq->num_added++;
	return 0;
	/* LAB(virtio) END */
}

/* Several submitters may add chains before one of them kicks: the first
 * kick_prepare after them covers them all (the device reads avail->idx
 * after the notify), later ones find nothing added and skip the notify. */
int virtqueue_kick_prepare(struct virtqueue *vq)
{
	/* LAB(virtio) BEGIN: does the device need a notify?
	 * Yes if chains were added since the last call (vq->num_added; reset
	 * it) and the device has not said it is polling the ring anyway
	 * (VRING_USED_F_NO_NOTIFY in vq->used->flags). Read the flags only
	 * after a full barrier (mb): the device must be able to see the new
	 * avail->idx before we decide it will look without being told.
	 * Provided until then: always notify.
	 * STUB: return 1;
	 */
	mb();		/* avail->idx before reading the device's flags */
	int kick = vq->num_added && !(READ_ONCE(vq->used->flags) & VRING_USED_F_NO_NOTIFY);
	vq->num_added = 0;
	return kick;
	/* LAB(virtio) END */
}

void virtqueue_notify(struct virtqueue *vq)
{
	vio_write32(vq->vdev, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
}

/* LAB(virtio) BEGIN: helpers for virtqueue_get_buf, if you want them
 */
/* Returns the chain starting at head to the free list. */
static void detach(struct virtqueue *vq, u16 head)
{
	u16 i = head;
	if (vq->indirect[head]) {
		kfree(vq->indirect[head]);
		vq->indirect[head] = NULL;
	} else {
		while (vq->desc[i].flags & VRING_DESC_F_NEXT) {
			i = vq->desc[i].next;
			vq->num_free++;
		}
	}
	vq->desc[i].next = vq->free_head;
	vq->free_head = head;
	vq->num_free++;
}
/* LAB(virtio) END */

void *virtqueue_get_buf(struct virtqueue *vq, u32 *len)
{
	/* LAB(virtio) BEGIN: take back the next chain the device is done with
	 * The device appends the head of each chain it has finished, with the
	 * bytes it wrote, to vq->used->ring and then increments used->idx;
	 * vq->last_used is how far we have consumed. If they are equal,
	 * return NULL. Else read the element only after a read barrier
	 * (rmb: the element is valid once we have seen the index), set *len
	 * (if len), advance last_used, take the token from vq->data[head]
	 * (and clear it), and give the chain's descriptors back to the free
	 * list (free an indirect table instead), counting them in
	 * vq->num_free. Return the token.
	 * Provided until then: virtqueue_get_buf_one (one chain at a time).
	 * STUB: return virtqueue_get_buf_one(vq, len);
	 */
	if (vq->last_used == READ_ONCE(vq->used->idx))
		return NULL;
	rmb();		/* the element after the index */
	struct vring_used_elem *e = &vq->used->ring[vq->last_used % vq->num];
	u16 head = e->id;
	if (len)
		*len = e->len;
	vq->last_used++;
	void *token = vq->data[head];
	vq->data[head] = NULL;
	detach(vq, head);
	return token;
	/* LAB(virtio) END */
}
