/* pgtable.h: Sv39 page-table entries. Three levels of 512 entries;
 * level 2 (pgd) entries map 1 GiB, level 1 2 MiB, level 0 4 KiB. */
#ifndef _PGTABLE_H
#define _PGTABLE_H
#include <types.h>

typedef u64 pte_t;
typedef pte_t pgd_t;

#define _PAGE_V (1UL << 0)
#define _PAGE_R (1UL << 1)
#define _PAGE_W (1UL << 2)
#define _PAGE_X (1UL << 3)
#define _PAGE_U (1UL << 4)
#define _PAGE_G (1UL << 5)
#define _PAGE_A (1UL << 6)
#define _PAGE_D (1UL << 7)
#define _PAGE_PROT_NONE (1UL << 8)	/* software (RSW): page kept, access denied */
#define _PAGE_LEAF (_PAGE_R | _PAGE_W | _PAGE_X)
#define _PAGE_PFN_SHIFT 10

#define PTRS_PER_PT 512
#define PGDIR_SHIFT 30
#define PMD_SHIFT 21
#define PMD_SIZE (1UL << PMD_SHIFT)
#define PGDIR_SIZE (1UL << PGDIR_SHIFT)
#define PX(level, va) (((va) >> (12 + 9 * (level))) & 0x1ff)

#define PAGE_KERNEL (_PAGE_V | _PAGE_R | _PAGE_W | _PAGE_A | _PAGE_D | _PAGE_G)
#define PAGE_KERNEL_RO (_PAGE_V | _PAGE_R | _PAGE_A | _PAGE_G)
#define PAGE_KERNEL_EXEC (_PAGE_V | _PAGE_R | _PAGE_X | _PAGE_A | _PAGE_G)

static inline unsigned long pte_pfn(pte_t p) { return p >> _PAGE_PFN_SHIFT; }
static inline pte_t pfn_pte(unsigned long pfn, unsigned long prot)
{
	return (pfn << _PAGE_PFN_SHIFT) | prot;
}
static inline int pte_present(pte_t p) { return p & _PAGE_V; }
static inline int pte_leaf(pte_t p) { return p & _PAGE_LEAF; }
static inline int pte_write(pte_t p) { return p & _PAGE_W; }
static inline int pte_none(pte_t p) { return p == 0; }
static inline int pte_dirty(pte_t p) { return p & _PAGE_D; }
static inline pte_t pte_wrprotect(pte_t p) { return p & ~(pte_t)_PAGE_W; }
static inline pte_t pte_mkclean(pte_t p) { return p & ~(pte_t)_PAGE_D; }
/* Maps a page, accessible or (PROT_NONE) not. */
static inline int pte_has_page(pte_t p) { return p & (_PAGE_V | _PAGE_PROT_NONE); }

#endif
