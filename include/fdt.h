/* fdt.h: small read-only flattened device tree (DTB) reader, libfdt-like.
 * Node offsets are byte offsets into the structure block. Every call checks
 * the header and bounds, so a malformed blob gives negative -FDT_ERR_* codes.
 * The blob must stay mapped and unchanged while in use; no locking.
 */
#ifndef _FDT_H
#define _FDT_H

#include "types.h"

#define FDT_MAGIC 0xd00dfeed
#define FDT_BEGIN_NODE 0x1
#define FDT_END_NODE 0x2
#define FDT_PROP 0x3
#define FDT_NOP 0x4
#define FDT_END 0x9

/* Error codes (returned negated), numbered as in libfdt. */
#define FDT_ERR_NOTFOUND 1
#define FDT_ERR_BADOFFSET 4
#define FDT_ERR_BADPATH 5
#define FDT_ERR_BADPHANDLE 6
#define FDT_ERR_TRUNCATED 8
#define FDT_ERR_BADMAGIC 9
#define FDT_ERR_BADVERSION 10
#define FDT_ERR_BADSTRUCTURE 11
#define FDT_ERR_BADLAYOUT 12
#define FDT_ERR_BADNCELLS 14

#define FDT_MAX_NCELLS 4

/* Header layout; all fields big endian. */
struct fdt_header {
	u32 magic;
	u32 totalsize;
	u32 off_dt_struct;
	u32 off_dt_strings;
	u32 off_mem_rsvmap;
	u32 version;
	u32 last_comp_version;
	u32 boot_cpuid_phys;
	u32 size_dt_strings;
	u32 size_dt_struct;
};

static inline u32 fdt32_to_cpu(u32 x)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return __builtin_bswap32(x);
#else
	return x;
#endif
}

static inline u64 fdt64_to_cpu(u64 x)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return __builtin_bswap64(x);
#else
	return x;
#endif
}

#define cpu_to_fdt32(x) fdt32_to_cpu(x)
#define cpu_to_fdt64(x) fdt64_to_cpu(x)

/* Load a big-endian value from a possibly unaligned address. */
static inline u32 fdt32_ld(const void *p)
{
	const u8 *b = p;

	return (u32)b[0] << 24 | (u32)b[1] << 16 | (u32)b[2] << 8 | b[3];
}

static inline u64 fdt64_ld(const void *p)
{
	return (u64)fdt32_ld(p) << 32 | fdt32_ld((const u8 *)p + 4);
}

/* Header checks; fdt_check_full also needs the buffer size and walks the tree. */
int fdt_check_header(const void *fdt);
int fdt_check_full(const void *fdt, size_t bufsize);
u32 fdt_totalsize(const void *fdt);

/* Tree walking. depth (may be NULL) is relative to the start node. */
int fdt_next_node(const void *fdt, int offset, int *depth);
int fdt_first_subnode(const void *fdt, int offset);
int fdt_next_subnode(const void *fdt, int offset);
int fdt_parent_offset(const void *fdt, int nodeoffset);

#define fdt_for_each_subnode(node, fdt, parent)			\
	for (node = fdt_first_subnode(fdt, parent); node >= 0;	\
	     node = fdt_next_subnode(fdt, node))

const char *fdt_get_name(const void *fdt, int nodeoffset, int *lenp);
const void *fdt_getprop(const void *fdt, int nodeoffset, const char *name,
			int *lenp);

/* Lookup. Paths are absolute ("/soc/uart@10000000"); a component without
 * "@unit" also matches a node that has one. A leading alias name is looked
 * up in /aliases. */
int fdt_path_offset(const void *fdt, const char *path);
int fdt_stringlist_contains(const char *strlist, int listlen, const char *str);
int fdt_node_check_compatible(const void *fdt, int nodeoffset,
			      const char *compatible);
int fdt_node_offset_by_compatible(const void *fdt, int startoffset,
				  const char *compatible);
u32 fdt_get_phandle(const void *fdt, int nodeoffset);
int fdt_node_offset_by_phandle(const void *fdt, u32 phandle);

/* Memory reservation block. */
int fdt_num_mem_rsv(const void *fdt);
int fdt_get_mem_rsv(const void *fdt, int n, u64 *address, u64 *size);

/* #address-cells / #size-cells of a parent node (defaults 2 and 1). */
int fdt_address_cells(const void *fdt, int nodeoffset);
int fdt_size_cells(const void *fdt, int nodeoffset);
/* Combine n big-endian cells (n <= 2 for a full value) into a u64. */
u64 fdt_read_cells(const u32 *p, int n);

#endif
