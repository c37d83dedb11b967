/* mm/internal.h: what the page cache files of mm/ share and nobody
 * else should call (as Linux's mm/internal.h). filemap.c owns the folio
 * wait table and lookups, vmscan.c the LRU, truncate.c eviction. */
#ifndef _MM_INTERNAL_H
#define _MM_INTERNAL_H
#include <pagemap.h>
#include <wait.h>

/* The hashed wait queue for f's lock and writeback bits (filemap.c). */
wait_queue_head_t *folio_waitqueue(struct folio *f);
/* The first folio in [*index, max] whose slot has mark (XA_PRESENT:
 * any), referenced, *index set to its index; NULL if none (filemap.c). */
struct folio *filemap_find_get(struct address_space *m, unsigned long *index,
			       unsigned long max, xa_mark_t mark);
/* The reclaim LRU (vmscan.c); a folio is on it while in a mapping. */
void lru_add(struct folio *f);
void lru_del(struct folio *f);
/* Take a locked clean folio out of m if only the cache and the caller's
 * `held` references remain; 1 on success, count then 1 (truncate.c). */
int mapping_evict_folio(struct address_space *m, struct folio *f, int held);
#endif
