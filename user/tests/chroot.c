/* chroot.c - chroot(2): "/" becomes the directory, ".." stops there,
 * absolute paths and symlinks resolve inside it, the cwd stays where it
 * was (as Linux), and the rest of the process tree is not affected. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/stat.h>
#include "t.h"

static char dir[64];

static void jailed(void)
{
	struct stat root, up, in;

	CHECK(chroot(dir) == 0, "chroot");
	CHECK(stat("/", &root) == 0 && stat("/../..", &up) == 0, "stat / and /../..");
	CHECK(root.st_ino == up.st_ino && root.st_dev == up.st_dev, "\"..\" stops at the new root");
	CHECK(stat("/inside", &in) == 0 && S_ISREG(in.st_mode), "absolute path inside");
	CHECK(stat("/link/inside", &in) == 0, "absolute symlink resolves inside");
	CHECK_ERR(stat("/bin", &in), ENOENT, "the old /bin is out of reach");
	CHECK(chdir("/") == 0 && access("inside", F_OK) == 0, "chdir / lands inside");
}

int main(void)
{
	char p[128];
	struct stat st;

	snprintf(dir, sizeof(dir), "/tmp/chroot.%d", getpid());
	CHECK(mkdir(dir, 0755) == 0, "mkdir");
	snprintf(p, sizeof(p), "%s/inside", dir);
	int fd = open(p, O_CREAT | O_WRONLY, 0644);
	CHECK(fd >= 0, "create inside");
	close(fd);
	snprintf(p, sizeof(p), "%s/link", dir);
	CHECK(symlink("/", p) == 0, "symlink to /");
	if (getuid() != 0) {	/* Linux needs CAP_SYS_CHROOT */
		CHECK_ERR(chroot(dir), EPERM, "chroot without privilege");
	} else {
		int st_ = t_child(jailed);
		CHECK(WIFEXITED(st_) && WEXITSTATUS(st_) == 0, "child in the chroot");
	}
	CHECK(stat("/bin", &st) == 0, "the parent's root is unchanged");
	CHECK(unlink(p) == 0, "unlink link");
	snprintf(p, sizeof(p), "%s/inside", dir);
	CHECK(unlink(p) == 0 && rmdir(dir) == 0, "clean up");
	t_ok("chroot");
	return 0;
}
