/* cmdline.h: the kernel command line from /chosen/bootargs. */
#ifndef _CMDLINE_H
#define _CMDLINE_H
extern char boot_command_line[];
void cmdline_set(const char *s);
/* Copies the value of key=VALUE into buf; returns 1 if present. */
int cmdline_get(const char *key, char *buf, int len);
long cmdline_get_int(const char *key, long dflt);
/* Arguments after " -- " (passed to init), or NULL. */
const char *cmdline_init_args(void);
#endif
