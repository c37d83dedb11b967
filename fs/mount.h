/* mount.h: struct mount, private to fs/namespace.c, fs/pnode.c and
 * fs/proc_namespace.c (Linux's fs/mount.h). A mount is one place in the
 * tree where a file system (or a part of one, for a bind mount) is seen:
 * its root inode mnt_root shows up in place of the inode mnt_mountpoint
 * of the parent mount. The same inode can be the root of several mounts
 * and the same directory can be a mount point in several parents, so
 * everything that crosses mounts goes by (mount, inode) pairs: struct
 * path. Locks: see fs/namespace.c. */
#ifndef FS_MOUNT_H
#define FS_MOUNT_H
#include <fs.h>

struct mount {
	struct mount *mnt_parent;	/* itself for a mount with no parent */
	struct inode *mnt_mountpoint;	/* covered in mnt_parent (referenced), or NULL */
	struct inode *mnt_root;		/* referenced */
	struct super_block *mnt_sb;	/* mnt_root->i_sb (NULL: rootfs, proc) */
	struct list_head mnt_mounts;	/* children; mount_lock */
	struct list_head mnt_child;	/* in the parent's mnt_mounts */
	struct list_head mnt_list;	/* in `mounts`, in mount order */
	/* propagation (fs/pnode.c), under namespace_sem */
	struct list_head mnt_share;	/* ring of peers (the same mnt_group_id) */
	struct list_head mnt_slave_list;	/* mounts that receive from our group */
	struct list_head mnt_slave;	/* in mnt_master's mnt_slave_list */
	struct mount *mnt_master;	/* a member of the group we receive from */
	int mnt_group_id;		/* peer group, 0: not shared */
	int mnt_id;
	atomic_t mnt_count;		/* the tree's, paths', files', walks' references */
	atomic_t mnt_writers;		/* files open for writing through it */
	int mnt_flags;			/* MNT_* */
	char mnt_type[16];
	char mnt_devname[];
};

/* mnt_flags beyond MNT_READONLY and MNT_LOCKED (include/fs.h) */
#define MNT_SHARED 0x10		/* sends mounts and umounts to its peers and slaves */
#define MNT_UNBINDABLE 0x20	/* may not be bound (EINVAL) */
#define MNT_NEW 0x40		/* being attached: never a propagation target */
#define MNT_UMOUNT 0x80		/* detached from the tree */
#define MNT_MARKED 0x100	/* chosen by propagate_umount */

static inline int mnt_has_parent(struct mount *m)
{
	return m->mnt_parent != m;
}

extern struct mutex namespace_sem;
extern spinlock_t mount_lock;
extern struct list_head mounts;

/* fs/namespace.c */
struct mount *clone_mnt(struct mount *old, struct inode *root, int flag);
struct mount *copy_tree(struct mount *old, struct inode *root, int flag);
struct mount *lookup_mnt(struct mount *parent, struct inode *mp);	/* mount_lock */
struct mount *next_mnt(struct mount *p, struct mount *root);	/* subtree walk */
void umount_tree_one(struct mount *m);

/* fs/pnode.c: clone_mnt's flags */
#define CL_SLAVE 1		/* the copy receives from old's group */
#define CL_MAKE_SHARED 2	/* the copy joins old's group */
#define CL_PRIVATE 4		/* no propagation */
void mnt_propagation_clone(struct mount *old, struct mount *m, int flag);
void mnt_set_shared(struct mount *m);
int change_mnt_propagation(struct mount *m, int type);
int propagate_mnt(struct mount *dest, struct inode *mp, struct mount *source,
		  struct list_head *copies);
int propagate_umount_busy(struct mount *m);
void propagate_umount(struct mount *m);
#endif
