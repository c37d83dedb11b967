/* backing-dev.c: backing devices (one per disk) and their flusher
 * threads. add_disk allocates and registers its disk's bdi, which
 * starts "flush-MAJ:MIN" (bdi_writeback_thread, fs/fs-writeback.c).
 * bdis are never freed (disks are never removed).
 * Locks: bdi_list_lock (spinlock, leaf) guards the list of bdis;
 * the wb's own locks are described in backing-dev.h. */
#include <backing-dev.h>
#include <blkdev.h>
#include <fs.h>
#include <sched.h>
#include <slab.h>
#include <string.h>
#include <printk.h>
#include <printf.h>

static LIST_HEAD(bdi_list);
static DEFINE_SPINLOCK(bdi_list_lock);

#define INIT_BW (25UL << (20 - PAGE_SHIFT))	/* pages/s: 25 MB/s until measured */

static void wb_init(struct bdi_writeback *wb, struct backing_dev_info *bdi)
{
	wb->bdi = bdi;
	spin_lock_init(&wb->list_lock);
	INIT_LIST_HEAD(&wb->b_dirty);
	INIT_LIST_HEAD(&wb->b_io);
	INIT_LIST_HEAD(&wb->b_more_io);
	spin_lock_init(&wb->work_lock);
	INIT_LIST_HEAD(&wb->work_list);
	spin_lock_init(&wb->bw_lock);
	wb->last_old_flush = jiffies;
	wb->bw_time_stamp = jiffies;
	wb->write_bandwidth = wb->avg_write_bandwidth = INIT_BW;
	wb->dirty_ratelimit = INIT_BW;
}

struct backing_dev_info *bdi_alloc(void)
{
	struct backing_dev_info *bdi = kzalloc(sizeof(*bdi), GFP_KERNEL);

	if (bdi) {
		bdi->ra_pages = VM_READAHEAD_PAGES;
		wb_init(&bdi->wb, bdi);
		INIT_LIST_HEAD(&bdi->bdi_list);
	}
	return bdi;
}

int bdi_register(struct backing_dev_info *bdi, const char *name)
{
	char comm[TASK_COMM_LEN];
	struct task_struct *t;

	strlcpy(bdi->name, name, sizeof(bdi->name));
	snprintf(comm, sizeof(comm), "flush-%s", name);
	t = kthread_create(bdi_writeback_thread, &bdi->wb, comm);
	if (IS_ERR(t))
		return PTR_ERR(t);
	spin_lock(&bdi->wb.work_lock);
	bdi->wb.task = t;
	spin_unlock(&bdi->wb.work_lock);
	spin_lock(&bdi_list_lock);
	list_add_tail(&bdi->bdi_list, &bdi_list);
	spin_unlock(&bdi_list_lock);
	return 0;
}

/* The list only grows, and entries are never freed: walk it unlocked
 * after reading each next pointer under the lock. */
void bdi_for_each(void (*fn)(struct backing_dev_info *bdi, void *arg), void *arg)
{
	struct list_head *p;

	spin_lock(&bdi_list_lock);
	p = bdi_list.next;
	spin_unlock(&bdi_list_lock);
	while (p != &bdi_list) {
		fn(list_entry(p, struct backing_dev_info, bdi_list), arg);
		spin_lock(&bdi_list_lock);
		p = p->next;
		spin_unlock(&bdi_list_lock);
	}
}

void wb_wakeup(struct bdi_writeback *wb)
{
	struct task_struct *t;

	spin_lock(&wb->work_lock);
	t = wb->task;
	spin_unlock(&wb->work_lock);
	if (t)
		wake_up_process(t);
}

/* An inode became the device's first dirty one: the flusher, asleep
 * with nothing to do, must start counting toward its periodic pass. Its
 * next pass is then dirty_writeback_interval after its last one (Linux
 * delays the work by the interval from now; the difference is at most
 * one interval earlier, never later than expire + interval). */
void wb_wakeup_delayed(struct bdi_writeback *wb)
{
	wb_wakeup(wb);
}

struct backing_dev_info *inode_to_bdi(struct inode *inode)
{
	struct block_device *bd;

	if (inode->i_sb)
		return inode->i_sb->s_bdev ? inode->i_sb->s_bdev->bd_disk->bdi : NULL;
	bd = inode->i_data.private_data;	/* set only for a bdev's cache inode */
	if (bd && bd->bd_inode == inode)
		return bd->bd_disk->bdi;
	return NULL;
}
