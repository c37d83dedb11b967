/* rtc.c: reads the wall-clock time once at boot from the Goldfish RTC of
 * QEMU's virt machine (nanoseconds since 1970; reading TIME_LOW latches
 * TIME_HIGH). CLOCK_REALTIME is this plus the monotonic clock. */
#include <setup.h>
#include <timer.h>
#include <printk.h>

void rtc_init(void)
{
	if (!machine.rtc.base)
		return;
	volatile u32 *rtc = ioremap(machine.rtc.base, machine.rtc.size ? machine.rtc.size : 0x1000);
	u64 lo = rtc[0];
	u64 hi = rtc[1];
	u64 now = (hi << 32) | lo;
	boot_realtime_ns = now - ktime_get_ns();
}
