/* SPDX-License-Identifier: MIT */
/*
 * --rate N: at most N events a second per command name (comm), a token bucket each (N at
 * once, then N a second); what is dropped is counted per command and said in the output.
 */
#ifndef MINISNOOP_RATE_H
#define MINISNOOP_RATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RATE_SLOTS 256 /* commands followed at once; more share one bucket, "others" */
#define RATE_PROBE 8
#define RATE_COMM  16

struct rate_slot {
	char comm[RATE_COMM];
	uint64_t credit;  /* events x 1e9 */
	uint64_t at;	  /* when credit was last earned, ns */
	uint64_t dropped; /* not said yet */
	bool used;
};

struct rate {
	uint64_t per_s;		/* 0: no limit */
	struct rate_slot *slot; /* RATE_SLOTS, then the shared one */
	uint64_t dropped;	/* in all */
	uint64_t pending;	/* not said yet */
};

#ifdef MINISNOOP_TINY
/* make tiny has no --rate (main.c refuses it): an inert limit the compiler sees through. */
static inline int rate_init(struct rate *r, uint64_t per_s)
{
	(void)per_s;
	*r = (struct rate){0};
	return 0;
}
static inline void rate_free(struct rate *r)
{
	(void)r;
}
static inline bool rate_allow(struct rate *r, const char *comm, uint64_t now_ns)
{
	return (void)r, (void)comm, (void)now_ns, true;
}
static inline void rate_each_dropped(struct rate *r,
				     void (*fn)(void *ctx, const char *comm, uint64_t n), void *ctx)
{
	(void)r, (void)fn, (void)ctx;
}
#else
/* 0, or -ENOMEM; per_s 0 makes an inert limit. */
int rate_init(struct rate *r, uint64_t per_s);
void rate_free(struct rate *r);
/* Whether an event of comm (RATE_COMM bytes, NUL-padded) at time now_ns is kept. */
bool rate_allow(struct rate *r, const char *comm, uint64_t now_ns);
/* Each command with drops not said yet (comm NULL: the shared bucket), then cleared. */
void rate_each_dropped(struct rate *r, void (*fn)(void *ctx, const char *comm, uint64_t n),
		       void *ctx);
#endif

#endif
