/* fdt.c: read-only flattened device tree parser (see fdt.h). Every entry
 * point revalidates the header, and every read is bounds-checked against
 * the structure/strings blocks, so malformed blobs yield -FDT_ERR_* codes.
 */
#include "fdt.h"
#include "string.h"

#define HDR(fdt, field) \
	fdt32_ld((const u8 *)(fdt) + __builtin_offsetof(struct fdt_header, field))

/* Validated view of a blob. */
struct fdt_ctx {
	const u8 *st;		/* structure block */
	u32 st_size;
	const char *str;	/* strings block */
	u32 str_size;
};

/* True if [off, off+size) lies inside [lo, total). */
static int block_ok(u32 off, u32 size, u32 lo, u32 total)
{
	return off >= lo && (u64)off + size <= total;
}

int fdt_check_header(const void *fdt)
{
	u32 total, version, hsize, st_size;

	if (!fdt || HDR(fdt, magic) != FDT_MAGIC)
		return -FDT_ERR_BADMAGIC;
	version = HDR(fdt, version);
	if (version < 16 || HDR(fdt, last_comp_version) > 17)
		return -FDT_ERR_BADVERSION;
	hsize = version >= 17 ? sizeof(struct fdt_header) : 36;
	total = HDR(fdt, totalsize);
	if (total < hsize || total > 0x7fffffff)
		return -FDT_ERR_TRUNCATED;

	if (HDR(fdt, off_mem_rsvmap) % 8 ||
	    !block_ok(HDR(fdt, off_mem_rsvmap), 16, hsize, total))
		return -FDT_ERR_BADLAYOUT;
	st_size = version >= 17 ? HDR(fdt, size_dt_struct)
				: total - HDR(fdt, off_dt_struct);
	if (HDR(fdt, off_dt_struct) % 4 ||
	    !block_ok(HDR(fdt, off_dt_struct), st_size, hsize, total))
		return -FDT_ERR_BADLAYOUT;
	if (!block_ok(HDR(fdt, off_dt_strings), HDR(fdt, size_dt_strings),
		      hsize, total))
		return -FDT_ERR_BADLAYOUT;
	return 0;
}

u32 fdt_totalsize(const void *fdt)
{
	return HDR(fdt, totalsize);
}

static int get_ctx(const void *fdt, struct fdt_ctx *c)
{
	int err = fdt_check_header(fdt);

	if (err)
		return err;
	c->st = (const u8 *)fdt + HDR(fdt, off_dt_struct);
	c->st_size = HDR(fdt, version) >= 17 ? HDR(fdt, size_dt_struct)
			: HDR(fdt, totalsize) - HDR(fdt, off_dt_struct);
	c->str = (const char *)fdt + HDR(fdt, off_dt_strings);
	c->str_size = HDR(fdt, size_dt_strings);
	return 0;
}

/*
 * Decode the tag at offset and set *nextp to the following tag. On a
 * bad or truncated tag returns FDT_END with *nextp a negative error;
 * a real FDT_END tag leaves *nextp >= 0.
 */
static u32 next_tag(const struct fdt_ctx *c, int offset, int *nextp)
{
	u32 tag, off, len;
	const u8 *nul;

	*nextp = -FDT_ERR_TRUNCATED;
	if (offset < 0 || offset % 4 || (u64)offset + 4 > c->st_size)
		return FDT_END;
	tag = fdt32_ld(c->st + offset);
	off = offset + 4;
	switch (tag) {
	case FDT_BEGIN_NODE:	/* NUL-terminated name follows */
		nul = memchr(c->st + off, '\0', c->st_size - off);
		if (!nul)
			return FDT_END;
		off = nul - c->st + 1;
		break;
	case FDT_PROP:		/* len, nameoff, value */
		if ((u64)off + 8 > c->st_size)
			return FDT_END;
		len = fdt32_ld(c->st + off);
		off += 8;
		if (len > c->st_size - off)
			return FDT_END;
		off += len;
		break;
	case FDT_END_NODE:
	case FDT_NOP:
	case FDT_END:
		break;
	default:
		*nextp = -FDT_ERR_BADSTRUCTURE;
		return FDT_END;
	}
	*nextp = (off + 3) & ~3U;	/* st_size <= 2^31, cannot wrap */
	return tag;
}

/* Offset just past the BEGIN_NODE tag at offset, or -FDT_ERR_BADOFFSET. */
static int check_node(const struct fdt_ctx *c, int offset)
{
	int next;

	if (next_tag(c, offset, &next) != FDT_BEGIN_NODE)
		return -FDT_ERR_BADOFFSET;
	return next;
}

/* Property name at nameoff in the strings block, or NULL if invalid. */
static const char *prop_name(const struct fdt_ctx *c, u32 nameoff)
{
	if (nameoff >= c->str_size ||
	    !memchr(c->str + nameoff, '\0', c->str_size - nameoff))
		return NULL;
	return c->str + nameoff;
}

int fdt_next_node(const void *fdt, int offset, int *depth)
{
	struct fdt_ctx c;
	int next = 0, err = get_ctx(fdt, &c);

	if (err)
		return err;
	if (offset >= 0) {
		next = check_node(&c, offset);
		if (next < 0)
			return next;
	}
	for (;;) {
		offset = next;
		switch (next_tag(&c, offset, &next)) {
		case FDT_BEGIN_NODE:
			if (depth)
				(*depth)++;
			return offset;
		case FDT_END_NODE:
			if (depth && --(*depth) < 0)
				return next;
			break;
		case FDT_END:
			return next >= 0 ? -FDT_ERR_NOTFOUND : next;
		default:	/* FDT_PROP, FDT_NOP */
			break;
		}
	}
}

int fdt_first_subnode(const void *fdt, int offset)
{
	int depth = 0;

	if (offset < 0)		/* not "from the start" here */
		return -FDT_ERR_BADOFFSET;
	offset = fdt_next_node(fdt, offset, &depth);
	if (offset < 0 || depth != 1)
		return -FDT_ERR_NOTFOUND;
	return offset;
}

int fdt_next_subnode(const void *fdt, int offset)
{
	int depth = 1;

	/* Skip the children of offset until we are back at its level. */
	do {
		offset = fdt_next_node(fdt, offset, &depth);
		if (offset < 0 || depth < 1)
			return -FDT_ERR_NOTFOUND;
	} while (depth > 1);
	return offset;
}

const char *fdt_get_name(const void *fdt, int nodeoffset, int *lenp)
{
	struct fdt_ctx c;
	int err = get_ctx(fdt, &c);
	const char *name;

	if (!err)
		err = check_node(&c, nodeoffset);
	if (err < 0) {
		if (lenp)
			*lenp = err;
		return NULL;
	}
	name = (const char *)c.st + nodeoffset + 4;	/* NUL checked */
	if (lenp)
		*lenp = strlen(name);
	return name;
}

/* Find property name[0..namelen) of a node; *lenp gets length or error. */
static const void *getprop_namelen(const void *fdt, int nodeoffset,
				   const char *name, int namelen, int *lenp)
{
	struct fdt_ctx c;
	int off, next, err = get_ctx(fdt, &c);
	const char *pname;
	u32 tag;

	if (!err)
		err = next = check_node(&c, nodeoffset);
	while (err >= 0) {
		off = next;
		tag = next_tag(&c, off, &next);
		if (tag == FDT_NOP)
			continue;
		if (tag != FDT_PROP) {
			err = tag == FDT_END && next < 0 ? next
							 : -FDT_ERR_NOTFOUND;
			break;
		}
		pname = prop_name(&c, fdt32_ld(c.st + off + 8));
		if (!pname) {
			err = -FDT_ERR_BADSTRUCTURE;
			break;
		}
		if (!strncmp(pname, name, namelen) && !pname[namelen]) {
			if (lenp)
				*lenp = fdt32_ld(c.st + off + 4);
			return c.st + off + 12;
		}
	}
	if (lenp)
		*lenp = err;
	return NULL;
}

const void *fdt_getprop(const void *fdt, int nodeoffset, const char *name,
			int *lenp)
{
	return getprop_namelen(fdt, nodeoffset, name, strlen(name), lenp);
}

/* Does node name (len bytes) match path component comp[0..complen)? */
static int name_matches(const char *name, int len, const char *comp,
			int complen)
{
	if (len < complen || memcmp(name, comp, complen))
		return 0;
	if (len == complen)
		return 1;
	/* "uart" matches "uart@1000" unless comp gave its own unit address */
	return name[complen] == '@' && !memchr(comp, '@', complen);
}

static int subnode_namelen(const void *fdt, int parent, const char *comp,
			   int complen)
{
	const char *name;
	int node, len;

	fdt_for_each_subnode(node, fdt, parent) {
		name = fdt_get_name(fdt, node, &len);
		if (name && name_matches(name, len, comp, complen))
			return node;
	}
	return -FDT_ERR_NOTFOUND;
}

int fdt_path_offset(const void *fdt, const char *path)
{
	const char *p = path, *q;
	int off = 0, len;

	if (!path || !*path)
		return -FDT_ERR_BADPATH;
	if (*path != '/') {
		/* "alias/rest": the alias value is an absolute path */
		const char *val;
		int aliases = fdt_path_offset(fdt, "/aliases");

		if (aliases < 0)
			return -FDT_ERR_BADPATH;
		q = strchr(path, '/');
		if (!q)
			q = path + strlen(path);
		val = getprop_namelen(fdt, aliases, path, q - path, &len);
		if (!val || len < 2 || val[0] != '/' || val[len - 1])
			return -FDT_ERR_BADPATH;
		off = fdt_path_offset(fdt, val);
		p = q;
	} else {
		struct fdt_ctx c;
		int err = get_ctx(fdt, &c);

		if (err)
			return err;
		if (check_node(&c, 0) < 0)
			return -FDT_ERR_BADSTRUCTURE;
	}
	while (off >= 0 && *p) {
		while (*p == '/')
			p++;
		if (!*p)
			break;
		q = strchr(p, '/');
		if (!q)
			q = p + strlen(p);
		off = subnode_namelen(fdt, off, p, q - p);
		p = q;
	}
	return off;
}

int fdt_parent_offset(const void *fdt, int nodeoffset)
{
	int off, depth = -1, target = -1, parent = -FDT_ERR_NOTFOUND;

	/* First find the depth of nodeoffset (root is depth 0)... */
	for (off = fdt_next_node(fdt, -1, &depth); off >= 0 && depth >= 0;
	     off = fdt_next_node(fdt, off, &depth)) {
		if (off == nodeoffset) {
			target = depth;
			break;
		}
	}
	if (target < 0)
		return off < 0 ? off : -FDT_ERR_BADOFFSET;
	if (target == 0)
		return -FDT_ERR_NOTFOUND;
	/* ...then the last node one level up before it. */
	depth = -1;
	for (off = fdt_next_node(fdt, -1, &depth); off >= 0 && depth >= 0;
	     off = fdt_next_node(fdt, off, &depth)) {
		if (off == nodeoffset)
			return parent;
		if (depth == target - 1)
			parent = off;
	}
	return -FDT_ERR_BADOFFSET;
}

int fdt_stringlist_contains(const char *strlist, int listlen, const char *str)
{
	int len = strlen(str);
	const char *nul;

	while (listlen > len) {		/* room for str and its NUL */
		if (!memcmp(str, strlist, len + 1))
			return 1;
		nul = memchr(strlist, '\0', listlen);
		if (!nul)
			return 0;
		listlen -= nul - strlist + 1;
		strlist = nul + 1;
	}
	return 0;
}

int fdt_node_check_compatible(const void *fdt, int nodeoffset,
			      const char *compatible)
{
	int len;
	const char *prop = fdt_getprop(fdt, nodeoffset, "compatible", &len);

	if (!prop)
		return len;
	return !fdt_stringlist_contains(prop, len, compatible);
}

int fdt_node_offset_by_compatible(const void *fdt, int startoffset,
				  const char *compatible)
{
	int off;

	for (off = fdt_next_node(fdt, startoffset, NULL); off >= 0;
	     off = fdt_next_node(fdt, off, NULL))
		if (fdt_node_check_compatible(fdt, off, compatible) == 0)
			return off;
	return off;
}

u32 fdt_get_phandle(const void *fdt, int nodeoffset)
{
	int len;
	const void *p = fdt_getprop(fdt, nodeoffset, "phandle", &len);

	if (!p || len != 4) {
		p = fdt_getprop(fdt, nodeoffset, "linux,phandle", &len);
		if (!p || len != 4)
			return 0;
	}
	return fdt32_ld(p);
}

int fdt_node_offset_by_phandle(const void *fdt, u32 phandle)
{
	int off;

	if (phandle == 0 || phandle == ~0U)
		return -FDT_ERR_BADPHANDLE;
	for (off = fdt_next_node(fdt, -1, NULL); off >= 0;
	     off = fdt_next_node(fdt, off, NULL))
		if (fdt_get_phandle(fdt, off) == phandle)
			return off;
	return off;
}

/* Entry n of the reservation map if it lies inside the blob. */
static const u8 *rsv_entry(const void *fdt, int n)
{
	u64 off = HDR(fdt, off_mem_rsvmap) + (u64)n * 16;

	if (n < 0 || off + 16 > HDR(fdt, totalsize))
		return NULL;
	return (const u8 *)fdt + off;
}

int fdt_num_mem_rsv(const void *fdt)
{
	const u8 *e;
	int n, err = fdt_check_header(fdt);

	if (err)
		return err;
	for (n = 0; (e = rsv_entry(fdt, n)); n++)
		if (fdt64_ld(e + 8) == 0)	/* size 0 ends the map */
			return n;
	return -FDT_ERR_TRUNCATED;
}

int fdt_get_mem_rsv(const void *fdt, int n, u64 *address, u64 *size)
{
	int count = fdt_num_mem_rsv(fdt);
	const u8 *e;

	if (count < 0)
		return count;
	if (n < 0 || n >= count)
		return -FDT_ERR_BADOFFSET;
	e = rsv_entry(fdt, n);
	*address = fdt64_ld(e);
	*size = fdt64_ld(e + 8);
	return 0;
}

static int read_ncells(const void *fdt, int nodeoffset, const char *name,
		       int dflt)
{
	int len;
	const void *p = fdt_getprop(fdt, nodeoffset, name, &len);
	u32 v;

	if (!p)
		return len == -FDT_ERR_NOTFOUND ? dflt : len;
	if (len != 4)
		return -FDT_ERR_BADNCELLS;
	v = fdt32_ld(p);
	return v > FDT_MAX_NCELLS ? -FDT_ERR_BADNCELLS : (int)v;
}

int fdt_address_cells(const void *fdt, int nodeoffset)
{
	return read_ncells(fdt, nodeoffset, "#address-cells", 2);
}

int fdt_size_cells(const void *fdt, int nodeoffset)
{
	return read_ncells(fdt, nodeoffset, "#size-cells", 1);
}

u64 fdt_read_cells(const u32 *p, int n)
{
	u64 v = 0;

	while (n-- > 0)
		v = v << 32 | fdt32_ld(p++);
	return v;
}

/*
 * Full check for a blob in a buffer of bufsize bytes: header, size, a
 * single root node, balanced nodes, valid property names, and a
 * terminated reservation map. Returns 0 or -FDT_ERR_*.
 */
int fdt_check_full(const void *fdt, size_t bufsize)
{
	struct fdt_ctx c;
	int off, next = 0, depth = 0, seen_root = 0, err;
	u32 tag;

	if (bufsize < sizeof(struct fdt_header))
		return -FDT_ERR_TRUNCATED;
	err = get_ctx(fdt, &c);
	if (err)
		return err;
	if (fdt_totalsize(fdt) > bufsize)
		return -FDT_ERR_TRUNCATED;
	err = fdt_num_mem_rsv(fdt);
	if (err < 0)
		return err;
	for (;;) {
		off = next;
		tag = next_tag(&c, off, &next);
		if (next < 0)
			return next;
		switch (tag) {
		case FDT_BEGIN_NODE:
			if (depth == 0 && seen_root++)
				return -FDT_ERR_BADSTRUCTURE;
			depth++;
			break;
		case FDT_END_NODE:
			if (--depth < 0)
				return -FDT_ERR_BADSTRUCTURE;
			break;
		case FDT_PROP:
			if (depth == 0 ||
			    !prop_name(&c, fdt32_ld(c.st + off + 8)))
				return -FDT_ERR_BADSTRUCTURE;
			break;
		case FDT_END:
			return depth == 0 && seen_root ? 0
						       : -FDT_ERR_BADSTRUCTURE;
		}
	}
}
