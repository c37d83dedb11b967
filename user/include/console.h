/* console.h - for programs that run as pid 1 (init, runtests, the
 * fuzzers): the kernel starts them with no open files, so fds 0-2 are
 * opened on /dev/console unless they already exist. */
#ifndef CONSOLE_H
#define CONSOLE_H
#include <fcntl.h>
#include <unistd.h>

static inline void console_fds(void)
{
	if (fcntl(0, F_GETFD) < 0) {
		int fd = open("/dev/console", O_RDWR);
		if (fd > 0) {
			dup2(fd, 0);
			close(fd);
		}
	}
	if (fcntl(1, F_GETFD) < 0)
		dup2(0, 1);
	if (fcntl(2, F_GETFD) < 0)
		dup2(0, 2);
}
#endif
