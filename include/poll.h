/* poll.h: what poll(2), ppoll(2) and pselect6(2) ask of a file
 * (fs/select.c). A file's ->poll(file, pt) returns the events ready now
 * (POLLIN, POLLOUT, ...) and, when pt is not NULL, calls poll_wait for
 * each wait queue that a change of those events wakes. A file without
 * ->poll is always readable and writable (DEFAULT_POLLMASK), as on Linux.
 * Locks: ->poll may take the file's own locks; it must not sleep for
 * long (it runs for every descriptor on every pass). */
#ifndef _POLL_H
#define _POLL_H
#include <types.h>
#include <wait.h>

typedef unsigned int __poll_t;
#define POLLIN 0x0001
#define POLLPRI 0x0002
#define POLLOUT 0x0004
#define POLLERR 0x0008
#define POLLHUP 0x0010
#define POLLNVAL 0x0020
#define POLLRDNORM 0x0040
#define POLLRDBAND 0x0080
#define POLLWRNORM 0x0100
#define POLLWRBAND 0x0200
#define POLLRDHUP 0x2000
#define DEFAULT_POLLMASK (POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM)

struct file;
typedef struct poll_table_struct poll_table;
/* Register the caller to be woken through wq (pt NULL: nothing to do). */
void poll_wait(struct file *f, wait_queue_head_t *wq, poll_table *pt);
__poll_t vfs_poll(struct file *f, poll_table *pt);

#endif
