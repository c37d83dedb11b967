/* dir.c: ext2 directories. A directory's blocks are the file data of
 * the directory inode, cached in its own mapping; each block is a chain
 * of ext2_dir_entry_2 records whose rec_lens cover the block exactly;
 * a page holds one to four blocks (walked a page at a time, records
 * checked per block).
 * Hashed (dir_index) directories are read linearly; a change to one
 * clears its EXT2_INDEX_FL, so fsck treats it as a plain directory.
 * Locks: callers hold dir->i_rwsem (write for changes; iterate takes it
 * for reading itself). Records are changed under the folio lock and
 * committed with ext2_write_end (dirty, i_size, unlock, put). */
#include "ext2.h"
#include <string.h>
#include <printk.h>

typedef struct ext2_dir_entry_2 ext2_dirent;

static const unsigned char ext2_ft_to_dt[] = {
	DT_UNKNOWN, DT_REG, DT_DIR, DT_CHR, DT_BLK, DT_FIFO, 12 /* DT_SOCK */, DT_LNK,
};

unsigned char ext2_type_by_mode(umode_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFREG: return EXT2_FT_REG_FILE;
	case S_IFDIR: return EXT2_FT_DIR;
	case S_IFCHR: return EXT2_FT_CHRDEV;
	case S_IFBLK: return EXT2_FT_BLKDEV;
	case S_IFIFO: return EXT2_FT_FIFO;
	case S_IFSOCK: return EXT2_FT_SOCK;
	case S_IFLNK: return EXT2_FT_SYMLINK;
	}
	return EXT2_FT_UNKNOWN;
}

/* A directory is walked a page at a time; a page holds one to four
 * blocks and the last page may be partly past i_size (a directory's size
 * is a multiple of the block size, not of the page size). */
static unsigned long dir_pages(struct inode *dir)
{
	return (dir->i_size + PAGE_SIZE - 1) >> PAGE_SHIFT;
}

/* The bytes of page n inside the directory. */
static unsigned int dir_page_end(struct inode *dir, unsigned long n)
{
	loff_t left = dir->i_size - ((loff_t)n << PAGE_SHIFT);

	return left < (loff_t)PAGE_SIZE ? (unsigned int)left : PAGE_SIZE;
}

static unsigned int rec_len(ext2_dirent *de) { return le16_to_cpu(de->rec_len); }

static ext2_dirent *dirent_at(void *kaddr, unsigned int off)
{
	return (ext2_dirent *)((char *)kaddr + off);
}

/* Is the record at off (in its page) sane (as Linux's ext2_check_page)?
 * Its block must have room for a record's header (a chain that ends 4
 * or 8 bytes short of the block's end is damaged, and reading a header
 * there would cross the block and, in a page's last block, the page);
 * only then are its fields read: its length a multiple of 4 that holds
 * its name and stays in its block (a record never crosses a block
 * boundary, whatever the page size), its inode number one the file
 * system has. Callers read nothing of a record before this. Reports a
 * bad one. */
static int dirent_ok(struct inode *dir, ext2_dirent *de, unsigned int off)
{
	unsigned int bs = ext2_blocksize(dir), left = bs - (off & (bs - 1)), r;

	if (left >= EXT2_DIR_REC_LEN(1)) {
		r = rec_len(de);
		if (r >= EXT2_DIR_REC_LEN(1) && !(r & 3) && r <= left &&
		    EXT2_DIR_REC_LEN(de->name_len) <= r &&
		    le32_to_cpu(de->inode) <= EXT2_SB(ext2_inode_sb(dir))->s_inodes_count)
			return 1;
	}
	ext2_error(ext2_inode_sb(dir), __func__, "bad directory entry in inode", dir->i_ino);
	return 0;
}

static struct folio *dir_get_folio(struct inode *dir, unsigned long n)
{
	return read_mapping_folio(dir->i_mapping, n, NULL);
}

static int ext2_readdir(struct file *file, struct dir_context *ctx)
{
	struct inode *dir = file_inode(file);
	unsigned long n, npages;
	int err = 0;

	down_read(&dir->i_rwsem);
	npages = dir_pages(dir);
	for (n = ctx->pos >> PAGE_SHIFT; n < npages; n++) {
		struct folio *f = dir_get_folio(dir, n);
		unsigned int off = 0, end = dir_page_end(dir, n);
		char *kaddr;

		if (IS_ERR(f)) {
			err = PTR_ERR(f);
			break;
		}
		kaddr = folio_address(f);
		while (off < end) {
			ext2_dirent *de = dirent_at(kaddr, off);
			loff_t pos = ((loff_t)n << PAGE_SHIFT) + off;

			if (!dirent_ok(dir, de, off)) {
				err = -EIO;
				break;
			}
			if (de->inode && pos >= ctx->pos) {
				unsigned char t = de->file_type < 8 ? ext2_ft_to_dt[de->file_type] : 0;

				if (!ctx->actor(ctx, de->name, de->name_len, pos + rec_len(de),
						le32_to_cpu(de->inode), t)) {
					folio_put(f);
					goto out;
				}
			}
			off += rec_len(de);
			if (pos + rec_len(de) > ctx->pos)
				ctx->pos = pos + rec_len(de);
		}
		folio_put(f);
		if (err)
			break;
		ctx->pos = ((loff_t)n << PAGE_SHIFT) + end;
	}
out:
	up_read(&dir->i_rwsem);
	return err;
}

static int name_match(ext2_dirent *de, const char *name, int len)
{
	return de->inode && de->name_len == len && !memcmp(de->name, name, len);
}

/* Find name; returns its record (folio referenced, unlocked), NULL, or
 * ERR_PTR(-EIO) when a block of the directory is damaged (the search
 * stops there, as Linux's). *prevp (if given) gets the preceding record
 * in the block or NULL. */
static ext2_dirent *ext2_find_entry(struct inode *dir, const char *name, int len,
				    struct folio **foliop, ext2_dirent **prevp)
{
	struct ext2_inode_info *ei = EXT2_I(dir);
	unsigned long npages = dir_pages(dir), start = ei->i_dir_start_lookup, i;

	if (start >= npages)
		start = 0;
	for (i = 0; i < npages; i++) {
		unsigned long n = (start + i) % npages;
		struct folio *f = dir_get_folio(dir, n);
		ext2_dirent *prev = NULL;
		unsigned int off = 0, end = dir_page_end(dir, n);

		if (IS_ERR(f))
			return (void *)f;
		while (off < end) {
			ext2_dirent *de = dirent_at(folio_address(f), off);

			if (!(off & (ext2_blocksize(dir) - 1)))
				prev = NULL;	/* records merge only inside a block */
			if (!dirent_ok(dir, de, off)) {
				folio_put(f);
				return ERR_PTR(-EIO);
			}
			if (name_match(de, name, len)) {
				ei->i_dir_start_lookup = n;
				*foliop = f;
				if (prevp)
					*prevp = prev;
				return de;
			}
			prev = de;
			off += rec_len(de);
		}
		folio_put(f);
	}
	return NULL;
}

/* The inode number name links to in dir: 0, -ENOENT or -EIO. */
int ext2_find_ino(struct inode *dir, const char *name, int len, u32 *ino)
{
	struct folio *f;
	ext2_dirent *de = ext2_find_entry(dir, name, len, &f, NULL);

	if (IS_ERR_OR_NULL(de))
		return de ? PTR_ERR(de) : -ENOENT;
	*ino = le32_to_cpu(de->inode);
	folio_put(f);
	return 0;
}

/* The same, 0 for "none" (not there, or unreadable). */
u32 ext2_inode_by_name(struct inode *dir, const char *name, int len)
{
	u32 ino = 0;

	return ext2_find_ino(dir, name, len, &ino) ? 0 : ino;
}

/* A directory block changed: record it (dirty page, i_size, times). */
static void dir_commit(struct inode *dir, struct folio *f, loff_t pos, unsigned int len)
{
	ext2_write_end(NULL, dir->i_mapping, pos, len, len, f, NULL);
	EXT2_I(dir)->i_flags &= ~EXT2_INDEX_FL;
	dir->i_mtime = dir->i_ctime = ext2_get_seconds();
	mark_inode_dirty(dir);
}

/* The same for the block holding record de (in folio f). */
static void dir_commit_de(struct inode *dir, struct folio *f, ext2_dirent *de)
{
	unsigned int bs = ext2_blocksize(dir);
	unsigned long off = ((char *)de - (char *)folio_address(f)) & ~(unsigned long)(bs - 1);

	dir_commit(dir, f, folio_pos(f) + off, bs);
}

static void fill_dirent(ext2_dirent *de, const char *name, int len, struct inode *inode)
{
	de->name_len = len;
	memcpy(de->name, name, len);
	de->inode = cpu_to_le32(inode->i_ino);
	de->file_type = ext2_type_by_mode(inode->i_mode);
}

/* Room for a record of size need in this block? Returns the record to
 * use (split off the end of a live one if needed) or NULL. */
static ext2_dirent *find_room(struct inode *dir, char *kaddr, unsigned int end,
			      unsigned int need, int *bad)
{
	unsigned int off = 0;

	while (off < end) {
		ext2_dirent *de = dirent_at(kaddr, off);
		unsigned int used;

		if (!dirent_ok(dir, de, off)) {
			*bad = 1;
			return NULL;
		}
		used = de->inode ? EXT2_DIR_REC_LEN(de->name_len) : 0;
		if (rec_len(de) >= used + need)
			return de;
		off += rec_len(de);
	}
	return NULL;
}

/* Put the record into de's space (splitting a live record). Folio locked. */
static ext2_dirent *claim_room(ext2_dirent *de)
{
	if (de->inode) {
		unsigned int used = EXT2_DIR_REC_LEN(de->name_len);
		ext2_dirent *nde = (ext2_dirent *)((char *)de + used);

		nde->rec_len = cpu_to_le16(rec_len(de) - used);
		de->rec_len = cpu_to_le16(used);
		return nde;
	}
	return de;
}

/* Append a fresh block holding just the new record. */
static int add_block(struct inode *dir, const char *name, int len, struct inode *inode)
{
	unsigned int bs = ext2_blocksize(dir);
	loff_t pos = (dir->i_size + bs - 1) & ~(loff_t)(bs - 1);
	struct folio *f;
	ext2_dirent *de;
	int err = ext2_write_begin(NULL, dir->i_mapping, pos, bs, &f, NULL);

	if (err)
		return err;
	de = dirent_at(folio_address(f), pos & (PAGE_SIZE - 1));
	memset(de, 0, bs);
	de->rec_len = cpu_to_le16(bs);
	fill_dirent(de, name, len, inode);
	folio_mark_uptodate(f);
	dir_commit(dir, f, pos, bs);
	return 0;
}

/* Does this page hold name? 1, 0, or -EIO if it is damaged. */
static int page_has(struct inode *dir, char *kaddr, unsigned int end, const char *name, int len)
{
	for (unsigned int off = 0; off < end;) {
		ext2_dirent *de = dirent_at(kaddr, off);
		if (!dirent_ok(dir, de, off))
			return -EIO;
		if (name_match(de, name, len))
			return 1;
		off += rec_len(de);
	}
	return 0;
}

/* Link inode into dir under name (-EEXIST if taken). One pass over the
 * blocks, from the last (where appended names leave room): it checks for
 * the name and keeps the first block with room locked. */
int ext2_add_link(struct inode *dir, const char *name, int len, struct inode *inode)
{
	unsigned int need = EXT2_DIR_REC_LEN(len);
	unsigned long n, npages = dir_pages(dir);
	struct folio *room = NULL;
	ext2_dirent *slot = NULL;
	int err = 0;

	if (len <= 0 || len > EXT2_NAME_LEN)
		return -ENAMETOOLONG;
	for (n = npages; n-- > 0 && !err;) {
		struct folio *f = dir_get_folio(dir, n);
		int bad = 0;

		if (IS_ERR(f)) {
			err = PTR_ERR(f);
			break;
		}
		folio_lock(f);
		err = page_has(dir, folio_address(f), dir_page_end(dir, n), name, len);
		if (err)
			err = err < 0 ? err : -EEXIST;
		else if (!room && (slot = find_room(dir, folio_address(f), dir_page_end(dir, n),
						    need, &bad))) {
			room = f;	/* stays locked and referenced */
			continue;
		} else if (bad)
			err = -EIO;
		folio_unlock(f);
		folio_put(f);
	}
	if (err) {
		if (room) {
			folio_unlock(room);
			folio_put(room);
		}
		return err;
	}
	if (!room)
		return add_block(dir, name, len, inode);
	slot = claim_room(slot);
	fill_dirent(slot, name, len, inode);
	dir_commit_de(dir, room, slot);
	return 0;
}

/* Remove name: merge its record into the previous one (or clear it). */
int ext2_delete_entry(struct inode *dir, const char *name, int len)
{
	struct folio *f;
	ext2_dirent *prev, *de = ext2_find_entry(dir, name, len, &f, &prev);

	if (IS_ERR_OR_NULL(de))
		return de ? PTR_ERR(de) : -ENOENT;
	folio_lock(f);
	if (prev)
		prev->rec_len = cpu_to_le16(rec_len(prev) + rec_len(de));
	else
		de->inode = 0;
	dir_commit_de(dir, f, de);
	return 0;
}

/* Point an existing entry at another inode (rename over, ".."). */
int ext2_set_link(struct inode *dir, const char *name, int len, struct inode *inode)
{
	struct folio *f;
	ext2_dirent *de = ext2_find_entry(dir, name, len, &f, NULL);

	if (IS_ERR_OR_NULL(de))
		return de ? PTR_ERR(de) : -ENOENT;
	folio_lock(f);
	de->inode = cpu_to_le32(inode->i_ino);
	de->file_type = ext2_type_by_mode(inode->i_mode);
	dir_commit_de(dir, f, de);
	return 0;
}

int ext2_set_dotdot(struct inode *dir, struct inode *parent)
{
	return ext2_set_link(dir, "..", 2, parent);
}

/* The first block of a new directory: "." and "..". */
int ext2_make_empty(struct inode *inode, struct inode *parent)
{
	struct folio *f;
	ext2_dirent *de;
	unsigned int bs = ext2_blocksize(inode);
	int err = ext2_write_begin(NULL, inode->i_mapping, 0, bs, &f, NULL);

	if (err)
		return err;
	memset(folio_address(f), 0, bs);
	de = folio_address(f);
	de->rec_len = cpu_to_le16(EXT2_DIR_REC_LEN(1));
	fill_dirent(de, ".", 1, inode);
	de = dirent_at(folio_address(f), EXT2_DIR_REC_LEN(1));
	de->rec_len = cpu_to_le16(bs - EXT2_DIR_REC_LEN(1));
	fill_dirent(de, "..", 2, parent);
	folio_mark_uptodate(f);
	ext2_write_end(NULL, inode->i_mapping, 0, bs, bs, f, NULL);
	return 0;
}

static int is_dot_or_dotdot(ext2_dirent *de)
{
	return (de->name_len == 1 && de->name[0] == '.') ||
	       (de->name_len == 2 && de->name[0] == '.' && de->name[1] == '.');
}

/* 1 if the directory holds nothing but "." and "..". */
int ext2_empty_dir(struct inode *inode)
{
	unsigned long n, npages = dir_pages(inode);

	for (n = 0; n < npages; n++) {
		struct folio *f = dir_get_folio(inode, n);
		unsigned int off = 0, end = dir_page_end(inode, n);

		if (IS_ERR(f))
			return 0;
		while (off < end) {
			ext2_dirent *de = dirent_at(folio_address(f), off);

			if (!dirent_ok(inode, de, off) || (de->inode && !is_dot_or_dotdot(de))) {
				folio_put(f);
				return 0;
			}
			off += rec_len(de);
		}
		folio_put(f);
	}
	return 1;
}

const struct file_operations ext2_dir_operations = {
	.llseek = generic_file_llseek,
	.iterate = ext2_readdir,
	.fsync = ext2_fsync,
};
