/* test_ext2.c: host test of fs/ext2. Builds a tree, makes an image with
 * mke2fs -d, mounts it with fs/ext2 (through the shim), compares what it
 * reads with the tree, then writes (sizes up to double-indirect, holes,
 * truncate, mkdir/rmdir, 2000 entries in a directory, rename, link,
 * symlinks, unlink), syncs, unmounts, and checks the image with
 * e2fsck -fn and debugfs; then remounts and reads everything back.
 * Single-threaded; takes i_rwsem where the VFS would. */
#include <stdio.h>
#include <stdlib.h>
#include "ext2.h"
#include "shim.h"
#include "test.h"
#include <string.h>

void host_write_file(const char *path, const void *buf, long len);
void host_mkdir(const char *path);
void host_symlink(const char *target, const char *path);
long shim_bios(int write);

int npass, nfail;

static struct block_device *bdev;
static struct inode *root;
struct super_block *sb;

/* ---- expected contents of regular files ---- */
struct expect { char path[128]; unsigned char *data; long len; };
static struct expect exps[128];
/* i_blocks (512-byte units) of a file of nb data blocks with no holes,
 * at the block size under test: the data plus the indirect blocks. */
static int g_bs = 4096;
static u32 iblocks_for(u64 nb)
{
	u64 a = g_bs / 4, m = 0;

	if (nb > 12)
		m++;
	if (nb > 12 + a)
		m += 1 + (nb - 12 - a + a - 1) / a;
	return (nb + m) * (g_bs / 512);
}

static int nexp;

static struct expect *find_exp(const char *path)
{
	for (int i = 0; i < nexp; i++)
		if (!strcmp(exps[i].path, path))
			return &exps[i];
	return NULL;
}
static void set_exp(const char *path, const void *data, long len)
{
	struct expect *e = find_exp(path);

	if (!e) {
		e = &exps[nexp++];
		snprintf(e->path, sizeof(e->path), "%s", path);
	} else {
		free(e->data);
	}
	e->data = malloc(len + 1);
	memcpy(e->data, data, len);
	e->len = len;
}
static void drop_exp(const char *path)
{
	struct expect *e = find_exp(path);

	if (e) {
		free(e->data);
		*e = exps[--nexp];
	}
}

static unsigned char *rnd(long len, unsigned seed)
{
	unsigned char *b = malloc(len + 1);
	unsigned x = seed * 2654435761u + 1;

	for (long i = 0; i < len; i++) {
		x = x * 1103515245u + 12345u;
		b[i] = x >> 16;
	}
	return b;
}

/* ---- path helpers over the ext2 inode operations ---- */
struct inode *lookup_path(const char *path)
{
	struct inode *cur = ihold(root);
	const char *p = path;

	while (*p) {
		const char *e;
		struct inode *next;

		while (*p == '/')
			p++;
		if (!*p)
			break;
		e = strchr(p, '/');
		if (!e)
			e = p + strlen(p);
		if (!S_ISDIR(cur->i_mode)) {
			iput(cur);
			return NULL;
		}
		down_read(&cur->i_rwsem);
		next = cur->i_op->lookup(cur, p, e - p);
		up_read(&cur->i_rwsem);
		iput(cur);
		if (IS_ERR_OR_NULL(next))
			return NULL;
		cur = next;
		p = e;
	}
	return cur;
}

/* The parent directory of path (referenced); *name is the last part. */
static struct inode *parent_of(const char *path, const char **name)
{
	char buf[256];
	const char *slash = strrchr(path, '/');

	snprintf(buf, sizeof(buf), "%.*s", (int)(slash - path), path);
	*name = slash + 1;
	return lookup_path(buf[0] ? buf : "/");
}

long write_at(struct inode *inode, const void *buf, long len, loff_t pos)
{
	struct file f = { .f_inode = inode, .f_op = inode->i_fop };
	struct iov_iter it;

	iov_iter_kbuf(&it, (void *)buf, len);
	return f.f_op->write(&f, &it, &pos);
}

long read_at(struct inode *inode, void *buf, long len, loff_t pos)
{
	struct file f = { .f_inode = inode, .f_op = inode->i_fop };
	struct iov_iter it;

	iov_iter_kbuf(&it, buf, len);
	return f.f_op->read(&f, &it, &pos);
}

static unsigned char *read_all(struct inode *inode, long *len)
{
	struct file f = { .f_inode = inode, .f_op = inode->i_fop };
	unsigned char *b = malloc(inode->i_size + 1);
	struct iov_iter it;
	loff_t pos = 0;

	iov_iter_kbuf(&it, b, inode->i_size);
	*len = f.f_op->read(&f, &it, &pos);
	return b;
}

/* Create path holding data[0, len); make_file also records it for the
 * checks after remounts and debugfs. */
int create_file(const char *path, const void *data, long len)
{
	const char *name;
	struct inode *dir = parent_of(path, &name), *inode;
	long n = 0;

	if (!dir)
		return -ENOENT;
	down_write(&dir->i_rwsem);
	inode = dir->i_op->create(dir, name, strlen(name), 0644);
	up_write(&dir->i_rwsem);
	iput(dir);
	if (IS_ERR(inode))
		return PTR_ERR(inode);
	if (len)
		n = write_at(inode, data, len, 0);
	iput(inode);
	return n == len ? 0 : -EIO;
}

int make_file(const char *path, const void *data, long len)
{
	int err = create_file(path, data, len);

	if (!err)
		set_exp(path, data, len);
	return err;
}

static int check_file(const char *path, const void *data, long len)
{
	struct inode *inode = lookup_path(path);
	unsigned char *b;
	long n;
	int ok;

	if (!inode)
		return 0;
	b = read_all(inode, &n);
	ok = n == len && inode->i_size == len && !memcmp(b, data, len);
	free(b);
	iput(inode);
	return ok;
}

int do_mkdir(const char *path)
{
	const char *name;
	struct inode *dir = parent_of(path, &name), *inode;

	if (!dir)
		return -ENOENT;
	down_write(&dir->i_rwsem);
	inode = dir->i_op->mkdir(dir, name, strlen(name), 0755);
	up_write(&dir->i_rwsem);
	iput(dir);
	if (IS_ERR(inode))
		return PTR_ERR(inode);
	iput(inode);
	return 0;
}

int do_remove(const char *path, int isdir)
{
	const char *name;
	struct inode *dir = parent_of(path, &name), *victim = lookup_path(path);
	int err;

	if (!dir || !victim) {
		iput(dir);
		iput(victim);
		return -ENOENT;
	}
	down_write(&dir->i_rwsem);
	err = isdir ? dir->i_op->rmdir(dir, name, strlen(name), victim)
		    : dir->i_op->unlink(dir, name, strlen(name), victim);
	up_write(&dir->i_rwsem);
	iput(victim);
	iput(dir);
	if (!err)
		drop_exp(path);
	return err;
}

static int do_rename(const char *from, const char *to)
{
	const char *n1, *n2;
	struct inode *d1 = parent_of(from, &n1), *d2 = parent_of(to, &n2);
	struct inode *src = lookup_path(from), *victim = lookup_path(to);
	int err = d1->i_op->rename(d1, n1, strlen(n1), src, d2, n2, strlen(n2), victim);
	struct expect *e = find_exp(from);

	iput(src);
	iput(victim);
	iput(d1);
	iput(d2);
	if (!err && e) {
		unsigned char *d = e->data;
		long l = e->len;

		e->data = NULL;
		drop_exp(from);
		set_exp(to, d, l);
		free(d);
	}
	return err;
}

static bool count_actor(struct dir_context *ctx, const char *name, int len, loff_t next,
			u64 ino, unsigned int type)
{
	struct names *nm = (struct names *)(ctx + 1);

	(void)next;
	(void)ino;
	(void)type;
	nm->n++;
	if (len == 1 && name[0] == '.')
		nm->has_dot = 1;
	if (len == 2 && !memcmp(name, "..", 2))
		nm->has_dotdot = 1;
	return true;
}
struct names list_dir(const char *path)
{
	struct { struct dir_context ctx; struct names nm; } c = { { count_actor, 0 }, { 0 } };
	struct inode *dir = lookup_path(path);
	struct file f = { 0 };

	if (!dir)
		return c.nm;
	f.f_inode = dir;
	dir->i_fop->iterate(&f, &c.ctx);
	iput(dir);
	return c.nm;
}

static u32 nlink_of(const char *path)
{
	struct inode *i = lookup_path(path);
	u32 n = i ? i->i_nlink : 0;

	iput(i);
	return n;
}

void do_mount_img(const char *img)
{
	bdev = shim_open_bdev(img);
	root = ext2_mount(bdev, 0);
	if (IS_ERR(root)) {
		printf("mount failed: %ld\nEXT2: %d passed, %d failed\n", PTR_ERR(root), npass, nfail + 1);
		exit(1);
	}
	sb = root->i_sb;
}

static void do_mount(void)
{
	do_mount_img("img");
}

void do_umount(void)
{
	long held;

	iput(root);
	ext2_put_super(sb);
	held = shim_drop_mapping(bdev_mapping(bdev));
	CHECK(held == 0, "%ld bdev pages still referenced/dirty at unmount", held);
	CHECK(shim_live_pages() == 0, "%ld pages leaked (missing folio_put?)", shim_live_pages());
	shim_close_bdev(bdev);
}

static int debugfs_matches(const char *path, const void *data, long len)
{
	char cmd[512];
	long n;
	void *b;
	int ok;

	snprintf(cmd, sizeof(cmd), "debugfs -R 'cat %s' img > dbg.out 2>/dev/null", path);
	host_system(cmd);
	b = host_read_file("dbg.out", &n);
	ok = b && n == len && !memcmp(b, data, len);
	free(b);
	return ok;
}

/* ---- the source tree for mke2fs -d ---- */
#define BIG1 (6L << 20)
#define SLOW_TARGET "/a/rather/long/target/path/that/does/not/fit/in/the/inode/itself/xxxxxxxxxx"
static void make_tree(void)
{
	char p[256];

	host_system("rm -rf tree img && mkdir -p tree/bin tree/sub/deep tree/emptydir tree/sub/many");
	host_write_file("tree/hello.txt", "hello, ext2\n", 12);
	host_write_file("tree/empty", "", 0);
	host_write_file("tree/bin/data1", rnd(100000, 1), 100000);
	host_write_file("tree/bin/big", rnd(BIG1, 2), BIG1);
	host_write_file("tree/sub/deep/file.txt", "deep\n", 5);
	for (int i = 0; i < 150; i++) {
		snprintf(p, sizeof(p), "tree/sub/many/file_with_a_longish_name_%03d", i);
		host_write_file(p, p, strlen(p));
	}
	host_symlink("hello.txt", "tree/link_fast");
	host_symlink(SLOW_TARGET,
		     "tree/link_slow");
}

static void check_tree(void)
{
	static const char *files[] = { "hello.txt", "empty", "bin/data1", "bin/big", "sub/deep/file.txt" };
	char p[256], hp[300], lb[256];

	for (unsigned i = 0; i < 5; i++) {
		long len;
		void *b;

		snprintf(hp, sizeof(hp), "tree/%s", files[i]);
		snprintf(p, sizeof(p), "/%s", files[i]);
		b = host_read_file(hp, &len);
		CHECK(check_file(p, b, len), "read %s from the mke2fs image", p);
		set_exp(p, b, len);
		free(b);
	}
	for (int i = 0; i < 150; i += 7) {
		snprintf(p, sizeof(p), "/sub/many/file_with_a_longish_name_%03d", i);
		snprintf(hp, sizeof(hp), "tree%s", p);
		CHECK(check_file(p, hp, strlen(hp)), "read %s", p);
	}
	CHECK(list_dir("/sub/many").n == 152, "readdir /sub/many: %d entries", list_dir("/sub/many").n);
	CHECK(list_dir("/").n == 10, "readdir /: %d", list_dir("/").n);	/* . .. lost+found + 7 */
	struct inode *l = lookup_path("/link_fast");
	int n = l ? ext2_readlink(l, lb, sizeof(lb)) : -1;
	CHECK(n == 9 && !memcmp(lb, "hello.txt", 9), "fast symlink from mke2fs");
	iput(l);
	l = lookup_path("/link_slow");
	n = l ? ext2_readlink(l, lb, sizeof(lb)) : -1;
	CHECK(n == (int)strlen(SLOW_TARGET) && !memcmp(lb, SLOW_TARGET, n), "slow symlink from mke2fs (%d)", n);
	iput(l);
	CHECK(lookup_path("/nonexistent") == NULL, "missing name");
}

u32 blocks_of(const char *path)
{
	struct inode *i = lookup_path(path);
	u32 b = i ? EXT2_I(i)->i_blocks : 0;

	iput(i);
	return b;
}

static void test_sizes(void)
{
	static const long sizes[] = { 0, 1, 4095, 4096, 4097, 12 * 4096, 12 * 4096 + 1,
				      (4L << 20) + 48 * 1024 + 4096 * 3 + 17 };
	char p[64];

	do_mkdir("/w");
	for (unsigned i = 0; i < ARRAY_SIZE(sizes); i++) {
		unsigned char *d = rnd(sizes[i], 100 + i);

		snprintf(p, sizeof(p), "/w/size_%ld", sizes[i]);
		CHECK(make_file(p, d, sizes[i]) == 0, "create %s", p);
		CHECK(check_file(p, d, sizes[i]), "read back %s", p);
		free(d);
	}
	/* the double-indirect file: data blocks + 1 ind + 1 dind + 1 ind */
	u32 nb = ((4L << 20) + 48 * 1024 + 4096 * 3 + 17 + g_bs - 1) / g_bs;
	snprintf(p, sizeof(p), "/w/size_%ld", sizes[7]);
	CHECK(blocks_of(p) == iblocks_for(nb), "i_blocks of the dind file: %u", blocks_of(p));
	struct inode *i = lookup_path(p);
	u32 b0, b1, b2;
	ext2_get_block(i, 0, &b0, 0);
	ext2_get_block(i, 5, &b1, 0);
	ext2_get_block(i, 11, &b2, 0);
	CHECK(b1 == b0 + 5 && b2 == b0 + 11, "contiguous allocation %u %u %u", b0, b1, b2);
	iput(i);

	/* writeback merges contiguous pages into few bios */
	unsigned char *d = rnd(2 << 20, 5);
	long before;
	make_file("/w/merge", d, 2 << 20);
	i = lookup_path("/w/merge");
	before = shim_bios(1);
	CHECK(filemap_write_and_wait_range(i->i_mapping, 0, (loff_t)-1 >> 1) == 0, "writeback");
	CHECK(shim_bios(1) - before <= 512 / 64 + 2, "2 MiB written in %ld bios", shim_bios(1) - before);
	iput(i);
	free(d);
}

/* Past 4 GiB: triple-indirect blocks and i_size_high. */
static void test_huge(void)
{
	const loff_t at = 5LL << 30;
	char buf[4096];
	struct inode *i;

	CHECK(make_file("/w/huge", "", 0) == 0, "create huge");
	drop_exp("/w/huge");	/* debugfs cat would print 5 GiB */
	i = lookup_path("/w/huge");
	CHECK(write_at(i, "END", 3, at) == 3, "write at 5 GiB");
	CHECK(i->i_size == at + 3, "size past 4 GiB");
	CHECK(EXT2_I(i)->i_blocks == 4 * (g_bs / 512), "data + ind + dind + tind: %u", EXT2_I(i)->i_blocks);
	memset(buf, 1, sizeof(buf));
	CHECK(read_at(i, buf, 4096, 4LL << 30) == 4096 && !buf[0] && !buf[4095], "hole at 4 GiB");
	CHECK(read_at(i, buf, 100, at) == 3 && !memcmp(buf, "END", 3), "read at 5 GiB");
	down_write(&i->i_rwsem);
	CHECK(i->i_op->setsize(i, (4LL << 30) + 4096 * 3) == 0, "truncate to 4 GiB + 12 KiB");
	up_write(&i->i_rwsem);
	/* 4 KiB: 4 GiB is inside the dind range, the whole tind tree goes;
	 * smaller blocks: the cut is inside the tind range, which keeps its
	 * (now empty) top block, as Linux's ext2_truncate_blocks */
	CHECK(EXT2_I(i)->i_blocks == (g_bs == 4096 ? 0 : g_bs / 512), "tind tree freed: %u", EXT2_I(i)->i_blocks);
	CHECK(write_at(i, "MID", 3, (4LL << 30) + 5) == 3, "write at 4 GiB");
	iput(i);
}

static void test_sparse_truncate(void)
{
	unsigned char *d = rnd(5 << 20, 7);
	unsigned char *exp = calloc(1, (10 << 20) + 10);
	struct inode *i;

	CHECK(make_file("/w/sparse", "A", 1) == 0, "create sparse");
	i = lookup_path("/w/sparse");
	CHECK(write_at(i, "0123456789", 10, 10 << 20) == 10, "write at 10 MiB");
	exp[0] = 'A';
	memcpy(exp + (10 << 20), "0123456789", 10);
	CHECK(i->i_size == (10 << 20) + 10, "sparse size");
	CHECK(EXT2_I(i)->i_blocks == 4 * (g_bs / 512), "sparse i_blocks %u (data 2 + ind + dind)", EXT2_I(i)->i_blocks);
	iput(i);
	CHECK(check_file("/w/sparse", exp, (10 << 20) + 10), "holes read as zeros");
	set_exp("/w/sparse", exp, (10 << 20) + 10);

	CHECK(make_file("/w/trunc", d, 5 << 20) == 0, "create trunc");
	i = lookup_path("/w/trunc");
	down_write(&i->i_rwsem);
	CHECK(i->i_op->setsize(i, 100000) == 0, "truncate down");
	up_write(&i->i_rwsem);
	CHECK(EXT2_I(i)->i_blocks == iblocks_for((100000 + g_bs - 1) / g_bs), "i_blocks after truncate %u", EXT2_I(i)->i_blocks);
	CHECK(check_file("/w/trunc", d, 100000), "contents after truncate down");
	down_write(&i->i_rwsem);
	CHECK(i->i_op->setsize(i, 300000) == 0, "truncate up");
	up_write(&i->i_rwsem);
	memset(d + 100000, 0, 200000);
	CHECK(check_file("/w/trunc", d, 300000), "zeros after truncate up");
	set_exp("/w/trunc", d, 300000);
	down_write(&i->i_rwsem);
	CHECK(i->i_op->setsize(i, 40000) == 0, "truncate into direct blocks");
	up_write(&i->i_rwsem);
	CHECK(EXT2_I(i)->i_blocks == iblocks_for((40000 + g_bs - 1) / g_bs), "direct blocks (+ ind if small): %u", EXT2_I(i)->i_blocks);
	CHECK(write_at(i, "tail", 4, 50000) == 4, "write past EOF after truncate");
	memset(d + 40000, 0, 10000);
	memcpy(d + 50000, "tail", 4);
	iput(i);
	CHECK(check_file("/w/trunc", d, 50004), "hole after the truncated end");
	set_exp("/w/trunc", d, 50004);
	free(d);
	free(exp);
}

static void test_dirs(void)
{
	struct kstatfs st0, st1;

	CHECK(do_mkdir("/d1") == 0, "mkdir /d1");
	CHECK(do_mkdir("/d1/d2") == 0, "mkdir /d1/d2");
	CHECK(do_mkdir("/d1") == -EEXIST, "mkdir existing");
	CHECK(nlink_of("/d1") == 3, "nlink /d1 = %u", nlink_of("/d1"));
	CHECK(make_file("/d1/d2/f", "x", 1) == 0, "file in d2");
	CHECK(do_remove("/d1/d2", 1) == -ENOTEMPTY, "rmdir non-empty");
	CHECK(do_remove("/d1/d2/f", 0) == 0, "unlink f");
	CHECK(do_remove("/d1/d2", 1) == 0, "rmdir d2");
	CHECK(nlink_of("/d1") == 2, "nlink /d1 after rmdir = %u", nlink_of("/d1"));
	CHECK(lookup_path("/d1/d2") == NULL, "d2 gone");

	ext2_statfs(sb, &st0);
	CHECK(make_file("/d1/tmpbig", rnd(1 << 20, 9), 1 << 20) == 0, "1 MiB temp file");
	CHECK(do_remove("/d1/tmpbig", 0) == 0, "unlink temp file");
	ext2_statfs(sb, &st1);
	CHECK(st0.f_bfree == st1.f_bfree && st0.f_ffree == st1.f_ffree,
	      "blocks and inodes freed: %lu/%lu vs %lu/%lu", (unsigned long)st0.f_bfree,
	      (unsigned long)st1.f_bfree, (unsigned long)st0.f_ffree, (unsigned long)st1.f_ffree);
}

static void test_many(void)
{
	char p[128];
	int ok = 1, i;

	do_mkdir("/many");
	for (i = 0; i < 2000 && ok; i++) {
		snprintf(p, sizeof(p), "/many/entry_number_%04d", i);
		ok = make_file(p, p, i % 3 ? 0 : strlen(p)) == 0;
		if (i % 3)
			drop_exp(p);
		else if (i % 300)
			drop_exp(p);	/* keep only a few in the expectation table */
	}
	CHECK(ok, "create 2000 files (failed at %d)", i);
	CHECK(list_dir("/many").n == 2002, "readdir 2000 files: %d", list_dir("/many").n);
	for (i = 0, ok = 1; i < 2000; i += 97) {
		struct inode *in;

		snprintf(p, sizeof(p), "/many/entry_number_%04d", i);
		in = lookup_path(p);
		ok &= in != NULL;
		iput(in);
	}
	CHECK(ok, "lookups in a big directory");
	for (i = 1, ok = 1; i < 2000; i += 2) {
		snprintf(p, sizeof(p), "/many/entry_number_%04d", i);
		ok &= do_remove(p, 0) == 0;
	}
	CHECK(ok, "unlink 1000 files");
	CHECK(list_dir("/many").n == 1002, "readdir after unlinks: %d", list_dir("/many").n);
	CHECK(make_file("/many/a_new_name_reusing_space", "r", 1) == 0, "reuse freed dir space");
}

static void test_rename_link_symlink(void)
{
	struct inode *d, *l;
	char lb[300];
	int n;

	make_file("/ra", "file a", 6);
	make_file("/rb", "file b", 6);
	make_file("/rc", "file c", 6);
	CHECK(do_rename("/ra", "/d1/ra_moved") == 0, "rename across dirs");
	CHECK(lookup_path("/ra") == NULL && check_file("/d1/ra_moved", "file a", 6), "moved");
	CHECK(do_rename("/rb", "/rc") == 0, "rename over existing");
	CHECK(check_file("/rc", "file b", 6) && lookup_path("/rb") == NULL, "replaced");
	do_mkdir("/d3");
	do_mkdir("/d3/inner");
	CHECK(do_rename("/d3", "/d1/d3") == 0, "rename a directory across dirs");
	CHECK(nlink_of("/d1") == 3, "new parent nlink %u", nlink_of("/d1"));
	d = lookup_path("/d1/d3/inner/../..");
	l = lookup_path("/d1");
	CHECK(d && l && d == l, "'..' of moved dir");
	iput(d);
	iput(l);
	CHECK(do_rename("/d1", "/d1/d3/inner/x") == -EINVAL, "no rename into own subtree");
	do_mkdir("/d4");
	CHECK(do_rename("/d1/d3/inner", "/d4") == 0, "rename dir over empty dir");
	CHECK(nlink_of("/d1/d3") == 2, "old parent nlink %u", nlink_of("/d1/d3"));

	l = lookup_path("/rc");
	d = lookup_path("/d1");
	down_write(&d->i_rwsem);
	CHECK(ext2_link(l, d, "rc_link", 7) == 0, "hard link");
	up_write(&d->i_rwsem);
	CHECK(l->i_nlink == 2, "nlink 2");
	iput(l);
	iput(d);
	CHECK(do_remove("/rc", 0) == 0, "unlink original");
	CHECK(check_file("/d1/rc_link", "file b", 6), "data via link");
	set_exp("/d1/rc_link", "file b", 6);

	d = lookup_path("/");
	l = ext2_symlink(d, "sym_fast", 8, "d1/rc_link");
	CHECK(!IS_ERR(l), "fast symlink");
	iput(l);
	memset(lb, 'y', 200);
	lb[0] = '/';
	lb[200] = 0;
	l = ext2_symlink(d, "sym_slow", 8, lb);
	CHECK(!IS_ERR(l) && EXT2_I(l)->i_blocks == g_bs / 512, "slow symlink");
	iput(l);
	iput(d);
	l = lookup_path("/sym_fast");
	n = ext2_readlink(l, lb, sizeof(lb));
	CHECK(n == 10 && !memcmp(lb, "d1/rc_link", 10), "readlink fast");
	iput(l);
}

/* Mount refusals: 1 KiB blocks, unknown incompat features; unknown
 * ro_compat features mount read-only. */
static void test_mount_checks(void)
{
	long inc = EXT2_SB_OFFSET + offsetof(struct ext2_super_block, s_feature_incompat);
	long ro = EXT2_SB_OFFSET + offsetof(struct ext2_super_block, s_feature_ro_compat);
	struct block_device *b;
	struct inode *r;

	/* s_log_block_size 3 (8 KiB blocks, larger than a page): refused */
	host_system("mke2fs -q -F -t ext2 -b 1024 img1k 8M >/dev/null");
	host_patch_u32("img1k", EXT2_SB_OFFSET + offsetof(struct ext2_super_block, s_log_block_size), 3);
	b = shim_open_bdev("img1k");
	r = ext2_mount(b, 0);
	CHECK(r == ERR_PTR(-EINVAL), "8 KiB blocks refused");
	shim_drop_mapping(bdev_mapping(b));
	shim_close_bdev(b);

	host_system("mke2fs -q -F -t ext2 -b 4096 img2 8M >/dev/null");
	host_patch_u32("img2", inc, EXT2_FEATURE_INCOMPAT_FILETYPE | 0x10000);
	b = shim_open_bdev("img2");
	r = ext2_mount(b, 0);
	CHECK(r == ERR_PTR(-EINVAL), "unknown incompat feature refused");
	shim_drop_mapping(bdev_mapping(b));
	shim_close_bdev(b);

	host_patch_u32("img2", inc, EXT2_FEATURE_INCOMPAT_FILETYPE);
	host_patch_u32("img2", ro, EXT2_FEATURE_RO_COMPAT_SPARSE_SUPER |
		       EXT2_FEATURE_RO_COMPAT_LARGE_FILE | 0x10000);
	b = shim_open_bdev("img2");
	r = ext2_mount(b, 0);
	CHECK(!IS_ERR(r) && r->i_sb->s_readonly, "unknown ro_compat: read-only mount");
	if (!IS_ERR(r)) {
		struct inode *x;

		down_write(&r->i_rwsem);
		x = r->i_op->create(r, "x", 1, 0644);
		up_write(&r->i_rwsem);
		CHECK(x == ERR_PTR(-EROFS), "no create on a read-only mount");
		iput(r);
		ext2_put_super(r->i_sb);
	}
	CHECK(shim_drop_mapping(bdev_mapping(b)) == 0, "ro mount left pages");
	shim_close_bdev(b);
}

static unsigned int disk_state(const char *img)
{
	long len;
	unsigned char *b = host_read_file(img, &len);
	long at = EXT2_SB_OFFSET + offsetof(struct ext2_super_block, s_state);
	unsigned int st = b[at] | b[at + 1] << 8;

	free(b);
	return st;
}

/* The on-disk state, as Linux keeps it: "not clean" while mounted
 * read-write, the state found at mount put back by a clean unmount, and
 * an error recorded (EXT2_ERROR_FS) and obeyed (errors=remount-ro). */
static void test_clean_state(void)
{
	long st = EXT2_SB_OFFSET + offsetof(struct ext2_super_block, s_state);
	struct block_device *b;
	struct inode *r, *x;

	host_system("mke2fs -q -F -t ext2 -b 4096 img3 8M >/dev/null");
	CHECK(disk_state("img3") == EXT2_VALID_FS, "mke2fs: clean");
	b = shim_open_bdev("img3");
	r = ext2_mount(b, 0);
	CHECK(!IS_ERR(r), "mount img3");
	CHECK(disk_state("img3") == 0, "mounted read-write: not clean on disk");
	iput(r);
	ext2_put_super(r->i_sb);
	shim_drop_mapping(bdev_mapping(b));
	shim_close_bdev(b);
	CHECK(disk_state("img3") == EXT2_VALID_FS, "unmounted: clean again");

	host_patch_u32("img3", st, 0 | EXT2_ERRORS_CONTINUE << 16);	/* "crashed" */
	b = shim_open_bdev("img3");
	r = ext2_mount(b, 0);
	iput(r);
	ext2_put_super(r->i_sb);
	shim_drop_mapping(bdev_mapping(b));
	shim_close_bdev(b);
	CHECK(disk_state("img3") == 0, "not clean at mount: still not clean after unmount");

	host_patch_u32("img3", st, EXT2_VALID_FS | EXT2_ERRORS_RO << 16);
	b = shim_open_bdev("img3");
	r = ext2_mount(b, 0);
	ext2_error(r->i_sb, __func__, "injected error", 7);
	CHECK(r->i_sb->s_readonly, "errors=remount-ro: read-only after an error");
	down_write(&r->i_rwsem);
	x = r->i_op->create(r, "x", 1, 0644);
	up_write(&r->i_rwsem);
	CHECK(x == ERR_PTR(-EROFS), "no create after the error");
	iput(r);
	ext2_put_super(r->i_sb);
	CHECK(shim_drop_mapping(bdev_mapping(b)) == 0, "error mount left pages");
	shim_close_bdev(b);
	CHECK(disk_state("img3") == (EXT2_VALID_FS | EXT2_ERROR_FS), "the error is on disk");
	CHECK(host_system("dumpe2fs -h img3 2>/dev/null | grep -q 'state: *clean with errors'") == 0,
	      "dumpe2fs: clean with errors");
}

/* Several groups (-g 1024: 4 groups of 4 MiB), then fill the disk. */
static void test_multigroup_enospc(void)
{
	unsigned char *d = rnd(1 << 20, 11);
	struct kstatfs st0, st1;
	struct inode *i;
	long pos = 0, n;
	int rc, ok = 1;

	host_system("rm -f img && mke2fs -q -F -t ext2 -b 4096 -g 1024 -N 512 -d tree img 16M >/dev/null");
	do_mount();
	CHECK(EXT2_SB(sb)->s_groups_count == 4, "4 groups: %lu", EXT2_SB(sb)->s_groups_count);
	for (int k = 0; k < 6; k++) {
		char p[32];

		snprintf(p, sizeof(p), "/dir%d", k);
		ok &= do_mkdir(p) == 0;
		snprintf(p, sizeof(p), "/dir%d/f", k);
		ok &= make_file(p, d, 300000) == 0;
	}
	CHECK(ok, "dirs and files over several groups");
	ext2_statfs(sb, &st0);
	make_file("/fill", "", 0);
	i = lookup_path("/fill");
	while ((n = write_at(i, d, 1 << 20, pos)) == 1 << 20)
		pos += n;
	CHECK(n >= 0 && n < (1 << 20), "short write at ENOSPC (%ld)", n);
	pos += n > 0 ? n : 0;
	CHECK(write_at(i, d, 4096, pos) == -ENOSPC, "ENOSPC");
	ext2_statfs(sb, &st1);
	CHECK(st1.f_bfree == 0, "disk full: %lu free", (unsigned long)st1.f_bfree);
	CHECK(i->i_size == pos && pos > (4L << 20), "file size at ENOSPC: %ld", pos);
	iput(i);
	CHECK(ext2_sync_fs(sb, 1) == 0, "sync full fs");
	do_umount();
	rc = host_system("e2fsck -fn img > fsck3.out 2>&1");
	CHECK(rc == 0, "e2fsck -fn on a full multi-group fs: exit %d", rc);
	if (rc)
		host_system("head -30 fsck3.out");
	do_mount();
	CHECK(do_remove("/fill", 0) == 0, "remove the filler");
	/* fallocate past the free space: ENOSPC, the size stays, and the
	 * blocks it got past EOF are given back */
	make_file("/falloc", "", 0);
	i = lookup_path("/falloc");
	{
		struct file f = { .f_inode = i, .f_op = i->i_fop };
		long r = i->i_fop->fallocate(&f, 0, 0, 64L << 20);

		CHECK(r == -ENOSPC, "fallocate beyond the disk: %ld", r);
		CHECK(i->i_size == 0, "size unchanged: %lld", (long long)i->i_size);
		CHECK(i->i_fop->fallocate(&f, 0, 0, 1 << 20) == 0, "fallocate 1 MiB");
		CHECK(i->i_size == 1 << 20 && EXT2_I(i)->i_blocks == 2048 + 8,
		      "1 MiB allocated: %u sectors", EXT2_I(i)->i_blocks);
		CHECK(check_file("/falloc", (char[1 << 20]){0}, 1 << 20), "reads as zeros");
	}
	iput(i);
	CHECK(do_remove("/falloc", 0) == 0, "remove it");
	ext2_statfs(sb, &st1);
	CHECK(st1.f_bfree == st0.f_bfree, "all blocks back: %lu vs %lu",
	      (unsigned long)st1.f_bfree, (unsigned long)st0.f_bfree);
	for (int k = 0; k < 6; k++) {
		char p[32];

		snprintf(p, sizeof(p), "/dir%d/f", k);
		ok &= check_file(p, d, 300000);
	}
	CHECK(ok, "files in all groups intact");
	do_umount();
	rc = host_system("e2fsck -fn img > fsck4.out 2>&1");
	CHECK(rc == 0, "e2fsck -fn after freeing: exit %d", rc);
	if (rc)
		host_system("head -30 fsck4.out");
	free(d);
}

/* An almost full disk whose free space is one-block holes: 4 KiB files
 * fill it, every other one is deleted, then one file takes every hole.
 * The allocator's wrap-around search, finding no free window, used to
 * return its end bound as a free block: the new file shared blocks with
 * the kept ones (e2fsck: multiply-claimed blocks), overwriting them. */
static void test_almost_full(void)
{
	char p[32], *blk = malloc(4096), *back = malloc(4096);
	struct inode *i;
	long pos = 0, n;
	int nfiles = 0, ok = 1, rc;

	host_system("rm -f img && mke2fs -q -F -t ext2 -b 4096 -N 2048 img 8M >/dev/null");
	do_mount();
	for (;; nfiles++) {
		memset(blk, 'a' + nfiles % 26, 4096);
		memcpy(blk, &nfiles, sizeof(nfiles));
		snprintf(p, sizeof(p), "/f%04d", nfiles);
		if (make_file(p, blk, 4096))
			break;
		drop_exp(p);
	}
	snprintf(p, sizeof(p), "/f%04d", nfiles);
	do_remove(p, 0);	/* the one ENOSPC cut short, if any */
	CHECK(nfiles > 1500, "filled the disk with %d files", nfiles);
	for (int k = 1; k < nfiles; k += 2) {
		snprintf(p, sizeof(p), "/f%04d", k);
		ok &= do_remove(p, 0) == 0;
	}
	CHECK(ok, "deleted every other file");
	make_file("/holes", "", 0);
	drop_exp("/holes");
	i = lookup_path("/holes");
	memset(blk, 'H', 4096);
	while ((n = write_at(i, blk, 4096, pos)) == 4096)
		pos += n;
	CHECK(n == -ENOSPC, "the hole filler ends with ENOSPC (%ld)", n);
	CHECK(pos >= (nfiles / 2 - 8) * 4096L, "it got the holes: %ld bytes", pos);
	iput(i);
	for (int k = 0; k < nfiles; k += 2) {
		memset(blk, 'a' + k % 26, 4096);
		memcpy(blk, &k, sizeof(k));
		snprintf(p, sizeof(p), "/f%04d", k);
		i = lookup_path(p);
		ok &= i && read_at(i, back, 4096, 0) == 4096 && !memcmp(back, blk, 4096);
		iput(i);
	}
	CHECK(ok, "the kept files are intact");
	CHECK(ext2_sync_fs(sb, 1) == 0, "sync");
	do_umount();
	rc = host_system("e2fsck -fn img > fsck5.out 2>&1");
	CHECK(rc == 0, "e2fsck -fn after filling one-block holes: exit %d", rc);
	if (rc)
		host_system("head -30 fsck5.out");
	free(blk);
	free(back);
}

/* ---- damaged images: every on-disk number is checked before use ---- */

static unsigned int img_u32(const char *img, long pos)
{
	long len;
	unsigned char *b = host_read_file(img, &len);
	unsigned int v = b[pos] | b[pos + 1] << 8 | b[pos + 2] << 16 | (unsigned)b[pos + 3] << 24;

	free(b);
	return v;
}

/* Where inode ino's raw inode is in the image (one group, 128-byte
 * inodes of revision 0 layout or the size the super block says). */
static long inode_pos(const char *img, unsigned int ino)
{
	unsigned int it = img_u32(img, 4096 + 8);
	unsigned int isz = img_u32(img, EXT2_SB_OFFSET + offsetof(struct ext2_super_block, s_inode_size)) & 0xffff;

	return (long)it * 4096 + (long)(ino - 1) * isz;
}

static int mounts(const char *img)
{
	struct block_device *b = shim_open_bdev(img);
	struct inode *r = ext2_mount(b, 0);
	int ok = !IS_ERR(r);

	if (ok) {
		iput(r);
		ext2_put_super(r->i_sb);
	}
	shim_drop_mapping(bdev_mapping(b));
	shim_close_bdev(b);
	return ok;
}

static void fresh(const char *img)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "rm -f %s && mke2fs -q -F -t ext2 -b 4096 -N 256 -d tree %s 16M >/dev/null",
		 img, img);
	host_system(cmd);
}

/* Super block and descriptors that would send allocations into the
 * metadata (or reserved inodes out) are refused at mount. */
static void test_bad_geometry(void)
{
	const char *img = "imgbad";
	long sb = EXT2_SB_OFFSET;

	fresh(img);
	CHECK(mounts(img), "the undamaged image mounts");
	host_patch_u32(img, 4096 + 4, 1);	/* inode bitmap = the descriptor block */
	CHECK(!mounts(img), "inode bitmap on the descriptor block: refused");
	fresh(img);
	host_patch_u32(img, 4096 + 0, img_u32(img, 4096 + 8) + 1);	/* block bitmap in the inode table */
	CHECK(!mounts(img), "block bitmap inside the inode table: refused");
	fresh(img);
	host_patch_u32(img, sb + offsetof(struct ext2_super_block, s_first_ino), 2);
	CHECK(!mounts(img), "s_first_ino 2 (the root would be handed out): refused");
	fresh(img);
	host_patch_u32(img, sb + offsetof(struct ext2_super_block, s_inodes_count), 100000);
	CHECK(!mounts(img), "s_inodes_count not groups * inodes per group: refused");
	fresh(img);
	host_patch_u32(img, sb + offsetof(struct ext2_super_block, s_blocks_per_group), 1);
	CHECK(!mounts(img), "one block per group: refused");
	fresh(img);
	host_patch_u32(img, sb + offsetof(struct ext2_super_block, s_first_data_block), 1);
	CHECK(!mounts(img), "s_first_data_block 1 with 4 KiB blocks: refused");
}

/* Inodes, block numbers and directory entries that point out of bounds:
 * errors (EIO, EUCLEAN), nothing read or freed out of place; ASan
 * watches every access. */
static void test_bad_numbers(void)
{
	const char *img = "imgbad";
	unsigned int it_block, data_ino, hello_ino;
	struct inode *i;
	char buf[4096];
	long rc;

	fresh(img);
	do_mount_img(img);
	i = lookup_path("/bin/data1");
	data_ino = i->i_ino;
	iput(i);
	i = lookup_path("/hello.txt");
	hello_ino = i->i_ino;
	iput(i);
	do_umount();
	it_block = img_u32(img, 4096 + 8);

	/* a data block number past the end, one in the inode table */
	host_patch_u32(img, inode_pos(img, data_ino) + 40, 0xfffffff0);
	host_patch_u32(img, inode_pos(img, data_ino) + 44, it_block);
	do_mount_img(img);
	i = lookup_path("/bin/data1");
	CHECK(i && read_at(i, buf, 4096, 0) == -EIO, "block number past the end: EIO");
	CHECK(i && read_at(i, buf, 4096, 4096) == -EIO, "block number in the inode table: EIO");
	down_write(&i->i_rwsem);
	CHECK(i->i_op->setsize(i, 0) == 0, "truncate it");
	up_write(&i->i_rwsem);
	iput(i);
	i = lookup_path("/hello.txt");
	CHECK(i && read_at(i, buf, 12, 0) == 12 && !memcmp(buf, "hello, ext2\n", 12),
	      "the inode table was not freed as data: other inodes still read");
	iput(i);
	do_umount();

	/* a directory larger than its blocks, a fast symlink longer than its
	 * inode, a type that does not exist */
	fresh(img);
	host_patch_u32(img, inode_pos(img, EXT2_ROOT_INO) + 4, 0x7ffff000);
	CHECK(!mounts(img), "root directory larger than its blocks: refused");
	fresh(img);
	do_mount_img(img);
	i = lookup_path("/link_fast");
	unsigned int link_ino = i->i_ino;
	iput(i);
	do_umount();
	host_patch_u32(img, inode_pos(img, link_ino) + 4, 4000);
	host_patch_u32(img, inode_pos(img, hello_ino), 0x81a4 | 0x7000);	/* mode: type 0xf */
	do_mount_img(img);
	CHECK(lookup_path("/link_fast") == NULL, "fast symlink of 4000 bytes: not used");
	CHECK(lookup_path("/hello.txt") == NULL, "inode of no type: not used");
	do_umount();

	/* directory entries: an inode number past the end, a rec_len that
	 * leaves the block */
	fresh(img);
	{
		unsigned int root_blk = img_u32(img, inode_pos(img, EXT2_ROOT_INO) + 40);
		long de = (long)root_blk * 4096 + 24;	/* the record after "." and ".." */

		host_patch_u32(img, de, 1000000);
		do_mount_img(img);
		i = lookup_path("/hello.txt");
		CHECK(i == NULL, "lookup in a directory with a bad inode number fails");
		iput(i);
		CHECK(list_dir("/").n < 10, "readdir stops at the bad entry");
		do_umount();
		host_patch_u32(img, de, 12);
		host_patch_u32(img, de + 4, 0x2000 | (img_u32(img, de + 4) & 0xffff0000));	/* rec_len 8 KiB */
		do_mount_img(img);
		CHECK(list_dir("/").n < 10, "rec_len past the block: readdir stops");
		do_umount();
	}
	rc = host_system("e2fsck -fn imgbad >/dev/null 2>&1");
	CHECK(rc != 0, "e2fsck agrees the last image is damaged (%ld)", rc);
}

static void check_symlinks_after_remount(void)
{
	struct inode *l = lookup_path("/sym_slow");
	char lb[300];
	int n = l ? ext2_readlink(l, lb, sizeof(lb)) : -1;

	CHECK(n == 200 && lb[0] == '/' && lb[199] == 'y', "slow symlink after remount (%d)", n);
	iput(l);
}

int main(void)
{
	int rc;

	make_tree();
	/* the same tests with each block size: 4096 (a page per block),
	 * 1024 and 2048 (several blocks, maybe not contiguous, per page) */
	for (int bs = 4096; bs >= 1024; bs = bs == 4096 ? 1024 : bs == 1024 ? 2048 : 0) {
	char cmd[128];

	printf("== block size %d\n", bs);
	nexp = 0;
	g_bs = bs;
	snprintf(cmd, sizeof(cmd), "rm -f img && mke2fs -q -F -t ext2 -b %d -d tree img 64M >/dev/null", bs);
	rc = host_system(cmd);
	CHECK(rc == 0, "mke2fs -b %d", bs);
	do_mount();
	check_tree();
	test_sizes();
	test_sparse_truncate();
	test_huge();
	test_dirs();
	test_many();
	test_rename_link_symlink();
	CHECK(ext2_sync_fs(sb, 1) == 0, "sync");
	do_umount();

	rc = host_system("e2fsck -fn img > fsck.out 2>&1");
	CHECK(rc == 0, "e2fsck -fn: exit %d", rc);
	if (rc)
		host_system("cat fsck.out | head -40");
	for (int i = 0; i < nexp; i++)
		CHECK(debugfs_matches(exps[i].path, exps[i].data, exps[i].len), "debugfs cat %s", exps[i].path);

	do_mount();
	for (int i = 0; i < nexp; i++)
		CHECK(check_file(exps[i].path, exps[i].data, exps[i].len), "after remount: %s", exps[i].path);
	CHECK(list_dir("/many").n == 1003, "big dir after remount: %d", list_dir("/many").n);
	check_symlinks_after_remount();
	do_umount();
	rc = host_system("e2fsck -fn img > fsck2.out 2>&1");
	CHECK(rc == 0, "e2fsck -fn after remount: exit %d", rc);
	}
	test_mount_checks();
	test_clean_state();
	test_multigroup_enospc();
	test_almost_full();
	test_bad_geometry();
	test_bad_numbers();
	for (int bs = 4096; bs >= 1024; bs /= 2) {
		test_short_copy(bs);
		if (bs < PAGE_SIZE)
			test_enospc_midpage(bs);
		test_dirent_tail(bs);
	}
	printf("bios: %ld reads, %ld writes\n", shim_bios(0), shim_bios(1));
	printf("EXT2: %d passed, %d failed\n", npass, nfail);
	return nfail != 0;
}
