// SPDX-License-Identifier: MIT
/* Unit tests for src/btf.c: synthetic BTF blobs built here, plus the running kernel's BTF. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <linux/btf.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "btf.h"

/* A tiny BTF writer: type records and strings go in separate buffers, build() joins them. */
struct builder {
	uint32_t types[32768];
	size_t nwords;
	uint32_t ntypes;
	char strs[131072];
	size_t slen;
	_Alignas(8) uint8_t blob[262144];
};

static void b_init(struct builder *b)
{
	memset(b, 0, sizeof(*b));
	b->slen = 1; /* offset 0 is "" */
}

static uint32_t b_str(struct builder *b, const char *s)
{
	uint32_t off = (uint32_t)b->slen;

	if (!s || !*s)
		return 0;
	assert_true(b->slen + strlen(s) + 1 <= sizeof(b->strs));
	memcpy(b->strs + b->slen, s, strlen(s) + 1);
	b->slen += strlen(s) + 1;
	return off;
}

static void b_u32(struct builder *b, uint32_t v)
{
	assert_true(b->nwords < sizeof(b->types) / sizeof(b->types[0]));
	b->types[b->nwords++] = v;
}

/* Appends a btf_type header; returns its type id. The kind's trailing data follows with b_u32. */
static uint32_t b_type(struct builder *b, const char *name, uint32_t kind, uint32_t kflag,
		       uint32_t vlen, uint32_t size_or_type)
{
	b_u32(b, b_str(b, name));
	b_u32(b, kflag << 31 | kind << 24 | vlen);
	b_u32(b, size_or_type);
	return ++b->ntypes;
}

static uint32_t b_int(struct builder *b, const char *name, uint32_t bytes)
{
	uint32_t id = b_type(b, name, BTF_KIND_INT, 0, 0, bytes);

	b_u32(b, BTF_INT_SIGNED << 24 | bytes * 8);
	return id;
}

static void b_member(struct builder *b, const char *name, uint32_t type, uint32_t offset)
{
	b_u32(b, b_str(b, name));
	b_u32(b, type);
	b_u32(b, offset);
}

/* Writes header + types + strings into b->blob; returns the blob length. */
static size_t b_build(struct builder *b)
{
	struct btf_header h = {
	    .magic = BTF_MAGIC,
	    .version = BTF_VERSION,
	    .hdr_len = sizeof(h),
	    .type_off = 0,
	    .type_len = (uint32_t)(b->nwords * 4),
	    .str_off = (uint32_t)(b->nwords * 4),
	    .str_len = (uint32_t)b->slen,
	};
	size_t len = sizeof(h) + h.type_len + h.str_len;

	assert_true(len <= sizeof(b->blob));
	memcpy(b->blob, &h, sizeof(h));
	memcpy(b->blob + sizeof(h), b->types, h.type_len);
	memcpy(b->blob + sizeof(h) + h.type_len, b->strs, h.str_len);
	return len;
}

static struct btf_header *b_hdr(struct builder *b)
{
	return (struct btf_header *)b->blob;
}

/* Writes bytes to a new temporary file and returns its path (the caller unlinks it). */
static const char *tmp_file(const void *data, size_t len)
{
	static char path[32];
	int fd;

	strcpy(path, "/tmp/test_btf.XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	close(fd);
	return path;
}

/* The same blob loaded from a file: every lookup below is asked of both paths. */
static struct btf *file_btf;

static struct btf *load(struct builder *b, size_t len)
{
	struct btf *btf = NULL;
	const char *path = tmp_file(b->blob, len);

	assert_int_equal(btf_load_mem(b->blob, len, &btf), 0);
	assert_non_null(btf);
	assert_int_equal(btf_load_file(path, &file_btf), 0);
	unlink(path); /* its fd stays open */
	return btf;
}

static void unload(struct btf *btf)
{
	btf_free(btf);
	btf_free(file_btf);
	file_btf = NULL;
}

static void expect_offset(struct btf *btf, const char *type, const char *member, uint32_t want)
{
	struct btf *both[] = {btf, file_btf};

	for (int i = 0; i < 2; i++) {
		uint32_t off = 0xdeadbeef;

		assert_int_equal(btf_member_offset(both[i], type, member, &off), 0);
		assert_int_equal(off, want);
	}
}

static void expect_err(struct btf *btf, const char *type, const char *member, int err)
{
	struct btf *both[] = {btf, file_btf};

	for (int i = 0; i < 2 && both[i]; i++) {
		uint32_t off = 0xdeadbeef;

		assert_int_equal(btf_member_offset(both[i], type, member, &off), err);
		assert_int_equal(off, 0xdeadbeef);
	}
}

/* struct foo { int a; int b; long *c; } */
static size_t build_plain(struct builder *b)
{
	uint32_t i32, i64, ptr, foo;

	b_init(b);
	i32 = b_int(b, "int", 4);
	i64 = b_int(b, "long", 8);
	ptr = b_type(b, NULL, BTF_KIND_PTR, 0, 0, i64);
	foo = b_type(b, "foo", BTF_KIND_STRUCT, 0, 3, 16);
	b_member(b, "a", i32, 0);
	b_member(b, "b", i32, 32);
	b_member(b, "c", ptr, 64);
	(void)foo;
	return b_build(b);
}

static void test_plain_struct(void **state)
{
	struct builder *b = *state;
	struct btf *btf = load(b, build_plain(b));

	expect_offset(btf, "foo", "a", 0);
	expect_offset(btf, "foo", "b", 4);
	expect_offset(btf, "foo", "c", 8);
	unload(btf);
}

static void test_missing(void **state)
{
	struct builder *b = *state;
	struct btf *btf = load(b, build_plain(b));

	expect_err(btf, "bar", "a", -ENOENT);
	expect_err(btf, "foo", "zz", -ENOENT);
	expect_err(btf, "int", "a", -ENOENT); /* not a struct */
	expect_err(btf, "", "a", -ENOENT);
	unload(btf);
}

/*
 * struct outer {
 *	int x;				// bit 0
 *	struct {			// bit 64
 *		int p;			// bit 0
 *		const union {		// bit 32, through a typedef and a const
 *			int deep;	// bit 0
 *			long other;	// bit 0
 *		};
 *	};
 *	int y;				// bit 192
 * };
 */
static void test_anonymous_nesting(void **state)
{
	struct builder *b = *state;
	uint32_t i32, i64, un, cu, td, st;
	struct btf *btf;

	b_init(b);
	i32 = b_int(b, "int", 4);
	i64 = b_int(b, "long", 8);
	un = b_type(b, NULL, BTF_KIND_UNION, 0, 2, 8);
	b_member(b, "deep", i32, 0);
	b_member(b, "other", i64, 0);
	cu = b_type(b, NULL, BTF_KIND_CONST, 0, 0, un);
	td = b_type(b, "u_t", BTF_KIND_TYPEDEF, 0, 0, cu);
	st = b_type(b, NULL, BTF_KIND_STRUCT, 0, 2, 16);
	b_member(b, "p", i32, 0);
	b_member(b, NULL, td, 32);
	b_type(b, "outer", BTF_KIND_STRUCT, 0, 3, 32);
	b_member(b, "x", i32, 0);
	b_member(b, NULL, st, 64);
	b_member(b, "y", i32, 192);
	btf = load(b, b_build(b));

	expect_offset(btf, "outer", "x", 0);
	expect_offset(btf, "outer", "p", 8);
	expect_offset(btf, "outer", "deep", 12);
	expect_offset(btf, "outer", "other", 12);
	expect_offset(btf, "outer", "y", 24);
	expect_err(btf, "outer", "nothere", -ENOENT);
	/* "" names the anonymous ones: the first of them that has the member decides */
	expect_offset(btf, "", "deep", 0);
	expect_offset(btf, "", "p", 0);
	expect_offset(btf, "", "other", 0);
	unload(btf);
}

/* Named struct members are not looked through: only anonymous ones are. */
static void test_named_member_not_flattened(void **state)
{
	struct builder *b = *state;
	uint32_t i32, in;
	struct btf *btf;

	b_init(b);
	i32 = b_int(b, "int", 4);
	in = b_type(b, "inner", BTF_KIND_STRUCT, 0, 1, 4);
	b_member(b, "z", i32, 0);
	b_type(b, "wrap", BTF_KIND_STRUCT, 0, 1, 8);
	b_member(b, "in", in, 32);
	btf = load(b, b_build(b));

	expect_offset(btf, "wrap", "in", 4);
	expect_err(btf, "wrap", "z", -ENOENT);
	unload(btf);
}

#define KF(bits, off) ((uint32_t)(bits) << 24 | (off))

/* struct bits { int a:3; int b:5; int c; int d:8 (at bit 72); int e:4 (at bit 80) } with kind_flag
 */
static void test_kflag_bitfields(void **state)
{
	struct builder *b = *state;
	uint32_t i32;
	struct btf *btf;

	b_init(b);
	i32 = b_int(b, "int", 4);
	b_type(b, "bits", BTF_KIND_STRUCT, 1, 5, 12);
	b_member(b, "a", i32, KF(3, 0));
	b_member(b, "b", i32, KF(5, 3));
	b_member(b, "c", i32, KF(0, 32));
	b_member(b, "d", i32, KF(8, 72));
	b_member(b, "e", i32, KF(4, 84));
	btf = load(b, b_build(b));

	expect_offset(btf, "bits", "a", 0); /* a bitfield, but byte aligned */
	expect_err(btf, "bits", "b", -EINVAL);
	expect_offset(btf, "bits", "c", 4); /* the size byte must not leak into the offset */
	expect_offset(btf, "bits", "d", 9);
	expect_err(btf, "bits", "e", -EINVAL);
	unload(btf);
}

/* A FWD and a member-less struct of the same name come first; the full struct must still win. */
static void test_fwd_and_duplicates(void **state)
{
	struct builder *b = *state;
	uint32_t i32;
	struct btf *btf;

	b_init(b);
	i32 = b_int(b, "int", 4);
	b_type(b, "task", BTF_KIND_FWD, 0, 0, 0);
	b_type(b, "task", BTF_KIND_STRUCT, 0, 1, 4);
	b_member(b, "only", i32, 0);
	b_type(b, "task", BTF_KIND_TYPEDEF, 0, 0, i32);
	b_type(b, "task", BTF_KIND_STRUCT, 0, 2, 16);
	b_member(b, "pid", i32, 64);
	b_member(b, "tgid", i32, 96);
	btf = load(b, b_build(b));

	expect_offset(btf, "task", "tgid", 12);
	expect_offset(btf, "task", "pid", 8);
	expect_offset(btf, "task", "only", 0);
	expect_err(btf, "task", "comm", -ENOENT);
	unload(btf);
}

/* One of every kind before the struct: a wrong trailer size for any kind would derail it. */
static void test_all_kinds(void **state)
{
	struct builder *b = *state;
	uint32_t i32, fp, var, id;
	struct btf *btf;

	b_init(b);
	i32 = b_int(b, "int", 4);
	b_type(b, NULL, BTF_KIND_PTR, 0, 0, i32);
	b_type(b, NULL, BTF_KIND_ARRAY, 0, 0, 0);
	b_u32(b, i32);
	b_u32(b, i32);
	b_u32(b, 4);
	b_type(b, "e", BTF_KIND_ENUM, 0, 2, 4);
	b_u32(b, b_str(b, "E_A"));
	b_u32(b, 0);
	b_u32(b, b_str(b, "E_B"));
	b_u32(b, 1);
	b_type(b, "e64", BTF_KIND_ENUM64, 0, 1, 8);
	b_u32(b, b_str(b, "E64_A"));
	b_u32(b, 1);
	b_u32(b, 2);
	b_type(b, "s", BTF_KIND_FWD, 0, 0, 0);
	b_type(b, "t", BTF_KIND_TYPEDEF, 0, 0, i32);
	b_type(b, NULL, BTF_KIND_VOLATILE, 0, 0, i32);
	b_type(b, NULL, BTF_KIND_CONST, 0, 0, i32);
	b_type(b, NULL, BTF_KIND_RESTRICT, 0, 0, i32);
	fp = b_type(b, NULL, BTF_KIND_FUNC_PROTO, 0, 2, i32);
	b_u32(b, b_str(b, "arg0"));
	b_u32(b, i32);
	b_u32(b, 0);
	b_u32(b, i32);
	b_type(b, "fn", BTF_KIND_FUNC, 0, 0, fp);
	var = b_type(b, "v", BTF_KIND_VAR, 0, 0, i32);
	b_u32(b, BTF_VAR_GLOBAL_ALLOCATED);
	b_type(b, ".data", BTF_KIND_DATASEC, 0, 2, 8);
	b_u32(b, var);
	b_u32(b, 0);
	b_u32(b, 4);
	b_u32(b, 1u << 20); /* a type id, not a name offset: no string has to be there */
	b_u32(b, 4);
	b_u32(b, 4);
	b_type(b, "double", BTF_KIND_FLOAT, 0, 0, 8);
	b_type(b, "tag", BTF_KIND_DECL_TAG, 0, 0, var);
	b_u32(b, (uint32_t)-1);
	b_type(b, "ttag", BTF_KIND_TYPE_TAG, 0, 0, i32);
	id = b_type(b, "last", BTF_KIND_STRUCT, 0, 1, 8);
	b_member(b, "m", i32, 32);
	assert_int_equal(id, 18);
	btf = load(b, b_build(b));

	expect_offset(btf, "last", "m", 4);
	expect_err(btf, "s", "m", -ENOENT);
	unload(btf);
}

/* A corrupt blob fails to load from memory; from a file, at load or at the first lookup. */
static void expect_load_err(struct builder *b, size_t len, int err)
{
	struct btf *btf = (struct btf *)(uintptr_t)1; /* must be reset to NULL */
	const char *path;
	uint32_t off = 0xdeadbeef;
	int r;

	assert_int_equal(btf_load_mem(b->blob, len, &btf), err);
	assert_null(btf);

	path = tmp_file(b->blob, len);
	btf = (struct btf *)(uintptr_t)1;
	r = btf_load_file(path, &btf);
	unlink(path);
	if (r == 0) {
		r = btf_member_offset(btf, "foo", "a", &off);
		btf_free(btf);
	} else {
		assert_null(btf);
	}
	assert_int_equal(r, err);
	assert_int_equal(off, 0xdeadbeef);
}

static void test_corrupt_header(void **state)
{
	struct builder *b = *state;
	size_t len = build_plain(b);
	struct btf_header *h = b_hdr(b);
	struct btf_header good = *h;
	struct btf *btf = NULL;

	assert_int_equal(btf_load_mem(b->blob, 0, &btf), -EINVAL);
	expect_load_err(b, sizeof(*h) - 1, -EINVAL);

	h->magic = 0x9feb; /* other endianness: unsupported */
	expect_load_err(b, len, -EINVAL);
	*h = good;
	h->version = 2;
	expect_load_err(b, len, -EINVAL);
	*h = good;
	h->hdr_len = sizeof(*h) - 4;
	expect_load_err(b, len, -EINVAL);
	*h = good;
	h->hdr_len = (uint32_t)len + 4;
	expect_load_err(b, len, -EINVAL);
	*h = good;
	h->type_off = UINT32_MAX - 3; /* must not wrap around */
	expect_load_err(b, len, -EINVAL);
	*h = good;
	h->str_len = UINT32_MAX;
	expect_load_err(b, len, -EINVAL);
	*h = good;
	h->str_off += 1; /* string section now runs past the end */
	expect_load_err(b, len, -EINVAL);
	*h = good;
	h->type_off = 2; /* misaligned type section */
	h->type_len -= 4;
	expect_load_err(b, len, -EINVAL);

	*h = good;
	btf = load(b, len);
	unload(btf);
}

static void test_truncated(void **state)
{
	struct builder *b = *state;
	size_t len = build_plain(b);
	struct btf_header *h = b_hdr(b);
	struct btf_header good = *h;

	/* Every shorter blob leaves some section outside it. */
	for (size_t l = 0; l < len; l++)
		expect_load_err(b, l, -EINVAL);

	/* A type section that ends inside the struct's member list. */
	for (uint32_t cut = 4; cut <= 12; cut += 4) {
		*h = good;
		h->type_len -= cut;
		expect_load_err(b, len, -EINVAL);
	}
	/* ...or inside a type header. */
	*h = good;
	h->type_len = 4;
	expect_load_err(b, len, -EINVAL);
}

static void test_bad_strings(void **state)
{
	struct builder *b = *state;
	size_t len;
	uint32_t i32;
	struct btf_header *h;

	/* Type name offset past the string section. */
	b_init(b);
	i32 = b_int(b, "int", 4);
	b->types[0] = (uint32_t)b->slen;
	expect_load_err(b, b_build(b), -EINVAL);

	/* Member name offset past the string section. */
	b_init(b);
	i32 = b_int(b, "int", 4);
	b_type(b, "s", BTF_KIND_STRUCT, 0, 1, 4);
	b_member(b, NULL, i32, 0);
	b->types[b->nwords - 3] = 1000;
	expect_load_err(b, b_build(b), -EINVAL);

	/* Enumerator name offset past the string section, in the last of three. */
	b_init(b);
	b_type(b, "e", BTF_KIND_ENUM, 0, 3, 4);
	b_u32(b, b_str(b, "E_A"));
	b_u32(b, 0);
	b_u32(b, b_str(b, "E_B"));
	b_u32(b, 1);
	b_u32(b, 4096);
	b_u32(b, 2);
	expect_load_err(b, b_build(b), -EINVAL);

	/* Last string not terminated. */
	b_init(b);
	b_int(b, "int", 4);
	len = b_build(b);
	b->blob[len - 1] = 'x';
	expect_load_err(b, len, -EINVAL);

	/* First string not "". */
	b_init(b);
	b_int(b, "int", 4);
	len = b_build(b);
	b->blob[len - b->slen] = 'x';
	expect_load_err(b, len, -EINVAL);

	/* Empty string section. */
	b_init(b);
	b_type(b, NULL, BTF_KIND_FLOAT, 0, 0, 8);
	len = b_build(b);
	h = b_hdr(b);
	h->str_len = 0;
	expect_load_err(b, len, -EINVAL);
}

static void test_unknown_kind(void **state)
{
	struct builder *b = *state;

	b_init(b);
	b_int(b, "int", 4);
	b_type(b, "x", 25, 0, 0, 0);
	expect_load_err(b, b_build(b), -EINVAL);

	b_init(b);
	b_type(b, "x", BTF_KIND_UNKN, 0, 0, 0);
	expect_load_err(b, b_build(b), -EINVAL);
}

/* Member types pointing at nonexistent ids, and a typedef cycle, must not crash or hang. */
static void test_bad_type_ids(void **state)
{
	struct builder *b = *state;
	uint32_t i32, td;
	struct btf *btf;

	b_init(b);
	i32 = b_int(b, "int", 4);
	td = b_type(b, "loop", BTF_KIND_TYPEDEF, 0, 0, 3);
	b_type(b, NULL, BTF_KIND_CONST, 0, 0, td);
	b_type(b, "s", BTF_KIND_STRUCT, 0, 4, 8);
	b_member(b, NULL, 9999, 0);
	b_member(b, NULL, td, 0);
	b_member(b, NULL, 4, 0); /* itself */
	b_member(b, "ok", i32, 32);
	btf = load(b, b_build(b));

	expect_offset(btf, "s", "ok", 4);
	expect_err(btf, "s", "x", -ENOENT);
	unload(btf);
}

/* Several queries at once: each gets its own result, the call the first error. */
static void test_resolve_many(void **state)
{
	struct builder *b = *state;
	uint32_t i32;
	struct btf *btf;

	b_init(b);
	i32 = b_int(b, "int", 4);
	b_type(b, "s", BTF_KIND_STRUCT, 1, 3, 8);
	b_member(b, "a", i32, KF(0, 0));
	b_member(b, "bf", i32, KF(3, 33));
	b_member(b, "c", i32, KF(0, 32));
	b_type(b, "t", BTF_KIND_UNION, 0, 1, 4);
	b_member(b, "u", i32, 0);
	btf = load(b, b_build(b));

	for (int i = 0; i < 2; i++) {
		uint32_t o[5] = {7, 7, 7, 7, 7};
		struct btf_query q[] = {
		    {"s", "a", &o[0], 1},  {"t", "u", &o[1], 1}, {"s", "nope", &o[2], 1},
		    {"s", "bf", &o[3], 1}, {"s", "c", &o[4], 1},
		};
		struct btf *bt = i ? file_btf : btf;

		assert_int_equal(btf_resolve(bt, q, 5), -ENOENT);
		assert_int_equal(q[0].err, 0);
		assert_int_equal(o[0], 0);
		assert_int_equal(q[1].err, 0);
		assert_int_equal(o[1], 0);
		assert_int_equal(q[2].err, -ENOENT);
		assert_int_equal(o[2], 7);
		assert_int_equal(q[3].err, -EINVAL);
		assert_int_equal(o[3], 7);
		assert_int_equal(q[4].err, 0);
		assert_int_equal(o[4], 4);
		assert_int_equal(btf_resolve(bt, &q[3], 2), -EINVAL);
		assert_int_equal(btf_resolve(bt, &q[4], 1), 0);
		assert_int_equal(btf_resolve(bt, q, 0), 0);
	}
	unload(btf);
}

#define FILE_WINDOW ((size_t)32768) /* bytes src/btf.c reads at a time */

/*
 * A blob bigger than the file path's read windows, with many more types than it keeps offsets
 * of: "big" uses an anonymous union defined long before it and, through a typedef and a const,
 * an anonymous struct defined after it; an earlier "big" has only `x`.
 */
static void test_big_blob(void **state)
{
	struct builder *b = *state;
	uint32_t i32, early, big;
	char name[32], *pad;
	struct btf *btf;
	size_t len;

	b_init(b);
	i32 = b_int(b, "int", 4);
	/* So that "early_m" straddles the end of the file path's first window of strings */
	pad = malloc(FILE_WINDOW);
	assert_non_null(pad);
	memset(pad, 'p', FILE_WINDOW);
	pad[FILE_WINDOW - 3 - b->slen - 1] = 0;
	b_str(b, pad);
	free(pad);
	assert_int_equal(b->slen, FILE_WINDOW - 3);
	early = b_type(b, NULL, BTF_KIND_UNION, 0, 1, 4);
	b_member(b, "early_m", i32, 0);
	b_type(b, "big", BTF_KIND_STRUCT, 0, 1, 4);
	b_member(b, "x", i32, 0);
	for (int i = 0; i < 3000; i++) {
		snprintf(name, sizeof(name), "filler_struct_%05d", i);
		b_type(b, name, BTF_KIND_STRUCT, 0, 1, 4);
		b_member(b, "m", i32, 0);
	}
	big = b->ntypes + 1;
	assert_int_equal(b_type(b, "big", BTF_KIND_STRUCT, 0, 3, 32), big);
	b_member(b, "first", i32, 0);
	b_member(b, NULL, early, 64);
	b_member(b, NULL, big + 1, 128);
	b_type(b, "late_t", BTF_KIND_TYPEDEF, 0, 0, big + 2);
	b_type(b, NULL, BTF_KIND_CONST, 0, 0, big + 3);
	b_type(b, NULL, BTF_KIND_STRUCT, 0, 1, 8);
	b_member(b, "far_member_named_last", i32, 32);
	len = b_build(b);
	assert_true(len > 4 * FILE_WINDOW);
	btf = load(b, len);

	expect_offset(btf, "big", "x", 0); /* the first "big" has it */
	expect_offset(btf, "big", "first", 0);
	expect_offset(btf, "big", "early_m", 8);
	expect_offset(btf, "big", "far_member_named_last", 20);
	expect_offset(btf, "filler_struct_02999", "m", 0);
	expect_err(btf, "big", "nothere", -ENOENT);
	/* Many offsets pass the filter for "": each must be read to be sure */
	expect_offset(btf, "", "early_m", 0);
	expect_offset(btf, "", "far_member_named_last", 4);
	expect_err(btf, "", "m", -ENOENT);
	unload(btf);
}

/* A file is read through a window, so a longer name is refused rather than guessed at. */
static void test_long_name(void **state)
{
	struct builder *b = *state;
	struct btf *btf = load(b, build_plain(b));
	char *name = malloc(40000);
	uint32_t off = 7;

	assert_non_null(name);
	memset(name, 'a', 39999);
	name[39999] = 0;
	assert_int_equal(btf_member_offset(btf, name, "a", &off), -ENOENT);
	assert_int_equal(btf_member_offset(file_btf, name, "a", &off), -EINVAL);
	assert_int_equal(btf_member_offset(file_btf, "foo", name, &off), -EINVAL);
	assert_int_equal(off, 7);
	expect_offset(btf, "foo", "b", 4);
	free(name);
	unload(btf);
}

/*
 * A name offset may point into a string: at a suffix of it, or at its NUL, which names the
 * type "". Lookups compare the string there, as the reader they replace did.
 */
static void test_name_inside_string(void **state)
{
	struct builder *b = *state;
	uint32_t i32, xx, id;
	struct btf *btf;

	b_init(b);
	i32 = b_int(b, "int", 4);
	xx = b_str(b, "xx_task");
	id = b_type(b, NULL, BTF_KIND_STRUCT, 0, 2, 8);
	b->types[b->nwords - 3] = xx + 3; /* "task" */
	b_member(b, NULL, i32, 0);
	b->types[b->nwords - 3] = xx + 5; /* "sk" */
	b_member(b, "pid", i32, 32);
	b_type(b, NULL, BTF_KIND_UNION, 0, 2, 4);
	b->types[b->nwords - 3] = xx + 7; /* "" but not anonymous */
	b_member(b, "e", i32, 0);
	b_member(b, "\xc3\xa9t\xc3\xa9", i32, 0); /* bytes above 127 too */
	assert_int_equal(id, 2);
	btf = load(b, b_build(b));

	expect_offset(btf, "task", "pid", 4);
	expect_offset(btf, "task", "sk", 0);
	expect_err(btf, "xx_task", "pid", -ENOENT);
	expect_err(btf, "sk", "pid", -ENOENT);
	expect_offset(btf, "", "e", 0);
	expect_offset(btf, "", "\xc3\xa9t\xc3\xa9", 0);
	unload(btf);
}

/* A record bigger than the file path's window: its member names are checked in pieces. */
static void test_huge_record(void **state)
{
	struct builder *b = *state;
	uint32_t i32, n = 3000;
	char name[16];
	struct btf *btf;

	b_init(b);
	i32 = b_int(b, "int", 4);
	b_type(b, "wide", BTF_KIND_STRUCT, 0, n, n * 4);
	for (uint32_t i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "m%u", i);
		b_member(b, name, i32, i * 32);
	}
	assert_true(n * sizeof(struct btf_member) > FILE_WINDOW);
	btf = load(b, b_build(b));

	expect_offset(btf, "wide", "m0", 0);
	expect_offset(btf, "wide", "m2999", 2999 * 4);
	expect_err(btf, "wide", "m3000", -ENOENT);
	unload(btf);
}

/* Like the reader it replaces: an anonymous member is looked through at most 31 modifiers. */
static void test_modifier_chain(void **state)
{
	struct builder *b = *state;
	uint32_t i32, id;
	struct btf *btf;

	b_init(b);
	i32 = b_int(b, "int", 4);
	id = b_type(b, NULL, BTF_KIND_STRUCT, 0, 1, 4);
	b_member(b, "in31", i32, 0);
	for (int i = 0; i < 31; i++)
		id = b_type(b, NULL, i % 2 ? BTF_KIND_CONST : BTF_KIND_TYPEDEF, 0, 0, id);
	b_type(b, "s31", BTF_KIND_STRUCT, 0, 1, 4);
	b_member(b, NULL, id, 0);
	id = b_type(b, NULL, BTF_KIND_STRUCT, 0, 1, 4);
	b_member(b, "in32", i32, 0);
	for (int i = 0; i < 32; i++)
		id = b_type(b, NULL, BTF_KIND_VOLATILE, 0, 0, id);
	b_type(b, "s32", BTF_KIND_STRUCT, 0, 1, 4);
	b_member(b, NULL, id, 0);
	btf = load(b, b_build(b));

	expect_offset(btf, "s31", "in31", 0);
	expect_err(btf, "s32", "in32", -ENOENT);
	unload(btf);
}

#define MAX_BOUNDED 4 /* queries per resolve_bounded() call */

/*
 * Resolves the queries from memory and from a file in a child process that SIGALRM ends after
 * 5 s, so that a search that does not end fails the test instead of hanging it. Both paths must
 * agree; their result goes to q. The child reports through a pipe: asserting there would run the
 * remaining tests in it.
 */
static void resolve_bounded(struct builder *b, size_t len, struct btf_query *q, size_t n)
{
	struct result {
		int err;
		uint32_t off;
	} r[2][MAX_BOUNDED];
	const char *path = tmp_file(b->blob, len);
	int pfd[2], status;
	pid_t pid;

	assert_true(n <= MAX_BOUNDED);
	assert_int_equal(pipe(pfd), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		alarm(5);
		for (int i = 0; i < 2; i++) {
			struct btf *btf = NULL;
			int err = i ? btf_load_file(path, &btf) : btf_load_mem(b->blob, len, &btf);

			for (size_t k = 0; k < n; k++) {
				r[i][k].off = 0xdeadbeef;
				q[k].off = &r[i][k].off;
				q[k].err = 1;
			}
			if (!err)
				btf_resolve(btf, q, n);
			for (size_t k = 0; k < n; k++)
				r[i][k].err = err ? err : q[k].err;
			btf_free(btf);
		}
		_exit(write(pfd[1], r, sizeof(r)) == (ssize_t)sizeof(r) ? 0 : 1);
	}
	close(pfd[1]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	unlink(path);
	if (WIFSIGNALED(status))
		print_message("lookup child killed by signal %d (SIGALRM: it hung)\n",
			      WTERMSIG(status));
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_int_equal(read(pfd[0], r, sizeof(r)), (ssize_t)sizeof(r));
	close(pfd[0]);
	for (size_t k = 0; k < n; k++) {
		assert_int_equal(r[0][k].err, r[1][k].err);
		assert_int_equal(r[0][k].off, r[1][k].off);
		q[k].err = r[0][k].err;
		*q[k].off = r[0][k].off;
	}
}

/* One query through resolve_bounded(): its error, and its offset when that is 0. */
static void expect_bounded(struct builder *b, size_t len, const char *type, const char *member,
			   int err, uint32_t want)
{
	uint32_t off;
	struct btf_query q = {type, member, &off, 1};

	resolve_bounded(b, len, &q, 1);
	assert_int_equal(q.err, err);
	assert_int_equal(off, err ? 0xdeadbeef : want);
}

/*
 * Structs 1..k in a ring, each with `fan` anonymous members of the next one (the last one's are
 * of the first), then "ok" at byte 4. Struct 1 is "ring"; k = 1 nests a struct in itself. A search
 * that follows every anonymous member to depth 32 visits fan^32 structs.
 */
static size_t build_ring(struct builder *b, uint32_t k, uint32_t fan)
{
	uint32_t i32 = k + 1;

	b_init(b);
	for (uint32_t i = 1; i <= k; i++) {
		assert_int_equal(b_type(b, i == 1 ? "ring" : NULL, BTF_KIND_STRUCT, 0, fan + 1, 8),
				 i);
		for (uint32_t f = 0; f < fan; f++)
			b_member(b, NULL, i % k + 1, 0);
		b_member(b, "ok", i32, 32);
	}
	assert_int_equal(b_int(b, "int", 4), i32);
	return b_build(b);
}

/* Anonymous members that lead back to a struct being searched are skipped, fast. */
static void test_anonymous_cycles(void **state)
{
	struct builder *b = *state;
	uint32_t rings[][2] = {{1, 2}, {2, 2}, {3, 2}, {8, 2}, {1, 1000}, {2, 30}};
	uint32_t td;
	size_t len;

	for (size_t i = 0; i < sizeof(rings) / sizeof(rings[0]); i++) {
		len = build_ring(b, rings[i][0], rings[i][1]);
		expect_bounded(b, len, "ring", "missing", -ENOENT, 0);
		expect_bounded(b, len, "ring", "ok", 0, 4);
	}
	/* The smallest one: 88 bytes, struct s { struct s; struct s; } with no other type */
	b_init(b);
	b_type(b, "s", BTF_KIND_STRUCT, 0, 2, 8);
	b_member(b, NULL, 1, 0);
	b_member(b, NULL, 1, 0);
	len = b_build(b);
	assert_true(len < 100);
	expect_bounded(b, len, "s", "x", -ENOENT, 0);
	/* Back to itself through a typedef and a const: struct a { a_t; a_t; int y; } */
	b_init(b);
	b_type(b, "a", BTF_KIND_STRUCT, 0, 3, 8);
	b_member(b, NULL, 3, 0);
	b_member(b, NULL, 2, 0);
	b_member(b, "y", 4, 32);
	td = b_type(b, "a_t", BTF_KIND_TYPEDEF, 0, 0, 3);
	assert_int_equal(b_type(b, NULL, BTF_KIND_CONST, 0, 0, 1), td + 1);
	b_int(b, "int", 4);
	len = b_build(b);
	expect_bounded(b, len, "a", "x", -ENOENT, 0);
	expect_bounded(b, len, "a", "y", 0, 4);
}

/*
 * 32 levels, each with two anonymous members of the next (no cycle: what a search reaches is
 * 2^31 struct paths), the last one with "deep" at byte 4, and "top" with the first level and then
 * "after". A member that is not there makes the search give up.
 */
static size_t build_fanout(struct builder *b, uint32_t levels, uint32_t fan)
{
	uint32_t first = 2, i32 = first + levels;

	b_init(b);
	b_type(b, "top", BTF_KIND_STRUCT, 0, 2, 16);
	b_member(b, NULL, first, 0);
	b_member(b, "after", i32, 64);
	for (uint32_t l = 0; l < levels; l++) {
		uint32_t last = l + 1 == levels;

		b_type(b, NULL, BTF_KIND_STRUCT, 0, last ? 1 : fan, 8);
		for (uint32_t f = 0; f < fan && !last; f++)
			b_member(b, NULL, first + l + 1, 0);
		if (last)
			b_member(b, "deep", i32, 32);
	}
	assert_int_equal(b_int(b, "int", 4), i32);
	return b_build(b);
}

static void test_anonymous_fanout(void **state)
{
	struct builder *b = *state;
	size_t len = build_fanout(b, 31, 2);
	uint32_t off[4];
	struct btf_query q[] = {
	    {"top", "deep", &off[0], 1},
	    {"top", "missing", &off[1], 1},
	    {"top", "after", &off[2], 1},
	    {"top", "deep", &off[3], 1},
	};

	/* The first path down finds "deep" at once; 32 structs deep is the most searched. */
	expect_bounded(b, len, "top", "deep", 0, 4);
	/* Giving up is not "no such member": that is not known. */
	expect_bounded(b, len, "top", "missing", -ELOOP, 0);
	expect_bounded(b, len, "top", "after", -ELOOP, 0);
	/* Each query has its own budget: one that gave up does not starve the next. */
	resolve_bounded(b, len, q, 4);
	assert_int_equal(q[0].err, 0);
	assert_int_equal(off[0], 4);
	assert_int_equal(q[1].err, -ELOOP);
	assert_int_equal(q[2].err, -ELOOP);
	assert_int_equal(q[3].err, 0);
	assert_int_equal(off[3], 4);
	/* Wider and deeper than the search goes: 200^33 paths */
	len = build_fanout(b, 40, 200);
	expect_bounded(b, len, "top", "deep", -ELOOP, 0);
	expect_bounded(b, len, "top", "missing", -ELOOP, 0);
	/* Shallow fan-out is searched in full: 2^10 paths */
	len = build_fanout(b, 10, 2);
	expect_bounded(b, len, "top", "missing", -ENOENT, 0);
	expect_bounded(b, len, "top", "after", 0, 8);
}

/* Many structs of one name, each without the member: each is tried once, in order. */
static void test_many_same_name(void **state)
{
	struct builder *b = *state;
	uint32_t i32;
	size_t len;

	b_init(b);
	i32 = b_int(b, "int", 4);
	for (int i = 0; i < 5000; i++) {
		b_type(b, "dup", BTF_KIND_STRUCT, 0, 1, 4);
		b_member(b, i == 4000 ? "here" : "m", i32, 0);
	}
	b_type(b, "dup", BTF_KIND_STRUCT, 0, 2, 8);
	b_member(b, "m", i32, 0);
	b_member(b, "last", i32, 32);
	len = b_build(b);
	assert_true(len > 2 * FILE_WINDOW);
	expect_bounded(b, len, "dup", "here", 0, 0);
	expect_bounded(b, len, "dup", "last", 0, 4);
	expect_bounded(b, len, "dup", "missing", -ENOENT, 0);
}

static void test_load_file_missing(void **state)
{
	struct btf *btf = (struct btf *)(uintptr_t)1; /* must be reset to NULL */

	(void)state;
	assert_int_equal(btf_load_file("/nonexistent/btf", &btf), -ENOENT);
	assert_null(btf);
}

static void test_load_file_roundtrip(void **state)
{
	struct builder *b = *state;
	size_t len = build_plain(b);
	char path[] = "/tmp/test_btf.XXXXXX";
	int fd = mkstemp(path);
	struct btf *btf = NULL;
	uint32_t off = 0;

	assert_true(fd >= 0);
	assert_int_equal(write(fd, b->blob, len), (ssize_t)len);
	close(fd);
	assert_int_equal(btf_load_file(path, &btf), 0);
	unlink(path);
	assert_int_equal(btf_member_offset(btf, "foo", "c", &off), 0);
	assert_int_equal(off, 8);
	btf_free(btf);
}

static struct btf *load_vmlinux(void)
{
	struct btf *btf = NULL;

	if (access(BTF_VMLINUX_PATH, R_OK) != 0) {
		print_message("skipped: %s not readable: %s\n", BTF_VMLINUX_PATH, strerror(errno));
		skip();
	}
	assert_int_equal(btf_load_file(BTF_VMLINUX_PATH, &btf), 0);
	return btf;
}

static void test_vmlinux_task_struct(void **state)
{
	struct btf *btf = load_vmlinux();
	uint32_t parent = 0, tgid = 0, pid = 0;

	(void)state;
	assert_int_equal(btf_member_offset(btf, "task_struct", "real_parent", &parent), 0);
	assert_int_equal(btf_member_offset(btf, "task_struct", "tgid", &tgid), 0);
	assert_int_equal(btf_member_offset(btf, "task_struct", "pid", &pid), 0);
	assert_true(parent > 0 && tgid > 0 && pid > 0);
	assert_int_not_equal(parent, tgid);
	assert_int_not_equal(pid, tgid);
	expect_err(btf, "task_struct", "no_such_member", -ENOENT);
	expect_err(btf, "no_such_struct_xyz", "tgid", -ENOENT);
	print_message("task_struct: real_parent=%u tgid=%u\n", parent, tgid);
	btf_free(btf);
}

/* Finds "\t'<member>' ... bits_offset=N" under task_struct in bpftool's raw dump. */
static void test_vmlinux_vs_bpftool(void **state)
{
	struct btf *btf = load_vmlinux();
	FILE *p;
	char line[512];
	long size = -1, parent_bits = -1, tgid_bits = -1;
	int in = 0;
	uint32_t parent, tgid;

	(void)state;
	p = popen("bpftool btf dump file " BTF_VMLINUX_PATH " format raw 2>/dev/null", "r");
	if (!p) {
		btf_free(btf);
		print_message("skipped: cannot run bpftool\n");
		skip();
	}
	while (fgets(line, sizeof(line), p)) {
		if (line[0] == '[') {
			/* Stop at the first non-empty task_struct, like the reader. */
			if (in && size >= 0)
				break;
			in = sscanf(line, "[%*u] STRUCT 'task_struct' size=%ld", &size) == 1;
		} else if (in) {
			sscanf(line, " 'real_parent' type_id=%*u bits_offset=%ld", &parent_bits);
			sscanf(line, " 'tgid' type_id=%*u bits_offset=%ld", &tgid_bits);
		}
	}
	pclose(p);
	if (size < 0) {
		btf_free(btf);
		print_message("skipped: no task_struct in bpftool output (bpftool missing?)\n");
		skip();
	}
	assert_int_equal(btf_member_offset(btf, "task_struct", "real_parent", &parent), 0);
	assert_int_equal(btf_member_offset(btf, "task_struct", "tgid", &tgid), 0);
	assert_int_equal(parent, parent_bits / 8);
	assert_int_equal(tgid, tgid_bits / 8);
	assert_true(tgid < size && parent + 8 <= size);
	print_message("bpftool: task_struct size=%ld real_parent=%ld tgid=%ld\n", size,
		      parent_bits / 8, tgid_bits / 8);
	btf_free(btf);
}

/* The members minisnoop reads (src/programs.c). */
static const char *const vmlinux_want[][2] = {
    {"task_struct", "real_parent"}, {"task_struct", "tgid"},  {"task_struct", "mm"},
    {"mm_struct", "arg_start"},	    {"mm_struct", "arg_end"}, {"mm_struct", "env_end"},
};
#define NR_WANT (sizeof(vmlinux_want) / sizeof(vmlinux_want[0]))

static void *read_all(const char *path, size_t *len)
{
	size_t cap = 1 << 20;
	uint8_t *buf = malloc(cap);
	int fd = open(path, O_RDONLY);
	ssize_t n;

	assert_true(fd >= 0);
	assert_non_null(buf);
	*len = 0;
	while ((n = read(fd, buf + *len, cap - *len)) > 0) {
		*len += (size_t)n;
		if (*len == cap) {
			buf = realloc(buf, cap *= 2);
			assert_non_null(buf);
		}
	}
	assert_int_equal(n, 0);
	close(fd);
	return buf;
}

/* Loads vmlinux through the file path or from a copy in memory and resolves the wanted members. */
static int open_vmlinux(int in_memory, uint32_t *off, struct btf **btf)
{
	struct btf_query q[NR_WANT];
	int err;

	for (size_t k = 0; k < NR_WANT; k++)
		q[k] = (struct btf_query){vmlinux_want[k][0], vmlinux_want[k][1], &off[k], 1};
	if (in_memory) {
		size_t len;
		void *data = read_all(BTF_VMLINUX_PATH, &len);

		err = btf_load_mem(data, len, btf);
		free(data);
	} else {
		err = btf_load_file(BTF_VMLINUX_PATH, btf);
	}
	return err ? err : btf_resolve(*btf, q, NR_WANT);
}

static int resolve_vmlinux(int in_memory, uint32_t *off)
{
	struct btf *btf = NULL;
	int err = open_vmlinux(in_memory, off, &btf);

	btf_free(btf);
	return err;
}

static void skip_without_vmlinux(void)
{
	if (access(BTF_VMLINUX_PATH, R_OK) != 0) {
		print_message("skipped: %s not readable: %s\n", BTF_VMLINUX_PATH, strerror(errno));
		skip();
	}
}

static void test_vmlinux_paths_agree(void **state)
{
	uint32_t file[NR_WANT], mem[NR_WANT];

	(void)state;
	skip_without_vmlinux();
	assert_int_equal(resolve_vmlinux(0, file), 0);
	assert_int_equal(resolve_vmlinux(1, mem), 0);
	for (size_t k = 0; k < NR_WANT; k++) {
		print_message("%s.%s at %u\n", vmlinux_want[k][0], vmlinux_want[k][1], file[k]);
		assert_int_equal(file[k], mem[k]);
	}
}

/* bpftool's raw dump, one line per type and member, with the type lines indexed by id. */
struct dump {
	char *text, *end; /* lines, each NUL-terminated */
	char **type;	  /* type[id]: its "[id] KIND 'name' ..." line */
	long nr;
};

static int dump_load(struct dump *d)
{
	FILE *p = popen("bpftool btf dump file " BTF_VMLINUX_PATH " format raw 2>/dev/null", "r");
	size_t len = 0, cap = 1 << 24, n;
	long id;

	*d = (struct dump){0};
	if (!p)
		return -1;
	d->text = malloc(cap + 1);
	assert_non_null(d->text);
	while ((n = fread(d->text + len, 1, cap - len, p)) > 0) {
		len += n;
		if (len == cap) {
			d->text = realloc(d->text, (cap *= 2) + 1);
			assert_non_null(d->text);
		}
	}
	pclose(p);
	d->text[len] = 0;
	d->end = d->text + len;
	/* One string per line, so that sscanf does not measure the rest of the dump each time. */
	for (char *l = d->text, *nl; l < d->end; l = nl + 1) {
		nl = strchr(l, '\n');
		nl = nl ? nl : d->end;
		*nl = 0;
		if (*l != '[' || sscanf(l, "[%ld] ", &id) != 1 || id < 0)
			continue;
		if (id >= d->nr) {
			long nr = (id + 1) * 2;

			d->type = realloc(d->type, (size_t)nr * sizeof(*d->type));
			assert_non_null(d->type);
			memset(d->type + d->nr, 0, (size_t)(nr - d->nr) * sizeof(*d->type));
			d->nr = nr;
		}
		d->type[id] = l;
	}
	return d->nr > 1 ? 0 : -1;
}

/* Bit offset of member in type id by the dump: an independent take on the reader's search. */
static long dump_bits(const struct dump *d, long id, const char *member, int depth)
{
	static const char *const modifiers[] = {"TYPEDEF", "CONST", "VOLATILE", "RESTRICT",
						"TYPE_TAG"};
	char kind[32], name[256];
	const char *l;
	long type, bits, r;

	if (id <= 0 || id >= d->nr || !d->type[id] || depth > 40 ||
	    sscanf(d->type[id], "[%*d] %31s", kind) != 1)
		return -1;
	for (size_t k = 0; k < 5; k++)
		if (!strcmp(kind, modifiers[k]) &&
		    sscanf(strstr(d->type[id], "type_id="), "type_id=%ld", &type) == 1)
			return dump_bits(d, type, member, depth + 1);
	if (strcmp(kind, "STRUCT") && strcmp(kind, "UNION"))
		return -1;
	for (l = d->type[id] + strlen(d->type[id]) + 1; l < d->end && *l == '\t';
	     l += strlen(l) + 1) {
		if (sscanf(l, "\t'%255[^']' type_id=%ld bits_offset=%ld", name, &type, &bits) != 3)
			continue;
		if (!strcmp(name, member))
			return bits;
		if (!strcmp(name, "(anon)") && (r = dump_bits(d, type, member, depth + 1)) >= 0)
			return bits + r;
	}
	return -1;
}

/* The first struct or union named type with the member decides, as for the reader. */
static long dump_offset(const struct dump *d, const char *type, const char *member)
{
	char want[2][300];

	snprintf(want[0], sizeof(want[0]), "STRUCT '%s' ", type);
	snprintf(want[1], sizeof(want[1]), "UNION '%s' ", type);
	for (long id = 1; id < d->nr; id++) {
		const char *l = d->type[id] ? strchr(d->type[id], ' ') + 1 : "";
		long bits;

		if (strncmp(l, want[0], strlen(want[0])) && strncmp(l, want[1], strlen(want[1])))
			continue;
		bits = dump_bits(d, id, member, 0);
		if (bits >= 0)
			return bits % 8 ? -1 : bits / 8;
	}
	return -1;
}

static void test_vmlinux_all_vs_bpftool(void **state)
{
	uint32_t off[NR_WANT];
	struct dump d;

	(void)state;
	skip_without_vmlinux();
	if (dump_load(&d) < 0) {
		free(d.text);
		free(d.type);
		print_message("skipped: no output from bpftool btf dump (bpftool missing?)\n");
		skip();
	}
	assert_int_equal(resolve_vmlinux(0, off), 0);
	for (size_t k = 0; k < NR_WANT; k++) {
		long want = dump_offset(&d, vmlinux_want[k][0], vmlinux_want[k][1]);

		print_message("bpftool: %s.%s at %ld\n", vmlinux_want[k][0], vmlinux_want[k][1],
			      want);
		assert_int_equal(off[k], want);
	}
	free(d.text);
	free(d.type);
}

static long vm_hwm_kb(void)
{
	char buf[4096], *p;
	int fd = open("/proc/self/status", O_RDONLY);
	ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;

	if (fd >= 0)
		close(fd);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	p = strstr(buf, "VmHWM:");
	return p ? strtol(p + 6, NULL, 10) : -1;
}

/* Growth of the peak RSS (KB) while resolving in a child process; -1 if not measurable. */
static long child_peak_kb(int in_memory)
{
	int pfd[2], status;
	long kb = -1;
	pid_t pid;

	assert_int_equal(pipe(pfd), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		uint32_t off[NR_WANT];
		int fd = open("/proc/self/clear_refs", O_WRONLY);
		struct btf *warm = NULL;
		long before;

		/*
		 * A forked child maps code lazily, which is not what is measured: the same work
		 * (and the measuring) is done once before, the work kept so that its memory
		 * cannot be reused.
		 */
		open_vmlinux(in_memory, off, &warm);
		vm_hwm_kb();
#ifdef __GLIBC__
		/* Unmaps free heap pages, so that reusing them counts as it would in a new process
		 */
		malloc_trim(0);
#endif
		/* "5" resets the peak to the current RSS (Linux 4.0) */
		if (fd >= 0 && write(fd, "5", 1) == 1 && (before = vm_hwm_kb()) >= 0 &&
		    resolve_vmlinux(in_memory, off) == 0)
			kb = vm_hwm_kb() - before;
		if (write(pfd[1], &kb, sizeof(kb)) != sizeof(kb))
			_exit(1);
		_exit(0);
	}
	close(pfd[1]);
	if (read(pfd[0], &kb, sizeof(kb)) != sizeof(kb))
		kb = -1;
	close(pfd[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return kb;
}

/* The file path stays small; the in-memory one shows that the measurement sees a copy. */
static void test_vmlinux_peak_memory(void **state)
{
	long file_kb, mem_kb;

	(void)state;
	skip_without_vmlinux();
	file_kb = child_peak_kb(0);
	mem_kb = child_peak_kb(1);
	if (file_kb < 0 || mem_kb < 0) {
		print_message("skipped: cannot reset or read VmHWM\n");
		skip();
	}
	print_message("peak RSS growth: file %ld KB, in memory %ld KB\n", file_kb, mem_kb);
	assert_true(file_kb < 1024);
	assert_true(mem_kb > 4096);
}

static int setup(void **state)
{
	*state = malloc(sizeof(struct builder));
	return *state ? 0 : -1;
}

static int teardown(void **state)
{
	free(*state);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_plain_struct),
	    cmocka_unit_test(test_missing),
	    cmocka_unit_test(test_anonymous_nesting),
	    cmocka_unit_test(test_named_member_not_flattened),
	    cmocka_unit_test(test_kflag_bitfields),
	    cmocka_unit_test(test_fwd_and_duplicates),
	    cmocka_unit_test(test_all_kinds),
	    cmocka_unit_test(test_corrupt_header),
	    cmocka_unit_test(test_truncated),
	    cmocka_unit_test(test_bad_strings),
	    cmocka_unit_test(test_unknown_kind),
	    cmocka_unit_test(test_bad_type_ids),
	    cmocka_unit_test(test_resolve_many),
	    cmocka_unit_test(test_big_blob),
	    cmocka_unit_test(test_long_name),
	    cmocka_unit_test(test_huge_record),
	    cmocka_unit_test(test_name_inside_string),
	    cmocka_unit_test(test_modifier_chain),
	    cmocka_unit_test(test_anonymous_cycles),
	    cmocka_unit_test(test_anonymous_fanout),
	    cmocka_unit_test(test_many_same_name),
	    cmocka_unit_test(test_load_file_missing),
	    cmocka_unit_test(test_load_file_roundtrip),
	    cmocka_unit_test(test_vmlinux_task_struct),
	    cmocka_unit_test(test_vmlinux_vs_bpftool),
	    cmocka_unit_test(test_vmlinux_paths_agree),
	    cmocka_unit_test(test_vmlinux_all_vs_bpftool),
	    cmocka_unit_test(test_vmlinux_peak_memory),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
