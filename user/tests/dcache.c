/* dcache.c - the name cache must never hide a change. A missing name is
 * ENOENT on every stat, and becomes visible as soon as any call creates
 * it: open(O_CREAT), O_CREAT|O_EXCL, mkdir, mknod, symlink, link, rename
 * onto it; removed names (unlink, rmdir, rename away) vanish at once;
 * names longer than the inline limit and names inside a removed and
 * re-made directory behave the same. d_path: getcwd follows a renamed
 * cwd, and /proc/self/maps names a mapped file by its path, follows a
 * rename and says " (deleted)" after an unlink. On our kernel (seen by
 * dcache_hit in /proc/vmstat, which Linux lacks) the second stat of a
 * missing name must be a cache hit, not a miss. Runs on the RAM root,
 * the ext2 root and Linux. */
#define _GNU_SOURCE
#include "t.h"
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>

static int ours;
static char base[256];

static void missing(const char *name, const char *msg)
{
	struct stat st;
	for (int i = 0; i < 3; i++)
		CHECK_ERR(stat(name, &st), ENOENT, msg);
}

static void present(const char *name, mode_t type, const char *msg)
{
	struct stat st;
	CHECK(lstat(name, &st) == 0 && (st.st_mode & S_IFMT) == type, msg);
}

static void put(const char *name)
{
	int fd = open(name, O_CREAT | O_WRONLY | O_TRUNC, 0644);
	CHECK(fd >= 0 && write(fd, "x", 1) == 1, name);
	close(fd);
}

static long vmstat(const char *key)
{
	static char buf[8192];
	int fd = open("/proc/vmstat", O_RDONLY);
	long n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
	if (fd >= 0)
		close(fd);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	size_t k = strlen(key);
	for (char *p = buf; p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (!strncmp(p, key, k) && p[k] == ' ')
			return strtol(p + k + 1, NULL, 10);
	return -1;
}

/* The second stat of a missing name is answered by the cache. */
static void check_counters(void)
{
	struct stat st;
	if (!ours)
		return;
	stat("counted", &st);	/* now cached as missing */
	vmstat("dcache_hit");	/* warm /proc and /proc/vmstat too */
	long h0 = vmstat("dcache_hit"), m0 = vmstat("dcache_miss");
	CHECK_ERR(stat("counted", &st), ENOENT, "counted is missing");
	long h1 = vmstat("dcache_hit"), m1 = vmstat("dcache_miss");
	CHECK(h1 - h0 >= 3 && m1 == m0, "negative hit: dcache_hit grows, dcache_miss does not");
	t_ok("negative hit counted");
}

static void check_creators(void)
{
	struct stat st, st2;

	missing("f", "f missing");
	put("f");
	present("f", S_IFREG, "O_CREAT makes f visible");
	missing("e", "e missing");
	int fd = open("e", O_CREAT | O_EXCL | O_WRONLY, 0644);
	CHECK(fd >= 0, "O_CREAT|O_EXCL after a negative lookup");
	close(fd);
	present("e", S_IFREG, "e visible");
	missing("d", "d missing");
	CHECK(mkdir("d", 0755) == 0, "mkdir");
	present("d", S_IFDIR, "mkdir makes d visible");
	missing("n", "n missing");
	CHECK(mknod("n", S_IFIFO | 0644, 0) == 0, "mknod fifo");
	present("n", S_IFIFO, "mknod makes n visible");
	missing("s", "s missing");
	CHECK(symlink("f", "s") == 0, "symlink");
	present("s", S_IFLNK, "symlink makes s visible");
	CHECK(stat("s", &st) == 0 && stat("f", &st2) == 0 && st.st_ino == st2.st_ino, "s -> f");
	missing("l", "l missing");
	CHECK(link("f", "l") == 0, "link");
	CHECK(stat("l", &st) == 0 && st.st_ino == st2.st_ino && st.st_nlink == 2, "link makes l visible");
	missing("r", "r missing");
	CHECK(rename("e", "r") == 0, "rename onto a missing name");
	present("r", S_IFREG, "rename target visible");
	missing("e", "rename source gone");
	missing("d/x", "d/x missing");
	CHECK(rename("r", "d/x") == 0, "rename into a subdirectory");
	present("d/x", S_IFREG, "d/x visible");
	missing("r", "r gone");
	t_ok("creators");
}

static void check_removers(void)
{
	CHECK(unlink("l") == 0, "unlink");
	missing("l", "unlinked name gone");
	put("l");
	present("l", S_IFREG, "re-created");
	missing("d/y", "d/y missing");
	CHECK(unlink("d/x") == 0 && rmdir("d") == 0, "rmdir");
	missing("d", "removed dir gone");
	missing("d/y", "nothing inside a removed dir");
	CHECK(mkdir("d", 0755) == 0, "mkdir again");
	missing("d/y", "new d/y missing");
	put("d/y");
	present("d/y", S_IFREG, "d/y visible in the new d");
	/* a directory replaced by rename: its old negative entries go too */
	CHECK(mkdir("e2", 0755) == 0, "mkdir e2");
	missing("e2/z", "e2/z missing");
	CHECK(unlink("d/y") == 0 && rename("d", "e2") == 0, "rename a dir over an empty one");
	missing("d", "old name gone");
	missing("e2/z", "e2/z still missing");
	put("e2/z");
	present("e2/z", S_IFREG, "e2/z visible");
	/* names past the inline length */
	char lng[256];
	memset(lng, 'n', 200);
	lng[200] = 0;
	missing(lng, "long name missing");
	put(lng);
	present(lng, S_IFREG, "long name visible");
	char lng2[256];
	strcpy(lng2, lng);
	strcat(lng2, "2");
	CHECK(rename(lng, lng2) == 0, "rename to a long name");
	missing(lng, "long source gone");
	present(lng2, S_IFREG, "long target visible");
	CHECK(unlink(lng2) == 0, "unlink long");
	missing(lng2, "long name gone");
	t_ok("removers");
}

/* The maps line (if any) whose range holds p; its name into name. */
static int maps_name(void *p, char *name, size_t size)
{
	static char buf[65536];
	int fd = open("/proc/self/maps", O_RDONLY);
	long n = 0, r;
	CHECK(fd >= 0, "open maps");
	while (n < (long)sizeof(buf) - 1 && (r = read(fd, buf + n, sizeof(buf) - 1 - n)) > 0)
		n += r;
	close(fd);
	buf[n] = 0;
	for (char *l = buf; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL) {
		unsigned long s, e;
		int off = 0;
		if (sscanf(l, "%lx-%lx %*s %*s %*s %*s %n", &s, &e, &off) < 2 || !off)
			continue;
		if (s <= (unsigned long)p && (unsigned long)p < e) {
			char *end = strchr(l, '\n');
			snprintf(name, size, "%.*s", (int)(end ? end - (l + off) : (long)strlen(l + off)),
				 l + off);
			return 1;
		}
	}
	return 0;
}

static void check_paths(void)
{
	char cwd[512], want[600], name[600];
	CHECK(mkdir("sub", 0755) == 0 && chdir("sub") == 0, "chdir sub");
	CHECK(getcwd(cwd, sizeof(cwd)) && !strcmp(cwd + strlen(cwd) - 4, "/sub"), "getcwd");
	CHECK(rename("../sub", "../sub2") == 0, "rename the cwd");
	CHECK(getcwd(cwd, sizeof(cwd)) && !strcmp(cwd + strlen(cwd) - 5, "/sub2"),
	      "getcwd follows the rename");
	CHECK(chdir("..") == 0, "chdir ..");
	CHECK(getcwd(cwd, sizeof(cwd)) && !strcmp(cwd, base), "getcwd of the test dir");

	put("mapped");
	int fd = open("mapped", O_RDONLY);
	CHECK(fd >= 0, "open mapped");
	void *p = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 0);
	CHECK(p != MAP_FAILED, "mmap");
	close(fd);
	snprintf(want, sizeof(want), "%s/mapped", base);
	CHECK(maps_name(p, name, sizeof(name)) && !strcmp(name, want), "maps names the file");
	CHECK(rename("mapped", "sub2/moved") == 0, "rename the mapped file");
	snprintf(want, sizeof(want), "%s/sub2/moved", base);
	CHECK(maps_name(p, name, sizeof(name)) && !strcmp(name, want), "maps follows the rename");
	CHECK(unlink("sub2/moved") == 0, "unlink the mapped file");
	snprintf(want, sizeof(want), "%s/sub2/moved (deleted)", base);
	CHECK(maps_name(p, name, sizeof(name)) && !strcmp(name, want), "maps says (deleted)");
	munmap(p, 4096);
	CHECK(rmdir("sub2") == 0, "rmdir sub2");
	t_ok("paths");
}

int main(void)
{
	char d[64];
	ours = vmstat("dcache_hit") >= 0;
	snprintf(d, sizeof(d), "/tmp/dcache.%d", getpid());
	CHECK(mkdir(d, 0755) == 0 && chdir(d) == 0, "mkdir, chdir");
	CHECK(getcwd(base, sizeof(base)), "getcwd");	/* the real path, symlinks resolved */
	check_counters();
	check_creators();
	check_removers();
	check_paths();
	/* clean up */
	const char *files[] = { "f", "n", "s", "l", "e2/z", NULL };
	for (int i = 0; files[i]; i++)
		CHECK(unlink(files[i]) == 0, files[i]);
	CHECK(rmdir("e2") == 0 && chdir("/") == 0 && rmdir(d) == 0, "clean up");
	printf("dcache: all ok\n");
	return 0;
}
