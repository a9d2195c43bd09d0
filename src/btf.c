// SPDX-License-Identifier: MIT
/*
 * A minimal BTF reader: validates a raw BTF blob and finds member offsets in bounded memory.
 * A file is not loaded (vmlinux is 5+ MB, for a handful of numbers): it is read through two
 * small windows, one for type records and one for strings. A blob in memory goes through the
 * same code, with both windows covering all of it.
 *
 * A lookup reads the strings once, marking in a filter each offset where a name asked for is,
 * then the type records once, checking each, keeping every STRIDE-th one's offset and noting
 * the first struct or union with a wanted name. Members are then found by reading the few
 * records needed, from the nearest kept offset.
 */
#include "btf.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/btf.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

/* Bounds for walking type chains, so that corrupt (cyclic) BTF cannot hang us. */
#define MAX_CHAIN 32
/*
 * Work units (types resolved, members read, inside anonymous members) one query may spend, so
 * that anonymous members that fan out to the same types level after level cannot take
 * exponential time. Linear in the size: ~104k for a 6.18 vmlinux, whose costliest struct search
 * (for a missing member) takes 101 and a search of all its anonymous structs (type "") 1536.
 */
#define BUDGET(b) (4096 + (b)->type_len / 32)
/* Bytes per window; also the longest name a file lookup accepts. */
#define WIN ((size_t)32768)
/* Finding a type by id walks at most STRIDE - 1 records from a kept offset. */
#define STRIDE 32
/* Bits per name filter: few names are asked for, so false hits (read to be sure) are rare. */
#define FILTER_BITS 32768

enum { TYPES, STRS };	       /* windows */
enum { TNAME, MNAME };	       /* filters and query names: type, member */
enum { SEARCH = 1, EVAL = 2 }; /* query states while resolving; results are <= 0 */

struct win {
	uint8_t *p;
	uint64_t off;
	size_t len;
};

struct btf {
	int fd;	 /* -1: the blob is in memory and both windows cover it */
	int err; /* first read error; sticky */
	uint64_t tstart, sstart;
	uint32_t type_len, str_len;
	uint32_t nr_types; /* records checked so far (all of them unless mapped: see walk) */
	uint64_t walk_off; /* where a walk of a mapped file stopped, before record nr_types + 1 */
	bool walked;	   /* every record checked */
	uint8_t *mem;	   /* blob copy or window buffers */
	size_t maplen;	   /* mem is sysfs's BTF mapped (read in place), this long */
	uint32_t *ckpt;	   /* ckpt[k]: offset in the type section of type id k * STRIDE + 1 */
	struct win win[2];
	uint8_t filter[2][FILTER_BITS / 8];
};

/* A query while it is resolved; state goes to the caller's err at the end. */
struct qstate {
	const char *name[2];
	size_t len[2];
	uint32_t id;	 /* the struct tried, or to try */
	uint32_t budget; /* work units left: see BUDGET */
	uint32_t off;	 /* the answer, in bytes */
	int state;
};

void btf_free(struct btf *b)
{
	if (!b)
		return;
	if (b->fd >= 0)
		close(b->fd);
	free(b->ckpt);
	if (b->maplen)
		munmap(b->mem, b->maplen);
	else
		free(b->mem);
	free(b);
}

/*
 * Bytes [off, off + len) of the blob; NULL (and b->err) past its end or on a read error. A miss
 * refills window w from off: type records are read at multiples of 4 from the start of the
 * file (checked first), so they are aligned in it. Regular and sysfs files do not fail with
 * EINTR.
 */
static const void *at(struct btf *b, int w, uint64_t off, size_t len)
{
	struct win *v = &b->win[w];
	ssize_t n = 0;

	if (off >= v->off && len <= v->len && off - v->off <= v->len - len)
		return v->p + (off - v->off);
	if (b->fd >= 0 && len <= WIN) {
		v->off = off;
		for (v->len = 0; v->len < WIN; v->len += (size_t)n) {
			n = pread(b->fd, v->p + v->len, WIN - v->len, (off_t)(off + v->len));
			if (n <= 0)
				break;
		}
		if (n < 0)
			b->err = b->err ? b->err : -errno;
		else if (len <= v->len)
			return v->p;
	}
	b->err = b->err ? b->err : -EINVAL; /* past the end of the blob */
	return NULL;
}

/*
 * Reads the header of the type record at off. Returns the record's whole length, 0 for an
 * unknown kind or a failed read; *elem is the size of each element that starts with a name_off.
 */
static size_t record(struct btf *b, uint64_t off, struct btf_type *t, size_t *elem)
{
	/* Per kind: bytes after the header, fixed and per vlen entry; kinds 1..ENUM64 are known. */
	static const uint8_t fixed[BTF_KIND_ENUM64 + 1] = {[BTF_KIND_INT] = 4,
							   [BTF_KIND_ARRAY] =
							       sizeof(struct btf_array),
							   [BTF_KIND_VAR] = 4,
							   [BTF_KIND_DECL_TAG] = 4};
	static const uint8_t each[BTF_KIND_ENUM64 + 1] = {
	    [BTF_KIND_STRUCT] = sizeof(struct btf_member),
	    [BTF_KIND_UNION] = sizeof(struct btf_member),
	    [BTF_KIND_ENUM] = sizeof(struct btf_enum),
	    [BTF_KIND_FUNC_PROTO] = sizeof(struct btf_param),
	    [BTF_KIND_DATASEC] = sizeof(struct btf_var_secinfo),
	    [BTF_KIND_ENUM64] = sizeof(struct btf_enum64)};
	const struct btf_type *p = at(b, TYPES, off, sizeof(*p));
	uint32_t kind;

	if (!p)
		return 0;
	*t = *p; /* a copy: the window may move */
	kind = BTF_INFO_KIND(p->info);
	if (!kind || kind > BTF_KIND_ENUM64)
		return 0;
	*elem = kind == BTF_KIND_DATASEC ? 0 : each[kind]; /* a var_secinfo has no name */
	return sizeof(*t) + fixed[kind] + BTF_INFO_VLEN(p->info) * each[kind];
}

static int is_composite(uint32_t info)
{
	return BTF_INFO_KIND(info) == BTF_KIND_STRUCT || BTF_INFO_KIND(info) == BTF_KIND_UNION;
}

/* 15 bits (FILTER_BITS) of a hash of the string at s: of its first 8 bytes only, as a walk
 * hashes the name of every struct it passes (a longer common prefix is rare in the names
 * asked for, and a false hit is only read to be sure). */
static uint32_t hash_str(const uint8_t *s)
{
	uint64_t w = 0;

	for (unsigned i = 0; i < 8 && s[i]; i++)
		w |= (uint64_t)s[i] << 8 * i;
	return (uint32_t)((w * 0x9e3779b97f4a7c15u) >> 49);
}

/*
 * Tests (or sets) filter f's bit for the string at an offset: in a file, the offset's bit (set
 * by scan_strings where a name is); in memory, the bit of the string's hash (set for each name
 * asked for), which needs no pass over the strings. scan_strings has checked that the section
 * ends with a NUL, and callers that off is inside it.
 */
static int filter(struct btf *b, int f, uint32_t off, int set)
{
	uint32_t h;
	uint8_t *p;
	uint8_t m;

	if (b->fd < 0 && off >= b->str_len)
		return 0;
	h = b->fd < 0 ? hash_str(b->win[STRS].p + b->sstart + off) : off * 0x9e3779b1u >> 17;
	p = &b->filter[f][h / 8];
	m = (uint8_t)(1u << h % 8);

	if (set)
		*p |= m;
	return *p & m;
}

/* Is the string at off `name`? The filter answers most offsets without reading the string. */
static int name_is(struct btf *b, int f, uint32_t off, const char *name, size_t len)
{
	const uint8_t *s;

	if (!filter(b, f, off, 0) || len >= b->str_len - off)
		return 0;
	s = at(b, STRS, b->sstart + off, len + 1);
	return s && !memcmp(s, name, len + 1);
}

/*
 * Checks the string section's ends and sets the filter bit of every offset where a name asked
 * for is, i.e. where "name\0" is, also inside longer strings: a name_off may point into one.
 * Looks at each NUL, 8 bytes at a time.
 */
/* The names asked for, indexed by their last two bytes: a bit per two-byte tail (most
 * strings end otherwise), and chains by a hash of it (ALL: one chain of every name shorter
 * than two bytes, or of all names when there are too many to chain), so that a string is
 * compared with the few names that can end it. */
enum { ALL = 256, NONE = 0xffff };
struct name_index {
	uint8_t tail[65536 / 8];
	uint16_t head[ALL + 1], *next;
	bool every; /* a name shorter than two bytes: every string is a candidate */
	size_t maxl;
};

static int index_names(struct name_index *ix, const struct qstate *st, size_t n)
{
	memset(ix->tail, 0, sizeof(ix->tail));
	memset(ix->head, 0xff, sizeof(ix->head));
	ix->every = false;
	ix->maxl = 0;
	ix->next = calloc(2 * n + 1, sizeof(*ix->next));
	if (!ix->next)
		return -ENOMEM;
	for (size_t j = 2 * n; j-- > 0;) {
		const struct qstate *s = &st[j / 2];
		size_t l = s->len[j % 2], h;
		const uint8_t *nm = (const uint8_t *)s->name[j % 2];

		if (s->state != SEARCH)
			continue;
		ix->every |= l < 2;
		h = l < 2 || 2 * n >= NONE ? ALL : (size_t)(nm[l - 2] * 31 + nm[l - 1]) % ALL;
		if (l >= 2)
			ix->tail[(nm[l - 2] << 8 | nm[l - 1]) / 8] |=
			    (uint8_t)(1u << (nm[l - 1] % 8));
		ix->next[j] = ix->head[h];
		ix->head[h] = (uint16_t)j;
		ix->maxl = l > ix->maxl ? l : ix->maxl;
	}
	return 0;
}

/* The NUL at p[z] (string offset end) ends a string: sets the filter bit of each name that
 * ends there. */
static void mark_names(struct btf *b, const struct qstate *st, const struct name_index *ix,
		       const uint8_t *p, size_t z, uint64_t end)
{
	unsigned t = z >= 2 ? (unsigned)(p[z - 2] << 8 | p[z - 1]) : 0;

	if (!st || (!ix->every && (z < 2 || !(ix->tail[t / 8] & (1u << (t % 8))))))
		return;
	for (int c = z >= 2 ? 0 : 1; c < 2; c++) {
		size_t h = c ? ALL : (size_t)(p[z - 2] * 31 + p[z - 1]) % ALL;

		for (size_t j = ix->head[h]; j != NONE; j = ix->next[j]) {
			const struct qstate *s = &st[j / 2];
			size_t l = s->len[j % 2];

			/* The first byte first saves most memcmp calls. */
			if (l <= end && (!l || (p[z - l] == (uint8_t)*s->name[j % 2] &&
						!memcmp(p + z - l, s->name[j % 2], l))))
				filter(b, (int)(j % 2), (uint32_t)(end - l), 1);
		}
	}
}

static int scan_strings(struct btf *b, const struct qstate *st, size_t n)
{
	static struct name_index ix; /* 8 KB: not on the stack */
	const uint8_t *p0;
	uint64_t pos = 0, base;
	size_t len;
	int err = index_names(&ix, st, n);

	memset(b->filter, 0, sizeof(b->filter));
	if (!err && b->fd < 0) { /* in memory: the ends, and each name's hash */
		p0 = at(b, STRS, b->sstart, b->str_len);
		if (!p0 || *p0 || p0[b->str_len - 1])
			err = -EINVAL;
		for (size_t j = 0, h; !err && st && j < 2 * n; j++) {
			h = hash_str((const uint8_t *)st[j / 2].name[j % 2]);
			if (st[j / 2].state == SEARCH)
				b->filter[j % 2][h / 8] |= (uint8_t)(1u << h % 8);
		}
		pos = b->str_len;
	}
	/* A file's strings are compared in a window, so a name must fit in one. */
	if (!err && b->fd >= 0 && ix.maxl >= WIN)
		err = -EINVAL;
	for (; !err && pos < b->str_len; pos = base + len) {
		const uint8_t *p;

		/* Chunks overlap by maxl so that a name ending in this chunk is all in it. */
		base = pos > ix.maxl ? pos - ix.maxl : 0;
		len = b->str_len - base < WIN || b->fd < 0 ? b->str_len - base : WIN;
		p = at(b, STRS, b->sstart + base, len);
		/* First string "", last one terminated: any name_off < str_len is then safe. */
		if (!p || (!base && *p) || (base + len == b->str_len && p[len - 1])) {
			err = -EINVAL;
			break;
		}
		for (size_t i = pos - base; i < len; i += 8) {
			uint64_t w, m = 0x8080808080808080u; /* the tail: try every byte */

			if (len - i >= 8) {
				memcpy(&w, p + i, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
				w = __builtin_bswap64(w); /* so that byte k is bits 8k.. */
#endif
				/* The top bit of each 0 byte, and maybe of a 1 byte after one */
				m &= (w - 0x0101010101010101u) & ~w;
			}
			for (; m; m &= m - 1) {
				size_t z = i + (size_t)__builtin_ctzll(m) / 8;

				if (z < len && !p[z])
					mark_names(b, st, &ix, p, z, base + z);
			}
		}
	}
	free(ix.next);
	ix.next = NULL;
	return err;
}

/*
 * Walks the type records, checking each one's length and name offsets, keeping checkpoints,
 * and giving each searching query the first struct or union that has the type name. A query
 * walk (st) starts at the first record and reads all of them; sysfs's mapped BTF, which the
 * kernel checked when it booted, is read only as far as needed: a query walk stops once every
 * query has its struct, and lookups past that point (st NULL) walk on to record `upto`, or to
 * the end (0). There, element names are not checked here but where they are read (filter).
 */
static int walk(struct btf *b, struct qstate *st, size_t n, uint32_t upto)
{
	uint64_t off = st ? b->tstart : b->walk_off, end = b->tstart + b->type_len;
	uint32_t id = st ? 1 : b->nr_types + 1;
	size_t searching = 0;

	for (size_t i = 0; i < n; i++)
		searching += st[i].state == SEARCH;
	for (; off < end && !(b->maplen && st && !searching) && !(upto && id > upto); id++) {
		struct btf_type t;
		size_t elem, len = record(b, off, &t, &elem); /* may read past end: checked next */

		if (!len || end - off < len || t.name_off >= b->str_len)
			return -EINVAL;
		if ((id - 1) % STRIDE == 0)
			b->ckpt[(id - 1) / STRIDE] = (uint32_t)(off - b->tstart);
		/* Every element with a name (member, enumerator, param) starts with name_off. */
		for (size_t e = sizeof(t), c; elem && !b->maplen && e < len; e += c) {
			const uint32_t *p;

			c = len - e < WIN ? len - e : WIN / elem * elem; /* a window's worth */
			p = at(b, TYPES, off + e, c);
			for (size_t j = 0; j < c; j += elem)
				if (!p || p[j / 4] >= b->str_len)
					return -EINVAL;
		}
		for (size_t i = 0; i < n && is_composite(t.info) && filter(b, TNAME, t.name_off, 0);
		     i++) {
			if (st[i].state == SEARCH && id > st[i].id &&
			    name_is(b, TNAME, t.name_off, st[i].name[TNAME], st[i].len[TNAME])) {
				st[i].id = id;
				st[i].state = EVAL;
				searching--;
			}
		}
		off += len;
	}
	b->nr_types = id - 1;
	b->walk_off = off;
	b->walked = off >= end;
	return 0;
}

/* Whether record id has been checked, walking on to it if need be. */
static bool walked_to(struct btf *b, uint32_t id)
{
	if (id > b->nr_types && !b->walked && walk(b, NULL, 0, id))
		b->err = b->err ? b->err : -EINVAL;
	return id <= b->nr_types;
}

/* Takes one unit of the query's work budget: -ELOOP when none is left. */
static int spend(struct qstate *s)
{
	if (!s->budget)
		return -ELOOP;
	s->budget--;
	return 0;
}

/*
 * Follows *id through typedefs and qualifiers to the type they name: *id becomes its id, *t its
 * header and *off its record's offset. Each step is charged to s unless it is NULL. 0, -ENOENT
 * for a bad id or too long a chain, or -ELOOP.
 */
static int resolve_type(struct btf *b, uint32_t *id, struct qstate *s, struct btf_type *t,
			uint64_t *off)
{
	const uint32_t modifiers = 1u << BTF_KIND_TYPEDEF | 1u << BTF_KIND_CONST |
				   1u << BTF_KIND_VOLATILE | 1u << BTF_KIND_RESTRICT |
				   1u << BTF_KIND_TYPE_TAG;
	size_t elem;

	for (int n = 0; n < MAX_CHAIN; n++) {
		if (s && spend(s))
			return -ELOOP;
		if (!*id || !walked_to(b, *id))
			return -ENOENT;
		/* From the checkpoint, over records that the walk checked. */
		*off = b->tstart + b->ckpt[(*id - 1) / STRIDE];
		for (uint32_t k = (*id - 1) % STRIDE;; k--) {
			size_t len = record(b, *off, t, &elem);

			if (!len)
				return -ENOENT;
			if (!k)
				break;
			*off += len;
		}
		if (!(modifiers >> BTF_INFO_KIND(t->info) & 1))
			return 0;
		*id = t->type;
	}
	return -ENOENT;
}

/*
 * Bit offset of the member in type `id`, a struct or union maybe under typedefs and qualifiers,
 * searching anonymous members depth-first. path[0..depth) are the structs being searched above:
 * one met again (only corrupt BTF nests a struct in itself) is skipped. Only the work below the
 * top is charged: the top structs of a query are read once each anyway. 0, -ENOENT or -ELOOP.
 */
static int find_member(struct btf *b, uint32_t id, struct qstate *s, uint32_t *path, int depth,
		       uint64_t *bits)
{
	struct btf_type t;
	uint64_t off;
	int err = resolve_type(b, &id, depth ? s : NULL, &t, &off);

	if (err)
		return err;
	if (depth > MAX_CHAIN || !is_composite(t.info))
		return -ENOENT;
	for (int d = 0; d < depth; d++)
		if (path[d] == id)
			return -ENOENT;
	path[depth] = id;
	for (uint32_t i = 0; i < BTF_INFO_VLEN(t.info); i++) {
		const struct btf_member *mp =
		    at(b, TYPES, off + sizeof(t) + (uint64_t)i * sizeof(*mp), sizeof(*mp));
		struct btf_member m;
		uint64_t moff;

		if (depth && spend(s))
			return -ELOOP;
		if (!mp)
			return -ENOENT;
		m = *mp;
		moff = BTF_INFO_KFLAG(t.info) ? BTF_MEMBER_BIT_OFFSET(m.offset) : m.offset;
		if (m.name_off) {
			if (!name_is(b, MNAME, m.name_off, s->name[MNAME], s->len[MNAME]))
				continue;
			*bits = moff;
			return 0;
		}
		err = find_member(b, m.type, s, path, depth + 1, bits);
		if (err == -ELOOP)
			return err;
		if (!err) {
			*bits += moff;
			return 0;
		}
	}
	return -ENOENT;
}

/*
 * Gives s the next struct or union after s->id that has its type name, reading on from there:
 * all of a query's tries together read the type records once. 0, -ENOENT past the last one, or
 * -EINVAL on a failed read.
 */
static int next_candidate(struct btf *b, struct qstate *s)
{
	uint32_t id = s->id / STRIDE * STRIDE + 1; /* s->id + 1 is in this checkpoint's stride */
	uint64_t off;

	if (!walked_to(b, s->id + 1))
		return -ENOENT;
	for (off = b->tstart + b->ckpt[s->id / STRIDE]; walked_to(b, id); id++) {
		struct btf_type t;
		size_t elem, len = record(b, off, &t, &elem);

		if (!len)
			return -EINVAL;
		if (id > s->id && is_composite(t.info) &&
		    name_is(b, TNAME, t.name_off, s->name[TNAME], s->len[TNAME])) {
			s->id = id;
			return 0;
		}
		off += len;
	}
	return -ENOENT;
}

/* Tries the query's structs of that name in order until one has the member. */
static void eval(struct btf *b, struct qstate *s)
{
	uint32_t path[MAX_CHAIN + 1];
	uint64_t bits;
	int err;

	s->budget = BUDGET(b);
	do {
		err = find_member(b, s->id, s, path, 0, &bits);
	} while (err == -ENOENT && !(err = next_candidate(b, s)));
	if (!err && (bits % 8 || bits / 8 > UINT32_MAX))
		err = -EINVAL;
	s->state = err;
	s->off = err ? 0 : (uint32_t)(bits / 8);
}

int btf_resolve(struct btf *b, struct btf_query *q, size_t n)
{
	struct qstate *st = calloc(n + 1, sizeof(*st));
	size_t i;
	int err = st ? 0 : -ENOMEM, first = 0;

	for (i = 0; i < n && st; i++) {
		st[i].len[TNAME] = strlen(st[i].name[TNAME] = q[i].type);
		st[i].len[MNAME] = strlen(st[i].name[MNAME] = q[i].member);
		st[i].state = SEARCH;
	}
	if (!err)
		err = scan_strings(b, st, n);
	if (!err)
		err = walk(b, st, n, 0);
	for (i = 0; i < n && !err; i++) {
		/* SEARCH: no struct or union of that name */
		if (st[i].state == EVAL)
			eval(b, &st[i]);
		else
			st[i].state = -ENOENT;
	}
	err = b->err ? b->err : err;
	for (i = n; i-- > 0;) {
		q[i].err = err ? err : st[i].state;
		if (!q[i].err)
			*q[i].off = st[i].off;
		first = q[i].err ? q[i].err : first;
	}
	free(st);
	return first ? first : err;
}

int btf_member_offset(struct btf *b, const char *type, const char *member, uint32_t *off)
{
	struct btf_query q = {type, member, off, 0};

	return btf_resolve(b, &q, 1);
}

static bool is_sysfs(int fd)
{
	struct statfs f;

	return !fstatfs(fd, &f) && f.f_type == 0x62656572; /* SYSFS_MAGIC */
}

/*
 * Copies data, or opens the file at path (sysfs's: mapped). Checks the header; a blob in memory
 * also every record and string now, while a file is checked by each lookup, which reads all of it
 * anyway.
 */
static int load(const char *path, const void *data, size_t len, struct btf **out)
{
	struct btf *b = calloc(1, sizeof(*b));
	const struct btf_header *hp;
	struct btf_header h;
	struct stat st;
	uint64_t size;
	int err = -ENOMEM;

	*out = NULL;
	if (!b)
		return err;
	b->fd = data ? -1 : open(path, O_RDONLY | O_CLOEXEC);
	if (!data && (b->fd < 0 || fstat(b->fd, &st) < 0)) {
		err = -errno;
		goto out;
	}
	/* A pseudo-file may report size 0: then only reads bound the sections. */
	size = data ? len : st.st_size > 0 ? (uint64_t)st.st_size : UINT64_MAX;
	/* sysfs's BTF (mappable since 6.16) is read in place: 4 KB a read(), vmlinux's 5.5 MB
	 * took 1,300 of them. Only sysfs: its size is fixed, so the mapping cannot SIGBUS. */
	if (!data && size != UINT64_MAX && size <= SIZE_MAX && is_sysfs(b->fd)) {
		void *m = mmap(NULL, (size_t)size, PROT_READ, MAP_PRIVATE, b->fd, 0);

		if (m != MAP_FAILED) {
			b->mem = m;
			b->maplen = len = (size_t)size;
			data = m;
		}
	}
	b->mem = b->mem ? b->mem : malloc(data ? len : 2 * WIN);
	if (!b->mem)
		goto out;
	b->win[TYPES].p = b->mem;
	b->win[STRS].p = b->mem + WIN;
	if (b->maplen) { /* checked by each lookup, as a file is */
		close(b->fd);
		b->fd = -1;
		b->win[TYPES] = b->win[STRS] = (struct win){b->mem, 0, len};
	} else if (data) {
		memcpy(b->mem, data, len);
		b->win[TYPES] = b->win[STRS] = (struct win){b->mem, 0, len};
	}
	err = -EINVAL;
	hp = at(b, TYPES, 0, sizeof(h));
	if (!hp)
		goto out;
	h = *hp;
	if (h.magic != BTF_MAGIC || h.version != BTF_VERSION || h.flags || h.hdr_len < sizeof(h) ||
	    h.hdr_len > size)
		goto out;
	b->tstart = (uint64_t)h.hdr_len + h.type_off;
	b->sstart = (uint64_t)h.hdr_len + h.str_off;
	b->type_len = h.type_len;
	b->walk_off = b->tstart;
	b->str_len = h.str_len;
	/* BTF requires aligned type records. */
	if (b->tstart % 4 || h.type_len % 4 || b->tstart + h.type_len > size ||
	    b->sstart + h.str_len > size || !h.str_len)
		goto out;
	b->ckpt = calloc(h.type_len / (sizeof(struct btf_type) * STRIDE) + 1, sizeof(*b->ckpt));
	err = !b->ckpt		    ? -ENOMEM
	      : !data || b->maplen  ? 0
	      : walk(b, NULL, 0, 0) ? -EINVAL
				    : scan_strings(b, NULL, 0);
out:
	err = b->err ? b->err : err;
	if (err) {
		btf_free(b);
		return err;
	}
	*out = b;
	return 0;
}

int btf_load_mem(const void *data, size_t len, struct btf **out)
{
	*out = NULL;
	return data && len ? load(NULL, data, len, out) : -EINVAL;
}

int btf_load_file(const char *path, struct btf **out)
{
	return load(path, NULL, 0, out);
}
