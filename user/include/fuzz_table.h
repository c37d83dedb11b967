/* fuzz_table.h - the system-call fuzzer's table (user/fuzz/fuzz.c, see
 * docs/fuzzing.md): every call the kernel implements, plus a few it may
 * soon (they answer ENOSYS until then), each with the kinds of its
 * arguments. fuzz.c draws each argument from its kind's interesting
 * values. Calls that would end the machine (reboot), the worker (exit,
 * exit_group, rt_sigreturn) or touch other processes are not here or
 * are built by a special generator (S_*) that keeps them to the worker
 * itself. Only fuzz.c includes this. */
#ifndef FUZZ_TABLE_H
#define FUZZ_TABLE_H
#include <sys/syscall.h>

enum kind {
	K_NONE,		/* 0 */
	K_INT,		/* interesting integers */
	K_FD,		/* an fd of the worker's table, or a stray one */
	K_DIRFD,	/* AT_FDCWD, a table fd, or a stray one */
	K_PATH,		/* a path string (or a bad pointer) */
	K_BUF,		/* a pointer the kernel may read or write */
	K_LEN,		/* a length */
	K_OFF,		/* a file offset */
	K_OFLAGS,	/* open(2) flags */
	K_MODE,		/* a mode (with or without a file type) */
	K_ATFLAGS,	/* AT_* flags */
	K_WHENCE,	/* lseek whence */
	K_ADDR,		/* an address for the mmap family (sanitised) */
	K_MLEN,		/* a mapping length */
	K_PROT,		/* PROT_* */
	K_MFLAGS,	/* MAP_* */
	K_IOV,		/* a pointer to an iovec array */
	K_NIOV,		/* an iovec count */
	K_TS,		/* a pointer to a short (rarely long) timespec */
	K_SIGSET,	/* a pointer to a sigset without SIGUSR1 */
	K_SIGSZ,	/* a sigset size */
	K_CLOCK,	/* a clock id */
	K_FUTEX,	/* a futex op */
	K_RES,		/* an rlimit resource */
	K_IOCTL,	/* an ioctl command */
	K_FCNTL,	/* an fcntl command */
	K_DEV,		/* a device number (never a disk or the console) */
	K_MADV,		/* madvise advice */
	K_WAITPID,	/* a wait4 pid (only the worker's children) */
	K_SELF,		/* a pid/pgid: 0, the worker itself, or nobody */
	K_SIG,		/* a signal the worker survives */
	K_FSTYPE,	/* a file system type name */
	K_FLAGS,	/* mostly 0, else a small or a random bit set */
	K_NKINDS
};

/* Special generators: the whole argument list is built by fuzz.c. */
enum special {
	S_NONE, S_CLONE, S_CLONE3, S_EXECVE, S_SIGACTION, S_KILL, S_TGKILL, S_TKILL,
	S_BRK, S_RLIMIT, S_OPENAT2, S_TOUCH, S_MMAP, S_MOUNT, S_UMOUNT, S_CHROOT,
};

struct fuzz_call {
	int nr;
	const char *name;
	unsigned char kinds[6];
	unsigned char special;
};

#define C(n, ...) { SYS_##n, #n, { __VA_ARGS__ }, S_NONE }
#define SPECIAL(n, s) { SYS_##n, #n, { 0 }, s }

static const struct fuzz_call fuzz_calls[] = {
	/* files and directories */
	C(openat, K_DIRFD, K_PATH, K_OFLAGS, K_MODE),
	C(openat, K_DIRFD, K_PATH, K_OFLAGS, K_MODE),
	C(close, K_FD),
	C(read, K_FD, K_BUF, K_LEN),
	C(write, K_FD, K_BUF, K_LEN),
	C(pread64, K_FD, K_BUF, K_LEN, K_OFF),
	C(pwrite64, K_FD, K_BUF, K_LEN, K_OFF),
	C(readv, K_FD, K_IOV, K_NIOV),
	C(writev, K_FD, K_IOV, K_NIOV),
	C(preadv, K_FD, K_IOV, K_NIOV, K_OFF, K_INT),
	C(pwritev, K_FD, K_IOV, K_NIOV, K_OFF, K_INT),
	C(lseek, K_FD, K_OFF, K_WHENCE),
	C(getdents64, K_FD, K_BUF, K_LEN),
	C(ftruncate, K_FD, K_OFF),
	C(truncate, K_PATH, K_OFF),
	C(fallocate, K_FD, K_FLAGS, K_OFF, K_OFF),
	C(fadvise64, K_FD, K_OFF, K_OFF, K_FLAGS),
	C(fsync, K_FD),
	C(fdatasync, K_FD),
	C(sync),
	C(syncfs, K_FD),
	C(fstat, K_FD, K_BUF),
	C(newfstatat, K_DIRFD, K_PATH, K_BUF, K_ATFLAGS),
	C(statx, K_DIRFD, K_PATH, K_ATFLAGS, K_FLAGS, K_BUF),
	C(statfs, K_PATH, K_BUF),
	C(fstatfs, K_FD, K_BUF),
	C(faccessat, K_DIRFD, K_PATH, K_FLAGS),
	C(faccessat2, K_DIRFD, K_PATH, K_FLAGS, K_ATFLAGS),
	C(mkdirat, K_DIRFD, K_PATH, K_MODE),
	C(mknodat, K_DIRFD, K_PATH, K_MODE, K_DEV),
	C(unlinkat, K_DIRFD, K_PATH, K_FLAGS),
	C(unlinkat, K_DIRFD, K_PATH, K_FLAGS),
	C(symlinkat, K_PATH, K_DIRFD, K_PATH),
	C(linkat, K_DIRFD, K_PATH, K_DIRFD, K_PATH, K_FLAGS),
	C(linkat, K_DIRFD, K_PATH, K_DIRFD, K_PATH, K_ATFLAGS),
	C(renameat2, K_DIRFD, K_PATH, K_DIRFD, K_PATH, K_FLAGS),
	C(renameat2, K_DIRFD, K_PATH, K_DIRFD, K_PATH, K_NONE),
	C(readlinkat, K_DIRFD, K_PATH, K_BUF, K_LEN),
	C(fchmod, K_FD, K_MODE),
	C(fchmodat, K_DIRFD, K_PATH, K_MODE, K_ATFLAGS),
	C(fchown, K_FD, K_INT, K_INT),
	C(fchownat, K_DIRFD, K_PATH, K_INT, K_INT, K_ATFLAGS),
	C(utimensat, K_DIRFD, K_PATH, K_BUF, K_ATFLAGS),
	C(chdir, K_PATH),
	C(fchdir, K_FD),
	SPECIAL(chroot, S_CHROOT),
	C(getcwd, K_BUF, K_LEN),
	C(umask, K_MODE),
	C(dup, K_FD),
	C(dup3, K_FD, K_FD, K_OFLAGS),
	C(fcntl, K_FD, K_FCNTL, K_INT),
	C(fcntl, K_FD, K_FCNTL, K_BUF),
	C(ioctl, K_FD, K_IOCTL, K_BUF),
	C(ioctl, K_FD, K_IOCTL, K_INT),
	C(pipe2, K_BUF, K_FLAGS),
	C(pipe2, K_BUF, K_OFLAGS),
	SPECIAL(mount, S_MOUNT),
	SPECIAL(umount2, S_UMOUNT),
	C(sendfile, K_FD, K_FD, K_BUF, K_LEN),
	C(copy_file_range, K_FD, K_BUF, K_FD, K_BUF, K_LEN, K_INT),
	C(splice, K_FD, K_BUF, K_FD, K_BUF, K_LEN, K_INT),
	C(readahead, K_FD, K_OFF, K_LEN),
	C(sync_file_range, K_FD, K_OFF, K_OFF, K_INT),
	C(memfd_create, K_PATH, K_INT),
	C(close_range, K_INT, K_INT, K_INT),
	C(ppoll, K_BUF, K_INT, K_TS, K_SIGSET, K_SIGSZ),
	C(pselect6, K_INT, K_BUF, K_BUF, K_BUF, K_TS, K_NONE),
	C(eventfd2, K_INT, K_INT),
	SPECIAL(openat2, S_OPENAT2),
	/* memory */
	C(mmap, K_ADDR, K_MLEN, K_PROT, K_MFLAGS, K_FD, K_OFF),
	C(mmap, K_ADDR, K_MLEN, K_PROT, K_MFLAGS, K_FD, K_OFF),
	SPECIAL(mmap, S_MMAP),	/* a plausible mapping of one of its files */
	SPECIAL(mmap, S_MMAP),
	C(munmap, K_ADDR, K_MLEN),
	C(mprotect, K_ADDR, K_MLEN, K_PROT),
	C(madvise, K_ADDR, K_MLEN, K_MADV),
	C(mremap, K_ADDR, K_MLEN, K_MLEN, K_INT, K_ADDR),
	C(msync, K_ADDR, K_MLEN, K_INT),
	C(mincore, K_ADDR, K_MLEN, K_BUF),
	C(mlock, K_ADDR, K_MLEN),
	C(munlock, K_ADDR, K_MLEN),
	SPECIAL(brk, S_BRK),
	/* not a system call: the worker reads or writes one of its own
	 * mappings (user faults on file pages, SIGBUS past EOF, COW) */
	{ -1, "touch", { 0 }, S_TOUCH },
	{ -1, "touch", { 0 }, S_TOUCH },
	/* processes, signals, time */
	SPECIAL(clone, S_CLONE),
	SPECIAL(clone3, S_CLONE3),
	SPECIAL(execve, S_EXECVE),
	C(wait4, K_WAITPID, K_BUF, K_FLAGS, K_BUF),
	SPECIAL(rt_sigaction, S_SIGACTION),
	C(rt_sigprocmask, K_FLAGS, K_SIGSET, K_BUF, K_SIGSZ),
	C(rt_sigpending, K_BUF, K_SIGSZ),
	C(rt_sigsuspend, K_SIGSET, K_SIGSZ),
	C(sigaltstack, K_BUF, K_BUF),
	SPECIAL(kill, S_KILL),
	SPECIAL(tgkill, S_TGKILL),
	SPECIAL(tkill, S_TKILL),
	C(futex, K_BUF, K_FUTEX, K_INT, K_TS, K_BUF, K_INT),
	C(futex, K_BUF, K_FUTEX, K_INT, K_TS, K_BUF, K_INT),
	C(set_tid_address, K_BUF),
	C(set_robust_list, K_BUF, K_LEN),
	C(nanosleep, K_TS, K_BUF),
	C(clock_nanosleep, K_CLOCK, K_FLAGS, K_TS, K_BUF),
	C(clock_gettime, K_CLOCK, K_BUF),
	C(clock_getres, K_CLOCK, K_BUF),
	C(gettimeofday, K_BUF, K_BUF),
	C(getitimer, K_INT, K_BUF),
	C(setitimer, K_INT, K_BUF, K_BUF),
	C(times, K_BUF),
	C(sched_yield),
	C(getpid),
	C(getppid),
	C(gettid),
	C(getuid),
	C(geteuid),
	C(getpgid, K_SELF),
	C(getsid, K_SELF),
	C(setpgid, K_SELF, K_SELF),
	C(setsid),
	C(uname, K_BUF),
	C(getrlimit, K_RES, K_BUF),
	SPECIAL(setrlimit, S_RLIMIT),
	C(prlimit64, K_SELF, K_RES, K_NONE, K_BUF),
	C(getrusage, K_FLAGS, K_BUF),
	C(sysinfo, K_BUF),
	C(prctl, K_INT, K_BUF, K_INT, K_INT, K_INT),
	C(getrandom, K_BUF, K_LEN, K_FLAGS),
	C(pidfd_open, K_SELF, K_INT),
};

#define NCALLS (sizeof(fuzz_calls) / sizeof(fuzz_calls[0]))
#undef C
#undef SPECIAL
#endif
