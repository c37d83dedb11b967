/* test_fdt.c: lib/fdt.c checked on device tree blobs built here by a tiny
 * builder (nodes, properties, NOPs, memreserve entries), then on corrupted
 * and truncated copies, which must be rejected or survive without crashes.
 */
#include <stdlib.h>
#include <string.h>
#include "fdt.h"
#include "unit.h"

/* ---- a minimal DTB builder ---- */

struct builder {
	u8 st[4096];
	int stlen;
	char strs[1024];
	int strslen;
	u64 rsv[8][2];
	int nrsv;
};

static void put32(u8 *p, u32 v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

static void b_u32(struct builder *b, u32 v)
{
	put32(b->st + b->stlen, v);
	b->stlen += 4;
}

/* Append bytes to the structure block, zero-padded to 4 bytes. */
static void b_bytes(struct builder *b, const void *p, int len)
{
	memcpy(b->st + b->stlen, p, len);
	b->stlen += len;
	while (b->stlen % 4)
		b->st[b->stlen++] = 0;
}

static int b_string(struct builder *b, const char *s)
{
	int off;

	for (off = 0; off < b->strslen; off += strlen(b->strs + off) + 1)
		if (!strcmp(b->strs + off, s))
			return off;
	strcpy(b->strs + b->strslen, s);
	b->strslen += strlen(s) + 1;
	return off;
}

static void b_begin(struct builder *b, const char *name)
{
	b_u32(b, FDT_BEGIN_NODE);
	b_bytes(b, name, strlen(name) + 1);
}

static void b_end(struct builder *b)
{
	b_u32(b, FDT_END_NODE);
}

static void b_prop(struct builder *b, const char *name, const void *val,
		   int len)
{
	b_u32(b, FDT_PROP);
	b_u32(b, len);
	b_u32(b, b_string(b, name));
	b_bytes(b, val, len);
}

static void b_prop_u32(struct builder *b, const char *name, u32 v)
{
	u8 be[4];

	put32(be, v);
	b_prop(b, name, be, 4);
}

static void b_prop_str(struct builder *b, const char *name, const char *s)
{
	b_prop(b, name, s, strlen(s) + 1);
}

static void b_prop_cells(struct builder *b, const char *name, const u32 *c,
			 int n)
{
	u8 be[64];
	int i;

	for (i = 0; i < n; i++)
		put32(be + 4 * i, c[i]);
	b_prop(b, name, be, 4 * n);
}

/* Lay out header, reservation map, struct and strings in a malloc'd blob. */
static u8 *b_finish(struct builder *b, size_t *sizep)
{
	u32 rsv_off = 40, st_off, str_off, total;
	u8 *blob;
	int i;

	b_u32(b, FDT_END);
	st_off = rsv_off + (b->nrsv + 1) * 16;
	str_off = st_off + b->stlen;
	total = str_off + b->strslen;
	blob = calloc(1, total);
	put32(blob + 0, FDT_MAGIC);
	put32(blob + 4, total);
	put32(blob + 8, st_off);
	put32(blob + 12, str_off);
	put32(blob + 16, rsv_off);
	put32(blob + 20, 17);
	put32(blob + 24, 16);
	put32(blob + 28, 0);
	put32(blob + 32, b->strslen);
	put32(blob + 36, b->stlen);
	for (i = 0; i < b->nrsv; i++) {
		put32(blob + rsv_off + 16 * i, b->rsv[i][0] >> 32);
		put32(blob + rsv_off + 16 * i + 4, (u32)b->rsv[i][0]);
		put32(blob + rsv_off + 16 * i + 8, b->rsv[i][1] >> 32);
		put32(blob + rsv_off + 16 * i + 12, (u32)b->rsv[i][1]);
	}
	memcpy(blob + st_off, b->st, b->stlen);
	memcpy(blob + str_off, b->strs, b->strslen);
	*sizep = total;
	return blob;
}

/* A small riscv "virt"-like tree. */
static u8 *build_virt(size_t *sizep)
{
	static struct builder b;
	static const u32 mem_reg[] = { 0, 0x80000000, 0, 0x8000000 };
	static const u32 uart_reg[] = { 0, 0x10000000, 0, 0x100 };
	static const char compat[] = "qemu,virt\0riscv-virtio";
	static const char plic[] = "sifive,plic-1.0.0\0riscv,plic0";

	memset(&b, 0, sizeof(b));
	b.rsv[0][0] = 0x80000000;
	b.rsv[0][1] = 0x200000;
	b.rsv[1][0] = 0x123456789aULL;
	b.rsv[1][1] = 0x1000;
	b.nrsv = 2;

	b_begin(&b, "");
	b_prop_u32(&b, "#address-cells", 2);
	b_prop_u32(&b, "#size-cells", 2);
	b_prop(&b, "compatible", compat, sizeof(compat));
	b_u32(&b, FDT_NOP);
	b_prop_str(&b, "model", "test-virt");
	b_begin(&b, "chosen");
	b_prop_str(&b, "bootargs", "console=ttyS0 root=/dev/vda");
	b_prop_str(&b, "stdout-path", "/soc/uart@10000000");
	b_prop(&b, "#address-cells", "x", 2);	/* not one cell */
	b_prop_u32(&b, "#size-cells", 9);	/* too many cells */
	b_end(&b);
	b_begin(&b, "aliases");
	b_prop_str(&b, "serial0", "/soc/uart@10000000");
	b_prop_str(&b, "broken", "soc");
	b_end(&b);
	b_begin(&b, "memory@80000000");
	b_prop_str(&b, "device_type", "memory");
	b_prop_cells(&b, "reg", mem_reg, 4);
	b_end(&b);
	b_begin(&b, "cpus");
	b_prop_u32(&b, "#address-cells", 1);
	b_prop_u32(&b, "#size-cells", 0);
	b_begin(&b, "cpu@0");
	b_prop_u32(&b, "reg", 0);
	b_prop_str(&b, "compatible", "riscv");
	b_prop_u32(&b, "phandle", 1);
	b_begin(&b, "interrupt-controller");
	b_prop_str(&b, "compatible", "riscv,cpu-intc");
	b_prop_u32(&b, "phandle", 2);
	b_end(&b);
	b_end(&b);
	b_u32(&b, FDT_NOP);
	b_begin(&b, "cpu@1");
	b_prop_u32(&b, "reg", 1);
	b_prop_str(&b, "compatible", "riscv");
	b_prop(&b, "empty", "", 0);
	b_end(&b);
	b_end(&b);
	b_begin(&b, "soc");
	b_prop_str(&b, "compatible", "simple-bus");
	b_begin(&b, "uart@10000000");
	b_prop_str(&b, "compatible", "ns16550a");
	b_prop_cells(&b, "reg", uart_reg, 4);
	b_end(&b);
	b_begin(&b, "plic@c000000");
	b_prop(&b, "compatible", plic, sizeof(plic));
	b_prop_u32(&b, "linux,phandle", 3);
	b_end(&b);
	b_end(&b);
	b_end(&b);
	return b_finish(&b, sizep);
}

/* ---- tests on the valid blob ---- */

static int name_is(const void *fdt, int off, const char *want)
{
	int len;
	const char *name = fdt_get_name(fdt, off, &len);

	return name && len == (int)strlen(want) && !strcmp(name, want);
}

static void test_valid(void)
{
	size_t size;
	u8 *fdt = build_virt(&size);
	int off, soc, uart, cpus, cpu0, cpu1, intc, plic, len, depth, n;
	const char *s;
	const u32 *reg;
	u64 addr, sz;

	CHECK(fdt_check_header(fdt) == 0);
	CHECK(fdt_check_full(fdt, size) == 0);
	CHECK(fdt_totalsize(fdt) == size);
	CHECK(fdt32_to_cpu(*(u32 *)fdt) == FDT_MAGIC);
	CHECK(fdt64_to_cpu(0x0102030405060708ULL) == 0x0807060504030201ULL);

	/* Paths */
	CHECK(fdt_path_offset(fdt, "/") == 0);
	CHECK(name_is(fdt, 0, ""));
	off = fdt_path_offset(fdt, "/chosen");
	CHECK(off > 0 && name_is(fdt, off, "chosen"));
	s = fdt_getprop(fdt, off, "bootargs", &len);
	CHECK(s && len == 28 && !strcmp(s, "console=ttyS0 root=/dev/vda"));
	CHECK(fdt_getprop(fdt, off, "nope", &len) == NULL &&
	      len == -FDT_ERR_NOTFOUND);
	CHECK(fdt_getprop(fdt, off, "bootarg", NULL) == NULL);
	uart = fdt_path_offset(fdt, "/soc/uart@10000000");
	CHECK(uart > 0 && name_is(fdt, uart, "uart@10000000"));
	CHECK(fdt_path_offset(fdt, "/soc/uart") == uart);
	CHECK(fdt_path_offset(fdt, "//soc//uart/") == uart);
	CHECK(fdt_path_offset(fdt, "/soc/uart@1") == -FDT_ERR_NOTFOUND);
	CHECK(fdt_path_offset(fdt, "/soc/uar") == -FDT_ERR_NOTFOUND);
	CHECK(fdt_path_offset(fdt, "/nope") == -FDT_ERR_NOTFOUND);
	CHECK(fdt_path_offset(fdt, "serial0") == uart);
	CHECK(fdt_path_offset(fdt, "serial0/x") == -FDT_ERR_NOTFOUND);
	CHECK(fdt_path_offset(fdt, "serial1") == -FDT_ERR_BADPATH);
	CHECK(fdt_path_offset(fdt, "broken") == -FDT_ERR_BADPATH);
	CHECK(fdt_path_offset(fdt, "") == -FDT_ERR_BADPATH);
	soc = fdt_path_offset(fdt, "/soc");
	cpus = fdt_path_offset(fdt, "/cpus");
	cpu0 = fdt_path_offset(fdt, "/cpus/cpu@0");
	cpu1 = fdt_path_offset(fdt, "/cpus/cpu@1");
	intc = fdt_path_offset(fdt, "/cpus/cpu@0/interrupt-controller");
	plic = fdt_path_offset(fdt, "/soc/plic");
	CHECK(soc > 0 && cpus > 0 && cpu0 > 0 && cpu1 > 0 && intc > 0 &&
	      plic > 0);
	CHECK(fdt_path_offset(fdt, "/cpus/cpu") == cpu0);	/* first match */
	CHECK(fdt_path_offset(fdt, "/memory") ==
	      fdt_path_offset(fdt, "/memory@80000000"));

	/* Subnode iteration */
	{
		static const char *want[] = { "chosen", "aliases",
			"memory@80000000", "cpus", "soc" };
		int i = 0, ok = 1;

		fdt_for_each_subnode(off, fdt, 0)
			ok &= i < 5 && name_is(fdt, off, want[i++]);
		CHECK(ok && i == 5);
		n = 0;
		fdt_for_each_subnode(off, fdt, cpus)
			n++;
		CHECK(n == 2);
		CHECK(fdt_first_subnode(fdt, uart) == -FDT_ERR_NOTFOUND);
		CHECK(fdt_next_subnode(fdt, cpu1) == -FDT_ERR_NOTFOUND);
		CHECK(fdt_next_subnode(fdt, cpu0) == cpu1);
	}

	/* Whole-tree walk with depth */
	{
		int count = 0, maxd = 0;

		depth = -1;
		for (off = fdt_next_node(fdt, -1, &depth);
		     off >= 0 && depth >= 0;
		     off = fdt_next_node(fdt, off, &depth)) {
			count++;
			if (depth > maxd)
				maxd = depth;
		}
		CHECK(count == 11 && maxd == 3);
		CHECK(fdt_next_node(fdt, plic, NULL) == -FDT_ERR_NOTFOUND);
	}

	/* Parents */
	CHECK(fdt_parent_offset(fdt, uart) == soc);
	CHECK(fdt_parent_offset(fdt, intc) == cpu0);
	CHECK(fdt_parent_offset(fdt, cpu1) == cpus);
	CHECK(fdt_parent_offset(fdt, soc) == 0);
	CHECK(fdt_parent_offset(fdt, 0) == -FDT_ERR_NOTFOUND);
	CHECK(fdt_parent_offset(fdt, uart + 4) < 0);
	CHECK(fdt_parent_offset(fdt, -5) < 0);

	/* Compatible */
	CHECK(fdt_node_check_compatible(fdt, plic, "riscv,plic0") == 0);
	CHECK(fdt_node_check_compatible(fdt, plic, "sifive,plic-1.0.0") == 0);
	CHECK(fdt_node_check_compatible(fdt, plic, "riscv,plic") == 1);
	CHECK(fdt_node_check_compatible(fdt, 0, "riscv-virtio") == 0);
	CHECK(fdt_node_check_compatible(fdt, cpus, "x") == -FDT_ERR_NOTFOUND);
	CHECK(fdt_node_offset_by_compatible(fdt, -1, "riscv") == cpu0);
	CHECK(fdt_node_offset_by_compatible(fdt, cpu0, "riscv") == cpu1);
	CHECK(fdt_node_offset_by_compatible(fdt, cpu1, "riscv") ==
	      -FDT_ERR_NOTFOUND);
	CHECK(fdt_node_offset_by_compatible(fdt, -1, "ns16550a") == uart);
	CHECK(fdt_node_offset_by_compatible(fdt, -1, "qemu,virt") == 0);
	CHECK(fdt_stringlist_contains("ab\0cd", 5, "cd") == 0);	/* no NUL */
	CHECK(fdt_stringlist_contains("ab\0cd", 6, "cd") == 1);
	CHECK(fdt_stringlist_contains("ab\0cd", 6, "c") == 0);
	CHECK(fdt_stringlist_contains("", 1, "") == 1);
	CHECK(fdt_stringlist_contains("ab", -3, "ab") == 0);

	/* Phandles */
	CHECK(fdt_get_phandle(fdt, intc) == 2);
	CHECK(fdt_get_phandle(fdt, plic) == 3);	/* linux,phandle */
	CHECK(fdt_get_phandle(fdt, soc) == 0);
	CHECK(fdt_node_offset_by_phandle(fdt, 1) == cpu0);
	CHECK(fdt_node_offset_by_phandle(fdt, 3) == plic);
	CHECK(fdt_node_offset_by_phandle(fdt, 99) == -FDT_ERR_NOTFOUND);
	CHECK(fdt_node_offset_by_phandle(fdt, 0) == -FDT_ERR_BADPHANDLE);
	CHECK(fdt_node_offset_by_phandle(fdt, ~0U) == -FDT_ERR_BADPHANDLE);

	/* Memory reservations */
	CHECK(fdt_num_mem_rsv(fdt) == 2);
	CHECK(fdt_get_mem_rsv(fdt, 0, &addr, &sz) == 0 &&
	      addr == 0x80000000 && sz == 0x200000);
	CHECK(fdt_get_mem_rsv(fdt, 1, &addr, &sz) == 0 &&
	      addr == 0x123456789aULL && sz == 0x1000);
	CHECK(fdt_get_mem_rsv(fdt, 2, &addr, &sz) < 0);
	CHECK(fdt_get_mem_rsv(fdt, -1, &addr, &sz) < 0);

	/* Cells */
	CHECK(fdt_address_cells(fdt, 0) == 2 && fdt_size_cells(fdt, 0) == 2);
	CHECK(fdt_address_cells(fdt, cpus) == 1 && fdt_size_cells(fdt, cpus) == 0);
	CHECK(fdt_address_cells(fdt, soc) == 2 && fdt_size_cells(fdt, soc) == 1);
	CHECK(fdt_address_cells(fdt, cpu0) == 2 && fdt_size_cells(fdt, cpu0) == 1);
	off = fdt_path_offset(fdt, "/chosen");
	CHECK(fdt_address_cells(fdt, off) == -FDT_ERR_BADNCELLS);
	CHECK(fdt_size_cells(fdt, off) == -FDT_ERR_BADNCELLS);
	CHECK(fdt_address_cells(fdt, -1) < 0);
	reg = fdt_getprop(fdt, fdt_path_offset(fdt, "/memory"), "reg", &len);
	CHECK(reg && len == 16);
	CHECK(fdt_read_cells(reg, 2) == 0x80000000 &&
	      fdt_read_cells(reg + 2, 2) == 0x8000000);
	CHECK(fdt_read_cells(reg + 1, 1) == 0x80000000);
	CHECK(fdt_read_cells(reg, 0) == 0);
	CHECK(fdt_getprop(fdt, cpu1, "empty", &len) != NULL && len == 0);

	/* Bad offsets are rejected. */
	CHECK(fdt_get_name(fdt, 3, &len) == NULL && len == -FDT_ERR_BADOFFSET);
	CHECK(fdt_getprop(fdt, uart + 8, "reg", &len) == NULL && len < 0);
	CHECK(fdt_getprop(fdt, 1 << 20, "reg", &len) == NULL && len < 0);
	CHECK(fdt_first_subnode(fdt, -8) < 0);
	CHECK(fdt_next_node(fdt, (int)size, NULL) < 0);
	free(fdt);
}

/* ---- malformed blobs ---- */

static void set32(u8 *fdt, int field, u32 v)
{
	put32(fdt + 4 * field, v);
}

static u32 get32(const u8 *fdt, int field)
{
	return fdt32_ld(fdt + 4 * field);
}

/* Exercise every entry point; must terminate and stay within the blob. */
static int poke_all(const u8 *fdt, size_t size)
{
	static const char *paths[] = { "/", "/chosen", "/soc/uart", "serial0",
		"/cpus/cpu@0/interrupt-controller", "/memory", "broken" };
	int off, depth = -1, len, bad = 0, i, steps = 0;
	const u8 *p;
	u64 a, s;

	for (off = fdt_next_node(fdt, -1, &depth); off >= 0 && steps < 1000;
	     off = fdt_next_node(fdt, off, &depth), steps++) {
		const char *name = fdt_get_name(fdt, off, &len);

		if (name && (name < (const char *)fdt ||
			     name + len >= (const char *)fdt + size))
			bad++;
		p = fdt_getprop(fdt, off, "compatible", &len);
		if (p && (p < fdt || p + len > fdt + size))
			bad++;
		fdt_getprop(fdt, off, "reg", &len);
		fdt_parent_offset(fdt, off);
		fdt_first_subnode(fdt, off);
		fdt_next_subnode(fdt, off);
		fdt_node_check_compatible(fdt, off, "riscv");
		fdt_address_cells(fdt, off);
		fdt_size_cells(fdt, off);
		fdt_get_phandle(fdt, off);
	}
	for (i = 0; i < 7; i++)
		fdt_path_offset(fdt, paths[i]);
	for (off = -1, steps = 0; steps < 100; steps++) {
		off = fdt_node_offset_by_compatible(fdt, off, "riscv");
		if (off < 0)
			break;
	}
	fdt_node_offset_by_phandle(fdt, 2);
	for (i = 0; i < 4; i++)
		fdt_get_mem_rsv(fdt, i, &a, &s);
	fdt_num_mem_rsv(fdt);
	for (off = -4; off < (int)size + 8; off += 4) {
		fdt_get_name(fdt, off, &len);
		fdt_getprop(fdt, off, "reg", &len);
		fdt_next_node(fdt, off, &depth);
	}
	return bad;
}

static void test_malformed(void)
{
	size_t size, len;
	u8 *good = build_virt(&size), *fdt;
	int i, bad = 0, rejected = 0, iters;

	/* Header field damage */
	fdt = malloc(size);
#define RESET() memcpy(fdt, good, size)
	RESET(); fdt[0] ^= 1;
	CHECK(fdt_check_header(fdt) == -FDT_ERR_BADMAGIC);
	CHECK(fdt_path_offset(fdt, "/") == -FDT_ERR_BADMAGIC);
	CHECK(fdt_getprop(fdt, 0, "model", NULL) == NULL);
	CHECK(fdt_num_mem_rsv(fdt) < 0);
	RESET(); set32(fdt, 5, 15);
	CHECK(fdt_check_header(fdt) == -FDT_ERR_BADVERSION);
	RESET(); set32(fdt, 6, 18);
	CHECK(fdt_check_header(fdt) == -FDT_ERR_BADVERSION);
	RESET(); set32(fdt, 1, 20);
	CHECK(fdt_check_header(fdt) == -FDT_ERR_TRUNCATED);
	RESET(); set32(fdt, 1, size - 1);	/* strings run past the end */
	CHECK(fdt_check_header(fdt) == -FDT_ERR_BADLAYOUT);
	RESET(); set32(fdt, 2, 0xfffffff0);
	CHECK(fdt_check_header(fdt) == -FDT_ERR_BADLAYOUT);
	RESET(); set32(fdt, 9, 0xfffffff0);	/* size_dt_struct wraps */
	CHECK(fdt_check_header(fdt) == -FDT_ERR_BADLAYOUT);
	RESET(); set32(fdt, 2, 20);		/* struct overlaps header */
	CHECK(fdt_check_header(fdt) == -FDT_ERR_BADLAYOUT);
	RESET(); set32(fdt, 2, get32(good, 2) + 2);
	CHECK(fdt_check_header(fdt) == -FDT_ERR_BADLAYOUT);
	RESET(); set32(fdt, 4, 44);		/* misaligned memreserve */
	CHECK(fdt_check_header(fdt) == -FDT_ERR_BADLAYOUT);
	RESET(); set32(fdt, 3, get32(good, 3) + 1);
	CHECK(fdt_check_header(fdt) == -FDT_ERR_BADLAYOUT);
	RESET(); set32(fdt, 1, 0x80000000);
	CHECK(fdt_check_header(fdt) < 0);
	CHECK(fdt_check_full(NULL, 0) < 0);
	CHECK(fdt_check_header(NULL) < 0);

	/* Struct damage detected by the full check, tolerated elsewhere. */
	RESET(); put32(fdt + get32(good, 2), 7);	/* bad first tag */
	CHECK(fdt_check_full(fdt, size) == -FDT_ERR_BADSTRUCTURE);
	CHECK(fdt_path_offset(fdt, "/chosen") < 0);
	CHECK(poke_all(fdt, size) == 0);
	RESET(); put32(fdt + get32(good, 2) + get32(good, 9) - 4, FDT_END_NODE);
	CHECK(fdt_check_full(fdt, size) < 0);	/* missing FDT_END */
	CHECK(fdt_path_offset(fdt, "/soc/uart") > 0);
	CHECK(poke_all(fdt, size) == 0);
	RESET(); set32(fdt, 8, 3);		/* strings cut short */
	CHECK(fdt_check_full(fdt, size) == -FDT_ERR_BADSTRUCTURE);
	CHECK(fdt_getprop(fdt, 0, "model", &i) == NULL && i < 0);
	CHECK(poke_all(fdt, size) == 0);
	RESET(); set32(fdt, 9, get32(good, 9) - 4);	/* struct cut short */
	CHECK(fdt_check_full(fdt, size) < 0);
	CHECK(poke_all(fdt, size) == 0);
	free(fdt);

	/* Truncated buffers: copy a prefix into an exact-size allocation. */
	for (len = 0; len < size; len++) {
		fdt = malloc(len ? len : 1);
		memcpy(fdt, good, len);
		rejected += fdt_check_full(fdt, len) < 0;
		free(fdt);
	}
	CHECK(rejected == (int)size);

	/* Random corruption: header sizes kept within the buffer. */
	srand(4242);
	for (iters = 0; iters < 3000; iters++) {
		int nflip = 1 + rand() % 4;

		fdt = malloc(size);
		memcpy(fdt, good, size);
		for (i = 0; i < nflip; i++) {
			size_t at = rand() % size;

			switch (rand() % 4) {
			case 0:		/* random byte */
				fdt[at] = rand();
				break;
			case 1:		/* plausible tag at an aligned spot */
				at &= ~3UL;
				if (at + 4 <= size)
					put32(fdt + at, 1 + rand() % 9);
				break;
			case 2:		/* huge length / nameoff */
				at &= ~3UL;
				if (at + 4 <= size)
					put32(fdt + at, 0xffffffff - rand() % 64);
				break;
			default:	/* small header field tweak */
				set32(fdt, 1 + rand() % 9,
				      get32(fdt, 1 + rand() % 9) + rand() % 16 - 8);
				break;
			}
		}
		if (fdt_check_header(fdt) == 0 && fdt_totalsize(fdt) <= size)
			bad += poke_all(fdt, size);
		fdt_check_full(fdt, size);
		free(fdt);
	}
	CHECK(bad == 0 && iters == 3000);
	free(good);
}

int main(void)
{
	test_valid();
	test_malformed();
	return unit_done("test_fdt");
}
