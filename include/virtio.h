/* virtio.h: the virtio-mmio (version 2) transport and split virtqueues,
 * as in the virtio 1.1 specification (sections 2.6 and 4.2).
 * A virtqueue's lock protects its rings and free list; it is taken from
 * the submitter (with the queue lock of the block layer held) and from
 * the interrupt handler. The device is notified (an MMIO write, during
 * which QEMU runs the device model) with no lock held: the driver marks
 * the ring under vq->lock (virtqueue_kick_prepare), then notifies. */
#ifndef _VIRTIO_H
#define _VIRTIO_H
#include <types.h>
#include <spinlock.h>
#include <setup.h>
#include <uapi/errno.h>

/* MMIO registers */
#define VIRTIO_MMIO_MAGIC 0x000
#define VIRTIO_MMIO_VERSION 0x004
#define VIRTIO_MMIO_DEVICE_ID 0x008
#define VIRTIO_MMIO_DEVICE_FEATURES 0x010
#define VIRTIO_MMIO_DEVICE_FEATURES_SEL 0x014
#define VIRTIO_MMIO_DRIVER_FEATURES 0x020
#define VIRTIO_MMIO_DRIVER_FEATURES_SEL 0x024
#define VIRTIO_MMIO_QUEUE_SEL 0x030
#define VIRTIO_MMIO_QUEUE_NUM_MAX 0x034
#define VIRTIO_MMIO_QUEUE_NUM 0x038
#define VIRTIO_MMIO_QUEUE_READY 0x044
#define VIRTIO_MMIO_QUEUE_NOTIFY 0x050
#define VIRTIO_MMIO_INTERRUPT_STATUS 0x060
#define VIRTIO_MMIO_INTERRUPT_ACK 0x064
#define VIRTIO_MMIO_STATUS 0x070
#define VIRTIO_MMIO_QUEUE_DESC_LOW 0x080
#define VIRTIO_MMIO_QUEUE_DESC_HIGH 0x084
#define VIRTIO_MMIO_QUEUE_AVAIL_LOW 0x090
#define VIRTIO_MMIO_QUEUE_AVAIL_HIGH 0x094
#define VIRTIO_MMIO_QUEUE_USED_LOW 0x0a0
#define VIRTIO_MMIO_QUEUE_USED_HIGH 0x0a4
#define VIRTIO_MMIO_CONFIG 0x100

#define VIRTIO_STATUS_ACKNOWLEDGE 1
#define VIRTIO_STATUS_DRIVER 2
#define VIRTIO_STATUS_DRIVER_OK 4
#define VIRTIO_STATUS_FEATURES_OK 8
#define VIRTIO_STATUS_FAILED 128

#define VIRTIO_F_INDIRECT_DESC 28
#define VIRTIO_F_VERSION_1 32

#define VRING_DESC_F_NEXT 1
#define VRING_DESC_F_WRITE 2
#define VRING_DESC_F_INDIRECT 4
#define VRING_USED_F_NO_NOTIFY 1	/* the device is polling the ring */

struct vring_desc { u64 addr; u32 len; u16 flags, next; };
struct vring_avail { u16 flags, idx, ring[]; };
struct vring_used_elem { u32 id, len; };
struct vring_used { u16 flags, idx; struct vring_used_elem ring[]; };

struct virtio_device {
	volatile u8 *base;
	int irq, index;
	u32 device_id;
	u64 features;		/* negotiated */
	void *priv;
};

/* One scatter-gather element for virtqueue_add_sgs. */
struct vq_sg { u64 addr; u32 len; int write; };

struct virtqueue {
	struct virtio_device *vdev;
	spinlock_t lock;
	unsigned int num, num_free;
	u16 free_head, last_used;
	struct vring_desc *desc;
	struct vring_avail *avail;
	struct vring_used *used;
	void **data;		/* per head descriptor: the caller's token */
	void **indirect;	/* per head: an indirect table to free */
	int use_indirect;
	unsigned int num_added;	/* chains added since the last kick_prepare */
};

static inline u32 vio_read32(struct virtio_device *d, int off) { return *(volatile u32 *)(d->base + off); }
static inline void vio_write32(struct virtio_device *d, int off, u32 v) { *(volatile u32 *)(d->base + off) = v; }

int virtio_negotiate(struct virtio_device *d, u64 wanted);
struct virtqueue *virtio_setup_vq(struct virtio_device *d, int index);
void virtio_driver_ok(struct virtio_device *d);
/* Adds a chain; returns 0 or -EBUSY (ring full). Caller holds vq->lock. */
int virtqueue_add_sgs(struct virtqueue *vq, struct vq_sg *sg, int n, void *token);
/* Whether the chains added since the last call need a notify (the device
 * may be polling the ring already); vq->lock held. Then virtqueue_notify,
 * without the lock. */
int virtqueue_kick_prepare(struct virtqueue *vq);
void virtqueue_notify(struct virtqueue *vq);
/* Next completed token (and its written length) or NULL. vq->lock held. */
void *virtqueue_get_buf(struct virtqueue *vq, u32 *len);
u32 virtio_ack_irq(struct virtio_device *d);
int virtio_blk_probe(struct virtio_device *d);
void virtio_mmio_init(void);
#endif
