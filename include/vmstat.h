/* vmstat.h: the counters of /proc/vmstat, named and laid out as Linux's
 * (include/linux/vmstat.h, mm/vmstat.c). Two kinds:
 *  - node_stat_item: gauges of pages in a state (NR_FILE_DIRTY goes up
 *    and down), read with global_node_page_state();
 *  - vm_event_item: events that only count up (PGFAULT), bumped with
 *    count_vm_event().
 * Adding a counter: one enum entry here and its name, at the same
 * position, in vmstat_text[] (mm/vmstat.c). All are plain atomics: no
 * lock, safe from any context including interrupts. */
#ifndef _VMSTAT_H
#define _VMSTAT_H
#include <atomic.h>

enum node_stat_item {
	NR_FILE_PAGES,		/* page-cache folios (pages) */
	NR_UNEVICTABLE,		/* ... of them that reclaim can never free (ramfs) */
	NR_FILE_DIRTY,		/* dirty and not yet under writeback */
	NR_WRITEBACK,		/* under writeback */
	NR_DIRTIED,		/* folios that became dirty, ever (only counts up) */
	NR_WRITTEN,		/* folios whose writeback ended, ever */
	NR_VM_NODE_STAT_ITEMS
};

enum vm_event_item {
	PGPGIN,			/* KiB read from block devices */
	PGPGOUT,		/* KiB written to block devices */
	PGFAULT,		/* page faults handled */
	PGMAJFAULT,		/* faults that had to wait for a read */
	PGSTEAL,		/* page-cache folios reclaimed */
	OOM_KILL,		/* processes killed for want of memory (fault.c) */
	PGCACHE_HIT,		/* page-cache lookups that found a folio (ours) */
	PGCACHE_MISS,		/* ... that did not (ours) */
	DCACHE_HIT,		/* dentry-cache lookups that hit (ours) */
	DCACHE_MISS,		/* ... that missed (ours) */
	PGFAULT_RETRY,		/* faults retried after dropping mmap_lock (ours) */
	PGFAULT_AROUND,		/* pages mapped by fault-around (ours) */
	PGCOW_COPY,		/* copy-on-write faults that copied a page (ours) */
	PGCOW_REUSE,		/* ... that found the page theirs alone (ours) */
	FLUSHER_WAKEUP,		/* a flusher thread woke up (timer or request) (ours) */
	FLUSHER_KUPDATE,	/* pages its periodic pass wrote (old inodes) (ours) */
	FLUSHER_BACKGROUND,	/* pages it wrote over the background threshold (ours) */
	DIRTY_THROTTLE,		/* sleeps of writers in balance_dirty_pages (ours) */
	RA_PAGES,		/* pages readahead inserted and started reading (ours) */
	RA_SYNC,		/* readahead windows started on a miss (ours) */
	RA_ASYNC,		/* ... started at a readahead mark (ours) */
	RA_MMAP_AROUND,		/* faults that read around the faulting page (ours) */
	RA_WASTE,		/* read-ahead pages evicted or truncated unused (ours) */
	NR_VM_EVENT_ITEMS
};

extern atomic_long_t vm_node_stat[NR_VM_NODE_STAT_ITEMS];
extern atomic_long_t vm_events[NR_VM_EVENT_ITEMS];

static inline void mod_node_page_state(enum node_stat_item item, long delta)
{
	atomic_long_add(delta, &vm_node_stat[item]);
}
static inline void inc_node_page_state(enum node_stat_item item) { mod_node_page_state(item, 1); }
static inline void dec_node_page_state(enum node_stat_item item) { mod_node_page_state(item, -1); }
static inline long global_node_page_state(enum node_stat_item item)
{
	long v = atomic_long_read(&vm_node_stat[item]);
	return v < 0 ? 0 : v;	/* a reader can see a dec before its inc */
}

static inline void count_vm_events(enum vm_event_item item, long n)
{
	atomic_long_add(n, &vm_events[item]);
}
static inline void count_vm_event(enum vm_event_item item) { count_vm_events(item, 1); }

struct seq_buf;
int vmstat_show(struct seq_buf *m);	/* /proc/vmstat */

#endif
