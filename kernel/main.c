/* main.c: start_kernel, the boot hart's path from the first C code to
 * pid 1: device tree, memory, page tables, allocators, interrupts,
 * timer, other harts, kthreadd (pid 2), the root file system, then
 * /init (or rdinit=).
 * Runs single-threaded until smp_init. */
#include <sched.h>
#include <setup.h>
#include <mm.h>
#include <fs.h>
#include <pagemap.h>
#include <irq.h>
#include <timer.h>
#include <cmdline.h>
#include <printk.h>
#include <string.h>
#include <signal.h>
#include <riscv.h>
#include <uapi/sched.h>

extern char _start[], _end[];
void fork_init(void);
void mmap_init(void);
void memory_init(void);
void futex_init(void);
void asid_init(void);
void smp_init(void);
void uart_init(void);
void uart_enable_irq(void);
void rtc_init(void);
void virtio_mmio_init(void);
void loop_init(void);
int do_execve(const char *filename, const char *const *argv, const char *const *envp, int kernel);
extern struct task_struct *child_reaper;
struct page *sigpage;
extern int syscall_trace;
static char path_buf[8];
int kthreadd(void *done);
static struct completion kthreadd_done;

static void sigpage_init(void)
{
	sigpage = alloc_page(GFP_KERNEL | __GFP_ZERO);
	u32 *code = page_address(sigpage);
	code[0] = 0x08b00893;	/* li a7, 139 (__NR_rt_sigreturn) */
	code[1] = 0x00000073;	/* ecall */
	sigpage->flags |= 1UL << PG_reserved;
}

/* Execs the init program with argv/envp from kernel memory (the words
 * after " -- " on the command line become its arguments, at most
 * MAX_INIT_ARGS of them, as in Linux). */
#define MAX_INIT_ARGS 32
static int run_init_process(const char *path)
{
	static const char *envp[] = { "HOME=/", "TERM=linux", "PATH=/bin", NULL };
	const char *argv[MAX_INIT_ARGS + 2] = { path };
	int argc = 1;
	static char buf[1024];	/* the whole command line fits */
	const char *extra = cmdline_init_args();
	if (extra) {
		strlcpy(buf, extra, sizeof(buf));
		for (char *p = buf, *w; (w = strsep(&p, " ")) && argc <= MAX_INIT_ARGS;)
			if (*w)
				argv[argc++] = w;
	}
	argv[argc] = NULL;
	return do_execve(path, argv, envp, 1);
}

static int kernel_init(void *unused)
{
	char path[128] = "/init";
	(void)unused;
	child_reaper = current;
	current->signal->flags |= SIGNAL_UNKILLABLE;	/* nobody kills init */
	wait_for_completion(&kthreadd_done);	/* disks start flusher threads */
	current->fs = fs_alloc_root();
	current->files = files_alloc();
	printk("virtio: %d slots\n", machine.nr_virtio);
	virtio_mmio_init();	/* disks: may sleep, so here rather than start_kernel */
	loop_init();		/* loop0..loop7 and /dev/loop-control */
	if (console_setup_fds() < 0)
		printk("init: warning: no /dev/console\n");
	char root[32];
	int have_rdinit = cmdline_get("rdinit", path, sizeof(path));
	if (!have_rdinit && cmdline_get("root", root, sizeof(root))) {
		/* root=/dev/vdXN: the disk's ext2 becomes /, init= from it */
		int err = mount_root(root, cmdline_get("ro", path, 1));
		if (err)
			panic("VFS: cannot mount root fs on %s (error %d)", root, err);
		static const char *const defaults[] = { "/sbin/init", "/bin/init", "/bin/sh" };
		if (cmdline_get("init", path, sizeof(path))) {
			printk("Run %s as init process\n", path);
			err = run_init_process(path);
			if (err)
				panic("Requested init %s failed (error %d)", path, err);
			return 0;
		}
		for (unsigned i = 0; i < ARRAY_SIZE(defaults); i++) {
			printk("Run %s as init process\n", defaults[i]);
			if (!run_init_process(defaults[i]))
				return 0;
		}
		panic("No working init found on %s", root);
	}
	printk("Run %s as init process\n", path);
	int err = run_init_process(path);
	if (err)
		panic("No working init found (%s: error %d)", path, err);
	return 0;	/* returns to user mode through ret_from_fork */
}

void start_kernel(unsigned long hartid, phys_addr_t fdt_pa)
{
	printk("\nriscv-teach: booting on hart %lu\n", hartid);
	memblock_reserve(__pa(_start), _end - _start);
	parse_fdt(fdt_pa, hartid);
	setup_vm();
	uart_init();
	printk("Kernel command line: %s\n", boot_command_line);
	syscall_trace = cmdline_get("strace", path_buf, sizeof(path_buf));
	memblock_dump();
	page_alloc_init();
	slab_init();
	asid_init();
	memory_init();
	time_init();
	rtc_init();	/* before the first inode: they are stamped with the time */
	mmap_init();
	signal_init();
	fork_init();
	futex_init();
	pagecache_init();
	writeback_init();	/* /proc/sys/vm/dirty_* */
	sched_init();
	sigpage_init();
	plic_init();
	plic_init_cpu();
	uart_enable_irq();
	vfs_init();
	if (machine.initrd_end > machine.initrd_start) {
		int r = unpack_initramfs(__va(machine.initrd_start),
					 machine.initrd_end - machine.initrd_start);
		printk("initramfs: %lu bytes unpacked (%d)\n",
		       machine.initrd_end - machine.initrd_start, r);
		/* its files now live in the page cache: the archive can go */
		unsigned long n = free_reserved_area(machine.initrd_start, machine.initrd_end);
		printk("Freeing initrd memory: %luK\n", n << (PAGE_SHIFT - 10));
	}
	timer_init_cpu();
	smp_init();
	local_irq_enable();
	init_completion(&kthreadd_done);
	kernel_thread(kernel_init, NULL, 0);		/* pid 1 */
	kernel_thread(kthreadd, &kthreadd_done, 0);	/* pid 2, as in Linux */
	cpu_idle();
}
