// SPDX-License-Identifier: MIT
/* Unit tests for src/btf.c: synthetic BTF blobs built here, plus the running kernel's BTF. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <linux/btf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "btf.h"

/* A tiny BTF writer: type records and strings go in separate buffers, build() joins them. */
struct builder {
	uint32_t types[1024];
	size_t nwords;
	uint32_t ntypes;
	char strs[2048];
	size_t slen;
	_Alignas(8) uint8_t blob[16384];
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

static struct btf *load(struct builder *b, size_t len)
{
	struct btf *btf = NULL;

	assert_int_equal(btf_load_mem(b->blob, len, &btf), 0);
	assert_non_null(btf);
	return btf;
}

static void expect_offset(struct btf *btf, const char *type, const char *member, uint32_t want)
{
	uint32_t off = 0xdeadbeef;

	assert_int_equal(btf_member_offset(btf, type, member, &off), 0);
	assert_int_equal(off, want);
}

static void expect_err(struct btf *btf, const char *type, const char *member, int err)
{
	uint32_t off = 0xdeadbeef;

	assert_int_equal(btf_member_offset(btf, type, member, &off), err);
	assert_int_equal(off, 0xdeadbeef);
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
	btf_free(btf);
}

static void test_missing(void **state)
{
	struct builder *b = *state;
	struct btf *btf = load(b, build_plain(b));

	expect_err(btf, "bar", "a", -ENOENT);
	expect_err(btf, "foo", "zz", -ENOENT);
	expect_err(btf, "int", "a", -ENOENT); /* not a struct */
	expect_err(btf, "", "a", -ENOENT);
	btf_free(btf);
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
	btf_free(btf);
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
	btf_free(btf);
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
	btf_free(btf);
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
	btf_free(btf);
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
	b_type(b, ".data", BTF_KIND_DATASEC, 0, 1, 4);
	b_u32(b, var);
	b_u32(b, 0);
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
	btf_free(btf);
}

static void expect_load_err(struct builder *b, size_t len, int err)
{
	struct btf *btf = (struct btf *)(uintptr_t)1; /* must be reset to NULL */

	assert_int_equal(btf_load_mem(b->blob, len, &btf), err);
	assert_null(btf);
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
	btf_free(btf);
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

	/* Enumerator name offset past the string section. */
	b_init(b);
	b_type(b, "e", BTF_KIND_ENUM, 0, 1, 4);
	b_u32(b, 4096);
	b_u32(b, 0);
	expect_load_err(b, b_build(b), -EINVAL);

	/* Last string not terminated. */
	b_init(b);
	b_int(b, "int", 4);
	len = b_build(b);
	b->blob[len - 1] = 'x';
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
	b_type(b, "s", BTF_KIND_STRUCT, 0, 3, 8);
	b_member(b, NULL, 9999, 0);
	b_member(b, NULL, td, 0);
	b_member(b, "ok", i32, 32);
	btf = load(b, b_build(b));

	expect_offset(btf, "s", "ok", 4);
	expect_err(btf, "s", "x", -ENOENT);
	btf_free(btf);
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

	assert_true(fd >= 0);
	assert_int_equal(write(fd, b->blob, len), (ssize_t)len);
	close(fd);
	assert_int_equal(btf_load_file(path, &btf), 0);
	unlink(path);
	expect_offset(btf, "foo", "c", 8);
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
	    cmocka_unit_test(test_load_file_missing),
	    cmocka_unit_test(test_load_file_roundtrip),
	    cmocka_unit_test(test_vmlinux_task_struct),
	    cmocka_unit_test(test_vmlinux_vs_bpftool),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
