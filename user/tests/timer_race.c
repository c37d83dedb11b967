/* timer_race.c - many threads take short timed sleeps (nanosleep and
 * FUTEX_WAIT with a timeout) while others interrupt them with signals
 * and futex wakes. A sleeper woken early returns and reuses the stack
 * that held its kernel timer; the kernel used to leave such a timer on
 * its list of expired timers while it ran another one's callback, then
 * ran it from the reused stack (crashes in the timer interrupt). The
 * test passes if every thread finishes its rounds and the counts add up. */
#define _GNU_SOURCE
#include <linux/futex.h>
#include <pthread.h>
#include <stdatomic.h>
#include "t.h"

#define SLEEPERS 8
#define ROUNDS 300

static pid_t tids[SLEEPERS];
static atomic_int futex_word[SLEEPERS];
static atomic_int running = SLEEPERS;
static atomic_long handled, rounds_done;

static void on_usr1(int sig)
{
	(void)sig;
	handled++;
}

static void *sleeper(void *arg)
{
	long i = (long)arg;
	struct timespec ts = { 0, 1000000 };	/* 1 ms: one tick */

	tids[i] = gettid();
	for (int r = 0; r < ROUNDS; r++) {
		long ret;

		if ((r + i) & 1) {
			ret = syscall(SYS_nanosleep, &ts, NULL);
		} else {
			futex_word[i] = 0;
			ret = syscall(SYS_futex, &futex_word[i], FUTEX_WAIT_PRIVATE, 0, &ts, NULL, 0);
		}
		CHECK(ret == 0 || errno == EINTR || errno == ETIMEDOUT || errno == EAGAIN,
		      "sleep returned an unexpected error");
		rounds_done++;
	}
	running--;
	return NULL;
}

/* Interrupts the sleepers: signals to odd ones, futex wakes to all. */
static void *waker(void *arg)
{
	unsigned x = 12345;

	(void)arg;
	while (running) {
		x = x * 1103515245 + 12345;
		int i = (x >> 16) % SLEEPERS;
		if (tids[i] && (x & 0x100))
			syscall(SYS_tgkill, getpid(), tids[i], SIGUSR1);
		futex_word[i] = 1;
		syscall(SYS_futex, &futex_word[i], FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
		if (x & 0x3000)
			sched_yield();
		else
			t_sleep_ms(0);
	}
	return NULL;
}

int main(void)
{
	pthread_t th[SLEEPERS], w[2];
	struct sigaction sa = { .sa_handler = on_usr1 };

	CHECK(sigaction(SIGUSR1, &sa, NULL) == 0, "sigaction");
	for (long i = 0; i < SLEEPERS; i++)
		CHECK(pthread_create(&th[i], NULL, sleeper, (void *)i) == 0, "pthread_create");
	for (int i = 0; i < 2; i++)
		CHECK(pthread_create(&w[i], NULL, waker, NULL) == 0, "pthread_create waker");
	for (int i = 0; i < SLEEPERS; i++)
		pthread_join(th[i], NULL);
	for (int i = 0; i < 2; i++)
		pthread_join(w[i], NULL);
	CHECK(rounds_done == SLEEPERS * ROUNDS, "every round finished");
	printf("timer_race: %ld signals handled\n", (long)handled);
	t_ok("timer_race");
	return 0;
}
