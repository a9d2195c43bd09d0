// SPDX-License-Identifier: MIT
/* One per-CPU perf ring: open, mmap, and parse its records ourselves (no libbpf). */
#include "perf_ring.h"
#include "sysfile.h"

#include <errno.h>
#include <linux/perf_event.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

static int is_pow2(size_t v)
{
	return v && !(v & (v - 1));
}

/* A BPF output event's attributes (bpf_perf_event_output's target), enabled at once: nothing
 * is written to it before it is mapped and put into the events map, and the ENABLE that a
 * disabled one needs interrupts the ring's CPU. */
static void output_attr(struct perf_event_attr *a)
{
	memset(a, 0, sizeof(*a));
	a->size = sizeof(*a);
	a->type = PERF_TYPE_SOFTWARE;
	a->config = PERF_COUNT_SW_BPF_OUTPUT;
	a->sample_type = PERF_SAMPLE_RAW;
	a->sample_period = 1;
}

int perf_ring_open(struct perf_ring *r, int cpu, size_t pages, uint32_t wakeup_bytes)
{
	struct perf_event_attr attr;
	long page = (long)page_size();
	size_t psz;
	void *base;
	int fd, err;

	memset(r, 0, sizeof(*r));
	r->fd = r->quiet_fd = -1;
	r->cpu = cpu;
	if (page <= 0)
		return -EINVAL;
	psz = (size_t)page;
	/* The kernel needs a power-of-two data area; also guard the size multiplication. */
	if (!is_pow2(pages) || pages > (SIZE_MAX / psz) - 1)
		return -EINVAL;

	output_attr(&attr);
	if (wakeup_bytes) {
		attr.watermark = 1;
		attr.wakeup_watermark = wakeup_bytes;
	} else {
		attr.wakeup_events = 1;
	}

	fd = (int)syscall(__NR_perf_event_open, &attr, -1, cpu, -1, PERF_FLAG_FD_CLOEXEC);
	if (fd < 0)
		return -errno;

	/* PROT_WRITE tells the kernel we move data_tail, so it never overwrites unread data. */
	base = mmap(NULL, (pages + 1) * psz, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (base == MAP_FAILED) {
		err = -errno;
		close(fd);
		return err;
	}
	r->fd = fd;
	r->base = base;
	r->mmap_len = (pages + 1) * psz;
	r->data_off = psz;
	r->data_size = pages * psz;
	return 0;
}

int perf_ring_init_mem(struct perf_ring *r, void *base, size_t page_size, size_t data_size)
{
	memset(r, 0, sizeof(*r));
	r->fd = r->quiet_fd = -1;
	if (!base || page_size < sizeof(struct perf_event_mmap_page) || !is_pow2(data_size))
		return -EINVAL;
	r->base = base;
	r->mmap_len = page_size + data_size;
	r->data_off = page_size;
	r->data_size = data_size;
	return 0;
}

int perf_ring_add_quiet(struct perf_ring *r)
{
	struct perf_event_attr attr;
	int fd;

	output_attr(&attr); /* no wakeup_events: woken by the ring's watermark only */
	fd = (int)syscall(__NR_perf_event_open, &attr, -1, r->cpu, -1, PERF_FLAG_FD_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (ioctl(fd, PERF_EVENT_IOC_SET_OUTPUT, r->fd) < 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	r->quiet_fd = fd;
	return 0;
}

uint64_t perf_ring_read_pos(const struct perf_ring *r)
{
	return ((const struct perf_event_mmap_page *)r->base)->data_tail;
}

/* Copies len bytes starting at data-area offset off, continuing at the start if it wraps. */
static void ring_read(const struct perf_ring *r, size_t off, void *dst, size_t len)
{
	const char *data = (const char *)r->base + r->data_off;
	size_t first = r->data_size - off;

	if (first > len)
		first = len;
	memcpy(dst, data + off, first);
	memcpy((char *)dst + first, data, len - first);
}

/* A contiguous view of the record at off: in place, or reassembled in r->copy if it wraps. */
static const char *ring_record(struct perf_ring *r, size_t off, size_t len)
{
	if (off + len <= r->data_size)
		return (const char *)r->base + r->data_off + off;
	if (r->copy_cap < len) {
		size_t cap = r->copy_cap ? r->copy_cap : 256;
		char *p;

		while (cap < len)
			cap *= 2;
		p = realloc(r->copy, cap);
		if (!p)
			return NULL;
		r->copy = p;
		r->copy_cap = cap;
	}
	ring_read(r, off, r->copy, len);
	return r->copy;
}

int perf_ring_consume(struct perf_ring *r, perf_sample_fn on_sample, perf_lost_fn on_lost,
		      void *ctx)
{
	struct perf_event_mmap_page *pc = r->base;
	/* Acquire: the record bytes the kernel wrote before data_head are visible after it. */
	uint64_t head = __atomic_load_n(&pc->data_head, __ATOMIC_ACQUIRE);
	uint64_t start = pc->data_tail; /* only we write it */
	uint64_t tail = start;
	int n = 0, err = 0;

	/* Without overwrite the kernel never gets more than a ring ahead of us. */
	if (head - tail > r->data_size)
		return -EINVAL;

	while (tail != head) {
		uint64_t avail = head - tail;
		size_t off = (size_t)(tail & (r->data_size - 1));
		struct perf_event_header hdr;
		const char *rec;

		/* The kernel publishes head only at record ends, so a short tail is corruption. */
		if (avail < sizeof(hdr)) {
			err = -EINVAL;
			break;
		}
		ring_read(r, off, &hdr, sizeof(hdr));
		if (hdr.size < sizeof(hdr) || hdr.size > avail) {
			err = -EINVAL;
			break;
		}

		if (hdr.type == PERF_RECORD_SAMPLE) {
			uint32_t raw_size;

			if (hdr.size < sizeof(hdr) + sizeof(raw_size)) {
				err = -EINVAL;
				break;
			}
			rec = ring_record(r, off, hdr.size);
			if (!rec) {
				err = -ENOMEM;
				break;
			}
			memcpy(&raw_size, rec + sizeof(hdr), sizeof(raw_size));
			if (raw_size > hdr.size - sizeof(hdr) - sizeof(raw_size)) {
				err = -EINVAL;
				break;
			}
			tail += hdr.size;
			n++;
			if (on_sample &&
			    on_sample(ctx, r->cpu, rec + sizeof(hdr) + sizeof(raw_size), raw_size))
				break;
		} else if (hdr.type == PERF_RECORD_LOST) {
			uint64_t lost;

			/* header, u64 id, u64 lost */
			if (hdr.size < sizeof(hdr) + 2 * sizeof(uint64_t)) {
				err = -EINVAL;
				break;
			}
			ring_read(r, (off + sizeof(hdr) + sizeof(uint64_t)) & (r->data_size - 1),
				  &lost, sizeof(lost));
			tail += hdr.size;
			n++;
			if (on_lost)
				on_lost(ctx, r->cpu, lost);
		} else {
			tail += hdr.size;
		}
	}

	/* Release: our reads of the records finish before the kernel may reuse the space. */
	if (tail != start)
		__atomic_store_n(&pc->data_tail, tail, __ATOMIC_RELEASE);
	return err ? err : n;
}

void perf_ring_close(struct perf_ring *r)
{
	/* A plain-memory ring belongs to the caller; only a mapped one is ours to unmap. */
	if (r->fd >= 0) {
		if (r->base)
			munmap(r->base, r->mmap_len);
		close(r->fd);
	}
	if (r->quiet_fd >= 0)
		close(r->quiet_fd);
	free(r->copy);
	r->fd = r->quiet_fd = -1;
	r->base = NULL;
	r->mmap_len = 0;
	r->copy = NULL;
	r->copy_cap = 0;
}
