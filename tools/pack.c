// SPDX-License-Identifier: MIT
/*
 * tools/pack.c: packs the cold texts of src/texts.h for src/unpack.c (the codec is described in
 * src/unpack.h). A host program run at build time: `pack > $(B)/gen/packed.h` (built with
 * -DMINISNOOP_TINY for the tiny build). The parse is optimal for the codec's bit costs: for each
 * position, the cheapest way to the end, over a byte or every match (the nearest source of
 * each length). tests/unit/test_unpack.c includes this file (PACK_NO_MAIN) for the round trip.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Bits of gamma(v), v >= 1. */
static size_t gamma_bits(size_t v)
{
	size_t n = 0;

	while (v >>= 1)
		n++;
	return 2 * n + 1;
}

struct bitw {
	unsigned char *p;
	size_t cap, at;
};

static void put(struct bitw *w, size_t v, unsigned n)
{
	while (n--) {
		size_t i = w->at >> 3;

		if (i < w->cap && (v >> n & 1))
			w->p[i] |= (unsigned char)(0x80 >> (w->at & 7));
		w->at++;
	}
}

static void put_gamma(struct bitw *w, size_t v)
{
	unsigned n = 0;

	while (v >> (n + 1))
		n++;
	put(w, 0, n);
	put(w, v, n + 1);
}

/* A byte's bits: 0x7f and bytes above it are escaped (0x7f, then 8 bits). */
static size_t lit_bits(unsigned char c)
{
	return c < 0x7f ? 8 : 16;
}

/*
 * Packs in[0..n) with parameter k into out (zeroed here); returns the bytes used (more than
 * cap: out is too small, the data was cut), or 0 when memory runs out.
 */
static size_t pk_pack(const unsigned char *in, size_t n, unsigned k, unsigned char *out, size_t cap)
{
	size_t *cost = malloc((n + 1) * sizeof(*cost)), *len = malloc((n + 1) * sizeof(*len)),
	       *dist = malloc((n + 1) * sizeof(*dist)), *prev = malloc((n + 1) * sizeof(*prev)),
	       *head = malloc(65536 * sizeof(*head));
	struct bitw w = {out, cap, 0};
	size_t i;

	if (!cost || !len || !dist || !prev || !head) {
		free(cost), free(len), free(dist), free(prev), free(head);
		return 0;
	}
	/* prev[i]: the nearest earlier position starting with the same two bytes (n: none);
	 * every match starts so, and these are the sources the search below walks, nearest
	 * first: the same parse as trying every earlier position, in a fraction of the time
	 * (the tiny build packs ~75 KB of code) */
	for (i = 0; i < 65536; i++)
		head[i] = n;
	for (i = 0; i + 1 < n; i++) {
		unsigned h = (unsigned)in[i] << 8 | in[i + 1];

		prev[i] = head[h];
		head[h] = i;
	}
	prev[n - (n > 0)] = n;
	cost[n] = 0;
	for (i = n; i-- > 0;) {
		size_t best = cost[i + 1] + lit_bits(in[i]), maxl = 1;

		len[i] = 1;
		for (size_t j = prev[i]; j < n; j = prev[j]) {
			size_t l = 0, d = i - j, db;

			while (i + l < n && in[j + l] == in[i + l])
				l++;
			if (l <= maxl)
				continue;
			db = 1 + gamma_bits(((d - 1) >> k) + 1) + k;
			for (size_t m = maxl + 1; m <= l; m++) {
				size_t c = cost[i + m] + db + gamma_bits(m - 1);

				if (c < best)
					best = c, len[i] = m, dist[i] = d;
			}
			maxl = l;
		}
		cost[i] = best;
	}
	memset(out, 0, cap);
	for (i = 0; i < n; i += len[i]) {
		if (len[i] == 1) {
			/* a 0 bit, then 7; escaped: 0x7f, then 8 */
			put(&w, in[i] < 0x7f ? in[i] : 0x7f, 8);
			if (in[i] >= 0x7f)
				put(&w, in[i], 8);
			continue;
		}
		put(&w, 1, 1);
		put_gamma(&w, len[i] - 1);
		put_gamma(&w, ((dist[i] - 1) >> k) + 1);
		put(&w, dist[i] - 1, k);
	}
	free(cost), free(len), free(dist), free(prev), free(head);
	return (w.at + 7) / 8;
}

/*
 * Machine code (pack -c, x86-64): each e8 or e9 byte (call, jmp) and the 4 bytes after it
 * made absolute (from the start), so that the calls of one function are the same bytes
 * wherever they are; then every byte renamed by its count, the commonest 0, so that the 127
 * commonest cost 8 bits as literals, not 16. map[renamed] is the byte. src/unpack.c's
 * pk_uncode undoes both; the walk is the same both ways, as it never changes an e8 or e9 it
 * stands on.
 */
static void pk_code(unsigned char *b, size_t n, unsigned char map[256])
{
	size_t count[256] = {0};
	unsigned char name[256];

	for (size_t i = 0; i + 5 <= n; i++) {
		if (b[i] != 0xe8 && b[i] != 0xe9)
			continue;
		uint32_t v = (uint32_t)b[i + 1] | (uint32_t)b[i + 2] << 8 |
			     (uint32_t)b[i + 3] << 16 | (uint32_t)b[i + 4] << 24;

		v += (uint32_t)(i + 5);
		for (int k = 0; k < 4; k++)
			b[i + 1 + k] = (unsigned char)(v >> 8 * k);
		i += 4;
	}
	for (size_t i = 0; i < n; i++)
		count[b[i]]++;
	for (int c = 0; c < 256; c++)
		map[c] = (unsigned char)c;
	for (int c = 1; c < 256; c++) /* by count, then by value: the same map every build */
		for (int d = c; d > 0 && count[map[d]] > count[map[d - 1]]; d--) {
			unsigned char t = map[d];

			map[d] = map[d - 1], map[d - 1] = t;
		}
	for (int c = 0; c < 256; c++)
		name[map[c]] = (unsigned char)c;
	for (size_t i = 0; i < n; i++)
		b[i] = name[b[i]];
}

#ifndef PACK_NO_MAIN
#include <elf.h>

#include "texts.h"
#include "unpack.h"

static unsigned char raw[1 << 20], packed[1 << 20];
static size_t nraw;

static void add(const char *s, size_t n)
{
	if (nraw + n > sizeof(raw)) {
		fprintf(stderr, "pack: the texts are over %zu bytes\n", sizeof(raw));
		exit(1);
	}
	memcpy(raw + nraw, s, n);
	nraw += n;
}

/* raw packed with the k that packs it smallest (the distance's low bits); its size */
static size_t pack_best(unsigned *bestk)
{
	size_t best = 0, n;

	for (unsigned k = 4; k <= 10; k++) {
		n = pk_pack(raw, nraw, k, packed, sizeof(packed));
		if (!n || n > sizeof(packed)) {
			fprintf(stderr, "pack: out of memory\n");
			exit(1);
		}
		if (!best || n < best)
			best = n, *bestk = k;
	}
	return pk_pack(raw, nraw, *bestk, packed, sizeof(packed));
}

static void put_bytes(size_t n)
{
	for (size_t i = 0; i < n; i++)
		printf("%s%u,", i % 24 ? "" : "\n", packed[i]);
	printf("\n};\n");
}

/*
 * The product's read-only data (tools/link-packed.sh): pack -s FILE RESERVE OUT.c packs FILE
 * into OUT.c as src/unpack.c's constructor takes it, the packed bytes padded with zeros to
 * RESERVE (the space the first link kept for them: the same size keeps every address the
 * same); prints the packed size, and exits 3 when it is over RESERVE. pack -z RESERVE OUT.c:
 * RESERVE zeros, for the first link. -c and -y: the same for the tiny build's code (pk_code
 * first; the arrays pk_code_meta, pk_code_map, pk_code).
 */
static int pack_data(const char *path, size_t reserve, const char *dst, bool code)
{
	FILE *f = path ? fopen(path, "rb") : NULL;
	const char *name = code ? "pk_code" : "pk_strings";
	unsigned char map[256];
	unsigned k = 0;
	size_t n = 0;

	for (int c = 0; c < 256; c++)
		map[c] = (unsigned char)c;
	if (path) {
		if (!f) {
			perror(path);
			return 1;
		}
		nraw = fread(raw, 1, sizeof(raw), f);
		if (ferror(f) || !feof(f)) {
			fprintf(stderr, "pack: %s: unreadable or over %zu bytes\n", path,
				sizeof(raw));
			return 1;
		}
		fclose(f);
		if (code)
			pk_code(raw, nraw, map);
		n = pack_best(&k);
	}
	printf("%zu\n", n);
	if (reserve > sizeof(packed)) {
		fprintf(stderr, "pack: a reserve over %zu bytes\n", sizeof(packed));
		return 1;
	}
	if (n > reserve)
		return 3;
	memset(packed + n, 0, reserve - n);
	if (!freopen(dst, "w", stdout)) {
		perror(dst);
		return 1;
	}
	printf("/* Generated by tools/pack.c from %s (%zu bytes packed to %zu). */\n"
	       "const unsigned long %s_meta[3] = {%zu, %zu, %u};\n",
	       path ? path : "nothing", nraw, n, name, nraw, n, k);
	if (code) {
		printf("const unsigned char pk_code_map[256] = {");
		for (int c = 0; c < 256; c++)
			printf("%s%u,", c % 24 ? "" : "\n", map[c]);
		printf("\n};\n");
	}
	printf("const unsigned char %s[%zu] = {", name, reserve);
	put_bytes(reserve);
	return fflush(stdout) ? 1 : 0;
}

/* pack -x ELF: no loaded segment of the product both writable and executable (the packed code's
 * pages: made executable by the constructor once written, never both). 64-bit, little-endian. */
static int unmark_wx(const char *path)
{
	FILE *f = fopen(path, "r+b");
	Elf64_Ehdr eh;
	Elf64_Phdr ph;
	int n = 0;

	if (!f || fread(&eh, sizeof(eh), 1, f) != 1 || memcmp(eh.e_ident, ELFMAG, SELFMAG) ||
	    eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_ident[EI_DATA] != ELFDATA2LSB ||
	    eh.e_phentsize != sizeof(ph)) {
		fprintf(stderr, "pack: %s: not a 64-bit little-endian ELF file\n", path);
		return 1;
	}
	for (unsigned i = 0; i < eh.e_phnum; i++) {
		long at = (long)(eh.e_phoff + i * sizeof(ph));

		if (fseek(f, at, SEEK_SET) || fread(&ph, sizeof(ph), 1, f) != 1)
			break;
		if (ph.p_type != PT_LOAD || (ph.p_flags & (PF_W | PF_X)) != (PF_W | PF_X))
			continue;
		ph.p_flags &= ~(Elf64_Word)PF_X;
		if (fseek(f, at, SEEK_SET) || fwrite(&ph, sizeof(ph), 1, f) != 1)
			break;
		n++;
	}
	if (fclose(f) || n != 1) {
		fprintf(stderr, "pack: %s: %d writable and executable segments changed, not 1\n",
			path, n);
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	size_t off[PK_NTEXTS], n;
	unsigned k = 0;

	if (argc == 5 && (!strcmp(argv[1], "-s") || !strcmp(argv[1], "-c")))
		return pack_data(argv[2], strtoul(argv[3], NULL, 10), argv[4], argv[1][1] == 'c');
	if (argc == 3 && !strcmp(argv[1], "-x"))
		return unmark_wx(argv[2]);
	if (argc == 4 && (!strcmp(argv[1], "-z") || !strcmp(argv[1], "-y")))
		return pack_data(NULL, strtoul(argv[2], NULL, 10), argv[3], argv[1][1] == 'y');
	off[PK_USAGE] = nraw, add(text_usage, sizeof(text_usage));
	off[PK_HELP] = nraw, add(text_help, sizeof(text_help));
	off[PK_HELP2] = nraw, add(text_help2, sizeof(text_help2));
	off[PK_EXPLAIN] = nraw, add(text_explain, sizeof(text_explain));
	off[PK_HELPERS] = nraw;
	for (size_t i = 0; i < sizeof(text_helpers) / sizeof(text_helpers[0]); i++)
		add(text_helpers[i], strlen(text_helpers[i]) + 1);
	add("", 1);
	n = pack_best(&k);
	printf("/* Generated by tools/pack.c from src/texts.h (%zu bytes packed to %zu). */\n"
	       "#define PK_RAW %zu\n#define PK_K %u\n"
	       "static const unsigned short pk_off[PK_NTEXTS] = {",
	       nraw, n, nraw, k);
	for (int t = 0; t < PK_NTEXTS; t++)
		printf("%s%zu", t ? ", " : "", off[t]);
	printf(
	    "};\n/* not among the data packed at link time (tools/strings1.ld) */\n"
	    "static const unsigned char pk_data[%zu] __attribute__((section(\".pk_texts\"))) = {",
	    n);
	put_bytes(n);
	return fflush(stdout) ? 1 : 0;
}
#endif
