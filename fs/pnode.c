/* pnode.c: mount propagation (Linux's fs/pnode.c, simplified). A shared
 * mount belongs to a peer group (mnt_share ring, mnt_group_id): a mount
 * or umount below any member happens below every member where the mount
 * point is visible (inside its mnt_root). A slave receives from a group
 * (mnt_master, one member of it; listed in that member's mnt_slave_list)
 * but sends nothing back, unless it is shared too. A private mount does
 * neither, an unbindable one is private and cannot be bound.
 *
 * Copies made at peers join the new mount's own group (a mount under a
 * shared mount is shared: graft_tree), copies made at slaves become its
 * slaves. Where a receiver already has a mount on the mount point, it
 * gets no copy (Linux would tuck the copy under the existing mount).
 *
 * Locks: callers hold namespace_sem, which guards every field here;
 * is_subdir takes i_rwsem of directories. */
#include "mount.h"
#include <slab.h>

static int last_group_id;

void mnt_set_shared(struct mount *m)
{
	if (!m->mnt_group_id)
		m->mnt_group_id = ++last_group_id;
	m->mnt_flags |= MNT_SHARED;
}

static void set_master(struct mount *m, struct mount *master)
{
	list_del_init(&m->mnt_slave);
	m->mnt_master = master;
	if (master)
		list_add(&m->mnt_slave, &master->mnt_slave_list);
}

/* The propagation of a new copy m of old (clone_mnt), by flag: CL_SLAVE
 * receives from old's group; CL_PRIVATE nothing; otherwise m is what old
 * is (a bind of a shared mount joins its group; CL_MAKE_SHARED too). */
void mnt_propagation_clone(struct mount *old, struct mount *m, int flag)
{
	if (flag & CL_SLAVE) {
		set_master(m, (old->mnt_flags & MNT_SHARED) ? old : old->mnt_master);
	} else if (!(flag & CL_PRIVATE)) {
		if ((flag & CL_MAKE_SHARED) || (old->mnt_flags & MNT_SHARED)) {
			mnt_set_shared(old);
			list_add(&m->mnt_share, &old->mnt_share);
			m->mnt_group_id = old->mnt_group_id;
			m->mnt_flags |= MNT_SHARED;
		}
		if (old->mnt_master) {
			list_add(&m->mnt_slave, &old->mnt_slave);
			m->mnt_master = old->mnt_master;
		}
	}
}

/* m leaves its peer group and receives from it instead (or, without
 * peers, keeps its master); its own slaves go to that same master. */
static void do_make_slave(struct mount *m)
{
	struct mount *master = m->mnt_master, *s, *n;

	if (!list_empty(&m->mnt_share))
		master = list_first_entry(&m->mnt_share, struct mount, mnt_share);
	list_for_each_entry_safe(s, n, &m->mnt_slave_list, mnt_slave)
		set_master(s, master);
	list_del_init(&m->mnt_share);
	m->mnt_group_id = 0;
	m->mnt_flags &= ~MNT_SHARED;
	set_master(m, master);
}

/* mount --make-shared (CL_MAKE_SHARED), --make-slave (CL_SLAVE),
 * --make-private or --make-unbindable (CL_PRIVATE; the caller marks an
 * unbindable one). */
int change_mnt_propagation(struct mount *m, int type)
{
	m->mnt_flags &= ~MNT_UNBINDABLE;
	if (type == CL_MAKE_SHARED) {
		mnt_set_shared(m);
		return 0;
	}
	do_make_slave(m);
	if (type == CL_PRIVATE)
		set_master(m, NULL);
	return 0;
}

typedef int (*receiver_fn)(struct mount *r, int peer, void *arg);

/* fn on every member of g's group (but skip) and, recursively, on the
 * groups that receive from it; stops at the first non-zero result. */
static int for_each_group(struct mount *g, struct mount *skip, int peer, receiver_fn fn,
			  void *arg)
{
	struct mount *p = g, *s;
	int err = 0;

	do {
		if (p != skip && !(p->mnt_flags & (MNT_NEW | MNT_UMOUNT)))
			err = fn(p, peer, arg);
		p = list_entry(p->mnt_share.next, struct mount, mnt_share);
	} while (!err && p != g && !list_empty(&g->mnt_share));
	p = g;
	do {
		list_for_each_entry(s, &p->mnt_slave_list, mnt_slave)
			if (!err)
				err = for_each_group(s, NULL, 0, fn, arg);
		p = list_entry(p->mnt_share.next, struct mount, mnt_share);
	} while (!err && p != g && !list_empty(&g->mnt_share));
	return err;
}

/* The mounts that receive what happens below dest, and fn on each. */
static int for_each_receiver(struct mount *dest, receiver_fn fn, void *arg)
{
	if (!(dest->mnt_flags & MNT_SHARED))
		return 0;
	return for_each_group(dest, dest, 1, fn, arg);
}

struct prop_arg {
	struct inode *mp;
	struct mount *source;
	struct list_head *copies;
};

static int propagate_one(struct mount *r, int peer, void *arg)
{
	struct prop_arg *a = arg;
	struct mount *c, *p;

	list_for_each_entry(c, a->copies, mnt_list)
		if (c->mnt_parent == r)
			return 0;	/* reached twice: as a peer and a slave */
	if (lookup_mnt(r, a->mp) || !is_subdir(a->mp, r->mnt_root))
		return 0;
	c = copy_tree(a->source, a->source->mnt_root, peer ? CL_MAKE_SHARED : CL_SLAVE);
	if (!c)
		return -ENOMEM;
	for (p = c; p; p = next_mnt(p, c))
		p->mnt_flags |= MNT_NEW;
	c->mnt_parent = r;	/* attached by graft_tree */
	c->mnt_mountpoint = ihold(a->mp);
	list_add_tail(&c->mnt_list, a->copies);
	return 0;
}

/* Copies of the new tree source for every receiver of dest where mp is
 * visible, on copies (linked by mnt_list), to be attached by the caller. */
int propagate_mnt(struct mount *dest, struct inode *mp, struct mount *source,
		  struct list_head *copies)
{
	struct prop_arg a = { mp, source, copies };

	return for_each_receiver(dest, propagate_one, &a);
}

/* The copy of m that propagation put at receiver r, if any. */
static struct mount *copy_at(struct mount *r, struct mount *m)
{
	struct mount *c = lookup_mnt(r, m->mnt_mountpoint);

	return c && c != m && list_empty(&c->mnt_mounts) ? c : NULL;
}

static int copy_busy(struct mount *r, int peer, void *arg)
{
	struct mount *c = copy_at(r, arg);

	(void)peer;
	return c && atomic_read(&c->mnt_count) != 1;	/* more than the tree's */
}

/* Would umount of m take a copy of it that is in use? */
int propagate_umount_busy(struct mount *m)
{
	return mnt_has_parent(m) ? for_each_receiver(m->mnt_parent, copy_busy, m) : 0;
}

static int mark_copy(struct mount *r, int peer, void *arg)
{
	struct mount *c = copy_at(r, arg);

	(void)peer;
	if (c)
		c->mnt_flags |= MNT_MARKED;
	return 0;
}

/* umount of m: the copies of it at its parent's receivers go too (the
 * ones with nothing mounted below them). */
void propagate_umount(struct mount *m)
{
	struct mount *c, *n;

	if (!mnt_has_parent(m))
		return;
	for_each_receiver(m->mnt_parent, mark_copy, m);
	list_for_each_entry_safe(c, n, &mounts, mnt_list)
		if (c->mnt_flags & MNT_MARKED) {
			c->mnt_flags &= ~MNT_MARKED;
			umount_tree_one(c);
		}
}
