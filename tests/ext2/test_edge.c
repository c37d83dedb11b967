/* test_edge.c: host tests of edges of fs/ext2, at each block size.
 *  - A directory block whose records leave 4 bytes at its end (the next
 *    header would cross the block and, for the page's last block, the
 *    page): every walk reports the block as damaged without reading past
 *    it (ASan watches the folio's memory). */
#include <stdlib.h>
#include <string.h>
#include "test.h"

static void mkimg(const char *img, int bs)
{
	char cmd[160];

	snprintf(cmd, sizeof(cmd), "rm -f %s && mke2fs -q -F -t ext2 -b %d %s 8M >/dev/null",
		 img, bs, img);
	CHECK(host_system(cmd) == 0, "mke2fs -b %d %s", bs, img);
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
