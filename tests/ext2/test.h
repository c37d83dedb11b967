/* test.h: what the host tests of fs/ext2 share (test_ext2.c holds the
 * helpers and main, test_edge.c the edge cases of the write path and
 * the directory walk). Single-threaded; i_rwsem taken where the VFS
 * would. */
#ifndef _EXT2_TEST_H
#define _EXT2_TEST_H
#include <stdio.h>
#include "ext2.h"

extern int npass, nfail;
#define CHECK(c, ...) do { if (c) npass++; else { nfail++; \
	printf("FAIL %s:%d: ", __FILE__, __LINE__); printf(__VA_ARGS__); printf("\n"); } } while (0)

extern struct super_block *sb;

int host_system(const char *cmd);
void *host_read_file(const char *path, long *len);
void host_patch_u32(const char *path, long pos, unsigned int v);

struct inode *lookup_path(const char *path);
long write_at(struct inode *inode, const void *buf, long len, loff_t pos);
long read_at(struct inode *inode, void *buf, long len, loff_t pos);
int create_file(const char *path, const void *data, long len);
int do_mkdir(const char *path);
int do_remove(const char *path, int isdir);
struct names { int n; int has_dot, has_dotdot; char seen[64]; };
struct names list_dir(const char *path);
u32 blocks_of(const char *path);
void do_mount_img(const char *img);
void do_umount(void);

void test_short_copy(int bs);
void test_enospc_midpage(int bs);
void test_dirent_tail(int bs);
#endif
