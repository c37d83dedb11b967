/* bind.c - bind mounts, move, propagation and mountinfo, in a scratch
 * directory of whatever file system holds /tmp. Bind a directory on a
 * directory, on itself, a file on a file (ENOTDIR across kinds, EBUSY
 * to unlink the covered file); the names getcwd, /proc/self/cwd and
 * /proc/self/fd/N give across a bind, ".." from a bind's root, openat and
 * fchdir through one; umount2 EBUSY for a cwd or an open file in it,
 * EINVAL below its root, MNT_DETACH with a file still open, umount2
 * racing a child that opens and enters the bind (20 rounds); a tmpfs
 * that lives on through a bind after its first mount goes; --rbind
 * copies submounts, --bind does not; --move (ELOOP below itself); the
 * BusyBox bind+rshared case (peers), a slave that receives but does not
 * send, a private mount that does neither, an unbindable one (EINVAL);
 * remount,bind,ro (EROFS through that mount only); mountinfo's fields.
 * Needs root and a kernel that mounts (this one, or Linux in the
 * reference guest): skipped under qemu-riscv64 on the host. */
#define _GNU_SOURCE
#include "t.h"
#include "tdir.h"
#include <fcntl.h>
#include <limits.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

static char text[65536];

static void put(const char *rel, const char *s)
{
	int fd = open(P(rel), O_WRONLY | O_CREAT | O_TRUNC, 0644);
	CHECK(fd >= 0 && write(fd, s, strlen(s)) == (long)strlen(s), rel);
	close(fd);
}

static int has(const char *rel)
{
	struct stat st;
	return stat(P(rel), &st) == 0;
}

static const char *get(const char *rel)
{
	static char b[64];
	int fd = open(P(rel), O_RDONLY);
	long n = fd < 0 ? -1 : read(fd, b, sizeof(b) - 1);
	b[n < 0 ? 0 : n] = 0;
	if (fd >= 0)
		close(fd);
	return b;
}

static int bind(const char *from, const char *to, unsigned long flags)
{
	return mount(P(from), P(to), NULL, MS_BIND | flags, NULL);
}

static int umnt(const char *rel)
{
	return umount2(P(rel), 0);
}

/* The mountinfo line of the topmost mount on rel (its fields split at
 * spaces into f[]); the number of fields, 0 if none. */
static int minfo(const char *rel, char f[][256], int max)
{
	int nf = 0;
	t_read_all("/proc/self/mountinfo", text, sizeof(text));
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		char copy[1024], *save, *w;
		int k = 0;
		char g[24][256];
		snprintf(copy, sizeof(copy), "%s", line);
		for (w = strtok_r(copy, " ", &save); w && k < 24; w = strtok_r(NULL, " ", &save))
			snprintf(g[k++], 256, "%s", w);
		if (k >= 10 && !strcmp(g[4], P(rel))) {
			for (int i = 0; i < k && i < max; i++)
				memcpy(f[i], g[i], 256);
			nf = k;
		}
	}
	return nf;
}

/* The value N of an optional field "tag:N" of rel's line, 0 if none. */
static int propagation(const char *rel, const char *tag)
{
	char f[24][256];
	int nf = minfo(rel, f, 24);
	for (int i = 6; i < nf && strcmp(f[i], "-"); i++)
		if (!strncmp(f[i], tag, strlen(tag)) && f[i][strlen(tag)] == ':')
			return atoi(f[i] + strlen(tag) + 1);
	return 0;
}

static void check_names(void)
{
	char buf[PATH_MAX];
	long n;

	CHECK(bind("a", "b", 0) == 0, "bind a on b");
	CHECK(!strcmp(get("b/f1"), "A"), "b shows a's file");
	put("b/new", "N");
	CHECK(!strcmp(get("a/new"), "N"), "a file made through b is in a");
	CHECK(chdir(P("b/sub")) == 0, "chdir b/sub");
	CHECK(getcwd(buf, sizeof(buf)) && !strcmp(buf, P("b/sub")), "getcwd names the bind");
	n = readlink("/proc/self/cwd", buf, sizeof(buf) - 1);
	CHECK(n > 0 && (buf[n] = 0, !strcmp(buf, P("b/sub"))), "/proc/self/cwd names the bind");
	CHECK_ERR(umnt("b"), EBUSY, "umount with our cwd inside: EBUSY");
	CHECK(chdir("../..") == 0 && getcwd(buf, sizeof(buf)) && !strcmp(buf, base),
	      "\"..\" from the bind's root climbs to its mount point's parent");
	int fd = open(P("b/f1"), O_RDONLY);
	CHECK(fd >= 0, "open b/f1");
	snprintf(text, sizeof(text), "/proc/self/fd/%d", fd);
	n = readlink(text, buf, sizeof(buf) - 1);
	CHECK(n > 0 && (buf[n] = 0, !strcmp(buf, P("b/f1"))), "/proc/self/fd names the bind");
	CHECK_ERR(umnt("b"), EBUSY, "umount with a file open inside: EBUSY");
	CHECK_ERR(umnt("b/sub"), EINVAL, "umount below the root: EINVAL");
	close(fd);
	int dfd = open(P("b"), O_RDONLY | O_DIRECTORY);
	CHECK(dfd >= 0, "open b");
	fd = openat(dfd, "f1", O_RDONLY);
	CHECK(fd >= 0, "openat through the bind");
	close(fd);
	CHECK(fchdir(dfd) == 0 && getcwd(buf, sizeof(buf)) && !strcmp(buf, P("b")),
	      "fchdir to the bind's root: getcwd names it");
	CHECK(chdir("..") == 0 && getcwd(buf, sizeof(buf)) && !strcmp(buf, base), "..");
	close(dfd);
	CHECK(umnt("b") == 0, "umount, idle");
	CHECK(!has("b/f1") && has("a/f1") && has("a/new"), "b is itself again, a untouched");
	CHECK(bind("a", "a", 0) == 0, "bind a onto itself");
	put("a/self", "S");
	CHECK(umnt("a") == 0 && !strcmp(get("a/self"), "S"), "umount of a self-bind");
	CHECK_ERR(umnt("a"), EINVAL, "a plain directory again: EINVAL");
	/* lazy: detached at once, alive for the open file */
	CHECK(bind("a", "b", 0) == 0, "bind a on b again");
	fd = open(P("b/f1"), O_RDONLY);
	CHECK(fd >= 0 && umount2(P("b"), MNT_DETACH) == 0, "MNT_DETACH with a file open");
	CHECK(!has("b/f1") && read(fd, buf, 1) == 1 && buf[0] == 'A', "gone, file still readable");
	close(fd);
	t_ok("bind names and umount");
}

/* umount2 of a bind racing a child that keeps opening a file and
 * entering the directory through it: EBUSY until the umount wins, never
 * a half: the child reads a's file or finds b empty. 20 rounds. */
static void race_umount(void)
{
	for (int round = 0; round < 20; round++) {
		CHECK(bind("a", "b", 0) == 0, "bind a on b");
		pid_t pid = fork();
		CHECK(pid >= 0, "fork");
		if (pid == 0) {
			for (int i = 0; i < 2000; i++) {
				int fd = open(P("b/f1"), O_RDONLY);
				char c = 0;
				if (fd < 0 && errno != ENOENT)
					_exit(2);
				if (fd >= 0 && (read(fd, &c, 1) != 1 || c != 'A'))
					_exit(3);
				if (fd >= 0)
					close(fd);
				if (chdir(P("b")) == 0 && chdir("/") != 0)
					_exit(4);
			}
			_exit(0);
		}
		while (umnt("b") != 0)
			CHECK(errno == EBUSY, "umount racing: EBUSY until it wins");
		CHECK(t_wait(pid) == 0, "the child saw a's file or nothing");
		CHECK(!has("b/f1"), "unmounted");
	}
	t_ok("umount racing open and chdir");
}

/* A file system lives as long as any mount of it: a tmpfs bound
 * elsewhere and then unmounted at its first place keeps its files. */
static void check_lifetime(void)
{
	char f[24][256];

	CHECK(mount("none", P("t1"), "tmpfs", 0, NULL) == 0, "mount a tmpfs on t1");
	put("t1/x", "T");
	CHECK(minfo("t1", f, 24) >= 10 && !strcmp(f[3], "/"), "mountinfo: a whole fs's root is /");
	CHECK(bind("t1", "t2", 0) == 0, "bind t1 on t2");
	CHECK(umnt("t1") == 0 && !has("t1/x"), "umount the tmpfs at t1");
	CHECK(!strcmp(get("t2/x"), "T"), "its files live on through the bind");
	put("t2/y", "U");
	CHECK(umnt("t2") == 0 && !has("t2/x"), "umount its last mount");
	t_ok("a file system lives while a mount of it does");
}

static void check_files(void)
{
	put("file1", "one");
	put("file2", "two");
	CHECK(bind("file1", "file2", 0) == 0, "bind a file on a file");
	CHECK(!strcmp(get("file2"), "one"), "file2 shows file1");
	char f[24][256];
	int nf = minfo("file2", f, 24);
	CHECK(nf >= 10 && strlen(f[3]) > 6 && !strcmp(f[3] + strlen(f[3]) - 6, "/file1"),
	      "mountinfo names a file mount and its root");
	CHECK_ERR(unlink(P("file2")), EBUSY, "unlink of a covered file: EBUSY");
	CHECK_ERR(bind("a", "file1", 0), ENOTDIR, "a directory on a file: ENOTDIR");
	CHECK_ERR(bind("file1", "c", 0), ENOTDIR, "a file on a directory: ENOTDIR");
	CHECK(umnt("file2") == 0 && !strcmp(get("file2"), "two"), "umount: file2 again");
	t_ok("file binds");
}

static void check_rbind_move(void)
{
	CHECK(bind("c", "a/sub", 0) == 0, "bind c on a/sub");
	CHECK(bind("a", "d", MS_REC) == 0 && !strcmp(get("d/sub/cf"), "C"), "rbind copies it");
	CHECK(bind("a", "e", 0) == 0 && !has("e/sub/cf") && has("e/f1"), "bind does not");
	CHECK_ERR(umnt("d"), EBUSY, "a submount: EBUSY");
	CHECK(umnt("d/sub") == 0 && umnt("d") == 0 && umnt("e") == 0, "umount the copies");
	CHECK(!strcmp(get("a/sub/cf"), "C"), "the original submount stays");
	CHECK(umnt("a/sub") == 0, "umount a/sub");
	CHECK(bind("c", "b", 0) == 0, "bind c on b");
	CHECK(mount(P("b"), P("d"), NULL, MS_MOVE, NULL) == 0, "move b to d");
	CHECK(!has("b/cf") && !strcmp(get("d/cf"), "C"), "it is at d now");
	CHECK_ERR(mount(P("d"), P("d/csub"), NULL, MS_MOVE, NULL), ELOOP, "below itself: ELOOP");
	CHECK_ERR(mount(P("a"), P("b"), NULL, MS_MOVE, NULL), EINVAL, "not a mount: EINVAL");
	CHECK(umnt("d") == 0, "umount d");
	t_ok("rbind and move");
}

static void check_propagation(void)
{
	char f[24][256];

	/* BusyBox's "mount bind+rshared" */
	CHECK(bind("s1", "s1", 0) == 0 && mount(NULL, P("s1"), NULL, MS_SHARED | MS_REC, NULL) == 0,
	      "s1 shared");
	CHECK(bind("s2", "s2", 0) == 0 && mount(NULL, P("s2"), NULL, MS_SHARED | MS_REC, NULL) == 0,
	      "s2 shared");
	int g1 = propagation("s1", "shared"), g2 = propagation("s2", "shared");
	CHECK(g1 && g2 && g1 != g2, "mountinfo: two peer groups");
	CHECK(bind("s2", "s1", 0) == 0, "bind s2 on s1");
	CHECK(propagation("s1", "shared") == g2, "a bind of a shared mount is its peer");
	CHECK(bind("a", "s2", 0) == 0, "bind a on s2");
	CHECK(has("s2/f1") && has("s1/f1"), "the mount on s2 propagates to its peer on s1");
	int g3 = propagation("s2", "shared");
	CHECK(g3 && g3 != g2 && propagation("s1", "shared") == g3, "the copy is a peer too");
	CHECK(umnt("s1") == 0 && !has("s1/f1") && !has("s2/f1"), "umount propagates back");
	CHECK(umnt("s1") == 0 && umnt("s1") == 0 && umnt("s2") == 0, "umount the rest");
	CHECK_ERR(umnt("s1"), EINVAL, "s1 plain again");

	/* a slave receives, does not send; private does neither */
	CHECK(bind("m", "m", 0) == 0 && mount(NULL, P("m"), NULL, MS_SHARED, NULL) == 0, "m shared");
	CHECK(bind("m", "sl", 0) == 0 && mount(NULL, P("sl"), NULL, MS_SLAVE, NULL) == 0, "sl slave");
	CHECK(propagation("sl", "master") == propagation("m", "shared") &&
	      !propagation("sl", "shared"), "mountinfo: master:N of m's group");
	CHECK(bind("a", "m/x", 0) == 0 && has("sl/x/f1"), "a mount in m reaches the slave");
	CHECK(bind("c", "sl/y", 0) == 0 && has("sl/y/cf") && !has("m/y/cf"), "not back");
	CHECK(umnt("m/x") == 0 && !has("sl/x/f1"), "the umount of m/x reaches the slave");
	CHECK(mount(NULL, P("sl"), NULL, MS_PRIVATE, NULL) == 0 && !propagation("sl", "master"),
	      "sl private");
	CHECK(bind("c", "m/z", 0) == 0 && has("m/z/cf") && !has("sl/z/cf"), "private: nothing");
	CHECK(umnt("m/z") == 0 && umnt("sl/y") == 0, "umount");
	CHECK(umnt("sl") == 0 && umnt("m") == 0, "umount m and sl");

	/* unbindable */
	CHECK(bind("u", "u", 0) == 0 && mount(NULL, P("u"), NULL, MS_UNBINDABLE, NULL) == 0,
	      "u unbindable");
	int nf = minfo("u", f, 24), unb = 0;
	for (int i = 6; i < nf && strcmp(f[i], "-"); i++)
		unb |= !strcmp(f[i], "unbindable");
	CHECK(unb && !propagation("u", "shared"), "mountinfo: unbindable");
	CHECK_ERR(bind("u", "b", 0), EINVAL, "bind of an unbindable mount: EINVAL");
	CHECK(umnt("u") == 0, "umount u");
	t_ok("propagation");
}

static void check_readonly_mountinfo(void)
{
	char f[24][256];
	struct stat st;
	int nf;

	CHECK(bind("a", "b", 0) == 0, "bind a on b");
	int wfd = open(P("b/f1"), O_WRONLY);
	CHECK(wfd >= 0, "open for writing through b");
	CHECK_ERR(mount(NULL, P("b"), NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL), EBUSY,
		  "remount,bind,ro with a writer through it: EBUSY");
	close(wfd);
	wfd = open(P("a/f1"), O_WRONLY);
	CHECK(wfd >= 0, "open for writing through a");
	CHECK(mount(NULL, P("b"), NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL) == 0,
	      "remount,bind,ro (a writer through another mount does not count)");
	close(wfd);
	CHECK_ERR(open(P("b/ro"), O_WRONLY | O_CREAT, 0644), EROFS, "create through it: EROFS");
	CHECK_ERR(mkdir(P("b/rodir"), 0755), EROFS, "mkdir through it: EROFS");
	CHECK_ERR(open(P("b/f1"), O_WRONLY), EROFS, "write through it: EROFS");
	CHECK_ERR(chmod(P("b/f1"), 0600), EROFS, "chmod through it: EROFS");
	CHECK_ERR(truncate(P("b/f1"), 0), EROFS, "truncate through it: EROFS");
	CHECK_ERR(truncate(P("b/sub"), 0), EISDIR, "truncate of a directory: EISDIR first");
	CHECK_ERR(unlink(P("b/f1")), EROFS, "unlink through it: EROFS");
	CHECK_ERR(rename(P("b/f1"), P("b/f2")), EROFS, "rename through it: EROFS");
	int rfd = open(P("b/f1"), O_RDONLY);
	CHECK(rfd >= 0, "open b/f1 read-only");
	CHECK_ERR(fchmod(rfd, 0600), EROFS, "fchmod of a file opened through it: EROFS");
	close(rfd);
	CHECK(chmod(P("a/f1"), 0644) == 0, "chmod through a: fine");
	put("a/rw", "W");
	CHECK(!strcmp(get("b/rw"), "W"), "a stays writable");
	nf = minfo("b", f, 24);
	CHECK(nf >= 10 && !strncmp(f[5], "ro", 2), "mountinfo: ro");
	CHECK(stat(P("a"), &st) == 0, "stat a");
	char dev[32];
	snprintf(dev, sizeof(dev), "%u:%u", major(st.st_dev), minor(st.st_dev));
	CHECK(!strcmp(f[2], dev), "mountinfo: major:minor is st_dev");
	CHECK(atoi(f[0]) > 0 && atoi(f[1]) > 0 && atoi(f[0]) != atoi(f[1]), "ids");
	const char *r = f[3] + strlen(f[3]) - 2;
	CHECK(strlen(f[3]) > 2 && !strcmp(r, "/a"), "mountinfo: the root is a's path in its fs");
	int i = 6;
	while (i < nf && strcmp(f[i], "-"))
		i++;
	CHECK(i + 3 < nf && strlen(f[i + 1]) && strlen(f[i + 2]), "type, source, options after -");
	CHECK(mount(NULL, P("b"), NULL, MS_REMOUNT | MS_BIND, NULL) == 0, "remount,bind,rw");
	put("b/rw2", "X");
	CHECK(umnt("b") == 0 && !strcmp(get("a/rw2"), "X"), "writable again");
	t_ok("read-only bind and mountinfo");
}

int main(void)
{
	static const char *dirs[] = { "a", "a/sub", "b", "c", "c/csub", "d", "e", "s1", "s2",
				      "m", "m/x", "m/y", "m/z", "sl", "u", "t1", "t2" };
	if (!t_mount_setup("bind"))
		return 0;
	for (unsigned i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		CHECK(mkdir(P(dirs[i]), 0755) == 0, dirs[i]);
	put("a/f1", "A");
	put("c/cf", "C");
	check_names();
	race_umount();
	check_lifetime();
	check_files();
	check_rbind_move();
	check_propagation();
	check_readonly_mountinfo();
	printf("bind: ok\n");
	return 0;
}
