/* ext2.h: ext2 on-disk layout (little-endian, revision 1) and the
 * in-memory superblock/inode info of this kernel's ext2 driver.
 * Blocks of 1024, 2048 or 4096 bytes (s_log_block_size 0..2); a page
 * of the block device's cache holds PAGE_SIZE / blocksize blocks, so
 * metadata is reached with ext2_meta_read (the page and the block's
 * offset in it) and dirtied with ext2_meta_dirty, which marks just that
 * block's sectors dirty (bdev_folio_dirty_range): a page shared by two
 * metadata blocks, or by metadata and a file's data block, never writes
 * back bytes nobody changed.
 * Locks (outermost first): dir i_rwsem (VFS) > inode i_rwsem > the
 * folio lock of a file/directory page (write_begin, writepage) >
 * ei->truncate_mutex (block map of one inode) > sbi->s_lock (bitmaps,
 * group descriptor and superblock counters) > folio locks of the block
 * device's pages (metadata); the inode hash is under sbi->s_inode_lock
 * (spinlock, leaf). Metadata is changed in place in the bdev page cache
 * under the folio lock and marked dirty; there is no buffer cache; at
 * most one metadata folio lock is held at a time (on a damaged disk two
 * "different" blocks may be one).
 * Every number read from the disk (block numbers, rec_len, name_len,
 * inode numbers, i_size, link counts, group counts) is checked against
 * the file system's bounds before it is used: a bad one is EIO or
 * EUCLEAN and an ext2_error, never a wild access or an endless walk. */
#ifndef _EXT2_H
#define _EXT2_H
#include <types.h>
#include <fs.h>
#include <pagemap.h>
#include <blkdev.h>
#include <mutex.h>
#include <list.h>

#define EXT2_SUPER_MAGIC 0xEF53
#define EXT2_SB_OFFSET 1024
#define EXT2_MIN_BLOCK_LOG_SIZE 10
#define EXT2_MAX_BLOCK_LOG_SIZE 12	/* a block is at most a page */
#define EXT2_NDIR_BLOCKS 12
#define EXT2_IND_BLOCK 12
#define EXT2_DIND_BLOCK 13
#define EXT2_TIND_BLOCK 14
#define EXT2_N_BLOCKS 15
#define EXT2_ROOT_INO 2
#define EXT2_GOOD_OLD_INODE_SIZE 128
#define EXT2_GOOD_OLD_FIRST_INO 11
#define EXT2_NAME_LEN 255
#define EXT2_LINK_MAX 32000

/* s_state */
#define EXT2_VALID_FS 1
#define EXT2_ERROR_FS 2
/* s_errors: what to do on an error */
#define EXT2_ERRORS_CONTINUE 1
#define EXT2_ERRORS_RO 2
#define EXT2_ERRORS_PANIC 3

/* features */
#define EXT2_FEATURE_COMPAT_DIR_PREALLOC 0x0001
#define EXT2_FEATURE_COMPAT_EXT_ATTR 0x0008
#define EXT2_FEATURE_COMPAT_RESIZE_INO 0x0010
#define EXT2_FEATURE_COMPAT_DIR_INDEX 0x0020
#define EXT2_FEATURE_RO_COMPAT_SPARSE_SUPER 0x0001
#define EXT2_FEATURE_RO_COMPAT_LARGE_FILE 0x0002
#define EXT2_FEATURE_INCOMPAT_FILETYPE 0x0002
#define EXT2_FEATURE_INCOMPAT_SUPP EXT2_FEATURE_INCOMPAT_FILETYPE
#define EXT2_FEATURE_RO_COMPAT_SUPP (EXT2_FEATURE_RO_COMPAT_SPARSE_SUPER | \
				     EXT2_FEATURE_RO_COMPAT_LARGE_FILE)

/* i_flags */
#define EXT2_INDEX_FL 0x00001000	/* hashed directory (read linearly) */

/* dir entry file types */
#define EXT2_FT_UNKNOWN 0
#define EXT2_FT_REG_FILE 1
#define EXT2_FT_DIR 2
#define EXT2_FT_CHRDEV 3
#define EXT2_FT_BLKDEV 4
#define EXT2_FT_FIFO 5
#define EXT2_FT_SOCK 6
#define EXT2_FT_SYMLINK 7

/* little-endian types: RISC-V and the host are little-endian, so the
 * accessors are identity functions, kept so the code documents it. */
typedef u16 __le16;
typedef u32 __le32;
static inline u16 le16_to_cpu(__le16 v) { return v; }
static inline u32 le32_to_cpu(__le32 v) { return v; }
static inline __le16 cpu_to_le16(u16 v) { return v; }
static inline __le32 cpu_to_le32(u32 v) { return v; }
static inline void le16_add_cpu(__le16 *p, int d) { *p = cpu_to_le16(le16_to_cpu(*p) + d); }
static inline void le32_add_cpu(__le32 *p, int d) { *p = cpu_to_le32(le32_to_cpu(*p) + d); }

struct ext2_super_block {
	__le32 s_inodes_count, s_blocks_count, s_r_blocks_count;
	__le32 s_free_blocks_count, s_free_inodes_count;
	__le32 s_first_data_block, s_log_block_size, s_log_frag_size;
	__le32 s_blocks_per_group, s_frags_per_group, s_inodes_per_group;
	__le32 s_mtime, s_wtime;
	__le16 s_mnt_count, s_max_mnt_count, s_magic, s_state, s_errors;
	__le16 s_minor_rev_level;
	__le32 s_lastcheck, s_checkinterval, s_creator_os, s_rev_level;
	__le16 s_def_resuid, s_def_resgid;
	/* EXT2_DYNAMIC_REV */
	__le32 s_first_ino;
	__le16 s_inode_size, s_block_group_nr;
	__le32 s_feature_compat, s_feature_incompat, s_feature_ro_compat;
	u8 s_uuid[16];
	char s_volume_name[16];
	char s_last_mounted[64];
	__le32 s_algorithm_usage_bitmap;
	u8 s_prealloc_blocks, s_prealloc_dir_blocks;
	__le16 s_padding1;
	u8 s_journal_uuid[16];
	__le32 s_journal_inum, s_journal_dev, s_last_orphan;
	__le32 s_hash_seed[4];
	u8 s_def_hash_version, s_reserved_char_pad;
	__le16 s_reserved_word_pad;
	__le32 s_default_mount_opts, s_first_meta_bg;
	__le32 s_reserved[190];
};

struct ext2_group_desc {
	__le32 bg_block_bitmap, bg_inode_bitmap, bg_inode_table;
	__le16 bg_free_blocks_count, bg_free_inodes_count, bg_used_dirs_count;
	__le16 bg_pad;
	__le32 bg_reserved[3];
};

struct ext2_inode {
	__le16 i_mode, i_uid;
	__le32 i_size, i_atime, i_ctime, i_mtime, i_dtime;
	__le16 i_gid, i_links_count;
	__le32 i_blocks;		/* 512-byte units */
	__le32 i_flags;
	__le32 osd1;
	__le32 i_block[EXT2_N_BLOCKS];
	__le32 i_generation, i_file_acl;
	__le32 i_size_high;		/* i_dir_acl in rev 0 */
	__le32 i_faddr;
	u8 l_i_frag, l_i_fsize;
	__le16 i_pad1, l_i_uid_high, l_i_gid_high;
	__le32 l_i_reserved2;
};

struct ext2_dir_entry_2 {
	__le32 inode;
	__le16 rec_len;
	u8 name_len, file_type;
	char name[];
};
#define EXT2_DIR_REC_LEN(n) (((n) + 8 + 3) & ~3)

BUILD_BUG_ON(sizeof(struct ext2_super_block) != 1024);
BUILD_BUG_ON(sizeof(struct ext2_group_desc) != 32);
BUILD_BUG_ON(sizeof(struct ext2_inode) != 128);

/* ext2_mount flags */
#define EXT2_MOUNT_RDONLY 1

struct ext2_sb_info {
	struct ext2_super_block *s_es;	/* in s_sbh_folio (pinned) */
	struct folio *s_sb_folio;	/* bdev page holding the superblock */
	struct folio **s_group_desc;	/* pinned descriptor blocks */
	unsigned long s_gdb_count;
	unsigned long s_groups_count;
	unsigned long s_inodes_per_group, s_blocks_per_group;
	unsigned long s_first_data_block;
	unsigned int s_blocksize, s_blocksize_bits;	/* 1024 << s_log_block_size */
	unsigned int s_addr_per_block;			/* block numbers per indirect block */
	unsigned long s_inode_size, s_first_ino;
	unsigned long s_inodes_per_block, s_itb_per_group;
	/* The super block's counts as checked at mount: bounds use these,
	 * never the live s_es fields (a write to the device can change them). */
	unsigned long s_blocks_count, s_inodes_count;
	struct mutex s_lock;		/* allocation: bitmaps and counters */
	spinlock_t s_inode_lock;	/* s_inode_hash */
	struct list_head s_inode_hash[64];
	unsigned long s_nr_inodes;	/* hashed, under s_inode_lock */
	unsigned int s_prune_rotor;	/* the hash bucket pruning starts at */
	unsigned int s_prune_tick;	/* misses, to prune every few */
	struct block_device *s_bdev;
	struct address_space *s_bmap;	/* bdev_mapping(s_bdev) */
	struct super_block *s_sb;
	unsigned int s_dir_rotor;
	u16 s_mount_state;		/* s_state as found at mount (+ ERROR_FS) */
	int s_error_ro;			/* read-only since an error (errors=remount-ro):
					 * what was dirty before is still written */
};

/* In-memory ext2 inode: the VFS inode is first, so the VFS may kfree it. */
struct ext2_inode_info {
	struct inode vfs_inode;
	__le32 i_data[EXT2_N_BLOCKS];
	u32 i_flags, i_dtime, i_blocks, i_file_acl, i_generation;
	u32 i_block_group;
	u32 i_dir_start_lookup;
	u32 i_last_alloc;		/* physical block last allocated (goal) */
	struct mutex truncate_mutex;	/* i_data and indirect blocks */
	struct list_head i_hash;
	int i_new;			/* never written: zero the raw inode */
};

static inline struct ext2_inode_info *EXT2_I(struct inode *inode)
{
	return container_of(inode, struct ext2_inode_info, vfs_inode);
}
static inline struct super_block *ext2_inode_sb(struct inode *inode) { return inode->i_sb; }
static inline struct ext2_sb_info *EXT2_SB(struct super_block *sb) { return sb->s_fs_info; }

/* Block size of the file system an inode is on. */
static inline unsigned int ext2_blocksize(struct inode *inode)
{
	return EXT2_SB(inode->i_sb)->s_blocksize;
}
static inline unsigned int ext2_blocksize_bits(struct inode *inode)
{
	return EXT2_SB(inode->i_sb)->s_blocksize_bits;
}

/* super.c */
void *ext2_meta_read(struct ext2_sb_info *sbi, u32 block, struct folio **foliop);
void *ext2_meta_addr(struct ext2_sb_info *sbi, struct folio *folio, u32 block);
void ext2_meta_dirty(struct ext2_sb_info *sbi, struct folio *folio, const void *addr);
struct inode *ext2_mount(struct block_device *bdev, int flags);
int ext2_fill_super(struct super_block *sb, int silent);
int ext2_sync_fs(struct super_block *sb, int wait);
void ext2_put_super(struct super_block *sb);
int ext2_statfs(struct super_block *sb, struct kstatfs *st);
extern const struct super_operations ext2_super_ops;
struct ext2_group_desc *ext2_get_group_desc(struct super_block *sb, unsigned long group,
					    struct folio **foliop);
void ext2_mark_sb_dirty(struct super_block *sb);
u32 ext2_get_seconds(void);
void ext2_error(struct super_block *sb, const char *fn, const char *msg, unsigned long v);

/* balloc.c */
int ext2_data_block_valid(struct ext2_sb_info *sbi, u32 block, unsigned long count);
u32 ext2_new_block(struct inode *inode, u32 goal, int *err);
void ext2_free_blocks(struct inode *inode, u32 block, unsigned long count);
unsigned long ext2_sum_groups(struct super_block *sb, size_t off);
unsigned long ext2_count_free_blocks(struct super_block *sb);
int ext2_bg_has_super(struct super_block *sb, unsigned long group);

/* ialloc.c */
struct inode *ext2_new_inode(struct inode *dir, umode_t mode);
void ext2_free_inode(struct inode *inode);
unsigned long ext2_count_free_inodes(struct super_block *sb);

/* inode.c */
struct inode *ext2_iget(struct super_block *sb, unsigned long ino);
struct inode *ext2_alloc_vfs_inode(struct super_block *sb, unsigned long ino);
void ext2_hash_inode(struct inode *inode);
int ext2_write_inode(struct inode *inode, struct writeback_control *wbc);
int ext2_get_block(struct inode *inode, u64 iblock, u32 *pblk, int create);
int ext2_setsize(struct inode *inode, loff_t size);
void ext2_truncate_blocks(struct inode *inode, loff_t size);
void ext2_evict_inode(struct inode *inode);
void ext2_set_inode_ops(struct inode *inode);
void ext2_forget_block(struct super_block *sb, u32 block);
int ext2_sync_inodes(struct super_block *sb);
void ext2_drop_inodes(struct super_block *sb);

/* file.c (address space and file operations) */
extern const struct address_space_operations ext2_aops;
extern const struct file_operations ext2_file_operations;
int ext2_fsync(struct file *f, loff_t start, loff_t end, int datasync);
int ext2_write_begin(struct file *file, struct address_space *mapping, loff_t pos,
		     unsigned int len, struct folio **foliop, void **fsdata);
int ext2_write_end(struct file *file, struct address_space *mapping, loff_t pos,
		   unsigned int len, unsigned int copied, struct folio *folio, void *fsdata);

/* dir.c */
extern const struct file_operations ext2_dir_operations;
int ext2_find_ino(struct inode *dir, const char *name, int len, u32 *ino);
u32 ext2_inode_by_name(struct inode *dir, const char *name, int len);
int ext2_add_link(struct inode *dir, const char *name, int len, struct inode *inode);
int ext2_delete_entry(struct inode *dir, const char *name, int len);
int ext2_make_empty(struct inode *inode, struct inode *parent);
int ext2_empty_dir(struct inode *inode);
int ext2_set_link(struct inode *dir, const char *name, int len, struct inode *inode);
int ext2_set_dotdot(struct inode *dir, struct inode *parent);
unsigned char ext2_type_by_mode(umode_t mode);

/* namei.c */
extern const struct inode_operations ext2_dir_inode_operations;
extern const struct inode_operations ext2_file_inode_operations;
extern const struct inode_operations ext2_special_inode_operations;
extern const struct inode_operations ext2_symlink_inode_operations;
int ext2_link(struct inode *old, struct inode *dir, const char *name, int len);
struct inode *ext2_symlink(struct inode *dir, const char *name, int len, const char *target);
int ext2_readlink(struct inode *inode, char *buf, int size);
int ext2_unlink_name(struct inode *dir, const char *name, int len, struct inode *victim);
int ext2_rmdir_name(struct inode *dir, const char *name, int len, struct inode *victim);
int ext2_rename(struct inode *old_dir, const char *old_name, int old_len,
		struct inode *new_dir, const char *new_name, int new_len);

static inline int ext2_fast_symlink(struct inode *inode)
{
	return S_ISLNK(inode->i_mode) && EXT2_I(inode)->i_blocks == 0;
}
#endif
