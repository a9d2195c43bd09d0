// SPDX-License-Identifier: MIT
/* The assembler: a growable instruction buffer with labels and source lines. */
#include "fmt.h"
#include "bpf_asm.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef MINISNOOP_TINY
enum { WITH_SRC = 0 }; /* no source lines (bpf_asm.h) */
#else
enum { WITH_SRC = 1 };
#endif

void asm_init(struct asm_prog *p)
{
	memset(p, 0, sizeof(*p));
	asm_cur = p;
}

void asm_free(struct asm_prog *p)
{
	free(p->insns);
	free(p->src);
	free(p->labels);
	free(p->jumps);
	free(p->maps);
	while (p->nnames)
		free(p->names[--p->nnames]);
	free(p->names);
	memset(p, 0, sizeof(*p));
}

/* An instruction or label at file:line now: inside the ASM_CALL() under way, if any. */
static struct asm_src here(const struct asm_prog *p, const char *file, int line)
{
	struct asm_src s = {file, line, NULL, 0};

	if (p->depth) {
		s.call_file = p->call.file;
		s.call_line = p->call.line;
	}
	return s;
}

int asm_src_fmt(const struct asm_src *s, char *buf, size_t n)
{
	if (s->call_file)
		return ms_snprintf(buf, n, "%s:%d < %s:%d", s->call_file, s->call_line,
				   s->file ? s->file : "?", s->line);
	return ms_snprintf(buf, n, "%s:%d", s->file ? s->file : "?", s->line);
}

void asm_enter(struct asm_prog *p, const char *file, int line)
{
	if (!p->depth++)
		p->call = (struct asm_src){file, line, NULL, 0};
}

/* Where instruction at came from; nowhere in the tiny build. */
static const struct asm_src *src_of(const struct asm_prog *p, size_t at)
{
	static const struct asm_src none;

	return p->src ? &p->src[at] : &none;
}

static void set_error(struct asm_prog *p, int err, const struct asm_src *at, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (p->err)
		return;
	p->err = err;
	n = asm_src_fmt(at, p->errmsg, sizeof(p->errmsg));
	if (n < 0 || (size_t)n + 2 >= sizeof(p->errmsg))
		return;
	p->errmsg[n++] = ':';
	p->errmsg[n++] = ' ';
	va_start(ap, fmt);
	ms_vsnprintf(p->errmsg + n, sizeof(p->errmsg) - (size_t)n, fmt, ap);
	va_end(ap);
}

/* Grows *buf to hold at least need elements of size sz. */
static int grow(void **buf, size_t *cap, size_t need, size_t sz)
{
	size_t ncap = *cap ? *cap : 64;
	void *nb;

	if (need <= *cap)
		return 0;
	while (ncap < need)
		ncap *= 2;
	nb = realloc(*buf, ncap * sz);
	if (!nb)
		return -ENOMEM;
	*buf = nb;
	*cap = ncap;
	return 0;
}

static int add_ref(struct asm_ref **refs, size_t *n, size_t *cap, size_t at, const char *name)
{
	if (grow((void **)refs, cap, *n + 1, sizeof(**refs)))
		return -ENOMEM;
	(*refs)[*n].at = at;
	(*refs)[*n].name = name;
	(*n)++;
	return 0;
}

void asm_emit_parts(struct asm_prog *p, uint64_t w0, uint64_t w1, const char *ref ASM_AT_PARAMS_)
{
#ifdef MINISNOOP_TINY
	const char *file = NULL;
	int line = 0;
#endif
	struct asm_insn i = {.w = {w0, w1}};
	bool wide = i.slot[0].code == (BPF_LD | BPF_DW | BPF_IMM);

	i.n = wide ? 2 : 1;
	if (wide && i.slot[0].src_reg == BPF_PSEUDO_MAP_FD)
		i.map = ref;
	else
		i.label = ref;

	asm_emit(p, &i, file, line);
}

struct asm_prog *asm_cur;

void asm_emit_op(uint64_t w0 ASM_AT_PARAMS_)
{
	asm_emit_parts(asm_cur, w0, 0, NULL ASM_AT_ARGS_);
}

void asm_emit_words(const uint64_t *w, size_t n ASM_AT_PARAMS_)
{
	for (size_t k = 0; k < n; k++)
		asm_emit_parts(asm_cur, w[k], 0, NULL ASM_AT_ARGS_);
}

void asm_jump_op(uint64_t w0, const char *label ASM_AT_PARAMS_)
{
	asm_emit_parts(asm_cur, w0, 0, label ASM_AT_ARGS_);
}

void asm_label_op(const char *name ASM_AT_PARAMS_)
{
	asm_label(asm_cur, name ASM_AT_ARGS_);
}

void asm_check_cur(const struct asm_prog *p)
{
	if (p != asm_cur) {
		ms_fprintf(stderr,
			   "asm: an instruction for a program other than the one asm_init() "
			   "was last given\n");
		abort();
	}
}

void asm_emit(struct asm_prog *p, const struct asm_insn *ip, const char *file, int line)
{
	const struct asm_insn i = *ip;
	const struct asm_src at = here(p, file, line);
	size_t cap = p->cap;
	unsigned k;

	if (p->err)
		return;
	if (i.n < 1 || i.n > 2) {
		set_error(p, -EINVAL, &at, "instruction with %u slots", i.n);
		return;
	}
	if (grow((void **)&p->insns, &cap, p->len + i.n, sizeof(*p->insns)) ||
	    (WITH_SRC && grow((void **)&p->src, &p->cap, p->len + i.n, sizeof(*p->src)))) {
		set_error(p, -ENOMEM, &at, "out of memory");
		return;
	}
	p->cap = cap;
	if (i.label && add_ref(&p->jumps, &p->njumps, &p->jumps_cap, p->len, i.label)) {
		set_error(p, -ENOMEM, &at, "out of memory");
		return;
	}
	if (i.map && add_ref(&p->maps, &p->nmaps, &p->maps_cap, p->len, i.map)) {
		set_error(p, -ENOMEM, &at, "out of memory");
		return;
	}
	for (k = 0; k < i.n; k++) {
		p->insns[p->len] = i.slot[k];
		if (WITH_SRC)
			p->src[p->len] = at;
		p->len++;
	}
}

const char *asm_local(struct asm_prog *p, const char *name)
{
	char buf[64], *s;
	unsigned n = 1;
	size_t k;

	ms_snprintf(buf, sizeof(buf), "%s", name);
	for (k = 0; k < p->nnames; k++) {
		if (!strcmp(p->names[k], buf)) {
			ms_snprintf(buf, sizeof(buf), "%s_%u", name, ++n);
			k = (size_t)-1; /* from the start again */
		}
	}
	if (grow((void **)&p->names, &p->names_cap, p->nnames + 1, sizeof(*p->names)) ||
	    !(s = strdup(buf))) {
		const struct asm_src at = here(p, NULL, 0);

		set_error(p, -ENOMEM, &at, "out of memory for label '%s'", buf);
		return ""; /* nothing is emitted after the error */
	}
	p->names[p->nnames++] = s;
	return s;
}

const char *asm_name(struct asm_prog *p, const char *prefix, unsigned n)
{
	char name[64];

	ms_snprintf(name, sizeof(name), "%s%u", prefix, n);
	return asm_local(p, name);
}

long asm_label_at(const struct asm_prog *p, const char *name)
{
	size_t k;

	/* A jump mostly names its label by the label's own pointer (one literal, one
	 * asm_local): compared first, without a call; names are unique (asm_label). */
	for (k = 0; k < p->nlabels; k++)
		if (p->labels[k].name == name)
			return (long)p->labels[k].at;
	for (k = 0; k < p->nlabels; k++)
		if (!strcmp(p->labels[k].name, name))
			return (long)p->labels[k].at;
	return -1;
}

const char *asm_label_name(const struct asm_prog *p, size_t at)
{
	size_t k;

	for (k = 0; k < p->nlabels; k++)
		if (p->labels[k].at == at)
			return p->labels[k].name;
	return NULL;
}

const char *asm_map_name(const struct asm_prog *p, size_t at)
{
	size_t k;

	for (k = 0; k < p->nmaps; k++)
		if (p->maps[k].at == at)
			return p->maps[k].name;
	return NULL;
}

void asm_label(struct asm_prog *p, const char *name ASM_AT_PARAMS_)
{
#ifdef MINISNOOP_TINY
	const char *file = NULL;
	int line = 0;
#endif
	const struct asm_src at = here(p, file, line);
	size_t k;

	if (p->err)
		return;
	for (k = 0; k < p->nlabels; k++) {
		if (!strcmp(p->labels[k].name, name)) {
			char first[160];

			asm_src_fmt(&p->labels[k].src, first, sizeof(first));
			set_error(p, -EEXIST, &at, "duplicate label '%s' (first at %s)", name,
				  first);
			return;
		}
	}
	if (grow((void **)&p->labels, &p->labels_cap, p->nlabels + 1, sizeof(*p->labels))) {
		set_error(p, -ENOMEM, &at, "out of memory");
		return;
	}
	p->labels[p->nlabels].name = name;
	p->labels[p->nlabels].at = p->len;
	p->labels[p->nlabels].src = at;
	p->nlabels++;
}

int asm_finish(struct asm_prog *p)
{
	size_t k;

	if (p->err)
		return p->err;
	for (k = 0; k < p->njumps; k++) {
		const struct asm_ref *r = &p->jumps[k];
		long to = asm_label_at(p, r->name);
		long off;

		if (to < 0) {
			set_error(p, -ENOENT, src_of(p, r->at), "undefined label '%s'", r->name);
			return p->err;
		}
		if ((size_t)to >= p->len) {
			set_error(p, -ERANGE, src_of(p, r->at),
				  "label '%s' is past the last instruction", r->name);
			return p->err;
		}
		off = to - (long)r->at - 1;
		if (p->insns[r->at].code == (BPF_LD | BPF_DW | BPF_IMM)) { /* BPF_LD_FUNC */
			p->insns[r->at].imm = (int32_t)off;
			continue;
		}
		if (off < INT16_MIN || off > INT16_MAX) {
			set_error(p, -ERANGE, src_of(p, r->at),
				  "jump to '%s' is %ld instructions away, more than 16 bits hold",
				  r->name, off);
			return p->err;
		}
		p->insns[r->at].off = (int16_t)off;
	}
	return 0;
}
