/* mkdir.c - create directories; -p creates parents and ignores existing. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

static int mkone(char *path, int parents)
{
	if (parents) {
		for (char *p = path + 1; *p; p++) {
			if (*p != '/')
				continue;
			*p = 0;
			int r = mkdir(path, 0755);
			*p = '/';
			if (r < 0 && errno != EEXIST)
				return -1;
		}
	}
	if (mkdir(path, 0755) < 0 && !(parents && errno == EEXIST))
		return -1;
	return 0;
}

int main(int argc, char **argv)
{
	int i = 1, parents = 0, rc = 0;
	if (i < argc && !strcmp(argv[i], "-p"))
		parents = 1, i++;
	if (i >= argc) {
		fprintf(stderr, "usage: mkdir [-p] dir...\n");
		return 1;
	}
	for (; i < argc; i++) {
		if (mkone(argv[i], parents) < 0) {
			fprintf(stderr, "mkdir: %s: %s\n", argv[i], strerror(errno));
			rc = 1;
		}
	}
	return rc;
}
