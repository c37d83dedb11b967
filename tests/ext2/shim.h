/* shim.h: what the host harness adds on top of the kernel APIs. */
#ifndef _EXT2_SHIM_H
#define _EXT2_SHIM_H
#include <blkdev.h>
#include <pagemap.h>
struct block_device *shim_open_bdev(const char *path);
void shim_close_bdev(struct block_device *bdev);
/* Drop every clean, unreferenced page of a mapping; returns the number of
 * pages still held by someone other than the cache (leaks). */
long shim_drop_mapping(struct address_space *mapping);
long shim_live_pages(void);
/* >= 0: copy_from_iter copies nothing past this offset of the buffer. */
extern long shim_short_copy;
#endif
