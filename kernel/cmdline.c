/* cmdline.c: parsing key=value words of the kernel command line. The
 * line is set once at boot and read-only afterwards: no locking. */
#include <cmdline.h>
#include <string.h>
#include <types.h>

char boot_command_line[1024];

void cmdline_set(const char *s)
{
	strlcpy(boot_command_line, s, sizeof(boot_command_line));
}

/* Find word "key=" or "key" before any " -- ". */
static const char *find_key(const char *key)
{
	size_t kl = strlen(key);
	const char *p = boot_command_line;
	while (*p) {
		while (*p == ' ')
			p++;
		if (p[0] == '-' && p[1] == '-' && (p[2] == ' ' || !p[2]))
			return NULL;
		if (!strncmp(p, key, kl) && (p[kl] == '=' || p[kl] == ' ' || !p[kl]))
			return p + kl;
		while (*p && *p != ' ')
			p++;
	}
	return NULL;
}

int cmdline_get(const char *key, char *buf, int len)
{
	const char *v = find_key(key);
	int i = 0;
	if (!v)
		return 0;
	if (*v == '=')
		v++;
	while (v[i] && v[i] != ' ' && i < len - 1) {
		buf[i] = v[i];
		i++;
	}
	buf[i] = 0;
	return 1;
}

long cmdline_get_int(const char *key, long dflt)
{
	char buf[32];
	if (!cmdline_get(key, buf, sizeof(buf)) || !buf[0])
		return dflt;
	return simple_strtol(buf, NULL, 0);
}

const char *cmdline_init_args(void)
{
	const char *p = boot_command_line;
	while ((p = strstr(p, "--")) != NULL) {
		if ((p == boot_command_line || p[-1] == ' ') && (p[2] == ' ' || !p[2]))
			return p[2] ? p + 3 : p + 2;
		p += 2;
	}
	return NULL;
}
