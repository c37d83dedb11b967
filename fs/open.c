/* open.c: opening files (openat, filp_open for exec/init), close,
 * truncate/ftruncate, faccessat and umask (the sync family is in
 * fs/sync.c).
 * O_CREAT takes the parent's i_rwsem (write) and updates the dcache
 * under it; truncation takes the file's i_rwsem (write). An open file
 * other than a directory pins the dcache entry it was found by
 * (f_dentry), so d_path can name it. Opening a regular file for writing
 * takes write access to it (get_write_access: ETXTBSY while it runs).
 * Callers hold no locks. */
#include <fs.h>
#include <blkdev.h>
#include <sched.h>
#include <slab.h>
#include <string.h>
#include <uaccess.h>
#include <syscalls_fs.h>

int do_truncate(struct inode *inode, loff_t size)
{
	int err;

	if (S_ISDIR(inode->i_mode))
		return -EISDIR;
	if (!S_ISREG(inode->i_mode))
		return -EINVAL;
	if (size < 0)
		return -EINVAL;
	if (!inode->i_op || !inode->i_op->setsize)
		return -EPERM;
	down_write(&inode->i_rwsem);
	err = inode->i_op->setsize(inode, size);
	up_write(&inode->i_rwsem);
	return err;
}

/* O_CREAT: find or create the last component: *res (held) and, in
 * *pin, the entry naming it. An existing file may be a mount point (a
 * file bind mount): what is mounted there is opened. */
static int open_create(int dfd, const char *path, int flags, umode_t mode,
		       struct dentry **pin, struct path *res)
{
	struct nameidata_parent nd;
	struct inode *dir, *inode;
	int err = kern_path_parent(dfd, path, &nd);

	if (err)
		return err;
	dir = nd.dir;
	if (nd.last_type != LAST_NORM || nd.trailing_slash) {
		nd_put(&nd);
		return -EISDIR;
	}
	down_write(&dir->i_rwsem);
	inode = dir->i_op->lookup(dir, nd.last, nd.last_len);
	if (inode && !IS_ERR(inode) && (flags & O_EXCL)) {
		iput(inode);
		inode = ERR_PTR(-EEXIST);
	} else if (!inode && !dir->i_nlink) {
		inode = ERR_PTR(-ENOENT);
	} else if (!inode && mnt_readonly(nd.mnt)) {
		inode = ERR_PTR(-EROFS);
	} else if (!inode) {
		int err = sb_want_write(dir->i_sb);
		if (err)
			inode = ERR_PTR(err);
		else if (!dir->i_op->create)
			inode = ERR_PTR(-EACCES);
		else
			inode = dir->i_op->create(dir, nd.last, nd.last_len, mode);
		if (!err)
			sb_drop_write(dir->i_sb);
	}
	if (inode && !IS_ERR(inode))	/* replaces a negative entry */
		d_set(dir, nd.last, nd.last_len, inode, pin);
	up_write(&dir->i_rwsem);
	iput(dir);
	if (IS_ERR(inode)) {
		mntput(nd.mnt);
		return PTR_ERR(inode);
	}
	res->mnt = nd.mnt;
	res->inode = inode;
	follow_mounts(res);	/* *pin names the mount point then */
	return 0;
}

struct file *do_filp_open(int dfd, const char *path, int flags, umode_t mode)
{
	int acc = flags & O_ACCMODE;
	struct dentry *pin = NULL;
	struct inode *inode;
	struct path p;
	struct file *f;
	int err, writer;

	if (flags & O_CREAT)
		err = open_create(dfd, path, flags, (mode & 07777) | S_IFREG, &pin, &p);
	else
		err = kern_path_mnt(dfd, path, ((flags & O_DIRECTORY) ? LOOKUP_DIRECTORY : 0) |
				    ((flags & (O_NOFOLLOW | O_PATH)) ? LOOKUP_NOFOLLOW : 0), &p, &pin);
	if (err) {
		dput(pin);
		return ERR_PTR(err);
	}
	inode = p.inode;
	err = -ELOOP;
	if (S_ISLNK(inode->i_mode) && !(flags & O_PATH))
		goto fail;
	err = -ENOTDIR;
	if ((flags & O_DIRECTORY) && !S_ISDIR(inode->i_mode))
		goto fail;
	err = -EISDIR;
	if (S_ISDIR(inode->i_mode) && !(flags & O_PATH) &&
	    (acc != O_RDONLY || (flags & (O_CREAT | O_TRUNC))))
		goto fail;
	err = -EROFS;
	if ((acc != O_RDONLY || (flags & O_TRUNC)) && mnt_readonly(p.mnt) &&
	    (S_ISREG(inode->i_mode) || S_ISDIR(inode->i_mode) || S_ISLNK(inode->i_mode)))
		goto fail;
	err = -EACCES;		/* a device node on a nodev mount (Linux's may_open) */
	if ((S_ISCHR(inode->i_mode) || S_ISBLK(inode->i_mode)) && !(flags & O_PATH) &&
	    mnt_flag(p.mnt, MNT_NODEV))
		goto fail;
	err = -ENXIO;
	if (!inode->i_fop && !(flags & O_PATH))
		goto fail;
	writer = S_ISREG(inode->i_mode) && acc != O_RDONLY && !(flags & O_PATH);
	/* Write access to the file system (fs/super.c): EROFS if it is
	 * read-only; a writer holds it until its last close. */
	if (S_ISREG(inode->i_mode) && !(flags & O_PATH) && (acc != O_RDONLY || (flags & O_TRUNC))) {
		if ((err = sb_want_write(inode->i_sb)))
			goto fail;
		if (!writer)
			sb_drop_write(inode->i_sb);
	}
	if (writer && (err = mnt_want_write(p.mnt))) {	/* remount,bind,ro meanwhile */
		sb_drop_write(inode->i_sb);
		goto fail;
	}
	if (writer && (err = get_write_access(inode))) {	/* a running program: ETXTBSY */
		mnt_drop_write(p.mnt);
		sb_drop_write(inode->i_sb);
		goto fail;
	}
	if (writer && (flags & O_TRUNC) && (err = do_truncate(inode, 0))) {
		put_write_access(inode);
		mnt_drop_write(p.mnt);
		sb_drop_write(inode->i_sb);
		goto fail;
	}
	f = alloc_file(inode, flags & ~(O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_CLOEXEC),
		       inode->i_fop);
	if (IS_ERR(f)) {
		if (writer) {
			put_write_access(inode);
			mnt_drop_write(p.mnt);
			sb_drop_write(inode->i_sb);
		}
		path_put(&p);
		dput(pin);
		return f;
	}
	iput(inode);
	f->f_mnt = p.mnt;	/* the path's reference */
	if (writer)	/* given back by the last fput */
		f->f_mode |= FMODE_WRITER;
	if (!S_ISDIR(inode->i_mode))	/* directories are named through ".." */
		f->f_dentry = pin;
	else
		dput(pin);
	if (flags & O_PATH)
		return f;
	if (f->f_op->open && (err = f->f_op->open(inode, f))) {
		f->f_op = NULL;	/* no release for a failed open */
		fput(f);
		return ERR_PTR(err);
	}
	return f;
fail:
	path_put(&p);
	dput(pin);
	return ERR_PTR(err);
}

struct file *filp_open(const char *path, int flags, int mode)
{
	return do_filp_open(AT_FDCWD, path, flags, mode);
}

/* A regular file with an x bit, not on a noexec mount (EACCES). */
int file_may_exec(struct file *f)
{
	umode_t m = file_inode(f)->i_mode;

	return S_ISREG(m) && (m & S_IXUGO) && !mnt_flag(f->f_mnt, MNT_NOEXEC) ? 0 : -EACCES;
}

long sys_openat(int dfd, const char __user *upath, int flags, unsigned int mode)
{
	char *path = getname(upath);
	struct file *f;
	int fd;

	if (IS_ERR(path))
		return PTR_ERR(path);
	fd = get_unused_fd_flags(flags);
	if (fd >= 0) {
		f = do_filp_open(dfd, path, flags, mode & ~current_umask());
		if (IS_ERR(f)) {
			put_unused_fd(fd);
			fd = PTR_ERR(f);
		} else {
			fd_install(fd, f);
		}
	}
	putname(path);
	return fd;
}

long sys_close(int fd)
{
	return close_fd(fd);
}

long sys_ftruncate(int fd, long length)
{
	struct file *f = fget(fd);
	long err = -EINVAL;

	if (!f)
		return -EBADF;
	if (f->f_mode & FMODE_WRITE)
		err = do_truncate(file_inode(f), length);
	fput(f);
	return err;
}

long sys_truncate(const char __user *upath, long length)
{
	struct path p;
	long err = user_path_mnt(AT_FDCWD, upath, 0, &p);

	if (err)
		return err;
	struct inode *inode = p.inode;
	struct super_block *sb = S_ISREG(inode->i_mode) ? inode->i_sb : NULL;
	/* (others: EISDIR, EINVAL below) */
	err = S_ISREG(inode->i_mode) && mnt_readonly(p.mnt) ? -EROFS : sb_want_write(sb);
	mntput(p.mnt);
	if (!err) {
		err = get_write_access(inode);	/* not a running program */
		if (!err) {
			err = do_truncate(inode, length);
			put_write_access(inode);
		}
		sb_drop_write(sb);
	}
	iput(inode);
	return err;
}

/* Everyone is root here: only X_OK can fail, on files with no x bit or
 * on a noexec mount, and W_OK on a read-only file system. */
long sys_faccessat2(int dfd, const char __user *upath, int mode, int flags)
{
	struct inode *inode;
	struct path p;
	char *path;
	long err = 0;

	if (mode & ~(R_OK | W_OK | X_OK))
		return -EINVAL;
	if (flags & ~(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	path = getname(upath);
	if (IS_ERR(path))
		return PTR_ERR(path);
	err = kern_path_mnt(dfd, path, (flags & AT_EMPTY_PATH) ? LOOKUP_EMPTY : 0, &p, NULL);
	putname(path);
	if (err)
		return err;
	inode = p.inode;
	if ((mode & X_OK) && !S_ISDIR(inode->i_mode) &&
	    (!(inode->i_mode & S_IXUGO) || (S_ISREG(inode->i_mode) && mnt_flag(p.mnt, MNT_NOEXEC))))
		err = -EACCES;
	if ((mode & W_OK) && mnt_readonly(p.mnt) &&
	    (S_ISREG(inode->i_mode) || S_ISDIR(inode->i_mode) || S_ISLNK(inode->i_mode)))
		err = -EROFS;
	path_put(&p);
	return err;
}

long sys_faccessat(int dfd, const char __user *upath, int mode)
{
	return sys_faccessat2(dfd, upath, mode, 0);
}

long sys_umask(int mask)
{
	struct fs_struct *fs = current->fs;
	umode_t old;

	spin_lock(&fs->lock);
	old = fs->umask;
	fs->umask = mask & 0777;
	spin_unlock(&fs->lock);
	return old;
}

