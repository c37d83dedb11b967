/* pthreads.c - threads share a mutex-protected counter, pthread_join
 * (futex + CLONE_CHILD_CLEARTID), condition variable ping-pong,
 * __thread variables per thread, distinct gettid with one getpid. */
#define _GNU_SOURCE
#include <pthread.h>
#include "t.h"

#define NTHREADS 6
#define ITERS 20000
#define ROUNDS 200

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static long counter;
static __thread long tls = 42;
static pid_t tids[NTHREADS], pids[NTHREADS];

static void *adder(void *arg)
{
	long id = (long)arg;
	if (tls != 42)
		return (void *)1;	/* each thread starts with the initial value */
	tls = id * 1000;
	tids[id] = gettid();
	pids[id] = getpid();
	for (int i = 0; i < ITERS; i++) {
		pthread_mutex_lock(&mu);
		counter++;
		pthread_mutex_unlock(&mu);
		if (i % 5000 == 0)
			sched_yield();
	}
	return tls == id * 1000 ? (void *)(id + 100) : (void *)2;
}

static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int turn, pings;

static void *ponger(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&mu);
	for (int i = 0; i < ROUNDS; i++) {
		while (turn != 1)
			pthread_cond_wait(&cv, &mu);
		pings++;
		turn = 0;
		pthread_cond_signal(&cv);
	}
	pthread_mutex_unlock(&mu);
	return NULL;
}

int main(void)
{
	pthread_t th[NTHREADS];
	pthread_attr_t attr;	/* small stacks: fine on a 64 MiB machine */
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 128 * 1024);
	tls = 7;
	for (long i = 0; i < NTHREADS; i++)
		CHECK(pthread_create(&th[i], &attr, adder, (void *)i) == 0, "pthread_create");
	for (long i = 0; i < NTHREADS; i++) {
		void *ret;
		CHECK(pthread_join(th[i], &ret) == 0, "pthread_join");
		CHECK(ret != (void *)1, "__thread initial value in new thread");
		CHECK(ret == (void *)(i + 100), "__thread value kept per thread");
	}
	CHECK(counter == (long)NTHREADS * ITERS, "mutex-protected counter");
	CHECK(tls == 7, "main thread's __thread untouched");
	for (int i = 0; i < NTHREADS; i++) {
		CHECK(pids[i] == getpid(), "getpid same in threads");
		CHECK(tids[i] != getpid() && tids[i] > 0, "thread tid differs from pid");
		for (int j = 0; j < i; j++)
			CHECK(tids[i] != tids[j], "tids distinct");
	}
	CHECK(gettid() == getpid(), "main thread tid == pid");

	/* condition variable ping-pong */
	pthread_t pt;
	CHECK(pthread_create(&pt, &attr, ponger, NULL) == 0, "pthread_create ponger");
	pthread_mutex_lock(&mu);
	for (int i = 0; i < ROUNDS; i++) {
		turn = 1;
		pthread_cond_signal(&cv);
		while (turn != 0)
			pthread_cond_wait(&cv, &mu);
	}
	pthread_mutex_unlock(&mu);
	CHECK(pthread_join(pt, NULL) == 0, "join ponger");
	CHECK(pings == ROUNDS, "ping-pong rounds");

	t_ok("pthreads");
	return 0;
}
