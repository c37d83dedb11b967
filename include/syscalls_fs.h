/* syscalls_fs.h: prototypes of the file-system system calls (fs/, drivers/tty.c).
 * Each takes register-sized arguments and returns a value or -errno, so the
 * syscall table may call them through a 6-argument function type.
 * Callers (the syscall dispatcher) hold no locks. */
#ifndef _SYSCALLS_FS_H
#define _SYSCALLS_FS_H
#include <types.h>
#include <compiler.h>

struct iovec;
struct stat;

long sys_openat(int dfd, const char __user *path, int flags, unsigned int mode);
long sys_close(int fd);
long sys_read(int fd, void __user *buf, size_t count);
long sys_write(int fd, const void __user *buf, size_t count);
long sys_readv(int fd, const struct iovec __user *vec, int vlen);
long sys_writev(int fd, const struct iovec __user *vec, int vlen);
long sys_pread64(int fd, void __user *buf, size_t count, loff_t pos);
long sys_pwrite64(int fd, const void __user *buf, size_t count, loff_t pos);
long sys_preadv(int fd, const struct iovec __user *vec, int vlen, loff_t pos);
long sys_pwritev(int fd, const struct iovec __user *vec, int vlen, loff_t pos);
long sys_lseek(int fd, off_t offset, unsigned int whence);
long sys_dup(int oldfd);
long sys_dup3(int oldfd, int newfd, int flags);
long sys_fcntl(int fd, unsigned int cmd, unsigned long arg);
long sys_ioctl(int fd, unsigned long cmd, unsigned long arg);
long sys_pipe2(int __user *fds, int flags);
long sys_getdents64(int fd, void __user *dirent, unsigned int count);
long sys_newfstatat(int dfd, const char __user *path, struct stat __user *st, int flags);
long sys_fstat(int fd, struct stat __user *st);
long sys_statx(int dfd, const char __user *path, int flags, unsigned int mask,
	       void __user *buf);
long sys_faccessat(int dfd, const char __user *path, int mode);
long sys_faccessat2(int dfd, const char __user *path, int mode, int flags);
long sys_chdir(const char __user *path);
long sys_fchdir(int fd);
long sys_chroot(const char __user *path);
long sys_getcwd(char __user *buf, unsigned long size);
long sys_mkdirat(int dfd, const char __user *path, unsigned int mode);
long sys_mknodat(int dfd, const char __user *path, unsigned int mode, unsigned int dev);
long sys_unlinkat(int dfd, const char __user *path, int flags);
long sys_readlinkat(int dfd, const char __user *path, char __user *buf, int size);
long sys_sync(void);
long sys_syncfs(int fd);
long sys_fsync(int fd);
long sys_fdatasync(int fd);
long sys_sync_file_range(int fd, loff_t offset, loff_t nbytes, unsigned int flags);
long sys_umask(int mask);
long sys_ftruncate(int fd, long length);
long sys_truncate(const char __user *path, long length);

#endif
