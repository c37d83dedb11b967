/* virtio_mmio.c: probing the virtio-mmio slots the FDT lists and the
 * device-status handshake: reset, ACKNOWLEDGE, DRIVER, feature
 * negotiation (FEATURES_OK), queue setup, DRIVER_OK. Only version 2
 * (modern) devices are driven. Runs at boot in pid 1's context. */
#include <virtio.h>
#include <mm.h>
#include <printk.h>
#include <slab.h>

int virtio_negotiate(struct virtio_device *d, u64 wanted)
{
	u64 have;
	vio_write32(d, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
	have = vio_read32(d, VIRTIO_MMIO_DEVICE_FEATURES);
	vio_write32(d, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
	have |= (u64)vio_read32(d, VIRTIO_MMIO_DEVICE_FEATURES) << 32;
	d->features = have & (wanted | (1ULL << VIRTIO_F_VERSION_1));
	vio_write32(d, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	vio_write32(d, VIRTIO_MMIO_DRIVER_FEATURES, (u32)d->features);
	vio_write32(d, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	vio_write32(d, VIRTIO_MMIO_DRIVER_FEATURES, d->features >> 32);
	u32 st = vio_read32(d, VIRTIO_MMIO_STATUS) | VIRTIO_STATUS_FEATURES_OK;
	vio_write32(d, VIRTIO_MMIO_STATUS, st);
	if (!(vio_read32(d, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_FEATURES_OK))
		return -EIO;
	return 0;
}

void virtio_driver_ok(struct virtio_device *d)
{
	vio_write32(d, VIRTIO_MMIO_STATUS,
		    vio_read32(d, VIRTIO_MMIO_STATUS) | VIRTIO_STATUS_DRIVER_OK);
}

u32 virtio_ack_irq(struct virtio_device *d)
{
	u32 st = vio_read32(d, VIRTIO_MMIO_INTERRUPT_STATUS);
	vio_write32(d, VIRTIO_MMIO_INTERRUPT_ACK, st);
	return st;
}

static void probe_slot(struct mmio_dev *m, int index)
{
	struct virtio_device *d = kzalloc(sizeof(*d), GFP_KERNEL);
	d->base = ioremap(m->base, m->size ? m->size : 0x200);
	d->irq = m->irq;
	d->index = index;
	if (vio_read32(d, VIRTIO_MMIO_MAGIC) != 0x74726976 ||
	    (d->device_id = vio_read32(d, VIRTIO_MMIO_DEVICE_ID)) == 0) {
		kfree(d);	/* no device behind this slot */
		return;
	}
	if (vio_read32(d, VIRTIO_MMIO_VERSION) != 2) {
		printk("virtio%d: legacy device (use -global virtio-mmio.force-legacy=false)\n", index);
		kfree(d);
		return;
	}
	vio_write32(d, VIRTIO_MMIO_STATUS, 0);	/* reset */
	vio_write32(d, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE);
	vio_write32(d, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	int err = -ENODEV;
	if (d->device_id == 2)
		err = virtio_blk_probe(d);
	if (err) {
		if (err != -ENODEV)
			printk("virtio%d: device %u failed: %d\n", index, d->device_id, err);
		vio_write32(d, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_FAILED);
		kfree(d);
	}
}

/* In FDT order, which makes QEMU's first -device vda. */
void virtio_mmio_init(void)
{
	for (int i = 0; i < machine.nr_virtio; i++)
		probe_slot(&machine.virtio[i], i);
}
