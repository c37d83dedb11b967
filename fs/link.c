/* link.c: the namespace calls that create names for existing inodes or
 * move them: renameat2, linkat, symlinkat; and attribute changes:
 * fchmodat/fchmod, fchownat/fchown, utimensat, fallocate, statfs/fstatfs.
 * Locking: rename locks both parent directories' i_rwsem (write) in
 * address order (a cross-directory rename under rename_mutex first),
 * then the replaced inode's, if any; link and symlink lock the new parent; setattr locks the
 * inode. Each name change updates the dcache (d_move, d_set) before the
 * directory locks are dropped. Callers hold no locks. */
#include <fs.h>
#include <sched.h>
#include <slab.h>
#include <string.h>
#include <uaccess.h>
#include <timer.h>
#include <syscalls_fs.h>

#define RENAME_NOREPLACE 1
#define RENAME_EXCHANGE 2

static void lock_two(struct inode *a, struct inode *b)
{
	if (a == b) {
		down_write(&a->i_rwsem);
		return;
	}
	if (a > b) {
		struct inode *t = a;
		a = b;
		b = t;
	}
	down_write(&a->i_rwsem);
	down_write(&b->i_rwsem);
}

static void unlock_two(struct inode *a, struct inode *b)
{
	up_write(&a->i_rwsem);
	if (a != b)
		up_write(&b->i_rwsem);
}

static DEFINE_MUTEX(rename_mutex);

/* Is dir inside (or equal to) the tree of `tree` (Linux's is_subdir)?
 * Walks ".." up. Rename calls it with both parents locked for writing,
 * so it must not take their locks: i_op->lookup of ".." is called
 * directly (directory lookups of ".." read only the directory's own
 * parent link); mount propagation calls it with no locks. */
int is_subdir(struct inode *dir, struct inode *tree)
{
	struct inode *cur = ihold(dir);
	int r = 0;
	for (int depth = 0; depth < 4096; depth++) {
		if (cur == tree) {
			r = 1;
			break;
		}
		if (!S_ISDIR(cur->i_mode) || !cur->i_op->lookup)
			break;	/* a damaged disk's ".." may name a file */
		struct inode *up = cur->i_op->lookup(cur, "..", 2);
		if (!up || IS_ERR(up) || up == cur) {
			if (up && !IS_ERR(up))
				iput(up);
			break;
		}
		iput(cur);
		cur = up;
	}
	iput(cur);
	return r;
}

static long do_renameat2(int olddfd, const char *oldpath, int newdfd, const char *newpath,
			 unsigned int flags)
{
	struct nameidata_parent o, n;
	struct inode *inode = NULL, *victim = NULL;
	int err;
	if (flags & ~RENAME_NOREPLACE)
		return -EINVAL;		/* RENAME_EXCHANGE/WHITEOUT: not supported */
	if ((err = kern_path_parent(olddfd, oldpath, &o)))
		return err;
	if ((err = kern_path_parent(newdfd, newpath, &n))) {
		nd_put(&o);
		return err;
	}
	err = -EBUSY;
	if (o.last_type != LAST_NORM || n.last_type != LAST_NORM)
		goto out;
	err = -EXDEV;	/* as Linux: two mounts of one file system too */
	if (o.mnt != n.mnt || o.dir->i_sb != n.dir->i_sb || o.dir->i_op != n.dir->i_op)
		goto out;
	err = -EROFS;
	if (mnt_readonly(o.mnt))
		goto out;
	err = -EPERM;
	if (!o.dir->i_op->rename)
		goto out;
	if ((err = sb_want_write(o.dir->i_sb)))
		goto out;
	/* Cross-directory renames are serialised (as Linux's
	 * s_vfs_rename_mutex), so the subtree check below stays true. */
	int cross = o.dir != n.dir;
	if (cross)
		mutex_lock(&rename_mutex);
	lock_two(o.dir, n.dir);
	inode = o.dir->i_op->lookup(o.dir, o.last, o.last_len);
	if (!inode || IS_ERR(inode)) {
		err = inode ? PTR_ERR(inode) : -ENOENT;
		inode = NULL;
		goto unlock;
	}
	victim = n.dir->i_op->lookup(n.dir, n.last, n.last_len);
	if (IS_ERR(victim)) {
		err = PTR_ERR(victim);
		victim = NULL;
		goto unlock;
	}
	err = 0;
	if (victim == inode)
		goto unlock;		/* same file: nothing to do */
	/* Linux's lock_rename trap: a victim that holds the source's
	 * directory is not empty (and locking it would invert the order). */
	if (victim && S_ISDIR(victim->i_mode) && cross && is_subdir(o.dir, victim)) {
		err = -ENOTEMPTY;
		goto unlock;
	}
	/* The victim locked, as Linux's vfs_rename locks the target: its
	 * mount point test and its removal are one step for mount(2), which
	 * tests i_nlink under this lock (graft_tree), and nothing is created
	 * in a directory about to be replaced. */
	if (victim)
		down_write(&victim->i_rwsem);
	if (victim && (flags & RENAME_NOREPLACE))
		err = -EEXIST;
	else if (victim && S_ISDIR(inode->i_mode) && !S_ISDIR(victim->i_mode))
		err = -ENOTDIR;
	else if (victim && !S_ISDIR(inode->i_mode) && S_ISDIR(victim->i_mode))
		err = -EISDIR;
	else if ((o.trailing_slash || n.trailing_slash) && !S_ISDIR(inode->i_mode))
		err = -ENOTDIR;
	else if (S_ISDIR(inode->i_mode) && cross && is_subdir(n.dir, inode))
		err = -EINVAL;		/* into its own subtree */
	else if (inode->i_mountpoints || (victim && victim->i_mountpoints))
		err = -EBUSY;
	else
		err = o.dir->i_op->rename(o.dir, o.last, o.last_len, inode, n.dir, n.last,
					  n.last_len, victim);
	if (!err)	/* the entry (and files opened by it) follows the inode */
		d_move(o.dir, o.last, o.last_len, n.dir, n.last, n.last_len);
	if (!err && victim && S_ISDIR(victim->i_mode))	/* a replaced, empty dir */
		d_prune_children(victim);
	if (victim)
		up_write(&victim->i_rwsem);
unlock:
	unlock_two(o.dir, n.dir);
	if (cross)
		mutex_unlock(&rename_mutex);
	sb_drop_write(o.dir->i_sb);
out:
	if (inode)
		iput(inode);
	if (victim)
		iput(victim);
	nd_put(&o);
	nd_put(&n);
	return err;
}

long sys_renameat2(int olddfd, const char __user *oldname, int newdfd,
		   const char __user *newname, unsigned int flags)
{
	char *o = getname(oldname), *n = IS_ERR(o) ? NULL : getname(newname);
	long err = IS_ERR(o) ? PTR_ERR(o) : IS_ERR(n) ? PTR_ERR(n) : 0;
	if (!err)
		err = do_renameat2(olddfd, o, newdfd, n, flags);
	putname(o);
	putname(n);
	return err;
}

/* May n.last be created in n.dir? 0, -EEXIST, or -ENOENT if the
 * directory was removed. n.dir->i_rwsem held for writing. */
static int name_free(struct nameidata_parent *n)
{
	struct inode *old = n->dir->i_op->lookup(n->dir, n->last, n->last_len);
	if (IS_ERR(old))
		return PTR_ERR(old);
	if (old) {
		iput(old);
		return -EEXIST;
	}
	return n->dir->i_nlink ? 0 : -ENOENT;
}

long sys_linkat(int olddfd, const char __user *oldname, int newdfd,
		const char __user *newname, int flags)
{
	struct nameidata_parent n;
	long err;
	if (flags & ~(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	char *o = getname(oldname);
	if (IS_ERR(o))
		return PTR_ERR(o);
	struct path old;
	err = kern_path_mnt(olddfd, o, ((flags & AT_SYMLINK_FOLLOW) ? 0 : LOOKUP_NOFOLLOW) |
			    ((flags & AT_EMPTY_PATH) ? LOOKUP_EMPTY : 0), &old, NULL);
	putname(o);
	if (err)
		return err;
	struct inode *inode = old.inode;
	mntput(old.mnt);	/* compared below, never followed */
	char *np = getname(newname);
	err = IS_ERR(np) ? PTR_ERR(np) : kern_path_parent(newdfd, np, &n);
	putname(np);
	if (err) {
		iput(inode);
		return err;
	}
	if (n.last_type != LAST_NORM)
		err = -EEXIST;
	else if (S_ISDIR(inode->i_mode))
		err = -EPERM;
	else if (inode->i_sb != n.dir->i_sb || old.mnt != n.mnt)
		err = -EXDEV;
	else if (mnt_readonly(n.mnt))
		err = -EROFS;
	else if (!n.dir->i_op || !n.dir->i_op->link)
		err = -EPERM;
	if (!err) {
		down_write(&n.dir->i_rwsem);
		err = name_free(&n);
		if (!err && !(err = sb_want_write(n.dir->i_sb))) {	/* EROFS after EEXIST */
			err = n.dir->i_op->link(inode, n.dir, n.last, n.last_len);
			sb_drop_write(n.dir->i_sb);
		}
		if (!err)	/* replaces a negative entry */
			d_set(n.dir, n.last, n.last_len, inode, NULL);
		up_write(&n.dir->i_rwsem);
	}
	nd_put(&n);
	iput(inode);
	return err;
}

long sys_symlinkat(const char __user *target, int newdfd, const char __user *newname)
{
	struct nameidata_parent n;
	char *t = getname(target);
	if (IS_ERR(t))
		return PTR_ERR(t);
	char *np = getname(newname);
	long err = IS_ERR(np) ? PTR_ERR(np) : 0;
	if (!err && !*t)
		err = -ENOENT;
	if (!err)
		err = kern_path_parent(newdfd, np, &n);
	putname(np);
	if (err) {
		putname(t);
		return err;
	}
	if (n.last_type != LAST_NORM)
		err = -EEXIST;
	else if (!n.dir->i_op || !n.dir->i_op->symlink)
		err = -EPERM;
	else if (mnt_readonly(n.mnt))
		err = -EROFS;
	if (!err) {
		down_write(&n.dir->i_rwsem);
		err = name_free(&n);
		if (!err)
			err = sb_want_write(n.dir->i_sb);	/* EROFS after EEXIST */
		if (!err) {
			struct inode *l = n.dir->i_op->symlink(n.dir, n.last, n.last_len, t);
			sb_drop_write(n.dir->i_sb);
			err = IS_ERR(l) ? PTR_ERR(l) : 0;
			if (!IS_ERR(l)) {
				d_set(n.dir, n.last, n.last_len, l, NULL);
				iput(l);
			}
		}
		up_write(&n.dir->i_rwsem);
	}
	nd_put(&n);
	putname(t);
	return err;
}

/* ---- attributes ---- */

static long notify_change(struct inode *inode, struct iattr *a)
{
	long err = sb_want_write(inode->i_sb);
	if (err)
		return err;
	down_write(&inode->i_rwsem);
	if (inode->i_op && inode->i_op->setattr) {
		err = inode->i_op->setattr(inode, a);
	} else {		/* in-memory only (ramfs) */
		if (a->ia_valid & ATTR_MODE)
			inode->i_mode = (inode->i_mode & S_IFMT) | (a->ia_mode & 07777);
		if (a->ia_valid & ATTR_UID)
			inode->i_uid = a->ia_uid;
		if (a->ia_valid & ATTR_GID)
			inode->i_gid = a->ia_gid;
		if (a->ia_valid & ATTR_ATIME)
			inode->i_atime = a->ia_atime;
		if (a->ia_valid & ATTR_MTIME)
			inode->i_mtime = a->ia_mtime;
		inode->i_ctime = a->ia_ctime;
	}
	up_write(&inode->i_rwsem);
	sb_drop_write(inode->i_sb);
	return err;
}

static long chmod_inode(struct inode *inode, unsigned int mode)
{
	struct iattr a = { .ia_valid = ATTR_MODE | ATTR_CTIME, .ia_mode = mode & 07777,
			   .ia_ctime = ktime_get_real_seconds() };
	if (S_ISLNK(inode->i_mode))
		return -EOPNOTSUPP;
	return notify_change(inode, &a);
}

long sys_fchmodat(int dfd, const char __user *upath, unsigned int mode)
{
	struct inode *inode = user_path_at_write(dfd, upath, 0);
	if (IS_ERR(inode))
		return PTR_ERR(inode);
	long err = chmod_inode(inode, mode);
	iput(inode);
	return err;
}

long sys_fchmod(int fd, unsigned int mode)
{
	struct file *f = fget(fd);
	if (!f)
		return -EBADF;
	long err = mnt_readonly(f->f_mnt) ? -EROFS : chmod_inode(file_inode(f), mode);
	fput(f);
	return err;
}

/* chown: -1 leaves an id as it is; any chown of a file that is not a
 * directory drops its set-user-ID bit, and set-group-ID when it is
 * group-executable, as Linux's chown_common asks notify_change to
 * (ATTR_KILL_SUID, ATTR_KILL_SGID; everybody is root here). */
static long chown_inode(struct inode *inode, uid_t uid, gid_t gid)
{
	struct iattr a = { .ia_valid = ATTR_CTIME, .ia_ctime = ktime_get_real_seconds() };
	umode_t mode = inode->i_mode;

	if (uid != (uid_t)-1) {
		a.ia_valid |= ATTR_UID;
		a.ia_uid = uid;
	}
	if (gid != (gid_t)-1) {
		a.ia_valid |= ATTR_GID;
		a.ia_gid = gid;
	}
	if (!S_ISDIR(mode) && !S_ISLNK(mode)) {
		umode_t drop = S_ISUID | ((mode & S_IXGRP) ? S_ISGID : 0);
		if (mode & drop) {
			a.ia_valid |= ATTR_MODE;
			a.ia_mode = mode & ~drop & 07777;
		}
	}
	return notify_change(inode, &a);
}

long sys_fchownat(int dfd, const char __user *upath, uid_t uid, gid_t gid, int flags)
{
	struct inode *inode;
	long err;

	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	inode = user_path_at_write(dfd, upath, ((flags & AT_SYMLINK_NOFOLLOW) ? LOOKUP_NOFOLLOW : 0) |
					       ((flags & AT_EMPTY_PATH) ? LOOKUP_EMPTY : 0));
	if (IS_ERR(inode))
		return PTR_ERR(inode);
	err = chown_inode(inode, uid, gid);
	iput(inode);
	return err;
}

long sys_fchown(int fd, uid_t uid, gid_t gid)
{
	struct file *f = fget(fd);
	long err;

	if (!f)
		return -EBADF;
	err = mnt_readonly(f->f_mnt) ? -EROFS : chown_inode(file_inode(f), uid, gid);
	fput(f);
	return err;
}

#define UTIME_NOW ((1L << 30) - 1)
#define UTIME_OMIT ((1L << 30) - 2)
struct timespec64 { long tv_sec, tv_nsec; };

long sys_utimensat(int dfd, const char __user *upath, const struct timespec64 __user *utimes,
		   int flags)
{
	struct timespec64 t[2] = { { 0, UTIME_NOW }, { 0, UTIME_NOW } };
	struct inode *inode;
	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	if (utimes && copy_from_user(t, utimes, sizeof(t)))
		return -EFAULT;
	for (int i = 0; i < 2; i++)
		if (t[i].tv_nsec != UTIME_NOW && t[i].tv_nsec != UTIME_OMIT &&
		    (t[i].tv_nsec < 0 || t[i].tv_nsec >= 1000000000L))
			return -EINVAL;
	if (!upath) {		/* futimens: dfd is the file */
		struct file *f = fget(dfd);
		if (!f)
			return -EBADF;
		inode = mnt_readonly(f->f_mnt) ? ERR_PTR(-EROFS) : ihold(file_inode(f));
		fput(f);
		if (IS_ERR(inode))
			return PTR_ERR(inode);
	} else {
		inode = user_path_at_write(dfd, upath,
					   ((flags & AT_SYMLINK_NOFOLLOW) ? LOOKUP_NOFOLLOW : 0) |
					   ((flags & AT_EMPTY_PATH) ? LOOKUP_EMPTY : 0));
		if (IS_ERR(inode))
			return PTR_ERR(inode);
	}
	struct iattr a = { .ia_valid = ATTR_CTIME, .ia_ctime = ktime_get_real_seconds() };
	if (t[0].tv_nsec != UTIME_OMIT) {
		a.ia_valid |= ATTR_ATIME;
		a.ia_atime = t[0].tv_nsec == UTIME_NOW ? a.ia_ctime : t[0].tv_sec;
	}
	if (t[1].tv_nsec != UTIME_OMIT) {
		a.ia_valid |= ATTR_MTIME;
		a.ia_mtime = t[1].tv_nsec == UTIME_NOW ? a.ia_ctime : t[1].tv_sec;
	}
	long err = notify_change(inode, &a);
	iput(inode);
	return err;
}

/* fallocate mode 0: make sure [off, off+len) is allocated and extend the
 * size; here by extending i_size (blocks are allocated on write). */
/* The file system's fallocate a FALLOC_CHUNK-aligned piece at a time,
 * so a huge request can be interrupted (by a fatal signal: -EINTR; what
 * was allocated stays, as when it fails with ENOSPC halfway). */
#define FALLOC_CHUNK (1L << 20)
static long vfs_fallocate(struct file *f, int mode, loff_t off, loff_t len)
{
	loff_t end = off + len;
	long err = 0;

	while (!err && off < end) {
		loff_t n = min(end, (off & ~(FALLOC_CHUNK - 1)) + FALLOC_CHUNK) - off;
		if (fatal_signal_pending(current))
			return -EINTR;
		err = f->f_op->fallocate(f, mode, off, n);
		off += n;
	}
	return err;
}

long sys_fallocate(int fd, int mode, loff_t off, loff_t len)
{
	struct file *f = fget(fd);
	long err = 0;
	if (!f)
		return -EBADF;
	struct inode *inode = file_inode(f);
	if (mode)
		err = -EOPNOTSUPP;
	else if (off < 0 || len <= 0)
		err = -EINVAL;
	else if (!(f->f_mode & FMODE_WRITE))
		err = -EBADF;
	else if (S_ISDIR(inode->i_mode))
		err = -EISDIR;
	else if (!S_ISREG(inode->i_mode))
		err = -ENODEV;
	else if (off + len < off)
		err = -EFBIG;
	else if (f->f_op && f->f_op->fallocate)
		err = vfs_fallocate(f, mode, off, len);
	else if (off + len > inode->i_size)	/* ramfs: pages come on write */
		err = do_truncate(inode, off + len);
	fput(f);
	return err;
}

#define ST_RDONLY 1
#define ST_VALID 0x20
struct statfs64 {
	long f_type, f_bsize;
	u64 f_blocks, f_bfree, f_bavail, f_files, f_ffree;
	int f_fsid[2];
	long f_namelen, f_frsize, f_flags, f_spare[4];
};

static long statfs_inode(struct inode *inode, struct statfs64 __user *buf)
{
	struct kstatfs k = { .f_type = 0x858458f6 /* RAMFS_MAGIC */, .f_bsize = PAGE_SIZE,
			     .f_namelen = NAME_MAX };
	struct super_block *sb = inode->i_sb;
	if (sb && sb->s_op && sb->s_op->statfs) {
		int err = sb->s_op->statfs(sb, &k);
		if (err)
			return err;
	}
	struct statfs64 s = { .f_type = k.f_type, .f_bsize = k.f_bsize, .f_blocks = k.f_blocks,
			      .f_bfree = k.f_bfree, .f_bavail = k.f_bavail, .f_files = k.f_files,
			      .f_ffree = k.f_ffree, .f_namelen = k.f_namelen, .f_frsize = k.f_bsize,
			      .f_flags = ST_VALID | (sb_rdonly(sb) ? ST_RDONLY : 0) };
	return copy_to_user(buf, &s, sizeof(s)) ? -EFAULT : 0;
}

long sys_statfs(const char __user *upath, struct statfs64 __user *buf)
{
	struct inode *inode = user_path_at(AT_FDCWD, upath, 0);
	if (IS_ERR(inode))
		return PTR_ERR(inode);
	long err = statfs_inode(inode, buf);
	iput(inode);
	return err;
}

long sys_fstatfs(int fd, struct statfs64 __user *buf)
{
	struct file *f = fget_raw(fd);
	if (!f)
		return -EBADF;
	long err = statfs_inode(file_inode(f), buf);
	fput(f);
	return err;
}
