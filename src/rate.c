// SPDX-License-Identifier: MIT
/* --rate: a token bucket per command name, decided before an event is formatted. */
#include "rate.h"

#ifndef MINISNOOP_TINY

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define UNIT 1000000000ull /* one event's credit: earned in 1e9/N ns */

int rate_init(struct rate *r, uint64_t per_s)
{
	memset(r, 0, sizeof(*r));
	r->per_s = per_s;
	if (!per_s)
		return 0;
	r->slot = calloc(RATE_SLOTS + 1, sizeof(*r->slot));
	return r->slot ? 0 : -ENOMEM;
}

void rate_free(struct rate *r)
{
	free(r->slot);
	r->slot = NULL;
}

static uint32_t hash(const char *comm)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < RATE_COMM && comm[i]; i++)
		h = (h ^ (uint8_t)comm[i]) * 16777619u;
	return h;
}

static void take(struct rate_slot *s, const char *comm, uint64_t per_s, uint64_t now)
{
	memset(s, 0, sizeof(*s));
	strncpy(s->comm, comm, RATE_COMM);
	s->credit = per_s * UNIT; /* a full bucket: N at once */
	s->at = now;
	s->used = true;
}

/* The command's slot: found, free, or taken from one idle for a second with nothing to say;
 * else the shared one. */
static struct rate_slot *find(struct rate *r, const char *comm, uint64_t now)
{
	uint32_t h = hash(comm);
	struct rate_slot *idle = NULL;

	for (unsigned i = 0; i < RATE_PROBE; i++) {
		struct rate_slot *s = &r->slot[(h + i) % RATE_SLOTS];

		if (!s->used) {
			take(s, comm, r->per_s, now);
			return s;
		}
		if (!strncmp(s->comm, comm, RATE_COMM))
			return s;
		if (!idle && !s->dropped && now - s->at >= UNIT)
			idle = s;
	}
	if (idle) {
		take(idle, comm, r->per_s, now);
		return idle;
	}
	idle = &r->slot[RATE_SLOTS];
	if (!idle->used)
		take(idle, "", r->per_s, now);
	return idle;
}

bool rate_allow(struct rate *r, const char *comm, uint64_t now)
{
	struct rate_slot *s;
	uint64_t cap = r->per_s * UNIT, dt;

	if (!r->per_s)
		return true;
	s = find(r, comm, now);
	/* rings are read one after another: a time a little behind earns nothing */
	dt = now > s->at ? now - s->at : 0;
	if (dt >= UNIT)
		s->credit = cap;
	else if (s->credit < cap)
		s->credit = cap - s->credit > dt * r->per_s ? s->credit + dt * r->per_s : cap;
	if (now > s->at)
		s->at = now;
	if (s->credit >= UNIT) {
		s->credit -= UNIT;
		return true;
	}
	s->dropped++;
	r->dropped++;
	r->pending++;
	return false;
}

void rate_each_dropped(struct rate *r, void (*fn)(void *ctx, const char *comm, uint64_t n),
		       void *ctx)
{
	if (!r->pending)
		return;
	for (unsigned i = 0; i <= RATE_SLOTS; i++) {
		struct rate_slot *s = &r->slot[i];

		if (!s->dropped)
			continue;
		fn(ctx, i == RATE_SLOTS ? NULL : s->comm, s->dropped);
		s->dropped = 0;
	}
	r->pending = 0;
}

#endif
