/* file.c: struct file lifetime (a file opened by name holds its mount,
 * f_mnt), per-process fd tables (files_struct) and fs_struct (root and
 * cwd as held struct paths, umask). files->file_lock and fs->lock are leaf
 * spinlocks: a reference is taken before either is dropped, and fput/iput
 * (which may sleep) run only after unlocking. Callers hold no locks. */
#include <fs.h>
#include <sched.h>
#include <slab.h>
#include <string.h>
#include <printk.h>

const struct file_operations empty_fops;

struct file *alloc_file(struct inode *inode, unsigned int flags,
			const struct file_operations *fop)
{
	struct file *f = kzalloc(sizeof(*f), GFP_KERNEL);

	if (!f)
		return ERR_PTR(-ENFILE);
	f->f_inode = ihold(inode);
	f->f_op = fop;
	f->f_flags = flags;
	f->f_mode = (flags + 1) & O_ACCMODE;	/* 0->R, 1->W, 2->RW */
	if (flags & O_PATH) {	/* no operations at all, whatever the inode */
		f->f_mode = FMODE_PATH;
		f->f_op = &empty_fops;
	}
	if (S_ISREG(inode->i_mode) || S_ISDIR(inode->i_mode))
		f->f_mode |= FMODE_ATOMIC_POS;
	atomic_set(&f->f_count, 1);
	mutex_init(&f->f_pos_lock);
	spin_lock_init(&f->f_lock);
	/* Writeback errors from now on (or not yet seen by anyone) are this
	 * file's to report; ->open re-samples if it changes i_mapping. */
	f->f_wb_err = filemap_sample_wb_err(inode->i_mapping);
	if (inode->i_sb)
		f->f_sb_err = errseq_sample(&inode->i_sb->s_wb_err);
	file_ra_state_init(&f->f_ra, inode->i_mapping);	/* ->open redoes it if it moves i_mapping */
	return f;
}

struct file *get_file(struct file *f)
{
	atomic_inc(&f->f_count);
	return f;
}

void fput(struct file *f)
{
	if (!f || !atomic_dec_and_test(&f->f_count))
		return;
	if (f->f_op && f->f_op->release)
		f->f_op->release(f->f_inode, f);
	if (f->f_mode & FMODE_WRITER) {
		put_write_access(f->f_inode);
		mnt_drop_write(f->f_mnt);
		sb_drop_write(f->f_inode->i_sb);
	}
	dput(f->f_dentry);
	iput(f->f_inode);
	mntput(f->f_mnt);
	kfree(f);
}

static unsigned long *bitmap_alloc(unsigned int bits)
{
	return kzalloc(bits / 8, GFP_KERNEL);
}

static void fdt_free(struct files_struct *files)
{
	struct fdtable *fdt = &files->fdt;

	if (fdt->fd != files->fd_array) {
		kfree(fdt->fd);
		kfree(fdt->close_on_exec);
		kfree(fdt->open_fds);
	}
}

static void files_init(struct files_struct *files)
{
	memset(files, 0, sizeof(*files));
	atomic_set(&files->count, 1);
	spin_lock_init(&files->file_lock);
	files->fdt.max_fds = NR_OPEN_DEFAULT;
	files->fdt.fd = files->fd_array;
	files->fdt.close_on_exec = files->cloexec_init;
	files->fdt.open_fds = files->open_fds_init;
}

struct files_struct *files_alloc(void)
{
	struct files_struct *files = kmalloc(sizeof(*files), GFP_KERNEL);

	if (files)
		files_init(files);
	return files;
}

/* Grow the table to hold fd nr; file_lock held on entry and exit (it is
 * dropped around the allocation). Returns 1 if grown, 0 if big enough. */
static int expand_files(struct files_struct *files, unsigned int nr)
{
	struct fdtable *fdt = &files->fdt, nt;
	unsigned int size = fdt->max_fds;

	if (nr < size)
		return 0;
	if (nr >= NR_OPEN_MAX)
		return -EMFILE;
	while (size <= nr)
		size *= 2;
	spin_unlock(&files->file_lock);
	nt.max_fds = size;
	nt.fd = kzalloc(size * sizeof(struct file *), GFP_KERNEL);
	nt.close_on_exec = bitmap_alloc(size);
	nt.open_fds = bitmap_alloc(size);
	spin_lock(&files->file_lock);
	if (!nt.fd || !nt.close_on_exec || !nt.open_fds) {
		kfree(nt.fd);
		kfree(nt.close_on_exec);
		kfree(nt.open_fds);
		return -ENOMEM;
	}
	if (fdt->max_fds >= size) {	/* someone else grew it meanwhile */
		kfree(nt.fd);
		kfree(nt.close_on_exec);
		kfree(nt.open_fds);
		return 1;
	}
	memcpy(nt.fd, fdt->fd, fdt->max_fds * sizeof(struct file *));
	memcpy(nt.close_on_exec, fdt->close_on_exec, fdt->max_fds / 8);
	memcpy(nt.open_fds, fdt->open_fds, fdt->max_fds / 8);
	fdt_free(files);
	*fdt = nt;
	return 1;
}

/* Reserve the lowest free fd >= start in current's table. */
int alloc_fd_from(unsigned int start, unsigned int flags)
{
	struct files_struct *files = current->files;
	struct fdtable *fdt = &files->fdt;
	unsigned int fd;
	int err;

	spin_lock(&files->file_lock);
	for (;;) {
		fd = max(start, files->next_fd);
		while (fd < fdt->max_fds && test_bit(fd, fdt->open_fds))
			fd++;
		err = expand_files(files, fd);
		if (err < 0)
			goto out;
		if (err == 0)
			break;
	}
	set_bit(fd, fdt->open_fds);
	if (flags & O_CLOEXEC)
		set_bit(fd, fdt->close_on_exec);
	else
		clear_bit(fd, fdt->close_on_exec);
	if (start <= files->next_fd)
		files->next_fd = fd + 1;
	err = fd;
out:
	spin_unlock(&files->file_lock);
	return err;
}

int get_unused_fd_flags(unsigned int flags)
{
	return alloc_fd_from(0, flags);
}

static void __put_unused_fd(struct files_struct *files, unsigned int fd)
{
	clear_bit(fd, files->fdt.open_fds);
	clear_bit(fd, files->fdt.close_on_exec);
	if (fd < files->next_fd)
		files->next_fd = fd;
}

void put_unused_fd(int fd)
{
	struct files_struct *files = current->files;

	spin_lock(&files->file_lock);
	__put_unused_fd(files, fd);
	spin_unlock(&files->file_lock);
}

void fd_install(int fd, struct file *f)
{
	struct files_struct *files = current->files;

	spin_lock(&files->file_lock);
	BUG_ON(files->fdt.fd[fd]);
	files->fdt.fd[fd] = f;
	spin_unlock(&files->file_lock);
}

/* The file at fd, referenced, unless its f_mode has a bit of mask. */
static struct file *__fget(int fd, unsigned int mask)
{
	struct files_struct *files = current->files;
	struct file *f = NULL;

	if (!files || fd < 0)
		return NULL;
	spin_lock(&files->file_lock);
	if ((unsigned int)fd < files->fdt.max_fds && (f = files->fdt.fd[fd])) {
		if (f->f_mode & mask)
			f = NULL;
		else
			get_file(f);
	}
	spin_unlock(&files->file_lock);
	return f;
}

struct file *fget(int fd)
{
	return __fget(fd, FMODE_PATH);
}

struct file *fget_raw(int fd)
{
	return __fget(fd, 0);
}

/* Linux's __fget_light. A table that nobody shares (files->count 1:
 * no thread, no CLONE_FILES child) changes only through this task, busy
 * in this system call, so the fd cannot be closed or replaced before
 * fdput and the table's own reference keeps the file alive. Others
 * (/proc readers) may hold the table for a moment, but only read it. */
struct fd fdget(int fd)
{
	struct files_struct *files = current->files;
	struct file *f;

	if (files && atomic_read(&files->count) == 1) {
		if ((unsigned int)fd >= files->fdt.max_fds)
			return (struct fd){ NULL, 0 };
		f = READ_ONCE(files->fdt.fd[fd]);
		if (f && (f->f_mode & FMODE_PATH))
			f = NULL;
		return (struct fd){ f, 0 };
	}
	f = fget(fd);
	return (struct fd){ f, f ? FDPUT_FPUT : 0 };
}

void fdput(struct fd f)
{
	if (f.flags & FDPUT_FPUT)
		fput(f.file);
}

/* f_pos is shared with another table or call only if the file has
 * another reference (fork, dup, a thread's fget); otherwise nobody can
 * race with this call for it (Linux's __fdget_pos). */
struct fd fdget_pos(int fd)
{
	struct fd f = fdget(fd);

	if (f.file && (f.file->f_mode & FMODE_ATOMIC_POS) &&
	    atomic_read(&f.file->f_count) > 1) {
		f.flags |= FDPUT_POS_UNLOCK;
		mutex_lock(&f.file->f_pos_lock);
	}
	return f;
}

void fdput_pos(struct fd f)
{
	if (f.flags & FDPUT_POS_UNLOCK)
		mutex_unlock(&f.file->f_pos_lock);
	fdput(f);
}

static struct file *pick_file(struct files_struct *files, unsigned int fd)
{
	struct file *f = NULL;

	spin_lock(&files->file_lock);
	if (fd < files->fdt.max_fds && (f = files->fdt.fd[fd])) {
		files->fdt.fd[fd] = NULL;
		__put_unused_fd(files, fd);
	}
	spin_unlock(&files->file_lock);
	return f;
}

int filp_close(struct file *f)
{
	fput(f);
	return 0;
}

int close_fd(unsigned int fd)
{
	struct file *f = pick_file(current->files, fd);

	return f ? filp_close(f) : -EBADF;
}

/* dup3 core: install f (a new reference) at fd, closing what was there. */
int replace_fd(unsigned int fd, struct file *f, unsigned int flags)
{
	struct files_struct *files = current->files;
	struct fdtable *fdt = &files->fdt;
	struct file *old;
	int err;

	spin_lock(&files->file_lock);
	err = expand_files(files, fd);
	if (err < 0)
		goto fail;
	old = fdt->fd[fd];
	if (!old && test_bit(fd, fdt->open_fds)) {
		err = -EBUSY;	/* reserved by a concurrent open */
		goto fail;
	}
	fdt->fd[fd] = f;
	set_bit(fd, fdt->open_fds);
	if (flags & O_CLOEXEC)
		set_bit(fd, fdt->close_on_exec);
	else
		clear_bit(fd, fdt->close_on_exec);
	spin_unlock(&files->file_lock);
	if (old)
		filp_close(old);
	return fd;
fail:
	spin_unlock(&files->file_lock);
	fput(f);
	return err == -EMFILE ? -EBADF : err;
}

int get_close_on_exec(unsigned int fd)
{
	struct files_struct *files = current->files;
	int ret = -EBADF;

	spin_lock(&files->file_lock);
	if (fd < files->fdt.max_fds && files->fdt.fd[fd])
		ret = test_bit(fd, files->fdt.close_on_exec);
	spin_unlock(&files->file_lock);
	return ret;
}

int set_close_on_exec(unsigned int fd, int on)
{
	struct files_struct *files = current->files;
	int ret = -EBADF;

	spin_lock(&files->file_lock);
	if (fd < files->fdt.max_fds && files->fdt.fd[fd]) {
		if (on)
			set_bit(fd, files->fdt.close_on_exec);
		else
			clear_bit(fd, files->fdt.close_on_exec);
		ret = 0;
	}
	spin_unlock(&files->file_lock);
	return ret;
}

/* fork without CLONE_FILES: copy the table, referencing every file.
 * Reserved-but-uninstalled fds are not copied. */
struct files_struct *dup_fd(struct files_struct *old)
{
	struct files_struct *nf = files_alloc();
	unsigned int i, size;

	if (!nf)
		return NULL;
	spin_lock(&old->file_lock);
	while ((size = old->fdt.max_fds) > nf->fdt.max_fds) {
		spin_unlock(&old->file_lock);
		spin_lock(&nf->file_lock);
		i = expand_files(nf, size - 1);
		spin_unlock(&nf->file_lock);
		if ((int)i < 0) {
			put_files_struct(nf);
			return NULL;
		}
		spin_lock(&old->file_lock);
	}
	for (i = 0; i < size; i++) {
		struct file *f = old->fdt.fd[i];

		if (!f)
			continue;
		nf->fdt.fd[i] = get_file(f);
		set_bit(i, nf->fdt.open_fds);
		if (test_bit(i, old->fdt.close_on_exec))
			set_bit(i, nf->fdt.close_on_exec);
	}
	spin_unlock(&old->file_lock);
	return nf;
}

void get_files_struct(struct files_struct *files)
{
	atomic_inc(&files->count);
}

void put_files_struct(struct files_struct *files)
{
	if (!files || !atomic_dec_and_test(&files->count))
		return;
	for (unsigned int i = 0; i < files->fdt.max_fds; i++)
		if (files->fdt.fd[i])
			filp_close(files->fdt.fd[i]);
	fdt_free(files);
	kfree(files);
}

void do_close_on_exec(struct files_struct *files)
{
	for (unsigned int fd = 0;; fd++) {
		struct file *f = NULL;

		spin_lock(&files->file_lock);
		if (fd >= files->fdt.max_fds) {
			spin_unlock(&files->file_lock);
			break;
		}
		if (test_bit(fd, files->fdt.close_on_exec) && (f = files->fdt.fd[fd])) {
			files->fdt.fd[fd] = NULL;
			__put_unused_fd(files, fd);
		}
		spin_unlock(&files->file_lock);
		if (f)
			filp_close(f);
	}
}

/* ---- fs_struct ---- */

static struct fs_struct *fs_new(const struct path *root, const struct path *pwd, umode_t umask)
{
	struct fs_struct *fs = kzalloc(sizeof(*fs), GFP_KERNEL);

	if (!fs)
		return NULL;
	atomic_set(&fs->users, 1);
	spin_lock_init(&fs->lock);
	fs->root = *root;
	path_get(root);
	fs->pwd = *pwd;
	path_get(pwd);
	fs->umask = umask;
	return fs;
}

struct fs_struct *fs_alloc_root(void)
{
	struct path root;
	struct fs_struct *fs;

	init_root_path(&root);
	fs = fs_new(&root, &root, 022);
	path_put(&root);
	return fs;
}

struct fs_struct *copy_fs_struct(struct fs_struct *old)
{
	struct path root, pwd;
	struct fs_struct *fs;

	get_fs_root_path(old, &root);
	get_fs_pwd_path(old, &pwd);
	fs = fs_new(&root, &pwd, old->umask);
	path_put(&root);
	path_put(&pwd);
	return fs;
}

void get_fs_struct(struct fs_struct *fs)
{
	atomic_inc(&fs->users);
}

void put_fs_struct(struct fs_struct *fs)
{
	if (!fs || !atomic_dec_and_test(&fs->users))
		return;
	path_put(&fs->root);
	path_put(&fs->pwd);
	kfree(fs);
}

/* Replace *where (fs->root or fs->pwd) by dir. */
static void set_fs_path(struct fs_struct *fs, struct path *where, const struct path *dir)
{
	struct path old;

	path_get(dir);
	spin_lock(&fs->lock);
	old = *where;
	*where = *dir;
	spin_unlock(&fs->lock);
	path_put(&old);
}

void set_fs_pwd(struct fs_struct *fs, const struct path *dir)
{
	set_fs_path(fs, &fs->pwd, dir);
}

/* chroot: "/" and the limit of ".." become dir (the cwd stays). */
void set_fs_root(struct fs_struct *fs, const struct path *dir)
{
	set_fs_path(fs, &fs->root, dir);
}

static void get_fs_path(struct fs_struct *fs, struct path *where, struct path *p)
{
	if (!fs) {	/* a kernel thread before it has one: rootfs */
		init_root_path(p);
		return;
	}
	spin_lock(&fs->lock);
	*p = *where;
	path_get(p);
	spin_unlock(&fs->lock);
}

void get_fs_pwd_path(struct fs_struct *fs, struct path *p)
{
	get_fs_path(fs, fs ? &fs->pwd : NULL, p);
}

void get_fs_root_path(struct fs_struct *fs, struct path *p)
{
	get_fs_path(fs, fs ? &fs->root : NULL, p);
}

/* The inode alone (callers that never cross mounts with it). */
struct inode *get_fs_pwd(struct fs_struct *fs)
{
	struct path p;

	get_fs_pwd_path(fs, &p);
	mntput(p.mnt);
	return p.inode;
}

struct inode *get_fs_root(struct fs_struct *fs)
{
	struct path p;

	get_fs_root_path(fs, &p);
	mntput(p.mnt);
	return p.inode;
}

umode_t current_umask(void)
{
	return current->fs ? READ_ONCE(current->fs->umask) : 022;
}
