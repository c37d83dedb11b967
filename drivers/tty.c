/* tty.c: the console tty (/dev/console, /dev/tty): an N_TTY-style line
 * discipline (canonical editing, echo, ^C/^\/^Z signals, ^D EOF) over a
 * 4 KiB input ring fed by the UART interrupt, output via uart_putc_sync.
 * A session leader acquires it as its controlling terminal by TIOCSCTTY
 * or by opening it (signal->tty, inherited by fork); TIOCNOTTY gives it
 * up (the leader for the whole session), and the leader's exit frees it
 * (tty_session_exit: SIGHUP to the foreground group).
 * Job control: a background group of the terminal's session that reads
 * (or writes with TOSTOP, or changes settings) is sent SIGTTIN (SIGTTOU).
 * Locks: tasklist_lock (signal->tty of the session's processes) >
 * tty->lock (input ring, termios, pgrp, session; taken in interrupt
 * context) > tty->out_lock (output serialisation). Neither is held while sleeping
 * or copying to/from user space; callers hold no locks. */
#include <fs.h>
#include <sched.h>
#include <signal.h>
#include <slab.h>
#include <string.h>
#include <uaccess.h>
#include <uapi/termios.h>
#include <poll.h>

#define N_TTY_BUF_SIZE 4096
#define TTY_CHUNK 256

struct tty_struct {
	spinlock_t lock;
	spinlock_t out_lock;
	wait_queue_head_t read_wait;
	struct termios termios;
	struct winsize winsize;
	pid_t pgrp, session;
	/* [read_tail, canon_head) is readable, [canon_head, read_head) is the
	 * line being edited (empty in raw mode). Free-running counters. */
	unsigned int read_tail, canon_head, read_head;
	unsigned long eol_mark[N_TTY_BUF_SIZE / 64];	/* a line ends here */
	unsigned long eof_mark[N_TTY_BUF_SIZE / 64];	/* ...with ^D: not data */
	char buf[N_TTY_BUF_SIZE];
};

#define C(ch) ((ch) & 0x1f)
static struct tty_struct console_tty = {
	.lock = __SPIN_LOCK_UNLOCKED(console_tty.lock),
	.out_lock = __SPIN_LOCK_UNLOCKED(console_tty.out_lock),
	.read_wait = __WAIT_QUEUE_HEAD_INITIALIZER(console_tty.read_wait),
	.termios = {
		.c_iflag = ICRNL | IXON,
		.c_oflag = OPOST | ONLCR,
		.c_cflag = B38400 | CS8 | CREAD | HUPCL,
		.c_lflag = ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE | IEXTEN,
		.c_cc = { [VINTR] = C('C'), [VQUIT] = 0x1c, [VERASE] = 0x7f,
			  [VKILL] = C('U'), [VEOF] = C('D'), [VMIN] = 1,
			  [VSTART] = C('Q'), [VSTOP] = C('S'), [VSUSP] = C('Z'),
			  [VREPRINT] = C('R'), [VDISCARD] = C('O'),
			  [VWERASE] = C('W'), [VLNEXT] = C('V') },
	},
	.winsize = { .ws_row = 24, .ws_col = 80 },
};

#define L(tty, f) ((tty)->termios.c_lflag & (f))
static int tty_check_bg(struct tty_struct *tty, int sig);
static int tty_open(struct inode *inode, struct file *f);
#define I(tty, f) ((tty)->termios.c_iflag & (f))

/* ---- output ---- */

static void tty_put(struct tty_struct *tty, int c)	/* out_lock held */
{
	if (c == '\n' && (tty->termios.c_oflag & (OPOST | ONLCR)) == (OPOST | ONLCR))
		uart_putc_sync('\r');
	uart_putc_sync(c);
}

static void echo_str(struct tty_struct *tty, const char *s)	/* lock held */
{
	spin_lock(&tty->out_lock);
	while (*s)
		tty_put(tty, *s++);
	spin_unlock(&tty->out_lock);
}

static int is_ctl(int c)
{
	return (c < 0x20 && c != '\n' && c != '\t') || c == 0x7f;
}

static void echo_char(struct tty_struct *tty, int c)	/* lock held */
{
	char s[3] = { (char)c, 0, 0 };

	if (!L(tty, ECHO)) {
		if (c == '\n' && L(tty, ECHONL))
			echo_str(tty, "\n");
		return;
	}
	if (is_ctl(c) && L(tty, ECHOCTL)) {
		s[0] = '^';
		s[1] = c == 0x7f ? '?' : c + '@';
	}
	echo_str(tty, s);
}

static ssize_t tty_write(struct file *f, struct iov_iter *from, loff_t *pos)
{
	struct tty_struct *tty = &console_tty;
	char kbuf[TTY_CHUNK];
	ssize_t done = 0;
	int err = L(tty, TOSTOP) ? tty_check_bg(tty, SIGTTOU) : 0;

	if (err)
		return err;
	while (iov_iter_count(from)) {
		size_t want = min(iov_iter_count(from), sizeof(kbuf));
		size_t n = copy_from_iter(kbuf, want, from);

		spin_lock(&tty->out_lock);
		for (size_t i = 0; i < n; i++)
			tty_put(tty, kbuf[i]);
		spin_unlock(&tty->out_lock);
		done += n;
		if (n < want)
			return done ? done : -EFAULT;
	}
	return done;
}

/* ---- input (tty->lock held) ---- */

static unsigned int room(struct tty_struct *tty)
{
	return N_TTY_BUF_SIZE - (tty->read_head - tty->read_tail);
}

static void put_char(struct tty_struct *tty, int c)
{
	unsigned int i = tty->read_head++ % N_TTY_BUF_SIZE;

	tty->buf[i] = c;
	clear_bit(i, tty->eol_mark);
	clear_bit(i, tty->eof_mark);
}

/* End the line being edited at the last char; it becomes readable. */
static void commit_line(struct tty_struct *tty, int eof)
{
	unsigned int i = (tty->read_head - 1) % N_TTY_BUF_SIZE;

	set_bit(i, tty->eol_mark);
	if (eof)
		set_bit(i, tty->eof_mark);
	tty->canon_head = tty->read_head;
}

/* Erase the last char of the line being edited; 0 if there was none. */
static int erase_char(struct tty_struct *tty)
{
	int c;

	if (tty->read_head == tty->canon_head)
		return 0;
	c = tty->buf[--tty->read_head % N_TTY_BUF_SIZE];
	if (L(tty, ECHO) && L(tty, ECHOE)) {
		echo_str(tty, "\b \b");
		if (is_ctl(c) && L(tty, ECHOCTL))
			echo_str(tty, "\b \b");
	}
	return 1;
}

static void erase_word(struct tty_struct *tty)
{
	while (tty->read_head != tty->canon_head &&
	       tty->buf[(tty->read_head - 1) % N_TTY_BUF_SIZE] == ' ')
		erase_char(tty);
	while (tty->read_head != tty->canon_head &&
	       tty->buf[(tty->read_head - 1) % N_TTY_BUF_SIZE] != ' ')
		erase_char(tty);
}


/* c is the control char cc[idx] (a zero entry is disabled). */
static int is_cc(struct tty_struct *tty, int c, int idx)
{
	return c && c == tty->termios.c_cc[idx];
}

static void canon_char(struct tty_struct *tty, int c)
{
	if (is_cc(tty, c, VERASE) || c == '\b') {
		erase_char(tty);
	} else if (is_cc(tty, c, VKILL)) {
		while (erase_char(tty))
			;
	} else if (is_cc(tty, c, VWERASE) && L(tty, IEXTEN)) {
		erase_word(tty);
	} else if (is_cc(tty, c, VEOF)) {
		if (room(tty)) {
			put_char(tty, c);
			commit_line(tty, 1);
		}
	} else if (c == '\n' || is_cc(tty, c, VEOL) || is_cc(tty, c, VEOL2)) {
		if (room(tty)) {
			put_char(tty, c);
			echo_char(tty, c);
			commit_line(tty, 0);
		}
	} else if (room(tty) > 1) {	/* keep a slot for the newline */
		put_char(tty, c);
		echo_char(tty, c);
	}
}

static int isig(struct tty_struct *tty, int c)
{
	if (!L(tty, ISIG))
		return 0;
	if (is_cc(tty, c, VINTR))
		return SIGINT;
	if (is_cc(tty, c, VQUIT))
		return SIGQUIT;
	if (is_cc(tty, c, VSUSP))
		return SIGTSTP;
	return 0;
}

/* One input char; returns a signal for the foreground group or 0. */
static int n_tty_receive(struct tty_struct *tty, int c)
{
	int sig;

	if (I(tty, ISTRIP))
		c &= 0x7f;
	if (c == '\r') {
		if (I(tty, IGNCR))
			return 0;
		if (I(tty, ICRNL))
			c = '\n';
	} else if (c == '\n' && I(tty, INLCR)) {
		c = '\r';
	}
	if ((sig = isig(tty, c))) {
		if (L(tty, ECHO)) {
			echo_char(tty, c);
			echo_str(tty, "\n");
		}
		if (!L(tty, NOFLSH))
			tty->read_head = tty->canon_head;	/* drop the line */
		return sig;
	}
	if (L(tty, ICANON)) {
		canon_char(tty, c);
	} else if (room(tty)) {
		put_char(tty, c);
		echo_char(tty, c);
		tty->canon_head = tty->read_head;
	}
	return 0;
}

void tty_receive_char(int c)
{
	struct tty_struct *tty = &console_tty;
	pid_t pgrp;
	int sig;

	spin_lock(&tty->lock);
	sig = n_tty_receive(tty, c & 0xff);
	pgrp = tty->pgrp;
	spin_unlock(&tty->lock);
	wake_up(&tty->read_wait);
	if (sig && pgrp > 0)
		kill_pgrp(pgrp, sig);
}

/* ---- job control ---- */

static int is_ctty(struct tty_struct *tty)
{
	return READ_ONCE(current->signal->tty) == tty;
}

static int is_session_leader(void)
{
	return task_session_nr(current) == current->tgid;
}

/* Every process of session sid loses its controlling terminal.
 * tasklist_lock held. */
static void session_clear_tty(pid_t sid)
{
	struct task_struct *t;

	list_for_each_entry(t, &task_list, tasks)
		if (t->signal && t->signal->session == sid)
			WRITE_ONCE(t->signal->tty, NULL);
}

/* May current use the terminal? A process of its session that is not in
 * the foreground group gets sig (SIGTTIN for reads, SIGTTOU for writes
 * with TOSTOP and for changing the settings) sent to its group and
 * -ERESTARTSYS, to retry once continued in the foreground. A read that
 * cannot be stopped that way (SIGTTIN ignored or blocked, or an orphaned
 * group) gets -EIO; a write or change is then just allowed. */
static int tty_check_bg(struct tty_struct *tty, int sig)
{
	pid_t pgrp = task_pgrp_nr(current), fg, sid;

	if (!is_ctty(tty))
		return 0;	/* not our terminal */
	spin_lock(&tty->lock);
	fg = tty->pgrp;
	sid = tty->session;
	spin_unlock(&tty->lock);
	if (!sid || task_session_nr(current) != sid || fg <= 0 || pgrp == fg)
		return 0;	/* we are in front */
	if (signal_ignored_or_blocked(sig))
		return sig == SIGTTIN ? -EIO : 0;
	if (is_current_pgrp_orphaned())
		return -EIO;
	kill_pgrp(pgrp, sig);
	return -ERESTARTSYS;
}

/* ---- reading ---- */

/* Move readable input into kbuf: at most one line when canonical. */
static size_t copy_input(struct tty_struct *tty, char *kbuf, size_t cnt)
{
	int canon = L(tty, ICANON);
	size_t n = 0;

	while (tty->read_tail != tty->canon_head && n < cnt) {
		unsigned int i = tty->read_tail++ % N_TTY_BUF_SIZE;
		int eol = canon && test_bit(i, tty->eol_mark);

		if (eol && test_bit(i, tty->eof_mark))
			break;	/* ^D: consumed, not data */
		kbuf[n++] = tty->buf[i];
		if (eol)
			break;
	}
	return n;
}

static ssize_t tty_read(struct file *f, struct iov_iter *to, loff_t *pos)
{
	struct tty_struct *tty = &console_tty;
	size_t cnt = min(iov_iter_count(to), (size_t)N_TTY_BUF_SIZE), n;
	char *kbuf;
	int err = tty_check_bg(tty, SIGTTIN);

	if (err)
		return err;
	if (!(kbuf = kmalloc(cnt, GFP_KERNEL)))
		return -ENOMEM;
	spin_lock(&tty->lock);
	if (tty->read_tail == tty->canon_head) {
		if (f->f_flags & O_NONBLOCK)
			err = -EAGAIN;
		else if (!L(tty, ICANON) && !tty->termios.c_cc[VMIN] &&
			 !tty->termios.c_cc[VTIME])
			err = 0;	/* polling read */
		else
			err = wait_event_interruptible_locked(tty->read_wait,
				tty->read_tail != tty->canon_head, &tty->lock);
	}
	n = err ? 0 : copy_input(tty, kbuf, cnt);
	spin_unlock(&tty->lock);
	if (n) {
		size_t c = copy_to_iter(kbuf, n, to);

		if (c < n && !c)
			err = -EFAULT;
		n = c;	/* input copied out but not delivered is lost */
	}
	kfree(kbuf);
	return err ? err : (ssize_t)n;
}

/* Readable once read() would not block; always writable (output goes
 * straight to the UART). */
static __poll_t tty_poll(struct file *f, poll_table *pt)
{
	struct tty_struct *tty = &console_tty;
	__poll_t mask = POLLOUT | POLLWRNORM;

	poll_wait(f, &tty->read_wait, pt);
	spin_lock(&tty->lock);
	if (tty->read_tail != tty->canon_head)
		mask |= POLLIN | POLLRDNORM;
	spin_unlock(&tty->lock);
	return mask;
}

/* ---- ioctl ---- */

/* Is there a process of group pgrp in session sid? */
static int pgrp_in_session(pid_t pgrp, pid_t sid)
{
	struct task_struct *t;
	int found = 0;

	spin_lock(&tasklist_lock);
	list_for_each_entry(t, &task_list, tasks)
		if (t == t->group_leader && !t->exit_state && t->signal->pgrp == pgrp &&
		    t->signal->session == sid)
			found = 1;
	spin_unlock(&tasklist_lock);
	return found;
}

static void flush_input(struct tty_struct *tty)	/* lock held */
{
	tty->read_tail = tty->canon_head = tty->read_head;
}

static long set_termios(struct tty_struct *tty, unsigned int cmd, void __user *arg)
{
	struct termios t;

	if (copy_from_user(&t, arg, sizeof(t)))
		return -EFAULT;
	spin_lock(&tty->lock);
	if (cmd == TCSETSF)
		flush_input(tty);
	tty->termios = t;
	if (!(t.c_lflag & ICANON))
		tty->canon_head = tty->read_head;	/* all input readable now */
	spin_unlock(&tty->lock);
	wake_up(&tty->read_wait);
	return 0;
}

/* Make tty current's controlling terminal, as Linux's tiocsctty: only
 * a session leader without one may, and only if no other session has
 * it, unless arg is 1 (then it is taken away from that session; every
 * process here has CAP_SYS_ADMIN, so Linux's permission checks pass). */
static long tiocsctty(struct tty_struct *tty, unsigned long arg)
{
	struct signal_struct *sig = current->signal;
	pid_t sid = sig->session;
	long err = 0;

	spin_lock(&tasklist_lock);
	spin_lock(&tty->lock);
	if (is_session_leader() && tty->session == sid)
		goto out;	/* already ours */
	if (!is_session_leader() || sig->tty)
		err = -EPERM;
	else if (tty->session && arg != 1)
		err = -EPERM;	/* another session's terminal */
	else {
		if (tty->session)
			session_clear_tty(tty->session);
		tty->session = sid;
		tty->pgrp = task_pgrp_nr(current);
		WRITE_ONCE(sig->tty, tty);
	}
out:
	spin_unlock(&tty->lock);
	spin_unlock(&tasklist_lock);
	return err;
}

static long tty_ioctl(struct file *f, unsigned int cmd, unsigned long arg)
{
	struct tty_struct *tty = &console_tty;
	void __user *p = (void __user *)arg;
	struct termios t;
	struct winsize ws;
	pid_t pgrp;
	int n;

	switch (cmd) {	/* changes from the background: SIGTTOU */
	case TCSETS: case TCSETSW: case TCSETSF: case TIOCSPGRP: case TCFLSH: case TIOCSWINSZ:
		if ((n = tty_check_bg(tty, SIGTTOU)))
			return n;
	}
	switch (cmd) {
	case TCGETS:
		spin_lock(&tty->lock);
		t = tty->termios;
		spin_unlock(&tty->lock);
		return copy_to_user(p, &t, sizeof(t)) ? -EFAULT : 0;
	case TCSETS:
	case TCSETSW:
	case TCSETSF:
		return set_termios(tty, cmd, p);
	case TIOCGWINSZ:
		spin_lock(&tty->lock);
		ws = tty->winsize;
		spin_unlock(&tty->lock);
		return copy_to_user(p, &ws, sizeof(ws)) ? -EFAULT : 0;
	case TIOCSWINSZ:
		if (copy_from_user(&ws, p, sizeof(ws)))
			return -EFAULT;
		spin_lock(&tty->lock);
		n = memcmp(&ws, &tty->winsize, sizeof(ws));
		tty->winsize = ws;
		pgrp = tty->pgrp;
		spin_unlock(&tty->lock);
		if (n && pgrp > 0)
			kill_pgrp(pgrp, SIGWINCH);
		return 0;
	case TIOCGPGRP:
		if (!is_ctty(tty))
			return -ENOTTY;
		return put_user(READ_ONCE(tty->pgrp), (pid_t __user *)p);
	case TIOCSPGRP:
		if (get_user(pgrp, (pid_t __user *)p))
			return -EFAULT;
		if (pgrp < 0)
			return -EINVAL;
		if (!is_ctty(tty) || task_session_nr(current) != READ_ONCE(tty->session))
			return -ENOTTY;	/* not our controlling terminal */
		if (!pgrp_in_session(pgrp, task_session_nr(current)))
			return -EPERM;
		WRITE_ONCE(tty->pgrp, pgrp);
		return 0;
	case TIOCGSID:
		if (!is_ctty(tty) || !(n = READ_ONCE(tty->session)))
			return -ENOTTY;
		return put_user(n, (pid_t __user *)p);
	case TIOCSCTTY:
		return tiocsctty(tty, arg);
	case TIOCNOTTY:
		if (!is_ctty(tty))
			return -ENOTTY;
		if (is_session_leader())	/* the whole session loses it */
			tty_session_exit(current->tgid);
		else
			WRITE_ONCE(current->signal->tty, NULL);
		return 0;
	case TCSBRK:
	case TCXONC:
		return 0;
	case TCFLSH:
		if (arg > TCIOFLUSH)
			return -EINVAL;
		if (arg != TCOFLUSH) {
			spin_lock(&tty->lock);
			flush_input(tty);
			spin_unlock(&tty->lock);
		}
		return 0;
	case FIONREAD:
		n = READ_ONCE(tty->canon_head) - READ_ONCE(tty->read_tail);
		return put_user(n, (int __user *)p);
	case TIOCOUTQ:
		return put_user(0, (int __user *)p);
	}
	return -ENOTTY;
}

static const struct file_operations tty_fops = {
	.open = tty_open, .read = tty_read, .write = tty_write, .ioctl = tty_ioctl,
	.poll = tty_poll,
};

void tty_init(void)
{
	register_chrdev_region(TTYAUX_MAJOR, 0, &tty_fops);	/* /dev/tty */
	register_chrdev_region(TTYAUX_MAJOR, 1, &tty_fops);	/* /dev/console */
}

void tty_ctty_info(struct tty_struct *tty, dev_t *dev, pid_t *fg_pgrp)
{
	*dev = MKDEV(TTYAUX_MAJOR, 1);
	*fg_pgrp = READ_ONCE(tty->pgrp);
}

void tty_session_exit(pid_t sid)
{
	struct tty_struct *tty = &console_tty;
	pid_t fg = 0;

	spin_lock(&tasklist_lock);
	spin_lock(&tty->lock);
	if (sid > 0 && tty->session == sid) {
		fg = tty->pgrp;
		tty->session = 0;
		tty->pgrp = 0;
	}
	spin_unlock(&tty->lock);
	session_clear_tty(sid);
	spin_unlock(&tasklist_lock);
	if (fg > 0) {
		kill_pgrp(fg, SIGHUP);
		kill_pgrp(fg, SIGCONT);
	}
}

/* A session leader without a terminal that opens the console (without
 * O_NOCTTY) while no session has it makes it its controlling terminal,
 * as Linux does for a serial tty (Linux's /dev/console never becomes
 * one; here it is the serial port itself). */
static int tty_open(struct inode *inode, struct file *f)
{
	struct tty_struct *tty = &console_tty;
	struct signal_struct *sig = current->signal;

	if (f->f_flags & O_NOCTTY || !is_session_leader() || READ_ONCE(sig->tty))
		return 0;
	spin_lock(&tasklist_lock);
	spin_lock(&tty->lock);
	if (!tty->session && !sig->tty) {
		tty->session = sig->session;
		tty->pgrp = task_pgrp_nr(current);
		WRITE_ONCE(sig->tty, tty);
	}
	spin_unlock(&tty->lock);
	spin_unlock(&tasklist_lock);
	return 0;
}

/* fds 0, 1, 2 of current on /dev/console (before running pid 1). */
int console_setup_fds(void)
{
	struct file *f = filp_open("/dev/console", O_RDWR, 0);
	int err = 0;

	if (IS_ERR(f))
		return PTR_ERR(f);
	for (int fd = 0; fd < 3 && err >= 0; fd++)
		err = replace_fd(fd, get_file(f), 0);
	fput(f);
	return err < 0 ? err : 0;
}
