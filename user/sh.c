/* sh.c - a small shell: words with '..' and ".." quotes, \ escapes,
 * $VAR and $?, pipelines a | b, redirections < > >> 2>, sequencing ; and
 * background &, builtins cd, exit, export. Each job gets its own pgroup. */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define LINEMAX 4096
#define MAXTOK 256
#define MAXCMD 16

enum { T_WORD, T_PIPE, T_IN, T_OUT, T_APP, T_ERR };

struct tok { int type; char *s; };
struct cmd { char *argv[MAXTOK + 1]; int argc; char *in, *out, *err; int append; };

static int status;			/* $? */
static char words[LINEMAX * 4];		/* storage for expanded words */
static const int jobsigs[] = { SIGINT, SIGQUIT, SIGTSTP, SIGTTIN, SIGTTOU };

static void say(const char *a, const char *b, const char *c)
{
	fprintf(stderr, "sh: %s%s%s\n", a, b, c);
}

/* Read one line byte by byte so children see the rest of stdin. */
static int readline(char *buf, int max)
{
	int n = 0;
	char c;
	for (;;) {
		ssize_t r = read(0, &c, 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return n > 0 ? n : -1;
		if (c == '\n')
			break;
		if (n < max - 1)
			buf[n++] = c;
	}
	buf[n] = 0;
	return n;
}

/* Append the value of $NAME, ${NAME}, $? or $$ at *pp (just past '$'). */
static char *expand(const char **pp, char *w, char *end)
{
	const char *p = *pp;
	char name[128], num[16];
	const char *val = "";
	int n = 0;
	if (*p == '?') {
		snprintf(num, sizeof num, "%d", status);
		val = num;
		p++;
	} else if (*p == '$') {
		snprintf(num, sizeof num, "%d", (int)getpid());
		val = num;
		p++;
	} else if (*p == '{' && strchr(p, '}')) {
		p++;
		while (*p != '}' && n < 127)
			name[n++] = *p++;
		name[n] = 0;
		p = strchr(p, '}') + 1;
		val = getenv(name);
		if (!val)
			val = "";
	} else if (*p == '_' || isalpha((unsigned char)*p)) {
		while ((*p == '_' || isalnum((unsigned char)*p)) && n < 127)
			name[n++] = *p++;
		name[n] = 0;
		val = getenv(name);
		if (!val)
			val = "";
	} else {
		val = "$";
	}
	while (*val && w < end)
		*w++ = *val++;
	*pp = p;
	return w;
}

/* Split a command string into tokens; returns count or -1 on error. */
static int lex(const char *p, struct tok *t)
{
	char *w = words, *end = words + sizeof words - 1;
	int n = 0;
	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			return n;
		if (n >= MAXTOK) {
			say("too many words", "", "");
			return -1;
		}
		if (*p == '|') {
			t[n++].type = T_PIPE, p++;
			continue;
		}
		if (*p == '<') {
			t[n++].type = T_IN, p++;
			continue;
		}
		if (*p == '>') {
			t[n++].type = p[1] == '>' ? T_APP : T_OUT;
			p += p[1] == '>' ? 2 : 1;
			continue;
		}
		if (p[0] == '2' && p[1] == '>') {
			t[n++].type = T_ERR, p += 2;
			continue;
		}
		t[n].type = T_WORD;
		t[n++].s = w;
		while (*p && !strchr(" \t|<>", *p)) {
			if (*p == '\'' || *p == '"') {
				char q = *p++;
				while (*p && *p != q) {
					if (q == '"' && *p == '\\' && p[1] &&
					    strchr("$\"\\", p[1])) {
						p++;
						if (w < end)
							*w++ = *p;
						p++;
					} else if (q == '"' && *p == '$') {
						p++;
						w = expand(&p, w, end);
					} else if (w < end) {
						*w++ = *p++;
					} else {
						p++;
					}
				}
				if (!*p) {
					say("unterminated quote", "", "");
					return -1;
				}
				p++;
			} else if (*p == '\\' && p[1]) {
				if (w < end)
					*w++ = p[1];
				p += 2;
			} else if (*p == '$') {
				p++;
				w = expand(&p, w, end);
			} else if (w < end) {
				*w++ = *p++;
			} else {
				p++;
			}
		}
		*w++ = 0;
		if (w >= end) {
			say("line too long", "", "");
			return -1;
		}
	}
}

/* Turn tokens into a pipeline of commands; returns count or -1. */
static int parse(struct tok *t, int nt, struct cmd *c)
{
	int n = 0;
	memset(&c[0], 0, sizeof c[0]);
	for (int i = 0; i < nt; i++) {
		struct cmd *cc = &c[n];
		switch (t[i].type) {
		case T_WORD:
			cc->argv[cc->argc++] = t[i].s;
			break;
		case T_PIPE:
			if (cc->argc == 0 || n + 1 >= MAXCMD)
				goto syntax;
			memset(&c[++n], 0, sizeof c[0]);
			break;
		default:
			if (i + 1 >= nt || t[i + 1].type != T_WORD)
				goto syntax;
			if (t[i].type == T_IN)
				cc->in = t[i + 1].s;
			else if (t[i].type == T_ERR)
				cc->err = t[i + 1].s;
			else
				cc->out = t[i + 1].s, cc->append = t[i].type == T_APP;
			i++;
		}
	}
	if (c[n].argc == 0) {
		if (n == 0 && !c[0].in && !c[0].out && !c[0].err)
			return 0;
		goto syntax;
	}
	return n + 1;
syntax:
	say("syntax error", "", "");
	return -1;
}

/* Builtins. Returns 1 if argv[0] was a builtin (and runs it). */
static int builtin(struct cmd *c)
{
	char **a = c->argv;
	if (!strcmp(a[0], "exit")) {
		exit(a[1] ? atoi(a[1]) : status);
	} else if (!strcmp(a[0], "cd")) {
		const char *d = a[1] ? a[1] : getenv("HOME");
		if (!d)
			d = "/";
		status = 0;
		if (chdir(d) < 0) {
			say("cd: ", d, ": No such directory");
			status = 1;
		}
	} else if (!strcmp(a[0], "export")) {
		extern char **environ;
		status = 0;
		if (!a[1])
			for (char **e = environ; *e; e++)
				printf("export %s\n", *e);
		for (int i = 1; a[i]; i++) {
			char *eq = strchr(a[i], '=');
			if (eq) {
				*eq = 0;
				setenv(a[i], eq + 1, 1);
			}
		}
		fflush(stdout);
	} else {
		return 0;
	}
	return 1;
}

static void redirect(const char *path, int fd, int flags)
{
	int f = open(path, flags, 0644);
	if (f < 0) {
		say(path, ": ", strerror(errno));
		_exit(1);
	}
	if (f != fd) {
		dup2(f, fd);
		close(f);
	}
}

/* Child side: redirect and exec (searching PATH if no '/'). */
static void child(struct cmd *c)
{
	for (unsigned i = 0; i < sizeof jobsigs / sizeof jobsigs[0]; i++)
		signal(jobsigs[i], SIG_DFL);
	if (c->in)
		redirect(c->in, 0, O_RDONLY);
	if (c->out)
		redirect(c->out, 1, O_WRONLY | O_CREAT |
			 (c->append ? O_APPEND : O_TRUNC));
	if (c->err)
		redirect(c->err, 2, O_WRONLY | O_CREAT | O_TRUNC);
	if (builtin(c))
		_exit(status);
	char *name = c->argv[0];
	int err = ENOENT;
	if (strchr(name, '/')) {
		execv(name, c->argv);
		err = errno;
	} else {
		const char *path = getenv("PATH");
		char buf[512];
		if (!path || !*path)
			path = "/bin";
		while (*path) {
			size_t len = strcspn(path, ":");
			snprintf(buf, sizeof buf, "%.*s/%s", (int)len,
				 len ? path : ".", name);
			execv(buf, c->argv);
			if (errno != ENOENT && errno != ENOTDIR)
				err = errno;
			path += len + (path[len] == ':');
		}
	}
	if (err == ENOENT)
		say(name, ": not found", "");
	else
		say(name, ": ", strerror(err));
	_exit(err == ENOENT ? 127 : 126);
}

static void report(int st, int last)
{
	if (!WIFSIGNALED(st))
		return;
	int sig = WTERMSIG(st);
	if (sig == SIGSEGV)
		fprintf(stderr, "Segmentation fault\n");
	else if (sig == SIGINT)
		fprintf(stderr, "\n");
	else if (sig != SIGPIPE || last)
		fprintf(stderr, "Killed by signal %d\n", sig);
}

static void run(struct cmd *c, int n, int bg)
{
	pid_t pids[MAXCMD], pgid = 0;
	int in = -1;
	if (n == 1 && !bg && builtin(c))
		return;
	fflush(NULL);
	for (int i = 0; i < n; i++) {
		int p[2] = { -1, -1 };
		if (i < n - 1 && pipe2(p, O_CLOEXEC) < 0) {
			say("pipe: ", strerror(errno), "");
			break;
		}
		pid_t pid = fork();
		if (pid < 0) {
			say("fork: ", strerror(errno), "");
			close(p[0]), close(p[1]);
			n = i;
			break;
		}
		if (pid == 0) {
			setpgid(0, pgid);
			if (in >= 0)
				dup2(in, 0);
			if (p[1] >= 0)
				dup2(p[1], 1);
			child(&c[i]);
		}
		if (!pgid)
			pgid = pid;
		setpgid(pid, pgid);
		pids[i] = pid;
		if (in >= 0)
			close(in);
		if (p[1] >= 0)
			close(p[1]);
		in = p[0];
	}
	if (in >= 0)
		close(in);
	if (bg) {
		if (pgid)
			printf("[%d]\n", (int)pgid);
		fflush(stdout);
		status = 0;
		return;
	}
	if (n > 0)
		tcsetpgrp(0, pgid);	/* fails harmlessly if not a tty */
	for (int i = 0; i < n; i++) {
		int st = 0;
		while (waitpid(pids[i], &st, 0) < 0 && errno == EINTR)
			;
		report(st, i == n - 1);
		if (i == n - 1)
			status = WIFEXITED(st) ? WEXITSTATUS(st) :
				 WIFSIGNALED(st) ? 128 + WTERMSIG(st) : 1;
	}
	tcsetpgrp(0, getpgrp());
}

/* Lex, parse and run one ';'/'&'-terminated piece. */
static void runpiece(const char *s, int bg)
{
	static struct tok t[MAXTOK];
	static struct cmd c[MAXCMD];
	int nt = lex(s, t), n;
	if (nt < 0 || (n = parse(t, nt, c)) < 0) {
		status = 2;
		return;
	}
	if (n > 0)
		run(c, n, bg);
}

/* Split the line at unquoted ';' and '&' and run each piece in turn. */
static void runline(char *line)
{
	char *start = line, q = 0;
	for (char *p = line;; p++) {
		if (*p == '\\' && p[1] && q != '\'') {
			p++;
			continue;
		}
		if (q) {
			if (*p == q)
				q = 0;
			else if (!*p)
				break;	/* lex reports the bad quote */
			continue;
		}
		if (*p == '\'' || *p == '"') {
			q = *p;
		} else if (*p == '#' && (p == line || p[-1] == ' ' || p[-1] == '\t')) {
			*p = 0;
			break;
		} else if (*p == ';' || *p == '&' || !*p) {
			char c = *p;
			*p = 0;
			runpiece(start, c == '&');
			if (!c)
				return;
			start = p + 1;
		}
	}
	runpiece(start, 0);
}

int main(void)
{
	static char line[LINEMAX];
	for (unsigned i = 0; i < sizeof jobsigs / sizeof jobsigs[0]; i++)
		signal(jobsigs[i], SIG_IGN);
	for (;;) {
		int st;
		pid_t p;
		while ((p = waitpid(-1, &st, WNOHANG)) > 0)
			printf("[%d] Done\n", (int)p);
		printf("$ ");
		fflush(stdout);
		if (readline(line, sizeof line) < 0)
			break;
		runline(line);
	}
	printf("\n");
	return status;
}
