/* thread_signals.c - signals and threads: pthread_kill runs the handler
 * in the target thread, a process-directed kill() goes to the one thread
 * that has the signal unblocked, exit_group / a fatal signal from a
 * secondary thread ends every thread with the right status for the
 * parent, the main thread's pthread_exit leaves the others running, and
 * execve from a secondary thread replaces the whole process. */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdint.h>
#include "t.h"

#define NT 3

static pid_t tids[NT];
static volatile pid_t handled_tid;
static volatile int handled;
static long stop, ready;

static void on_sig(int sig)
{
	(void)sig;
	handled_tid = gettid();
	handled++;
}

static void on(int sig, void (*h)(int))
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = h;
	sigemptyset(&sa.sa_mask);
	CHECK(sigaction(sig, &sa, NULL) == 0, "sigaction");
}

/* Waits (in short sleeps) until told to stop. Thread NT-1 unblocks SIGUSR2. */
static void *waiter(void *arg)
{
	long id = (long)arg;
	tids[id] = gettid();
	if (id == NT - 1) {
		sigset_t s;
		sigemptyset(&s);
		sigaddset(&s, SIGUSR2);
		pthread_sigmask(SIG_UNBLOCK, &s, NULL);
	}
	__atomic_add_fetch(&ready, 1, __ATOMIC_SEQ_CST);
	while (!__atomic_load_n(&stop, __ATOMIC_SEQ_CST))
		t_sleep_ms(2);
	return NULL;
}

static void wait_handled(int n, const char *msg)
{
	double t0 = t_now();
	while (handled < n) {
		CHECK(t_now() - t0 < 5, msg);
		t_sleep_ms(1);
	}
}

static void *sleeper(void *arg)
{
	(void)arg;
	for (;;)
		t_sleep_ms(1000);
	return NULL;
}

static void spawn_sleepers(int n)
{
	pthread_t th;
	for (int i = 0; i < n; i++)
		if (pthread_create(&th, NULL, sleeper, NULL) != 0)
			_exit(90);
}

static void *exiter(void *arg)
{
	t_sleep_ms(20);
	syscall(SYS_exit_group, (int)(long)arg);
	return NULL;
}

/* Child: main + sleepers; a secondary thread calls exit_group(42). */
static void exit_group_child(void)
{
	pthread_t th;
	spawn_sleepers(3);
	if (pthread_create(&th, NULL, exiter, (void *)42L) != 0)
		_exit(91);
	for (;;)
		t_sleep_ms(1000);
}

static volatile uintptr_t null_addr;
static void *segv_thread(void *arg)
{
	(void)arg;
	t_sleep_ms(20);
	*(volatile int *)null_addr = 1;
	return NULL;
}

/* Child: a secondary thread dereferences NULL; the whole process dies. */
static void segv_child(void)
{
	pthread_t th;
	spawn_sleepers(2);
	if (pthread_create(&th, NULL, segv_thread, NULL) != 0)
		_exit(92);
	for (;;)
		t_sleep_ms(1000);
}

static void *late_exit(void *arg)
{
	(void)arg;
	t_sleep_ms(100);
	exit(7);
}

/* Child: main thread pthread_exits; another thread exits later with 7. */
static void main_exits_first_child(void)
{
	pthread_t th;
	if (pthread_create(&th, NULL, late_exit, NULL) != 0)
		_exit(93);
	pthread_exit(NULL);
}

static int exec_pipe_w;
static void *exec_thread(void *arg)
{
	(void)arg;
	char *argv[] = { "echo", "hello", "from", "a", "thread", NULL };
	char *envp[] = { "PATH=/bin", NULL };
	t_sleep_ms(10);
	dup2(exec_pipe_w, 1);
	execve("/bin/echo", argv, envp);
	_exit(94);
}

/* Child: a secondary thread execs /bin/echo while others are running. */
static void exec_child(void)
{
	pthread_t th;
	spawn_sleepers(2);
	if (pthread_create(&th, NULL, exec_thread, NULL) != 0)
		_exit(95);
	for (;;)
		t_sleep_ms(1000);
}

int main(void)
{
	pthread_t th[NT];
	sigset_t set, old;

	/* pthread_kill: the handler runs in the target thread */
	on(SIGUSR1, on_sig);
	on(SIGUSR2, on_sig);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	CHECK(sigprocmask(SIG_BLOCK, &set, &old) == 0, "block SIGUSR2");	/* inherited */
	for (long i = 0; i < NT; i++)
		CHECK(pthread_create(&th[i], NULL, waiter, (void *)i) == 0, "pthread_create");
	double t0 = t_now();
	while (__atomic_load_n(&ready, __ATOMIC_SEQ_CST) < NT) {
		CHECK(t_now() - t0 < 5, "threads did not start");
		t_sleep_ms(1);
	}
	int n = 0;
	for (int round = 0; round < 3; round++) {
		for (int i = 0; i < NT; i++) {
			handled_tid = 0;
			CHECK(pthread_kill(th[i], SIGUSR1) == 0, "pthread_kill");
			wait_handled(++n, "pthread_kill: handler never ran");
			CHECK(handled_tid == tids[i], "pthread_kill: handler ran in the target thread");
		}
		handled_tid = 0;
		CHECK(pthread_kill(pthread_self(), SIGUSR1) == 0, "pthread_kill self");
		CHECK(handled == ++n, "pthread_kill self: handler ran before return");
		CHECK(handled_tid == gettid(), "pthread_kill self: handler in main thread");
	}
	/* tgkill with a tid of another process's thread group fails */
	CHECK_ERR(syscall(SYS_tgkill, getpid(), 0x3fffffff, SIGUSR1), ESRCH,
		  "tgkill nonexistent tid -> ESRCH");

	/* process-directed kill(): only thread NT-1 has SIGUSR2 unblocked */
	for (int round = 0; round < 5; round++) {
		handled_tid = 0;
		CHECK(kill(getpid(), SIGUSR2) == 0, "kill self SIGUSR2");
		wait_handled(++n, "kill(): SIGUSR2 never delivered to the unblocked thread");
		CHECK(handled_tid == tids[NT - 1],
		      "kill(): handler ran in the only thread with SIGUSR2 unblocked");
	}
	__atomic_store_n(&stop, 1, __ATOMIC_SEQ_CST);
	for (int i = 0; i < NT; i++)
		CHECK(pthread_join(th[i], NULL) == 0, "pthread_join");
	CHECK(sigprocmask(SIG_SETMASK, &old, NULL) == 0, "restore mask");

	/* a pending process signal blocked in every thread waits for an unblock */
	CHECK(sigprocmask(SIG_BLOCK, &set, NULL) == 0, "block SIGUSR2");
	CHECK(kill(getpid(), SIGUSR2) == 0, "kill self SIGUSR2 (blocked)");
	t_sleep_ms(20);
	CHECK(handled == n, "blocked process signal not delivered");
	sigset_t pend;
	CHECK(sigpending(&pend) == 0 && sigismember(&pend, SIGUSR2), "SIGUSR2 pending");
	CHECK(sigprocmask(SIG_SETMASK, &old, NULL) == 0, "unblock");
	CHECK(handled == ++n && handled_tid == gettid(), "delivered on unblock");

	/* exit_group from a secondary thread */
	int st = t_child(exit_group_child);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 42,
	      "exit_group(42) from a secondary thread: parent sees exit 42");

	/* a fatal signal in a secondary thread kills the process */
	CHECK_DIES(segv_child, SIGSEGV, "SIGSEGV in a secondary thread kills the process");

	/* main thread exits first; the process lives on until exit(7) */
	st = t_child(main_exits_first_child);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 7,
	      "pthread_exit in main, exit(7) in another thread: status 7");

	/* execve from a secondary thread */
	for (int round = 0; round < 3; round++) {
		int p[2];
		CHECK(pipe(p) == 0, "pipe");
		fflush(NULL);
		pid_t pid = fork();
		CHECK(pid >= 0, "fork");
		if (pid == 0) {
			close(p[0]);
			exec_pipe_w = p[1];
			exec_child();
		}
		close(p[1]);
		char buf[128];
		int len = 0;
		ssize_t r;
		t0 = t_now();
		while (len < (int)sizeof buf - 1 &&
		       (r = read(p[0], buf + len, sizeof buf - 1 - len)) != 0) {
			if (r < 0 && errno == EINTR)
				continue;
			CHECK(r > 0, "read exec output");
			len += r;
		}
		buf[len] = 0;
		close(p[0]);
		st = t_wait(pid);
		if (strcmp(buf, "hello from a thread\n") != 0)
			fprintf(stderr, "got \"%s\" status 0x%x\n", buf, st);
		CHECK(strcmp(buf, "hello from a thread\n") == 0,
		      "execve from a thread: output of /bin/echo");
		CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0,
		      "execve from a thread: exit status 0 seen by parent");
		CHECK(t_now() - t0 < 10, "execve from a thread took too long");
	}
	t_ok("thread_signals");
	return 0;
}
