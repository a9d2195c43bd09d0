/* SPDX-License-Identifier: MIT */
/* Reader for one per-CPU perf ring (PERF_COUNT_SW_BPF_OUTPUT) that we mmap ourselves. */
#ifndef MINISNOOP_PERF_RING_H
#define MINISNOOP_PERF_RING_H

#include <stddef.h>
#include <stdint.h>

struct perf_ring {
	int fd; /* perf event fd, -1 for a ring in plain memory (tests) */
	int cpu;
	void *base; /* struct perf_event_mmap_page, then the data area */
	size_t mmap_len;
	size_t data_off;  /* offset of the data area from base (the page size) */
	size_t data_size; /* power of two */
	char *copy;	  /* where a record that wraps the end is reassembled */
	size_t copy_cap;
	int quiet_fd; /* perf_ring_add_quiet's event, -1 if none */
};

/*
 * Called for each PERF_RECORD_SAMPLE's raw data (PERF_SAMPLE_RAW); size is the u32 the kernel
 * wrote, without its alignment padding. data points into the ring or r->copy and is valid only
 * during the call. Non-zero stops the read.
 */
typedef int (*perf_sample_fn)(void *ctx, int cpu, const void *data, uint32_t size);
/* Called for each PERF_RECORD_LOST with the number of records the kernel dropped. */
typedef void (*perf_lost_fn)(void *ctx, int cpu, uint64_t lost);

/*
 * Opens a PERF_COUNT_SW_BPF_OUTPUT event on cpu with PERF_SAMPLE_RAW, mmaps 1 + pages
 * pages (pages a power of two), wakes the reader after wakeup_bytes of data
 * (watermark; 0 means every record), and enables it. 0 or negative errno.
 */
int perf_ring_open(struct perf_ring *r, int cpu, size_t pages, uint32_t wakeup_bytes);
/*
 * Uses memory laid out like the mmap (header page then data_size bytes, a power of two); for
 * tests. The memory stays the caller's; cpu is 0 (set r->cpu to change it). 0 or -EINVAL.
 */
int perf_ring_init_mem(struct perf_ring *r, void *base, size_t page_size, size_t data_size);
/*
 * Reads every complete record between data_tail and data_head, then advances data_tail.
 * Returns the number of records read (samples + lost records; other record types are
 * consumed but not counted), or a negative errno. A sample callback's non-zero return stops
 * early; records already passed to it are consumed.
 * The kernel publishes data_head only at record ends, so a partial record (fewer than 8 bytes
 * left, or a header claiming more than head - tail), a header size below 8, a sample or lost
 * record too short for its fields, a raw size exceeding its record, or head more than
 * data_size ahead of tail is corruption: -EINVAL.
 * Records before the bad one are still delivered and consumed; the bad one is neither, so
 * another call fails the same way. -ENOMEM if a wrapped record cannot be reassembled.
 */
int perf_ring_consume(struct perf_ring *r, perf_sample_fn on_sample, perf_lost_fn on_lost,
		      void *ctx);
/*
 * A second BPF output event on the ring's CPU, writing into the same ring but waking nobody
 * per record (only when half the ring is full): a program given it instead of r->fd pays no
 * wake-up (a self-IPI, ~14 µs an exec in a VM) per record. r->quiet_fd; 0 or -errno.
 */
int perf_ring_add_quiet(struct perf_ring *r);
/* How far the reader has read (data_tail): the bytes consumed between two calls. */
uint64_t perf_ring_read_pos(const struct perf_ring *r);
/* Unmaps and closes an opened ring and frees r->copy; a plain-memory ring's memory is kept. */
void perf_ring_close(struct perf_ring *r);

#endif
