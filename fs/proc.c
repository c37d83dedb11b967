/* proc.c: a small /proc. A tree of proc_entry (directories and generated
 * files) hangs off proc_root; each entry owns an inode for ever (never
 * removed). proc_root_init makes the root inode and mounts it on the RAM
 * root's /proc directory ("proc /proc proc" in /proc/mounts). Opening a
 * file runs its show() into a kmalloc'd seq_buf kept in private_data, so
 * reads, pread and lseek see one snapshot; release frees it. "self" files
 * describe the task that opens them.
 * Locks: a new entry is linked with its directory's i_rwsem held for
 * writing (so the dcache's negative entry for its name is replaced, as
 * for any created name), then proc_lock (spinlock, leaf), which guards
 * the children lists; nothing is held while show()/store() run or while
 * copying to user space. maps_show takes current->mm->mmap_lock (read)
 * only to copy the VMAs, and names their files after dropping it;
 * status takes tasklist_lock. */
#include <fs.h>
#include <pagemap.h>
#include <mm.h>
#include <sched.h>
#include <signal.h>
#include <slab.h>
#include <string.h>
#include <printf.h>
#include <printk.h>
#include <proc.h>

#define PROC_MAX_SNAPSHOT (1UL << 20)	/* bytes, header included */

struct proc_entry {
	struct list_head list;		/* in parent->children */
	struct list_head children;	/* directories only */
	struct proc_entry *parent;	/* NULL for proc_root */
	struct inode *inode;		/* referenced for ever */
	int (*show)(struct seq_buf *m);
	int (*store)(const char *buf, size_t len);
	int len;
	char name[];
};

static struct proc_entry proc_root = {
	.children = LIST_HEAD_INIT(proc_root.children),
};
static DEFINE_SPINLOCK(proc_lock);

static const struct inode_operations proc_dir_iops, proc_file_iops;
static const struct file_operations proc_dir_fops, proc_file_fops;

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
	memcpy(de->name, name, len);
	de->len = len;
	INIT_LIST_HEAD(&de->children);
	inode->i_private = de;
	inode->i_op = dir ? &proc_dir_iops : &proc_file_iops;
	inode->i_fop = dir ? &proc_dir_fops : &proc_file_fops;
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

int proc_create_rw(const char *name, int (*show)(struct seq_buf *m),
		   int (*store)(const char *buf, size_t len))
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
	if (!(de = new_entry(name, len, S_IFREG | (store ? 0644 : 0444))))
		return -ENOMEM;
	de->show = show;
	de->store = store;
	if (link_entry(dir, de) != de) {
		free_entry(de);
		return -EEXIST;
	}
	return 0;
}

int proc_create(const char *name, int (*show)(struct seq_buf *m))
{
	return proc_create_rw(name, show, NULL);
}

/* ---- directories ---- */

/* dir->i_rwsem held (read) by namei; takes proc_lock. */
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

/* Positions: 0 ".", 1 "..", 2 + i the i-th child. No locks held while
 * the actor copies to user space. */
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
	while ((len = nth_child(dir, ctx->pos - 2, name, &ino, &type))) {
		if (!ctx->actor(ctx, name, len, ctx->pos + 1, ino, type))
			break;
		ctx->pos++;
	}
	return 0;
}

static ssize_t proc_dir_read(struct file *f, struct iov_iter *to, loff_t *pos)
{
	return -EISDIR;
}

/* ---- generated files ---- */

/* Run de->show into a buffer big enough (doubling up to 1 MiB, then the
 * output is truncated). Returns the seq_buf (one allocation) or ERR_PTR. */
static struct seq_buf *proc_snapshot(struct proc_entry *de)
{
	for (size_t total = PAGE_SIZE; ; total *= 2) {
		struct seq_buf *m = kmalloc(total, GFP_KERNEL);
		int err;

		if (!m)
			return ERR_PTR(-ENOMEM);
		m->buf = (char *)(m + 1);
		m->size = total - sizeof(*m);
		m->len = 0;
		err = de->show ? de->show(m) : 0;
		if (err) {
			kfree(m);
			return ERR_PTR(err);
		}
		if (!seq_buf_overflowed(m))
			return m;
		if (total * 2 > PROC_MAX_SNAPSHOT) {
			m->len = m->size - 1;	/* vsnprintf kept a NUL */
			return m;
		}
		kfree(m);
	}
}

static int proc_file_open(struct inode *inode, struct file *f)
{
	struct proc_entry *de = inode->i_private;
	struct seq_buf *m;

	if ((f->f_mode & FMODE_WRITE) && !de->store)
		return -EACCES;
	if (!(f->f_mode & FMODE_READ))
		return 0;	/* write-only: no snapshot */
	m = proc_snapshot(de);
	if (IS_ERR(m))
		return PTR_ERR(m);
	f->private_data = m;
	return 0;
}

static int proc_file_release(struct inode *inode, struct file *f)
{
	kfree(f->private_data);
	return 0;
}

/* f_pos_lock held by the caller (regular file): *pos is ours. */
static ssize_t proc_file_read(struct file *f, struct iov_iter *to, loff_t *pos)
{
	struct seq_buf *m = f->private_data;
	size_t n, c;

	if (!m || *pos >= (loff_t)m->len)
		return 0;
	n = min(m->len - (size_t)*pos, iov_iter_count(to));
	c = copy_to_iter(m->buf + *pos, n, to);
	*pos += c;
	return c ? (ssize_t)c : -EFAULT;
}

/* One write = one store() call with the bytes as a kernel string. */
static ssize_t proc_file_write(struct file *f, struct iov_iter *from, loff_t *pos)
{
	struct proc_entry *de = file_inode(f)->i_private;
	size_t n = iov_iter_count(from);
	char *kbuf;
	int err;

	if (!de->store)
		return -EACCES;
	if (n >= PAGE_SIZE)
		return -EINVAL;
	if (!(kbuf = kmalloc(n + 1, GFP_KERNEL)))
		return -ENOMEM;
	err = copy_from_iter(kbuf, n, from) == n ? 0 : -EFAULT;
	kbuf[n] = 0;
	if (!err)
		err = de->store(kbuf, n);
	kfree(kbuf);
	if (err)
		return err;
	*pos += n;
	return n;
}

/* sys_lseek holds f_pos_lock. SEEK_END is relative to the snapshot. */
static loff_t proc_file_llseek(struct file *f, loff_t off, int whence)
{
	struct seq_buf *m = f->private_data;
	loff_t base;

	switch (whence) {
	case SEEK_SET: base = 0; break;
	case SEEK_CUR: base = f->f_pos; break;
	case SEEK_END: base = m ? (loff_t)m->len : 0; break;
	default: return -EINVAL;
	}
	if (off < -base || off > (loff_t)(~0UL >> 1) - base)
		return -EINVAL;
	f->f_pos = base + off;
	return f->f_pos;
}

/* O_TRUNC: fine on tunables, refused on read-only files. */
static int proc_setsize(struct inode *inode, loff_t size)
{
	return ((struct proc_entry *)inode->i_private)->store ? 0 : -EACCES;
}

static const struct inode_operations proc_dir_iops = { .lookup = proc_lookup };
static const struct inode_operations proc_file_iops = { .setsize = proc_setsize };
static const struct file_operations proc_dir_fops = {
	.read = proc_dir_read, .llseek = generic_file_llseek, .iterate = proc_iterate,
};
static const struct file_operations proc_file_fops = {
	.open = proc_file_open, .release = proc_file_release, .read = proc_file_read,
	.write = proc_file_write, .llseek = proc_file_llseek,
};

/* ---- the built-in files ---- */

static void show_kb(struct seq_buf *m, const char *name, unsigned long pages)
{
	seq_printf(m, "%-16s%8lu kB\n", name, pages << (PAGE_SHIFT - 10));
}

static int meminfo_show(struct seq_buf *m)
{
	unsigned long total = totalram_pages(), free = nr_free_pages();

	show_kb(m, "MemTotal:", total);
	show_kb(m, "MemFree:", free);
	unsigned long cached = global_node_page_state(NR_FILE_PAGES);
	show_kb(m, "MemAvailable:", free + cached);
	show_kb(m, "Buffers:", 0);
	show_kb(m, "Cached:", cached);
	show_kb(m, "Dirty:", global_node_page_state(NR_FILE_DIRTY));
	show_kb(m, "Writeback:", global_node_page_state(NR_WRITEBACK));
	return 0;
}

static const char *vma_name(struct mm_struct *mm, struct vm_area_struct *vma)
{
	if (vma->vm_start == SIGPAGE_ADDR)
		return "[sigpage]";
	if (vma->vm_file)
		return NULL;	/* named by d_path */
	if (vma->vm_start <= mm->brk && vma->vm_end > mm->start_brk)
		return "[heap]";
	if (vma->vm_start <= mm->start_stack && vma->vm_end >= mm->start_stack)
		return "[stack]";
	return NULL;
}

/* What a maps line needs of a VMA, copied under mmap_lock: naming a file
 * takes directory locks (d_path), which must not nest inside mmap_lock
 * (a page fault in getdents' copy-out takes them the other way round). */
struct vma_snap {
	unsigned long start, end, flags, off, ino;
	struct file *file;	/* referenced, or NULL */
	const char *name;
};

/* One Linux-format line; names start at column 74 like Linux's seq_pad. */
static void show_vma(struct seq_buf *m, struct vma_snap *v, char *buf)
{
	const char *name = v->name;
	size_t start = m->len;
	int pad;

	if (v->file) {
		char *p = d_path(v->file, buf, PATH_MAX);
		name = IS_ERR(p) ? NULL : p;	/* no name known: none shown */
	}
	seq_printf(m, "%08lx-%08lx %c%c%c%c %08lx 00:00 %lu", v->start, v->end,
		   v->flags & VM_READ ? 'r' : '-', v->flags & VM_WRITE ? 'w' : '-',
		   v->flags & VM_EXEC ? 'x' : '-', v->flags & VM_SHARED ? 's' : 'p', v->off, v->ino);
	pad = 72 - (int)(m->len - start);
	if (name) {
		seq_printf(m, "%*s ", pad > 0 ? pad : 0, "");
		seq_escape(m, name, "\n");
	}
	seq_puts(m, "\n");
}

/* Copy mm's VMAs into a new array (files referenced); NULL on no memory. */
static struct vma_snap *snap_vmas(struct mm_struct *mm, int *np)
{
	struct vm_area_struct *vma;
	struct vma_snap *v;
	int n, cap;

	for (;;) {
		cap = 0;
		down_read(&mm->mmap_lock);
		list_for_each_entry(vma, &mm->mmap_list, vm_list)
			cap++;
		up_read(&mm->mmap_lock);
		if (!(v = kmalloc((cap + 1) * sizeof(*v), GFP_KERNEL)))
			return NULL;
		n = 0;
		int grew = 0;
		down_read(&mm->mmap_lock);
		list_for_each_entry(vma, &mm->mmap_list, vm_list) {
			if (n == cap) {
				grew = 1;
				break;
			}
			v[n] = (struct vma_snap){ vma->vm_start, vma->vm_end, vma->vm_flags, 0, 0,
						  NULL, vma_name(mm, vma) };
			if (vma->vm_file) {
				v[n].file = get_file(vma->vm_file);
				v[n].off = vma->vm_pgoff << PAGE_SHIFT;
				v[n].ino = file_inode(vma->vm_file)->i_ino;
			}
			n++;
		}
		up_read(&mm->mmap_lock);
		if (!grew) {
			*np = n;
			return v;
		}
		while (n--)	/* it grew meanwhile: again */
			fput(v[n].file);
		kfree(v);
	}
}

static int maps_show(struct seq_buf *m)
{
	struct mm_struct *mm = current->mm;
	struct vma_snap *v;
	char *buf;
	int n;

	if (!mm)
		return 0;
	buf = kmalloc(PATH_MAX, GFP_KERNEL);
	v = buf ? snap_vmas(mm, &n) : NULL;
	if (!v) {
		kfree(buf);
		return -ENOMEM;
	}
	for (int i = 0; i < n; i++) {
		show_vma(m, &v[i], buf);
		fput(v[i].file);
	}
	kfree(v);
	kfree(buf);
	return 0;
}

static int status_show(struct seq_buf *m)
{
	struct task_struct *t = current;
	pid_t ppid;

	spin_lock(&tasklist_lock);
	ppid = t->group_leader->real_parent && t->group_leader->real_parent != t->group_leader
	       ? t->group_leader->real_parent->tgid : 0;
	spin_unlock(&tasklist_lock);
	seq_printf(m, "Name:\t%s\nTgid:\t%d\nPid:\t%d\nPPid:\t%d\n",
		   t->comm, t->tgid, t->tgid, ppid);
	if (t->mm)
		seq_printf(m, "VmRSS:\t%8lu kB\n",
			   READ_ONCE(t->mm->rss) << (PAGE_SHIFT - 10));
	seq_printf(m, "Threads:\t%d\n", t->signal ? READ_ONCE(t->signal->nr_threads) : 1);
	return 0;
}

/* Empty until the block layer (block/genhd.c) provides the real one. */
__attribute__((weak)) int diskstats_show(struct seq_buf *m)
{
	return 0;
}

static const struct { const char *name; int (*show)(struct seq_buf *m); } builtins[] = {
	{ "meminfo", meminfo_show },
	{ "vmstat", vmstat_show },
	{ "diskstats", diskstats_show },
	{ "mounts", mounts_show },
	{ "self/maps", maps_show },
	{ "self/mounts", mounts_show },
	{ "self/status", status_show },
};

/* mkdir /proc in the RAM root and mount a new proc root inode on it. */
void proc_root_init(void)
{
	struct inode *mp, *root;
	int err;

	if ((err = do_mkdirat(AT_FDCWD, "/proc", 0555))) {
		pr_err("proc: mkdir /proc: %d\n", err);
		return;
	}
	mp = kern_path(AT_FDCWD, "/proc", LOOKUP_DIRECTORY);
	if (IS_ERR(mp)) {
		pr_err("proc: lookup /proc: %ld\n", PTR_ERR(mp));
		return;
	}
	root = new_inode(S_IFDIR | 0555);
	if (!root) {
		iput(mp);
		pr_err("proc: no memory\n");
		return;
	}
	root->i_nlink = 2;
	root->i_op = &proc_dir_iops;
	root->i_fop = &proc_dir_fops;
	root->i_private = &proc_root;
	proc_root.inode = root;	/* keeps new_inode's reference for ever */
	if ((err = vfs_add_mount(mp, root, "proc", "proc", MNT_LOCKED)))
		pr_err("proc: mount: %d\n", err);
	iput(mp);
	for (unsigned int i = 0; i < ARRAY_SIZE(builtins); i++)
		if ((err = proc_create(builtins[i].name, builtins[i].show)))
			pr_err("proc: %s: %d\n", builtins[i].name, err);
}
