/* partitions.c: reading MBR and GPT partition tables when a disk is
 * added, creating vda1, vda2, ... Entries that do not fit inside the disk
 * are ignored. Reads go through submit_bio_wait (may sleep). */
#include <blkdev.h>
#include <printk.h>
#include <string.h>
#include <uapi/errno.h>

static int read_sector(struct gendisk *disk, sector_t s, struct page *pg)
{
	struct bio *b = bio_alloc(disk->part[0], 1, REQ_OP_READ, GFP_KERNEL);
	if (!b)
		return -ENOMEM;
	b->bi_sector = s;
	bio_add_page(b, pg, SECTOR_SIZE, 0);
	int err = submit_bio_wait(b);
	bio_put(b);
	return err;
}

static u32 le32(const u8 *p) { return p[0] | p[1] << 8 | p[2] << 16 | (u32)p[3] << 24; }
static u64 le64(const u8 *p) { return le32(p) | (u64)le32(p + 4) << 32; }

static void try_add(struct gendisk *disk, int partno, u64 start, u64 len)
{
	if (!len || start >= disk->capacity || len > disk->capacity - start) {
		printk("%s: partition %d outside the disk, ignored\n", disk->disk_name, partno);
		return;
	}
	add_partition(disk, partno, start, len);
}

/* GPT: header at LBA 1, then the entry array. */
static int scan_gpt(struct gendisk *disk, struct page *pg)
{
	u8 *buf = page_address(pg);
	if (read_sector(disk, 1, pg) || memcmp(buf, "EFI PART", 8))
		return -1;
	u64 lba = le64(buf + 72);
	u32 n = le32(buf + 80), esz = le32(buf + 84);
	if (esz < 128 || esz > SECTOR_SIZE || SECTOR_SIZE % esz)
		return -1;
	for (u32 i = 0; i < n && i + 1 < DISK_MAX_PARTS; i++) {	/* vdaN = slot N-1, as Linux */
		u32 off = (i * esz) % SECTOR_SIZE;
		if (off == 0 && read_sector(disk, lba + i * esz / SECTOR_SIZE, pg))
			return -1;
		const u8 *e = buf + off;
		static const u8 zero[16];
		if (!memcmp(e, zero, 16))
			continue;	/* unused entry */
		u64 first = le64(e + 32), last = le64(e + 40);
		if (last >= first)
			try_add(disk, i + 1, first, last - first + 1);
	}
	return 0;
}

void blk_partitions_scan(struct gendisk *disk)
{
	struct page *pg = alloc_page(GFP_KERNEL | __GFP_ZERO);
	if (!pg)
		return;
	u8 *mbr = page_address(pg);
	if (read_sector(disk, 0, pg) || mbr[510] != 0x55 || mbr[511] != 0xaa)
		goto out;
	if (mbr[446 + 4] == 0xee) {	/* protective MBR */
		scan_gpt(disk, pg);
		goto out;
	}
	u8 entries[64];
	memcpy(entries, mbr + 446, 64);
	for (int i = 0; i < 4; i++) {
		const u8 *e = entries + 16 * i;
		if (e[4] == 0 || e[4] == 0x05 || e[4] == 0x0f)	/* empty / extended */
			continue;
		try_add(disk, i + 1, le32(e + 8), le32(e + 12));
	}
out:
	__free_page(pg);
}
