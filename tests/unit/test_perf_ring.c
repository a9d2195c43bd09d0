// SPDX-License-Identifier: MIT
/* Unit tests for src/perf_ring.c: records written by hand into a ring in plain memory, plus one
 * real perf_event_open ring (root only). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "perf_ring.h"

#define DATA_SIZE  4096u
#define MAX_GOT	   600
#define STORE_SIZE (1u << 16)

/* What the callbacks saw: each sample's bytes are copied out, since data is valid only then. */
struct got {
	int n;
	uint32_t size[MAX_GOT];
	size_t off[MAX_GOT];
	const void *ptr[MAX_GOT];
	int cpu[MAX_GOT];
	uint8_t store[STORE_SIZE];
	size_t used;
	int stop_at; /* return non-zero from the stop_at-th sample (1-based); 0 never */
	int nlost;
	uint64_t lost[MAX_GOT];
	int lost_cpu[MAX_GOT];
};

struct fx {
	void *mem;
	size_t page;
	struct perf_ring r;
	struct perf_event_mmap_page *pc;
	uint8_t *data;
	uint64_t wpos; /* where the test's "kernel" writes next */
	struct got got;
};

static int on_sample(void *ctx, int cpu, const void *data, uint32_t size)
{
	struct got *g = ctx;

	assert_true(g->n < MAX_GOT);
	assert_true(g->used + size <= STORE_SIZE);
	g->size[g->n] = size;
	g->off[g->n] = g->used;
	g->ptr[g->n] = data;
	g->cpu[g->n] = cpu;
	memcpy(g->store + g->used, data, size);
	g->used += size;
	g->n++;
	return g->stop_at && g->n == g->stop_at;
}

static void on_lost(void *ctx, int cpu, uint64_t lost)
{
	struct got *g = ctx;

	assert_true(g->nlost < MAX_GOT);
	g->lost_cpu[g->nlost] = cpu;
	g->lost[g->nlost++] = lost;
}

static void got_reset(struct got *g)
{
	g->n = 0;
	g->used = 0;
	g->stop_at = 0;
	g->nlost = 0;
}

static int fx_setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->page = (size_t)sysconf(_SC_PAGESIZE);
	f->mem = mmap(NULL, f->page + DATA_SIZE, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(f->mem != MAP_FAILED);
	assert_int_equal(perf_ring_init_mem(&f->r, f->mem, f->page, DATA_SIZE), 0);
	f->pc = f->mem;
	f->data = (uint8_t *)f->mem + f->page;
	/* Poison, so bytes the reader should not use stand out. */
	memset(f->data, 0xa5, DATA_SIZE);
	*state = f;
	return 0;
}

static int fx_teardown(void **state)
{
	struct fx *f = *state;

	perf_ring_close(&f->r);
	munmap(f->mem, f->page + DATA_SIZE);
	free(f);
	return 0;
}

/* Empty ring with both counters at pos. */
static void fx_start(struct fx *f, uint64_t pos)
{
	f->pc->data_head = pos;
	f->pc->data_tail = pos;
	f->wpos = pos;
	got_reset(&f->got);
}

static void put(struct fx *f, const void *src, size_t len)
{
	const uint8_t *b = src;

	for (size_t i = 0; i < len; i++)
		f->data[(f->wpos + i) & (DATA_SIZE - 1)] = b[i];
	f->wpos += len;
}

static void put_header(struct fx *f, uint32_t type, uint16_t size)
{
	struct perf_event_header h = {.type = type, .misc = 0, .size = size};

	put(f, &h, sizeof(h));
}

static uint8_t pattern(unsigned seed, size_t i)
{
	return (uint8_t)(seed * 31u + i * 7u + 1u);
}

static uint16_t sample_len(uint32_t size)
{
	return (uint16_t)((sizeof(struct perf_event_header) + 4 + size + 7) & ~7u);
}

/* A PERF_SAMPLE_RAW sample laid out as the kernel does: header, u32 size, data, zero pad. */
static uint16_t put_sample(struct fx *f, unsigned seed, uint32_t size)
{
	static const uint8_t zero[8];
	uint16_t len = sample_len(size);

	put_header(f, PERF_RECORD_SAMPLE, len);
	put(f, &size, sizeof(size));
	for (uint32_t i = 0; i < size; i++) {
		uint8_t b = pattern(seed, i);

		put(f, &b, 1);
	}
	put(f, zero, len - sizeof(struct perf_event_header) - 4 - size);
	return len;
}

static void put_lost(struct fx *f, uint64_t id, uint64_t lost)
{
	put_header(f, PERF_RECORD_LOST, 24);
	put(f, &id, sizeof(id));
	put(f, &lost, sizeof(lost));
}

static void publish(struct fx *f)
{
	__atomic_store_n(&f->pc->data_head, f->wpos, __ATOMIC_RELEASE);
}

static int consume(struct fx *f)
{
	return perf_ring_consume(&f->r, on_sample, on_lost, &f->got);
}

static void check_sample(const struct got *g, int idx, unsigned seed, uint32_t size)
{
	assert_true(idx < g->n);
	assert_int_equal(g->size[idx], size);
	for (uint32_t i = 0; i < size; i++)
		assert_int_equal(g->store[g->off[idx] + i], pattern(seed, i));
}

static int in_ring(const struct fx *f, const void *p)
{
	const uint8_t *b = p;

	return b >= f->data && b < f->data + DATA_SIZE;
}

static void test_init_mem_validates(void **state)
{
	struct fx *f = *state;
	struct perf_ring r;

	assert_int_equal(perf_ring_init_mem(&r, f->mem, f->page, 3000), -EINVAL);
	assert_int_equal(perf_ring_init_mem(&r, f->mem, f->page, 0), -EINVAL);
	assert_int_equal(perf_ring_init_mem(&r, NULL, f->page, DATA_SIZE), -EINVAL);
	assert_int_equal(perf_ring_init_mem(&r, f->mem, 64, DATA_SIZE), -EINVAL);
	assert_int_equal(perf_ring_init_mem(&r, f->mem, f->page, DATA_SIZE), 0);
	assert_int_equal(r.fd, -1);
	assert_int_equal(r.data_off, f->page);
	assert_int_equal(r.data_size, DATA_SIZE);
	assert_int_equal(r.cpu, 0);
}

static void test_open_rejects_bad_pages(void **state)
{
	struct perf_ring r;

	(void)state;
	/* Checked before any syscall, so this needs no privileges. */
	assert_int_equal(perf_ring_open(&r, 0, 3, 0), -EINVAL);
	assert_int_equal(r.fd, -1);
	assert_null(r.base);
	assert_int_equal(perf_ring_open(&r, 0, 0, 0), -EINVAL);
	assert_int_equal(r.fd, -1);
	perf_ring_close(&r);
}

static void test_empty(void **state)
{
	struct fx *f = *state;

	fx_start(f, 0);
	assert_int_equal(consume(f), 0);
	assert_int_equal(f->pc->data_tail, 0);
	fx_start(f, 12345 * 8);
	assert_int_equal(consume(f), 0);
	assert_int_equal(f->pc->data_tail, 12345 * 8);
}

static void test_single_sample(void **state)
{
	struct fx *f = *state;

	fx_start(f, 0);
	f->r.cpu = 3;
	assert_int_equal(put_sample(f, 1, 11), 24);
	publish(f);
	assert_int_equal(consume(f), 1);
	assert_int_equal(f->got.n, 1);
	check_sample(&f->got, 0, 1, 11);
	assert_int_equal(f->got.cpu[0], 3);
	/* Not wrapping: delivered in place, nothing allocated. */
	assert_ptr_equal(f->got.ptr[0], f->data + 12);
	assert_null(f->r.copy);
	assert_int_equal(f->pc->data_tail, 24);

	assert_int_equal(consume(f), 0);
	assert_int_equal(f->got.n, 1);
	assert_int_equal(f->pc->data_tail, 24);
}

static void test_many_samples(void **state)
{
	struct fx *f = *state;
	unsigned seed = 0;

	fx_start(f, 0);
	/* Rounds that fill the ring almost full, so the records walk around it many times. */
	for (int round = 0; round < 40; round++) {
		unsigned first = seed;
		uint32_t sizes[MAX_GOT];
		int n = 0;

		got_reset(&f->got);
		for (;;) {
			uint32_t size = (seed * 13u) % 200u;

			if (f->wpos - f->pc->data_tail + sample_len(size) > DATA_SIZE)
				break;
			sizes[n++] = size;
			put_sample(f, seed++, size);
		}
		publish(f);
		assert_int_equal(consume(f), n);
		assert_int_equal(f->got.n, n);
		for (int i = 0; i < n; i++)
			check_sample(&f->got, i, first + (unsigned)i, sizes[i]);
		assert_int_equal(f->pc->data_tail, f->wpos);
	}
	assert_true(f->wpos > 30 * (uint64_t)DATA_SIZE);
}

static void test_full_ring(void **state)
{
	struct fx *f = *state;

	/* head exactly data_size ahead of tail is a full ring, not corruption. */
	fx_start(f, 3 * DATA_SIZE + 40);
	for (unsigned i = 0; i < DATA_SIZE / 64; i++)
		assert_int_equal(put_sample(f, i, 52), 64);
	publish(f);
	assert_int_equal(f->wpos - f->pc->data_tail, DATA_SIZE);
	assert_int_equal(consume(f), DATA_SIZE / 64);
	for (unsigned i = 0; i < DATA_SIZE / 64; i++)
		check_sample(&f->got, (int)i, i, 52);
	assert_int_equal(f->pc->data_tail, 4 * DATA_SIZE + 40);
}

static void test_sample_wraps_end(void **state)
{
	struct fx *f = *state;
	uint64_t start = DATA_SIZE - 16;

	/* header and size before the end, 4 data bytes before it and 36 after */
	fx_start(f, start);
	assert_int_equal(put_sample(f, 7, 40), 56);
	put_sample(f, 8, 5); /* the next one lands after the wrap, in place */
	publish(f);
	assert_int_equal(consume(f), 2);
	check_sample(&f->got, 0, 7, 40);
	check_sample(&f->got, 1, 8, 5);
	assert_non_null(f->r.copy);
	assert_ptr_equal(f->got.ptr[0], f->r.copy + 12);
	assert_true(in_ring(f, f->got.ptr[1]));
	assert_int_equal(f->pc->data_tail, start + 56 + 24);

	/* A bigger wrapped record grows the copy buffer. */
	fx_start(f, 2 * DATA_SIZE - 200);
	put_sample(f, 9, 3000);
	publish(f);
	assert_int_equal(consume(f), 1);
	check_sample(&f->got, 0, 9, 3000);
	assert_true(f->r.copy_cap >= 3012);
	assert_int_equal(f->pc->data_tail, f->wpos);
}

static void test_wrap_sweep(void **state)
{
	struct fx *f = *state;
	static const uint32_t sizes[] = {0, 1, 3, 4, 5, 12, 13, 60, 301};

	/* Every split point near the end, aligned or not, for several payload sizes. */
	for (uint64_t back = 1; back <= 330; back++) {
		for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
			uint64_t start = 7 * (uint64_t)DATA_SIZE - back;
			unsigned seed = (unsigned)(back * 16 + s);

			fx_start(f, start);
			put_sample(f, seed, sizes[s]);
			put_sample(f, seed + 1, 2);
			publish(f);
			assert_int_equal(consume(f), 2);
			check_sample(&f->got, 0, seed, sizes[s]);
			check_sample(&f->got, 1, seed + 1, 2);
			assert_int_equal(f->pc->data_tail, f->wpos);
		}
	}
}

static void test_header_split(void **state)
{
	struct fx *f = *state;

	/* Real rings keep records 8-aligned, but the reader must not depend on that. */
	for (unsigned split = 1; split < 8; split++) {
		uint64_t start = 5 * (uint64_t)DATA_SIZE - split;

		fx_start(f, start);
		put_sample(f, split, 20);
		publish(f);
		/* the header's first byte (type, little end) is at the very end */
		assert_int_equal(f->data[DATA_SIZE - split], PERF_RECORD_SAMPLE);
		assert_int_equal(consume(f), 1);
		check_sample(&f->got, 0, split, 20);
		assert_int_equal(f->pc->data_tail, start + 32);

		fx_start(f, start);
		put_lost(f, split, 1000 + split);
		publish(f);
		assert_int_equal(consume(f), 1);
		assert_int_equal(f->got.nlost, 1);
		assert_int_equal(f->got.lost[0], 1000 + split);
		assert_int_equal(f->pc->data_tail, start + 24);
	}
}

static void test_lost_record(void **state)
{
	struct fx *f = *state;
	uint64_t start = DATA_SIZE - 100;
	uint64_t junk[2] = {~0ull, ~0ull};

	fx_start(f, start);
	f->r.cpu = 2;
	put_lost(f, 7, 42);			 /* -100 .. -76 */
	put_sample(f, 1, 20);			 /* -76 .. -44 */
	put_sample(f, 2, 12);			 /* -44 .. -20 */
	put_lost(f, 8, 0x0123456789abcdefull);	 /* -20 .. +4: lost count split across the end */
	put_header(f, PERF_RECORD_THROTTLE, 24); /* skipped, not counted */
	put(f, junk, sizeof(junk));
	put_sample(f, 3, 3);
	publish(f);
	assert_int_equal(consume(f), 5);
	assert_int_equal(f->got.n, 3);
	check_sample(&f->got, 0, 1, 20);
	check_sample(&f->got, 1, 2, 12);
	check_sample(&f->got, 2, 3, 3);
	assert_int_equal(f->got.nlost, 2);
	assert_int_equal(f->got.lost[0], 42);
	assert_int_equal(f->got.lost[1], 0x0123456789abcdefull);
	assert_int_equal(f->got.lost_cpu[0], 2);
	assert_int_equal(f->got.lost_cpu[1], 2);
	assert_int_equal(f->pc->data_tail, start + 144);
	assert_int_equal(f->wpos, start + 144);
}

static void test_null_callbacks(void **state)
{
	struct fx *f = *state;

	fx_start(f, 0);
	put_sample(f, 1, 8);
	put_lost(f, 1, 5);
	put_sample(f, 2, 8);
	publish(f);
	assert_int_equal(perf_ring_consume(&f->r, NULL, NULL, NULL), 3);
	assert_int_equal(f->pc->data_tail, f->wpos);
}

static void test_partial_header(void **state)
{
	struct fx *f = *state;

	fx_start(f, 0);
	put_sample(f, 1, 10);
	put_sample(f, 2, 10);
	/* head 4 bytes into the second record's header */
	__atomic_store_n(&f->pc->data_head, 24 + 4, __ATOMIC_RELEASE);
	assert_int_equal(consume(f), -EINVAL);
	assert_int_equal(f->got.n, 1);
	check_sample(&f->got, 0, 1, 10);
	assert_int_equal(f->pc->data_tail, 24);
	/* Nothing changed, so it fails again without redelivering. */
	assert_int_equal(consume(f), -EINVAL);
	assert_int_equal(f->got.n, 1);
	assert_int_equal(f->pc->data_tail, 24);
}

static void test_record_longer_than_available(void **state)
{
	struct fx *f = *state;
	uint64_t start = 3 * DATA_SIZE - 24;

	/* The header (wrapping the end) claims 112 bytes, head is only 56 past it. */
	fx_start(f, start);
	assert_int_equal(put_sample(f, 1, 100), 112);
	__atomic_store_n(&f->pc->data_head, start + 56, __ATOMIC_RELEASE);
	assert_int_equal(consume(f), -EINVAL);
	assert_int_equal(f->got.n, 0);
	assert_int_equal(f->pc->data_tail, start);

	/* Bigger than the whole data area. */
	fx_start(f, 0);
	put_header(f, PERF_RECORD_SAMPLE, 60000);
	f->wpos = DATA_SIZE;
	publish(f);
	assert_int_equal(consume(f), -EINVAL);
	assert_int_equal(f->pc->data_tail, 0);
}

static void test_header_size_too_small(void **state)
{
	struct fx *f = *state;

	for (uint16_t size = 0; size < 8; size++) {
		fx_start(f, 64);
		put_header(f, PERF_RECORD_SAMPLE, size);
		put_header(f, PERF_RECORD_SAMPLE, size);
		publish(f);
		assert_int_equal(consume(f), -EINVAL);
		assert_int_equal(f->got.n, 0);
		assert_int_equal(f->pc->data_tail, 64);
	}
	/* An unknown type is skipped by its size, so it gets the same check. */
	fx_start(f, 64);
	put_header(f, 12345, 0);
	put_header(f, 12345, 0);
	publish(f);
	assert_int_equal(consume(f), -EINVAL);
	assert_int_equal(f->pc->data_tail, 64);
}

static void test_raw_size_exceeds_record(void **state)
{
	struct fx *f = *state;
	uint32_t raw = 13;
	uint8_t bytes[12] = {0};

	/* A 24-byte sample has room for 12 raw bytes: 13 is corrupt. */
	fx_start(f, 0);
	put_sample(f, 1, 4);
	put_header(f, PERF_RECORD_SAMPLE, 24);
	put(f, &raw, sizeof(raw));
	put(f, bytes, sizeof(bytes));
	publish(f);
	assert_int_equal(consume(f), -EINVAL);
	assert_int_equal(f->got.n, 1);
	assert_int_equal(f->pc->data_tail, 16);

	/* Exactly 12 fits. */
	fx_start(f, 0);
	assert_int_equal(put_sample(f, 2, 12), 24);
	publish(f);
	assert_int_equal(consume(f), 1);
	check_sample(&f->got, 0, 2, 12);
}

static void test_short_sample_and_lost(void **state)
{
	struct fx *f = *state;
	uint64_t zero = 0;

	/* A sample with no room for its u32 size. */
	fx_start(f, 0);
	put_header(f, PERF_RECORD_SAMPLE, 8);
	put(f, &zero, sizeof(zero));
	publish(f);
	assert_int_equal(consume(f), -EINVAL);
	assert_int_equal(f->pc->data_tail, 0);

	/* A lost record without its count. */
	fx_start(f, 0);
	put_header(f, PERF_RECORD_LOST, 16);
	put(f, &zero, sizeof(zero));
	publish(f);
	assert_int_equal(consume(f), -EINVAL);
	assert_int_equal(f->got.nlost, 0);
	assert_int_equal(f->pc->data_tail, 0);
}

static void test_head_too_far_ahead(void **state)
{
	struct fx *f = *state;

	fx_start(f, 800);
	for (unsigned i = 0; i < DATA_SIZE / 64 + 1; i++)
		put_sample(f, i, 52);
	publish(f);
	assert_int_equal(consume(f), -EINVAL);
	assert_int_equal(f->got.n, 0);
	assert_int_equal(f->pc->data_tail, 800);

	/* head behind tail reads as a huge distance. */
	fx_start(f, 800);
	f->pc->data_head = 792;
	assert_int_equal(consume(f), -EINVAL);
	assert_int_equal(f->pc->data_tail, 800);
}

static void test_callback_stops_early(void **state)
{
	struct fx *f = *state;
	uint64_t start = DATA_SIZE - 40;
	uint64_t end3;

	/* The third record wraps the end; stopping there still consumes it. */
	fx_start(f, start);
	put_sample(f, 1, 4);  /* 16 */
	put_sample(f, 2, 4);  /* 16 */
	put_sample(f, 3, 20); /* 32, wraps */
	end3 = f->wpos;
	put_lost(f, 9, 77);
	put_sample(f, 4, 4);
	put_sample(f, 5, 9);
	publish(f);

	f->got.stop_at = 3;
	assert_int_equal(consume(f), 3);
	assert_int_equal(f->got.n, 3);
	check_sample(&f->got, 2, 3, 20);
	assert_int_equal(f->got.nlost, 0);
	assert_int_equal(f->pc->data_tail, end3);

	got_reset(&f->got);
	f->got.stop_at = 2;
	assert_int_equal(consume(f), 3); /* the lost record, then samples 4 and 5 */
	assert_int_equal(f->got.nlost, 1);
	assert_int_equal(f->got.lost[0], 77);
	check_sample(&f->got, 0, 4, 4);
	check_sample(&f->got, 1, 5, 9);
	assert_int_equal(f->pc->data_tail, f->wpos);

	/* Stopping on the very first record moves the tail past exactly that one. */
	fx_start(f, 128);
	put_sample(f, 1, 4);
	put_sample(f, 2, 4);
	publish(f);
	f->got.stop_at = 1;
	assert_int_equal(consume(f), 1);
	assert_int_equal(f->pc->data_tail, 128 + 16);
}

static void test_u64_counters(void **state)
{
	struct fx *f = *state;
	static const uint64_t starts[] = {10 * (uint64_t)DATA_SIZE - 16, UINT64_MAX - 15,
					  UINT64_MAX - 3 * DATA_SIZE + 8};

	/* Counters only grow; the ring offset is their low bits, through u64 overflow too. */
	for (size_t s = 0; s < sizeof(starts) / sizeof(starts[0]); s++) {
		unsigned seed = 0;

		fx_start(f, starts[s]);
		for (int round = 0; round < 12; round++) {
			unsigned first = seed;
			uint64_t before = f->wpos;
			int n = 0;

			got_reset(&f->got);
			while (f->wpos - before < DATA_SIZE - 400) {
				put_sample(f, seed, 100 + (seed % 50));
				seed++;
				n++;
			}
			publish(f);
			assert_int_equal(consume(f), n);
			for (int i = 0; i < n; i++) {
				unsigned sd = first + (unsigned)i;

				check_sample(&f->got, i, sd, 100 + (sd % 50));
			}
			assert_true(f->pc->data_tail == f->wpos);
		}
		if (starts[s] > UINT64_MAX / 2)
			assert_true(f->pc->data_tail < starts[s]); /* wrapped past zero */
	}
}

static void test_kernel_open_close(void **state)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	struct perf_event_mmap_page *pc;
	struct perf_ring r;
	unsigned char vec;
	void *base;
	int err, fd;

	(void)state;
	if (geteuid() != 0) {
		print_message("skipped: perf_ring_open on a real CPU needs root (euid %u)\n",
			      (unsigned)geteuid());
		skip();
	}
	err = perf_ring_open(&r, 0, 8, 0);
	if (err == -ENOSYS || err == -ENOENT || err == -ENODEV || err == -EOPNOTSUPP ||
	    err == -EACCES || err == -EPERM) {
		print_message("skipped: no PERF_COUNT_SW_BPF_OUTPUT event here: %s\n",
			      strerror(-err));
		skip();
	}
	assert_int_equal(err, 0);
	assert_true(r.fd >= 0);
	assert_int_equal(r.cpu, 0);
	assert_int_equal(r.mmap_len, 9 * page);
	assert_int_equal(r.data_off, page);
	assert_int_equal(r.data_size, 8 * page);
	assert_true(fcntl(r.fd, F_GETFD) & FD_CLOEXEC);
	/* Kernels since 4.1 say where the data area is; it must match what we assume. */
	pc = r.base;
	if (pc->data_size) {
		assert_int_equal(pc->data_offset, page);
		assert_int_equal(pc->data_size, 8 * page);
	}
	assert_int_equal(mincore((char *)r.base + r.mmap_len - page, page, &vec), 0);
	/* No BPF program writes to it, so it is empty. */
	assert_int_equal(perf_ring_consume(&r, NULL, NULL, NULL), 0);

	fd = r.fd;
	base = r.base;
	perf_ring_close(&r);
	assert_int_equal(r.fd, -1);
	assert_null(r.base);
	assert_int_equal(fcntl(fd, F_GETFD), -1);
	assert_int_equal(errno, EBADF);
	assert_int_equal(mincore(base, page, &vec), -1);
	assert_int_equal(errno, ENOMEM);

	/* The watermark variant opens too. */
	assert_int_equal(perf_ring_open(&r, 0, 1, 4096), 0);
	assert_int_equal(r.data_size, page);
	perf_ring_close(&r);
	assert_int_equal(r.fd, -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_init_mem_validates, fx_setup, fx_teardown),
	    cmocka_unit_test(test_open_rejects_bad_pages),
	    cmocka_unit_test_setup_teardown(test_empty, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_single_sample, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_many_samples, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_full_ring, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_sample_wraps_end, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_wrap_sweep, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_header_split, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_lost_record, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_null_callbacks, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_partial_header, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_record_longer_than_available, fx_setup,
					    fx_teardown),
	    cmocka_unit_test_setup_teardown(test_header_size_too_small, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_raw_size_exceeds_record, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_short_sample_and_lost, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_head_too_far_ahead, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_callback_stops_early, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_u64_counters, fx_setup, fx_teardown),
	    cmocka_unit_test(test_kernel_open_close),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
