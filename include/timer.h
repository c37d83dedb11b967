/* timer.h: kernel timers (jiffies resolution) and clocks. */
#ifndef _TIMER_H
#define _TIMER_H
#include <types.h>
#include <list.h>

struct timer_list {
	struct list_head entry;
	u64 expires;		/* jiffies */
	void (*function)(struct timer_list *);
	int pending;
};
void timer_setup(struct timer_list *t, void (*fn)(struct timer_list *));
void add_timer(struct timer_list *t);
int del_timer(struct timer_list *t);	/* 1 if it was pending */
int del_timer_sync(struct timer_list *t);	/* ... and its callback is not running */
u64 get_cycles(void);
u64 ktime_get_ns(void);		/* monotonic since boot */
extern u64 boot_realtime_ns;	/* wall clock at boot, from the RTC */
/* CLOCK_REALTIME in whole seconds: file and /proc timestamps. */
static inline u64 ktime_get_real_seconds(void)
{
	return (ktime_get_ns() + boot_realtime_ns) / 1000000000ULL;
}
void time_init(void);
void timer_init_cpu(void);
/* An idle hart other than cpu 0 stops its tick until it wakes. */
void tick_nohz_idle_enter(void);
void tick_nohz_idle_exit(void);
#endif
