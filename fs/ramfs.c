/* ramfs.c: the in-memory file system, and its mountable instances
 * ramfs and tmpfs (Linux's fs/ramfs and mm/shmem.c without swap).
 * Regular files keep their data in the page cache only (holes read as
 * zero, 1 GiB max);
 * directories keep a list of (name, inode) entries in creation order (for
 * getdents) and a hash of the same entries by name (for lookup, so a
 * directory of thousands of names stays fast), plus a parent pointer.
 * The RAM root (rootfs) and shared anonymous memory use the static
 * ramfs_sb; each mount(2) of ramfs or tmpfs makes a super block of its
 * own (ramfs_mount) whose ramfs_sb_info counts its pages and inodes
 * against the size= and nr_inodes= limits (tmpfs; ENOSPC beyond). A page
 * is charged when it enters the cache (ramfs_read_folio for a fault,
 * ramfs_write_begin for a write), marked PG_private while charged, and uncharged
 * when it leaves the cache (ramfs_invalidate_folio/ramfs_release_folio).
 * Unmount frees every inode and page (ramfs_put_super).
 * Locks: inode->i_rwsem (read for lookup/read/iterate, write for changes);
 * namei takes the parent's before the child's. Callers hold nothing else.
 * The counters are atomics. */
#include <fs.h>
#include <mm.h>
#include <slab.h>
#include <string.h>
#include <printk.h>
#include <timer.h>
#include <proc.h>

#define RAMFS_MAX_SIZE (1LL << 30)

#define RAMFS_HASH 64		/* name chains per directory */

struct ramfs_dirent {
	struct list_head list;		/* in ri->entries, creation order */
	struct list_head hash;		/* in ri->buckets[hash of name] */
	struct inode *inode;
	u64 cookie;		/* getdents position, increasing in list order */
	int len;
	char name[];
};

struct ramfs_info {
	struct list_head entries;	/* directories */
	struct list_head *buckets;	/* directories: RAMFS_HASH chains */
	u64 next_cookie;
	struct inode *parent;	/* directories: referenced, self for root */
	char *link;		/* symlinks: the target */
};

static const struct inode_operations ramfs_dir_inode_ops, ramfs_file_inode_ops;
static struct super_block ramfs_sb = { .s_blocksize = PAGE_SIZE };
static const struct inode_operations ramfs_special_inode_ops;

static inline struct ramfs_info *RI(struct inode *i) { return i->i_private; }

/* A mounted instance's limits and use (NULL for ramfs_sb: no limits). */
struct ramfs_sb_info {
	unsigned long max_blocks, max_inodes;	/* pages, inodes; 0: no limit */
	atomic_long_t used_blocks, used_inodes;
	umode_t mode;			/* of the root: mode= */
	uid_t uid;
	gid_t gid;
	int tmpfs;
};
static inline struct ramfs_sb_info *RSB(struct super_block *sb) { return sb->s_fs_info; }

/* Takes one unit of *used unless that passes max (0: no limit). */
static int charge(atomic_long_t *used, unsigned long max, int force)
{
	long n = atomic_long_inc_return(used);
	if (max && (unsigned long)n > max && !force) {
		atomic_long_dec(used);
		return -ENOSPC;
	}
	return 0;
}

static int ramfs_charge_folio(struct folio *folio, int force)
{
	struct ramfs_sb_info *sbi = RSB(folio_mapping(folio)->host->i_sb);
	if (!sbi || folio_test_private(folio))
		return 0;
	if (charge(&sbi->used_blocks, sbi->max_blocks, force))
		return -ENOSPC;
	if (test_and_set_bit(PG_private, &folio->page.flags))	/* charged meanwhile */
		atomic_long_dec(&sbi->used_blocks);
	return 0;
}

static void ramfs_uncharge_folio(struct folio *folio)
{
	struct ramfs_sb_info *sbi = RSB(folio_mapping(folio)->host->i_sb);
	if (test_and_clear_bit(PG_private, &folio->page.flags) && sbi)
		atomic_long_dec(&sbi->used_blocks);
}

/* File data lives only in the page cache, as in Linux's ramfs: a folio
 * is created zeroed and, once written, stays dirty for good (no backing
 * store: never written back, never reclaimed; ramfs_dirty_folio keeps
 * these pages out of the dirty accounting). A folio is made here for a
 * fault on a hole or a partial write (read(2) makes none: shmem_file_read)
 * and charged at once, as Linux's tmpfs charges every page it allocates:
 * past size= it fails with ENOSPC, and the fault gets SIGBUS. */
static int ramfs_read_folio(struct file *f, struct folio *folio)
{
	(void)f;
	int err = ramfs_charge_folio(folio, 0);
	if (!err) {
		memset(folio_address(folio), 0, PAGE_SIZE);	/* a hole */
		folio_mark_uptodate(folio);
	}
	folio_unlock(folio);
	return err;
}

/* A page made dirty is charged if it is not yet (every way a page gets
 * into the cache charged it already, so this cannot overshoot size=). */
static int ramfs_dirty_folio(struct address_space *m, struct folio *folio)
{
	(void)m;
	ramfs_charge_folio(folio, 1);
	return !test_and_set_bit(PG_dirty, &folio->page.flags);
}

static int ramfs_write_begin(struct file *file, struct address_space *m, loff_t pos,
			     unsigned int len, struct folio **foliop, void **fsdata)
{
	int err = simple_write_begin(file, m, pos, len, foliop, fsdata);
	if (!err && (err = ramfs_charge_folio(*foliop, 0))) {
		folio_unlock(*foliop);
		folio_put(*foliop);
	}
	return err;
}

static void ramfs_invalidate_folio(struct folio *folio, size_t offset, size_t len)
{
	if (offset == 0 && len == PAGE_SIZE)
		ramfs_uncharge_folio(folio);
}

static int ramfs_release_folio(struct folio *folio, gfp_t gfp)
{
	(void)gfp;
	ramfs_uncharge_folio(folio);
	return 1;
}

static const struct address_space_operations ramfs_aops = {
	.read_folio = ramfs_read_folio,
	.dirty_folio = ramfs_dirty_folio,
	.write_begin = ramfs_write_begin,
	.write_end = simple_write_end,
	.invalidate_folio = ramfs_invalidate_folio,
	.release_folio = ramfs_release_folio,
};

/* i_rwsem held for writing. */
static int ramfs_setsize(struct inode *inode, loff_t size)
{
	if (size < 0 || size > RAMFS_MAX_SIZE)
		return -EFBIG;
	loff_t old = inode->i_size;
	if (size > old && (old & ~PAGE_MASK))	/* bytes a mapping stored past the old EOF */
		truncate_inode_pages_range(inode->i_mapping, old, (old | ~PAGE_MASK));
	inode->i_size = size;
	if (size < old)
		truncate_pagecache(inode, size);
	return 0;
}

/* Data or entries changed: mtime and ctime are now (Linux's
 * file_update_time and the directory stamps of simple_link/unlink). */
static void touch_mtime(struct inode *inode)
{
	inode->i_mtime = inode->i_ctime = ktime_get_real_seconds();
}

static ssize_t ramfs_write(struct file *f, struct iov_iter *from, loff_t *ppos)
{
	struct inode *inode = file_inode(f);
	ssize_t ret;

	down_write(&inode->i_rwsem);
	if (f->f_flags & O_APPEND)
		*ppos = inode->i_size;
	if (*ppos >= RAMFS_MAX_SIZE)
		ret = -EFBIG;
	else {
		if (iov_iter_count(from) > (size_t)(RAMFS_MAX_SIZE - *ppos))
			from->count = RAMFS_MAX_SIZE - *ppos;
		ret = generic_perform_write(f, from, ppos);
		if (ret > 0)
			touch_mtime(inode);
	}
	up_write(&inode->i_rwsem);
	return ret;
}

const struct file_operations ramfs_file_operations = {
	.read = shmem_file_read, .write = ramfs_write, .llseek = generic_file_llseek,
	.mmap = generic_file_mmap,
};

static ssize_t ramfs_dir_read(struct file *f, struct iov_iter *to, loff_t *pos)
{
	return -EISDIR;
}

static unsigned int dtype(umode_t mode)
{
	return (mode & S_IFMT) >> 12;	/* DT_* are S_IF* >> 12 */
}

static int ramfs_iterate(struct file *f, struct dir_context *ctx)
{
	struct inode *dir = file_inode(f);
	struct ramfs_dirent *de;

	down_read(&dir->i_rwsem);
	if (ctx->pos == 0) {
		if (!ctx->actor(ctx, ".", 1, 1, dir->i_ino, DT_DIR))
			goto out;
		ctx->pos = 1;
	}
	if (ctx->pos == 1) {
		if (!ctx->actor(ctx, "..", 2, 2, RI(dir)->parent->i_ino, DT_DIR))
			goto out;
		ctx->pos = 2;
	}
	list_for_each_entry(de, &RI(dir)->entries, list) {
		if ((loff_t)de->cookie < ctx->pos)
			continue;
		if (!ctx->actor(ctx, de->name, de->len, de->cookie + 1,
				de->inode->i_ino, dtype(de->inode->i_mode)))
			break;
		ctx->pos = de->cookie + 1;
	}
out:
	up_read(&dir->i_rwsem);
	return 0;
}

const struct file_operations ramfs_dir_operations = {
	.read = ramfs_dir_read, .llseek = generic_file_llseek,
	.iterate = ramfs_iterate,
};

static struct list_head *name_bucket(struct inode *dir, const char *name, int len)
{
	u32 h = 5381;

	while (len--)
		h = h * 33 + (unsigned char)*name++;
	return &RI(dir)->buckets[h % RAMFS_HASH];
}

/* The entry called name that names inode (any inode if NULL): during a
 * rename over an existing name both the new and the old entry exist. */
static struct ramfs_dirent *find_entry(struct inode *dir, const char *name, int len,
				       struct inode *inode)
{
	struct ramfs_dirent *de;

	list_for_each_entry(de, name_bucket(dir, name, len), hash)
		if (de->len == len && !memcmp(de->name, name, len) &&
		    (!inode || de->inode == inode))
			return de;
	return NULL;
}

static void del_entry(struct inode *dir, struct ramfs_dirent *de)
{
	list_del(&de->list);
	list_del(&de->hash);
	kfree(de);
	touch_mtime(dir);
}

static struct inode *ramfs_lookup(struct inode *dir, const char *name, int len)
{
	struct ramfs_dirent *de;

	if (len == 2 && name[0] == '.' && name[1] == '.')
		return ihold(RI(dir)->parent);
	de = find_entry(dir, name, len, NULL);
	return de ? ihold(de->inode) : NULL;
}

/* A directory's reference on its parent belongs to the tree, not to a
 * user: it is kept out of s_inode_refs, so that umount2 finds an idle
 * instance with subdirectories idle. */
static struct inode *hold_parent(struct inode *dir)
{
	ihold(dir);
	sb_refs_dec(dir->i_sb);
	return dir;
}

static void put_parent(struct inode *dir)
{
	sb_refs_inc(dir->i_sb);
	iput(dir);
}

/* A new inode of the given type in sb (dir's if dir is given); i_count
 * = 1, i_nlink = 0. NULL: no memory, or the instance's nr_inodes used. */
static struct inode *ramfs_get_inode(struct super_block *sb, struct inode *dir,
				     umode_t mode, dev_t rdev)
{
	if (dir)
		sb = dir->i_sb;
	struct ramfs_sb_info *sbi = RSB(sb);
	if (sbi && charge(&sbi->used_inodes, sbi->max_inodes, 0))
		return NULL;
	struct inode *inode = new_inode(mode);
	struct ramfs_info *ri = kzalloc(sizeof(*ri), GFP_KERNEL);

	if (ri && S_ISDIR(mode)) {
		ri->buckets = kmalloc(RAMFS_HASH * sizeof(struct list_head), GFP_KERNEL);
		for (int i = 0; ri->buckets && i < RAMFS_HASH; i++)
			INIT_LIST_HEAD(&ri->buckets[i]);
	}
	if (!inode || !ri || (S_ISDIR(mode) && !ri->buckets)) {
		if (ri)
			kfree(ri->buckets);
		kfree(ri);
		kfree(inode);
		if (sbi)
			atomic_long_dec(&sbi->used_inodes);
		return NULL;
	}
	INIT_LIST_HEAD(&ri->entries);
	ri->next_cookie = 2;
	inode->i_private = ri;
	inode->i_sb = sb;		/* link/rename stay inside one instance */
	sb_refs_inc(sb);		/* the reference new_inode made */
	if (S_ISREG(mode)) {
		inode->i_op = &ramfs_file_inode_ops;
		inode->i_fop = &ramfs_file_operations;
		inode->i_data.a_ops = &ramfs_aops;
		set_bit(AS_NO_WRITEBACK, &inode->i_data.flags);
	} else if (S_ISDIR(mode)) {
		inode->i_op = &ramfs_dir_inode_ops;
		inode->i_fop = &ramfs_dir_operations;
		ri->parent = dir ? hold_parent(dir) : inode;
	} else {
		inode->i_op = &ramfs_special_inode_ops;
		init_special_inode(inode, mode, rdev);
	}
	return inode;
}

/* An unnamed regular file (i_nlink 0: evicted with its last reference):
 * the backing of shared anonymous memory (mm/shmem.c). */
struct inode *ramfs_new_file_inode(void)
{
	return ramfs_get_inode(&ramfs_sb, NULL, S_IFREG | 0600, 0);
}

static int add_entry(struct inode *dir, const char *name, int len, struct inode *inode)
{
	struct ramfs_dirent *de = kmalloc(sizeof(*de) + len + 1, GFP_KERNEL);

	if (!de)
		return -ENOMEM;
	memcpy(de->name, name, len);
	de->name[len] = 0;
	de->len = len;
	de->inode = inode;
	de->cookie = RI(dir)->next_cookie++;
	list_add_tail(&de->list, &RI(dir)->entries);
	list_add(&de->hash, name_bucket(dir, name, len));
	touch_mtime(dir);
	return 0;
}

static struct inode *ramfs_mknod(struct inode *dir, const char *name, int len,
				 umode_t mode, dev_t rdev)
{
	struct inode *inode = ramfs_get_inode(NULL, dir, mode, rdev);

	if (!inode)
		return ERR_PTR(-ENOSPC);
	if (add_entry(dir, name, len, inode)) {
		iput(inode);	/* nlink 0: evicted */
		return ERR_PTR(-ENOSPC);
	}
	if (S_ISDIR(mode)) {
		inode->i_nlink = 2;
		dir->i_nlink++;
	} else {
		inode->i_nlink = 1;
	}
	return inode;
}

static struct inode *ramfs_create(struct inode *dir, const char *name, int len, umode_t mode)
{
	return ramfs_mknod(dir, name, len, (mode & ~S_IFMT) | S_IFREG, 0);
}

static struct inode *ramfs_mkdir(struct inode *dir, const char *name, int len, umode_t mode)
{
	return ramfs_mknod(dir, name, len, (mode & ~S_IFMT) | S_IFDIR, 0);
}


static int ramfs_unlink(struct inode *dir, const char *name, int len, struct inode *victim)
{
	struct ramfs_dirent *de = find_entry(dir, name, len, victim);

	if (!de)
		return -ENOENT;
	del_entry(dir, de);
	victim->i_ctime = dir->i_ctime;
	WRITE_ONCE(victim->i_nlink, victim->i_nlink - 1);
	return 0;
}

static int ramfs_rmdir(struct inode *dir, const char *name, int len, struct inode *victim)
{
	struct ramfs_dirent *de = find_entry(dir, name, len, victim);

	if (!de)
		return -ENOENT;
	if (!list_empty(&RI(victim)->entries))
		return -ENOTEMPTY;
	del_entry(dir, de);
	dir->i_nlink--;
	WRITE_ONCE(victim->i_nlink, 0);
	return 0;
}

static int ramfs_link(struct inode *inode, struct inode *dir, const char *name, int len)
{
	int err = add_entry(dir, name, len, inode);
	if (!err) {
		inode->i_ctime = dir->i_ctime;
		WRITE_ONCE(inode->i_nlink, inode->i_nlink + 1);
	}
	return err;
}

/* Both directories are locked; victim (if any) is replaced. */
static int ramfs_rename(struct inode *odir, const char *oname, int olen, struct inode *inode,
			struct inode *ndir, const char *nname, int nlen, struct inode *victim)
{
	struct ramfs_dirent *de = find_entry(odir, oname, olen, inode);
	int is_dir = S_ISDIR(inode->i_mode);
	if (!de)
		return -ENOENT;
	if (victim && S_ISDIR(victim->i_mode) && !list_empty(&RI(victim)->entries))
		return -ENOTEMPTY;
	if (add_entry(ndir, nname, nlen, inode))
		return -ENOMEM;
	if (victim) {
		struct ramfs_dirent *vde = find_entry(ndir, nname, nlen, victim);
		del_entry(ndir, vde);
		victim->i_ctime = ndir->i_ctime;
		if (S_ISDIR(victim->i_mode)) {
			WRITE_ONCE(victim->i_nlink, 0);
			ndir->i_nlink--;
		} else {
			WRITE_ONCE(victim->i_nlink, victim->i_nlink - 1);
		}
	}
	del_entry(odir, de);
	inode->i_ctime = odir->i_ctime;
	if (is_dir && odir != ndir) {
		odir->i_nlink--;
		ndir->i_nlink++;
		put_parent(RI(inode)->parent);
		RI(inode)->parent = hold_parent(ndir);
	}
	return 0;
}

static const struct inode_operations ramfs_symlink_inode_ops;

static struct inode *ramfs_symlink(struct inode *dir, const char *name, int len,
				   const char *target)
{
	char *t = kstrdup(target, GFP_KERNEL);
	if (!t)
		return ERR_PTR(-ENOMEM);
	struct inode *inode = ramfs_mknod(dir, name, len, S_IFLNK | 0777, 0);
	if (IS_ERR(inode)) {
		kfree(t);
		return inode;
	}
	RI(inode)->link = t;
	inode->i_size = strlen(t);
	inode->i_op = &ramfs_symlink_inode_ops;
	return inode;
}

static int ramfs_readlink(struct inode *inode, char *buf, int size)
{
	int n = min((int)strlen(RI(inode)->link), size);
	memcpy(buf, RI(inode)->link, n);
	return n;
}

static void ramfs_evict(struct inode *inode)
{
	struct ramfs_info *ri = RI(inode);

	if (!ri)
		return;
	if (S_ISREG(inode->i_mode))
		truncate_inode_pages(inode->i_mapping, 0);
	if (S_ISDIR(inode->i_mode) && ri->parent != inode)
		put_parent(ri->parent);
	kfree(ri->link);
	kfree(ri->buckets);
	kfree(ri);
	inode->i_private = NULL;
	if (RSB(inode->i_sb))
		atomic_long_dec(&RSB(inode->i_sb)->used_inodes);
}

static const struct inode_operations ramfs_dir_inode_ops = {
	.lookup = ramfs_lookup, .create = ramfs_create, .mkdir = ramfs_mkdir,
	.mknod = ramfs_mknod, .unlink = ramfs_unlink, .rmdir = ramfs_rmdir,
	.rename = ramfs_rename, .link = ramfs_link, .symlink = ramfs_symlink,
	.evict = ramfs_evict,
};
static const struct inode_operations ramfs_symlink_inode_ops = {
	.readlink = ramfs_readlink, .evict = ramfs_evict,
};
/* Pages written (dirty: ramfs data), in 512-byte units; clean pages
 * are holes that were read and take no space. */
static u64 ramfs_getblocks(struct inode *inode)
{
	struct address_space *m = inode->i_mapping;
	unsigned long index;
	struct folio *f;
	u64 n = 0;

	spin_lock(&m->i_pages_lock);
	xa_for_each(&m->i_pages, index, f)
		n += folio_test_dirty(f);
	spin_unlock(&m->i_pages_lock);
	return n * (PAGE_SIZE / 512);
}

static const struct inode_operations ramfs_file_inode_ops = {
	.setsize = ramfs_setsize, .evict = ramfs_evict, .getblocks = ramfs_getblocks,
};
static const struct inode_operations ramfs_special_inode_ops = {
	.evict = ramfs_evict,
};

void ramfs_init_root(void)
{
	struct inode *root = ramfs_get_inode(&ramfs_sb, NULL, S_IFDIR | 0755, 0);

	if (!root)
		panic("ramfs: no memory for the root");
	root->i_nlink = 2;	/* never evicted: root_inode keeps i_count 1 */
	root_inode = root;
}

/* ---- mounted instances: ramfs and tmpfs ---- */
#define RAMFS_MAGIC 0x858458f6
#define TMPFS_MAGIC 0x01021994

struct ramfs_opts {
	unsigned long blocks, inodes;
	int seen_blocks, seen_inodes;
	umode_t mode;
	uid_t uid;
	gid_t gid;
};

/* One "key=value" of tmpfs (Linux's shmem_parse_one): size= in bytes
 * with a K/M/G suffix or as a percentage of RAM, nr_blocks=, nr_inodes=,
 * mode= (octal), uid=, gid=. */
static int tmpfs_parse_one(const char *key, char *val, struct ramfs_opts *o)
{
	unsigned long long v;
	char *rest = val;

	if (!val || !*val) {
		printk("tmpfs: Bad value for '%s'\n", key);
		return -EINVAL;
	}
	if (!strcmp(key, "size")) {
		v = memparse(val, &rest);
		if (*rest == '%') {
			rest++;
			v = ((u64)totalram_pages() * v / 100) << PAGE_SHIFT;
		}
		o->blocks = DIV_ROUND_UP(v, PAGE_SIZE);
		o->seen_blocks = 1;
	} else if (!strcmp(key, "nr_blocks")) {
		o->blocks = memparse(val, &rest);
		o->seen_blocks = 1;
	} else if (!strcmp(key, "nr_inodes")) {
		o->inodes = memparse(val, &rest);
		o->seen_inodes = 1;
	} else if (!strcmp(key, "mode")) {
		o->mode = simple_strtoul(val, &rest, 8) & 07777;
	} else if (!strcmp(key, "uid")) {
		o->uid = simple_strtoul(val, &rest, 10);
	} else if (!strcmp(key, "gid")) {
		o->gid = simple_strtoul(val, &rest, 10);
	} else {
		printk("tmpfs: Unknown parameter '%s'\n", key);	/* as Linux says it */
		return -EINVAL;
	}
	if (*rest || rest == val) {
		printk("tmpfs: Bad value for '%s'\n", key);
		return -EINVAL;
	}
	return 0;
}

/* The comma-separated options of data (changed in place). ramfs knows
 * only mode= and ignores the rest, as Linux's ramfs_parse_param. */
static int ramfs_parse_options(char *data, int tmpfs, struct ramfs_opts *o)
{
	char *opt;

	while (data && (opt = strsep(&data, ",")) != NULL) {
		char *val = strchr(opt, '=');
		int err;
		if (!*opt)
			continue;
		if (val)
			*val++ = 0;
		if (tmpfs)
			err = tmpfs_parse_one(opt, val, o);
		else if (!strcmp(opt, "mode") && val)
			err = tmpfs_parse_one(opt, val, o);
		else
			err = 0;
		if (err)
			return err;
	}
	return 0;
}

static int ramfs_statfs(struct super_block *sb, struct kstatfs *st)
{
	struct ramfs_sb_info *sbi = RSB(sb);

	st->f_type = sbi->tmpfs ? TMPFS_MAGIC : RAMFS_MAGIC;
	st->f_bsize = PAGE_SIZE;
	st->f_namelen = NAME_MAX;
	if (sbi->max_blocks) {
		long used = atomic_long_read(&sbi->used_blocks);
		st->f_blocks = sbi->max_blocks;
		st->f_bfree = st->f_bavail = used < (long)sbi->max_blocks ? sbi->max_blocks - used : 0;
	}
	if (sbi->max_inodes) {
		long used = atomic_long_read(&sbi->used_inodes);
		st->f_files = sbi->max_inodes;
		st->f_ffree = used < (long)sbi->max_inodes ? sbi->max_inodes - used : 0;
	}
	return 0;
}

/* tmpfs takes new limits (Linux's shmem_reconfigure): not below what is
 * in use, and none where there was none; mode=, uid=, gid= apply only
 * at mount. */
static int ramfs_remount(struct super_block *sb, int *flags, char *data)
{
	struct ramfs_sb_info *sbi = RSB(sb);
	struct ramfs_opts o = { 0 };
	int err = ramfs_parse_options(data, sbi->tmpfs, &o);

	(void)flags;
	if (err)
		return err;
	if ((o.seen_blocks && o.blocks && !sbi->max_blocks) ||
	    (o.seen_inodes && o.inodes && !sbi->max_inodes)) {
		printk("tmpfs: Cannot retroactively limit size\n");
		return -EINVAL;
	}
	if ((o.seen_blocks && o.blocks && atomic_long_read(&sbi->used_blocks) > (long)o.blocks) ||
	    (o.seen_inodes && o.inodes && atomic_long_read(&sbi->used_inodes) > (long)o.inodes)) {
		printk("tmpfs: Too small a size for current use\n");
		return -EINVAL;
	}
	if (o.seen_blocks)
		sbi->max_blocks = o.blocks;
	if (o.seen_inodes)
		sbi->max_inodes = o.inodes;
	return 0;
}

/* Unmount (umount2 found nobody using the instance): remove every name,
 * deepest first and without recursion, so each inode goes with its last
 * name and each directory after its entries; then the root, the
 * counters (now zero) and the super block. */
static void ramfs_put_super(struct super_block *sb)
{
	struct inode *root = sb->s_root, *dir = root;

	while (dir != root || !list_empty(&RI(root)->entries)) {
		if (list_empty(&RI(dir)->entries)) {
			dir = RI(dir)->parent;	/* alive: its own name holds it */
			continue;
		}
		struct ramfs_dirent *de = list_first_entry(&RI(dir)->entries,
							  struct ramfs_dirent, list);
		struct inode *inode = ihold(de->inode);
		if (S_ISDIR(inode->i_mode) && !list_empty(&RI(inode)->entries)) {
			iput(inode);
			dir = inode;
			continue;
		}
		del_entry(dir, de);
		if (S_ISDIR(inode->i_mode)) {
			WRITE_ONCE(inode->i_nlink, 0);
			dir->i_nlink--;
		} else {
			WRITE_ONCE(inode->i_nlink, inode->i_nlink - 1);
		}
		iput(inode);	/* the last name gone: evicted with its pages */
	}
	WRITE_ONCE(root->i_nlink, 0);
	iput(root);		/* sb->s_root's reference, the last */
	WARN_ON(atomic_long_read(&RSB(sb)->used_blocks) || atomic_long_read(&RSB(sb)->used_inodes));
	kfree(sb->s_fs_info);
	kfree(sb);
}

static const struct super_operations ramfs_sb_ops = {
	.statfs = ramfs_statfs,
	.put_super = ramfs_put_super,
	.remount_fs = ramfs_remount,
};

/* mount(2) of ramfs or tmpfs: a new, empty instance every time. Default
 * limits of tmpfs as Linux's: half of RAM, as many inodes as pages in
 * that half; root mode 1777 (ramfs: 0755). */
static struct inode *ramfs_mount(struct file_system_type *t, int flags, const char *dev,
				 char *data)
{
	int tmpfs = !strcmp(t->name, "tmpfs");
	struct ramfs_opts o = { .mode = tmpfs ? 01777 : 0755 };
	struct super_block *sb;
	struct ramfs_sb_info *sbi;
	struct inode *root;
	int err;

	(void)dev;
	if (tmpfs)
		o.blocks = o.inodes = totalram_pages() / 2;
	if ((err = ramfs_parse_options(data, tmpfs, &o)))
		return ERR_PTR(err);
	sb = kzalloc(sizeof(*sb), GFP_KERNEL);
	sbi = kzalloc(sizeof(*sbi), GFP_KERNEL);
	if (!sb || !sbi)
		goto nomem;
	sbi->tmpfs = tmpfs;
	sbi->max_blocks = o.blocks;
	sbi->max_inodes = o.inodes;
	sb->s_blocksize = PAGE_SIZE;
	sb->s_op = &ramfs_sb_ops;
	sb->s_fs_info = sbi;
	sb->s_type = t;
	sb->s_dev = get_anon_dev();	/* st_dev, never reused */
	sb->s_readonly = !!(flags & MS_RDONLY);
	INIT_LIST_HEAD(&sb->s_list);
	init_rwsem(&sb->s_umount);
	root = ramfs_get_inode(sb, NULL, S_IFDIR | o.mode, 0);
	if (!root)
		goto nomem;
	root->i_nlink = 2;
	root->i_uid = o.uid;
	root->i_gid = o.gid;
	sb->s_root = root;
	return ihold(root);
nomem:
	kfree(sbi);
	kfree(sb);
	return ERR_PTR(-ENOMEM);
}

struct file_system_type ramfs_fs_type = { .name = "ramfs", .mount = ramfs_mount };
struct file_system_type tmpfs_fs_type = { .name = "tmpfs", .mount = ramfs_mount };
