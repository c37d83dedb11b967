/* mmu.c: the kernel page table (swapper_pg_dir) and address-space ids.
 * RAM is direct-mapped at PAGE_OFFSET with the largest pages that fit;
 * the kernel image is mapped with 4 KiB pages so text is R+X, rodata R
 * and data RW (W^X). Device registers are mapped on demand by ioremap.
 * Every user page directory copies the kernel half (entries 256..511),
 * and since kernel tables below the top level are shared and never
 * freed, later kernel mappings are visible everywhere once the top-level
 * entry exists: setup_vm pre-allocates all 256 upper level-1 tables.
 * Locks: kmap_lock for ioremap after boot; asid_lock for the ASID map. */
#include <mm.h>
#include <setup.h>
#include <riscv.h>
#include <sbi.h>
#include <printk.h>
#include <string.h>

pgd_t *swapper_pg_dir;
extern char _start[], _etext[], _erodata[], _end[];
static int vm_ready;
static DEFINE_SPINLOCK(kmap_lock);

static void *alloc_pt(void)
{
	void *p;
	if (!mem_map)	/* the buddy allocator is not up yet */
		p = __va(memblock_alloc(PAGE_SIZE, PAGE_SIZE));
	else
		p = get_free_pages(GFP_ATOMIC, 0);
	if (!p)
		panic("out of memory for kernel page tables");
	memset(p, 0, PAGE_SIZE);
	return p;
}

/* Maps va -> pa with a leaf at `level` (0: 4K, 1: 2M, 2: 1G). */
static void map_one(unsigned long va, phys_addr_t pa, int level, unsigned long prot)
{
	pte_t *pt = swapper_pg_dir;
	for (int l = 2; l > level; l--) {
		pte_t *e = &pt[PX(l, va)];
		if (!pte_present(*e))
			*e = pfn_pte(__pa(alloc_pt()) >> PAGE_SHIFT, _PAGE_V);
		else if (pte_leaf(*e))
			return;		/* already covered by a large page */
		pt = __va(pte_pfn(*e) << PAGE_SHIFT);
	}
	if (!pte_present(pt[PX(level, va)]))	/* keep finer mappings */
		pt[PX(level, va)] = pfn_pte(pa >> PAGE_SHIFT, prot);
}

/* Is the slot for va at `level` already a pointer to a finer table? */
static int slot_is_table(unsigned long va, int level)
{
	pte_t *pt = swapper_pg_dir;
	for (int l = 2; l >= level; l--) {
		pte_t e = pt[PX(l, va)];
		if (!pte_present(e) || pte_leaf(e))
			return 0;
		if (l == level)
			return 1;
		pt = __va(pte_pfn(e) << PAGE_SHIFT);
	}
	return 0;
}

/* Maps [pa, pa+size) at __va(pa), using large pages when aligned. */
static void map_range(phys_addr_t pa, u64 size, unsigned long prot)
{
	phys_addr_t end = ALIGN_UP(pa + size, PAGE_SIZE);
	pa = ALIGN_DOWN(pa, PAGE_SIZE);
	while (pa < end) {
		unsigned long va = (unsigned long)__va(pa);
		int level = 0;
		if (IS_ALIGNED(pa, PGDIR_SIZE) && end - pa >= PGDIR_SIZE)
			level = 2;
		else if (IS_ALIGNED(pa, PMD_SIZE) && end - pa >= PMD_SIZE)
			level = 1;
		while (level > 0 && slot_is_table(va, level))
			level--;
		map_one(va, pa, level, prot);
		pa += PAGE_SIZE << (9 * level);
	}
}

void *ioremap(phys_addr_t pa, u64 size)
{
	spin_lock(&kmap_lock);
	map_range(pa, size, PAGE_KERNEL);
	spin_unlock(&kmap_lock);
	local_flush_tlb_all();
	return __va(pa);
}

static void map_kernel_image(void)
{
	phys_addr_t text = __pa(_start), rodata = __pa(_etext);
	phys_addr_t data = __pa(_erodata), end = __pa(_end);
	/* Small pages for the whole 2 MiB-aligned span around the image, so
	 * the RAM map below cannot cover it with an RWX large page. */
	phys_addr_t lo = ALIGN_DOWN(text, PMD_SIZE), hi = ALIGN_UP(end, PMD_SIZE);
	for (phys_addr_t pa = lo; pa < hi; pa += PAGE_SIZE) {
		unsigned long prot = PAGE_KERNEL;
		if (pa >= text && pa < rodata)
			prot = PAGE_KERNEL_EXEC;
		else if (pa >= rodata && pa < data)
			prot = PAGE_KERNEL_RO;
		map_one((unsigned long)__va(pa), pa, 0, prot);
	}
}

/* Build swapper_pg_dir and switch to it. */
void setup_vm(void)
{
	swapper_pg_dir = alloc_pt();
	map_kernel_image();
	for (int i = 0; i < memblock_nr_memory; i++)
		map_range(memblock_memory[i].base, memblock_memory[i].size, PAGE_KERNEL);
	for (int i = 256; i < 512; i++)	/* share the kernel half forever */
		if (!pte_present(swapper_pg_dir[i]))
			swapper_pg_dir[i] = pfn_pte(__pa(alloc_pt()) >> PAGE_SHIFT, _PAGE_V);
	csr_write(satp, SATP_MODE_SV39 | (__pa(swapper_pg_dir) >> PAGE_SHIFT));
	local_flush_tlb_all();
	vm_ready = 1;
}

/* ---- ASIDs ---- */
#define MAX_ASIDS 4096
static unsigned long asid_map[MAX_ASIDS / 64];
static unsigned int nr_asids;
static DEFINE_SPINLOCK(asid_lock);

void asid_init(void)
{
	unsigned long old = csr_read(satp);
	csr_write(satp, old | (SATP_ASID_MASK << SATP_ASID_SHIFT));
	unsigned long bits = (csr_read(satp) >> SATP_ASID_SHIFT) & SATP_ASID_MASK;
	csr_write(satp, old);
	local_flush_tlb_all();
	nr_asids = min((unsigned long)MAX_ASIDS, bits + 1);
	asid_map[0] = 1;	/* ASID 0: kernel and "no ASID" fallback */
	printk("mmu: Sv39, %u ASIDs\n", nr_asids > 1 ? nr_asids : 0);
}

u16 asid_alloc(void)
{
	u16 a = 0;
	spin_lock(&asid_lock);
	for (unsigned int i = 1; i < nr_asids; i++) {
		if (!test_bit(i, asid_map)) {
			set_bit(i, asid_map);
			a = i;
			break;
		}
	}
	spin_unlock(&asid_lock);
	return a;
}

/* The caller has flushed every hart in mm->cpumask for this ASID. */
void asid_free(u16 a)
{
	if (a)
		clear_bit(a, asid_map);
}

pgd_t *pgd_alloc(void)
{
	pgd_t *pgd = get_zeroed_page(GFP_KERNEL);
	if (pgd)
		memcpy(pgd + 256, swapper_pg_dir + 256, 256 * sizeof(pgd_t));
	return pgd;
}

/* Loads mm's page table on this hart. ASID 0 means "no ASID": flush.
 * Publishing active_mm before checking flush_pending pairs with
 * flush_tlb_range (which sets flush_pending before reading active_mm):
 * either this hart sees the pending flush, or the flusher sees the hart
 * running the mm and fences it directly. */
void switch_mm(struct mm_struct *prev, struct mm_struct *next)
{
	int cpu = smp_processor_id();
	(void)prev;
	if (!next) {
		WRITE_ONCE(cpus[cpu].active_mm, NULL);
		csr_write(satp, SATP_MODE_SV39 | (__pa(swapper_pg_dir) >> PAGE_SHIFT));
		return;
	}
	__atomic_fetch_or(&next->cpumask, 1UL << cpu, __ATOMIC_SEQ_CST);
	WRITE_ONCE(cpus[cpu].active_mm, next);
	smp_mb();
	csr_write(satp, SATP_MODE_SV39 | ((unsigned long)next->asid << SATP_ASID_SHIFT) |
			(__pa(next->pgd) >> PAGE_SHIFT));
	unsigned long bit = 1UL << cpu;
	if (!next->asid)
		local_flush_tlb_all();
	else if (__atomic_fetch_and(&next->flush_pending, ~bit, __ATOMIC_SEQ_CST) & bit)
		local_flush_tlb_asid(next->asid);
}
