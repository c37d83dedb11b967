/* dcache.c: the name cache. A path walk asks here for (directory, name)
 * before calling the file system's ->lookup. An entry (struct dentry) is
 * positive (the name is d_inode) or negative (d_inode == NULL: there is
 * no such name, so a second stat of a missing file scans nothing), and
 * holds references on d_dir and d_inode.
 *
 * Invariant: a hashed entry tells the truth. Lookups add entries (d_add)
 * with d_dir->i_rwsem held for reading, right after ->lookup answered
 * under that same hold; every operation that creates, removes or moves
 * a name (create, mkdir, mknod, symlink, link, unlink, rmdir, rename)
 * replaces the entry (d_set, d_move) while holding that directory's
 * i_rwsem for writing. So no answer can be cached after its name changed
 * and no change leaves an old answer behind. Nothing is cached in a
 * removed directory (i_nlink == 0, stable under its own i_rwsem): rmdir
 * drops its entries (d_prune_children) so they cannot pin it. Nor are
 * names of I_DONTCACHE inodes (/proc/PID and everything in it), nor
 * "no such name" in an I_DONTCACHE directory (/proc): those appear and
 * vanish with processes, without any directory lock.
 *
 * Pins: an open file keeps the entry it was opened by (file->f_dentry,
 * d_count) so that d_path can name it later. A pinned entry is never
 * evicted; rename moves it (open files follow their renamed name), and
 * when its name goes away it is unhashed and lives on, unhashed, until
 * the last dput; d_path then says " (deleted)".
 *
 * Bounds: unpinned hashed entries sit on an LRU. At most D_MAX entries
 * and 1/128 of RAM of entries and names are cached; the least recently
 * used go first. Names up to DNAME_INLINE_LEN - 1 bytes live in the entry,
 * longer ones (up to NAME_MAX) in a kmalloc'd buffer, as in Linux.
 *
 * Locks: dcache_lock (a leaf spinlock) guards the hash table, the LRU,
 * d_count, d_name/d_dir and the i_dentry/i_dchildren lists; references
 * are dropped (iput, kfree) only after it is released. Callers hold the
 * directory locks stated per function and nothing else. */
#include <fs.h>
#include <vmstat.h>
#include <mm.h>
#include <slab.h>
#include <string.h>

#define D_HASH 1024
#define D_MAX 8192
#define DNAME_INLINE_LEN 32

struct dentry {
	struct hlist_node d_hash;	/* d_table bucket, while hashed */
	struct hlist_node d_alias;	/* d_inode->i_dentry, while hashed */
	struct hlist_node d_child;	/* d_dir->i_dchildren, while hashed */
	struct list_head d_lru;		/* d_lru while hashed and unpinned */
	struct inode *d_dir;		/* referenced */
	struct inode *d_inode;		/* referenced; NULL: negative */
	int d_count;			/* pins (open files) */
	int d_hashed;
	int d_len;
	char *d_name;			/* d_iname or kmalloc'd, NUL-terminated */
	char d_iname[DNAME_INLINE_LEN];
};

static struct hlist_head d_table[D_HASH];
static LIST_HEAD(d_lru);
static long d_nr, d_bytes;	/* hashed entries and their size */
static DEFINE_SPINLOCK(dcache_lock);

static unsigned int d_hashfn(struct inode *dir, const char *name, int len)
{
	unsigned long h = (unsigned long)dir >> 4;
	for (int i = 0; i < len; i++)
		h = h * 31 + (unsigned char)name[i];
	return (h ^ (h >> 13)) % D_HASH;
}

/* dcache_lock held. The hashed entry for (dir, name), or NULL. */
static struct dentry *d_find(struct inode *dir, const char *name, int len)
{
	struct dentry *d;
	hlist_for_each_entry(d, &d_table[d_hashfn(dir, name, len)], d_hash)
		if (d->d_dir == dir && d->d_len == len && !memcmp(d->d_name, name, len))
			return d;
	return NULL;
}

static long d_size(struct dentry *d)
{
	return sizeof(*d) + (d->d_name != d->d_iname ? d->d_len + 1 : 0);
}

static struct dentry *d_alloc(struct inode *dir, const char *name, int len, struct inode *inode)
{
	struct dentry *d = kzalloc(sizeof(*d), GFP_KERNEL);
	if (!d)
		return NULL;
	d->d_name = len < DNAME_INLINE_LEN ? d->d_iname : kmalloc(len + 1, GFP_KERNEL);
	if (!d->d_name) {
		kfree(d);
		return NULL;
	}
	memcpy(d->d_name, name, len);
	d->d_name[len] = 0;
	d->d_len = len;
	INIT_LIST_HEAD(&d->d_lru);
	d->d_dir = ihold(dir);
	d->d_inode = inode ? ihold(inode) : NULL;
	return d;
}

/* No locks held: drops the entry's references (may evict an inode). */
static void d_free(struct dentry *d)
{
	if (!d)
		return;
	iput(d->d_inode);
	iput(d->d_dir);
	if (d->d_name != d->d_iname)
		kfree(d->d_name);
	kfree(d);
}

/* dcache_lock held. */
static void __d_rehash(struct dentry *d)
{
	hlist_add_head(&d->d_hash, &d_table[d_hashfn(d->d_dir, d->d_name, d->d_len)]);
	hlist_add_head(&d->d_child, &d->d_dir->i_dchildren);
}

static void __d_unhash(struct dentry *d)
{
	hlist_del_init(&d->d_hash);
	hlist_del_init(&d->d_child);
}

static void __d_insert(struct dentry *d)
{
	__d_rehash(d);
	if (d->d_inode)
		hlist_add_head(&d->d_alias, &d->d_inode->i_dentry);
	if (!d->d_count)
		list_add_tail(&d->d_lru, &d_lru);
	d->d_hashed = 1;
	d_nr++;
	d_bytes += d_size(d);
}

/* dcache_lock held. Unhash d; returns it if unpinned (the caller frees it
 * after unlocking, or queues it on a dispose list), else NULL. */
static struct dentry *__d_drop(struct dentry *d)
{
	__d_unhash(d);
	hlist_del_init(&d->d_alias);
	list_del_init(&d->d_lru);
	d->d_hashed = 0;
	d_nr--;
	d_bytes -= d_size(d);
	return d->d_count ? NULL : d;
}

static void __d_drop_to(struct dentry *d, struct list_head *dispose)
{
	if (__d_drop(d))
		list_add(&d->d_lru, dispose);
}

/* dcache_lock held: evict least recently used entries while over the limits. */
static void d_shrink(struct list_head *dispose)
{
	long max_bytes = (long)(totalram_pages() << PAGE_SHIFT) / 128;
	while ((d_nr > D_MAX || d_bytes > max_bytes) && !list_empty(&d_lru))
		__d_drop_to(list_first_entry(&d_lru, struct dentry, d_lru), dispose);
}

static void d_dispose(struct list_head *dispose)
{
	while (!list_empty(dispose)) {
		struct dentry *d = list_first_entry(dispose, struct dentry, d_lru);
		list_del(&d->d_lru);
		d_free(d);
	}
}

/* dcache_lock held: take a pin (a pinned entry leaves the LRU). */
static struct dentry *__dget(struct dentry *d)
{
	if (!d->d_count++)
		list_del_init(&d->d_lru);
	return d;
}

/* Drop a pin: a hashed entry goes back on the LRU, an unhashed one
 * (its name was removed meanwhile) is freed. */
void dput(struct dentry *d)
{
	if (!d)
		return;
	spin_lock(&dcache_lock);
	int last = --d->d_count == 0, unreachable = last && !d->d_hashed;
	if (last && d->d_hashed)
		list_add_tail(&d->d_lru, &d_lru);
	spin_unlock(&dcache_lock);
	if (unreachable)	/* in no list: nobody else can find it */
		d_free(d);
}

/* dcache_lock held: pin d into *pin; the old pin is returned for dput. */
static struct dentry *d_pin_locked(struct dentry *d, struct dentry **pin)
{
	struct dentry *old = *pin;
	*pin = __dget(d);
	return old;
}

struct inode *d_lookup(struct inode *dir, const char *name, int len, struct dentry **pin)
{
	struct dentry *d, *old = NULL;
	struct inode *r = NULL;
	spin_lock(&dcache_lock);
	d = d_find(dir, name, len);
	if (d && d->d_inode) {
		r = ihold(d->d_inode);
		if (pin)
			old = d_pin_locked(d, pin);
	} else if (d) {
		r = ERR_PTR(-ENOENT);	/* a negative hit is a hit */
	}
	if (d && !d->d_count)
		list_move_tail(&d->d_lru, &d_lru);
	spin_unlock(&dcache_lock);
	count_vm_event(d ? DCACHE_HIT : DCACHE_MISS);
	dput(old);
	return r;
}

/* Put new (may be NULL) in place of whatever (dir, name) holds, unless
 * the entry there already says inode (or keep: d_add, where an entry made
 * by a walker that got there first gives the same answer). Pins the
 * result if asked and it is positive. Called with dir->i_rwsem held. */
static void d_replace(struct inode *dir, const char *name, int len, struct inode *inode,
		      struct dentry *new, int keep, struct dentry **pin)
{
	LIST_HEAD(dispose);
	struct dentry *cur, *old = NULL;
	spin_lock(&dcache_lock);
	cur = d_find(dir, name, len);
	if (cur && !keep && (cur->d_inode != inode || !inode)) {
		__d_drop_to(cur, &dispose);
		cur = NULL;
	}
	if (!cur && new) {
		__d_insert(new);
		cur = new;
		new = NULL;
	}
	if (cur && pin && cur->d_inode)
		old = d_pin_locked(cur, pin);
	d_shrink(&dispose);
	spin_unlock(&dcache_lock);
	d_free(new);
	dput(old);
	d_dispose(&dispose);
}

/* An answer that must not be cached: a name for an I_DONTCACHE inode,
 * or "no such name" in an I_DONTCACHE directory (/proc: a process may
 * appear under that name at any time). */
static int d_dontcache(struct inode *dir, struct inode *inode)
{
	return ((inode ? inode : dir)->i_state & I_DONTCACHE) != 0;
}

void d_add(struct inode *dir, const char *name, int len, struct inode *inode,
	   struct dentry **pin)
{
	struct dentry *d;
	if (!dir->i_nlink || d_dontcache(dir, inode))
		return;		/* a removed directory, or a /proc/PID name */
	if ((d = d_alloc(dir, name, len, inode)))
		d_replace(dir, name, len, inode, d, 1, pin);
}

void d_set(struct inode *dir, const char *name, int len, struct inode *inode,
	   struct dentry **pin)
{
	struct dentry *d = dir->i_nlink && !d_dontcache(dir, inode) ?
			   d_alloc(dir, name, len, inode) : NULL;
	d_replace(dir, name, len, inode, d, 0, pin);
}

void d_invalidate(struct inode *dir, const char *name, int len)
{
	d_replace(dir, name, len, NULL, NULL, 0, NULL);
}

/* The entry for old_dir/old_name, if cached, now names new_dir/new_name;
 * what new_name named is dropped (pinned: its file was renamed over). */
void d_move(struct inode *old_dir, const char *old_name, int old_len,
	    struct inode *new_dir, const char *new_name, int new_len)
{
	char *ext = new_len >= DNAME_INLINE_LEN ? kmalloc(new_len + 1, GFP_KERNEL) : NULL;
	char *old_ext = NULL;
	struct inode *put = NULL;
	struct dentry *d, *t;
	LIST_HEAD(dispose);
	spin_lock(&dcache_lock);
	if ((t = d_find(new_dir, new_name, new_len)))
		__d_drop_to(t, &dispose);
	d = d_find(old_dir, old_name, old_len);
	if (d && new_len >= DNAME_INLINE_LEN && !ext) {
		__d_drop_to(d, &dispose);	/* no memory for the name: forget it */
	} else if (d) {
		__d_unhash(d);
		d_bytes -= d_size(d);
		if (d->d_name != d->d_iname)
			old_ext = d->d_name;
		d->d_name = ext ? ext : d->d_iname;
		ext = NULL;
		memcpy(d->d_name, new_name, new_len);
		d->d_name[new_len] = 0;
		d->d_len = new_len;
		if (d->d_dir != new_dir) {
			put = d->d_dir;
			d->d_dir = ihold(new_dir);
		}
		d_bytes += d_size(d);
		__d_rehash(d);
	}
	spin_unlock(&dcache_lock);
	kfree(ext);
	kfree(old_ext);
	iput(put);
	d_dispose(&dispose);
}

void d_prune_children(struct inode *dir)
{
	LIST_HEAD(dispose);
	spin_lock(&dcache_lock);
	while (!hlist_empty(&dir->i_dchildren))
		__d_drop_to(hlist_entry(dir->i_dchildren.first, struct dentry, d_child), &dispose);
	spin_unlock(&dcache_lock);
	d_dispose(&dispose);
}

/* umount2: drop every unpinned entry in or naming an inode of sb, so the
 * cache holds no references that would make the file system look busy. */
void shrink_dcache_sb(struct super_block *sb)
{
	LIST_HEAD(dispose);
	struct hlist_node *n;
	struct dentry *d;
	spin_lock(&dcache_lock);
	for (int i = 0; i < D_HASH; i++)
		hlist_for_each_entry_safe(d, n, &d_table[i], d_hash)
			if (!d->d_count && (d->d_dir->i_sb == sb ||
					    (d->d_inode && d->d_inode->i_sb == sb)))
				__d_drop_to(d, &dispose);
	spin_unlock(&dcache_lock);
	d_dispose(&dispose);
}

/* Copy into name (NAME_MAX + 1 bytes) the name under which a cached entry
 * of dir names child (d_path). 0, or -ENOENT if none is cached. */
int d_name_in(struct inode *dir, struct inode *child, char *name)
{
	struct dentry *d;
	int err = -ENOENT;
	spin_lock(&dcache_lock);
	hlist_for_each_entry(d, &child->i_dentry, d_alias)
		if (d->d_dir == dir) {
			memcpy(name, d->d_name, d->d_len + 1);
			err = 0;
			break;
		}
	spin_unlock(&dcache_lock);
	return err;
}

/* Some cached name of inode and its directory (referenced, into *dir):
 * how a file, which has no "..", is named when it is a mount's root or
 * mount point. 0, or -ENOENT if no name is cached. */
int d_alias_name(struct inode *inode, char *name, struct inode **dir)
{
	struct dentry *d;
	int err = -ENOENT;
	spin_lock(&dcache_lock);
	hlist_for_each_entry(d, &inode->i_dentry, d_alias) {
		memcpy(name, d->d_name, d->d_len + 1);
		*dir = ihold(d->d_dir);
		err = 0;
		break;
	}
	spin_unlock(&dcache_lock);
	return err;
}

/* A pinned entry's current name and directory (referenced, into *dir).
 * Returns 1 while the name exists, 0 once it was removed. */
int dentry_name(struct dentry *d, char *name, struct inode **dir)
{
	spin_lock(&dcache_lock);
	memcpy(name, d->d_name, d->d_len + 1);
	*dir = ihold(d->d_dir);
	int hashed = d->d_hashed;
	spin_unlock(&dcache_lock);
	return hashed;
}
