/* printk.h: kernel console output, panic and assertions. printk may be
 * called from any context; it serialises lines with a spinlock. */
#ifndef _PRINTK_H
#define _PRINTK_H
#include <compiler.h>
#include <stdarg.h>

__printf(1, 2) int printk(const char *fmt, ...);
int vprintk(const char *fmt, va_list ap);
__printf(1, 2) __noreturn void panic(const char *fmt, ...);
void dump_stack(void);
void console_putc_raw(char c);

#define pr_info(...) printk(__VA_ARGS__)
#define pr_warn(...) printk("warning: " __VA_ARGS__)
#define pr_err(...) printk("error: " __VA_ARGS__)
#define pr_debug(...) do { } while (0)
#define pr_warn_once(...) do { static int __once; \
	if (!__once) { __once = 1; pr_warn(__VA_ARGS__); } } while (0)

#define BUG() panic("BUG at %s:%d", __FILE__, __LINE__)
#define BUG_ON(c) do { if (unlikely(c)) panic("BUG_ON(%s) at %s:%d", #c, __FILE__, __LINE__); } while (0)
#define WARN_ON(c) ({ int __w = !!(c); if (unlikely(__w)) { \
	printk("WARNING: %s at %s:%d\n", #c, __FILE__, __LINE__); dump_stack(); } __w; })
#define WARN_ON_ONCE(c) ({ static int __once; int __w = !!(c); \
	if (unlikely(__w) && !__once) { __once = 1; \
	printk("WARNING: %s at %s:%d\n", #c, __FILE__, __LINE__); dump_stack(); } __w; })

#endif
