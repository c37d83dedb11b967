/* fs.h: the VFS: inodes, open files, fd tables (files_struct), fs_struct,
 * iov_iter, path lookup and the in-kernel file API used by exec and init.
 * Lock order: file->f_pos_lock > namespace_sem (fs/namespace.c) > parent
 * dir i_rwsem > child i_rwsem > pipe->mutex > spinlocks (files->file_lock,
 * fs->lock, f_lock, dcache_lock, mount_lock, wait queues: leaves);
 * a disk's wb->list_lock > inode->i_lock (fs/fs-writeback.c).
 * Callers of these functions hold no locks unless noted. */
#ifndef _FS_H
#define _FS_H
#include <types.h>
#include <compiler.h>
#include <list.h>
#include <atomic.h>
#include <spinlock.h>
#include <mutex.h>
#include <wait.h>
#include <uapi/errno.h>
#include <uapi/fcntl.h>
#include <uapi/stat.h>
#include <pagemap.h>

typedef unsigned short umode_t;

#define PATH_MAX 4096
#define NAME_MAX 255
#define PIPE_BUF 4096
#define NR_OPEN_DEFAULT 64	/* fds embedded in files_struct */
#define NR_OPEN_MAX 1024	/* RLIMIT_NOFILE */
#define MAX_RW_COUNT (0x7fffffffL & ~4095L)
#define UIO_MAXIOV 1024

#define MINORBITS 20
#define MKDEV(ma, mi) (((dev_t)(ma) << MINORBITS) | (mi))
#define MAJOR(d) ((unsigned int)((d) >> MINORBITS))
#define MINOR(d) ((unsigned int)((d) & ((1U << MINORBITS) - 1)))

/* f_mode bits */
#define FMODE_READ 0x1
#define FMODE_WRITE 0x2
#define FMODE_ATOMIC_POS 0x4	/* f_pos updates serialised by f_pos_lock */
#define FMODE_PATH 0x8		/* O_PATH: names a file, no I/O (fget_raw only) */
#define FMODE_WRITER 0x10	/* holds write access to a regular file (i_writecount) */
#define FMODE_RANDOM 0x1000	/* POSIX_FADV_RANDOM: no readahead windows */
#define FMODE_NOREUSE 0x800000	/* POSIX_FADV_NOREUSE: reads do not age folios */

struct inode;
struct file;
struct dir_context;
struct iov_iter;
struct iattr;
struct super_block;
struct block_device;
struct vm_area_struct;
struct poll_table_struct;

struct iovec {
	void __user *iov_base;
	size_t iov_len;
};

/* A cursor over user (ITER_IOVEC) or kernel (ITER_KVEC) buffers, so one
 * ->read/->write serves read(2), readv(2) and kernel_read(). */
#define ITER_IOVEC 0
#define ITER_KVEC 1
struct iov_iter {
	u8 type;
	const struct iovec *iov;	/* kvec uses the same layout */
	unsigned long nr_segs;
	size_t iov_offset;		/* into iov[0] */
	size_t count;			/* bytes left in total */
	struct iovec single;		/* storage for one-segment iters */
};
void iov_iter_init(struct iov_iter *i, int type, const struct iovec *iov,
		   unsigned long nr_segs, size_t count);
void iov_iter_ubuf(struct iov_iter *i, void __user *buf, size_t len);
void iov_iter_kbuf(struct iov_iter *i, void *buf, size_t len);
static inline size_t iov_iter_count(const struct iov_iter *i) { return i->count; }
void iov_iter_advance(struct iov_iter *i, size_t n);
/* These return the bytes actually copied (short on a bad user address). */
size_t copy_to_iter(const void *from, size_t n, struct iov_iter *i);
size_t copy_from_iter(void *to, size_t n, struct iov_iter *i);
size_t iov_iter_zero(size_t n, struct iov_iter *i);

/* getdents: ->iterate calls ctx->actor per entry; false means "full". */
typedef bool (*filldir_t)(struct dir_context *ctx, const char *name, int len,
			  loff_t next_pos, u64 ino, unsigned int d_type);
struct dir_context {
	filldir_t actor;
	loff_t pos;	/* cookie of the next entry to emit */
};

struct file_operations {
	ssize_t (*read)(struct file *f, struct iov_iter *to, loff_t *pos);
	ssize_t (*write)(struct file *f, struct iov_iter *from, loff_t *pos);
	loff_t (*llseek)(struct file *f, loff_t off, int whence);
	long (*ioctl)(struct file *f, unsigned int cmd, unsigned long arg);
	int (*iterate)(struct file *f, struct dir_context *ctx);
	/* poll, ppoll, select: the events ready now (include/poll.h). */
	unsigned int (*poll)(struct file *f, struct poll_table_struct *pt);
	int (*open)(struct inode *inode, struct file *f);
	int (*release)(struct inode *inode, struct file *f);
	/* Bytes [start, end] of the data (and, unless datasync, all of the
	 * inode; with datasync only what reading the data back needs) to
	 * stable storage, ending with a device FLUSH. */
	int (*fsync)(struct file *f, loff_t start, loff_t end, int datasync);
	/* Reserve [off, off+len) (mode 0: and grow i_size to cover it), so
	 * later writes there cannot fail with ENOSPC. Regular files only. */
	long (*fallocate)(struct file *f, int mode, loff_t off, loff_t len);
	/* Set up a new VMA mapping the file (vma->vm_ops); files without
	 * it cannot be mapped (mmap: ENODEV). mmap_lock held for writing. */
	int (*mmap)(struct file *f, struct vm_area_struct *vma);
};

/* Directory ops are called with dir->i_rwsem held for writing (lookup:
 * held at least for reading). Returned inodes carry a reference. */
struct inode_operations {
	struct inode *(*lookup)(struct inode *dir, const char *name, int len);
	struct inode *(*create)(struct inode *dir, const char *name, int len, umode_t mode);
	struct inode *(*mkdir)(struct inode *dir, const char *name, int len, umode_t mode);
	struct inode *(*mknod)(struct inode *dir, const char *name, int len,
			       umode_t mode, dev_t rdev);
	int (*unlink)(struct inode *dir, const char *name, int len, struct inode *victim);
	int (*rmdir)(struct inode *dir, const char *name, int len,
		     struct inode *victim);	/* victim locked too */
	int (*setsize)(struct inode *inode, loff_t size);	/* i_rwsem held (write) */
	void (*evict)(struct inode *inode);	/* last iput with i_nlink == 0 */
	/* Both directories locked (write). victim: the inode new_name names
	 * now (replaced), or NULL. */
	int (*rename)(struct inode *old_dir, const char *old_name, int old_len,
		      struct inode *inode, struct inode *new_dir, const char *new_name,
		      int new_len, struct inode *victim);
	int (*link)(struct inode *inode, struct inode *dir, const char *name, int len);
	struct inode *(*symlink)(struct inode *dir, const char *name, int len,
				 const char *target);
	int (*readlink)(struct inode *inode, char *buf, int size);	/* length */
	int (*setattr)(struct inode *inode, struct iattr *attr);	/* i_rwsem held */
	u64 (*getblocks)(struct inode *inode);	/* 512-byte units allocated */
};

#define ATTR_MODE 0x1
#define ATTR_UID 0x2
#define ATTR_GID 0x4
#define ATTR_ATIME 0x10
#define ATTR_MTIME 0x20
#define ATTR_CTIME 0x40
struct kstatfs {
	long f_type, f_bsize;
	u64 f_blocks, f_bfree, f_bavail, f_files, f_ffree;
	long f_namelen;
};

struct seq_buf;
/* A mounted file system instance: ext2, tmpfs and ramfs (one per mount),
 * proc (one for ever, fs/proc/root.c); the RAM root and pipes have none. */
struct super_operations {
	/* Copy a dirty inode to its place on disk (ext2: the inode-table
	 * block in the block device's cache), called by writeback after the
	 * inode's data; wbc->sync_mode WB_SYNC_ALL: for a sync. */
	int (*write_inode)(struct inode *inode, struct writeback_control *wbc);
	int (*sync_fs)(struct super_block *sb, int wait);
	int (*statfs)(struct super_block *sb, struct kstatfs *st);
	void (*put_super)(struct super_block *sb);
	/* Power-off: write everything and mark the file system clean while
	 * it stays mounted (Linux's emergency remount read-only). */
	void (*shutdown)(struct super_block *sb);
	/* mount -o remount: *flags holds the new MS_RDONLY, data the option
	 * string (may be NULL). Called by reconfigure_super with the file
	 * system still in its old state; going read-only, no file of it is
	 * open for writing, and on success the file system is clean. */
	int (*remount_fs)(struct super_block *sb, int *flags, char *data);
	/* Its own options for /proc/mounts and mountinfo, each as ",opt". */
	void (*show_options)(struct seq_buf *m, struct super_block *sb);
};
struct super_block {
	struct block_device *s_bdev;
	unsigned long s_blocksize;
	struct inode *s_root;
	const struct super_operations *s_op;
	void *s_fs_info;
	int s_readonly;
	struct list_head s_list;	/* all mounted super blocks */
	/* Held for writing while the file system is being unmounted; the
	 * flusher takes it for reading (trylock) around its writes of the
	 * file system's inodes, so unmount never frees an inode under it. */
	struct rw_semaphore s_umount;
	errseq_t s_wb_err;	/* writeback errors of its files, for syncfs */
	/* The sum of i_count over this super block's inodes: every open
	 * file, cwd, root, cached name, walk in progress and mount on one of
	 * them counts, so umount2 can tell an idle file system from a busy
	 * one (Linux's mnt_count). Kept by ihold/iput; code that sets i_count
	 * directly (a new inode starts at 1) adjusts it with sb_refs_inc/dec. */
	atomic_t s_inode_refs;
	int s_active;		/* mounts of it (mount_lock); the last one's end puts it */
	struct file_system_type *s_type;
	dev_t s_dev;		/* anonymous device of a nodev instance, or 0 */
	/* Files open for writing and modifying calls in progress
	 * (sb_want_write); a remount read-only refuses while any exist
	 * (EBUSY) and holds new ones off meanwhile (s_write_hold). */
	atomic_t s_writers;
	int s_write_hold;
};
static inline int sb_rdonly(const struct super_block *sb) { return sb && READ_ONCE(sb->s_readonly); }
#define IS_RDONLY(inode) sb_rdonly((inode)->i_sb)

/* ---- fs/filesystems.c: the file-system types mount(2) knows ---- */
#define FS_REQUIRES_DEV 1	/* mounted from a block device ("nodev" if not) */
#define MS_RDONLY 1		/* mount(2) flags the file systems see */
#define MS_SILENT 32768
struct file_system_type {
	const char *name;
	int fs_flags;
	/* A new instance (or, for a device already mounted, its instance)
	 * for dev_name with MS_* flags and the option string data (may be
	 * NULL); returns its root, referenced, with sb->s_root holding one
	 * more. sb->s_op->put_super frees it. */
	struct inode *(*mount)(struct file_system_type *t, int flags, const char *dev_name,
			       char *data);
	struct file_system_type *next;
};
int register_filesystem(struct file_system_type *t);
struct file_system_type *get_fs_type(const char *name);
struct seq_buf;
int filesystems_show(struct seq_buf *m);
void init_filesystems(void);
/* fs/super.c: write access and read-only remounts of a super block. */
int sb_want_write(struct super_block *sb);	/* 0 or -EROFS */
void sb_drop_write(struct super_block *sb);
int reconfigure_super(struct super_block *sb, int flags, char *data);
struct block_device *lookup_bdev_path(const char *path, int *err);
dev_t get_anon_dev(void);	/* st_dev of a new nodev instance: 0:N, never reused */
static inline void sb_refs_inc(struct super_block *sb) { if (sb) atomic_inc(&sb->s_inode_refs); }
static inline void sb_refs_dec(struct super_block *sb) { if (sb) atomic_dec(&sb->s_inode_refs); }
int register_super(struct super_block *sb);	/* fs/namespace.c */
void sync_filesystems(int wait);
int sync_filesystem(struct super_block *sb);
void shutdown_filesystems(void);
int mount_root(const char *dev, int rdonly);
/* fs/ext2: mount the ext2 file system on bdev; returns its root (referenced). */
struct inode *ext2_mount(struct block_device *bdev, int flags);
void unregister_super(struct super_block *sb);

struct iattr {
	unsigned int ia_valid;
	umode_t ia_mode;
	uid_t ia_uid;
	gid_t ia_gid;
	long ia_atime, ia_mtime, ia_ctime;	/* seconds */
};

/* inode->i_state bits (Linux's), under i_lock; fs/fs-writeback.c. */
#define I_DIRTY_SYNC (1 << 0)		/* changed (times): fsync writes it */
#define I_DIRTY_DATASYNC (1 << 1)	/* changed so that fdatasync must write it (size) */
#define I_DIRTY_PAGES (1 << 2)		/* its mapping has dirty folios */
#define I_SYNC (1 << 3)			/* writeback_single_inode is writing it */
#define I_FREEING (1 << 4)		/* being evicted: never queued again */
#define I_SYNC_QUEUED (1 << 5)		/* on b_io or b_more_io (the flusher requeues it) */
/* An inode whose name comes and goes behind the VFS's back (/proc/PID
 * and what is in it; set when it is made): the last iput frees it
 * whatever i_nlink says, and the dcache keeps no name for it, nor a "no
 * such name" in such a directory (/proc itself). */
#define I_DONTCACHE (1 << 6)
#define I_DIRTY_INODE (I_DIRTY_SYNC | I_DIRTY_DATASYNC)
#define I_DIRTY (I_DIRTY_INODE | I_DIRTY_PAGES)

struct inode {
	unsigned long i_ino;
	umode_t i_mode;
	unsigned int i_nlink;	/* changed only under the parent's i_rwsem */
	uid_t i_uid;
	gid_t i_gid;
	loff_t i_size;
	dev_t i_rdev;
	long i_atime, i_mtime, i_ctime;
	const struct inode_operations *i_op;
	const struct file_operations *i_fop;
	void *i_private;	/* fs data: ramfs pages / dir entries, pipe */
	atomic_t i_count;	/* references (files, cwd, walks) */
	atomic_t i_writecount;	/* > 0: files open for writing; < 0: running programs */
	struct rw_semaphore i_rwsem;	/* data and directory contents */
	spinlock_t i_lock;	/* small fields */
	struct super_block *i_sb;	/* NULL for pipes and /proc */
	int i_mountpoints;	/* mounts covering this inode (mount_lock; a hint for the walk) */
	struct hlist_head i_dentry;	/* dcache entries naming this inode */
	struct hlist_head i_dchildren;	/* dcache entries in this directory */
	struct address_space i_data;	/* the inode's own page cache */
	struct address_space *i_mapping;	/* &i_data, or a block device's */
	unsigned long i_state;		/* I_* above, under i_lock */
	unsigned long dirtied_when;	/* jiffies when it became dirty */
	struct list_head i_io_list;	/* on its disk's b_dirty/b_io/b_more_io */
};

/* The readahead state of one open file (mm/readahead.c): the most
 * recent window [start, start + size) and the mark async_size pages
 * before its end. Updated without a lock by whoever reads through the
 * file, as in Linux: racing readers can only make the next window
 * smaller or larger within ra_pages, never wrong data. */
struct file_ra_state {
	unsigned long start;	/* first page of the window */
	unsigned int size;	/* pages in it */
	unsigned int async_size;	/* start the next one this many pages before its end */
	unsigned int ra_pages;	/* the largest window (device's, x2 with FADV_SEQUENTIAL) */
	unsigned int mmap_miss;	/* faults that missed the cache minus those that hit */
	loff_t prev_pos;	/* the byte after the last one read (-1: none yet) */
};

struct file {
	struct inode *f_inode;
	const struct file_operations *f_op;
	loff_t f_pos;
	unsigned int f_flags;	/* O_* status flags and access mode */
	unsigned int f_mode;	/* FMODE_* */
	atomic_t f_count;
	void *private_data;
	struct dentry *f_dentry;	/* the name it was opened by (pinned), or NULL */
	struct mount *f_mnt;	/* the mount it was opened through (referenced), or NULL */
	struct mutex f_pos_lock;
	spinlock_t f_lock;	/* f_flags updates, f_wb_err/f_sb_err advances */
	errseq_t f_wb_err;	/* i_mapping->wb_err as of open or last fsync report */
	errseq_t f_sb_err;	/* i_sb->s_wb_err as of open or last syncfs report */
	struct file_ra_state f_ra;
};

/* ---- fs/namespace.c: the mount tree (struct mount: fs/mount.h) ---- */
#define MNT_READONLY 0x1	/* writes through this mount are EROFS */
#define MNT_LOCKED 0x2		/* made by the kernel: umount2 says EINVAL */
#define MNT_NOSUID 0x200	/* MS_NOSUID (no set-id programs here: shown only) */
#define MNT_NODEV 0x400		/* MS_NODEV: device nodes do not open (EACCES) */
#define MNT_NOEXEC 0x800	/* MS_NOEXEC: no execve (EACCES), no PROT_EXEC map (EPERM) */
struct mount;
/* A place in the tree: an inode as seen through a mount. A struct path
 * that is "held" has a reference on both. */
struct path {
	struct mount *mnt;
	struct inode *inode;
};
struct mount *mntget(struct mount *m);
void mntput(struct mount *m);
void path_get(const struct path *p);
void path_put(const struct path *p);
static inline int path_equal(const struct path *a, const struct path *b)
{
	return a->mnt == b->mnt && a->inode == b->inode;
}
int mnt_readonly(struct mount *m);	/* the mount or its super block is read-only */
int mnt_flag(struct mount *m, int flag);	/* m's mnt_flags has flag (MNT_NOEXEC, ...) */
int mnt_want_write(struct mount *m);	/* a file opened for writing: -EROFS */
void mnt_drop_write(struct mount *m);
/* Mount root on mp (NULL mp: a mount with no parent, e.g. rootfs); a
 * held path to the new mount's root goes to *res if res. */
int vfs_add_mount(const struct path *mp, struct inode *root, const char *dev,
		  const char *type, int flags, struct path *res);
int vfs_move_mount(const struct path *from, const struct path *to);
void follow_mounts(struct path *p);	/* onto what is mounted on p, repeatedly */
int follow_up(struct path *p);		/* mount root -> the inode it covers; 0 at the top */
void init_root_path(struct path *p);	/* rootfs's root (held) */

/* ---- fs/dcache.c: the (dir, name) -> inode cache of path walks ---- */
struct dentry;
/* Referenced inode, ERR_PTR(-ENOENT) for a cached "no such name", or NULL
 * on a miss; with pin, a positive hit also pins its entry into *pin. */
struct inode *d_lookup(struct inode *dir, const char *name, int len, struct dentry **pin);
/* dir->i_rwsem held (read or write): ->lookup said inode (NULL: none). */
void d_add(struct inode *dir, const char *name, int len, struct inode *inode,
	   struct dentry **pin);
/* dir->i_rwsem held for writing: the name now means inode (NULL: removed). */
void d_set(struct inode *dir, const char *name, int len, struct inode *inode,
	   struct dentry **pin);
void d_invalidate(struct inode *dir, const char *name, int len);
/* rename: both directories' i_rwsem held for writing. */
void d_move(struct inode *old_dir, const char *old_name, int old_len,
	    struct inode *new_dir, const char *new_name, int new_len);
void d_prune_children(struct inode *dir);	/* dir removed; its i_rwsem held (write) */
void shrink_dcache_sb(struct super_block *sb);	/* umount: drop unpinned entries */
void dput(struct dentry *dentry);	/* drop a pin */
/* d_path's helpers: the name under which a cached entry of dir names
 * child; a pinned entry's name and (referenced) dir, 0 once removed. */
int d_name_in(struct inode *dir, struct inode *child, char *name);
int dentry_name(struct dentry *dentry, char *name, struct inode **dir);
int d_alias_name(struct inode *inode, char *name, struct inode **dir);

/* ---- fs/d_path.c: inodes and files back to absolute paths ---- */
char *d_path(struct file *f, char *buf, int size);	/* into buf, or ERR_PTR */
char *dir_path(const struct path *dir, const struct path *root, char *buf, int size,
	       int *outside);
char *fs_path(struct inode *dir, char *buf, int size);	/* from its file system's top */

/* ---- fs/inode.c ---- */
struct inode *new_inode(umode_t mode);		/* i_count = 1, i_nlink = 0 */
struct inode *ihold(struct inode *inode);
void iput(struct inode *inode);
void init_special_inode(struct inode *inode, umode_t mode, dev_t rdev);
extern struct inode *root_inode;

/* ---- fs/file.c: struct file, fd tables, fs_struct ---- */
struct fdtable {
	unsigned int max_fds;
	struct file **fd;
	unsigned long *close_on_exec;
	unsigned long *open_fds;	/* allocated or reserved slots */
};
struct files_struct {
	atomic_t count;
	spinlock_t file_lock;
	struct fdtable fdt;
	unsigned int next_fd;	/* lowest possibly free fd */
	struct file *fd_array[NR_OPEN_DEFAULT];
	unsigned long cloexec_init[NR_OPEN_DEFAULT / 64];
	unsigned long open_fds_init[NR_OPEN_DEFAULT / 64];
};
struct fs_struct {
	atomic_t users;
	spinlock_t lock;
	struct path root, pwd;
	umode_t umask;
};

struct file *alloc_file(struct inode *inode, unsigned int flags,
			const struct file_operations *fop);
struct file *get_file(struct file *f);
void fput(struct file *f);
/* fget: a referenced open file, NULL for a bad fd or an O_PATH one (as
 * Linux's fdget: I/O, mmap, fchmod, ... answer EBADF); fget_raw also
 * returns O_PATH files, for the calls that only name the file (fstat,
 * fchdir, dup, fcntl, a dirfd of *at). */
struct file *fget(int fd);
struct file *fget_raw(int fd);
/* An fd held for the length of one system call (Linux's struct fd and
 * fdget): a task whose fd table nobody shares gets the file without the
 * table's lock or a reference (flags 0); a shared table gives a
 * reference (FDPUT_FPUT), as fget. fdget_pos also takes f_pos_lock when
 * the file is shared (FDPUT_POS_UNLOCK). Release with fdput/fdput_pos,
 * in the same system call. file is NULL for a bad or O_PATH fd. */
struct fd {
	struct file *file;
	unsigned int flags;
};
#define FDPUT_FPUT 1
#define FDPUT_POS_UNLOCK 2
struct fd fdget(int fd);
struct fd fdget_pos(int fd);
void fdput(struct fd f);
void fdput_pos(struct fd f);
extern const struct file_operations empty_fops;	/* an O_PATH file's */
static inline struct inode *file_inode(struct file *f) { return f->f_inode; }

struct files_struct *files_alloc(void);
struct files_struct *dup_fd(struct files_struct *old);
void get_files_struct(struct files_struct *files);
void put_files_struct(struct files_struct *files);
void do_close_on_exec(struct files_struct *files);
int get_unused_fd_flags(unsigned int flags);	/* O_CLOEXEC honoured */
void put_unused_fd(int fd);
void fd_install(int fd, struct file *f);
int close_fd(unsigned int fd);
int replace_fd(unsigned int fd, struct file *f, unsigned int flags);
int get_close_on_exec(unsigned int fd);
int set_close_on_exec(unsigned int fd, int on);
int alloc_fd_from(unsigned int start, unsigned int flags);

struct fs_struct *fs_alloc_root(void);
struct fs_struct *copy_fs_struct(struct fs_struct *old);
void get_fs_struct(struct fs_struct *fs);
void put_fs_struct(struct fs_struct *fs);
void set_fs_pwd(struct fs_struct *fs, const struct path *dir);
void set_fs_root(struct fs_struct *fs, const struct path *dir);
void get_fs_pwd_path(struct fs_struct *fs, struct path *p);	/* held */
void get_fs_root_path(struct fs_struct *fs, struct path *p);	/* held */
struct inode *get_fs_pwd(struct fs_struct *fs);	/* referenced */
struct inode *get_fs_root(struct fs_struct *fs);	/* referenced */
umode_t current_umask(void);

/* ---- fs/namei.c ---- */
#define LOOKUP_DIRECTORY 0x1	/* the result must be a directory */
#define LOOKUP_EMPTY 0x2	/* "" means the start directory */
#define LOOKUP_NOFOLLOW 0x4	/* do not follow a final symlink */
enum { LAST_NORM, LAST_ROOT, LAST_DOT, LAST_DOTDOT };
struct nameidata_parent {
	struct inode *dir;	/* referenced */
	struct mount *mnt;	/* dir's mount, referenced: put both with nd_put */
	char last[NAME_MAX + 1];
	int last_len;
	int last_type;
	int trailing_slash;
};
int path_start(int dfd, const char *path, struct path *start);	/* held */
int kern_path_mnt(int dfd, const char *path, unsigned int flags, struct path *res,
		  struct dentry **pin);	/* res held on success */
int user_path_mnt(int dfd, const char __user *upath, unsigned int flags, struct path *res);
void nd_put(struct nameidata_parent *nd);
struct inode *kern_path(int dfd, const char *path, unsigned int flags);
struct inode *user_path_at(int dfd, const char __user *upath, unsigned int flags);
struct inode *user_path_at_write(int dfd, const char __user *upath, unsigned int flags);
int kern_path_parent(int dfd, const char *path, struct nameidata_parent *nd);
int is_subdir(struct inode *dir, struct inode *tree);	/* fs/link.c */
struct inode *lookup_one(struct inode *dir, const char *name, int len);
struct inode *lookup_one_pin(struct inode *dir, const char *name, int len, struct dentry **pin);
struct inode *kern_path_pin(int dfd, const char *path, unsigned int flags, struct dentry **pin);
int do_mkdirat(int dfd, const char *path, umode_t mode);
int do_mknodat(int dfd, const char *path, umode_t mode, dev_t rdev);
int do_unlinkat(int dfd, const char *path, int rmdir);
char *getname(const char __user *upath);	/* kmalloc'd copy or ERR_PTR */
void putname(char *name);

/* ---- fs/stat.c ---- */
dev_t inode_dev(struct inode *inode);	/* st_dev: the disk's, or 0:1 */

/* ---- fs/open.c ---- */
struct file *do_filp_open(int dfd, const char *path, int flags, umode_t mode);
struct file *filp_open(const char *path, int flags, int mode);
int filp_close(struct file *f);
int do_truncate(struct inode *inode, loff_t size);
int file_may_exec(struct file *f);

/* A regular file is either open for writing or running, never both
 * (Linux's i_writecount): each writer holds +1 (FMODE_WRITER, from open
 * to the file's last fput; truncate(2) for its duration), each running
 * program -1 (execve while it loads, then mm->exe_file for the mm's
 * life). The other side's attempt fails with ETXTBSY. */
static inline int get_write_access(struct inode *inode)
{
	return atomic_inc_unless_negative(&inode->i_writecount) ? 0 : -ETXTBSY;
}
static inline void put_write_access(struct inode *inode)
{
	atomic_dec(&inode->i_writecount);
}
static inline int deny_write_access(struct file *f)
{
	return atomic_dec_unless_positive(&f->f_inode->i_writecount) ? 0 : -ETXTBSY;
}
static inline void allow_write_access(struct file *f)
{
	if (f)
		atomic_inc(&f->f_inode->i_writecount);
}

/* ---- fs/sync.c ---- */
int vfs_fsync_range(struct file *file, loff_t start, loff_t end, int datasync);
/* ---- mm/fadvise.c ---- */
int vfs_fadvise(struct file *f, loff_t off, loff_t len, int advice);

/* ---- fs/read_write.c ---- */
ssize_t kernel_read(struct file *f, void *kbuf, size_t n, loff_t *pos);
ssize_t kernel_write(struct file *f, const void *kbuf, size_t n, loff_t *pos);
loff_t generic_file_llseek(struct file *f, loff_t off, int whence);
loff_t noop_llseek(struct file *f, loff_t off, int whence);

/* ---- fs/ramfs.c ---- */
void ramfs_init_root(void);
struct inode *ramfs_new_file_inode(void);
/* read(2) of a ramfs/tmpfs file: holes read as zeros, no page made (mm/shmem.c) */
ssize_t shmem_file_read(struct file *file, struct iov_iter *to, loff_t *ppos);
void chr_mem_init(void);
extern const struct file_operations ramfs_file_operations, ramfs_dir_operations;

/* ---- fs/char_dev.c ---- */
int register_chrdev_region(unsigned int major, unsigned int minor,
			   const struct file_operations *fops);
extern const struct file_operations def_chr_fops;

/* ---- fs/pipe.c ---- */
extern const struct file_operations pipefifo_fops;

/* ---- fs/initramfs.c, fs/vfs_init ---- */
void vfs_init(void);
int unpack_initramfs(const void *start, unsigned long len);

/* ---- drivers/tty.c ---- */
void tty_init(void);
void tty_receive_char(int c);	/* interrupt context */
int console_setup_fds(void);
struct tty_struct;
/* tty is a process's controlling terminal (signal->tty, not NULL): its
 * device and foreground process group, for /proc/PID/stat. */
void tty_ctty_info(struct tty_struct *tty, dev_t *dev, pid_t *fg_pgrp);
/* Session sid's leader exited: its terminal (if the console) is freed,
 * no process of the session keeps it, and the foreground group gets
 * SIGHUP and SIGCONT, as on Linux. Called without locks. */
void tty_session_exit(pid_t sid);
void uart_putc_sync(int c);	/* drivers/uart.c (lead) */
#define TTY_MAJOR 4
#define TTYAUX_MAJOR 5	/* (5,0) /dev/tty, (5,1) /dev/console */
#define MEM_MAJOR 1	/* (1,3) null, (1,5) zero */

#endif
