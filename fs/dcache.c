/* dcache.c: the name cache. Path walks look (directory, name) up here
 * before calling the file system's ->lookup; an entry holds references
 * on both inodes. Only positive entries are cached, so creating a name
 * needs no invalidation; removing or renaming one calls d_invalidate
 * with the directory's i_rwsem held for writing, and lookups insert with
 * it held for reading, so an entry can never outlive its name.
 * The cache is bounded (LRU). Lock: dcache_lock (a spinlock); iput of
 * evicted entries happens after it is dropped. */
#include <fs.h>
#include <slab.h>
#include <string.h>

#define D_HASH 1024
#define D_MAX 8192
#define D_NAME 40		/* longer names are not cached */

struct dentry {
	struct hlist_node hash;
	struct list_head lru;
	struct inode *dir, *inode;
	int len;
	char name[D_NAME];
};

static struct hlist_head d_table[D_HASH];
static LIST_HEAD(d_lru);
static int d_count;
static DEFINE_SPINLOCK(dcache_lock);
atomic_long_t vm_dcache_hit, vm_dcache_miss;

static unsigned int d_hashfn(struct inode *dir, const char *name, int len)
{
	unsigned long h = (unsigned long)dir >> 4;
	for (int i = 0; i < len; i++)
		h = h * 31 + (unsigned char)name[i];
	return (h ^ (h >> 13)) % D_HASH;
}

static struct dentry *d_find(struct inode *dir, const char *name, int len)
{
	struct dentry *d;
	hlist_for_each_entry(d, &d_table[d_hashfn(dir, name, len)], hash)
		if (d->dir == dir && d->len == len && !memcmp(d->name, name, len))
			return d;
	return NULL;
}

/* The cached child (referenced) or NULL. */
struct inode *d_lookup(struct inode *dir, const char *name, int len)
{
	struct inode *r = NULL;
	if (len > D_NAME)
		return NULL;
	spin_lock(&dcache_lock);
	struct dentry *d = d_find(dir, name, len);
	if (d) {
		r = ihold(d->inode);
		list_move_tail(&d->lru, &d_lru);
	}
	spin_unlock(&dcache_lock);
	atomic_long_inc(r ? &vm_dcache_hit : &vm_dcache_miss);
	return r;
}

static void d_unhash(struct dentry *d)
{
	hlist_del(&d->hash);
	list_del(&d->lru);
	d_count--;
}

static void d_free(struct dentry *d)
{
	iput(d->inode);
	iput(d->dir);
	kfree(d);
}

/* Caches dir/name -> inode. dir->i_rwsem is held (at least for reading). */
void d_add(struct inode *dir, const char *name, int len, struct inode *inode)
{
	struct dentry *victim = NULL, *d;
	if (len > D_NAME || !(d = kmalloc(sizeof(*d), GFP_KERNEL)))
		return;
	d->dir = ihold(dir);
	d->inode = ihold(inode);
	d->len = len;
	memcpy(d->name, name, len);
	spin_lock(&dcache_lock);
	if (d_find(dir, name, len)) {	/* raced with another walker */
		spin_unlock(&dcache_lock);
		d_free(d);
		return;
	}
	hlist_add_head(&d->hash, &d_table[d_hashfn(dir, name, len)]);
	list_add_tail(&d->lru, &d_lru);
	if (++d_count > D_MAX) {
		victim = list_first_entry(&d_lru, struct dentry, lru);
		d_unhash(victim);
	}
	spin_unlock(&dcache_lock);
	if (victim)
		d_free(victim);
}

/* The name is going away or changing: dir->i_rwsem held for writing. */
void d_invalidate(struct inode *dir, const char *name, int len)
{
	struct dentry *d;
	if (len > D_NAME)
		return;
	spin_lock(&dcache_lock);
	d = d_find(dir, name, len);
	if (d)
		d_unhash(d);
	spin_unlock(&dcache_lock);
	if (d)
		d_free(d);
}
