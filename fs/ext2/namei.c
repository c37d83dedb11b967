/* namei.c: ext2 directory inode operations: lookup, create, mknod,
 * mkdir, unlink, rmdir, link, symlink/readlink and rename. Link counts
 * follow Linux: a directory has 2 + its subdirectories; the parent of a
 * moved directory is rewritten in its "..".
 * Locks: the VFS holds dir->i_rwsem (write; for rename both dirs'), and
 * for rmdir the victim's; these functions take folio locks (dir.c) and
 * the allocator's s_lock (balloc.c, ialloc.c) underneath. */
#include "ext2.h"
#include <string.h>
#include <printk.h>

/* A name's inode, NULL if there is none; a damaged directory or an
 * entry naming a free or reserved inode is an error, not "no such name". */
static struct inode *ext2_lookup(struct inode *dir, const char *name, int len)
{
	u32 ino;
	int err;

	if (len > EXT2_NAME_LEN)
		return ERR_PTR(-ENAMETOOLONG);
	err = ext2_find_ino(dir, name, len, &ino);
	if (err)
		return err == -ENOENT ? NULL : ERR_PTR(err);
	return ext2_iget(ext2_inode_sb(dir), ino);
}

/* One link fewer; a count that is zero already (a damaged disk: more
 * names than links) stays zero and is reported, it never wraps. */
static void ext2_drop_nlink(struct inode *inode)
{
	if (inode->i_nlink)
		WRITE_ONCE(inode->i_nlink, inode->i_nlink - 1);
	else
		ext2_error(ext2_inode_sb(inode), __func__, "link count already zero", inode->i_ino);
}

static int ext2_rdonly(struct inode *dir)
{
	return ext2_inode_sb(dir)->s_readonly;
}

/* Undo a new inode that could not be linked: it is freed on iput. */
static void ext2_discard_new(struct inode *inode)
{
	inode->i_nlink = 0;
	mark_inode_dirty(inode);
	iput(inode);
}

static struct inode *ext2_add_nondir(struct inode *dir, const char *name, int len,
				     struct inode *inode)
{
	int err = ext2_add_link(dir, name, len, inode);

	if (err) {
		ext2_discard_new(inode);
		return ERR_PTR(err);
	}
	return inode;
}

static struct inode *ext2_mknod(struct inode *dir, const char *name, int len,
				umode_t mode, dev_t rdev)
{
	struct inode *inode;

	if (ext2_rdonly(dir))
		return ERR_PTR(-EROFS);
	if (len > EXT2_NAME_LEN)
		return ERR_PTR(-ENAMETOOLONG);
	inode = ext2_new_inode(dir, mode);
	if (IS_ERR(inode))
		return inode;
	if (S_ISCHR(mode) || S_ISBLK(mode)) {
		inode->i_rdev = rdev;
		ext2_set_inode_ops(inode);
		mark_inode_dirty(inode);
	}
	return ext2_add_nondir(dir, name, len, inode);
}

static struct inode *ext2_create(struct inode *dir, const char *name, int len, umode_t mode)
{
	return ext2_mknod(dir, name, len, S_IFREG | (mode & 07777), 0);
}

static struct inode *ext2_mkdir(struct inode *dir, const char *name, int len, umode_t mode)
{
	struct inode *inode;
	int err;

	if (ext2_rdonly(dir))
		return ERR_PTR(-EROFS);
	if (len > EXT2_NAME_LEN)
		return ERR_PTR(-ENAMETOOLONG);
	if (dir->i_nlink >= EXT2_LINK_MAX)
		return ERR_PTR(-EMLINK);
	inode = ext2_new_inode(dir, S_IFDIR | (mode & 07777));
	if (IS_ERR(inode))
		return inode;
	inode->i_nlink = 2;
	err = ext2_make_empty(inode, dir);
	if (!err)
		err = ext2_add_link(dir, name, len, inode);
	if (err) {
		ext2_discard_new(inode);	/* frees its block too */
		return ERR_PTR(err);
	}
	dir->i_nlink++;
	mark_inode_dirty(dir);
	mark_inode_dirty(inode);
	return inode;
}

int ext2_unlink_name(struct inode *dir, const char *name, int len, struct inode *victim)
{
	int err;

	if (ext2_rdonly(dir))
		return -EROFS;
	if (ext2_inode_by_name(dir, name, len) != victim->i_ino)
		return -ENOENT;
	err = ext2_delete_entry(dir, name, len);
	if (err)
		return err;
	victim->i_ctime = dir->i_ctime;
	ext2_drop_nlink(victim);
	mark_inode_dirty(victim);
	return 0;
}

int ext2_rmdir_name(struct inode *dir, const char *name, int len, struct inode *victim)
{
	int err;

	if (!ext2_empty_dir(victim))
		return -ENOTEMPTY;
	err = ext2_unlink_name(dir, name, len, victim);
	if (err)
		return err;
	WRITE_ONCE(victim->i_nlink, 0);
	victim->i_size = 0;
	mark_inode_dirty(victim);
	ext2_drop_nlink(dir);
	mark_inode_dirty(dir);
	return 0;
}

/* Hard link: old gets a new name in dir. */
int ext2_link(struct inode *old, struct inode *dir, const char *name, int len)
{
	int err;

	if (ext2_rdonly(dir))
		return -EROFS;
	if (S_ISDIR(old->i_mode))
		return -EPERM;
	if (old->i_nlink >= EXT2_LINK_MAX)
		return -EMLINK;
	err = ext2_add_link(dir, name, len, old);
	if (err)
		return err;
	old->i_nlink++;
	old->i_ctime = ext2_get_seconds();
	mark_inode_dirty(old);
	return 0;
}

/* Slow symlink: the target in the first data block. */
static int ext2_write_link_block(struct inode *inode, const char *target, unsigned int l)
{
	struct folio *f;
	int err = ext2_write_begin(NULL, inode->i_mapping, 0, ext2_blocksize(inode), &f, NULL);

	if (err)
		return err;
	memset(folio_address(f), 0, PAGE_SIZE);
	memcpy(folio_address(f), target, l);
	folio_mark_uptodate(f);
	ext2_write_end(NULL, inode->i_mapping, 0, l, l, f, NULL);
	return 0;
}

/* A symlink: fast (target inside i_data) when shorter than 60 bytes. */
struct inode *ext2_symlink(struct inode *dir, const char *name, int len, const char *target)
{
	size_t l = strlen(target);
	struct inode *inode;
	int err = 0;

	if (ext2_rdonly(dir))
		return ERR_PTR(-EROFS);
	if (l >= ext2_blocksize(dir))
		return ERR_PTR(-ENAMETOOLONG);
	inode = ext2_new_inode(dir, S_IFLNK | 0777);
	if (IS_ERR(inode))
		return inode;
	if (l < sizeof(EXT2_I(inode)->i_data)) {
		memcpy(EXT2_I(inode)->i_data, target, l);
		inode->i_size = l;
	} else {
		err = ext2_write_link_block(inode, target, l);
	}
	if (err) {
		ext2_discard_new(inode);
		return ERR_PTR(err);
	}
	mark_inode_dirty(inode);
	return ext2_add_nondir(dir, name, len, inode);
}

/* Copy the link target (not NUL-terminated); its length or -errno. */
int ext2_readlink(struct inode *inode, char *buf, int size)
{
	int l = min((loff_t)size, inode->i_size);
	struct folio *f;

	if (!S_ISLNK(inode->i_mode))
		return -EINVAL;
	if (ext2_fast_symlink(inode)) {
		memcpy(buf, EXT2_I(inode)->i_data, l);
		return l;
	}
	f = read_mapping_folio(inode->i_mapping, 0, NULL);
	if (IS_ERR(f))
		return PTR_ERR(f);
	memcpy(buf, folio_address(f), l);
	folio_put(f);
	return l;
}

/* Is dir inside the tree rooted at anc (walking ".." to the root)? */
static int ext2_is_ancestor(struct inode *anc, struct inode *dir)
{
	struct super_block *sb = ext2_inode_sb(dir);
	u32 ino = dir->i_ino;
	int depth = 0;

	while (ino != EXT2_ROOT_INO && depth++ < 4096) {
		struct inode *cur;

		if (ino == anc->i_ino)
			return 1;
		cur = ext2_iget(sb, ino);
		if (IS_ERR(cur))
			return 0;
		ino = S_ISDIR(cur->i_mode) ? ext2_inode_by_name(cur, "..", 2) : 0;
		iput(cur);
		if (!ino)
			return 0;	/* a damaged disk's ".." may name a file */
	}
	return ino == anc->i_ino;
}

static int ext2_rename_over(struct inode *new_dir, const char *new_name, int new_len,
			    struct inode *old_inode, struct inode *new_inode)
{
	int is_dir = S_ISDIR(old_inode->i_mode);
	int err;

	if (is_dir && !S_ISDIR(new_inode->i_mode))
		return -ENOTDIR;
	if (!is_dir && S_ISDIR(new_inode->i_mode))
		return -EISDIR;
	if (is_dir && !ext2_empty_dir(new_inode))
		return -ENOTEMPTY;
	err = ext2_set_link(new_dir, new_name, new_len, old_inode);
	if (err)
		return err;
	new_inode->i_ctime = ext2_get_seconds();
	if (is_dir) {
		new_inode->i_nlink = 0;
		new_inode->i_size = 0;
	} else {
		ext2_drop_nlink(new_inode);
	}
	mark_inode_dirty(new_inode);
	return 0;
}

static int ext2_do_rename(struct inode *old_dir, const char *old_name, int old_len,
			  struct inode *new_dir, const char *new_name, int new_len,
			  struct inode *old_inode)
{
	struct super_block *sb = ext2_inode_sb(old_dir);
	int is_dir = S_ISDIR(old_inode->i_mode), err;
	u32 new_ino = ext2_inode_by_name(new_dir, new_name, new_len);

	if (new_ino == old_inode->i_ino)
		return 0;
	if (is_dir && old_dir != new_dir && ext2_is_ancestor(old_inode, new_dir))
		return -EINVAL;
	if (new_ino) {
		struct inode *new_inode = ext2_iget(sb, new_ino);

		if (IS_ERR(new_inode))
			return PTR_ERR(new_inode);
		err = ext2_rename_over(new_dir, new_name, new_len, old_inode, new_inode);
		iput(new_inode);
	} else {
		if (is_dir && new_dir->i_nlink >= EXT2_LINK_MAX)
			return -EMLINK;
		err = ext2_add_link(new_dir, new_name, new_len, old_inode);
		if (!err && is_dir)
			new_dir->i_nlink++;
	}
	if (err)
		return err;
	err = ext2_delete_entry(old_dir, old_name, old_len);
	if (is_dir) {
		if (old_dir != new_dir)
			ext2_set_dotdot(old_inode, new_dir);
		ext2_drop_nlink(old_dir);
	}
	old_inode->i_ctime = ext2_get_seconds();
	mark_inode_dirty(old_inode);
	mark_inode_dirty(old_dir);
	mark_inode_dirty(new_dir);
	return err;
}

/* Rename old_dir/old_name to new_dir/new_name, replacing a file or an
 * empty directory there. Both directories' i_rwsem held by the caller. */
int ext2_rename(struct inode *old_dir, const char *old_name, int old_len,
		struct inode *new_dir, const char *new_name, int new_len)
{
	struct inode *old_inode;
	u32 ino;
	int err;

	if (ext2_rdonly(old_dir))
		return -EROFS;
	if (new_len > EXT2_NAME_LEN)
		return -ENAMETOOLONG;
	ino = ext2_inode_by_name(old_dir, old_name, old_len);
	if (!ino)
		return -ENOENT;
	old_inode = ext2_iget(ext2_inode_sb(old_dir), ino);
	if (IS_ERR(old_inode))
		return PTR_ERR(old_inode);
	err = ext2_do_rename(old_dir, old_name, old_len, new_dir, new_name, new_len, old_inode);
	iput(old_inode);
	return err;
}

/* ->rename: inode and victim are what the names resolve to; ext2 looks
 * them up again under the same locks, so they are only cross-checked. */
static int ext2_rename_op(struct inode *old_dir, const char *old_name, int old_len,
			  struct inode *inode, struct inode *new_dir, const char *new_name,
			  int new_len, struct inode *victim)
{
	if (inode && ext2_inode_by_name(old_dir, old_name, old_len) != inode->i_ino)
		return -ENOENT;
	if (victim && ext2_inode_by_name(new_dir, new_name, new_len) != victim->i_ino)
		return -ENOENT;
	return ext2_rename(old_dir, old_name, old_len, new_dir, new_name, new_len);
}

/* chmod, chown and utimes; size changes come through ->setsize. */
static int ext2_setattr(struct inode *inode, struct iattr *attr)
{
	if (ext2_rdonly(inode))
		return -EROFS;
	if (attr->ia_valid & ATTR_MODE)
		inode->i_mode = (inode->i_mode & S_IFMT) | (attr->ia_mode & 07777);
	if (attr->ia_valid & ATTR_UID)
		inode->i_uid = attr->ia_uid;
	if (attr->ia_valid & ATTR_GID)
		inode->i_gid = attr->ia_gid;
	if (attr->ia_valid & ATTR_ATIME)
		inode->i_atime = attr->ia_atime;
	if (attr->ia_valid & ATTR_MTIME)
		inode->i_mtime = attr->ia_mtime;
	inode->i_ctime = (attr->ia_valid & ATTR_CTIME) ? attr->ia_ctime : ext2_get_seconds();
	mark_inode_dirty(inode);
	return 0;
}

static void ext2_evict(struct inode *inode)
{
	ext2_evict_inode(inode);
}

static u64 ext2_getblocks(struct inode *inode)
{
	return EXT2_I(inode)->i_blocks;
}

const struct inode_operations ext2_dir_inode_operations = {
	.lookup = ext2_lookup, .create = ext2_create, .mkdir = ext2_mkdir,
	.mknod = ext2_mknod, .unlink = ext2_unlink_name, .rmdir = ext2_rmdir_name,
	.rename = ext2_rename_op, .link = ext2_link, .symlink = ext2_symlink,
	.setattr = ext2_setattr, .evict = ext2_evict, .getblocks = ext2_getblocks,
};

const struct inode_operations ext2_file_inode_operations = {
	.setsize = ext2_setsize, .setattr = ext2_setattr, .evict = ext2_evict,
	.getblocks = ext2_getblocks,
};

const struct inode_operations ext2_symlink_inode_operations = {
	.readlink = ext2_readlink, .setattr = ext2_setattr, .evict = ext2_evict,
	.getblocks = ext2_getblocks,
};

const struct inode_operations ext2_special_inode_operations = {
	.setattr = ext2_setattr, .evict = ext2_evict,
};
