/* memblock.c: boot-time physical memory bookkeeping: RAM ranges from the
 * FDT, reserved ranges (firmware, kernel, FDT, initrd), and a top-down
 * allocator for early page tables and mem_map. Boot hart only, no locks. */
#include <mm.h>
#include <printk.h>

#define MAX_REGIONS 32
struct memblock_region memblock_memory[MAX_REGIONS], memblock_reserved[MAX_REGIONS];
int memblock_nr_memory, memblock_nr_reserved;

void memblock_add(phys_addr_t base, phys_addr_t size)
{
	if (memblock_nr_memory < MAX_REGIONS)
		memblock_memory[memblock_nr_memory++] = (struct memblock_region){ base, size };
}

void memblock_reserve(phys_addr_t base, phys_addr_t size)
{
	phys_addr_t end = ALIGN_UP(base + size, PAGE_SIZE);
	base = ALIGN_DOWN(base, PAGE_SIZE);
	for (int i = 0; i < memblock_nr_reserved; i++) {	/* merge neighbours */
		struct memblock_region *r = &memblock_reserved[i];
		if (r->base == end) {
			r->base = base;
			r->size += end - base;
			return;
		}
		if (r->base + r->size == base) {
			r->size += end - base;
			return;
		}
	}
	if (memblock_nr_reserved < MAX_REGIONS)
		memblock_reserved[memblock_nr_reserved++] =
			(struct memblock_region){ base, end - base };
	else
		panic("memblock: too many reserved regions");
}

/* Returns 1 if any byte of [pa, pa+size) is reserved. */
static int overlaps_reserved(phys_addr_t pa, phys_addr_t size)
{
	for (int i = 0; i < memblock_nr_reserved; i++) {
		struct memblock_region *r = &memblock_reserved[i];
		if (pa < r->base + r->size && r->base < pa + size)
			return 1;
	}
	return 0;
}

int memblock_is_reserved(phys_addr_t pa)
{
	return overlaps_reserved(pa, 1);
}

phys_addr_t memblock_alloc(phys_addr_t size, phys_addr_t align)
{
	size = ALIGN_UP(size, PAGE_SIZE);
	for (int i = memblock_nr_memory - 1; i >= 0; i--) {
		struct memblock_region *m = &memblock_memory[i];
		if (m->size < size)
			continue;
		phys_addr_t pa = ALIGN_DOWN(m->base + m->size - size, align);
		while (pa >= m->base) {
			if (!overlaps_reserved(pa, size)) {
				memblock_reserve(pa, size);
				return pa;
			}
			if (pa < m->base + align)
				break;
			pa -= align;
		}
	}
	panic("memblock_alloc: out of memory (%lu bytes)", size);
}

phys_addr_t memblock_start(void)
{
	phys_addr_t s = ~0UL;
	for (int i = 0; i < memblock_nr_memory; i++)
		s = min(s, memblock_memory[i].base);
	return s;
}

phys_addr_t memblock_end(void)
{
	phys_addr_t e = 0;
	for (int i = 0; i < memblock_nr_memory; i++)
		e = max(e, memblock_memory[i].base + memblock_memory[i].size);
	return e;
}

void memblock_dump(void)
{
	for (int i = 0; i < memblock_nr_memory; i++)
		printk("memory: %016lx-%016lx\n", memblock_memory[i].base,
		       memblock_memory[i].base + memblock_memory[i].size);
	for (int i = 0; i < memblock_nr_reserved; i++)
		printk("reserved: %016lx-%016lx\n", memblock_reserved[i].base,
		       memblock_reserved[i].base + memblock_reserved[i].size);
}
