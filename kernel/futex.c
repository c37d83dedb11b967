/* futex.c: FUTEX_WAIT and FUTEX_WAKE (and their BITSET forms). Keys are
 * (mm, user address), so private and shared futexes are the same thing
 * until files can be shared-mapped. The bucket lock orders WAIT's value
 * check against WAKE, so a wakeup between them is never lost; the value
 * is read with page faults disabled under the lock, faulting it in
 * outside the lock and retrying when needed.
 * Lock: bucket->lock, then rq_lock (wake_up_process). */
#include <sched.h>
#include <mm.h>
#include <timer.h>
#include <uaccess.h>
#include <printk.h>
#include <uapi/errno.h>

#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_WAIT_BITSET 9
#define FUTEX_WAKE_BITSET 10
#define FUTEX_PRIVATE_FLAG 128
#define FUTEX_CLOCK_REALTIME 256
#define NBUCKETS 64

struct futex_q {
	struct list_head list;
	struct task_struct *task;
	struct mm_struct *mm;
	unsigned long addr;
	u32 bitset;
	int woken;
};

static struct bucket {
	spinlock_t lock;
	struct list_head chain;
} buckets[NBUCKETS];

struct timespec64 { long tv_sec, tv_nsec; };

static struct bucket *hash(struct mm_struct *mm, unsigned long addr)
{
	unsigned long h = (addr >> 2) ^ ((unsigned long)mm >> 6);
	h ^= h >> 17;
	return &buckets[h % NBUCKETS];
}

/* Locks the bucket with *uaddr read into *val; -EFAULT if unmapped. */
static int lock_and_read(struct bucket *b, u32 __user *uaddr, u32 *val)
{
	for (;;) {
		spin_lock(&b->lock);
		pagefault_disable();
		int r = get_user(*val, uaddr);
		pagefault_enable();
		if (!r)
			return 0;
		spin_unlock(&b->lock);
		if (fixup_user_fault(current->mm, (unsigned long)uaddr, 0))
			return -EFAULT;
	}
}

static long futex_wait(u32 __user *uaddr, u32 val, long timeout, u32 bitset)
{
	struct futex_q q = { .task = current, .mm = current->mm,
			     .addr = (unsigned long)uaddr, .bitset = bitset };
	struct bucket *b = hash(q.mm, q.addr);
	u32 cur;
	if (!bitset)
		return -EINVAL;
	if ((unsigned long)uaddr & 3)
		return -EINVAL;
	if (lock_and_read(b, uaddr, &cur))
		return -EFAULT;
	if (cur != val) {
		spin_unlock(&b->lock);
		return -EAGAIN;
	}
	list_add_tail(&q.list, &b->chain);
	set_current_state(TASK_INTERRUPTIBLE);
	spin_unlock(&b->lock);

	long left = 1;
	if (!READ_ONCE(q.woken) && !signal_pending(current))
		left = schedule_timeout(timeout);
	set_current_state(TASK_RUNNING);

	spin_lock(&b->lock);
	int woken = q.woken;
	if (!woken)
		list_del(&q.list);
	spin_unlock(&b->lock);
	if (woken)
		return 0;
	if (timeout >= 0 && left == 0)
		return -ETIMEDOUT;
	if (!signal_pending(current))
		return -EAGAIN;	/* spurious wakeup: user space re-checks and waits again */
	return -ERESTARTSYS;
}

static long futex_wake_bitset(u32 __user *uaddr, int nr, u32 bitset)
{
	struct mm_struct *mm = current->mm;
	struct bucket *b = hash(mm, (unsigned long)uaddr);
	struct futex_q *q, *n;
	int woken = 0;
	if (!bitset)
		return -EINVAL;
	spin_lock(&b->lock);
	list_for_each_entry_safe(q, n, &b->chain, list) {
		if (woken >= nr)
			break;
		if (q->mm != mm || q->addr != (unsigned long)uaddr || !(q->bitset & bitset))
			continue;
		list_del(&q->list);
		WRITE_ONCE(q->woken, 1);
		wake_up_process(q->task);
		woken++;
	}
	spin_unlock(&b->lock);
	return woken;
}

long futex_wake(u32 __user *uaddr, int nr)
{
	return futex_wake_bitset(uaddr, nr, ~0U);
}

/* Converts a relative (or, for WAIT_BITSET, absolute) timeout to ticks. */
static long timeout_ticks(const struct timespec64 __user *ut, int absolute, int realtime)
{
	struct timespec64 ts;
	extern u64 boot_realtime_ns;
	if (!ut)
		return -1;
	if (copy_from_user(&ts, ut, sizeof(ts)))
		return -EFAULT;
	if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000L)
		return -EINVAL;
	u64 ns = ts.tv_sec * 1000000000ULL + ts.tv_nsec;
	if (absolute) {
		u64 now = ktime_get_ns() + (realtime ? boot_realtime_ns : 0);
		ns = ns > now ? ns - now : 0;
	}
	u64 tick_ns = 1000000000ULL / HZ;
	return ns ? (long)((ns + tick_ns - 1) / tick_ns) + 1 : 0;
}

/* 32-bit values are taken as unsigned long and truncated: user space may
 * pass them zero-extended, while the ABI expects sign-extended registers. */
long sys_futex(u32 __user *uaddr, int op, unsigned long uval, const struct timespec64 __user *utime,
	       u32 __user *uaddr2, unsigned long uval3)
{
	u32 val = (u32)uval, val3 = (u32)uval3;
	int cmd = op & ~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME);
	long t;
	(void)uaddr2;
	switch (cmd) {
	case FUTEX_WAIT:
	case FUTEX_WAIT_BITSET:
		t = timeout_ticks(utime, cmd == FUTEX_WAIT_BITSET, op & FUTEX_CLOCK_REALTIME);
		if (t < -1)
			return t;
		if (t == 0)
			return -ETIMEDOUT;
		return futex_wait(uaddr, val, t, cmd == FUTEX_WAIT ? ~0U : val3);
	case FUTEX_WAKE:
		return futex_wake_bitset(uaddr, val, ~0U);
	case FUTEX_WAKE_BITSET:
		return futex_wake_bitset(uaddr, val, val3);
	default:
		return -ENOSYS;
	}
}

long sys_set_robust_list(void __user *head, size_t len)
{
	(void)head;
	return len == 24 ? 0 : -EINVAL;	/* recorded nowhere yet */
}

long sys_set_tid_address(int __user *tidptr)
{
	current->clear_child_tid = tidptr;
	return current->pid;
}

void futex_init(void)
{
	for (int i = 0; i < NBUCKETS; i++) {
		spin_lock_init(&buckets[i].lock);
		INIT_LIST_HEAD(&buckets[i].chain);
	}
}
