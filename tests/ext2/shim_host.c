/* shim_host.c: the host OS calls the shim needs, kept apart from the
 * kernel headers (whose uapi constants clash with glibc's). */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <fcntl.h>
#include <time.h>

int host_open(const char *path)
{
	int fd = open(path, O_RDWR);

	if (fd < 0) {
		perror(path);
		exit(2);
	}
	return fd;
}
long host_size(int fd) { return lseek(fd, 0, SEEK_END); }
long host_pread(int fd, void *b, unsigned long n, long pos) { return pread(fd, b, n, pos); }
long host_pwrite(int fd, const void *b, unsigned long n, long pos) { return pwrite(fd, b, n, pos); }
void host_close(int fd) { close(fd); }
unsigned long host_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (unsigned long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

#include <sys/stat.h>
#include <sys/wait.h>
#include <string.h>

int host_system(const char *cmd)
{
	int st = system(cmd);

	return WIFEXITED(st) ? WEXITSTATUS(st) : 255;
}
void *host_read_file(const char *path, long *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	*len = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc(*len + 1);
	if (fread(buf, 1, *len, f) != (size_t)*len)
		*len = -1;
	fclose(f);
	return buf;
}
void host_write_file(const char *path, const void *buf, long len)
{
	FILE *f = fopen(path, "wb");

	if (!f || fwrite(buf, 1, len, f) != (size_t)len) {
		perror(path);
		exit(2);
	}
	fclose(f);
}
void host_mkdir(const char *path) { mkdir(path, 0755); }
void host_symlink(const char *target, const char *path) { unlink(path); symlink(target, path); }
/* Overwrite 4 bytes of a file at pos (to forge superblock fields). */
void host_patch_u32(const char *path, long pos, unsigned int v)
{
	int fd = open(path, O_RDWR);

	if (fd < 0 || pwrite(fd, &v, 4, pos) != 4)
		perror(path);
	close(fd);
}
