/* vmscan.c: the LRU list of page cache folios and their reclaim. A
 * folio joins the list when it enters the cache (lru_add; not a ramfs
 * or shmem folio, which only truncation frees: filemap_add_folio keeps
 * those off, as Linux's unevictable list does) and leaves it
 * when truncated or invalidated (lru_del) or reclaimed. Reclaim frees
 * clean, unreferenced folios with a second-chance scan; it never sleeps
 * (trylocks only), so the page allocator may call it. Dirty folios it
 * meets wake the flusher threads (wakeup_flusher_threads).
 * Locks: lru_lock (spinlock) is innermost except for the folio trylock
 * taken under it; mapping_evict_folio then takes i_pages_lock with
 * lru_lock dropped. */
#include <pagemap.h>
#include <fs.h>
#include <sched.h>
#include <printk.h>
#include <string.h>
#include "internal.h"

static LIST_HEAD(cache_lru);		/* oldest first */
static DEFINE_SPINLOCK(lru_lock);

void lru_add(struct folio *f)
{
	spin_lock(&lru_lock);
	list_add_tail(&f->page.lru, &cache_lru);
	spin_unlock(&lru_lock);
}

void lru_del(struct folio *f)
{
	spin_lock(&lru_lock);
	if (!list_empty(&f->page.lru))
		list_del_init(&f->page.lru);
	spin_unlock(&lru_lock);
}

/* Reclaim of one LRU folio (trylocked by the caller, off the LRU, no
 * caller reference). Returns 1 if it was freed. */
static int reclaim_folio(struct folio *f)
{
	struct address_space *m = folio_mapping(f);
	if (!m || !mapping_evict_folio(m, f, 0))
		return 0;
	count_vm_event(PGSTEAL);
	clear_bit(PG_locked, &f->page.flags);	/* unreachable now: no waiters */
	put_page(&f->page);	/* back to the buddy allocator */
	return 1;
}

/* Second-chance scan of the LRU: referenced folios get another round,
 * clean unreferenced ones are freed; finding dirty ones (which only
 * writeback can free) starts the flushers, as Linux's reclaim does. Never sleeps (trylock only), so the
 * page allocator can call it. Returns the number of pages freed. */
unsigned long shrink_page_cache(unsigned long nr)
{
	unsigned long freed = 0, scanned = 0, budget, dirty = 0;
	spin_lock(&lru_lock);
	budget = 2 * (global_node_page_state(NR_FILE_PAGES) -
		      global_node_page_state(NR_UNEVICTABLE)) + 64;
	while (freed < nr && scanned++ < budget && !list_empty(&cache_lru)) {
		struct folio *f = page_folio(list_first_entry(&cache_lru, struct page, lru));
		dirty += folio_test_dirty(f) && !folio_test_writeback(f);
		if (test_and_clear_bit(PG_referenced, &f->page.flags) ||
		    folio_test_dirty(f) || folio_test_writeback(f) ||
		    page_count(&f->page) != 1 || !folio_trylock(f)) {
			list_move_tail(&f->page.lru, &cache_lru);
			continue;
		}
		list_del_init(&f->page.lru);
		spin_unlock(&lru_lock);
		if (reclaim_folio(f)) {
			freed++;
		} else {
			folio_unlock(f);
			lru_add(f);
		}
		spin_lock(&lru_lock);
	}
	spin_unlock(&lru_lock);
	if (dirty)	/* what we cannot free, the flushers can clean */
		wakeup_flusher_threads(WB_REASON_VMSCAN);
	return freed;
}
