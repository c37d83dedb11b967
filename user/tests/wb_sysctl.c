/* wb_sysctl.c - the writeback tunables of /proc/sys/vm/: Linux's names,
 * defaults (on our kernel), errors for bad values (EINVAL, the old value
 * kept), a ratio and its bytes twin excluding each other, and the dirty
 * thresholds /proc/vmstat derives from them (nr_dirty_threshold,
 * nr_dirty_background_threshold, with the background one at most half
 * the limit). /proc/meminfo has Dirty and Writeback. On Linux (under
 * qemu-riscv64, the host's /proc) only the formats are checked: a test
 * must never change the host's settings. */
#include "wb.h"

static void expect_einval(const char *name, const char *text)
{
	long before, after;
	CHECK(sysctl_get(name, &before) == 0, name);
	int r = sysctl_write(name, text);
	if (r != -EINVAL) {
		fprintf(stderr, "FAIL: writing \"%s\" to %s gave %d, want -EINVAL\n", text, name, r);
		exit(1);
	}
	CHECK(sysctl_get(name, &after) == 0 && after == before, "a rejected value changes nothing");
}

static long getv(const char *name)
{
	long v;
	CHECK(sysctl_get(name, &v) == 0, name);
	return v;
}

int main(void)
{
	static const long defaults[] = { 10, 0, 20, 0, 500, 3000 };
	for (int i = 0; i < 6; i++)
		(void)getv(wb_tunables[i]);	/* exists, one integer and a newline */
	CHECK(vmstat("nr_dirty_threshold") > 0, "nr_dirty_threshold in /proc/vmstat");
	CHECK(vmstat("nr_dirty_background_threshold") >= 0, "nr_dirty_background_threshold");
	CHECK(vmstat("nr_dirtied") >= 0 && vmstat("nr_written") >= 0, "nr_dirtied, nr_written");
	CHECK(meminfo_kb("Dirty") >= 0 && meminfo_kb("Writeback") >= 0, "Dirty, Writeback in meminfo");
	if (!wb_ours()) {
		t_ok("wb_sysctl (Linux: formats only)");
		return 0;
	}
	for (int i = 0; i < 6; i++)
		if (getv(wb_tunables[i]) != defaults[i]) {
			fprintf(stderr, "FAIL: %s = %ld, Linux's default is %ld\n", wb_tunables[i],
				getv(wb_tunables[i]), defaults[i]);
			return 1;
		}
	wb_save();

	expect_einval("dirty_ratio", "101");
	expect_einval("dirty_ratio", "-1");
	expect_einval("dirty_ratio", "abc");
	expect_einval("dirty_ratio", "12abc");
	expect_einval("dirty_ratio", "99999999999999999999999");
	expect_einval("dirty_background_ratio", "101");
	expect_einval("dirty_bytes", "4096");		/* less than two pages */
	expect_einval("dirty_bytes", "-8192");
	expect_einval("dirty_background_bytes", "0");
	expect_einval("dirty_expire_centisecs", "-1");
	expect_einval("dirty_writeback_centisecs", "x");

	/* bytes and ratio exclude each other; the thresholds follow */
	CHECK(sysctl_write("dirty_bytes", "8388608\n") == 0, "dirty_bytes 8 MiB");
	CHECK(getv("dirty_ratio") == 0 && getv("dirty_bytes") == 8388608, "ratio zeroed");
	CHECK(vmstat("nr_dirty_threshold") == 2048, "threshold = dirty_bytes in pages");
	CHECK(sysctl_write("dirty_background_bytes", "4194304") == 0, "background 4 MiB");
	CHECK(getv("dirty_background_ratio") == 0, "background ratio zeroed");
	CHECK(vmstat("nr_dirty_background_threshold") == 1024, "background threshold in pages");
	CHECK(sysctl_write("dirty_background_bytes", "16777216") == 0, "background over the limit");
	CHECK(vmstat("nr_dirty_background_threshold") == 1024, "... is cut to half the limit");
	CHECK(sysctl_write("dirty_ratio", "20") == 0 && getv("dirty_bytes") == 0, "bytes zeroed");
	CHECK(sysctl_write("dirty_background_ratio", "10") == 0 &&
	      getv("dirty_background_bytes") == 0, "background bytes zeroed");
	long th = vmstat("nr_dirty_threshold"), bg = vmstat("nr_dirty_background_threshold");
	printf("wb_sysctl: thresholds %ld / %ld pages at 20%% / 10%%\n", th, bg);
	CHECK(th > 0 && bg > 0 && bg <= th / 2 + 2 && bg >= th / 2 - 2, "10% is half of 20%");
	CHECK(sysctl_write("dirty_writeback_centisecs", "0") == 0 &&
	      getv("dirty_writeback_centisecs") == 0, "interval 0 (no periodic pass)");
	CHECK(sysctl_write("dirty_expire_centisecs", " 1500 \n") == 0 &&
	      getv("dirty_expire_centisecs") == 1500, "white space around a value");
	wb_restore();
	for (int i = 0; i < 6; i++)
		CHECK(getv(wb_tunables[i]) == defaults[i], "restored");
	t_ok("wb_sysctl");
	return 0;
}
