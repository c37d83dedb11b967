/* test_edge.c: host tests of two edges of fs/ext2, at each block size.
 *  - A write whose copy comes up short (the user buffer ran into an
 *    unmapped page; the shim's shim_short_copy stands in for it): into a
 *    folio that is not uptodate none of it counts (as Linux's
 *    block_write_end), and every block write_begin allocated for it
 *    reads as zeros, from the cache and after a remount, never as what
 *    the disk held there before (the free space is filled with a pattern
 *    first); blocks it allocated past EOF are freed again. Into an
 *    uptodate folio the bytes copied count.
 *  - A directory block whose records leave 4 bytes at its end (the next
 *    header would cross the block and, for the page's last block, the
 *    page): every walk reports the block as damaged without reading past
 *    it (ASan watches the folio's memory).
 * Each case e2fscks or remounts the image it made. */
#include <stdlib.h>
#include <string.h>
#include "shim.h"
#include "test.h"

#define STALE 0x5a	/* what the free blocks hold before the writes */

static void mkimg(const char *img, int bs)
{
	char cmd[160];

	snprintf(cmd, sizeof(cmd), "rm -f %s && mke2fs -q -F -t ext2 -b %d %s 8M >/dev/null",
		 img, bs, img);
	CHECK(host_system(cmd) == 0, "mke2fs -b %d %s", bs, img);
}

/* e2fsck -fn finds nothing wrong with img (else its first lines). */
static void fsck_clean(const char *img)
{
	char cmd[160];
	int rc;

	snprintf(cmd, sizeof(cmd), "e2fsck -fn %s > %s.fsck 2>&1", img, img);
	rc = host_system(cmd);
	CHECK(rc == 0, "e2fsck -fn %s: exit %d", img, rc);
	snprintf(cmd, sizeof(cmd), "head -20 %s.fsck", img);
	if (rc)
		host_system(cmd);
}

/* Fill most of the free space with STALE and free it again. */
static void fill_free_space(const char *img)
{
	long len = 6 << 20;
	unsigned char *b = malloc(len);

	memset(b, STALE, len);
	do_mount_img(img);
	CHECK(create_file("/pattern", b, len) == 0, "write the pattern");
	do_umount();		/* written back */
	do_mount_img(img);
	CHECK(do_remove("/pattern", 0) == 0, "remove the pattern");
	do_umount();
	free(b);
}

/* A file's expected contents. */
struct model { const char *path; unsigned char *want; long size; };

/* write(2) of len bytes at pos from a buffer whose bytes from copy on
 * are unreadable (copy -1: all readable). Returns what the write
 * returned, having added it to m. */
static long short_write(struct model *m, loff_t pos, long len, long copy, int c)
{
	struct inode *i = lookup_path(m->path);
	unsigned char *b = malloc(len);
	long r;

	memset(b, c, len);
	shim_short_copy = copy;
	r = write_at(i, b, len, pos);
	shim_short_copy = -1;
	iput(i);
	free(b);
	if (r > 0) {
		memset(m->want + pos, c, r);
		if (pos + r > m->size)
			m->size = pos + r;
	}
	return r;
}

static long size_of(const char *path)
{
	struct inode *i = lookup_path(path);
	long s = i ? i->i_size : -1;

	iput(i);
	return s;
}

/* Does the file hold exactly what m says? Reports the first difference. */
static int holds(const struct model *m)
{
	struct inode *i = lookup_path(m->path);
	unsigned char *b = malloc(m->size + 1);
	long n = i ? read_at(i, b, m->size + 1, 0) : -1, k;

	iput(i);
	for (k = 0; k < m->size && n == m->size && b[k] == m->want[k]; k++)
		;
	if (k < m->size || n != m->size)
		printf("  %s: read %ld of %ld bytes; first difference at %ld: %#x, want %#x\n",
		       m->path, n, m->size, k, k < n ? b[k] : 0, k < m->size ? m->want[k] : 0);
	free(b);
	return k == m->size && n == m->size;
}

#define MODEL_MAX (24 * PAGE_SIZE)

void test_short_copy(int bs)
{
	const char *img = "imgshort";
	struct model f = { "/f", calloc(1, MODEL_MAX), 0 }, h = { "/h", calloc(1, MODEL_MAX), 0 };
	struct model g = { "/g", calloc(1, MODEL_MAX), 0 };
	u32 gblocks, hblocks;
	long r;

	printf("== short copies, block size %d\n", bs);
	mkimg(img, bs);
	fill_free_space(img);
	/* /f: page 0 data, pages 1..19 holes but for a byte at the start of
	 * page 6 and one in the last 1 KiB of page 8, a byte in page 20;
	 * /g: two pages; /h: a page and 1500 bytes */
	do_mount_img(img);
	CHECK(create_file("/f", "", 0) == 0 && create_file("/g", "", 0) == 0 && create_file("/h", "", 0) == 0,
	      "create /f, /g, /h");
	short_write(&f, 0, PAGE_SIZE, -1, 'A');
	short_write(&f, 6 * PAGE_SIZE, 1, -1, 'M');
	short_write(&f, 8 * PAGE_SIZE + 3072, 1, -1, 'N');
	short_write(&f, 20 * PAGE_SIZE, 1, -1, 'Z');
	short_write(&g, 0, 2 * PAGE_SIZE, -1, 'G');
	short_write(&h, 0, PAGE_SIZE + 1500, -1, 'H');
	do_umount();
	do_mount_img(img);	/* nothing cached: every folio below is new */
	gblocks = blocks_of("/g");
	hblocks = blocks_of("/h");

	/* holes in the middle: part of a page, a whole page, the rest of a
	 * page with a block already there, a whole page over one. Into a
	 * folio that is not uptodate nothing counts; one that write_begin
	 * read whole may take the bytes copied. */
	CHECK(short_write(&f, 2 * PAGE_SIZE + 100, 2000, 700, 'x') == 0, "part of a hole page: none counts");
	CHECK(short_write(&f, 4 * PAGE_SIZE, PAGE_SIZE, 1000, 'x') == 0, "whole hole page: none counts");
	r = short_write(&f, 6 * PAGE_SIZE + 1024, 3072, 10, 'x');
	CHECK(r == 0 || r == 10, "rest of a page with a block: %ld", r);
	CHECK(short_write(&f, 8 * PAGE_SIZE, PAGE_SIZE, 100, 'x') == 0, "whole page over data: none counts");
	/* uptodate folios: the bytes copied count; a hole's folio that gets
	 * its blocks but no bytes */
	CHECK(holds(&f), "/f so far (now every page is cached)");
	CHECK(short_write(&f, 100, 2000, 700, 'B') == 700, "into an uptodate page: 700 count");
	CHECK(short_write(&f, 10 * PAGE_SIZE, PAGE_SIZE, 0, 'x') == 0, "no byte into an uptodate hole page");
	CHECK(short_write(&f, f.size, 8000, 100, 'E') == 100, "at EOF in an uptodate page: 100 count");
	/* at EOF, folios not uptodate: no block stays past i_size */
	CHECK(short_write(&g, 2 * PAGE_SIZE, PAGE_SIZE, 500, 'x') == 0, "at a page-aligned EOF: none counts");
	r = short_write(&h, h.size, 3000, 100, 'x');
	CHECK(r == 0 || r == 100, "at EOF inside a page: %ld", r);
	CHECK(size_of("/f") == f.size && size_of("/g") == g.size && size_of("/h") == h.size,
	      "sizes (%ld %ld %ld)", size_of("/f"), size_of("/g"), size_of("/h"));
	CHECK(blocks_of("/g") == gblocks && blocks_of("/h") == hblocks,
	      "no block past EOF (%u %u, were %u %u)", blocks_of("/g"), blocks_of("/h"), gblocks, hblocks);
	CHECK(holds(&f) && holds(&g) && holds(&h), "from the cache: zeros where nothing was copied");
	do_umount();
	fsck_clean(img);
	do_mount_img(img);
	CHECK(holds(&f) && holds(&g) && holds(&h), "after a remount: zeros where nothing was copied");
	do_umount();
	free(f.want);
	free(g.want);
	free(h.want);
}

/* Small blocks: a write into a hole page that runs out of space after
 * the first of the page's blocks. The blocks it allocated stay in the
 * file, and must read as zeros, from the cache and from the disk. */
void test_enospc_midpage(int bs)
{
	const char *img = "imgnospc";
	struct model f = { "/f", calloc(1, MODEL_MAX), 0 };
	unsigned char *b = malloc(1 << 20);
	struct inode *i;
	long n, total = 0;

	printf("== ENOSPC inside a page, block size %d\n", bs);
	mkimg(img, bs);
	do_mount_img(img);
	CHECK(create_file("/f", "", 0) == 0 && create_file("/pattern", "", 0) == 0, "create");
	short_write(&f, 8 * PAGE_SIZE - 1, 1, -1, 'e');		/* holes before */
	memset(b, STALE, 1 << 20);
	i = lookup_path("/pattern");
	while ((n = write_at(i, b, 1 << 20, total)) > 0)
		total += n;
	iput(i);
	do_umount();		/* the pattern on the disk */
	do_mount_img(img);
	i = lookup_path("/pattern");
	down_write(&i->i_rwsem);	/* free one block of it */
	CHECK(i->i_op->setsize(i, total - bs) == 0, "truncate the pattern by a block");
	up_write(&i->i_rwsem);
	iput(i);
	CHECK(short_write(&f, 2 * PAGE_SIZE, PAGE_SIZE, -1, 'x') == -ENOSPC,
	      "a page of %d blocks into one free block: ENOSPC", (int)(PAGE_SIZE / bs));
	CHECK(holds(&f), "from the cache: zeros where nothing was written");
	do_umount();
	fsck_clean(img);
	do_mount_img(img);
	CHECK(holds(&f), "after a remount: zeros where nothing was written");
	do_umount();
	free(f.want);
	free(b);
}

/* The physical block of logical block lblk of path in img (debugfs). */
static long bmap(const char *img, const char *path, long lblk)
{
	char cmd[200];
	long len, v;
	char *out;

	snprintf(cmd, sizeof(cmd), "debugfs -R 'bmap %s %ld' %s > bmap.out 2>/dev/null", path, lblk, img);
	host_system(cmd);
	out = host_read_file("bmap.out", &len);
	v = out && len > 0 ? atol(out) : 0;
	free(out);
	return v;
}

void test_dirent_tail(int bs)
{
	const char *img = "imgdirent";
	long lblk = 2 * PAGE_SIZE / bs - 1, pblk, pos;
	char name[64];
	struct inode *i;
	u32 ino;

	printf("== directory records up to 4 bytes before a page's end, block size %d\n", bs);
	mkimg(img, bs);
	do_mount_img(img);
	CHECK(do_mkdir("/d") == 0, "mkdir /d");
	for (int k = 0; k < 300; k++) {
		snprintf(name, sizeof(name), "/d/file-with-a-longish-name-%03d", k);
		CHECK(create_file(name, "x", 1) == 0, "create %s", name);
	}
	i = lookup_path("/d/file-with-a-longish-name-000");
	ino = i ? i->i_ino : 0;
	iput(i);
	do_umount();
	/* the last block of /d's second page: one record of bs - 4 bytes,
	 * then 4 bytes that would start the next header */
	pblk = bmap(img, "/d", lblk);
	CHECK(pblk > 0, "/d has a block %ld", lblk);
	pos = pblk * bs;
	for (long o = 0; o < bs; o += 4)
		host_patch_u32(img, pos + o, 0);
	host_patch_u32(img, pos, ino);
	host_patch_u32(img, pos + 4, (bs - 4) | 1 << 16 | EXT2_FT_REG_FILE << 24);
	host_patch_u32(img, pos + 8, 'q');
	host_patch_u32(img, pos + bs - 4, ino);

	do_mount_img(img);
	CHECK(lookup_path("/d/not-there") == NULL, "lookup past the damaged block fails");
	CHECK(list_dir("/d").n < 302, "readdir stops at the damaged block");
	CHECK(create_file("/d/new-name", "y", 1) != 0, "no new name in a damaged directory");
	do_umount();
}
