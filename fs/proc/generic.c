/* generic.c: the tree of fixed /proc entries and seq_buf. A tree of
 * proc_entry (directories and generated files) hangs off proc_root; each
 * entry owns an inode for ever (never removed). proc_create*() link new
 * entries, proc_lookup and proc_iterate serve the directories; in /proc
 * itself they hand the names of processes to base.c.
 * Locks: a new entry is linked with its directory's i_rwsem held for
 * writing (so the dcache's negative entry for its name is replaced, as
 * for any created name), then proc_lock (spinlock, leaf), which guards
 * the children lists; nothing is held while copying to user space. */
#include <fs.h>
#include <slab.h>
#include <string.h>
#include <printf.h>
#include "internal.h"

struct proc_entry proc_root = {
	.children = LIST_HEAD_INIT(proc_root.children),
};
static DEFINE_SPINLOCK(proc_lock);

/* ---- seq_buf ---- */

void seq_printf(struct seq_buf *m, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (seq_buf_overflowed(m))
		return;
	va_start(ap, fmt);
	n = vsnprintf(m->buf + m->len, m->size - m->len, fmt, ap);
	va_end(ap);
	m->len = (n < 0 || m->len + n >= m->size) ? m->size : m->len + n;
}

void seq_puts(struct seq_buf *m, const char *s)
{
	seq_printf(m, "%s", s);
}

/* s with every character of esc written as a backslash and three octal
 * digits (Linux's mangle: a path may hold spaces and newlines). */
void seq_escape(struct seq_buf *m, const char *s, const char *esc)
{
	for (; *s; s++)
		if (strchr(esc, *s))
			seq_printf(m, "\\%03o", (unsigned char)*s);
		else
			seq_printf(m, "%c", *s);
}

/* ---- the entry tree ---- */

/* The entry behind a proc inode (/proc itself keeps ramfs's i_private). */
static struct proc_entry *PDE(struct inode *inode)
{
	return inode == proc_root.inode ? &proc_root : inode->i_private;
}

static struct proc_entry *new_entry(const char *name, int len, umode_t mode)
{
	struct proc_entry *de = kzalloc(sizeof(*de) + len + 1, GFP_KERNEL);
	struct inode *inode = new_inode(mode);
	int dir = S_ISDIR(mode);

	if (!de || !inode) {
		kfree(de);
		kfree(inode);	/* i_count 1, nothing else attached */
		return NULL;
	}
	proc_own_inode(inode);
	memcpy(de->name, name, len);
	de->len = len;
	INIT_LIST_HEAD(&de->children);
	inode->i_private = de;
	inode->i_op = dir ? &proc_dir_iops : S_ISLNK(mode) ? &proc_link_iops : &proc_file_iops;
	inode->i_fop = dir ? &proc_dir_fops : S_ISLNK(mode) ? NULL : &proc_file_fops;
	de->inode = inode;
	return de;
}

static void free_entry(struct proc_entry *de)
{
	iput(de->inode);	/* i_nlink 0: freed */
	kfree(de);
}

/* proc_lock held. */
static struct proc_entry *find_child(struct proc_entry *dir, const char *name, int len)
{
	struct proc_entry *de;

	list_for_each_entry(de, &dir->children, list)
		if (de->len == len && !memcmp(de->name, name, len))
			return de;
	return NULL;
}

/* Link de under dir unless the name exists; returns the entry now there.
 * Like every creation of a name, it drops a cached "no such name" under
 * the directory's i_rwsem (there is no inode before proc_root_init, and
 * then nothing can have been looked up either). */
static struct proc_entry *link_entry(struct proc_entry *dir, struct proc_entry *de)
{
	struct inode *di = dir->inode;
	struct proc_entry *old;

	if (di)
		down_write(&di->i_rwsem);
	spin_lock(&proc_lock);
	old = find_child(dir, de->name, de->len);
	if (!old) {
		de->parent = dir;
		de->inode->i_nlink = S_ISDIR(de->inode->i_mode) ? 2 : 1;
		list_add_tail(&de->list, &dir->children);
	}
	spin_unlock(&proc_lock);
	if (di && !old)
		d_invalidate(di, de->name, de->len);
	if (di)
		up_write(&di->i_rwsem);
	return old ? old : de;
}

/* The subdirectory (name, len) of dir, made if missing; NULL or ERR_PTR. */
static struct proc_entry *get_dir(struct proc_entry *dir, const char *name, int len)
{
	struct proc_entry *de, *got;

	if (len == 0 || len > NAME_MAX)
		return ERR_PTR(-EINVAL);
	if (!(de = new_entry(name, len, S_IFDIR | 0555)))
		return ERR_PTR(-ENOMEM);
	got = link_entry(dir, de);
	if (got != de)
		free_entry(de);
	return S_ISDIR(got->inode->i_mode) ? got : ERR_PTR(-ENOTDIR);
}

/* Make the file NAME (its directories on demand); the one registration
 * path behind proc_create, proc_create_rw, proc_create_data and
 * proc_create_link (which passes a link's mode). */
static int create_entry(const char *name, int (*show)(struct seq_buf *m),
			int (*store)(const char *buf, size_t len), void *data, umode_t mode)
{
	struct proc_entry *dir = &proc_root, *de;
	const char *slash;
	size_t len;

	while ((slash = strchr(name, '/'))) {
		dir = get_dir(dir, name, slash - name);
		if (IS_ERR(dir))
			return PTR_ERR(dir);
		name = slash + 1;
	}
	len = strlen(name);
	if (len == 0 || len > NAME_MAX)
		return -EINVAL;
	if (!mode)
		mode = S_IFREG | (store ? 0644 : 0444);
	if (!(de = new_entry(name, len, mode)))
		return -ENOMEM;
	de->show = show;
	de->store = store;
	if (S_ISLNK(mode))
		de->get_link = data;
	else
		de->data = data;
	if (link_entry(dir, de) != de) {
		free_entry(de);
		return -EEXIST;
	}
	return 0;
}

int proc_create_rw(const char *name, int (*show)(struct seq_buf *m),
		   int (*store)(const char *buf, size_t len))
{
	return create_entry(name, show, store, NULL, 0);
}

int proc_create(const char *name, int (*show)(struct seq_buf *m))
{
	return create_entry(name, show, NULL, NULL, 0);
}

int proc_create_data(const char *name, int (*show)(struct seq_buf *m), void *data)
{
	return create_entry(name, show, NULL, data, 0);
}

/* A symlink whose target get_link writes when read ("self"). */
int proc_create_link(const char *name, int (*get_link)(char *buf, int size))
{
	return create_entry(name, NULL, NULL, get_link, S_IFLNK | 0777);
}

/* ---- directories ---- */

/* dir->i_rwsem held (read) by namei; takes proc_lock. In /proc itself a
 * name that is no fixed entry may be a process (base.c). */
static struct inode *proc_lookup(struct inode *dir, const char *name, int len)
{
	struct proc_entry *de = PDE(dir), *child;
	struct inode *r = NULL;

	if (len == 2 && name[0] == '.' && name[1] == '.')
		return ihold(de->parent ? de->parent->inode : root_inode);
	spin_lock(&proc_lock);
	child = find_child(de, name, len);
	if (child)
		r = ihold(child->inode);
	spin_unlock(&proc_lock);
	if (!r && de == &proc_root)
		r = proc_pid_lookup(name, len);
	return r;
}

/* Copy out the n-th child's name, ino and type; 0 if there is none. */
static int nth_child(struct proc_entry *dir, loff_t n, char *name, u64 *ino,
		     unsigned int *type)
{
	struct proc_entry *de;
	int len = 0;

	spin_lock(&proc_lock);
	list_for_each_entry(de, &dir->children, list) {
		if (n-- > 0)
			continue;
		memcpy(name, de->name, de->len);
		len = de->len;
		*ino = de->inode->i_ino;
		*type = (de->inode->i_mode & S_IFMT) >> 12;	/* DT_* */
		break;
	}
	spin_unlock(&proc_lock);
	return len;
}

/* Positions: 0 ".", 1 "..", 2 + i the i-th child; in /proc itself then
 * PROC_PID_POS + N for each process N. No locks held while the actor
 * copies to user space. */
static int proc_iterate(struct file *f, struct dir_context *ctx)
{
	struct inode *inode = file_inode(f);
	struct proc_entry *dir = PDE(inode);
	struct inode *up = dir->parent ? dir->parent->inode : root_inode;
	char name[NAME_MAX + 1];
	unsigned int type;
	u64 ino;
	int len;

	if (ctx->pos == 0 && !ctx->actor(ctx, ".", 1, 1, inode->i_ino, DT_DIR))
		return 0;
	if (ctx->pos == 0)
		ctx->pos = 1;
	if (ctx->pos == 1 && !ctx->actor(ctx, "..", 2, 2, up->i_ino, DT_DIR))
		return 0;
	if (ctx->pos == 1)
		ctx->pos = 2;
	while (ctx->pos < PROC_PID_POS && (len = nth_child(dir, ctx->pos - 2, name, &ino, &type))) {
		if (!ctx->actor(ctx, name, len, ctx->pos + 1, ino, type))
			return 0;
		ctx->pos++;
	}
	if (dir == &proc_root)
		return proc_pid_readdir(ctx);
	return 0;
}

static ssize_t proc_dir_read(struct file *f, struct iov_iter *to, loff_t *pos)
{
	return -EISDIR;
}

const struct inode_operations proc_dir_iops = { .lookup = proc_lookup };
const struct file_operations proc_dir_fops = {
	.read = proc_dir_read, .llseek = generic_file_llseek, .iterate = proc_iterate,
};
