/*
 * benchreport: the tables of `make bench`, from the samples tools/bench.sh wrote.
 *
 *   benchreport SAMPLES        (make bench: build/bench/samples.tsv)
 *
 * bench.sh measures; this reports, from the file alone. One line per measurement,
 * tab-separated (lines starting with '#' are comments):
 *
 *   TRACER  ROUND  METRIC  VALUE
 *
 * TRACER is "run" for what holds for the whole run, "none" for the storms without a
 * tracer, else the tracer's name (minisnoop, minisnoop-all, minisnoop-anc, minisnoop-life,
 * execsnoop, exitsnoop, bpftrace, auditd). ROUND
 * is the storm round or the start/stop try from 1, 0 for neither. Metrics:
 *
 *   run 0: n (execs per storm), workers, rounds, tries, mark_us, kernel, cpus (nproc),
 *          cpus_online, page_size, minisnoop_args, tracers (space-separated, the tables'
 *          order), load_start, load_end, rss_method ("time": /usr/bin/time -v, else
 *          VmHWM), size_budget, stripped_bytes (absent without strip), tiny_stripped_bytes
 *          (build/minisnoop-tiny's, when built), clk_tck, note (any number)
 *   TRACER 0: binary_bytes
 *   none, TRACER per round: rate (execs/s of the storm), busy_ticks (all CPUs' busy clock
 *          ticks over it, /proc/stat)
 *   TRACER per round: captured, lost, rss_kb, ring_kb (the perf rings' part of the RSS), vcsw
 * (voluntary context switches over the storm), window_s (the storm's wall time for them), execs
 * (its programs' largest run count over the storm), reader_ns (the process's CPU time over it),
 *          prog_runs:NAME and prog_ns:NAME (each program's run count and run time over
 *          it, NAME in load order, a second one of a name NAME#2)
 *   TRACER per try: first_ms, attached_ms (-1: never seen), exit_ms, detached_ms,
 *          last_ok (0 or 1), status (exit status or sigN)
 *
 * Figures: medians over rounds (or tries) of per-round figures, per exec figures in
 * ns rounded per round as they always were; goals of issue 21 compared with the figures
 * as shown. Exit status: 0 reported (a missed goal too), 1 the file cannot be read.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Goals (issue 21, and issue 12's storm and wake-up ones). Wake-ups: "bounded", far fewer
 * than one per event (the storm runs hundreds to thousands of execs a second). */
#define GOAL_FIRST_MS	  5	 /* first event line after start (median), default output */
#define GOAL_FIRST_ALL_MS 10	 /* the same with -o all -e, and with the lifecycle options */
#define GOAL_EXIT_MS	  5	 /* exit after SIGTERM (median), everything read still written */
#define GOAL_WAKEUPS	  100	 /* reader wake-ups per second in the storm */
#define GOAL_CPU_VS	  0.25	 /* CPU per traced exec, fraction of libbpf-tools' execsnoop's */
#define GOAL_CPU_ALL_VS	  0.4	 /* the same with every option (-o all,ancestors -e --exit) */
#define GOAL_CPU_LIFE_VS  0.4	 /* issue 17: --exit -o +ancestors, forks and exits included */
#define GOAL_SYS_VS	  0.3	 /* system-wide CPU added per exec, of libbpf-tools' */
#define GOAL_SYS_AUDIT_VS 0.1	 /* the same, of auditd's */
#define GOAL_RATIO	  0.97	 /* storm throughput with/without */
#define GOAL_RSS_KB	  1024	 /* peak RSS, plus the rings (ring_kb, else rss_goal_kb) */
#define GOAL_RSS_ANC_KB	  8192	 /* peak RSS with -o ancestors (issue 21: 10,000 processes) */
#define GOAL_SIZE	  163840 /* stripped bytes of the full build */
#define GOAL_TINY	  65536	 /* and of the tiny one */
#define MAX_GOALS	  32

#define MAX_TRACERS 12
#define MAX_PROGS   16
#define FIG	    48 /* one figure as shown */

struct sample {
	char *tracer, *metric, *value;
	long round;
};

struct samples {
	struct sample *v;
	size_t n;
};

/* Every figure of one tracer, as shown. */
struct figures {
	char name[32];
	char rate0[FIG], rate[FIG], ratio[FIG], capt[FIG], lost[FIG], execs[FIG], bpf[FIG];
	char reader[FIG], total[FIG], vs[FIG], wake[FIG], first[FIG], attached[FIG], exit[FIG];
	char detached[FIG], last[FIG], rsskb[FIG], rss[FIG], size[FIG];
	char sys[FIG], sysvs[FIG], ringkb[FIG]; /* system-wide added CPU/exec; the rings' RSS */
	char pname[MAX_PROGS][32], prog[MAX_PROGS][96], progs[MAX_PROGS * 96]; /* "NAME µs" */
	int nprog;
	double capt_min; /* worst round's captured events */
	long lastok;	 /* tries whose last event was written */
	double most;	 /* largest median run count of its programs */
	char statuses[FIG * 2];
	char ratios[4096], vs_rounds[4096]; /* per round, for the lines above the tables */
	char sys_rounds[4096];
};

struct report {
	const struct samples *s;
	long n, rounds, tries;
	int ntracers, prog_rows, has_libbpf, has_auditd;
	struct figures f[MAX_TRACERS];
};

struct goal_row {
	char goal[96], variant[32], figure[512], result[16];
};

/* Reads the samples; 0, or -EINVAL after saying which line is wrong, or -ENOMEM. */
static int samples_read(FILE *f, const char *path, struct samples *s)
{
	char *line = NULL;
	size_t cap = 0, alloc = 0;
	ssize_t len;
	long lineno = 0;

	s->v = NULL;
	s->n = 0;
	while ((len = getline(&line, &cap, f)) >= 0) {
		char *field[4], *p = line, *end;
		int i;

		lineno++;
		if (len > 0 && line[len - 1] == '\n')
			line[--len] = '\0';
		if (len == 0 || line[0] == '#')
			continue;
		for (i = 0; i < 4 && p; i++) {
			field[i] = p;
			p = i < 3 ? strchr(p, '\t') : NULL;
			if (p)
				*p++ = '\0';
		}
		if (i < 4) {
			fprintf(stderr, "benchreport: %s:%ld: not TRACER ROUND METRIC VALUE\n",
				path, lineno);
			free(line);
			return -EINVAL;
		}
		if (s->n == alloc) {
			struct sample *v = realloc(s->v, (alloc = alloc * 2 + 64) * sizeof(*v));

			if (!v) {
				free(line);
				return -ENOMEM;
			}
			s->v = v;
		}
		s->v[s->n].round = strtol(field[1], &end, 10);
		if (end == field[1] || *end) {
			fprintf(stderr, "benchreport: %s:%ld: round '%s' is not a number\n", path,
				lineno, field[1]);
			free(line);
			return -EINVAL;
		}
		s->v[s->n].tracer = strdup(field[0]);
		s->v[s->n].metric = strdup(field[2]);
		s->v[s->n].value = strdup(field[3]);
		if (!s->v[s->n].tracer || !s->v[s->n].metric || !s->v[s->n].value) {
			free(line);
			return -ENOMEM;
		}
		s->n++;
	}
	free(line);
	return ferror(f) ? -EIO : 0;
}

static void samples_free(struct samples *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->v[i].tracer);
		free(s->v[i].metric);
		free(s->v[i].value);
	}
	free(s->v);
	s->v = NULL;
	s->n = 0;
}

/* The first value of TRACER's METRIC in ROUND, NULL when there is none. */
static const char *get(const struct samples *s, const char *tracer, long round, const char *metric)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i].round == round && !strcmp(s->v[i].tracer, tracer) &&
		    !strcmp(s->v[i].metric, metric))
			return s->v[i].value;
	return NULL;
}

/* Is S a whole number (strtod's syntax, not nan or inf)? */
static int is_num(const char *s, double *x)
{
	char *end;

	if (!s || !*s)
		return 0;
	*x = strtod(s, &end);
	return !*end && isfinite(*x);
}

static double num(const struct samples *s, const char *tracer, long round, const char *metric)
{
	double x;

	return is_num(get(s, tracer, round, metric), &x) ? x : NAN;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Median of V (sorted in place): the middle value, or the mean of the two; NAN for none. */
static double median(double *v, size_t n)
{
	if (n == 0)
		return NAN;
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* X as printed with FORMAT and read back: per-round figures are rounded before medians. */
static double rounded(const char *format, double x)
{
	char buf[64];

	snprintf(buf, sizeof(buf), format, x);
	return strtod(buf, NULL);
}

/* The numeric values of TRACER's METRIC over rounds (or tries) from 1 into V; how many. */
static size_t series(const struct samples *s, const char *tracer, const char *metric, double *v)
{
	size_t k = 0;
	double x;

	for (size_t i = 0; i < s->n; i++)
		if (s->v[i].round > 0 && !strcmp(s->v[i].tracer, tracer) &&
		    !strcmp(s->v[i].metric, metric) && is_num(s->v[i].value, &x))
			v[k++] = x;
	return k;
}

/*
 * CPU per exec of TRACER in ROUND, in ns rounded as bench.sh always did: each program's
 * run time and the reader's CPU time over the storm divided by the execs it traced, each
 * rounded. BPF is their sum over the programs. -1 when the round has no CPU figures.
 */
static int cpu_round(const struct samples *s, const char *tracer, long round, double *bpf,
		     double *reader)
{
	double d = num(s, tracer, round, "execs"), x;

	if (isnan(d) || d <= 0)
		return -1;
	*reader = rounded("%.0f", num(s, tracer, round, "reader_ns") / d);
	*bpf = 0;
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i].round == round && !strcmp(s->v[i].tracer, tracer) &&
		    !strncmp(s->v[i].metric, "prog_ns:", 8) && is_num(s->v[i].value, &x))
			*bpf += rounded("%.0f", x / d);
	return 0;
}

static void fmt(char *dst, const char *format, double x)
{
	if (isnan(x)) /* not measured (exitsnoop and auditd have no start/stop tries) */
		snprintf(dst, FIG, "—");
	else
		snprintf(dst, FIG, format, x);
}

static void us(char *dst, double ns)
{
	fmt(dst, "%.2f", ns / 1000);
}

/* "a b c" -> its words into W (at most MAX); how many. */
static int words(const char *text, char w[][32], int max)
{
	int k = 0;

	while (text && *text && k < max) {
		size_t len = strcspn(text, " ");

		if (len > 0 && len < 32) {
			memcpy(w[k], text, len);
			w[k++][len] = '\0';
		}
		text += len + strspn(text + len, " ");
	}
	return k;
}

/* Is WORD one of LIST's space-separated words? */
static int has_word(const char *list, const char *word)
{
	size_t len = strlen(word);

	for (const char *p = list; (p = strstr(p, word)); p += len)
		if ((p == list || p[-1] == ' ') && (p[len] == ' ' || !p[len]))
			return 1;
	return 0;
}

static void append(char *dst, size_t size, const char *sep, const char *word)
{
	size_t len = strlen(dst);

	snprintf(dst + len, size - len, "%s%s", len ? sep : "", word);
}

/* Busy ticks TRACER's storm of ROUND added to the untraced one's, per exec; NAN if unknown. */
static double sys_added(const struct samples *s, const char *tracer, long round, long n)
{
	double me = num(s, tracer, round, "busy_ticks"), base = num(s, "none", round, "busy_ticks");

	return isnan(me) || isnan(base) || n <= 0 ? NAN : (me - base) / (double)n;
}

/* The figures of F->name. */
static void figures(struct report *r, struct figures *f)
{
	const struct samples *s = r->s;
	const char *name = f->name;
	double *v = calloc(3 * (s->n + 1), sizeof(*v)), *w = v + s->n + 1, *u = w + s->n + 1;
	double bpf, reader, x, base;
	size_t k, i;
	long t;

	if (!v) {
		fprintf(stderr, "benchreport: out of memory\n");
		exit(1);
	}
	fmt(f->rate0, "%.0f", median(v, series(s, "none", "rate", v)));
	fmt(f->rate, "%.0f", median(v, series(s, name, "rate", v)));

	/* Per-round with/without, each to 3 decimals, then their median. */
	for (t = 1, k = 0; t <= r->rounds; t++) {
		x = num(s, name, t, "rate");
		base = num(s, "none", t, "rate");
		if (isnan(x) || isnan(base))
			continue;
		v[k] = rounded("%.3f", base > 0 ? x / base : 0);
		snprintf(f->ratios + strlen(f->ratios), sizeof(f->ratios) - strlen(f->ratios),
			 "%s%.3f", k ? " " : "", v[k]);
		k++;
	}
	fmt(f->ratio, "%.3f", median(v, k));

	k = series(s, name, "captured", v);
	f->capt_min = NAN;
	for (i = 0; i < k; i++)
		if (isnan(f->capt_min) || v[i] < f->capt_min)
			f->capt_min = v[i];
	snprintf(f->capt, FIG, "%.0f/%ld", f->capt_min, r->n);
	k = series(s, name, "lost", v);
	for (x = 0, i = 0; i < k; i++)
		x += v[i];
	fmt(f->lost, "%.0f", x);
	fmt(f->execs, "%.0f", median(v, series(s, name, "execs", v)));

	/* CPU per exec: medians of the per-round figures. */
	for (t = 1, k = 0; t <= r->rounds; t++)
		if (cpu_round(s, name, t, &v[k], &w[k]) == 0) {
			u[k] = v[k] + w[k];
			k++;
		}
	us(f->bpf, median(v, k));
	us(f->reader, median(w, k));
	us(f->total, median(u, k));

	/* As a fraction of libbpf-tools' in the same round. */
	snprintf(f->vs, FIG, "—");
	if (r->has_libbpf) {
		double ref, rb, rr;

		for (t = 1, k = 0; t <= r->rounds; t++) {
			if (cpu_round(s, name, t, &bpf, &reader) ||
			    cpu_round(s, "execsnoop", t, &rb, &rr))
				continue;
			ref = rb + rr;
			v[k] = rounded("%.3f", ref > 0 ? (bpf + reader) / ref : 0);
			snprintf(f->vs_rounds + strlen(f->vs_rounds),
				 sizeof(f->vs_rounds) - strlen(f->vs_rounds), "%s%.3f",
				 k ? " " : "", v[k]);
			k++;
		}
		if (k)
			fmt(f->vs, "%.3f", median(v, k));
	}

	/* System-wide CPU added per exec: busy ticks over the storm less the same round's
	 * untraced storm's, in ns per exec rounded per round; then as a fraction of
	 * libbpf-tools' in the same round. */
	snprintf(f->sys, FIG, "—");
	snprintf(f->sysvs, FIG, "—");
	for (t = 1, k = 0, i = 0; t <= r->rounds; t++) {
		double tick = 1e9 / num(s, "run", 0, "clk_tck"), me = sys_added(s, name, t, r->n),
		       ref = sys_added(s, "execsnoop", t, r->n);

		if (isnan(me) || !(tick > 0))
			continue;
		v[k++] = rounded("%.0f", me * tick);
		if (!r->has_libbpf || isnan(ref) || !(ref > 0))
			continue;
		w[i] = rounded("%.3f", me / ref);
		snprintf(f->sys_rounds + strlen(f->sys_rounds),
			 sizeof(f->sys_rounds) - strlen(f->sys_rounds), "%s%.3f", i ? " " : "",
			 w[i]);
		i++;
	}
	if (k)
		us(f->sys, median(v, k));
	if (i)
		fmt(f->sysvs, "%.3f", median(w, i));

	/* Wake-ups per second of each storm, rounded, then their median. */
	for (t = 1, k = 0; t <= r->rounds; t++) {
		double cs = num(s, name, t, "vcsw"), secs = num(s, name, t, "window_s");

		if (!isnan(cs) && !isnan(secs) && secs > 0)
			v[k++] = rounded("%.0f", cs / secs);
	}
	fmt(f->wake, "%.0f", median(v, k));

	fmt(f->first, "%.1f", median(v, series(s, name, "first_ms", v)));
	k = series(s, name, "attached_ms", w);
	for (i = 0, t = 0; i < k; i++)
		if (w[i] >= 0)
			v[t++] = w[i];
	snprintf(f->attached, FIG, "—");
	if (t)
		fmt(f->attached, "%.1f", median(v, (size_t)t));
	fmt(f->exit, "%.1f", median(v, series(s, name, "exit_ms", v)));
	fmt(f->detached, "%.1f", median(v, series(s, name, "detached_ms", v)));
	k = series(s, name, "last_ok", v);
	for (i = 0, f->lastok = 0; i < k; i++)
		f->lastok += v[i] == 1;
	snprintf(f->last, FIG, "%ld/%ld", f->lastok, r->tries);
	for (i = 0; i < s->n; i++)
		if (s->v[i].round > 0 && !strcmp(s->v[i].tracer, name) &&
		    !strcmp(s->v[i].metric, "status") && !has_word(f->statuses, s->v[i].value))
			append(f->statuses, sizeof(f->statuses), " ", s->v[i].value);

	k = series(s, name, "rss_kb", v);
	for (x = NAN, i = 0; i < k; i++)
		if (isnan(x) || v[i] > x)
			x = v[i];
	fmt(f->rsskb, "%.0f", x);
	fmt(f->rss, "%.2f", x / 1024);
	k = series(s, name, "ring_kb", v);
	for (x = NAN, i = 0; i < k; i++)
		if (isnan(x) || v[i] > x)
			x = v[i];
	if (k)
		fmt(f->ringkb, "%.0f", x);
	else
		snprintf(f->ringkb, FIG, "—");

	x = num(s, name, 0, "binary_bytes");
	f->size[0] = '\0';
	if (!isnan(x) && !strncmp(name, "minisnoop", 9)) {
		double st = num(s, "run", 0, "stripped_bytes");

		snprintf(f->size, FIG, "%lld KB static", (long long)x / 1024);
		if (!isnan(st))
			snprintf(f->size + strlen(f->size), FIG - strlen(f->size),
				 ", %lld KB stripped", (long long)st / 1024);
	} else if (!isnan(x)) {
		snprintf(f->size, FIG, "%lld KB + shared libs", (long long)x / 1024);
	}

	/* BPF run time by program, in load order (first seen), and their run counts. */
	f->most = 0;
	for (i = 0; i < s->n; i++) {
		const char *pn = s->v[i].metric + 8;
		char key[FIG], pr[FIG];
		int p;

		if (strcmp(s->v[i].tracer, name) || strncmp(s->v[i].metric, "prog_ns:", 8))
			continue;
		for (p = 0; p < f->nprog; p++)
			if (!strcmp(f->pname[p], pn))
				break;
		if (p < f->nprog || f->nprog == MAX_PROGS)
			continue;
		snprintf(f->pname[p], sizeof(f->pname[p]), "%.31s", pn);
		for (t = 1, k = 0; t <= r->rounds; t++) {
			double d = num(s, name, t, "execs"), ns = num(s, name, t, s->v[i].metric);

			if (!isnan(d) && d > 0 && !isnan(ns))
				v[k++] = rounded("%.0f", ns / d);
		}
		us(pr, median(v, k));
		snprintf(f->prog[p], sizeof(f->prog[p]), "%.31s %s", pn, pr);
		append(f->progs, sizeof(f->progs), ", ", f->prog[p]);
		f->nprog++;
		snprintf(key, sizeof(key), "prog_runs:%s", pn);
		x = median(v, series(s, name, key, v));
		if (x > f->most)
			f->most = x;
	}
	if (f->nprog > r->prog_rows)
		r->prog_rows = f->nprog;
	free(v);
}

/* Loads the run's parameters and every tracer's figures. */
static int report_compute(struct report *r, const struct samples *s)
{
	char names[MAX_TRACERS][32];

	memset(r, 0, sizeof(*r));
	r->s = s;
	r->n = (long)num(s, "run", 0, "n");
	r->rounds = (long)num(s, "run", 0, "rounds");
	r->tries = (long)num(s, "run", 0, "tries");
	r->ntracers = words(get(s, "run", 0, "tracers"), names, MAX_TRACERS);
	if (r->n <= 0 || r->rounds <= 0 || r->rounds > 100000 || r->tries <= 0 ||
	    r->ntracers == 0) {
		fprintf(stderr, "benchreport: the samples do not say n, rounds, tries and tracers "
				"(run 0 lines)\n");
		return -EINVAL;
	}
	for (int i = 0; i < r->ntracers; i++)
		r->has_libbpf |= !strcmp(names[i], "execsnoop"),
		    r->has_auditd |= !strcmp(names[i], "auditd");
	for (int i = 0; i < r->ntracers; i++) {
		memcpy(r->f[i].name, names[i], sizeof(r->f[i].name));
		figures(r, &r->f[i]);
	}
	return 0;
}

static const struct figures *fig(const struct report *r, const char *name)
{
	static const struct figures none;

	for (int i = 0; i < r->ntracers; i++)
		if (!strcmp(r->f[i].name, name))
			return &r->f[i];
	return &none;
}

/* Is the figure A, as shown, a number <= B? */
static int le(const char *a, double b)
{
	double x;

	return a[0] && strspn(a, "0123456789.") == strlen(a) && is_num(a, &x) && x <= b;
}

/* What the rings may add to the RSS: --pages (default 64) data pages and one metadata
 * page per online CPU (minisnoop opens a ring on each). */
static long rss_goal_kb(const struct samples *s)
{
	const char *args = get(s, "run", 0, "minisnoop_args");
	char w[32][32];
	long pages = 64;
	int k = words(args, w, 32);

	for (int i = 0; i < k; i++) {
		if (!strcmp(w[i], "--pages"))
			pages = i + 1 < k ? atol(w[i + 1]) : 64;
		else if (!strncmp(w[i], "--pages=", 8))
			pages = atol(w[i] + 8);
	}
	/* missing or absurd figures (a hand-made samples file) count as no rings, not UB */
	double cpus = num(s, "run", 0, "cpus_online"), psz = num(s, "run", 0, "page_size");

	if (!(cpus >= 0 && cpus <= 65536))
		cpus = 0;
	if (!(psz > 0 && psz <= 1 << 20))
		psz = 4096;
	if (pages < 0 || pages > 1 << 20)
		pages = 64;
	return GOAL_RSS_KB + (long)(cpus * (double)(pages + 1) * psz / 1024);
}

static void met(struct goal_row *g, int ok)
{
	snprintf(g->result, sizeof(g->result), "%s", ok ? "met" : "NOT met");
}

/* The next row, for GOAL (printf) and VARIANT; its figure and result are the caller's. */
static struct goal_row *add(struct goal_row *g, int *k, const char *variant, const char *goal, ...)
{
	struct goal_row *row = &g[(*k)++];
	va_list ap;

	va_start(ap, goal);
	vsnprintf(row->goal, sizeof(row->goal), goal, ap);
	va_end(ap);
	snprintf(row->variant, sizeof(row->variant), "%s", variant);
	return row;
}

/* A variant that did not run: said so, not measured. */
static int absent(struct goal_row *row, const struct figures *f)
{
	if (f->name[0])
		return 0;
	snprintf(row->figure, sizeof(row->figure), "not in this run");
	snprintf(row->result, sizeof(row->result), "not measured");
	return 1;
}

/* " = X x PEER's" of two figures as shown, when both are numbers; else "". */
static void versus(char *dst, size_t n, const char *mine, const char *peer, const char *who)
{
	double a, b;

	dst[0] = '\0';
	if (is_num(mine, &a) && is_num(peer, &b) && b > 0)
		snprintf(dst, n, "; %s %s = %.3f x", who, peer, a / b);
}

/* The goals table's rows into G (room for MAX_GOALS); how many. Issue 21's goals, each
 * variant against the peers of the same run, then issue 12's storm and wake-up ones. */
static int report_goals(const struct report *r, struct goal_row *g)
{
	static const char *const ms[] = {"minisnoop", "minisnoop-all", "minisnoop-life"};
	static const double first[] = {GOAL_FIRST_MS, GOAL_FIRST_ALL_MS, GOAL_FIRST_ALL_MS};
	static const double cpu[] = {GOAL_CPU_VS, GOAL_CPU_ALL_VS, GOAL_CPU_ALL_VS};
	const struct samples *s = r->s;
	const struct figures *f, *lt = fig(r, "execsnoop"), *au = fig(r, "auditd");
	const char *stripped = get(s, "run", 0, "stripped_bytes");
	const char *tiny = get(s, "run", 0, "tiny_stripped_bytes");
	double budget = num(s, "run", 0, "size_budget"), x, rate, ring;
	struct goal_row *row;
	char vs[128];
	int k = 0, i;

	memset(g, 0, MAX_GOALS * sizeof(*g));
	for (i = 0; i < 3; i++) {
		f = fig(r, ms[i]);
		row = add(g, &k, ms[i], "1 first event line <= %g ms", first[i]);
		if (absent(row, f))
			continue;
		versus(vs, sizeof(vs), f->first, lt->first, "execsnoop");
		snprintf(row->figure, sizeof(row->figure), "%s ms (attached %s ms)%s", f->first,
			 f->attached, vs);
		met(row, le(f->first, first[i]));
	}
	for (i = 0; i < 3; i++) {
		f = fig(r, ms[i]);
		row = add(g, &k, ms[i], "2 CPU/exec <= %g x libbpf-tools'", cpu[i]);
		if (absent(row, f))
			continue;
		if (strcmp(f->vs, "—")) {
			snprintf(row->figure, sizeof(row->figure), "%s µs = %s x %s µs", f->total,
				 f->vs, lt->total);
			met(row, le(f->vs, cpu[i]));
		} else {
			snprintf(row->figure, sizeof(row->figure),
				 "%s µs; libbpf-tools not in this run", f->total);
			snprintf(row->result, sizeof(row->result), "not measured");
		}
	}
	f = fig(r, "minisnoop");
	row = add(g, &k, "minisnoop", "2 system-wide CPU/exec <= %g x libbpf-tools'", GOAL_SYS_VS);
	if (!absent(row, f) && strcmp(f->sysvs, "—")) {
		snprintf(row->figure, sizeof(row->figure), "%s µs = %s x %s µs added", f->sys,
			 f->sysvs, lt->sys);
		met(row, le(f->sysvs, GOAL_SYS_VS));
	} else if (f->name[0]) {
		snprintf(row->figure, sizeof(row->figure),
			 "%s µs added; libbpf-tools not in this run", f->sys);
		snprintf(row->result, sizeof(row->result), "not measured");
	}
	row = add(g, &k, "minisnoop", "2 system-wide CPU/exec <= %g x auditd's", GOAL_SYS_AUDIT_VS);
	if (!absent(row, f) && r->has_auditd) {
		versus(vs, sizeof(vs), f->sys, au->sys, "auditd");
		snprintf(row->figure, sizeof(row->figure), "%s µs added%s", f->sys, vs);
		met(row, vs[0] && strtod(strrchr(vs, '=') + 1, NULL) <= GOAL_SYS_AUDIT_VS);
	} else if (f->name[0]) {
		snprintf(row->figure, sizeof(row->figure), "%s µs added; auditd not in this run",
			 f->sys);
		snprintf(row->result, sizeof(row->result), "not measured");
	}
	row = add(g, &k, "minisnoop", "3 stripped size <= %d bytes", GOAL_SIZE);
	snprintf(row->figure, sizeof(row->figure), "%s bytes",
		 stripped ? stripped : "? (no strip)");
	met(row, stripped && le(stripped, GOAL_SIZE));
	row = add(g, &k, "minisnoop", "3 stripped size <= %.0f bytes (guard)", budget);
	snprintf(row->figure, sizeof(row->figure), "%s bytes",
		 stripped ? stripped : "? (no strip)");
	met(row, stripped && le(stripped, budget));
	row = add(g, &k, "minisnoop-tiny", "3 stripped size <= %d bytes", GOAL_TINY);
	snprintf(row->figure, sizeof(row->figure), "%s bytes", tiny ? tiny : "? (not built)");
	if (tiny)
		met(row, le(tiny, GOAL_TINY));
	else
		snprintf(row->result, sizeof(row->result), "not measured");
	/* goal 4: 1 MiB + rings by default; everything on (the process table of -o ancestors)
	 * under GOAL_RSS_ANC_KB; -o all -e is said, not judged */
	for (i = 0; i < 3; i++) {
		f = fig(r, ms[i]);
		ring = strtod(f->ringkb, NULL);
		x = is_num(f->ringkb, &ring) ? GOAL_RSS_KB + ring : (double)rss_goal_kb(s);
		if (i == 2)
			x = GOAL_RSS_ANC_KB;
		if (i == 1)
			row = add(g, &k, ms[i], "4 peak RSS (no goal)");
		else if (i == 2)
			row = add(g, &k, ms[i], "4 peak RSS <= %.0f KiB (ancestors)", x);
		else
			row = add(g, &k, ms[i], "4 peak RSS <= 1 MiB + rings = %.0f KiB", x);
		if (absent(row, f))
			continue;
		snprintf(row->figure, sizeof(row->figure), "%s KiB (rings %s KiB)", f->rsskb,
			 f->ringkb);
		if (i == 1)
			snprintf(row->result, sizeof(row->result), "-");
		else
			met(row, le(f->rsskb, x));
	}
	for (i = 0; i < 3; i++) {
		f = fig(r, ms[i]);
		row = add(g, &k, ms[i], "5 exit after SIGTERM <= %d ms, all written", GOAL_EXIT_MS);
		if (absent(row, f))
			continue;
		versus(vs, sizeof(vs), f->exit, lt->exit, "execsnoop");
		snprintf(row->figure, sizeof(row->figure),
			 "%s ms (detached %s ms), last event %s%s", f->exit, f->detached, f->last,
			 vs);
		met(row, le(f->exit, GOAL_EXIT_MS) && f->lastok == r->tries);
	}
	for (i = 0; i < 3; i++) {
		f = fig(r, ms[i]);
		row = add(g, &k, ms[i], "12 storm: all captured, 0 lost, ratio >= %g", GOAL_RATIO);
		if (absent(row, f))
			continue;
		snprintf(row->figure, sizeof(row->figure), "%s, %s lost, ratio %s", f->capt,
			 f->lost, f->ratio);
		met(row, f->capt_min == (double)r->n && !strcmp(f->lost, "0") &&
			     is_num(f->ratio, &x) && GOAL_RATIO <= x);
	}
	for (i = 0; i < 3; i++) {
		f = fig(r, ms[i]);
		row = add(g, &k, ms[i], "12 reader wake-ups <= %d/s in the storm", GOAL_WAKEUPS);
		if (absent(row, f))
			continue;
		x = strtod(f->wake, NULL);
		rate = strtod(f->rate, NULL);
		snprintf(row->figure, sizeof(row->figure), "%s/s (%.0f per 1000 execs)", f->wake,
			 rate > 0 ? x / rate * 1000 : 0);
		met(row, le(f->wake, GOAL_WAKEUPS));
	}
	/* Issue 17: the lifecycle options' cost against execsnoop alone, exitsnoop beside it. */
	f = fig(r, "minisnoop-anc");
	row = add(g, &k, "minisnoop-anc", "17 CPU/exec <= %g x libbpf-tools' execsnoop",
		  GOAL_CPU_LIFE_VS);
	if (!absent(row, f)) {
		const struct figures *ex = fig(r, "exitsnoop");

		snprintf(vs, sizeof(vs), "%s%s%s", ex->name[0] ? "; exitsnoop " : "",
			 ex->name[0] ? ex->total : "", ex->name[0] ? " µs" : "");
		if (strcmp(f->vs, "—")) {
			snprintf(row->figure, sizeof(row->figure), "%s µs = %s x %s µs%s", f->total,
				 f->vs, lt->total, vs);
			met(row, le(f->vs, GOAL_CPU_LIFE_VS));
		} else {
			snprintf(row->figure, sizeof(row->figure),
				 "%s µs; libbpf-tools not in this run", f->total);
			snprintf(row->result, sizeof(row->result), "not measured");
		}
	}
	row = add(g, &k, "minisnoop-anc", "17 storm: all captured, 0 lost");
	if (!absent(row, f)) {
		snprintf(row->figure, sizeof(row->figure), "%s, %s lost", f->capt, f->lost);
		met(row, f->capt_min == (double)r->n && !strcmp(f->lost, "0"));
	}
	return k;
}

/* Display width of S's first LEN bytes: UTF-8 characters (µ and — count one). */
static size_t width(const char *s, size_t len)
{
	size_t w = 0;

	for (size_t i = 0; i < len; i++)
		w += ((unsigned char)s[i] & 0xc0) != 0x80;
	return w;
}

/*
 * Prints TEXT's tab-separated lines as aligned columns, two spaces apart: the first
 * column left-aligned and the others right-aligned (all left-aligned with LEFT),
 * trailing blanks dropped.
 */
static void print_table(FILE *out, const char *text, int left)
{
	enum { COLS = 16 };
	size_t wd[COLS] = {0};
	const char *p, *eol, *cell;

	for (int pass = 0; pass < 2; pass++) {
		for (p = text; *p; p = *eol ? eol + 1 : eol) {
			size_t col = 0, linelen = 0;
			char line[4096];

			eol = strchrnul(p, '\n');
			line[0] = '\0';
			for (cell = p; cell <= eol && col < COLS; col++) {
				size_t len = strcspn(cell, "\t\n"), cw = width(cell, len);

				if (pass == 0 && cw > wd[col])
					wd[col] = cw;
				if (pass == 1) {
					int pad = (int)(wd[col] - cw);
					int right = col > 0 && !left;

					linelen += (size_t)snprintf(
					    line + linelen, sizeof(line) - linelen, "%s%*s%.*s%*s",
					    col ? "  " : "", right ? pad : 0, "", (int)len, cell,
					    right ? 0 : pad, "");
					if (linelen >= sizeof(line))
						linelen = sizeof(line) - 1;
				}
				cell += len;
				if (*cell != '\t')
					break;
				cell++;
			}
			if (pass == 1) {
				while (linelen > 0 && line[linelen - 1] == ' ')
					line[--linelen] = '\0';
				fprintf(out, "%s\n", line);
			}
		}
	}
}

static void row(FILE *t, const struct report *r, const char *label, size_t off)
{
	fputs(label, t);
	for (int i = 0; i < r->ntracers; i++)
		fprintf(t, "\t%s", (const char *)&r->f[i] + off);
	fputc('\n', t);
}

/* The notes about one tracer under the figures table. */
static void notes(FILE *out, const struct report *r, const struct figures *f)
{
	if (f->nprog == 0)
		fprintf(out, "%s: no BPF program of its own was loaded while it ran\n", f->name);
	else if (f->most == 0)
		fprintf(out,
			"%s: its programs never ran during the storms: were BPF stats enabled?\n",
			f->name);
	else if (f->most > (double)r->n * 1.02)
		fprintf(out,
			"%s: note: %.6g execs traced per storm of %ld: other processes exec'd too "
			"(its CPU figures are per exec it traced)\n",
			f->name, f->most, r->n);
	if (!f->statuses[0] || !strcmp(f->statuses, "0"))
		return;
	if (!strcmp(f->statuses, "sig15"))
		fprintf(out, "%s: SIGTERM ended it (it has no handler for it)\n", f->name);
	else
		fprintf(out, "%s: exit status after SIGTERM: %s\n", f->name, f->statuses);
}

static const char *meta(const struct samples *s, const char *metric)
{
	const char *v = get(s, "run", 0, metric);

	return v ? v : "?";
}

static int report_print(FILE *out, const struct report *r)
{
	const struct samples *s = r->s;
	const char *args =
	    get(s, "run", 0, "minisnoop_args") ? get(s, "run", 0, "minisnoop_args") : "";
	struct goal_row g[MAX_GOALS];
	char *text = NULL;
	size_t len = 0;
	FILE *t;
	int i, k;

	fprintf(out,
		"run: N=%ld execs per storm over K=%s workers, %ld rounds, %ld start/stop tries, "
		"kernel %s, %s CPUs%s%s, load average %s\n",
		r->n, meta(s, "workers"), r->rounds, r->tries, meta(s, "kernel"), meta(s, "cpus"),
		*args ? ", minisnoop " : "", args, meta(s, "load_start"));
	for (size_t j = 0; j < s->n; j++)
		if (!strcmp(s->v[j].tracer, "run") && !strcmp(s->v[j].metric, "note"))
			fprintf(out, "%s\n", s->v[j].value);
	for (i = 0; i < r->ntracers; i++)
		fprintf(out, "ratio %s per round: %s\n", r->f[i].name, r->f[i].ratios);
	for (i = 0; i < r->ntracers; i++)
		if (r->has_libbpf && strcmp(r->f[i].name, "execsnoop"))
			fprintf(out, "CPU per exec %s / execsnoop per round: %s\n", r->f[i].name,
				r->f[i].vs_rounds);
	for (i = 0; i < r->ntracers; i++)
		if (r->f[i].sys_rounds[0] && strcmp(r->f[i].name, "execsnoop"))
			fprintf(out, "system-wide added CPU %s / execsnoop per round: %s\n",
				r->f[i].name, r->f[i].sys_rounds);

	t = open_memstream(&text, &len);
	if (!t)
		return -ENOMEM;
	fputs("tracer", t);
	for (i = 0; i < r->ntracers; i++)
		fprintf(t, "\t%s", r->f[i].name);
	fputc('\n', t);
#define ROW(label, field) row(t, r, label, offsetof(struct figures, field))
	ROW("exec rate without tracer (/s)", rate0);
	ROW("exec rate with tracer (/s)", rate);
	ROW("throughput ratio", ratio);
	ROW("captured (worst round)", capt);
	ROW("lost (all rounds)", lost);
	ROW("execs traced per storm", execs);
	ROW("CPU/exec: BPF (µs)", bpf);
	ROW("CPU/exec: reader (µs)", reader);
	ROW("CPU/exec: total (µs)", total);
	ROW("CPU/exec / libbpf-tools'", vs);
	ROW("system-wide CPU added/exec (µs)", sys);
	ROW("system-wide added / libbpf-tools'", sysvs);
	for (k = 0; k < r->prog_rows; k++) {
		fputs(k == 0 ? "BPF µs by program" : "", t);
		for (i = 0; i < r->ntracers; i++)
			fprintf(t, "\t%s", k < r->f[i].nprog ? r->f[i].prog[k] : "");
		fputc('\n', t);
	}
	ROW("reader wake-ups/s in storm", wake);
	ROW("first event line (ms)", first);
	ROW("attached (ms)", attached);
	ROW("exit after SIGTERM (ms)", exit);
	ROW("all detached after SIGTERM (ms)", detached);
	ROW("last event written at exit", last);
	ROW("peak RSS (MiB)", rss);
	ROW("of which perf rings (KiB)", ringkb);
	ROW("size", size);
#undef ROW
	fclose(t);
	fputc('\n', out);
	print_table(out, text, 0);
	free(text);
	fprintf(
	    out,
	    "(rates: median of %ld rounds; ratio: median of per-round with/without; captured: "
	    "worst round;\n"
	    " execs traced: its programs' largest run count over a storm (other processes' execs "
	    "too);\n"
	    " CPU per exec traced, median of per-round figures: BPF = run time of the tracer's "
	    "programs\n"
	    " (kernel BPF stats; by program in load order, a 15-character name two share told "
	    "apart by\n"
	    " load order: NAME, NAME#2), reader = the tracer process's user+system time, total = "
	    "both;\n"
	    " / libbpf-tools': median of per-round fractions; system-wide CPU added: all CPUs' "
	    "busy "
	    "time\n"
	    " (/proc/stat user+nice+system+irq+softirq, clock ticks) over the storm less the same "
	    "round's\n"
	    " untraced storm's, per exec (what the exec'ing processes pay counts too; coarse and "
	    "noisy);\n"
	    " wake-ups: voluntary context switches over the\n"
	    " storm; first event line, attached, exit, detached: median of %ld tries, stdout on a "
	    "pipe;\n"
	    " attached = minisnoop's \"tracing\" on stderr or the peers' header; exit = the "
	    "tracer's process\n"
	    " gone; detached = what it left behind gone too; last event: a marker exec'd just "
	    "before\n"
	    " SIGTERM is in the output; peak RSS: max over rounds, %s)\n",
	    r->rounds, r->tries,
	    strcmp(meta(s, "rss_method"), "time") ? "VmHWM just before stop" : "/usr/bin/time -v");
	for (i = 0; i < r->ntracers; i++)
		notes(out, r, &r->f[i]);
	fprintf(out, "load average at the end: %s\n", meta(s, "load_end"));

	k = report_goals(r, g);
	text = NULL;
	t = open_memstream(&text, &len);
	if (!t)
		return -ENOMEM;
	fprintf(t, "goal\tvariant\tfigure\tresult\n");
	for (i = 0; i < k; i++)
		fprintf(t, "%s\t%s\t%s\t%s\n", g[i].goal, g[i].variant, g[i].figure, g[i].result);
	fclose(t);
	fputc('\n', out);
	print_table(out, text, 1);
	free(text);
	fprintf(out,
		"(goals 1-5: issue 21, 12: issue 12's, 17: issue 17's; rings: their mappings' Rss "
		"after the storm, "
		"else "
		"%s CPUs x\n (--pages + 1 metadata page) x %s bytes; the wake-up bound stands for "
		"\"bounded\": far fewer wake-ups than\n events; first event line: a marker exec'd "
		"every BENCH_MARK_US, so not an idle figure: attached is)\n",
		meta(s, "cpus_online"), meta(s, "page_size"));
	return 0;
}

#ifndef BENCHREPORT_NO_MAIN
int main(int argc, char **argv)
{
	struct samples s;
	struct report *r;
	FILE *f;
	int err;

	if (argc != 2 || argv[1][0] == '-') {
		fprintf(
		    stderr,
		    "usage: benchreport SAMPLES  (make bench writes build/bench/samples.tsv)\n");
		return argc == 2 && !strcmp(argv[1], "-h") ? 0 : 2;
	}
	f = fopen(argv[1], "r");
	if (!f) {
		fprintf(stderr, "benchreport: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	err = samples_read(f, argv[1], &s);
	fclose(f);
	if (err) {
		samples_free(&s);
		if (err != -EINVAL)
			fprintf(stderr, "benchreport: %s: %s\n", argv[1], strerror(-err));
		return 1;
	}
	r = malloc(sizeof(*r));
	if (!r || report_compute(r, &s) || report_print(stdout, r)) {
		samples_free(&s);
		free(r);
		return 1;
	}
	samples_free(&s);
	free(r);
	return fflush(stdout) ? 1 : 0;
}
#endif
