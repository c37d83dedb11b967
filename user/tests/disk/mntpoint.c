/* mntpoint.c - what may happen to a mount point's directory, and what
 * an unmount of everything (as the fuzzer's cleanup does) must find, in
 * a scratch directory of whatever file system holds /tmp. A removed
 * directory reached by our cwd takes no mount (ENOENT, Linux's
 * cant_mount); rmdir, rename of and rename over a mount point: EBUSY;
 * rmdir, or a rename replacing the directory, racing a mount on it (100
 * rounds each): never both succeed, and no mount is left on a removed
 * directory; a mount renamed along
 * with its parent is listed (mountinfo) and unmounted by its new name;
 * a mount made through a cwd under a newer mount on its parent is listed
 * but resolves only once the newer one goes (which is not busy: the
 * hidden one is not on it); a mount with a mount on it is busy. Needs root and a kernel that mounts (this one, or Linux in
 * the reference guest): skipped under qemu-riscv64 on the host. */
#define _GNU_SOURCE
#include "t.h"
#include "tdir.h"
#include <fcntl.h>
#include <limits.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>


static int tmpfs(const char *path)
{
	return mount("mntpoint", path, "tmpfs", 0, "size=64k");
}

/* Is a mount point named path listed in /proc/self/mountinfo? */
static int listed(const char *path)
{
	static char text[65536];
	t_read_all("/proc/self/mountinfo", text, sizeof(text));
	for (char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		char mp[PATH_MAX];
		if (sscanf(l, "%*d %*d %*s %*s %4095s", mp) == 1 && !strcmp(mp, path))
			return 1;
	}
	return 0;
}

static void removed_dir(void)
{
	int here = open(".", O_RDONLY | O_DIRECTORY);
	CHECK(mkdir(P("gone"), 0755) == 0 && chdir(P("gone")) == 0, "enter gone");
	CHECK(rmdir(P("gone")) == 0, "rmdir our cwd");
	CHECK_ERR(tmpfs("."), ENOENT, "mount on a removed directory: ENOENT");
	CHECK(fchdir(here) == 0, "back");
	close(here);
	t_ok("no mount on a removed directory");
}

static void busy_names(void)
{
	CHECK(mkdir(P("m"), 0755) == 0 && mkdir(P("other"), 0755) == 0, "mkdir m, other");
	CHECK(tmpfs(P("m")) == 0, "mount on m");
	CHECK_ERR(rmdir(P("m")), EBUSY, "rmdir of a mount point: EBUSY");
	CHECK_ERR(rename(P("m"), P("m2")), EBUSY, "rename of a mount point: EBUSY");
	CHECK_ERR(rename(P("other"), P("m")), EBUSY, "rename over a mount point: EBUSY");
	CHECK(umount(P("m")) == 0 && rmdir(P("m")) == 0 && rmdir(P("other")) == 0, "umount, rmdir");
	t_ok("rmdir and rename of a mount point: EBUSY");
}

static volatile int *go;

static void rmdir_side(void)
{
	while (!*go)
		;
	_exit(rmdir(P("race")) == 0 ? 0 : errno == EBUSY ? 1 : 2);
}

/* Replaces race, an empty directory, by another: race's directory goes. */
static void rename_side(void)
{
	while (!*go)
		;
	_exit(rename(P("other"), P("race")) == 0 ? 0 : errno == EBUSY ? 1 : 2);
}

/* A mount on race (through our cwd in it) against the side that
 * removes race: exactly one wins, and never a mount on a removed
 * directory. */
static void race(void (*side)(void), const char *what)
{
	go = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	CHECK(go != MAP_FAILED, "mmap");
	int mounted = 0, removed = 0;
	for (int i = 0; i < 100; i++) {
		*go = 0;
		CHECK(mkdir(P("race"), 0755) == 0 && chdir(P("race")) == 0, "mkdir, enter race");
		if (side == rename_side)
			CHECK(mkdir(P("other"), 0755) == 0, "mkdir other");
		pid_t pid = t_start(side);
		*go = 1;
		int m = tmpfs(".") == 0, e = errno, st;
		CHECK(m || e == ENOENT, "mount racing the removal: ok or ENOENT");
		CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) < 2,
		      "the removal: ok or EBUSY");
		int r = WEXITSTATUS(st) == 0;
		CHECK(m != r, "exactly one of mount and the removal succeeds");
		CHECK(chdir(base) == 0, "back to base");
		if (m)
			CHECK(listed(P("race")) && umount(P("race")) == 0 && rmdir(P("race")) == 0,
			      "the mount is listed, unmounts, and the directory goes");
		if (m && side == rename_side)
			CHECK(rmdir(P("other")) == 0, "rmdir other");
		if (r && side == rename_side)
			CHECK(rmdir(P("race")) == 0, "rmdir the renamed other");
		mounted += m;
		removed += r;
			}
	printf("mntpoint: %s race: %d mounted first, %d removed first\n", what, mounted, removed);
	munmap((void *)go, 4096);
}

/* A directory renamed over its own grandparent: the victim holds the
 * source's directory, so it is not empty (Linux's lock_rename trap). */
static void over_ancestor(void)
{
	CHECK(mkdir(P("t"), 0755) == 0 && mkdir(P("t/u"), 0755) == 0 && mkdir(P("t/u/v"), 0755) == 0,
	      "mkdir t/u/v");
	CHECK_ERR(rename(P("t/u/v"), P("t")), ENOTEMPTY, "rename over an ancestor: ENOTEMPTY");
	CHECK(rmdir(P("t/u/v")) == 0 && rmdir(P("t/u")) == 0 && rmdir(P("t")) == 0, "rmdir t/u/v");
	t_ok("rename over an ancestor");
}

static void renamed_parent(void)
{
	CHECK(mkdir(P("p"), 0755) == 0 && mkdir(P("p/q"), 0755) == 0, "mkdir p/q");
	CHECK(tmpfs(P("p/q")) == 0, "mount on p/q");
	CHECK(rename(P("p"), P("p2")) == 0, "rename the parent of a mount point");
	CHECK(listed(P("p2/q")) && !listed(P("p/q")), "mountinfo names the new path");
	CHECK(umount(P("p2/q")) == 0, "umount by the new name");
	CHECK(rmdir(P("p2/q")) == 0 && rmdir(P("p2")) == 0, "rmdir p2/q, p2");
	t_ok("a mount moves with its renamed parent");
}

/* The fuzzer's case: a mount on x, then through a cwd left in the
 * covered x a mount on x/y; then x/y names a place in the newer mount. */
static void hidden(void)
{
	CHECK(mkdir(P("x"), 0755) == 0 && mkdir(P("x/y"), 0755) == 0, "mkdir x/y");
	CHECK(chdir(P("x")) == 0, "enter x");
	CHECK(tmpfs(P("x")) == 0, "mount on x");
	CHECK(tmpfs("y") == 0, "mount on the covered x/y through our cwd");
	CHECK(chdir(base) == 0, "back to base");
	CHECK(listed(P("x")) && listed(P("x/y")), "both are listed");
	CHECK_ERR(umount(P("x/y")), ENOENT, "x/y is hidden under the mount on x: ENOENT");
	CHECK(mkdir(P("x/y"), 0755) == 0, "mkdir y in the mount on x");
	CHECK_ERR(umount(P("x/y")), EINVAL, "x/y is now no mount point: EINVAL");
	CHECK(tmpfs(P("x/y")) == 0, "a mount on x/y in the mount on x");
	CHECK_ERR(umount(P("x")), EBUSY, "x with a mount on it: EBUSY");
	CHECK(umount(P("x/y")) == 0 && rmdir(P("x/y")) == 0, "umount the newest, rmdir its y");
	CHECK(umount(P("x")) == 0, "then x goes");
	CHECK(listed(P("x/y")) && umount(P("x/y")) == 0, "and the hidden x/y is reachable");
	CHECK(rmdir(P("x/y")) == 0 && rmdir(P("x")) == 0, "rmdir x/y, x");
	t_ok("a mount hidden under a newer one");
}

int main(void)
{
	if (!t_mount_setup("mntpoint"))
		return 0;
	removed_dir();
	busy_names();
	race(rmdir_side, "rmdir");
	t_ok("rmdir racing mount");
	race(rename_side, "rename");
	t_ok("rename over a directory racing a mount on it");
	over_ancestor();
	renamed_parent();
	hidden();
	CHECK(rmdir(base) == 0, "rmdir base");
	printf("mntpoint: ok\n");
	return 0;
}
