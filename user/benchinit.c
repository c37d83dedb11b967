/* benchinit.c: pid 1 for `make bench` (tests/bench.py), on our kernel and
 * on the reference Linux alike: booted with
 *     root=/dev/vda1 rw init=/bin/benchinit -- PROGRAM ARGS...
 * it mounts /proc if the kernel has not (Linux mounts only devtmpfs on
 * /dev by itself), runs /bin/PROGRAM with ARGS, prints
 *     BENCH-EXIT <status>
 * syncs and powers the machine off (reboot(2), SBI system reset on both
 * kernels), so QEMU exits. */
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	char path[256];
	struct utsname u;
	int st = -1;
	if (access("/proc/self", F_OK) != 0 && mount("proc", "/proc", "proc", 0, NULL) < 0)
		perror("benchinit: mount /proc");
	if (uname(&u) == 0)
		printf("BENCH-KERNEL %s %s\n", u.sysname, u.release);
	if (argc < 2) {
		fprintf(stderr, "usage: benchinit PROGRAM [ARGS...]\n");
	} else {
		snprintf(path, sizeof(path), "/bin/%s", argv[1]);
		fflush(stdout);
		pid_t pid = fork();
		if (pid == 0) {
			argv[1] = path;
			execv(path, argv + 1);
			perror(path);
			_exit(127);
		}
		if (pid < 0 || waitpid(pid, &st, 0) != pid)
			perror("benchinit: fork/wait");
	}
	printf("BENCH-EXIT %d\n", st);
	fflush(stdout);
	sync();
	reboot(RB_POWER_OFF);
	perror("benchinit: reboot");
	for (;;)
		pause();
}
