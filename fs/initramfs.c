/* initramfs.c: vfs_init (the ramfs root, recorded as the "rootfs" mount,
 * /dev and its nodes, /proc) and the cpio
 * "newc" unpacker that fills the root from the boot archive. Every header
 * field is bounds-checked against the archive. Runs at boot in the first
 * task (current->fs may be NULL: paths resolve from the root); takes only
 * the locks of the namei/open paths it calls. */
#include <fs.h>
#include <sched.h>
#include <slab.h>
#include <string.h>
#include <printk.h>
#include <proc.h>

#define CPIO_HDR_LEN 110

enum { F_INO, F_MODE, F_UID, F_GID, F_NLINK, F_MTIME, F_FILESIZE, F_MAJ, F_MIN,
       F_RMAJ, F_RMIN, F_NAMESIZE, F_CHECK, F_NR };

void vfs_init(void)
{
	static const struct { const char *path; umode_t mode; unsigned int ma, mi; } nodes[] = {
		{ "/dev/console", S_IFCHR | 0600, TTYAUX_MAJOR, 1 },
		{ "/dev/tty", S_IFCHR | 0666, TTYAUX_MAJOR, 0 },
		{ "/dev/null", S_IFCHR | 0666, MEM_MAJOR, 3 },
		{ "/dev/zero", S_IFCHR | 0666, MEM_MAJOR, 5 },
		{ "/dev/full", S_IFCHR | 0666, MEM_MAJOR, 7 },
		{ "/dev/random", S_IFCHR | 0666, MEM_MAJOR, 8 },
		{ "/dev/urandom", S_IFCHR | 0666, MEM_MAJOR, 9 },
	};
	int err;

	init_filesystems();
	ramfs_init_root();
	vfs_add_mount(NULL, ihold(root_inode), "rootfs", "rootfs", MNT_LOCKED, NULL);
	chr_mem_init();
	tty_init();
	if ((err = do_mkdirat(AT_FDCWD, "/dev", 0755)))
		pr_err("vfs: mkdir /dev: %d\n", err);
	for (unsigned int i = 0; i < ARRAY_SIZE(nodes); i++) {
		err = do_mknodat(AT_FDCWD, nodes[i].path, nodes[i].mode,
				 MKDEV(nodes[i].ma, nodes[i].mi));
		if (err)
			pr_err("vfs: mknod %s: %d\n", nodes[i].path, err);
	}
	proc_root_init();
}

static int parse_hex8(const char *s, unsigned long *v)
{
	unsigned long x = 0;

	for (int i = 0; i < 8; i++) {
		char c = s[i];
		int d = c >= '0' && c <= '9' ? c - '0' :
			c >= 'a' && c <= 'f' ? c - 'a' + 10 :
			c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;

		if (d < 0)
			return -EINVAL;
		x = x * 16 + d;
	}
	*v = x;
	return 0;
}

/* mkdir -p for the directories leading to path (absolute). */
static void make_parents(char *path)
{
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = 0;
		do_mkdirat(AT_FDCWD, path, 0755);
		*p = '/';
	}
}

static int write_file(const char *path, umode_t mode, const char *data, unsigned long size)
{
	struct file *f = do_filp_open(AT_FDCWD, path, O_WRONLY | O_CREAT | O_TRUNC, mode);
	loff_t pos = 0;
	ssize_t n = 0;

	if (IS_ERR(f))
		return PTR_ERR(f);
	file_inode(f)->i_mode = S_IFREG | mode;
	while (pos < (loff_t)size) {
		n = kernel_write(f, data + pos, size - pos, &pos);
		if (n <= 0)
			break;
	}
	fput(f);
	return n < 0 ? n : 0;
}

static int create_entry(char *path, unsigned long *h, const char *data)
{
	umode_t mode = h[F_MODE] & 07777;
	umode_t type = h[F_MODE] & S_IFMT;
	int err;

	switch (type) {
	case S_IFDIR:
		err = do_mkdirat(AT_FDCWD, path, mode);
		return err == -EEXIST ? 0 : err;
	case S_IFREG:
		return write_file(path, mode, data, h[F_FILESIZE]);
	case S_IFCHR:
	case S_IFBLK:
	case S_IFIFO:
	case S_IFSOCK:
		err = do_mknodat(AT_FDCWD, path, type | mode, MKDEV(h[F_RMAJ], h[F_RMIN]));
		return err == -EEXIST ? 0 : err;
	case S_IFLNK:
		pr_info("initramfs: skipping symlink %s\n", path);
		return 0;
	}
	return -EINVAL;
}

static int unpack_entry(const char *name, unsigned long *h, const char *data)
{
	char *path;
	int err;

	while (*name == '/' || (name[0] == '.' && name[1] == '/'))
		name += *name == '/' ? 1 : 2;
	if (!*name || !strcmp(name, "."))
		return 0;
	path = kmalloc(PATH_MAX + 1, GFP_KERNEL);
	if (!path)
		return -ENOMEM;
	path[0] = '/';
	strlcpy(path + 1, name, PATH_MAX);
	err = create_entry(path, h, data);
	if (err == -ENOENT) {
		make_parents(path);
		err = create_entry(path, h, data);
	}
	if (err)
		pr_warn("initramfs: %s: error %d\n", path, err);
	kfree(path);
	return 0;
}

/* Parse the header at off; fill h and the offsets of name and data. */
static int parse_header(const char *a, unsigned long len, unsigned long off,
			unsigned long *h, unsigned long *name_off, unsigned long *data_off)
{
	if (len - off < CPIO_HDR_LEN)
		return -EINVAL;
	if (memcmp(a + off, "070701", 6) && memcmp(a + off, "070702", 6))
		return -EINVAL;
	for (int i = 0; i < F_NR; i++)
		if (parse_hex8(a + off + 6 + 8 * i, &h[i]))
			return -EINVAL;
	*name_off = off + CPIO_HDR_LEN;
	if (!h[F_NAMESIZE] || h[F_NAMESIZE] > PATH_MAX || h[F_NAMESIZE] > len - *name_off)
		return -EINVAL;
	if (a[*name_off + h[F_NAMESIZE] - 1] != 0)
		return -EINVAL;
	*data_off = ALIGN_UP(*name_off + h[F_NAMESIZE], 4UL);
	if (*data_off > len || h[F_FILESIZE] > len - *data_off)
		return -EINVAL;
	return 0;
}

int unpack_initramfs(const void *start, unsigned long len)
{
	const char *a = start;
	unsigned long off = 0, h[F_NR], name_off, data_off;
	int files = 0, err;

	while (off < len) {
		if (a[off] == 0) {	/* padding between concatenated archives */
			off++;
			continue;
		}
		err = parse_header(a, len, off, h, &name_off, &data_off);
		if (err) {
			pr_err("initramfs: bad header at offset %lu\n", off);
			return err;
		}
		off = ALIGN_UP(data_off + h[F_FILESIZE], 4UL);
		if (!strcmp(a + name_off, "TRAILER!!!"))
			continue;
		unpack_entry(a + name_off, h, a + data_off);
		files++;
	}
	pr_info("initramfs: unpacked %d entries\n", files);
	return 0;
}
