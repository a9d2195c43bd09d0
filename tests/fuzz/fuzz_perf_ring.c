// SPDX-License-Identifier: MIT
/*
 * perf_ring_consume() on a ring in plain memory whose bytes, size and positions come from
 * the input: byte 0 picks the data size (1 << (b % 13)), byte 1 when a sample callback stops
 * the read, bytes 2..9 data_tail, bytes 10..11 how far data_head is ahead of it, and the rest
 * is the data area (zero-filled to its size).
 *
 * The records delivered are compared with a plain walk of the same bytes written here from
 * perf_ring.h's description: same samples (bytes and sizes), same lost counts, same errors,
 * same final data_tail.
 */
#include "fuzz.h"

#include "perf_ring.h"

#include <errno.h>
#include <linux/perf_event.h>

#define PRE	 12
#define MAX_RECS 4096 /* records one call can deliver: each takes 8 bytes or more */

struct rec {
	int lost;
	uint64_t off;	/* ring position of the raw data (samples) */
	uint64_t value; /* raw size, or the lost count */
};

struct ctx {
	const struct perf_ring *r;
	const struct rec *want;
	size_t nwant, seen;
	unsigned stop_at; /* stop after the sample with this index (0: never) */
	unsigned samples;
};

static const uint8_t *ring_data(const struct perf_ring *r)
{
	return (const uint8_t *)r->base + r->data_off;
}

static void ring_bytes(const struct perf_ring *r, uint64_t pos, void *dst, size_t len)
{
	for (size_t i = 0; i < len; i++)
		((uint8_t *)dst)[i] = ring_data(r)[(pos + i) & (r->data_size - 1)];
}

/*
 * The records between tail and head: n of them into out, the end position into *end.
 * Returns the count of samples and lost records, or -EINVAL at a bad one.
 */
static int walk(const struct perf_ring *r, uint64_t tail, uint64_t head, unsigned stop_at,
		struct rec *out, size_t *n, uint64_t *end)
{
	int count = 0;
	unsigned samples = 0;

	*n = 0;
	*end = tail;
	if (head - tail > r->data_size)
		return -EINVAL;
	while (tail != head) {
		struct perf_event_header h;
		uint32_t raw;
		uint64_t lost;

		if (head - tail < sizeof(h))
			return -EINVAL;
		ring_bytes(r, tail, &h, sizeof(h));
		if (h.size < sizeof(h) || h.size > head - tail)
			return -EINVAL;
		if (h.type == PERF_RECORD_SAMPLE) {
			if (h.size < sizeof(h) + 4)
				return -EINVAL;
			ring_bytes(r, tail + sizeof(h), &raw, 4);
			if (raw > h.size - sizeof(h) - 4)
				return -EINVAL;
			out[(*n)++] = (struct rec){0, tail + sizeof(h) + 4, raw};
		} else if (h.type == PERF_RECORD_LOST) {
			if (h.size < sizeof(h) + 16)
				return -EINVAL;
			ring_bytes(r, tail + sizeof(h) + 8, &lost, 8);
			out[(*n)++] = (struct rec){1, 0, lost};
		}
		tail += h.size;
		*end = tail;
		if (h.type == PERF_RECORD_SAMPLE || h.type == PERF_RECORD_LOST)
			count++;
		if (h.type == PERF_RECORD_SAMPLE && ++samples == stop_at)
			break;
	}
	return count;
}

static int on_sample(void *p, int cpu, const void *data, uint32_t size)
{
	struct ctx *c = p;
	const struct rec *w = &c->want[c->seen];
	uint8_t want[8192];

	FUZZ_CHECK(cpu == 0 && c->seen < c->nwant && !w->lost && w->value == size);
	FUZZ_CHECK(size <= sizeof(want));
	ring_bytes(c->r, w->off, want, size);
	FUZZ_CHECK(!memcmp(data, want, size));
	c->seen++;
	return ++c->samples == c->stop_at;
}

static void on_lost(void *p, int cpu, uint64_t lost)
{
	struct ctx *c = p;
	const struct rec *w = &c->want[c->seen];

	FUZZ_CHECK(cpu == 0 && c->seen < c->nwant && w->lost && w->value == lost);
	c->seen++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct rec want[MAX_RECS];
	struct perf_event_mmap_page *pc;
	struct perf_ring r;
	size_t data_size, page = sizeof(*pc), n;
	uint64_t tail, head, end;
	uint16_t ahead;
	uint8_t *mem;

	if (size < PRE)
		return 0;
	data_size = (size_t)1 << (data[0] % 13);
	memcpy(&tail, data + 2, 8);
	memcpy(&ahead, data + 10, 2);
	head = tail + ahead;
	/* Exactly header + data area, so that any read outside them is caught. */
	mem = calloc(1, page + data_size);
	FUZZ_CHECK(mem);
	memcpy(mem + page, data + PRE, size - PRE < data_size ? size - PRE : data_size);
	pc = (struct perf_event_mmap_page *)mem;
	pc->data_head = head;
	pc->data_tail = tail;
	FUZZ_CHECK(perf_ring_init_mem(&r, mem, page, data_size) == 0);

	/* Reads until the ring is empty or bad; a stopping callback needs another call. */
	for (int call = 0; call < 8; call++) {
		struct ctx c = {&r, want, 0, 0, data[1] & 8 ? (data[1] & 7) + 1u : 0, 0};
		int got, exp = walk(&r, pc->data_tail, head, c.stop_at, want, &n, &end);

		c.nwant = n;
		got = perf_ring_consume(&r, on_sample, on_lost, &c);
		FUZZ_CHECK(got == exp);
		FUZZ_CHECK(c.seen == n);
		FUZZ_CHECK(pc->data_tail == end);
		FUZZ_CHECK(pc->data_head == head);
		if (got <= 0 || end == head)
			break;
	}
	perf_ring_close(&r);
	free(mem);
	return 0;
}
