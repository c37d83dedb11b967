/* meminfo.c: /proc/meminfo, Linux's "Name:   N kB" lines from the page
 * allocator and the page cache's gauges (atomics: no locks). */
#include <mm.h>
#include <vmstat.h>
#include "internal.h"

static void show_kb(struct seq_buf *m, const char *name, unsigned long pages)
{
	seq_printf(m, "%-16s%8lu kB\n", name, pages << (PAGE_SHIFT - 10));
}

int meminfo_show(struct seq_buf *m)
{
	unsigned long total = totalram_pages(), free = nr_free_pages();

	show_kb(m, "MemTotal:", total);
	show_kb(m, "MemFree:", free);
	unsigned long cached = global_node_page_state(NR_FILE_PAGES);
	show_kb(m, "MemAvailable:", free + cached - global_node_page_state(NR_UNEVICTABLE));
	show_kb(m, "Buffers:", 0);
	show_kb(m, "Cached:", cached);
	show_kb(m, "Unevictable:", global_node_page_state(NR_UNEVICTABLE));	/* ramfs */
	show_kb(m, "Dirty:", global_node_page_state(NR_FILE_DIRTY));
	show_kb(m, "Writeback:", global_node_page_state(NR_WRITEBACK));
	return 0;
}
