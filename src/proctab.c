// SPDX-License-Identifier: MIT
/* The process table (proctab.h): images linked to their parents, a pid hash of the live ones. */
#include "fmt.h"
#include "proctab.h"

#include "sysfile.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define TICK_NS 10000000ull /* USER_HZ 100, as ev_image_id counts */

#define IMG(t, s) (&(t)->img[(s)-1]) /* slots are numbered from 1: 0 is none */

/* Each slot's use: one count for every table of the process, so that a serial names one image
 * (the ancestors' kept JSON text, output.c, is found by it). */
static uint32_t serial;

int pt_init(struct proctab *t, uint32_t cap)
{
	uint32_t n = 1;

	memset(t, 0, sizeof(*t));
	if (!cap)
		return -EINVAL;
	while (n < cap && n < (1u << 30))
		n <<= 1;
	/* calloc'd: pages never used are never touched */
	t->img = calloc(cap, sizeof(*t->img));
	t->bucket = calloc(n, sizeof(*t->bucket));
	if (!t->img || !t->bucket) {
		pt_free(t);
		return -ENOMEM;
	}
	t->cap = cap;
	t->mask = n - 1;
	return 0;
}

void pt_free(struct proctab *t)
{
	free(t->img);
	free(t->bucket);
	t->img = NULL;
	t->bucket = NULL;
}

size_t pt_memory(const struct proctab *t)
{
	return (size_t)t->used * sizeof(*t->img) + ((size_t)t->mask + 1) * sizeof(*t->bucket);
}

/* The live image of pid, or 0. */
static uint32_t live(const struct proctab *t, uint32_t pid)
{
	uint32_t s = t->bucket[pid & t->mask];

	while (s && IMG(t, s)->pid != pid)
		s = IMG(t, s)->next;
	return s;
}

static void hash_add(struct proctab *t, uint32_t s)
{
	uint32_t *b = &t->bucket[IMG(t, s)->pid & t->mask];

	IMG(t, s)->next = *b;
	*b = s;
	IMG(t, s)->state = PT_LIVE;
	t->live++;
}

static void hash_del(struct proctab *t, uint32_t s)
{
	uint32_t *at = &t->bucket[IMG(t, s)->pid & t->mask];

	while (*at && *at != s)
		at = &IMG(t, *at)->next;
	if (*at)
		*at = IMG(t, s)->next;
	IMG(t, s)->next = 0;
	t->live--;
}

/* Its parent's slot when the link still holds (the slot was not used again since), or 0. */
static uint32_t parent_of(const struct proctab *t, uint32_t s)
{
	uint32_t p = IMG(t, s)->parent;

	return p && IMG(t, p)->state != PT_FREE && IMG(t, p)->serial == IMG(t, s)->pserial ? p : 0;
}

static void retired_del(struct proctab *t, uint32_t s)
{
	struct pt_image *im = IMG(t, s);

	if (im->older)
		IMG(t, im->older)->newer = im->newer;
	else
		t->oldest = im->newer;
	if (im->newer)
		IMG(t, im->newer)->older = im->older;
	else
		t->newest = im->older;
	im->older = im->newer = 0;
	t->retired--;
}

/* Frees s, and each parent whose last link it was. */
static void release(struct proctab *t, uint32_t s)
{
	while (s) {
		struct pt_image *im = IMG(t, s);
		uint32_t p = parent_of(t, s);

		if (im->state == PT_RETIRED)
			retired_del(t, s);
		im->state = PT_FREE;
		im->refs = 0;
		im->next = t->free_head;
		t->free_head = s;
		if (!p || --IMG(t, p)->refs)
			break;
		s = p;
	}
}

/* Its process no longer runs this image: freed, or kept (newest retired) while linked to. */
static void drop_live(struct proctab *t, uint32_t s)
{
	struct pt_image *im = IMG(t, s);

	hash_del(t, s);
	if (--im->refs == 0) {
		release(t, s);
		return;
	}
	im->state = PT_RETIRED;
	im->older = t->newest;
	im->newer = 0;
	if (t->newest)
		IMG(t, t->newest)->newer = s;
	else
		t->oldest = s;
	t->newest = s;
	t->retired++;
}

/* A slot for a new image (refs 1, not yet hashed), or 0 when every slot is a live image. */
static uint32_t alloc(struct proctab *t)
{
	uint32_t s;
	struct pt_image *im;

	if (!t->free_head && t->used == t->cap && t->oldest) {
		t->evicted++;
		release(t, t->oldest);
	}
	if (t->free_head) {
		s = t->free_head;
		t->free_head = IMG(t, s)->next;
	} else if (t->used < t->cap) {
		s = ++t->used;
	} else {
		t->untracked++;
		return 0;
	}
	im = IMG(t, s);
	memset(im, 0, sizeof(*im));
	im->serial = ++serial ? serial : ++serial;
	im->refs = 1;
	return s;
}

static void fill(struct proctab *t, struct pt_image *im);

static void link_to(struct proctab *t, uint32_t s, uint32_t p)
{
	if (!p || p == s)
		return;
	if (IMG(t, p)->flags & PT_LAZY) /* an ancestor from now on: its arguments */
		fill(t, IMG(t, p));
	IMG(t, s)->parent = p;
	IMG(t, s)->pserial = IMG(t, p)->serial;
	IMG(t, p)->refs++;
}

/* A NUL-separated block as the image's arguments, cut to what fits. */
static void set_args(struct pt_image *im, const char *s, size_t n, bool cut)
{
	if (n > EV_ANC_ARGS) {
		n = EV_ANC_ARGS;
		cut = true;
	}
	memcpy(im->args, s, n);
	if (n && im->args[n - 1]) { /* the last string ends here */
		if (n == EV_ANC_ARGS)
			im->args[n - 1] = 0;
		else
			im->args[n++] = 0;
	}
	im->argc = 0;
	for (size_t i = 0; i < n; i++)
		im->argc += !im->args[i];
	im->args_len = (uint8_t)n;
	im->flags = (uint8_t)((im->flags & ~PT_CUT) | (cut ? PT_CUT : 0));
}

int pt_parse_stat(const char *buf, size_t n, struct pt_stat *st)
{
	const char *t = buf, *open, *close, *p;
	char *e;
	uint64_t v[49];
	int field;

	memset(st, 0, sizeof(*st));
	if (buf[n]) /* read_small_file's: a NUL at n (one inside ends it) */
		return -EINVAL;
	open = strchr(t, '(');
	close = strrchr(t, ')'); /* comm may hold ')': the last one ends it */
	v[1] = scan_u64(t, &e, 10, NULL);
	if (!open || !close || close < open || e == t || e > open || !v[1] || v[1] > UINT32_MAX)
		return -EINVAL;
	memcpy(st->comm, open + 1,
	       close - open - 1 < EV_COMM_LEN ? (size_t)(close - open - 1) : 15);
	/* fields 3 (the state, a letter) to 48 after the comm, a space before each; some may
	 * be -1 */
	for (p = close, field = 3; field <= 48; field++) {
		if (!(p = strchr(p, ' ')))
			return -EINVAL;
		p++;
		v[field] = scan_u64(p + (*p == '-'), &e, 10, NULL);
	}
	if (e == p) /* field 48 has no digits */
		return -EINVAL;
	st->pid = (uint32_t)v[1];
	st->ppid = v[4] > UINT32_MAX ? 0 : (uint32_t)v[4];
	st->ticks = v[22];
	st->arg_start = v[48];
	return 0;
}

void pt_seed(struct proctab *t, const struct pt_stat *st, uint32_t uid, const char *cmdline,
	     size_t n, bool cut)
{
	uint32_t s;
	struct pt_image *im;

	if (!st->pid || live(t, st->pid) || !(s = alloc(t)))
		return;
	im = IMG(t, s);
	im->pid = st->pid;
	im->ppid = st->ppid; /* linked by pt_seed_link */
	im->uid = uid;
	im->ticks = (uint32_t)st->ticks;
	im->id = ev_image_id(st->pid, st->ticks * TICK_NS, st->arg_start);
	im->flags = PT_HAS_ID;
	memcpy(im->comm, st->comm, EV_COMM_LEN);
	if (cmdline)
		set_args(im, cmdline, n, cut);
	else
		im->flags |= PT_LAZY;
	hash_add(t, s);
}

/* A lazily seeded image's arguments, when PID/stat still shows the same start (the pid was
 * not used again); otherwise it keeps none. Kernel threads have none either. */
static void fill(struct proctab *t, struct pt_image *im)
{
	char path[300], buf[1024], cmd[EV_ANC_ARGS + 2];
	struct pt_stat st;
	int len, k;

	im->flags &= (uint8_t)~PT_LAZY;
	if (!t->proc_dir)
		return;
	k = ms_snprintf(path, sizeof(path) - 8, "%s/%u/stat", t->proc_dir, im->pid) - 4;
	if (k < 0 || (size_t)k + 8 > sizeof(path)) /* a directory name too long: no arguments */
		return;
	len = read_small_file(path, buf, sizeof(buf));
	if (len <= 0 || pt_parse_stat(buf, (size_t)len, &st) || st.pid != im->pid ||
	    (im->ticks && (uint32_t)st.ticks != im->ticks))
		return;
	memcpy(path + k, "cmdline", 8);
	len = read_small_file(path, cmd, sizeof(cmd));
	set_args(im, cmd, len > 0 ? (size_t)len : 0, len > EV_ANC_ARGS);
}

void pt_seed_link(struct proctab *t)
{
	for (uint32_t s = 1; s <= t->used; s++)
		if (IMG(t, s)->state == PT_LIVE && !IMG(t, s)->parent && IMG(t, s)->ppid)
			link_to(t, s, live(t, IMG(t, s)->ppid));
}

int pt_seed_proc(struct proctab *t, const char *proc_dir, bool details)
{
	DIR *d = opendir(proc_dir);
	struct dirent *e;
	int n = 0;

	if (!d)
		return -errno;
	t->proc_dir = proc_dir;
	while ((e = readdir(d))) {
		char path[300], buf[1024], cmd[EV_ANC_ARGS + 2], *u;
		struct pt_stat st;
		uint32_t uid = UINT32_MAX;
		int len, k;

		if (e->d_name[0] < '1' || e->d_name[0] > '9')
			continue;
		/* PID/stat, PID/status and PID/cmdline, relative to the directory */
		k = ms_snprintf(path, sizeof(path) - 8, "%s/stat", e->d_name) - 4;
		len = read_small_file_at(dirfd(d), path, buf, sizeof(buf));
		if (len <= 0 || pt_parse_stat(buf, (size_t)len, &st))
			continue;
		n++;
		if (!details) {
			pt_seed(t, &st, uid, NULL, 0, false);
			continue;
		}
		memcpy(path + k, "status", 7);
		if (read_small_file_at(dirfd(d), path, buf, sizeof(buf)) > 0 &&
		    (u = str_find(buf, "\nUid:")))
			uid = (uint32_t)scan_u64(u + 5, NULL, 10, NULL);
		memcpy(path + k, "cmdline", 8);
		len = read_small_file_at(dirfd(d), path, cmd, sizeof(cmd));
		pt_seed(t, &st, uid, cmd, len > 0 ? (size_t)len : 0, len > EV_ANC_ARGS);
	}
	closedir(d);
	pt_seed_link(t);
	return n;
}

void pt_fork(struct proctab *t, const struct ms_fork *f)
{
	bool ids = f->have & CTXB(IDS);
	uint32_t old = live(t, f->pid), p, s;
	struct pt_image *im;

	if (old) {
		/* known already (seeded after it started), else a missed exit's pid, used again */
		if (ids && IMG(t, old)->ticks == (uint32_t)(f->start_ns / TICK_NS))
			return;
		drop_live(t, old);
	}
	if (!(s = alloc(t)))
		return;
	p = live(t, f->ppid);
	im = IMG(t, s);
	im->pid = f->pid;
	im->ppid = f->ppid;
	if (ids) {
		im->id = ev_image_id(f->pid, f->start_ns, f->arg_start);
		im->flags = PT_HAS_ID;
		im->ticks = (uint32_t)(f->start_ns / TICK_NS);
	}
	if (p) { /* until it execs, it runs its parent's program */
		const struct pt_image *pi = IMG(t, p);

		if (pi->flags & PT_LAZY)
			fill(t, IMG(t, p));

		im->uid = pi->uid;
		memcpy(im->comm, pi->comm, EV_COMM_LEN);
		memcpy(im->args, pi->args, pi->args_len);
		im->args_len = pi->args_len;
		im->argc = pi->argc;
		im->flags |= pi->flags & PT_CUT;
	}
	link_to(t, s, p);
	hash_add(t, s);
}

/* Whether the live image s is the process the record names (the same start, when known). */
static bool same_process(const struct proctab *t, uint32_t s, const struct ev_view *v)
{
	return !(v->have & CTXB(IDS)) || !IMG(t, s)->ticks ||
	       IMG(t, s)->ticks == (uint32_t)(v->hdr.start_ns / TICK_NS);
}

void pt_exec(struct proctab *t, const struct ev_view *v)
{
	bool ids = v->have & CTXB(IDS);
	uint32_t old = live(t, v->hdr.pid), s, p;
	struct pt_image *im;
	char block[EV_ANC_ARGS];
	size_t n = 0;
	unsigned i;
	bool cut = v->truncated;

	if (v->hdr.ret || v->exit || v->running)
		return;
	if (old && ids && (IMG(t, old)->flags & PT_HAS_ID) && IMG(t, old)->id == v->id)
		return; /* seeded after this exec */
	if (old && !same_process(t, old, v)) {
		drop_live(t, old);
		old = 0;
	}
	if (!(s = alloc(t)))
		return;
	im = IMG(t, s);
	im->pid = v->hdr.pid;
	im->ppid = v->hdr.ppid;
	im->uid = v->hdr.uid;
	if (ids) {
		im->id = v->id;
		im->flags = PT_HAS_ID;
		im->ticks = (uint32_t)(v->hdr.start_ns / TICK_NS);
	}
	memcpy(im->comm, v->hdr.comm, EV_COMM_LEN);
	for (i = 0; i < v->argc && n < sizeof(block); i++) { /* each with its NUL */
		size_t k =
		    v->arg_len[i] + 1 < sizeof(block) - n ? v->arg_len[i] + 1 : sizeof(block) - n;

		memcpy(block + n, v->args[i], k);
		n += k;
	}
	cut |= i < v->argc;
	set_args(im, block, n, cut);
	/* the same process: the same parent as before the exec, whoever its parent is now */
	p = old ? parent_of(t, old) : live(t, v->hdr.ppid);
	link_to(t, s, p);
	if (old)
		drop_live(t, old);
	hash_add(t, s);
}

void pt_exit(struct proctab *t, const struct ev_view *v)
{
	uint32_t s = live(t, v->hdr.pid);

	if (s && same_process(t, s, v))
		drop_live(t, s);
}

static void ancestor(const struct proctab *t, uint32_t s, struct ev_ancestor *a)
{
	const struct pt_image *im = IMG(t, s);

	a->pid = im->pid;
	a->serial = im->serial;
	a->has_id = im->flags & PT_HAS_ID;
	a->cut = im->flags & PT_CUT;
	a->id = im->id;
	a->comm = im->comm;
	a->args = im->args;
	a->argc = im->argc;
	a->args_len = im->args_len;
}

void pt_ancestors(const struct proctab *t, struct ev_view *v, unsigned max)
{
	uint32_t s = live(t, v->hdr.pid);

	v->nanc = 0;
	v->anc_known = s && same_process(t, s, v);
	if (!v->anc_known)
		return;
	if (!max || max > EV_ANC_MAX)
		max = EV_ANC_MAX;
	while (v->nanc < max && (s = parent_of(t, s)))
		ancestor(t, s, &v->anc[v->nanc++]);
}

uint32_t pt_next_live(const struct proctab *t, uint32_t slot)
{
	while (++slot <= t->used)
		if (IMG(t, slot)->state == PT_LIVE)
			return slot;
	return 0;
}

void pt_view(const struct proctab *t, uint32_t slot, uint64_t ts_ns, struct ev_view *v)
{
	const struct pt_image *im = IMG(t, slot);
	uint32_t p = parent_of(t, slot);
	const char *a = im->args, *end = im->args + im->args_len;

	memset(&v->hdr, 0, sizeof(v->hdr));
	v->hdr.ts_ns = ts_ns;
	v->hdr.pid = v->hdr.tid = im->pid;
	v->hdr.ppid = im->ppid;
	v->hdr.uid = im->uid;
	v->hdr.start_ns = (uint64_t)im->ticks * TICK_NS;
	memcpy(v->hdr.comm, im->comm, EV_COMM_LEN);
	v->running = true;
	v->exit = false;
	v->truncated = im->flags & PT_CUT;
	for (v->argc = 0; v->argc < im->argc && v->argc < EV_MAX_ARGS_LIM && a < end; v->argc++) {
		size_t n = strnlen(a, (size_t)(end - a));

		v->args[v->argc] = a;
		v->arg_len[v->argc] = n;
		a += n + 1;
	}
	/* text's ARGS shows the filename first: argv[0] here (JSON's filename is null) */
	v->filename = v->argc ? v->args[0] : "";
	v->filename_len = v->argc ? v->arg_len[0] : 0;
	/* no context but the ids: the blocks' lengths stay what the last decode left (or 0),
	 * unread without their have bits */
	v->have = im->flags & PT_HAS_ID ? CTXB(IDS) : 0;
	v->id = im->id;
	v->has_parent = p && (IMG(t, p)->flags & PT_HAS_ID);
	v->parent_id = v->has_parent ? IMG(t, p)->id : 0;
	v->nanc = 0;
	v->anc_known = false;
}
