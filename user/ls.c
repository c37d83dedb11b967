/* ls.c - list directories with getdents64 (sorted, dotfiles need -a).
 * -l shows mode, size and name. A file argument lists just that file.
 * Several arguments are listed one after another with "NAME:" headers. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static int lflag, aflag;

static void mode_str(mode_t m, char *s)
{
	const char *rwx = "rwxrwxrwx";
	s[0] = S_ISDIR(m) ? 'd' : S_ISCHR(m) ? 'c' : S_ISBLK(m) ? 'b' :
	       S_ISLNK(m) ? 'l' : S_ISFIFO(m) ? 'p' : S_ISSOCK(m) ? 's' : '-';
	for (int i = 0; i < 9; i++)
		s[i + 1] = m & (0400 >> i) ? rwx[i] : '-';
	s[10] = 0;
}

static void show(int dirfd, const char *name, const char *shown)
{
	struct stat st;
	char m[11];
	if (!lflag) {
		printf("%s\n", shown);
		return;
	}
	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		printf("?????????? %10s %s\n", "?", shown);
		return;
	}
	mode_str(st.st_mode, m);
	printf("%s %10lld %s\n", m, (long long)st.st_size, shown);
}

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int list_dir(int fd, const char *path)
{
	char buf[4096];
	char **names = NULL;
	size_t n = 0, cap = 0;
	long r;
	while ((r = syscall(SYS_getdents64, fd, buf, sizeof buf)) > 0) {
		for (long off = 0; off < r;) {
			struct dirent64 *d = (struct dirent64 *)(buf + off);
			off += d->d_reclen;
			if (d->d_name[0] == '.' && !aflag)
				continue;
			if (n == cap) {
				cap = cap ? cap * 2 : 64;
				names = realloc(names, cap * sizeof *names);
				if (!names)
					return perror("ls"), 1;
			}
			names[n++] = strdup(d->d_name);
		}
	}
	if (r < 0) {
		fprintf(stderr, "ls: %s: %s\n", path, strerror(errno));
		return 1;
	}
	qsort(names, n, sizeof *names, cmp);
	for (size_t i = 0; i < n; i++) {
		show(fd, names[i], names[i]);
		free(names[i]);
	}
	free(names);
	return 0;
}

static int ls(const char *path, int header)
{
	struct stat st;
	if (stat(path, &st) < 0) {
		fprintf(stderr, "ls: %s: %s\n", path, strerror(errno));
		return 1;
	}
	if (!S_ISDIR(st.st_mode)) {
		show(AT_FDCWD, path, path);
		return 0;
	}
	int fd = open(path, O_RDONLY | O_DIRECTORY);
	if (fd < 0) {
		fprintf(stderr, "ls: %s: %s\n", path, strerror(errno));
		return 1;
	}
	if (header)
		printf("%s:\n", path);
	int rc = list_dir(fd, path);
	close(fd);
	return rc;
}

int main(int argc, char **argv)
{
	int i = 1, rc = 0;
	for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		for (char *p = argv[i] + 1; *p; p++) {
			if (*p == 'l')
				lflag = 1;
			else if (*p == 'a')
				aflag = 1;
			else {
				fprintf(stderr, "usage: ls [-la] [path...]\n");
				return 2;
			}
		}
	}
	if (i == argc)
		return ls(".", 0);
	for (int j = i; j < argc; j++) {
		if (j > i)
			printf("\n");
		rc |= ls(argv[j], argc - i > 1);
	}
	return rc;
}
