/* procmnt.c - proc is an ordinary file-system type, as in Linux: mount
 * -t proc works on any directory and shows what /proc shows (self/status,
 * meminfo, the process directories), twice at once; /proc/self/mountinfo
 * and /proc/mounts list each mount ("proc DIR proc rw..."), with its
 * flags (ro,nosuid,nodev,noexec) and proc's options (gid=, hidepid=);
 * a read-only one refuses a write open (EROFS); options proc rejects are
 * EINVAL and mount nothing; umount2 of one that is our cwd is EBUSY,
 * then works. The per-mount flags act on a tmpfs too: noexec refuses
 * execve and access(X_OK) (EACCES) and PROT_EXEC maps (EPERM, and
 * mprotect: EACCES), nodev refuses opening a device node (EACCES), a
 * bind mount keeps them, and remount,bind without them lifts them. Needs root and a kernel that
 * mounts (this one, or Linux in the reference guest): skipped under
 * qemu-riscv64 on the host. */
#define _GNU_SOURCE
#include "t.h"
#include "tdir.h"
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>

#define PROC_SUPER_MAGIC 0x9fa0

static char text[65536];

/* The line of file (mountinfo: mount point in field 5, mounts: field 2)
 * whose mount point is path, copied to line; 0 if there is none. */
static int mount_line(const char *file, int field, const char *path, char *line, size_t size)
{
	t_read_all(file, text, sizeof(text));
	for (char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		char mp[PATH_MAX];
		int ok = field == 5 ? sscanf(l, "%*d %*d %*s %*s %4095s", mp) : sscanf(l, "%*s %4095s", mp);
		if (ok == 1 && !strcmp(mp, path)) {
			size_t n = strcspn(l, "\n");
			n = n < size - 1 ? n : size - 1;
			memcpy(line, l, n);
			line[n] = 0;
			return 1;
		}
	}
	return 0;
}

/* Is word one of the comma-separated options in opts? */
static int has_opt(const char *opts, const char *word)
{
	size_t n = strlen(word);
	for (const char *p = opts; p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL)
		if (!strncmp(p, word, n) && (p[n] == ',' || p[n] == 0))
			return 1;
	return 0;
}

/* mountinfo's fields of the mount on path: its options, and after the
 * " - " its type, source and super options. */
struct minfo {
	unsigned int major, minor;
	char root[PATH_MAX], opts[256], type[32], source[64], sopts[256];
};

static int mountinfo_of(const char *path, struct minfo *mi)
{
	char line[1024];
	if (!mount_line("/proc/self/mountinfo", 5, path, line, sizeof(line)))
		return 0;
	char *dash = strstr(line, " - ");
	CHECK(dash, "mountinfo line has ' - '");
	CHECK(sscanf(line, "%*d %*d %u:%u %4095s %*s %255s", &mi->major, &mi->minor, mi->root,
		     mi->opts) == 4, "mountinfo fields");
	CHECK(sscanf(dash + 3, "%31s %63s %255s", mi->type, mi->source, mi->sopts) == 3,
	      "mountinfo fields after ' - '");
	return 1;
}

static int contains(const char *path, const char *needle)
{
	t_read_all(path, text, sizeof(text));
	return strstr(text, needle) != NULL;
}

/* Does directory dir list name? */
static int lists(const char *dir, const char *name)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int found = 0;
	CHECK(d, dir);
	while ((e = readdir(d)))
		found |= !strcmp(e->d_name, name);
	closedir(d);
	return found;
}

/* What /proc shows, through the mount on dir. */
static void same_content(const char *dir)
{
	char path[PATH_MAX], want[64], link[64], plink[64];
	struct statfs sf;
	ssize_t n;

	snprintf(path, sizeof(path), "%s/self/status", dir);
	snprintf(want, sizeof(want), "\nPid:\t%d\n", getpid());
	CHECK(contains(path, want), "self/status names our pid");
	snprintf(path, sizeof(path), "%s/meminfo", dir);
	CHECK(contains(path, "MemTotal:"), "meminfo has MemTotal");
	snprintf(path, sizeof(path), "%s/filesystems", dir);
	CHECK(contains(path, "nodev\tproc\n"), "filesystems: nodev proc");
	snprintf(want, sizeof(want), "%d", getpid());
	CHECK(lists(dir, want) && lists(dir, "self") && lists(dir, "meminfo"),
	      "listing: our pid, self, meminfo");
	snprintf(path, sizeof(path), "%s/self", dir);
	n = readlink(path, link, sizeof(link) - 1);
	CHECK(n > 0, "readlink self");
	link[n] = 0;
	n = readlink("/proc/self", plink, sizeof(plink) - 1);
	CHECK(n > 0 && (plink[n] = 0, !strcmp(link, plink)) && !strcmp(link, want), "self -> pid");
	CHECK(statfs(dir, &sf) == 0 && sf.f_type == PROC_SUPER_MAGIC, "statfs: PROC_SUPER_MAGIC");
}

static void mount_two(void)
{
	const char *a = P("a"), *b = P("b");
	char line[1024], want[PATH_MAX + 32], path[PATH_MAX];
	struct minfo mi;
	struct stat st;

	CHECK(mkdir(a, 0755) == 0 && mkdir(b, 0755) == 0, "mkdir a, b");
	CHECK(mount("proc", a, "proc", 0, NULL) == 0, "mount -t proc proc a");
	same_content(a);
	CHECK(mount("none", b, "proc", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
		    "hidepid=invisible,gid=5") == 0, "mount -t proc -o ro,nosuid,nodev,noexec,hidepid=2,gid=5 none b");
	same_content(b);

	CHECK(mountinfo_of(a, &mi), "mountinfo lists a");
	CHECK(stat(a, &st) == 0 && major(st.st_dev) == mi.major && minor(st.st_dev) == mi.minor,
	      "mountinfo's maj:min is a's st_dev");
	CHECK(!strcmp(mi.root, "/") && !strcmp(mi.type, "proc") && !strcmp(mi.source, "proc"),
	      "a: root /, type proc, source proc");
	CHECK(has_opt(mi.opts, "rw") && !has_opt(mi.opts, "nosuid") && !has_opt(mi.opts, "noexec"),
	      "a: rw, no nosuid/noexec");
	CHECK(mount_line("/proc/mounts", 2, a, line, sizeof(line)), "/proc/mounts lists a");
	snprintf(want, sizeof(want), "proc %s proc rw", a);
	CHECK(!strncmp(line, want, strlen(want)) && !strcmp(line + strlen(line) - 4, " 0 0"),
	      "/proc/mounts: proc A proc rw... 0 0");

	CHECK(mountinfo_of(b, &mi), "mountinfo lists b");
	CHECK(!strcmp(mi.type, "proc") && !strcmp(mi.source, "none"), "b: type proc, source none");
	CHECK(!strncmp(mi.opts, "ro,", 3) && has_opt(mi.opts, "nosuid") && has_opt(mi.opts, "nodev") &&
	      has_opt(mi.opts, "noexec"), "b: ro,nosuid,nodev,noexec");
	CHECK(has_opt(mi.sopts, "gid=5") && has_opt(mi.sopts, "hidepid=invisible"),
	      "b's super options: gid=5, hidepid=invisible");
	CHECK(mount_line("/proc/mounts", 2, b, line, sizeof(line)), "/proc/mounts lists b");
	snprintf(want, sizeof(want), "none %s proc ro,", b);
	CHECK(!strncmp(line, want, strlen(want)) && strstr(line, ",hidepid=invisible"),
	      "/proc/mounts: none B proc ro,...,hidepid=invisible");

	/* read-only: no write open through b; through a, there is */
	snprintf(path, sizeof(path), "%s/sys/kernel/hostname", b);
	CHECK_ERR(open(path, O_WRONLY), EROFS, "write open on the ro mount: EROFS");
	snprintf(path, sizeof(path), "%s/sys/kernel/hostname", a);
	int fd = open(path, O_WRONLY);
	CHECK(fd >= 0 && close(fd) == 0, "write open on the rw mount");
	/* back to the defaults (Linux 6.1's were b's own; ours are every
	 * mount's, and so would be a remount read-only: not here) */
	CHECK(mount(NULL, b, NULL, MS_REMOUNT, "hidepid=0,gid=0") == 0, "remount b");
	CHECK(mountinfo_of(b, &mi) && !has_opt(mi.sopts, "gid=5") &&
	      !has_opt(mi.sopts, "hidepid=invisible"), "b's options gone after remount");
	t_ok("two proc mounts");
}

/* Options Linux's proc_parse_param rejects: EINVAL, nothing mounted. */
static void bad_options(void)
{
	static const char *const bad[] = {
		"hidepid=3", "hidepid=5", "hidepid=foo", "hidepid=", "hidepid", "gid=abc",
		"gid=", "gid", "gid=-1", "gid=4294967296", "nosuchoption", "hidepid=2,bogus=1",
	};
	const char *c = P("c");
	struct minfo mi;

	CHECK(mkdir(c, 0755) == 0, "mkdir c");
	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char opts[64];
		snprintf(opts, sizeof(opts), "%s", bad[i]);
		errno = 0;
		CHECK(mount("proc", c, "proc", 0, opts) == -1 && errno == EINVAL, bad[i]);
		CHECK(!mountinfo_of(c, &mi), "nothing mounted after EINVAL");
	}
	/* what it takes: numbers in any base, names, empty options */
	CHECK(mount("proc", c, "proc", 0, ",hidepid=off,,gid=0x0,hidepid=0") == 0, "good options");
	CHECK(umount(c) == 0 && rmdir(c) == 0, "umount, rmdir c");
	t_ok("bad proc options: EINVAL");
}

static void busy_umount(void)
{
	const char *a = P("a"), *b = P("b");
	int here = open(".", O_RDONLY | O_DIRECTORY);
	struct minfo mi;

	CHECK(chdir(a) == 0, "cd into a");
	CHECK_ERR(umount(a), EBUSY, "umount of our cwd's mount: EBUSY");
	CHECK(chdir("self") == 0, "cd into a/self");
	CHECK_ERR(umount(a), EBUSY, "umount with cwd in a/self: EBUSY");
	CHECK(fchdir(here) == 0, "back");
	close(here);
	CHECK(umount(a) == 0 && umount(b) == 0, "umount a and b");
	CHECK(!mountinfo_of(a, &mi) && !mountinfo_of(b, &mi), "mountinfo: both gone");
	CHECK(!lists(a, "self") && !lists(a, "meminfo"), "a is an empty directory again");
	CHECK(contains("/proc/meminfo", "MemTotal:"), "/proc still there");
	CHECK(rmdir(a) == 0 && rmdir(b) == 0, "rmdir a, b");
	t_ok("umount: EBUSY while in use, then gone");
}

/* A copy of ourselves on tmpfs mounted with flags. */
static void exec_copy(const char *dir, unsigned long flags, const char *path)
{
	static char buf[1 << 16];
	int in = open("/proc/self/exe", O_RDONLY), out;
	ssize_t n;

	CHECK(mount("procmnt", dir, "tmpfs", flags, "size=8m") == 0, "mount tmpfs");
	out = open(path, O_CREAT | O_WRONLY, 0755);
	CHECK(in >= 0 && out >= 0, "open exe and copy");
	while ((n = read(in, buf, sizeof(buf))) > 0)
		CHECK(write(out, buf, n) == n, "copy");
	close(in);
	CHECK(close(out) == 0, "close copy");
}

/* Whether execve of path works: exit 7 from the copy ("child" mode). */
static int runs(const char *path)
{
	pid_t pid = fork();
	int status;
	if (!pid) {
		char *argv[] = { (char *)path, "exit7", NULL };
		execv(path, argv);
		_exit(errno == EACCES ? 13 : 1);
	}
	CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status), "wait");
	return WEXITSTATUS(status);
}

static void noexec_nodev(void)
{
	const char *t = P("t"), *prog = P("t/prog"), *null = P("t/null");
	int fd;
	void *p;

	CHECK(mkdir(t, 0755) == 0, "mkdir t");
	exec_copy(t, MS_NOEXEC | MS_NODEV | MS_NOSUID, prog);
	CHECK(runs(prog) == 13, "execve on noexec: EACCES");
	CHECK_ERR(access(prog, X_OK), EACCES, "access X_OK on noexec: EACCES");
	fd = open(prog, O_RDONLY);
	CHECK(fd >= 0, "open prog");
	CHECK(mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE, fd, 0) == MAP_FAILED && errno == EPERM,
	      "PROT_EXEC map on noexec: EPERM");
	p = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 0);
	CHECK(p != MAP_FAILED, "PROT_READ map on noexec");
	CHECK_ERR(mprotect(p, 4096, PROT_READ | PROT_EXEC), EACCES, "mprotect PROT_EXEC: EACCES");
	munmap(p, 4096);
	close(fd);
	CHECK(mknod(null, S_IFCHR | 0666, makedev(1, 3)) == 0, "mknod null");
	CHECK_ERR(open(null, O_RDWR), EACCES, "device node on nodev: EACCES");
	fd = open(null, O_PATH);
	CHECK(fd >= 0 && close(fd) == 0, "O_PATH of it is fine");
	const char *bound = P("bound"), *bprog = P("bound/prog"), *bnull = P("bound/null");
	CHECK(mkdir(bound, 0755) == 0 && mount(t, bound, NULL, MS_BIND, NULL) == 0, "bind t on bound");
	CHECK(runs(bprog) == 13, "a bind keeps noexec");
	CHECK_ERR(open(bnull, O_RDWR), EACCES, "a bind keeps nodev");
	CHECK(umount(bound) == 0 && rmdir(bound) == 0, "umount, rmdir bound");
	CHECK(mount(NULL, t, NULL, MS_REMOUNT | MS_BIND, NULL) == 0, "remount,bind without flags");
	CHECK(mountinfo_of(t, &(struct minfo){0}), "t listed");
	CHECK(runs(prog) == 7, "execve after remount: runs");
	CHECK(access(prog, X_OK) == 0, "access X_OK after remount");
	fd = open(null, O_RDWR);
	CHECK(fd >= 0 && close(fd) == 0, "device node after remount opens");
	CHECK(umount(t) == 0 && rmdir(t) == 0, "umount, rmdir t");
	t_ok("noexec, nodev: EACCES, EPERM; remount lifts them");
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "exit7"))
		return 7;
	if (!t_mount_setup("procmnt"))
		return 0;
	mount_two();
	bad_options();
	busy_umount();
	noexec_nodev();
	CHECK(rmdir(base) == 0, "rmdir base");
	printf("procmnt: ok\n");
	return 0;
}
