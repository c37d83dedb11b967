/* vmstat.c: the counters behind /proc/vmstat (include/vmstat.h) and the
 * file itself: one "name value" line per counter, gauges first, then
 * the dirty thresholds (computed, mm/page-writeback.c), then events, as
 * Linux prints them. No locks: every counter is an atomic,
 * and the file is a snapshot taken counter by counter (two counters may
 * be read a moment apart, as on Linux). */
#include <vmstat.h>
#include <mm.h>
#include <proc.h>
#include <writeback.h>

atomic_long_t vm_node_stat[NR_VM_NODE_STAT_ITEMS];
atomic_long_t vm_events[NR_VM_EVENT_ITEMS];

/* Names in enum order: node_stat_item, then vm_event_item. */
static const char *const vmstat_text[] = {
	"nr_file_pages",
	"nr_unevictable",
	"nr_dirty",
	"nr_writeback",
	"nr_dirtied",
	"nr_written",

	"pgpgin",
	"pgpgout",
	"pgfault",
	"pgmajfault",
	"pgsteal",
	"oom_kill",
	"pgcache_hit",
	"pgcache_miss",
	"dcache_hit",
	"dcache_miss",
	"pgfault_retry",
	"pgfault_around",
	"pgcow_copy",
	"pgcow_reuse",
	"flusher_wakeup",
	"flusher_kupdate",
	"flusher_background",
	"dirty_throttle",
	"readahead_pages",
	"readahead_sync",
	"readahead_async",
	"readahead_mmap_around",
	"readahead_waste",
};
_Static_assert(sizeof(vmstat_text) / sizeof(vmstat_text[0]) ==
	       NR_VM_NODE_STAT_ITEMS + NR_VM_EVENT_ITEMS, "a vmstat counter has no name");

int vmstat_show(struct seq_buf *m)
{
	seq_printf(m, "nr_free_pages %lu\n", nr_free_pages());
	for (int i = 0; i < NR_VM_NODE_STAT_ITEMS; i++)
		seq_printf(m, "%s %ld\n", vmstat_text[i], global_node_page_state(i));
	unsigned long bg, thresh;	/* computed, as Linux prints them here */
	global_dirty_limits(&bg, &thresh);
	seq_printf(m, "nr_dirty_threshold %lu\nnr_dirty_background_threshold %lu\n", thresh, bg);
	for (int i = 0; i < NR_VM_EVENT_ITEMS; i++)
		seq_printf(m, "%s %ld\n", vmstat_text[NR_VM_NODE_STAT_ITEMS + i],
			   atomic_long_read(&vm_events[i]));
	return 0;
}
