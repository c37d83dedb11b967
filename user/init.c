/* init.c - pid 1. Makes sure fds 0,1,2 are open on the console, sets
 * PATH=/bin, then keeps a shell running: fork, setsid, exec /bin/sh,
 * reap every child (orphans included), restart the shell when it exits. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "console.h"

static pid_t spawn_shell(void)
{
	pid_t pid = fork();
	if (pid < 0) {
		perror("init: fork");
		return -1;
	}
	if (pid == 0) {
		char *argv[] = { "sh", NULL };
		setsid();
		if (getppid() == 1) {	/* reopen: makes it our controlling tty */
			int fd = open("/dev/console", O_RDWR);
			if (fd >= 0) {
				for (int i = 0; i < 3; i++)
					dup2(fd, i);
				if (fd > 2)
					close(fd);
			}
		}
		execv("/bin/sh", argv);
		perror("init: exec /bin/sh");
		_exit(127);
	}
	return pid;
}

int main(void)
{
	console_fds();
	setenv("PATH", "/bin", 1);

	for (;;) {
		pid_t sh = spawn_shell();
		if (sh < 0) {
			struct timespec t = { 1, 0 };
			syscall(SYS_nanosleep, &t, NULL);
			continue;
		}
		for (;;) {
			int st;
			pid_t p = wait(&st);
			if (p == sh)
				break;
			if (p < 0 && errno == ECHILD)
				break;
		}
		printf("init: restarting shell\n");
		fflush(stdout);
		struct timespec t = { 0, 200 * 1000 * 1000 };	/* no hot loop */
		syscall(SYS_nanosleep, &t, NULL);
	}
}
