/* utsname.h: the system's names as uname(2) returns them; the host and
 * domain names can be set (sethostname, setdomainname, /proc/sys/kernel).
 * Lock: uts_lock (kernel/sys.c, a leaf spinlock) around every copy. */
#ifndef _UTSNAME_H
#define _UTSNAME_H
#include <types.h>

#define __NEW_UTS_LEN 64
struct new_utsname {
	char sysname[65], nodename[65], release[65], version[65], machine[65],
	     domainname[65];
};

void get_utsname(struct new_utsname *u);	/* a consistent copy */
int set_uts_name(int domain, const char *name, size_t len);	/* 0 or -EINVAL */

#endif
