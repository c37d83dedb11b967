/* namespace.c: the mount tree (Linux's fs/namespace.c). Each struct
 * mount (fs/mount.h) shows the inode mnt_root in place of the inode
 * mnt_mountpoint of its parent mount; the walk (fs/namei.c) goes by
 * (mount, inode) pairs, struct path: follow_mounts steps from a path onto
 * the mount whose (parent, mount point) it is, follow_up from a mount's
 * root back to the place it covers. A bind mount is a second mount of the
 * same file system (or of a directory or a file inside it); propagation
 * between mounts (shared, slave, private, unbindable) is fs/pnode.c;
 * /proc/mounts and mountinfo are fs/proc_namespace.c; the super block
 * list, sync(2) and the root= switch are fs/super.c.
 *
 * References: mnt_count counts the tree's own reference on an attached
 * mount plus every held struct path on it (an open file's f_mnt, a cwd,
 * a root, a walk in progress). umount2 finds a mount busy if it has
 * children or any reference but the tree's and its own walk's; the last
 * mount of a super block is also busy while any inode of it is still
 * referenced (sb->s_inode_refs beyond the idle three), so nothing that
 * got an inode without a mount is cut off. The last mntput of a detached
 * mount drops its inodes and, for the last mount of a super block, the
 * super block (put_super). The count is tested and the mount detached
 * under mount_lock, which the walk also holds while it finds a child
 * mount and takes its reference, so a walk either got in before the test
 * (EBUSY) or finds the mount gone.
 *
 * Locks, in order: namespace_sem (a mutex) serialises every change of the
 * tree and of propagation, and /proc/mounts; it may be held while taking
 * i_rwsem (is_subdir, d_path), sb_lock and mount_lock. mount_lock (a
 * spinlock, a leaf) guards the links of the tree (mnt_parent,
 * mnt_mounts, i_mountpoints), s_active and the busy test; a change holds
 * both, so a holder of namespace_sem reads the tree without mount_lock.
 * Callers hold none of them. */
#include "mount.h"
#include <blkdev.h>
#include <slab.h>
#include <string.h>
#include <printk.h>
#include <sched.h>
#include <uaccess.h>

LIST_HEAD(mounts);
DEFINE_MUTEX(namespace_sem);
DEFINE_SPINLOCK(mount_lock);
static int last_mnt_id;		/* namespace_sem */
static void umount_tree(struct mount *m);

struct mount *mntget(struct mount *m)
{
	if (m)
		atomic_inc(&m->mnt_count);
	return m;
}

/* The mount is detached and unused: its inodes go, and with the last
 * mount of a super block, the super block. */
static void cleanup_mnt(struct mount *m)
{
	struct super_block *sb = m->mnt_sb;
	int last = 0;

	if (sb) {
		spin_lock(&mount_lock);
		last = !--sb->s_active;
		spin_unlock(&mount_lock);
	}
	iput(m->mnt_mountpoint);
	iput(m->mnt_root);
	kfree(m);
	if (last && sb->s_op && sb->s_op->put_super) {
		unregister_super(sb);
		shrink_dcache_sb(sb);
		sb->s_op->put_super(sb);
	}
}

void mntput(struct mount *m)
{
	if (m && atomic_dec_and_test(&m->mnt_count))
		cleanup_mnt(m);
}

void path_get(const struct path *p)
{
	ihold(p->inode);
	mntget(p->mnt);
}

void path_put(const struct path *p)
{
	iput(p->inode);
	mntput(p->mnt);
}

int mnt_readonly(struct mount *m)
{
	return m && ((m->mnt_flags & MNT_READONLY) || (m->mnt_sb && m->mnt_sb->s_readonly));
}

int mnt_flag(struct mount *m, int flag)
{
	return m && (READ_ONCE(m->mnt_flags) & flag);
}

/* A file opened for writing through m (FMODE_WRITER, until its last
 * fput), as Linux's mnt_want_write: counted before the read-only test,
 * and remount,bind,ro sets the flag before it counts, so one of the two
 * sees the other (the barriers order each side's write and read). */
int mnt_want_write(struct mount *m)
{
	if (!m)
		return 0;
	atomic_inc(&m->mnt_writers);
	smp_mb();
	if (mnt_readonly(m)) {
		atomic_dec(&m->mnt_writers);
		return -EROFS;
	}
	return 0;
}

void mnt_drop_write(struct mount *m)
{
	if (m)
		atomic_dec(&m->mnt_writers);
}

/* A new mount of root's file system, not in the tree, with the tree's
 * reference. */
static struct mount *alloc_mnt(struct inode *root, const char *dev, const char *type, int flags)
{
	struct mount *m = kzalloc(sizeof(*m) + strlen(dev) + 1, GFP_KERNEL);

	if (!m)
		return NULL;
	m->mnt_parent = m;
	m->mnt_root = ihold(root);
	m->mnt_sb = root->i_sb;
	INIT_LIST_HEAD(&m->mnt_mounts);
	INIT_LIST_HEAD(&m->mnt_child);
	INIT_LIST_HEAD(&m->mnt_list);
	INIT_LIST_HEAD(&m->mnt_share);
	INIT_LIST_HEAD(&m->mnt_slave_list);
	INIT_LIST_HEAD(&m->mnt_slave);
	atomic_set(&m->mnt_count, 1);
	m->mnt_flags = flags;
	m->mnt_id = ++last_mnt_id;
	strncpy(m->mnt_type, type, sizeof(m->mnt_type) - 1);
	strcpy(m->mnt_devname, dev);
	if (m->mnt_sb) {
		spin_lock(&mount_lock);
		m->mnt_sb->s_active++;
		spin_unlock(&mount_lock);
	}
	return m;
}

/* namespace_sem held: a second mount of old's file system showing root
 * (an inode of it), with old's flags; flag (CL_*) decides its
 * propagation (fs/pnode.c). */
struct mount *clone_mnt(struct mount *old, struct inode *root, int flag)
{
	struct mount *m = alloc_mnt(root, old->mnt_devname, old->mnt_type,
				    old->mnt_flags & (MNT_READONLY | MNT_UNBINDABLE | MNT_NOSUID |
						      MNT_NODEV | MNT_NOEXEC));
	if (m)
		mnt_propagation_clone(old, m, flag);
	return m;
}

/* mount_lock (or namespace_sem) held: the child of parent covering mp. */
struct mount *lookup_mnt(struct mount *parent, struct inode *mp)
{
	struct mount *c;

	list_for_each_entry(c, &parent->mnt_mounts, mnt_child)
		if (c->mnt_mountpoint == mp)
			return c;
	return NULL;
}

/* Both locks held: m covers mp (referenced by the caller) in parent. */
static void attach_mnt(struct mount *m, struct mount *parent, struct inode *mp)
{
	m->mnt_parent = parent;
	m->mnt_mountpoint = mp;
	list_add_tail(&m->mnt_child, &parent->mnt_mounts);
	mp->i_mountpoints++;
}

/* Both locks held: m leaves its parent (or its place to be, for a copy
 * that propagation made and never attached); the mount point's reference
 * stays in m (dropped by cleanup_mnt). */
static void detach_mnt(struct mount *m)
{
	if (!list_empty(&m->mnt_child)) {
		list_del_init(&m->mnt_child);
		m->mnt_mountpoint->i_mountpoints--;
	}
	m->mnt_parent = m;
}

/* The mount after p in a walk of root's subtree (NULL at the end). */
struct mount *next_mnt(struct mount *p, struct mount *root)
{
	struct list_head *next = p->mnt_mounts.next;

	while (next == &p->mnt_mounts || next == &p->mnt_parent->mnt_mounts) {
		if (next != &p->mnt_mounts)
			p = p->mnt_parent;
		if (p == root)
			return NULL;
		next = p->mnt_child.next;
	}
	return list_entry(next, struct mount, mnt_child);
}

/* namespace_sem held: copies of src's submounts whose mount points
 * are below root (every one for NULL), but the unbindable ones, attached
 * to dst (a copy of src) at the same places. */
static int copy_children(struct mount *src, struct mount *dst, struct inode *root, int flag)
{
	struct mount *c, *n;

	list_for_each_entry(c, &src->mnt_mounts, mnt_child) {
		if ((c->mnt_flags & MNT_UNBINDABLE) || (root && !is_subdir(c->mnt_mountpoint, root)))
			continue;
		if (!(n = clone_mnt(c, c->mnt_root, flag)))
			return -ENOMEM;
		spin_lock(&mount_lock);
		attach_mnt(n, dst, ihold(c->mnt_mountpoint));
		spin_unlock(&mount_lock);
		if (copy_children(c, n, NULL, flag))
			return -ENOMEM;
	}
	return 0;
}

/* namespace_sem held: a copy of old showing root, with copies of the
 * mounts below root (mount --rbind; Linux's copy_tree). Not in the tree. */
struct mount *copy_tree(struct mount *old, struct inode *root, int flag)
{
	struct mount *m = clone_mnt(old, root, flag);

	if (m && copy_children(old, m, root == old->mnt_root ? NULL : root, flag)) {
		umount_tree(m);
		return NULL;
	}
	return m;
}

/* Step onto whatever is mounted on p, repeatedly. i_mountpoints is a
 * hint read without the lock: a mount racing with the walk is seen or
 * not, as if it came after. */
void follow_mounts(struct path *p)
{
	while (p->mnt && READ_ONCE(p->inode->i_mountpoints)) {
		struct mount *c;

		spin_lock(&mount_lock);
		c = lookup_mnt(p->mnt, p->inode);
		if (c) {	/* before umount's busy test, or not at all */
			mntget(c);
			ihold(c->mnt_root);
		}
		spin_unlock(&mount_lock);
		if (!c)
			return;
		path_put(p);
		p->mnt = c;
		p->inode = c->mnt_root;
	}
}

/* From the root of a mount to the inode it covers in its parent; 0 (p
 * unchanged) if p is not a mount root or the mount has no parent. */
int follow_up(struct path *p)
{
	struct path up = { NULL, NULL };

	if (!p->mnt)
		return 0;	/* a file the kernel made, never a mount's */
	spin_lock(&mount_lock);
	if (p->inode == p->mnt->mnt_root && mnt_has_parent(p->mnt)) {
		up.mnt = mntget(p->mnt->mnt_parent);
		up.inode = ihold(p->mnt->mnt_mountpoint);
	}
	spin_unlock(&mount_lock);
	if (!up.mnt)
		return 0;
	path_put(p);
	*p = up;
	return 1;
}

/* The first mount (rootfs) and its root: where a task with no fs_struct
 * yet starts. */
void init_root_path(struct path *p)
{
	mutex_lock(&namespace_sem);
	p->mnt = mntget(list_first_entry(&mounts, struct mount, mnt_list));
	mutex_unlock(&namespace_sem);
	p->inode = ihold(p->mnt->mnt_root);
}

/* namespace_sem held: put tree m (its parent and mount point set, the
 * mount point referenced) into the tree, its mounts on the `mounts` list
 * in order. */
static void commit_tree(struct mount *m)
{
	struct mount *p;

	spin_lock(&mount_lock);
	attach_mnt(m, m->mnt_parent, m->mnt_mountpoint);
	spin_unlock(&mount_lock);
	for (p = m; p; p = next_mnt(p, m)) {
		p->mnt_flags &= ~MNT_NEW;
		list_add_tail(&p->mnt_list, &mounts);
	}
}

static int graft_locked(struct mount *source, const struct path *mp);

/* mount_lock taken: count a mount point that is about to be (d = 1) or
 * no longer about to be (d = -1), so rmdir answers EBUSY meanwhile. */
static void mp_pin(struct inode *ip, int d)
{
	spin_lock(&mount_lock);
	ip->i_mountpoints += d;
	spin_unlock(&mount_lock);
}

/* namespace_sem held: attach the new tree `source` on mp (a held path),
 * and a copy on every mount that receives mp's mounts (fs/pnode.c), as
 * Linux's graft_tree/attach_recursive_mnt. */
static int graft_tree(struct mount *source, const struct path *mp)
{
	struct inode *ip = mp->inode;
	int err, dead;

	if (S_ISDIR(mp->inode->i_mode) != S_ISDIR(source->mnt_root->i_mode))
		return -ENOTDIR;
	/* A removed directory (reached by a cwd or an fd) takes no mount, as
	 * Linux's cant_mount: nothing could name or unmount it. The test is
	 * made under the mount point's i_rwsem, which rmdir holds for its
	 * i_mountpoints test, and pins the inode as a mount point (rmdir:
	 * EBUSY) until the mount is attached: one of the two loses. The lock
	 * is not held while grafting: propagation walks up from mp (is_subdir
	 * takes its i_rwsem). */
	down_write(&ip->i_rwsem);
	dead = !ip->i_nlink;
	if (!dead)
		mp_pin(ip, 1);
	up_write(&ip->i_rwsem);
	if (dead)
		return -ENOENT;
	err = graft_locked(source, mp);
	mp_pin(ip, -1);
	return err;
}

static int graft_locked(struct mount *source, const struct path *mp)
{
	LIST_HEAD(copies);
	struct mount *c, *n, *p;
	int err;

	for (p = source; p; p = next_mnt(p, source))
		p->mnt_flags |= MNT_NEW;
	if (mp->mnt->mnt_flags & MNT_SHARED)	/* a mount under a shared one is shared */
		for (p = source; p; p = next_mnt(p, source))
			mnt_set_shared(p);
	err = propagate_mnt(mp->mnt, mp->inode, source, &copies);
	if (!err) {
		source->mnt_parent = mp->mnt;
		source->mnt_mountpoint = ihold(mp->inode);
		commit_tree(source);
	}
	list_for_each_entry_safe(c, n, &copies, mnt_list) {
		list_del_init(&c->mnt_list);
		if (err)
			umount_tree(c);
		else
			commit_tree(c);
	}
	return err;
}

/* Mount root on mp (or, with no mp, as a mount of its own: rootfs).
 * Takes over the caller's reference on root; on failure a super block
 * that was never mounted is put. */
int vfs_add_mount(const struct path *mp, struct inode *root, const char *dev,
		  const char *type, int flags, struct path *res)
{
	struct mount *m = alloc_mnt(root, dev, type, flags);
	struct super_block *sb = root->i_sb;
	int err = 0;

	iput(root);
	if (!m) {
		if (sb && !sb->s_active && sb->s_op && sb->s_op->put_super) {
			unregister_super(sb);
			sb->s_op->put_super(sb);
		}
		return -ENOMEM;
	}
	mutex_lock(&namespace_sem);
	if (mp)
		err = graft_tree(m, mp);
	else
		list_add_tail(&m->mnt_list, &mounts);
	if (err)
		umount_tree(m);	/* the last mount of a new super block puts it */
	else if (res) {
		res->mnt = mntget(m);
		res->inode = ihold(root);
	}
	mutex_unlock(&namespace_sem);
	return err;
}

/* mount --move: the mount whose root `from` is now covers `to` (it
 * goes to the end of /proc/mounts, as a new mount would). As Linux:
 * EINVAL for what is not a mount root, a mount under a shared one, or a directory onto a file; ELOOP onto itself or below. */
int vfs_move_mount(const struct path *from, const struct path *to)
{
	struct mount *m = from->mnt, *p, *old_parent;
	struct inode *old_mp;
	int err = -EINVAL;

	mutex_lock(&namespace_sem);
	if (from->inode != m->mnt_root || !mnt_has_parent(m) ||
	    (m->mnt_parent->mnt_flags & MNT_SHARED))
		goto out;
	if (S_ISDIR(to->inode->i_mode) != S_ISDIR(m->mnt_root->i_mode))
		goto out;
	err = -ELOOP;
	for (p = to->mnt; ; p = p->mnt_parent) {
		if (p == m)
			goto out;
		if (!mnt_has_parent(p))
			break;
	}
	old_parent = m->mnt_parent;
	old_mp = m->mnt_mountpoint;
	spin_lock(&mount_lock);
	detach_mnt(m);
	spin_unlock(&mount_lock);
	for (p = m; p; p = next_mnt(p, m))
		list_del_init(&p->mnt_list);
	m->mnt_mountpoint = NULL;
	err = graft_tree(m, to);
	if (err) {	/* no memory for propagation, or to is removed: back */
		m->mnt_parent = old_parent;
		m->mnt_mountpoint = old_mp;
		commit_tree(m);
	} else {
		iput(old_mp);
	}
out:
	mutex_unlock(&namespace_sem);
	return err;
}

/* namespace_sem held: take m out of the tree (its children too when
 * lazy: each becomes a tree of its own), and drop the tree's references.
 * The last mntput (maybe the caller's) frees it. */
void umount_tree_one(struct mount *m)
{
	spin_lock(&mount_lock);
	detach_mnt(m);
	m->mnt_flags |= MNT_UMOUNT;
	spin_unlock(&mount_lock);
	list_del_init(&m->mnt_list);
	change_mnt_propagation(m, CL_PRIVATE);
	mntput(m);
}

static void umount_tree(struct mount *m)
{
	while (!list_empty(&m->mnt_mounts)) {
		struct mount *c = list_first_entry(&m->mnt_mounts, struct mount, mnt_child);
		umount_tree(c);
	}
	umount_tree_one(m);
}

/* References to an idle mounted file system's root inode while umount2
 * runs on its last mount: sb->s_root, the mount's mnt_root, the walk. */
#define UMOUNT_IDLE_REFS 3

/* namespace_sem held: detach m unless busy (see the top of the file). */
static int do_umount(struct mount *m, int lazy)
{
	struct super_block *sb = m->mnt_sb;
	int last, busy;

	if (lazy) {
		propagate_umount(m);
		umount_tree(m);
		return 0;
	}
	last = sb && sb->s_active == 1 && sb->s_op && sb->s_op->put_super;
	if (last) {
		unregister_super(sb);	/* sync(2) no longer takes references */
		shrink_dcache_sb(sb);	/* nor does the name cache */
	}
	spin_lock(&mount_lock);
	busy = !list_empty(&m->mnt_mounts) || atomic_read(&m->mnt_count) != 2 ||
	       (last && atomic_read(&sb->s_inode_refs) != UMOUNT_IDLE_REFS);
	spin_unlock(&mount_lock);
	if (!busy)
		busy = propagate_umount_busy(m);
	if (busy) {
		if (last)
			register_super(sb);
		return -EBUSY;
	}
	propagate_umount(m);
	umount_tree_one(m);
	return 0;
}

#define MNT_FORCE 1
#define MNT_DETACH 2
#define MNT_EXPIRE 4
#define UMOUNT_NOFOLLOW 8

/* umount2(target, flags): detach the mount at target (and the copies
 * propagation made of it); the file system goes with its last mount.
 * EINVAL: not a mount root, a kernel mount, MNT_EXPIRE (not kept here);
 * EBUSY: our own root, or in use (see do_umount); MNT_DETACH detaches it
 * and its submounts at once and frees them as their users go. MNT_FORCE
 * changes nothing (Linux only tells network file systems to abort). */
long sys_umount2(const char __user *utarget, int flags)
{
	struct path path, root;
	struct mount *m;
	long err;

	if (flags & ~(MNT_FORCE | MNT_DETACH | MNT_EXPIRE | UMOUNT_NOFOLLOW))
		return -EINVAL;
	if ((flags & MNT_EXPIRE) && (flags & (MNT_FORCE | MNT_DETACH)))
		return -EINVAL;
	err = user_path_mnt(AT_FDCWD, utarget, (flags & UMOUNT_NOFOLLOW) ? LOOKUP_NOFOLLOW : 0, &path);
	if (err)
		return err;
	m = path.mnt;
	get_fs_root_path(current->fs, &root);
	mutex_lock(&namespace_sem);
	if (path.inode != m->mnt_root || (m->mnt_flags & MNT_UMOUNT))
		err = -EINVAL;		/* not a mount point */
	else if (path_equal(&path, &root) && !(flags & MNT_DETACH))
		err = -EBUSY;		/* our own root */
	else if ((m->mnt_flags & MNT_LOCKED) || !mnt_has_parent(m))
		err = -EINVAL;		/* made by the kernel (Linux: MNT_LOCKED) */
	else if (flags & MNT_EXPIRE)
		err = -EINVAL;		/* no expiry marks kept */
	else
		err = do_umount(m, flags & MNT_DETACH);
	mutex_unlock(&namespace_sem);
	path_put(&root);
	path_put(&path);	/* the last reference of an umounted mount */
	return err;
}

/* ---- mount(2), split as Linux's path_mount ---- */
#define MS_NOSUID 2
#define MS_NODEV 4
#define MS_NOEXEC 8
#define MS_REMOUNT 32
#define MS_BIND 4096
#define MS_MOVE 8192
#define MS_REC 16384
#define MS_UNBINDABLE (1 << 17)
#define MS_PRIVATE (1 << 18)
#define MS_SLAVE (1 << 19)
#define MS_SHARED (1 << 20)
#define MS_PROPAGATION (MS_UNBINDABLE | MS_PRIVATE | MS_SLAVE | MS_SHARED)
#define MS_MGC_MSK 0xffff0000
#define MS_MGC_VAL 0xc0ed0000
#define MNT_USER_FLAGS (MNT_NOSUID | MNT_NODEV | MNT_NOEXEC)

/* The per-mount flags mount(2) sets, but MNT_READONLY (its callers do
 * that one); the atime flags change nothing (no atime is kept). */
static int mnt_user_flags(unsigned long flags)
{
	return ((flags & MS_NOSUID) ? MNT_NOSUID : 0) | ((flags & MS_NODEV) ? MNT_NODEV : 0) |
	       ((flags & MS_NOEXEC) ? MNT_NOEXEC : 0);
}

/* mount --bind old target (--rbind with rec): a new mount of old's file
 * system showing old's inode, with copies of the mounts below it for
 * rec; EINVAL for an unbindable mount, ENOTDIR for a directory onto a
 * file or the reverse. */
static int do_loopback(const struct path *target, const char *oldname, int rec)
{
	struct path old;
	struct mount *m;
	int err = kern_path_mnt(AT_FDCWD, oldname, 0, &old, NULL);

	if (err)
		return err;
	mutex_lock(&namespace_sem);
	err = -EINVAL;
	if ((old.mnt->mnt_flags & (MNT_UNBINDABLE | MNT_UMOUNT)) ||
	    (target->mnt->mnt_flags & MNT_UMOUNT))
		goto out;
	err = -ENOMEM;
	m = rec ? copy_tree(old.mnt, old.inode, 0) : clone_mnt(old.mnt, old.inode, 0);
	if (!m)
		goto out;
	err = graft_tree(m, target);
	if (err)
		umount_tree(m);
out:
	mutex_unlock(&namespace_sem);
	path_put(&old);
	return err;
}

/* mount --make-{shared,private,slave,unbindable} (r: with MS_REC, the
 * submounts too): exactly one type, on a mount root. */
static int do_change_type(const struct path *path, unsigned long flags)
{
	unsigned long type = flags & ~(MS_REC | MS_SILENT);
	struct mount *m = path->mnt, *p;
	int err = 0;

	if (path->inode != m->mnt_root || !type || (type & (type - 1)) || (type & ~MS_PROPAGATION))
		return -EINVAL;
	mutex_lock(&namespace_sem);
	for (p = m; p && !err; p = (flags & MS_REC) ? next_mnt(p, m) : NULL)
		err = change_mnt_propagation(p, type == MS_SHARED ? CL_MAKE_SHARED :
						type == MS_SLAVE ? CL_SLAVE : CL_PRIVATE);
	if (type == MS_UNBINDABLE)
		for (p = m; p; p = (flags & MS_REC) ? next_mnt(p, m) : NULL)
			p->mnt_flags |= MNT_UNBINDABLE;
	mutex_unlock(&namespace_sem);
	return err;
}

/* mount -o remount,bind,ro|rw: only this mount's flags (read-only,
 * nosuid, nodev, noexec: each as flags says, as Linux's
 * set_mount_attributes); EBUSY, and nothing changed, while a file is
 * open for writing through it and it goes read-only (Linux's
 * mnt_make_readonly; see mnt_want_write). */
static int do_reconfigure_mnt(const struct path *path, unsigned long flags)
{
	struct mount *m = path->mnt;
	int err = 0;

	if (path->inode != m->mnt_root)
		return -EINVAL;
	mutex_lock(&namespace_sem);
	if ((flags & MS_RDONLY) && !(m->mnt_flags & MNT_READONLY)) {
		WRITE_ONCE(m->mnt_flags, m->mnt_flags | MNT_READONLY);
		smp_mb();
		if (atomic_read(&m->mnt_writers)) {
			WRITE_ONCE(m->mnt_flags, m->mnt_flags & ~MNT_READONLY);
			err = -EBUSY;
		}
	} else if (!(flags & MS_RDONLY)) {
		m->mnt_flags &= ~MNT_READONLY;
	}
	if (!err)
		WRITE_ONCE(m->mnt_flags, (m->mnt_flags & ~MNT_USER_FLAGS) | mnt_user_flags(flags));
	mutex_unlock(&namespace_sem);
	return err;
}

/* mount --move old target */
static int do_move_mount(const struct path *target, const char *oldname)
{
	struct path old;
	int err = kern_path_mnt(AT_FDCWD, oldname, 0, &old, NULL);

	if (err)
		return err;
	err = (old.mnt->mnt_flags & MNT_LOCKED) ? -EINVAL : vfs_move_mount(&old, target);
	path_put(&old);
	return err;
}

/* mount -o remount[,ro|rw]: the super block's read-only state and
 * options (fs/super.c: reconfigure_super), then, as Linux's do_remount,
 * this mount's MNT_READONLY, nosuid, nodev and noexec from flags. Not a
 * mount root: EINVAL. The RAM root (no super block) only takes staying
 * read-write. */
static int do_remount(const struct path *path, unsigned long flags, char *data)
{
	struct mount *m = path->mnt;
	int err;

	if (path->inode != m->mnt_root)
		return -EINVAL;
	mutex_lock(&namespace_sem);
	if (!m->mnt_sb)
		err = (flags & MS_RDONLY) ? -EINVAL : 0;
	else
		err = reconfigure_super(m->mnt_sb, flags, data);
	if (!err)
		WRITE_ONCE(m->mnt_flags, (m->mnt_flags & ~(MNT_READONLY | MNT_USER_FLAGS)) |
			   mnt_user_flags(flags) | ((flags & MS_RDONLY) ? MNT_READONLY : 0));
	mutex_unlock(&namespace_sem);
	return err;
}

/* mount(source, target, type, flags, data): an instance of the file
 * system type `type` (fs/filesystems.c; unknown: ENODEV) covers target:
 * a new one, or for proc the one there is. The type's mount hook reads
 * source (a block device for FS_REQUIRES_DEV types) and the options in
 * data; MS_RDONLY, MS_NOSUID, MS_NODEV and MS_NOEXEC are the new
 * mount's flags. */
static int do_new_mount(const struct path *target, const char __user *utype,
			const char *src, unsigned long flags, char *data)
{
	struct file_system_type *t;
	struct inode *root;
	char type[16];
	long n;

	if (!utype)
		return -EINVAL;
	n = strncpy_from_user(type, utype, sizeof(type));
	if (n < 0)
		return n == -ENAMETOOLONG ? -ENODEV : n;
	t = get_fs_type(type);
	if (!t || !t->mount)
		return -ENODEV;
	if ((t->fs_flags & FS_REQUIRES_DEV) && (!src || !*src))
		return -EINVAL;		/* as Linux's lookup_bdev */
	root = t->mount(t, flags, src, data);
	if (IS_ERR(root))
		return PTR_ERR(root);
	register_super(root->i_sb);	/* the last mount's end unregisters it */
	return vfs_add_mount(target, root, src ? src : "none", t->name,
			     ((flags & MS_RDONLY) ? MNT_READONLY : 0) | mnt_user_flags(flags), NULL);
}

/* The option string: up to a page, as Linux's copy_mount_options. */
static char *copy_mount_options(const void __user *data)
{
	char *buf;
	long n;

	if (!data)
		return NULL;
	buf = kzalloc(PAGE_SIZE, GFP_KERNEL);
	if (!buf)
		return ERR_PTR(-ENOMEM);
	n = strncpy_from_user(buf, data, PAGE_SIZE);
	if (n < 0 && n != -ENAMETOOLONG) {
		kfree(buf);
		return ERR_PTR(n);
	}
	buf[PAGE_SIZE - 1] = 0;
	return buf;
}

long sys_mount(const char __user *usource, const char __user *utarget,
	       const char __user *utype, unsigned long flags, const void __user *data)
{
	struct path target;
	char *src = NULL, *opts;
	long err;

	if ((flags & MS_MGC_MSK) == MS_MGC_VAL)
		flags &= ~MS_MGC_MSK;
	err = user_path_mnt(AT_FDCWD, utarget, 0, &target);
	if (err)
		return err;
	/* a source is read only for what uses one, and may be NULL */
	if (usource && !(flags & MS_REMOUNT) &&
	    ((flags & (MS_BIND | MS_MOVE)) || !(flags & MS_PROPAGATION))) {
		src = getname(usource);
		if (IS_ERR(src)) {
			path_put(&target);
			return PTR_ERR(src);
		}
	}
	opts = (flags & (MS_BIND | MS_MOVE | MS_PROPAGATION)) ? NULL : copy_mount_options(data);
	if (IS_ERR(opts)) {
		putname(src);
		path_put(&target);
		return PTR_ERR(opts);
	}
	if ((flags & (MS_REMOUNT | MS_BIND)) == (MS_REMOUNT | MS_BIND))
		err = do_reconfigure_mnt(&target, flags);
	else if (flags & MS_REMOUNT)
		err = do_remount(&target, flags, opts);
	else if ((!src || !*src) && (flags & (MS_BIND | MS_MOVE)))
		err = -EINVAL;		/* as Linux: no source to bind or move */
	else if (flags & MS_BIND)
		err = do_loopback(&target, src, flags & MS_REC);
	else if (flags & MS_PROPAGATION)
		err = do_change_type(&target, flags);
	else if (flags & MS_MOVE)
		err = do_move_mount(&target, src);
	else
		err = do_new_mount(&target, utype, src, flags, opts);
	kfree(opts);
	putname(src);
	path_put(&target);
	return err;
}
