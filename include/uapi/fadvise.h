/* uapi/fadvise.h: posix_fadvise advice values (Linux's
 * include/uapi/linux/fadvise.h, as on riscv64). Constants only. */
#ifndef _UAPI_FADVISE_H
#define _UAPI_FADVISE_H
#define POSIX_FADV_NORMAL	0	/* back to the device's window */
#define POSIX_FADV_RANDOM	1	/* no readahead windows */
#define POSIX_FADV_SEQUENTIAL	2	/* windows up to twice the device's */
#define POSIX_FADV_WILLNEED	3	/* start reading the range now */
#define POSIX_FADV_DONTNEED	4	/* drop the range's clean pages */
#define POSIX_FADV_NOREUSE	5	/* read once: do not age the pages */
#endif
