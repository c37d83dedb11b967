/* namei.c: path walking ("."/"..", trailing slashes, mounts, symlinks
 * with a depth limit of 40 (ELOOP)) and the namespace operations mkdir,
 * mknod, unlink, rmdir, chdir, readlink (getcwd is in d_path.c). The
 * walk goes by struct path (mount, inode): it steps onto mounts with
 * follow_mounts and climbs out of them for ".." with follow_up
 * (fs/namespace.c, which takes mount_lock for both).
 * A walk holds one directory's i_rwsem (read) at a time, during its
 * ->lookup and the d_add that caches the answer; changes take the
 * parent's i_rwsem (write), then for rmdir the victim's, and update the
 * dcache (d_set, d_prune_children) before dropping them. Callers hold no
 * locks; every inode and path returned carries references. */
#include <fs.h>
#include <sched.h>
#include <slab.h>
#include <string.h>
#include <uaccess.h>
#include <syscalls_fs.h>

char *getname(const char __user *upath)
{
	char *s = kmalloc(PATH_MAX, GFP_KERNEL);
	long n;

	if (!s)
		return ERR_PTR(-ENOMEM);
	n = strncpy_from_user(s, upath, PATH_MAX);
	if (n < 0) {
		kfree(s);
		return ERR_PTR(n);
	}
	return s;
}

void putname(char *name)
{
	if (!IS_ERR_OR_NULL(name))
		kfree(name);
}

/* kern_path_mnt on a path in user memory. */
int user_path_mnt(int dfd, const char __user *upath, unsigned int flags, struct path *res)
{
	char *path = getname(upath);
	int err;

	if (IS_ERR(path))
		return PTR_ERR(path);
	err = kern_path_mnt(dfd, path, flags, res, NULL);
	putname(path);
	return err;
}

/* user_path_at for a call that changes the inode (chmod, chown, utimes):
 * -EROFS through a read-only mount (Linux's mnt_want_write). */
struct inode *user_path_at_write(int dfd, const char __user *upath, unsigned int flags)
{
	struct path p;
	int err = user_path_mnt(dfd, upath, flags, &p);

	if (err)
		return ERR_PTR(err);
	if (mnt_readonly(p.mnt)) {
		path_put(&p);
		return ERR_PTR(-EROFS);
	}
	mntput(p.mnt);
	return p.inode;
}

/* kern_path on a path in user memory. */
struct inode *user_path_at(int dfd, const char __user *upath, unsigned int flags)
{
	char *path = getname(upath);
	if (IS_ERR(path))
		return ERR_PTR(PTR_ERR(path));
	struct inode *inode = kern_path(dfd, path, flags);
	putname(path);
	return inode;
}

/* The place a walk of path begins: the root, the cwd or dfd's file. */
int path_start(int dfd, const char *path, struct path *start)
{
	struct file *f;

	if (path[0] == '/') {
		get_fs_root_path(current->fs, start);
		return 0;
	}
	if (dfd == AT_FDCWD) {
		get_fs_pwd_path(current->fs, start);
		return 0;
	}
	if (!(f = fget_raw(dfd)))
		return -EBADF;
	start->inode = ihold(file_inode(f));
	start->mnt = mntget(f->f_mnt);
	fput(f);
	if (*path && !S_ISDIR(start->inode->i_mode)) {
		path_put(start);
		return -ENOTDIR;
	}
	return 0;
}

/* The child name of dir (referenced) or ERR_PTR (-ENOENT: no such name).
 * The dcache answers first, positively or negatively; on a miss ->lookup
 * runs under dir->i_rwsem (read) and its answer, found or not, is cached
 * under that same hold, so no change of the name can slip in between.
 * With pin, *pin is replaced by the entry that names the result (or NULL
 * if there is none: "." or "..", or no memory). */
struct inode *lookup_one_pin(struct inode *dir, const char *name, int len, struct dentry **pin)
{
	struct inode *r;

	if (pin) {
		dput(*pin);
		*pin = NULL;
	}
	if (!S_ISDIR(dir->i_mode) || !dir->i_op || !dir->i_op->lookup)
		return ERR_PTR(-ENOTDIR);
	int dots = len <= 2 && name[0] == '.' && (len == 1 || name[1] == '.');
	if (!dots && (r = d_lookup(dir, name, len, pin)))
		return r;
	down_read(&dir->i_rwsem);
	r = dir->i_op->lookup(dir, name, len);
	if (!IS_ERR(r) && !dots)
		d_add(dir, name, len, r, pin);	/* NULL: a negative entry */
	up_read(&dir->i_rwsem);
	return r ? r : ERR_PTR(-ENOENT);
}

struct inode *lookup_one(struct inode *dir, const char *name, int len)
{
	return lookup_one_pin(dir, name, len, NULL);
}

static int is_dots(const char *name, int len)
{
	if (len == 1 && name[0] == '.')
		return LAST_DOT;
	if (len == 2 && name[0] == '.' && name[1] == '.')
		return LAST_DOTDOT;
	return LAST_NORM;
}

#define MAX_LINK_DEPTH 40
static int walk_path(struct path *cur, const char *path, const struct path *root, int depth,
		     struct dentry **pin);

/* cur is the directory holding symlink `link` (consumed): replace cur
 * by what the link points to. pin (may be NULL) follows the last step. */
static int follow_link(struct path *cur, struct inode *link, const struct path *root, int depth,
		       struct dentry **pin)
{
	if (pin) {	/* it named the link: the target's last step decides */
		dput(*pin);
		*pin = NULL;
	}
	if (depth >= MAX_LINK_DEPTH || !link->i_op || !link->i_op->readlink) {
		iput(link);
		return depth >= MAX_LINK_DEPTH ? -ELOOP : -EINVAL;
	}
	char *target = kmalloc(PATH_MAX, GFP_KERNEL);
	int n = target ? link->i_op->readlink(link, target, PATH_MAX - 1) : -ENOMEM;
	iput(link);
	if (n < 0) {
		kfree(target);
		return n;
	}
	target[n] = 0;
	if (target[0] == '/') {
		path_put(cur);
		*cur = *root;
		path_get(cur);
	}
	int err = walk_path(cur, target, root, depth + 1, pin);
	kfree(target);
	return err;
}

/* Replace cur (held) by its child name, following a symlink if `follow`
 * (always for components that are not the last). ".." at the root of a
 * mount first climbs to the place the mount covers (Linux's
 * follow_dotdot); whatever is mounted on the result is stepped onto
 * (follow_mounts). pin: see lookup_one_pin (only the last component of a
 * walk passes one). */
static int step_depth(struct path *cur, const char *name, int len, const struct path *root,
		      int follow, int depth, struct dentry **pin)
{
	int t = is_dots(name, len);
	struct path next;
	struct inode *inode;

	if (pin && t != LAST_NORM) {	/* "." and ".." have no entry */
		dput(*pin);
		*pin = NULL;
	}
	if (!S_ISDIR(cur->inode->i_mode))
		return -ENOTDIR;
	if (t == LAST_DOT || (t == LAST_DOTDOT && path_equal(cur, root)))
		return 0;
	if (len > NAME_MAX)
		return -ENAMETOOLONG;
	if (t == LAST_DOTDOT)	/* leaving mounted trees: from the places they cover */
		while (follow_up(cur))
			if (path_equal(cur, root))
				return 0;
	inode = lookup_one_pin(cur->inode, name, len, pin);
	if (IS_ERR(inode))
		return PTR_ERR(inode);
	next.mnt = mntget(cur->mnt);
	next.inode = inode;
	follow_mounts(&next);
	if (follow && S_ISLNK(next.inode->i_mode)) {
		mntput(next.mnt);	/* the link is read in cur's mount */
		return follow_link(cur, next.inode, root, depth, pin);
	}
	path_put(cur);
	*cur = next;
	return 0;
}

static int step(struct path *cur, const char *name, int len, const struct path *root)
{
	return step_depth(cur, name, len, root, 1, 0, NULL);
}

/* Walks every component of path from cur (for symlink targets); pin
 * goes to the last component only. */
static int walk_path(struct path *cur, const char *path, const struct path *root, int depth,
		     struct dentry **pin)
{
	while (*path) {
		const char *s = path, *e, *rest;
		while (*s == '/')
			s++;
		if (!*s)
			break;
		for (e = s; *e && *e != '/'; e++)
			;
		for (rest = e; *rest == '/'; rest++)
			;
		int err = step_depth(cur, s, e - s, root, 1, depth, *rest ? NULL : pin);
		if (err)
			return err;
		path = e;
	}
	return 0;
}

/* Walk all but the last component. cur: start in, parent out. */
static int walk_parent(struct path *cur, const char *path, const struct path *root,
		       const char **last, int *len, int *trailing)
{
	int err = 0;

	*last = NULL;
	*len = 0;
	*trailing = 0;
	for (;;) {
		const char *s = path, *e;

		while (*s == '/')
			s++;
		if (!*s)
			break;
		for (e = s; *e && *e != '/'; e++)
			;
		path = e;
		while (*path == '/')
			path++;
		if (!*path) {	/* s..e is the last component */
			*last = s;
			*len = e - s;
			*trailing = *e == '/';
			break;
		}
		if ((err = step(cur, s, e - s, root)))
			break;
	}
	return err;
}

/* Walk path to the place it names, *res (held). With pin, *pin (NULL on
 * entry) gets the dcache entry of the name that the result was found
 * by, for an open file's d_path (NULL if there is none, e.g. for "/" or
 * "x/.."); the caller dputs it. */
int kern_path_mnt(int dfd, const char *path, unsigned int flags, struct path *res,
		  struct dentry **pin)
{
	struct path cur, root;
	const char *last;
	int len, trailing, err;

	if (!*path && !(flags & LOOKUP_EMPTY))
		return -ENOENT;
	if ((err = path_start(dfd, path, &cur)))
		return err;
	get_fs_root_path(current->fs, &root);
	err = walk_parent(&cur, path, &root, &last, &len, &trailing);
	/* a trailing slash follows a symlink even with NOFOLLOW: "link/" */
	if (!err && last)
		err = step_depth(&cur, last, len, &root, !(flags & LOOKUP_NOFOLLOW) || trailing, 0,
				 pin);
	path_put(&root);
	if (!err && (trailing || (flags & LOOKUP_DIRECTORY)) && !S_ISDIR(cur.inode->i_mode))
		err = -ENOTDIR;
	if (err) {
		path_put(&cur);
		if (pin) {
			dput(*pin);
			*pin = NULL;
		}
		return err;
	}
	*res = cur;
	return 0;
}

/* The inode alone, for callers that do not cross mounts with it. */
struct inode *kern_path_pin(int dfd, const char *path, unsigned int flags, struct dentry **pin)
{
	struct path p;
	int err = kern_path_mnt(dfd, path, flags, &p, pin);

	if (err)
		return ERR_PTR(err);
	mntput(p.mnt);
	return p.inode;
}

struct inode *kern_path(int dfd, const char *path, unsigned int flags)
{
	return kern_path_pin(dfd, path, flags, NULL);
}

/* Walk to the directory that holds path's last component: nd->dir and
 * nd->mnt (held: nd_put), and the name in nd->last. */
int kern_path_parent(int dfd, const char *path, struct nameidata_parent *nd)
{
	struct path cur, root;
	const char *last;
	int err;

	if (!*path)
		return -ENOENT;
	if ((err = path_start(dfd, path, &cur)))
		return err;
	get_fs_root_path(current->fs, &root);
	err = walk_parent(&cur, path, &root, &last, &nd->last_len, &nd->trailing_slash);
	path_put(&root);
	if (!err && !S_ISDIR(cur.inode->i_mode))
		err = -ENOTDIR;
	if (!err && nd->last_len > NAME_MAX)
		err = -ENAMETOOLONG;
	if (err) {
		path_put(&cur);
		return err;
	}
	nd->dir = cur.inode;
	nd->mnt = cur.mnt;
	nd->last_type = last ? is_dots(last, nd->last_len) : LAST_ROOT;
	memcpy(nd->last, last ? last : "", nd->last_len);
	nd->last[nd->last_len] = 0;
	return 0;
}

void nd_put(struct nameidata_parent *nd)
{
	iput(nd->dir);
	mntput(nd->mnt);
}

/* Create a directory or node at path; mode is final (umask applied). */
static int do_create(int dfd, const char *path, umode_t mode, dev_t rdev)
{
	struct nameidata_parent nd;
	struct inode *dir, *child;
	int err = kern_path_parent(dfd, path, &nd);

	if (err)
		return err;
	dir = nd.dir;
	err = -EEXIST;
	if (nd.last_type != LAST_NORM)
		goto out;
	err = -ENOTDIR;
	if (nd.trailing_slash && !S_ISDIR(mode))
		goto out;
	down_write(&dir->i_rwsem);
	child = dir->i_nlink ? dir->i_op->lookup(dir, nd.last, nd.last_len) : NULL;
	if (IS_ERR(child)) {
		err = PTR_ERR(child);
		child = NULL;
	} else if (child) {
		iput(child);
		err = -EEXIST;
		child = NULL;
	} else if (!dir->i_nlink) {
		err = -ENOENT;	/* directory was removed */
	} else if (mnt_readonly(nd.mnt)) {
		err = -EROFS;	/* after EEXIST, as Linux's filename_create */
	} else if ((err = sb_want_write(dir->i_sb))) {
		;		/* EROFS: remounted read-only meanwhile */
	} else {
		if (S_ISDIR(mode))
			child = dir->i_op->mkdir ? dir->i_op->mkdir(dir, nd.last, nd.last_len, mode)
						 : ERR_PTR(-EPERM);
		else
			child = dir->i_op->mknod ? dir->i_op->mknod(dir, nd.last, nd.last_len, mode, rdev)
						 : ERR_PTR(-EPERM);
		sb_drop_write(dir->i_sb);
	}
	if (child && !IS_ERR(child))
		d_set(dir, nd.last, nd.last_len, child, NULL);	/* was negative */
	up_write(&dir->i_rwsem);
	if (child && IS_ERR(child))
		err = PTR_ERR(child);
	else if (child) {
		iput(child);
		err = 0;
	}
out:
	nd_put(&nd);
	return err;
}

int do_mkdirat(int dfd, const char *path, umode_t mode)
{
	return do_create(dfd, path, (mode & 07777) | S_IFDIR, 0);
}

/* As Linux's may_mknod: a file, a device, a FIFO or a socket; a
 * directory is EPERM, any other type (a symlink, the bits of none) is
 * EINVAL and never reaches the disk. */
int do_mknodat(int dfd, const char *path, umode_t mode, dev_t rdev)
{
	switch (mode & S_IFMT) {
	case 0:
		mode |= S_IFREG;
		break;
	case S_IFREG: case S_IFCHR: case S_IFBLK: case S_IFIFO: case S_IFSOCK:
		break;
	case S_IFDIR:
		return -EPERM;
	default:
		return -EINVAL;
	}
	return do_create(dfd, path, mode, rdev);
}

int do_unlinkat(int dfd, const char *path, int rmdir)
{
	struct nameidata_parent nd;
	struct inode *dir, *victim;
	int err = kern_path_parent(dfd, path, &nd);

	if (err)
		return err;
	dir = nd.dir;
	if (nd.last_type != LAST_NORM) {
		err = !rmdir ? -EISDIR : nd.last_type == LAST_DOT ? -EINVAL :
		      nd.last_type == LAST_DOTDOT ? -ENOTEMPTY : -EBUSY;
		goto out;
	}
	err = -EROFS;
	if (mnt_readonly(nd.mnt))
		goto out;
	if ((err = sb_want_write(dir->i_sb)))	/* the writer count (fs/super.c) */
		goto out;
	down_write(&dir->i_rwsem);
	victim = dir->i_op->lookup(dir, nd.last, nd.last_len);
	if (!victim || IS_ERR(victim)) {
		err = victim ? PTR_ERR(victim) : -ENOENT;
	} else if (rmdir) {
		if (!S_ISDIR(victim->i_mode)) {
			err = -ENOTDIR;
		} else {
			/* the mount point test under victim's lock: mount(2)
			 * tests i_nlink and pins i_mountpoints under it */
			down_write(&victim->i_rwsem);
			if (victim == root_inode || victim->i_mountpoints)
				err = -EBUSY;	/* a mount point or a mounted root */
			else
				err = dir->i_op->rmdir ? dir->i_op->rmdir(dir, nd.last, nd.last_len, victim) : -EPERM;
			if (!err)	/* its negative entries must not pin it */
				d_prune_children(victim);
			up_write(&victim->i_rwsem);
			if (!err)
				d_set(dir, nd.last, nd.last_len, NULL, NULL);
		}
		iput(victim);
	} else {
		if (S_ISDIR(victim->i_mode))
			err = -EISDIR;
		else if (victim->i_mountpoints)
			err = -EBUSY;	/* a file bind-mounted on */
		else if (nd.trailing_slash)
			err = -ENOTDIR;
		else
			err = dir->i_op->unlink ? dir->i_op->unlink(dir, nd.last, nd.last_len, victim) : -EPERM;
		if (!err)	/* now a negative entry; an open file's stays, unhashed */
			d_set(dir, nd.last, nd.last_len, NULL, NULL);
		iput(victim);	/* evicts it if that was the last link and use */
	}
	up_write(&dir->i_rwsem);
	sb_drop_write(dir->i_sb);
out:
	nd_put(&nd);
	return err;
}

long sys_mkdirat(int dfd, const char __user *upath, unsigned int mode)
{
	char *path = getname(upath);
	long err;

	if (IS_ERR(path))
		return PTR_ERR(path);
	err = do_mkdirat(dfd, path, mode & ~current_umask() & 07777);
	putname(path);
	return err;
}

long sys_mknodat(int dfd, const char __user *upath, unsigned int mode, unsigned int dev)
{
	char *path = getname(upath);
	long err;

	if (IS_ERR(path))
		return PTR_ERR(path);
	if (!(mode & S_IFMT))
		mode |= S_IFREG;
	err = do_mknodat(dfd, path, (mode & ~current_umask() & 07777) | (mode & S_IFMT),
			 MKDEV((dev >> 8) & 0xfff, (dev & 0xff) | ((dev >> 12) & 0xfff00)));
	putname(path);
	return err;
}

long sys_unlinkat(int dfd, const char __user *upath, int flags)
{
	char *path;
	long err;

	if (flags & ~AT_REMOVEDIR)
		return -EINVAL;
	path = getname(upath);
	if (IS_ERR(path))
		return PTR_ERR(path);
	err = do_unlinkat(dfd, path, flags & AT_REMOVEDIR);
	putname(path);
	return err;
}

/* chdir and chroot: look the directory up, hand it to set. */
static long set_fs_dir(const char __user *upath,
		       void (*set)(struct fs_struct *, const struct path *))
{
	struct path dir;
	long err = user_path_mnt(AT_FDCWD, upath, LOOKUP_DIRECTORY, &dir);

	if (err)
		return err;
	set(current->fs, &dir);
	path_put(&dir);
	return 0;
}

long sys_chdir(const char __user *upath)
{
	return set_fs_dir(upath, set_fs_pwd);
}

/* As Linux (every task is root here): the cwd is left where it is, so a
 * process may still reach files outside its new root through it. */
long sys_chroot(const char __user *upath)
{
	return set_fs_dir(upath, set_fs_root);
}

long sys_fchdir(int fd)
{
	struct file *f = fget_raw(fd);
	struct path dir;
	long err = -ENOTDIR;

	if (!f)
		return -EBADF;
	if (S_ISDIR(file_inode(f)->i_mode) && f->f_mnt) {
		dir.mnt = f->f_mnt;
		dir.inode = file_inode(f);
		set_fs_pwd(current->fs, &dir);
		err = 0;
	}
	fput(f);
	return err;
}

long sys_readlinkat(int dfd, const char __user *upath, char __user *buf, int size)
{
	char *path = getname(upath);
	struct inode *inode;

	if (IS_ERR(path))
		return PTR_ERR(path);
	inode = kern_path(dfd, path, LOOKUP_EMPTY | LOOKUP_NOFOLLOW);
	putname(path);
	if (IS_ERR(inode))
		return PTR_ERR(inode);
	long r = -EINVAL;
	if (size <= 0) {
		r = -EINVAL;
	} else if (S_ISLNK(inode->i_mode) && inode->i_op && inode->i_op->readlink) {
		char *k = kmalloc(PATH_MAX, GFP_KERNEL);
		r = k ? inode->i_op->readlink(inode, k, min(size, (int)PATH_MAX)) : -ENOMEM;
		if (r > 0 && copy_to_user(buf, k, r))
			r = -EFAULT;
		kfree(k);
	}
	iput(inode);
	return r;
}
