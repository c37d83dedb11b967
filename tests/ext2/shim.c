/* shim.c: the kernel APIs fs/ext2 uses, implemented on the host so the
 * file system can be tested against real images with ASan/UBSan: a page
 * cache over malloc'd pages (a global hash for lookup and a per-mapping
 * list), bios done synchronously with pread/pwrite on an image file,
 * inode refcounting as fs/inode.c, and no-op locks (single-threaded;
 * taking a held folio lock is reported as a deadlock). */
#include <stdio.h>
#include <stdlib.h>
#include <stdarg.h>
#include <fs.h>
#include <pagemap.h>
#include <blkdev.h>
#include <slab.h>
#include <string.h>
#include <printk.h>
#include <timer.h>
#include "shim.h"

int host_open(const char *path);
long host_size(int fd);
long host_pread(int fd, void *b, unsigned long n, long pos);
long host_pwrite(int fd, const void *b, unsigned long n, long pos);
void host_close(int fd);
unsigned long host_ms(void);

/* ---- memory, printing, time, locks ---- */
void *kmalloc(size_t n, gfp_t g) { return g & __GFP_ZERO ? calloc(1, n) : malloc(n); }
void *kzalloc(size_t n, gfp_t g) { (void)g; return calloc(1, n); }
void *kcalloc(size_t n, size_t s, gfp_t g) { (void)g; return calloc(n, s); }
void kfree(const void *p) { free((void *)p); }
int printk(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vprintf(fmt, ap);
	va_end(ap);
	return n;
}
void panic(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	abort();
}
void dump_stack(void) { }
u64 boot_realtime_ns;
u64 ktime_get_ns(void) { return host_ms() * 1000000ULL; }
u64 ktime_get_ms(void)
{
	return host_ms();
}
void spin_lock_init(spinlock_t *l) { l->locked = 0; }
void spin_lock(spinlock_t *l) { if (l->locked) panic("spinlock recursion"); l->locked = 1; }
void spin_unlock(spinlock_t *l) { l->locked = 0; }
void mutex_init(struct mutex *m) { m->owner = 0; }
void mutex_lock(struct mutex *m) { if (m->owner) panic("mutex deadlock"); m->owner = 1; }
void mutex_unlock(struct mutex *m) { m->owner = 0; }
void init_rwsem(struct rw_semaphore *s) { s->count = 0; }
void down_read(struct rw_semaphore *s) { if (s->count < 0) panic("rwsem deadlock"); s->count++; }
void up_read(struct rw_semaphore *s) { s->count--; }
int down_read_trylock(struct rw_semaphore *s) { if (s->count < 0) return 0; s->count++; return 1; }
void down_write(struct rw_semaphore *s) { if (s->count) panic("rwsem deadlock (write)"); s->count = -1; }
void up_write(struct rw_semaphore *s) { s->count = 0; }

/* ---- pages ---- */
struct shim_page {
	struct page page;
	char data[PAGE_SIZE] __attribute__((aligned(64)));
};
static long live_pages;

void *page_address(struct page *p) { return ((struct shim_page *)p)->data; }
void put_page(struct page *p)
{
	if (atomic_read(&p->_refcount) <= 0)
		panic("put_page on a free page");
	if (atomic_dec_and_test(&p->_refcount)) {
		live_pages--;
		free(p);
	}
}
long shim_live_pages(void) { return live_pages; }

static struct folio *alloc_folio(void)
{
	struct shim_page *sp = calloc(1, sizeof(*sp));

	memset(sp->data, 0xa5, PAGE_SIZE);	/* garbage, as fresh memory */
	atomic_set(&sp->page._refcount, 1);
	INIT_LIST_HEAD(&sp->page.lru);
	live_pages++;
	return (struct folio *)&sp->page;
}

/* ---- page cache: hash (mapping, index) -> folio; list per mapping ---- */
#define HBITS 16
struct hnode { struct address_space *m; unsigned long idx; struct folio *f; struct hnode *next; };
static struct hnode *htab[1 << HBITS];

static unsigned hkey(struct address_space *m, unsigned long idx)
{
	return (unsigned)((((uintptr_t)m >> 4) * 31 + idx) * 2654435761u) >> (32 - HBITS);
}

static struct list_head *mlist(struct address_space *m) { return (struct list_head *)m->i_pages.xa_head; }

void address_space_init(struct address_space *m, struct inode *host,
			const struct address_space_operations *aops)
{
	struct list_head *l = malloc(sizeof(*l));

	memset(m, 0, sizeof(*m));
	INIT_LIST_HEAD(l);
	m->i_pages.xa_head = l;	/* the shim keeps its page list here */
	m->host = host;
	m->a_ops = aops;
}

struct folio *filemap_get_entry(struct address_space *m, unsigned long idx)
{
	struct hnode *h;

	for (h = htab[hkey(m, idx)]; h; h = h->next)
		if (h->m == m && h->idx == idx) {
			folio_get(h->f);
			return h->f;
		}
	return NULL;
}

int filemap_add_folio(struct address_space *m, struct folio *f, unsigned long idx, gfp_t g)
{
	struct hnode *h = malloc(sizeof(*h));
	unsigned k = hkey(m, idx);

	(void)g;
	h->m = m;
	h->idx = idx;
	h->f = f;
	h->next = htab[k];
	htab[k] = h;
	f->page.mapping = m;
	f->page.index = idx;
	folio_get(f);		/* the cache's reference */
	list_add_tail(&f->page.lru, mlist(m));
	m->nrpages++;
	return 0;
}

static void delete_from_cache(struct folio *f)
{
	struct address_space *m = folio_mapping(f);
	struct hnode **pp = &htab[hkey(m, folio_index(f))], *h;

	for (; (h = *pp); pp = &h->next)
		if (h->f == f) {
			*pp = h->next;
			free(h);
			break;
		}
	list_del_init(&f->page.lru);
	f->page.mapping = NULL;
	m->nrpages--;
	folio_put(f);
}

struct folio *__filemap_get_folio(struct address_space *m, unsigned long idx,
				  unsigned int fgp, gfp_t g)
{
	struct folio *f = filemap_get_entry(m, idx);

	if (!f && (fgp & FGP_CREAT)) {
		f = alloc_folio();
		filemap_add_folio(m, f, idx, g);
	}
	if (!f)
		return ERR_PTR(-ENOENT);
	if (fgp & FGP_LOCK)
		folio_lock(f);
	return f;
}

struct folio *read_mapping_folio(struct address_space *m, unsigned long idx, struct file *file)
{
	struct folio *f = __filemap_get_folio(m, idx, FGP_CREAT, 0);

	if (folio_test_uptodate(f))
		return f;
	folio_lock(f);
	if (!folio_test_uptodate(f)) {
		m->a_ops->read_folio(file, f);
		if (folio_test_locked(f))
			panic("read_folio left the folio locked (shim I/O is synchronous)");
	} else {
		folio_unlock(f);
	}
	if (!folio_test_uptodate(f)) {
		folio_put(f);
		return ERR_PTR(-EIO);
	}
	return f;
}

void folio_lock(struct folio *f) { if (folio_test_locked(f)) panic("folio_lock deadlock"); folio_set_locked(f); }
int folio_trylock(struct folio *f) { if (folio_test_locked(f)) return 0; folio_set_locked(f); return 1; }
void folio_unlock(struct folio *f) { if (!folio_test_locked(f)) panic("unlock of unlocked folio"); folio_clear_locked(f); }
void folio_wait_locked(struct folio *f) { (void)f; }
int filemap_dirty_folio(struct address_space *m, struct folio *f)
{
	(void)m;
	if (folio_test_dirty(f))
		return 0;
	folio_set_dirty(f);
	return 1;
}
int folio_mark_dirty(struct folio *f)
{
	struct address_space *m = folio_mapping(f);

	if (m && m->a_ops && m->a_ops->dirty_folio)
		return m->a_ops->dirty_folio(m, f);
	return filemap_dirty_folio(m, f);
}
int folio_clear_dirty_for_io(struct folio *f)
{
	int d = folio_test_dirty(f);

	folio_clear_dirty(f);
	return d;
}
void folio_start_writeback(struct folio *f) { folio_set_writeback(f); }
void folio_end_writeback(struct folio *f)
{
	if (!folio_test_writeback(f))
		panic("end_writeback without writeback");
	folio_clear_writeback(f);
}
void folio_wait_writeback(struct folio *f) { if (folio_test_writeback(f)) panic("writeback never ended"); }

/* ext2's vm_ops name the generic fault handlers; the host never faults. */
vm_fault_t filemap_fault(struct vm_fault *vmf) { panic("filemap_fault on the host"); return 0; }
vm_fault_t filemap_map_pages(struct vm_fault *vmf, unsigned long s, unsigned long e)
{
	panic("filemap_map_pages on the host");
	return 0;
}

static int cmp_idx(const void *a, const void *b)
{
	unsigned long x = folio_index(*(struct folio **)a), y = folio_index(*(struct folio **)b);

	return x < y ? -1 : x > y;
}

/* The mapping's folios (referenced) in index order within [first, last]. */
static struct folio **collect(struct address_space *m, unsigned long first, unsigned long last,
			      int dirty_only, long *np)
{
	struct folio **v = malloc((m->nrpages + 1) * sizeof(*v));
	struct page *p;
	long n = 0;

	list_for_each_entry(p, mlist(m), lru) {
		struct folio *f = page_folio(p);

		if (folio_index(f) < first || folio_index(f) > last)
			continue;
		if (dirty_only && !folio_test_dirty(f))
			continue;
		folio_get(f);
		v[n++] = f;
	}
	qsort(v, n, sizeof(*v), cmp_idx);
	*np = n;
	return v;
}

int write_cache_pages(struct address_space *m, struct writeback_control *wbc,
		      writepage_t writepage, void *data)
{
	unsigned long first = wbc->range_start >> PAGE_SHIFT, last = wbc->range_end >> PAGE_SHIFT;
	long n, i;
	struct folio **v;
	int err = 0;

	if (wbc->range_end < 0)
		last = ~0UL;
	v = collect(m, first, last, 1, &n);
	for (i = 0; i < n; i++) {
		struct folio *f = v[i];

		if (!err && wbc->nr_to_write > 0 && folio_mapping(f) == m) {
			folio_lock(f);
			if (folio_clear_dirty_for_io(f)) {
				int e;

				folio_start_writeback(f);
				e = writepage(f, wbc, data);
				if (e)
					err = e;
				wbc->nr_to_write--;
			} else {
				folio_unlock(f);
			}
		}
		folio_put(f);
	}
	free(v);
	return err;
}

/* Writeback errors as mm/filemap.c: errseq per file, AS_* per mapping. */
void mapping_set_error(struct address_space *m, int err)
{
	if (!err)
		return;
	errseq_set(&m->wb_err, err);
	if (m->host && m->host->i_sb)
		errseq_set(&m->host->i_sb->s_wb_err, err);
	set_bit(err == -ENOSPC ? AS_ENOSPC : AS_EIO, &m->flags);
}

int filemap_check_errors(struct address_space *m)
{
	int err = 0;

	if (test_and_clear_bit(AS_ENOSPC, &m->flags))
		err = -ENOSPC;
	if (test_and_clear_bit(AS_EIO, &m->flags))
		err = -EIO;
	return err;
}

int file_check_and_advance_wb_err(struct file *file)
{
	struct address_space *m = file_inode(file)->i_mapping;
	int err = errseq_check_and_advance(&m->wb_err, &file->f_wb_err);

	clear_bit(AS_EIO, &m->flags);
	clear_bit(AS_ENOSPC, &m->flags);
	return err;
}

/* Bios complete synchronously here: nothing is left to wait for. */
static int shim_fdatawrite(struct address_space *m, loff_t start, loff_t end)
{
	struct writeback_control wbc = { .nr_to_write = 1L << 40, .range_start = start,
					 .range_end = end, .sync_mode = WB_SYNC_ALL };

	return m->a_ops->writepages(m, &wbc);
}

/* The host has memory to spare: no dirty throttle. */
void balance_dirty_pages_ratelimited(struct address_space *m)
{
	(void)m;
}

int filemap_write_and_wait_range(struct address_space *m, loff_t start, loff_t end)
{
	int err = shim_fdatawrite(m, start, end);
	int err2 = filemap_check_errors(m);

	return err ? err : err2;
}

int file_write_and_wait_range(struct file *file, loff_t start, loff_t end)
{
	int err = shim_fdatawrite(file_inode(file)->i_mapping, start, end);
	int err2 = file_check_and_advance_wb_err(file);

	return err ? err : err2;
}

void truncate_inode_pages_range(struct address_space *m, loff_t lstart, loff_t lend)
{
	long n, i;
	struct folio **v;

	if (lend < 0)
		lend = ((u64)1 << 62);
	v = collect(m, lstart >> PAGE_SHIFT, lend >> PAGE_SHIFT, 0, &n);
	for (i = 0; i < n; i++) {
		struct folio *f = v[i];
		loff_t ps = folio_pos(f), pe = ps + PAGE_SIZE - 1;

		folio_lock(f);
		folio_wait_writeback(f);
		if (ps >= lstart && pe <= lend) {
			folio_clear_dirty(f);
			folio_unlock(f);
			delete_from_cache(f);
		} else {
			loff_t a = ps > lstart ? ps : lstart, b = pe < lend ? pe : lend;

			memset((char *)folio_address(f) + (a - ps), 0, b - a + 1);
			folio_unlock(f);
		}
		folio_put(f);
	}
	free(v);
}

void truncate_inode_pages(struct address_space *m, loff_t lstart)
{
	truncate_inode_pages_range(m, lstart, -1);
}

/* Nothing is ever mapped on the host: truncating the cache is all. */
void truncate_pagecache(struct inode *inode, loff_t newsize)
{
	truncate_inode_pages(inode->i_mapping, newsize);
}

long shim_drop_mapping(struct address_space *m)
{
	long n, i, held = 0;
	struct folio **v = collect(m, 0, ~0UL, 0, &n);

	for (i = 0; i < n; i++) {
		if (folio_test_dirty(v[i]) || folio_test_locked(v[i]) || page_count(&v[i]->page) != 2)
			held++;
		folio_clear_dirty(v[i]);
		delete_from_cache(v[i]);
		folio_put(v[i]);
	}
	free(v);
	free(mlist(m));
	m->i_pages.xa_head = NULL;
	return held;
}

/* ---- file read/write through the cache ---- */
ssize_t filemap_read(struct file *file, struct iov_iter *it, loff_t *pos)
{
	struct inode *inode = file->f_inode;
	ssize_t done = 0;

	while (iov_iter_count(it) && *pos < inode->i_size) {
		struct folio *f = read_mapping_folio(inode->i_mapping, *pos >> PAGE_SHIFT, file);
		size_t off = *pos & (PAGE_SIZE - 1), n = PAGE_SIZE - off;

		if (IS_ERR(f))
			return done ? done : PTR_ERR(f);
		if ((loff_t)n > inode->i_size - *pos)
			n = inode->i_size - *pos;
		n = copy_to_iter((char *)folio_address(f) + off, n, it);
		folio_put(f);
		*pos += n;
		done += n;
	}
	return done;
}

ssize_t generic_perform_write(struct file *file, struct iov_iter *it, loff_t *pos)
{
	struct address_space *m = file->f_inode->i_mapping;
	ssize_t done = 0;

	while (iov_iter_count(it)) {
		size_t off = *pos & (PAGE_SIZE - 1), n = PAGE_SIZE - off, c;
		struct folio *f;
		void *fsdata = NULL;
		int err;

		if (n > iov_iter_count(it))
			n = iov_iter_count(it);
		err = m->a_ops->write_begin(file, m, *pos, n, &f, &fsdata);
		if (err)
			return done ? done : err;
		c = copy_from_iter((char *)folio_address(f) + off, n, it);
		c = m->a_ops->write_end(file, m, *pos, n, c, f, fsdata);
		*pos += c;
		done += c;
		if (!c)
			break;
	}
	return done;
}

/* ---- iov_iter (kernel buffers only) ---- */
void iov_iter_kbuf(struct iov_iter *i, void *buf, size_t len)
{
	memset(i, 0, sizeof(*i));
	i->type = ITER_KVEC;
	i->single.iov_base = buf;
	i->single.iov_len = len;
	i->iov = &i->single;
	i->nr_segs = 1;
	i->count = len;
}
size_t copy_to_iter(const void *from, size_t n, struct iov_iter *i)
{
	if (n > i->count)
		n = i->count;
	memcpy((char *)i->single.iov_base + i->iov_offset, from, n);
	i->iov_offset += n;
	i->count -= n;
	return n;
}
/* Copies that come up short, as from a user buffer that runs into an
 * unmapped page: while >= 0, no copy_from_iter goes past this offset
 * of its iov_iter's buffer. */
long shim_short_copy = -1;
size_t copy_from_iter(void *to, size_t n, struct iov_iter *i)
{
	if (n > i->count)
		n = i->count;
	if (shim_short_copy >= 0 && i->iov_offset + n > (size_t)shim_short_copy)
		n = i->iov_offset < (size_t)shim_short_copy ? shim_short_copy - i->iov_offset : 0;
	memcpy(to, (char *)i->single.iov_base + i->iov_offset, n);
	i->iov_offset += n;
	i->count -= n;
	return n;
}

/* ---- block device over an image file ---- */
struct shim_bdev { struct block_device bdev; int fd; struct address_space map; };
static long nr_read_bios, nr_write_bios;

struct bio *bio_alloc(struct block_device *bdev, unsigned int nr, unsigned int opf, gfp_t g)
{
	struct bio *b = calloc(1, sizeof(*b));

	(void)g;
	b->bi_bdev = bdev;
	b->bi_opf = opf;
	b->bi_max_vecs = nr;
	b->bi_io_vec = nr <= BIO_INLINE_VECS ? b->bi_inline_vecs : calloc(nr, sizeof(struct bio_vec));
	return b;
}
void bio_put(struct bio *b)
{
	if (b->bi_io_vec != b->bi_inline_vecs)
		free(b->bi_io_vec);
	free(b);
}
unsigned int bio_add_page(struct bio *b, struct page *p, unsigned int len, unsigned int off)
{
	if (b->bi_vcnt >= b->bi_max_vecs)
		return 0;
	b->bi_io_vec[b->bi_vcnt++] = (struct bio_vec){ p, len, off };
	b->bi_size += len;
	return len;
}
static int do_bio(struct bio *b)
{
	struct shim_bdev *sb = (struct shim_bdev *)b->bi_bdev;
	off_t pos = (off_t)b->bi_sector << SECTOR_SHIFT;
	unsigned int i;

	if ((b->bi_sector << SECTOR_SHIFT) + b->bi_size > sb->bdev.bd_nr_sectors << SECTOR_SHIFT)
		panic("bio beyond the device: sector %lu", (unsigned long)b->bi_sector);
	if (bio_op(b) == REQ_OP_WRITE)
		nr_write_bios++;
	else
		nr_read_bios++;
	for (i = 0; i < b->bi_vcnt; i++) {
		struct bio_vec *v = &b->bi_io_vec[i];
		char *buf = (char *)page_address(v->bv_page) + v->bv_offset;
		ssize_t r = bio_op(b) == REQ_OP_WRITE ? host_pwrite(sb->fd, buf, v->bv_len, pos)
						      : host_pread(sb->fd, buf, v->bv_len, pos);
		if (r != (ssize_t)v->bv_len)
			return -EIO;
		pos += v->bv_len;
	}
	return 0;
}
void submit_bio(struct bio *b)
{
	b->bi_status = do_bio(b);
	if (b->bi_end_io)
		b->bi_end_io(b);
}
int submit_bio_wait(struct bio *b) { return b->bi_status = do_bio(b); }

void bio_endio(struct bio *b) { if (b->bi_end_io) b->bi_end_io(b); }

static int bdev_read_folio(struct file *file, struct folio *f)
{
	struct block_device *bdev = folio_mapping(f)->private_data;
	struct bio *b = bio_alloc(bdev, 1, REQ_OP_READ, 0);

	(void)file;
	b->bi_sector = folio_index(f) << (PAGE_SHIFT - SECTOR_SHIFT);
	bio_add_page(b, &f->page, PAGE_SIZE, 0);
	if (!submit_bio_wait(b))
		folio_mark_uptodate(f);
	bio_put(b);
	folio_unlock(f);
	return 0;
}
/* The dirty-sector mask of device pages is block/bdev_mask.c's. */
int submit_folio_segs(struct block_device *bdev, struct folio *f,
		      const struct folio_seg *segs, int n, unsigned int op)
{
	int err = 0;

	for (int i = 0; i < n; i++) {
		struct bio *b = bio_alloc(bdev, 1, op, 0);

		b->bi_sector = segs[i].sector;
		bio_add_page(b, &f->page, segs[i].len, segs[i].off);
		err = submit_bio_wait(b) ?: err;
		bio_put(b);
	}
	if (op == REQ_OP_WRITE) {
		mapping_set_error(folio_mapping(f), err);
		folio_end_writeback(f);
	} else {
		if (!err)
			folio_mark_uptodate(f);
		folio_unlock(f);
	}
	return 0;
}
static int bdev_writepage(struct folio *f, struct writeback_control *wbc, void *data)
{
	unsigned long mask = folio_test_private(f) ? folio_detach_private(f) : bdev_sector_mask(0, PAGE_SIZE);
	int err = 0;

	(void)wbc;
	for (unsigned int i = 0; i < PAGE_SIZE / SECTOR_SIZE; i++) {
		struct bio *b;

		if (!(mask & (1UL << i)))
			continue;
		b = bio_alloc(data, 1, REQ_OP_WRITE, 0);
		b->bi_sector = (folio_index(f) << (PAGE_SHIFT - SECTOR_SHIFT)) + i;
		bio_add_page(b, &f->page, SECTOR_SIZE, i * SECTOR_SIZE);
		err = submit_bio_wait(b) ?: err;
		bio_put(b);
	}
	mapping_set_error(folio_mapping(f), err);
	folio_unlock(f);
	folio_end_writeback(f);
	return 0;
}
static int bdev_writepages(struct address_space *m, struct writeback_control *wbc)
{
	return write_cache_pages(m, wbc, bdev_writepage, m->private_data);
}
static const struct address_space_operations bdev_aops = {
	.read_folio = bdev_read_folio, .writepages = bdev_writepages,
	.dirty_folio = filemap_dirty_folio,
};

struct block_device *shim_open_bdev(const char *path)
{
	struct shim_bdev *sb = calloc(1, sizeof(*sb));

	sb->fd = host_open(path);
	sb->bdev.bd_nr_sectors = host_size(sb->fd) >> SECTOR_SHIFT;
	address_space_init(&sb->map, NULL, &bdev_aops);
	sb->map.private_data = &sb->bdev;
	return &sb->bdev;
}
int sync_blockdev(struct block_device *bdev)
{
	return filemap_write_and_wait_range(bdev_mapping(bdev), 0, -1);
}
struct address_space *bdev_mapping(struct block_device *bdev)
{
	return &((struct shim_bdev *)bdev)->map;
}
void shim_close_bdev(struct block_device *bdev)
{
	struct shim_bdev *sb = (struct shim_bdev *)bdev;

	host_close(sb->fd);
	free(sb);
}

/* ---- inode writeback, as fs/fs-writeback.c but synchronous: dirty
 * inodes wait on one list (in dirtying order) until sync_inodes_sb or
 * fsync writes each one's data, then the inode (->write_inode). ---- */
static LIST_HEAD(dirty_inodes);

void __mark_inode_dirty(struct inode *inode, int flags)
{
	if (!inode->i_sb || (inode->i_state & I_FREEING))
		return;
	inode->i_state |= flags;
	if (list_empty(&inode->i_io_list))
		list_add_tail(&inode->i_io_list, &dirty_inodes);
}
void mark_inode_dirty(struct inode *inode) { __mark_inode_dirty(inode, I_DIRTY_INODE); }
void mark_inode_dirty_sync(struct inode *inode) { __mark_inode_dirty(inode, I_DIRTY_SYNC); }
void inode_io_list_del(struct inode *inode) { list_del_init(&inode->i_io_list); }
void inode_wait_for_writeback(struct inode *inode) { (void)inode; }
int sync_inode_metadata(struct inode *inode, int wait)
{
	struct writeback_control wbc = { .sync_mode = wait ? WB_SYNC_ALL : WB_SYNC_NONE };
	int err = 0;

	if (inode->i_state & I_DIRTY_INODE) {
		inode->i_state &= ~I_DIRTY_INODE;
		err = inode->i_sb->s_op->write_inode(inode, &wbc);
	}
	if (!(inode->i_state & I_DIRTY))
		list_del_init(&inode->i_io_list);
	return err;
}
void sync_inodes_sb(struct super_block *sb)
{
	struct inode *inode, *next;

	list_for_each_entry_safe(inode, next, &dirty_inodes, i_io_list) {
		if (inode->i_sb != sb)
			continue;
		shim_fdatawrite(&inode->i_data, 0, (loff_t)-1 >> 1);
		inode->i_state &= ~I_DIRTY_PAGES;
		sync_inode_metadata(inode, 1);
	}
}

/* ---- inodes, as fs/inode.c ---- */
struct inode *ihold(struct inode *inode)
{
	atomic_inc(&inode->i_count);
	return inode;
}
void iput(struct inode *inode)
{
	if (!inode)
		return;
	if (atomic_read(&inode->i_count) <= 0)
		panic("iput of inode %lu with count 0", inode->i_ino);
	if (atomic_dec_and_test(&inode->i_count) && READ_ONCE(inode->i_nlink) == 0) {
		inode->i_state |= I_FREEING;
		inode_io_list_del(inode);
		if (inode->i_op && inode->i_op->evict)
			inode->i_op->evict(inode);
		if (inode->i_mapping && inode->i_mapping->i_pages.xa_head)
			shim_drop_mapping(inode->i_mapping);
		kfree(inode);
	}
}
const struct file_operations def_chr_fops, def_blk_fops;
void init_special_inode(struct inode *inode, umode_t mode, dev_t rdev)
{
	inode->i_mode = mode;
	inode->i_rdev = rdev;
	inode->i_fop = S_ISCHR(mode) ? &def_chr_fops : S_ISBLK(mode) ? &def_blk_fops : NULL;
}
loff_t generic_file_llseek(struct file *f, loff_t off, int whence)
{
	(void)whence;
	return f->f_pos = off;
}
long shim_bios(int write) { return write ? nr_write_bios : nr_read_bios; }
/* fs/super.c and block/genhd.c, which the harness does not link: mount(2)
 * is not used here, and the harness's devices have no disk to count
 * openers of. */
struct block_device *lookup_bdev_path(const char *path, int *err)
{
	*err = -ENOTBLK;
	return NULL;
}
int blkdev_get(struct block_device *bdev, unsigned int mode)
{
	return 0;
}
void blkdev_put(struct block_device *bdev)
{
}
