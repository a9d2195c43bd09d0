// SPDX-License-Identifier: MIT
/* A minimal BTF reader: validates a raw BTF blob, indexes its types, finds member offsets. */
#include "btf.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/btf.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Bounds for walking type chains, so that corrupt (cyclic) BTF cannot hang us. */
#define MAX_CHAIN 32

struct btf {
	uint8_t *data;
	const char *strs;
	uint32_t str_len;
	uint32_t nr_types;
	const struct btf_type **types; /* types[id - 1]; id 0 is void */
};

void btf_free(struct btf *b)
{
	if (!b)
		return;
	free(b->types);
	free(b->data);
	free(b);
}

/* Size of the data following a btf_type of this kind and the size of each named element. */
static int trailer(uint32_t info, size_t *len, size_t *named_elem)
{
	size_t vlen = BTF_INFO_VLEN(info);

	*named_elem = 0;
	switch (BTF_INFO_KIND(info)) {
	case BTF_KIND_INT:
	case BTF_KIND_VAR:
	case BTF_KIND_DECL_TAG:
		*len = sizeof(uint32_t);
		return 0;
	case BTF_KIND_ARRAY:
		*len = sizeof(struct btf_array);
		return 0;
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		*named_elem = sizeof(struct btf_member);
		break;
	case BTF_KIND_ENUM:
		*named_elem = sizeof(struct btf_enum);
		break;
	case BTF_KIND_ENUM64:
		*named_elem = sizeof(struct btf_enum64);
		break;
	case BTF_KIND_FUNC_PROTO:
		*named_elem = sizeof(struct btf_param);
		break;
	case BTF_KIND_DATASEC:
		*len = vlen * sizeof(struct btf_var_secinfo);
		return 0;
	case BTF_KIND_PTR:
	case BTF_KIND_FWD:
	case BTF_KIND_TYPEDEF:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_CONST:
	case BTF_KIND_RESTRICT:
	case BTF_KIND_FUNC:
	case BTF_KIND_FLOAT:
	case BTF_KIND_TYPE_TAG:
		*len = 0;
		return 0;
	default:
		return -EINVAL;
	}
	*len = vlen * *named_elem;
	return 0;
}

/* Walks the type section once, checking every record's length and every name offset. */
static int index_types(struct btf *b, const uint8_t *p, size_t len)
{
	size_t pos = 0, cap = 0;

	while (pos < len) {
		const struct btf_type *t = (const void *)(p + pos);
		size_t tlen, esz;

		if (len - pos < sizeof(*t) || trailer(t->info, &tlen, &esz) < 0)
			return -EINVAL;
		if (len - pos - sizeof(*t) < tlen || t->name_off >= b->str_len)
			return -EINVAL;
		/* Every element with a name (member, enumerator, param) starts with name_off. */
		for (size_t e = 0; esz && e < tlen; e += esz) {
			uint32_t name_off;

			memcpy(&name_off, p + pos + sizeof(*t) + e, sizeof(name_off));
			if (name_off >= b->str_len)
				return -EINVAL;
		}
		if (b->nr_types == cap) {
			const struct btf_type **n;

			cap = cap ? cap * 2 : 1024;
			n = realloc(b->types, cap * sizeof(*n));
			if (!n)
				return -ENOMEM;
			b->types = n;
		}
		b->types[b->nr_types++] = t;
		pos += sizeof(*t) + tlen;
	}
	return 0;
}

/* Takes ownership of data (malloc'd, so suitably aligned for the header and types). */
static int parse(uint8_t *data, size_t len, struct btf **out)
{
	const struct btf_header *h = (const void *)data;
	struct btf *b;
	uint64_t tstart, sstart;
	int err;

	*out = NULL;
	if (len < sizeof(*h) || h->magic != BTF_MAGIC || h->version != BTF_VERSION || h->flags ||
	    h->hdr_len < sizeof(*h) || h->hdr_len > len)
		goto bad;
	tstart = (uint64_t)h->hdr_len + h->type_off;
	sstart = (uint64_t)h->hdr_len + h->str_off;
	/* Types are read in place as u32 records, so their section must be 4-byte aligned. */
	if (tstart % 4 || h->type_len % 4 || tstart + h->type_len > len ||
	    sstart + h->str_len > len)
		goto bad;
	/* Strings: first is "" and the last is terminated, so any offset < str_len is safe. */
	if (!h->str_len || data[sstart] || data[sstart + h->str_len - 1])
		goto bad;
	b = calloc(1, sizeof(*b));
	if (!b) {
		free(data);
		return -ENOMEM;
	}
	b->data = data;
	b->strs = (const char *)data + sstart;
	b->str_len = h->str_len;
	err = index_types(b, data + tstart, h->type_len);
	if (err) {
		btf_free(b);
		return err;
	}
	*out = b;
	return 0;
bad:
	free(data);
	return -EINVAL;
}

int btf_load_mem(const void *data, size_t len, struct btf **out)
{
	uint8_t *copy;

	*out = NULL;
	if (!data || !len)
		return -EINVAL;
	copy = malloc(len);
	if (!copy)
		return -ENOMEM;
	memcpy(copy, data, len);
	return parse(copy, len, out);
}

int btf_load_file(const char *path, struct btf **out)
{
	struct stat st;
	uint8_t *buf = NULL;
	size_t len = 0, cap;
	int fd, err = 0;

	*out = NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		err = -errno;
		goto out;
	}
	/* sysfs reports the real size; the +1 lets one read hit EOF without growing. */
	cap = st.st_size > 0 ? (size_t)st.st_size + 1 : 65536;
	buf = malloc(cap);
	if (!buf) {
		err = -ENOMEM;
		goto out;
	}
	for (;;) {
		ssize_t n;

		if (len == cap) {
			uint8_t *nb = realloc(buf, cap * 2);

			if (!nb) {
				err = -ENOMEM;
				goto out;
			}
			buf = nb;
			cap *= 2;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err = -errno;
			goto out;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	if (!len) {
		free(buf);
		return -EINVAL;
	}
	return parse(buf, len, out);
out:
	close(fd);
	free(buf);
	return err;
}

static const struct btf_type *type_by_id(const struct btf *b, uint32_t id)
{
	return id && id <= b->nr_types ? b->types[id - 1] : NULL;
}

/* Skips typedef and qualifiers, e.g. for "const union { ... };" members. */
static const struct btf_type *resolve(const struct btf *b, uint32_t id)
{
	const struct btf_type *t = type_by_id(b, id);

	for (int i = 0; t && i < MAX_CHAIN; i++) {
		switch (BTF_INFO_KIND(t->info)) {
		case BTF_KIND_TYPEDEF:
		case BTF_KIND_CONST:
		case BTF_KIND_VOLATILE:
		case BTF_KIND_RESTRICT:
		case BTF_KIND_TYPE_TAG:
			t = type_by_id(b, t->type);
			break;
		default:
			return t;
		}
	}
	return NULL;
}

static int is_composite(const struct btf_type *t)
{
	return t && (BTF_INFO_KIND(t->info) == BTF_KIND_STRUCT ||
		     BTF_INFO_KIND(t->info) == BTF_KIND_UNION);
}

/* Bit offset of `name` in composite t, searching anonymous members depth-first. */
static int find_member(const struct btf *b, const struct btf_type *t, const char *name, int depth,
		       uint64_t *bits)
{
	const struct btf_member *m = (const void *)(t + 1);
	int kflag = BTF_INFO_KFLAG(t->info);

	if (depth > MAX_CHAIN)
		return -ENOENT;
	for (uint32_t i = 0; i < BTF_INFO_VLEN(t->info); i++, m++) {
		uint64_t off = kflag ? BTF_MEMBER_BIT_OFFSET(m->offset) : m->offset;
		const struct btf_type *mt;

		if (m->name_off) {
			if (strcmp(b->strs + m->name_off, name))
				continue;
			*bits = off;
			return 0;
		}
		mt = resolve(b, m->type);
		if (!is_composite(mt))
			continue;
		if (find_member(b, mt, name, depth + 1, bits) == 0) {
			*bits += off;
			return 0;
		}
	}
	return -ENOENT;
}

int btf_member_offset(const struct btf *b, const char *type, const char *member, uint32_t *off)
{
	for (uint32_t id = 1; id <= b->nr_types; id++) {
		const struct btf_type *t = b->types[id - 1];
		uint64_t bits;

		if (!is_composite(t) || strcmp(b->strs + t->name_off, type))
			continue;
		if (find_member(b, t, member, 0, &bits) < 0)
			continue;
		if (bits % 8 || bits / 8 > UINT32_MAX)
			return -EINVAL;
		*off = (uint32_t)(bits / 8);
		return 0;
	}
	return -ENOENT;
}
