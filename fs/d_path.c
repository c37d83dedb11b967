/* d_path.c: absolute paths back from inodes and open files (Linux's
 * fs/d_path.c): d_path names an open file (/proc/self/maps), dir_path a
 * directory (/proc/mounts, getcwd), and sys_getcwd lives here too.
 *
 * A directory is named by walking ".." from its (mount, inode) path up
 * to the task's root path; a mount's root is named by the place it
 * covers in its parent mount (follow_up), so the walk crosses mount
 * points, and a directory seen through two mounts (a bind mount) gets
 * the name of the mount it was reached by. Each step needs the child's name in its parent:
 * the dcache usually has it (d_name_in: a cached entry of the parent that
 * names the child); when it does not (evicted, or never looked up, e.g.
 * a cwd inherited from a parent that walked long ago), the parent is
 * scanned for the child's inode number (name_in_parent), which is always
 * right but reads the directory. A file that is not a directory has no
 * "..": it is named by the dentry it was opened by (file->f_dentry,
 * pinned by the file), whose name and directory the dcache keeps current
 * across renames; once that name is removed (unlink, renamed over) the
 * path ends in " (deleted)", as in Linux; a file that is a mount's root
 * (a file bind mount) was found by the mount point's name, so its
 * directory is in the parent mount. A file with no dentry (a pipe) has
 * no path: -ENOENT. fs_path names a directory inside its own file system
 * (mountinfo's root field). A file that is a mount's root or mount point
 * (/proc/mounts) is named by a cached entry naming it (d_alias_name),
 * -ENOENT if none is cached.
 *
 * A walk that reaches a top that is not the task's root (the inode lies
 * outside it) gives the path from that top, like Linux's d_path;
 * dir_path reports it in *outside so /proc/mounts can skip such mounts.
 * Locks: callers hold none. lookup_one and ->iterate take one directory's
 * i_rwsem (read) at a time; the dcache takes dcache_lock inside. */
#include "mount.h"
#include <sched.h>
#include <slab.h>
#include <string.h>
#include <uaccess.h>
#include <syscalls_fs.h>

/* Scanning a directory for an inode number (the fallback). */
struct name_ctx {
	struct dir_context ctx;
	u64 ino;
	char *name;	/* NAME_MAX + 1 bytes */
	int found;
};

static bool match_ino(struct dir_context *ctx, const char *name, int len,
		      loff_t next, u64 ino, unsigned int type)
{
	struct name_ctx *nc = container_of(ctx, struct name_ctx, ctx);

	if (ino != nc->ino || (name[0] == '.' && (len == 1 || (len == 2 && name[1] == '.'))))
		return true;
	memcpy(nc->name, name, len);
	nc->name[len] = 0;
	nc->found = 1;
	return false;
}

static int name_in_parent(struct inode *parent, struct inode *child, char *name)
{
	struct name_ctx nc = { .ctx = { .actor = match_ino, .pos = 0 },
			       .ino = child->i_ino, .name = name };
	struct file *f;

	if (!parent->i_fop || !parent->i_fop->iterate)
		return -ENOENT;
	f = alloc_file(parent, O_RDONLY | O_DIRECTORY, parent->i_fop);
	if (IS_ERR(f))
		return PTR_ERR(f);
	f->f_op->iterate(f, &nc.ctx);
	fput(f);
	return nc.found ? 0 : -ENOENT;
}

/* A path is built backwards, from the end of buf. */
struct pbuf {
	char *buf;
	int pos;	/* the path so far starts here */
};

static int prepend(struct pbuf *p, const char *s, int len)
{
	if (len > p->pos)
		return -ENAMETOOLONG;
	p->pos -= len;
	memcpy(p->buf + p->pos, s, len);
	return 0;
}

/* Prepend "/name" for every directory from dir up to root (nothing for
 * root itself), crossing mount points (a mount's root is named by the
 * place it covers: follow_up); with no root, from dir up to the top of
 * its file system, not crossing. name is a NAME_MAX + 1 scratch buffer.
 * 0 when root was reached, 1 when a top outside it was, -ENOENT for a
 * removed directory, or another -errno. */
static int prepend_dir(struct pbuf *p, const struct path *dir, const struct path *root,
		       char *name)
{
	struct path cur = *dir;
	struct inode *parent;
	int err = 0;

	path_get(&cur);
	if (!(root && path_equal(&cur, root)) && !cur.inode->i_nlink)
		err = -ENOENT;	/* removed */
	if (!err && !S_ISDIR(cur.inode->i_mode)) {	/* a file mount: by a cached name */
		while (root && cur.mnt && follow_up(&cur))
			;
		err = d_alias_name(cur.inode, name, &parent);
		if (!err)
			err = prepend(p, name, strlen(name));
		if (!err)
			err = prepend(p, "/", 1);
		if (!err) {
			iput(cur.inode);
			cur.inode = parent;
		}
	}
	while (!err && !(root && path_equal(&cur, root))) {
		if (root && cur.mnt && cur.inode == cur.mnt->mnt_root) {
			if (!follow_up(&cur))
				err = 1;	/* the top of a tree that is not our root's */
			continue;
		}
		parent = lookup_one(cur.inode, "..", 2);
		if (IS_ERR(parent)) {
			err = PTR_ERR(parent);
			break;
		}
		if (parent == cur.inode) {	/* the top of the file system */
			iput(parent);
			err = root ? 1 : 0;
			break;
		}
		if (d_name_in(parent, cur.inode, name))
			err = name_in_parent(parent, cur.inode, name);
		if (!err)
			err = prepend(p, name, strlen(name));
		if (!err)
			err = prepend(p, "/", 1);
		iput(cur.inode);
		cur.inode = parent;
	}
	path_put(&cur);
	return err;
}

/* Finish a path: "/" if nothing was prepended but the NUL. */
static char *path_done(struct pbuf *p, int size, int err)
{
	if (err >= 0 && p->pos == size - 1)
		err = prepend(p, "/", 1);
	return err < 0 ? ERR_PTR(err) : p->buf + p->pos;
}

/* The path of directory dir as seen from root (NULL: from the top of
 * its file system), NUL-terminated inside buf (returned), or ERR_PTR.
 * *outside: dir is not under root. */
char *dir_path(const struct path *dir, const struct path *root, char *buf, int size,
	       int *outside)
{
	char *name = kmalloc(NAME_MAX + 1, GFP_KERNEL);
	struct pbuf p = { buf, size };
	int err = name ? prepend(&p, "", 1) : -ENOMEM;

	if (!err)
		err = prepend_dir(&p, dir, root, name);
	kfree(name);
	*outside = err == 1;
	return path_done(&p, size, err);
}

/* The path of directory dir from the top of its file system (a bind
 * mount's root in /proc/PID/mountinfo). */
char *fs_path(struct inode *dir, char *buf, int size)
{
	struct path p = { NULL, dir };
	int outside;

	return dir_path(&p, NULL, buf, size, &outside);
}

/* The path of an open file as seen from the caller's root (Linux's
 * d_path), NUL-terminated inside buf (returned), or ERR_PTR. A file that
 * is itself a mount's root (a file bind mount) is named by the place it
 * covers, whose name the file's pinned entry is. */
char *d_path(struct file *f, char *buf, int size)
{
	struct path dir = { mntget(f->f_mnt), ihold(file_inode(f)) }, root;
	struct pbuf p = { buf, size };
	struct inode *parent;
	char *name;
	int err;

	if (!S_ISDIR(dir.inode->i_mode) && !f->f_dentry) {
		path_put(&dir);
		return ERR_PTR(-ENOENT);	/* never had a name (a pipe) */
	}
	if (!(name = kmalloc(NAME_MAX + 1, GFP_KERNEL))) {
		path_put(&dir);
		return ERR_PTR(-ENOMEM);
	}
	if (S_ISDIR(dir.inode->i_mode)) {
		err = prepend(&p, "", 1);
	} else {
		int alive = dentry_name(f->f_dentry, name, &parent);
		while (dir.mnt && follow_up(&dir))
			;
		iput(dir.inode);
		dir.inode = parent;
		err = alive ? prepend(&p, "", 1) : prepend(&p, " (deleted)", 11);
		if (!err)
			err = prepend(&p, name, strlen(name));
		if (!err)
			err = prepend(&p, "/", 1);
	}
	get_fs_root_path(current->fs, &root);
	if (!err)
		err = prepend_dir(&p, &dir, &root, name);
	path_put(&root);
	path_put(&dir);
	kfree(name);
	return path_done(&p, size, err);
}

long sys_getcwd(char __user *ubuf, unsigned long size)
{
	struct path root, pwd;
	char *buf = kmalloc(PATH_MAX, GFP_KERNEL), *path;
	long len = -ENOMEM;
	int outside;

	get_fs_root_path(current->fs, &root);
	get_fs_pwd_path(current->fs, &pwd);
	if (buf) {
		path = dir_path(&pwd, &root, buf, PATH_MAX, &outside);
		len = IS_ERR(path) ? PTR_ERR(path) : (long)strlen(path) + 1;
	}
	if (len > 0 && (unsigned long)len > size)
		len = -ERANGE;
	if (len > 0 && copy_to_user(ubuf, path, len))
		len = -EFAULT;
	path_put(&pwd);
	path_put(&root);
	kfree(buf);
	return len;
}
