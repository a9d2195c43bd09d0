// SPDX-License-Identifier: MIT
/* Command line: trace (default), dump, verify, check. */
#include "fmt.h"
#include "check.h"
#ifndef MINISNOOP_TINY
#include "logfmt.h"
#endif
#include "explain.h"
#include "passwd.h"
#include "progset.h"
#include "selftest.h"
#include "sink.h"
#include "sysfile.h"
#include "textprog.h"
#include "tracefs.h"
#include "tracer.h"
#include "unpack.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

/* The usage lines, packed (src/texts.h). */
#define usage_line pk_text(PK_USAGE)

/* The fields 'all' adds (fields.h), wrapped under the option's text. */
static void help_fields(void)
{
	static const char indent[] = "                       ",
			  tail[] = "(see minisnoop check, man 8)";
	size_t col = 0;

	for (unsigned c = COL_CTX_FIRST; c <= COL_COUNT; c++) {
		const char *w = c < COL_COUNT ? out_cols[c].name : tail;
		size_t n = strlen(w);

		if (c < COL_COUNT && !out_cols[c].all)
			continue;
		if (col && col + 1 + n > 78) {
			ms_printf("\n");
			col = 0;
		}
		ms_printf("%s%s", col ? " " : indent, w);
		col += (col ? 1 : sizeof(indent) - 1) + n;
	}
	ms_printf("\n");
}

static void help(void)
{
#ifdef MINISNOOP_TINY /* 3 KB of text: the options are in the man page */
	ms_printf("%s\nTraces every exec on the system with eBPF; needs root. Options: man 8 "
		  "minisnoop.\nThis is minisnoop-tiny: the tracer and check only.\n",
		  usage_line);
	return;
#endif
	ms_printf("%s%s", usage_line, pk_text(PK_HELP));
	help_fields();
	ms_printf(pk_text(PK_HELP2), EV_MAX_ARGS_DEF, EV_MAX_ARGS_LIM, EV_MAX_ENV_DEF,
		  EV_MAX_ENV_LIM);
}

static int usage_error(const char *fmt, const char *arg)
{
	ms_fprintf(stderr, "minisnoop: ");
	ms_fprintf(stderr, fmt, arg);
	ms_fprintf(stderr, "\n%s", usage_line);
	return 2;
}

/* getopt's own messages name the full argv[0]; ours say "minisnoop:". */
static int bad_option(const char *cmd, int o, int argc, char **argv)
{
	char what[96];
	/* The argument getopt stopped at (optind may be past the end after a missing value). */
	const char *arg = argv[optind - 1 < argc ? optind - 1 : argc - 1];
	/* A short option's letter is in optopt; a long one is that argument. */
	bool is_short = arg[0] == '-' && arg[1] != '-' && optopt > ' ' && optopt < 127;

	if (o == ':' && is_short)
		ms_snprintf(what, sizeof(what), "option -%c needs a value", optopt);
	else if (o == ':')
		ms_snprintf(what, sizeof(what), "option %.40s needs a value", arg);
	else if (is_short)
		ms_snprintf(what, sizeof(what), "unknown option -%c", optopt);
	else
		ms_snprintf(what, sizeof(what), "unknown option %.40s", arg);
	ms_fprintf(stderr, "minisnoop: %s%s\n%s", cmd, what, usage_line);
	return 2;
}

static bool parse_u64(const char *s, uint64_t max, uint64_t *out)
{
	char *end;
	uint64_t v;
	bool over;

	/* digits only: scan_u64 skips blanks (for /proc files), an option's value may not */
	if (!s || *s < '0' || *s > '9')
		return false;
	v = scan_u64(s, &end, 10, &over);
	if (over || end == s || *end || v > max)
		return false;
	*out = v;
	return true;
}

/* "S" or "S.FFF" seconds, to milliseconds; no strtod, which would pull a float parser in. */
static bool parse_seconds(const char *s, uint64_t *ms)
{
	uint64_t whole = 0, frac = 0, scale = 1000;
	const char *p = s;

	if (!s || !*s)
		return false;
	for (; *p >= '0' && *p <= '9'; p++) {
		whole = whole * 10 + (uint64_t)(*p - '0');
		if (whole > 1000000000)
			return false;
	}
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9'; p++)
			if (scale > 1)
				frac += (uint64_t)(*p - '0') * (scale /= 10);
	if (*p || p == s)
		return false;
	*ms = whole * 1000 + frac;
	return *ms > 0;
}

/* -Z USER: a name from /etc/passwd (its uid and gid), or a number for both. */
static bool parse_user(const char *s, struct run_as *as)
{
	uint64_t v;

	if (parse_u64(s, UINT32_MAX - 1, &v))
		as->uid = as->gid = (uint32_t)v;
	else if (passwd_ids(PASSWD_PATH, s, &as->uid, &as->gid))
		return false;
	as->set = true;
	return true;
}

static bool parse_uid(const char *s, uint32_t *uid)
{
	uint64_t v;

	if (!s)
		return false;
	if (parse_u64(s, UINT32_MAX - 1, &v)) {
		*uid = (uint32_t)v;
		return true;
	}
	return passwd_uid(PASSWD_PATH, s, uid) == 0;
}

/* Kernels before 5.11 charge BPF memory to RLIMIT_MEMLOCK. */
static void raise_memlock(void)
{
	struct rlimit r = {RLIM_INFINITY, RLIM_INFINITY};

	/* the raw call: libc's setrlimit applies it to every thread, a kilobyte we do not need */
	syscall(SYS_prlimit64, 0, RLIMIT_MEMLOCK, &r, NULL);
}

/* MINISNOOP_NO_BTF, read once. */
static bool env_no_btf;

static const struct prog_opts default_prog_opts = {.max_args = EV_MAX_ARGS_DEF,
						   .max_env = EV_MAX_ENV_DEF};

#ifdef MINISNOOP_TINY
/* make tiny: the tracer and check only; a left-out command is named, not traced as an argument. */
static int not_in_build(const char *cmd)
{
	ms_fprintf(stderr, "minisnoop: %s is not in this build (minisnoop-tiny)\n", cmd);
	return 2;
}
#else
/* dump and verify: the programs with every context field (-o all -e), and every option's code */
static const struct prog_opts full_prog_opts = {.max_args = EV_MAX_ARGS_DEF,
						.max_env = EV_MAX_ENV_DEF,
						.ctx = (1u << CTX_BITS) - 1,
						.compat = true,
						.exits = true,
						.forks = true,
						.tree = TREE_IN};

static int cmd_dump(int argc, char **argv)
{
	static const struct option lo[] = {{"no-source", no_argument, NULL, 's'},
					   {"prog", required_argument, NULL, 'p'},
					   {"help", no_argument, NULL, 'h'},
					   {0, 0, 0, 0}};
	const char *prog = NULL;
	struct kernel_layout k;
	struct progset ps;
	const char *only = NULL;
	bool with_src = true;
	char err[512];
	int o;

	while ((o = getopt_long(argc, argv, ":h", lo, NULL)) != -1) {
		if (o == 's')
			with_src = false;
		else if (o == 'p')
			prog = optarg;
		else if (o == 'h')
			return help(), 0;
		else
			return bad_option("dump: ", o, argc, argv);
	}
	if (optind < argc && !prog)
		only = argv[optind++];
	if (optind < argc)
		return usage_error("dump: unexpected argument '%s'", argv[optind]);
	if (prog)
		return textprog_cmd(false, prog, NULL, NULL, 0);
	/* Offsets from tracefs when it is mounted; the generic layout otherwise. */
	layout_probe(&k, !env_no_btf);
	tracefs_close();
	if (layout_guess(&k))
		ms_fprintf(stderr, "minisnoop: dump: tracefs not readable: generic 64-bit syscall "
				   "layout shown\n");
	if (progset_build(&ps, &full_prog_opts, &k, true, err, sizeof(err))) {
		ms_fprintf(stderr, "minisnoop: %s\n", err);
		progset_close(&ps);
		return 1;
	}
	o = progset_dump(stdout, &ps, only, with_src);
	progset_close(&ps);
	if (!o) {
		ms_fprintf(stderr, "minisnoop: dump: no program named '%s' (", only);
		for (size_t p = 0; p < P_COUNT; p++)
			ms_fprintf(stderr, "%s%s", p ? ", " : "", prog_defs[p].name);
		ms_fprintf(stderr, ")\n");
		return 2;
	}
	return 0;
}

static int cmd_verify(int argc, char **argv)
{
	static const struct option lo[] = {{"log-level", required_argument, NULL, 'L'},
					   {"no-btf", no_argument, NULL, 'B'},
					   {"prog", required_argument, NULL, 'p'},
					   {"type", required_argument, NULL, 't'},
					   {"attach", required_argument, NULL, 'a'},
					   {"help", no_argument, NULL, 'h'},
					   {0, 0, 0, 0}};
	const char *prog = NULL, *type = NULL, *attach = NULL;
	struct load_opts lopt = {.log_level = 1, .stats = true};
	struct kernel_layout k;
	struct progset ps = {0};
	bool no_btf = env_no_btf;
	char err[512], note[160];
	uint64_t v;
	int o, r, loaded = 0;

	while ((o = getopt_long(argc, argv, ":h", lo, NULL)) != -1) {
		if (o == 'L') {
			if (!parse_u64(optarg, 2, &v))
				return usage_error(
				    "verify: --log-level must be 0, 1 or 2, not '%s'", optarg);
			lopt.log_level = (unsigned)v;
		} else if (o == 'B') {
			no_btf = true;
		} else if (o == 'p' || o == 't' || o == 'a') {
			*(o == 'p' ? &prog : o == 't' ? &type : &attach) = optarg;
		} else if (o == 'h') {
			return help(), 0;
		} else {
			return bad_option("verify: ", o, argc, argv);
		}
	}
	if (optind < argc)
		return usage_error("verify: unexpected argument '%s'", argv[optind]);
	raise_memlock();
	if (prog || type || attach)
		return prog ? textprog_cmd(true, prog, type, attach, lopt.log_level)
			    : usage_error("verify: %s needs --prog FILE",
					  type ? "--type" : "--attach");
	r = progset_prepare(&k, !no_btf, err, sizeof(err));
	if (!r)
		r = progset_build(&ps, &full_prog_opts, &k, false, err, sizeof(err));
	if (!r)
		r = progset_load(&ps, &lopt, err, sizeof(err));
	progset_print_logs(stdout, &ps, true);
	for (size_t p = 0; p < P_COUNT; p++)
		loaded += ps.k && ps.prog_fd[p] >= 0;
	if (r) {
		ms_fprintf(stderr, "minisnoop: %s\n", err);
	} else {
		layout_ppid_note(&k, note, sizeof(note));
		ms_printf("minisnoop: %d programs loaded and verified (ppid: %s)\n", loaded, note);
	}
	progset_close(&ps);
	return r ? 1 : 0;
}
#endif

enum {
	O_MAX_ARGS = 256,
	O_MAX_ENV,
	O_COUNT,
	O_DURATION,
	O_PAGES,
	O_VLOG,
	O_NO_BTF,
	O_COMPAT,
	O_CTR,
	O_CTR_ONLY,
	O_ROTATE,
	O_RATE,
	O_PIDFILE,
	O_EXIT,
	O_ANCESTORS,
	O_EXISTING,
	O_TREE,
	O_EXCL_TREE,
	O_SYSLOG,
	O_JOURNAL,
	O_KMSG
};

#ifndef MINISNOOP_TINY
static struct ctr_filter ctr_filter; /* --container, --containers-only */
#endif

/* -o and -e, set together once every option is read (-T -t -U change the defaults). */
static const char *out_spec;
static bool out_env;

/* Options whose value is a number; 0, or the exit status of a usage error. */
static int trace_number_option(struct tracer_opts *t, int o, const char *arg)
{
	uint64_t v;

	switch (o) {
	case 'P':
		if (!parse_u64(arg, INT_MAX, &v))
			return usage_error("-P: bad pid '%s'", arg);
		t->filter.ppid = (pid_t)v;
		t->filter.ppid_set = true;
		return 0;
	case O_MAX_ARGS:
		if (!parse_u64(arg, EV_MAX_ARGS_LIM, &v) || v < 1)
			return usage_error("--max-args: need 1..128, not '%s'", arg);
		t->prog.max_args = (unsigned)v;
		return 0;
	case O_MAX_ENV:
		if (!parse_u64(arg, EV_MAX_ENV_LIM, &v) || v < 1)
			return usage_error("--max-env: need 1..1024, not '%s'", arg);
		t->prog.max_env = (unsigned)v;
		return 0;
	case O_COUNT:
		if (!parse_u64(arg, UINT64_MAX, &v) || v < 1)
			return usage_error("--count: need a positive number, not '%s'", arg);
		t->count = v;
		return 0;
	case O_DURATION:
		if (!parse_seconds(arg, &t->duration_ms))
			return usage_error("--duration: need seconds > 0, not '%s'", arg);
		return 0;
	case O_PAGES:
		if (!parse_u64(arg, 1u << 20, &v) || v < 1 || (v & (v - 1)))
			return usage_error("--pages: need a power of two, not '%s'", arg);
		t->pages = (unsigned)v;
		return 0;
#ifndef MINISNOOP_TINY
	case O_ROTATE:
		if (sink_parse_rotate(arg, &t->rot_size, &t->rot_count))
			return usage_error(
			    "--rotate: need SIZE[,COUNT] (SIZE with k, M or G; COUNT "
			    "1..999), not '%s'",
			    arg);
		return 0;
	case O_RATE: {
		char n[24];
		size_t l = strlen(arg);

		/* "N" or "N/s" */
		if (l >= 2 && !strcmp(arg + l - 2, "/s"))
			l -= 2;
		if (l >= sizeof(n))
			l = sizeof(n) - 1;
		memcpy(n, arg, l);
		n[l] = 0;
		if (!parse_u64(n, 1000000, &v) || v < 1)
			return usage_error("--rate: need N or N/s, 1..1000000, not '%s'", arg);
		t->rate = v;
		return 0;
	}
#endif
	default: /* O_VLOG */
		t->verifier_log = 1;
		if (arg && !parse_u64(arg, 2, &v))
			return usage_error("--verifier-log: level 0, 1 or 2, not '%s'", arg);
		if (arg)
			t->verifier_log = (int)v;
		return 0;
	}
}

#ifndef MINISNOOP_TINY
/* --tree PID, --exclude-tree PID: a pid of a live process (a thread's stands for its process),
 * at most TREE_PIDS_MAX of each, never both for one. 0, or the exit status of an error. */
static int tree_option(struct tree_opts *t, int o, const char *arg)
{
	const char *name = o == O_TREE ? "--tree" : "--exclude-tree";
	uint32_t *list = o == O_TREE ? t->in : t->out, tgid;
	unsigned *n = o == O_TREE ? &t->nin : &t->nout;
	char msg[160];
	uint64_t v;
	int r;

	if (!parse_u64(arg, INT_MAX, &v) || !v) {
		ms_snprintf(msg, sizeof(msg), "%s: need a pid (a positive number), not '%.40s'",
			    name, arg);
		return usage_error("%s", msg);
	}
	if (*n == TREE_PIDS_MAX)
		return usage_error("%s: at most 16 of them", name);
	r = tree_tgid((uint32_t)v, &tgid);
	if (r) {
		ms_fprintf(stderr, "minisnoop: %s %s: %s\n", name, arg,
			   r == -ESRCH ? "no such process" : strerror(-r));
		return 1;
	}
	for (unsigned k = 0; k < (o == O_TREE ? t->nout : t->nin); k++)
		if ((o == O_TREE ? t->out : t->in)[k] == tgid)
			return usage_error("--tree and --exclude-tree both name process %s", arg);
	list[(*n)++] = tgid;
	return 0;
}
#endif

/* One option of the tracer; 0, or the exit status of a usage error. */
static int trace_option(struct tracer_opts *t, int o, const char *arg)
{
	char err[256];

#ifdef MINISNOOP_TINY
	/* the tracer alone: the service outputs, lifecycle, subtrees and containers are the
	 * full build's */
	static const struct {
		int o;
		char name[18];
	} left_out[] = {{'w', "-w"},
			{O_ROTATE, "--rotate"},
			{O_RATE, "--rate"},
			{O_PIDFILE, "--pidfile"},
			{O_EXIT, "--exit"},
			{O_TREE, "--tree"},
			{O_EXCL_TREE, "--exclude-tree"},
			{O_CTR, "--container"},
			{O_CTR_ONLY, "--containers-only"}};

	for (size_t k = 0; k < sizeof(left_out) / sizeof(left_out[0]); k++)
		if (o == left_out[k].o)
			return not_in_build(left_out[k].name);
#endif
	switch (o) {
	case 'T':
		t->out.clock = true;
		return 0;
	case 't':
		t->out.since = true;
		return 0;
	case 'U':
		t->out.show_uid = true;
		return 0;
	case 'x':
		t->prog.failed_only = true;
		return 0;
	case 'q':
		t->out.quote = true;
		return 0;
	case 'j':
		t->out.json = true;
		return 0;
	case 'u':
		if (!parse_uid(arg, &t->prog.uid))
			return usage_error("-u: no such user or uid '%s'", arg);
		t->prog.match_uid = true;
		return 0;
	case 'c':
		t->cgroup_path = arg;
		return 0;
#ifndef MINISNOOP_TINY
	case O_CTR:
	case O_CTR_ONLY:
		t->filter.ctr = &ctr_filter;
		ctr_filter.on = true;
		ctr_filter.any |= o == O_CTR_ONLY;
		if (o == O_CTR && ctr_filter_add(&ctr_filter, arg, err, sizeof(err)))
			return usage_error("%s", err);
		return 0;
#endif
	case 'Z':
		if (!parse_user(arg, &t->run_as))
			return usage_error("-Z: no such user '%s'", arg);
		return 0;
	case 'n':
	case 'l':
		if (filter_set(&t->filter, o == 'n' ? FILTER_NAME : FILTER_LINE, arg, err,
			       sizeof(err)))
			return usage_error("%s", err);
		return 0;
	case O_NO_BTF:
		t->no_btf = true;
		return 0;
	case O_COMPAT:
		t->prog.compat = true;
		return 0;
#ifndef MINISNOOP_TINY
	case O_EXIT: /* lifecycle events: every JSON line says which, with the ids */
		t->prog.exits = t->out.events = t->show_exits = true;
		return 0;
#endif
	case O_ANCESTORS: { /* -o ancestors' bound */
		uint64_t n;

		_Static_assert(EV_ANC_MAX == 64, "the message says 64");
		if (!parse_u64(arg, EV_ANC_MAX, &n) || n < 1)
			return usage_error("--ancestors: need N, 1..64, not '%s'", arg);
		t->max_anc = (unsigned)n;
		return 0;
	}
	case O_EXISTING:
		t->existing = t->out.events = true;
		return 0;
	case 'o':
		out_spec = arg;
		return 0;
	case 'e':
		out_env = true;
		return 0;
	case 'w':
		t->out_file = arg;
		return 0;
	case O_PIDFILE:
		t->pidfile = arg;
		return 0;
#ifndef MINISNOOP_TINY
	case O_TREE:
	case O_EXCL_TREE:
		return tree_option(&t->tree, o, arg);
	case O_SYSLOG: /* the message sinks: one of them, or -w, or standard output */
	case O_JOURNAL:
	case O_KMSG: {
		int kind = o == O_SYSLOG ? SINK_SYSLOG : o == O_JOURNAL ? SINK_JOURNAL : SINK_KMSG;
		int f = arg ? logfmt_facility(arg) : LOGFMT_FACILITY_DEF;

		if (t->msg_sink && t->msg_sink != kind)
			return usage_error("%s: one of -w, --syslog, --journal, --kmsg at a time",
					   o == O_SYSLOG    ? "--syslog"
					   : o == O_JOURNAL ? "--journal"
							    : "--kmsg");
		if (f < 0)
			return usage_error("--syslog: no facility '%s' (user, daemon, auth, "
					   "authpriv, local0..local7)",
					   arg);
		t->msg_sink = kind;
		t->facility = (unsigned)f;
		return 0;
	}
#endif
	default:
		return trace_number_option(t, o, arg);
	}
}

/* --journal: every entry has the cwd and exe (MINISNOOP_CWD, _EXE), as with -o +cwd,exe: with
 * them an entry says where and what really ran, as an audit record does. */
static void journal_fields(struct tracer_opts *t)
{
#ifndef MINISNOOP_TINY
	if (t->msg_sink == SINK_JOURNAL) {
		t->prog.ctx |= CTXB(CWD) | CTXB(EXE);
		t->out.ctx_cols |= 1ull << COL_CWD | 1ull << COL_EXE;
	}
#else
	(void)t;
#endif
}

static int cmd_trace(int argc, char **argv)
{
	static const struct option lo[] = {
	    {"time", no_argument, NULL, 'T'},
	    {"timestamp", no_argument, NULL, 't'},
	    {"print-uid", no_argument, NULL, 'U'},
	    {"fails", no_argument, NULL, 'x'},
	    {"quote", no_argument, NULL, 'q'},
	    {"json", no_argument, NULL, 'j'},
	    {"output", required_argument, NULL, 'o'},
	    {"env", no_argument, NULL, 'e'},
	    {"uid", required_argument, NULL, 'u'},
	    {"cgroup", required_argument, NULL, 'c'},
	    {"user", required_argument, NULL, 'Z'},
	    {"name", required_argument, NULL, 'n'},
	    {"line", required_argument, NULL, 'l'},
	    {"ppid", required_argument, NULL, 'P'},
	    {"max-args", required_argument, NULL, O_MAX_ARGS},
	    {"max-env", required_argument, NULL, O_MAX_ENV},
	    {"count", required_argument, NULL, O_COUNT},
	    {"duration", required_argument, NULL, O_DURATION},
	    {"pages", required_argument, NULL, O_PAGES},
	    {"verifier-log", optional_argument, NULL, O_VLOG},
	    {"no-btf", no_argument, NULL, O_NO_BTF},
	    {"container", required_argument, NULL, O_CTR},
	    {"containers-only", no_argument, NULL, O_CTR_ONLY},
	    {"compat", no_argument, NULL, O_COMPAT},
	    {"write", required_argument, NULL, 'w'},
	    {"rotate", required_argument, NULL, O_ROTATE},
	    {"rate", required_argument, NULL, O_RATE},
	    {"pidfile", required_argument, NULL, O_PIDFILE},
	    {"exit", no_argument, NULL, O_EXIT},
	    {"ancestors", required_argument, NULL, O_ANCESTORS},
	    {"existing", no_argument, NULL, O_EXISTING},
	    {"tree", required_argument, NULL, O_TREE},
	    {"exclude-tree", required_argument, NULL, O_EXCL_TREE},
#ifndef MINISNOOP_TINY
	    {"syslog", optional_argument, NULL, O_SYSLOG},
	    {"journal", no_argument, NULL, O_JOURNAL},
	    {"kmsg", no_argument, NULL, O_KMSG},
#endif
	    {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, 'V'},
	    {0, 0, 0, 0},
	};
	struct tracer_opts t;
	char err[128];
	const char *last_value = NULL;
	int o, r;

	memset(&t, 0, sizeof(t));
	t.prog = default_prog_opts;
	t.verifier_log = -1;
	t.pages = 0; /* the tracer's default for the fields asked for */
	t.no_btf = env_no_btf;
	/* '+': no permutation, so that "--" ends the options and COMMAND's are its own */
	while ((o = getopt_long(argc, argv, "+:TtUxqjeo:u:c:n:l:P:Z:w:hV", lo, NULL)) != -1) {
		last_value = optarg;
		if (o == 'h')
			return help(), 0;
		if (o == 'V')
			return ms_printf("minisnoop %s\n", MINISNOOP_VERSION), 0;
		if (o == '?' || o == ':')
			return bad_option("", o, argc, argv);
		r = trace_option(&t, o, optarg);
		if (r) {
			filter_free(&t.filter);
			return r;
		}
	}
	/* -o ancestors: the process table, kept by fork and exit records; lifecycle lines */
	if (out_spec && str_find(out_spec, "ancestors"))
		t.prog.exits = t.prog.forks = t.out.events = true;
	t.pt_on = t.prog.forks || t.existing;
#ifdef MINISNOOP_TINY
	if (t.pt_on) { /* --ancestors N alone is the usage error below, as in the full build */
		filter_free(&t.filter);
		return not_in_build(t.existing ? "--existing" : "-o ancestors");
	}
#endif
	/* -- COMMAND: "--" ended the options (it was not an option's value) */
	if (optind < argc && optind > 1 && !strcmp(argv[optind - 1], "--") &&
	    argv[optind - 1] != last_value) {
#ifdef MINISNOOP_TINY
		filter_free(&t.filter);
		return not_in_build("-- COMMAND");
#else
		t.tree.cmd = argv + optind;
		optind = argc;
#endif
	}
#ifndef MINISNOOP_TINY
	t.prog.tree = t.tree.nin || t.tree.cmd ? TREE_IN : t.tree.nout ? TREE_OUT : 0;
#endif
	if (optind < argc)
		r = usage_error("unexpected argument '%s'", argv[optind]);
	else if (t.rot_size && !t.out_file)
		r = usage_error("--rotate%s: needs -w FILE", "");
	else if (t.msg_sink && t.out_file)
		r = usage_error("%s: one of -w, --syslog, --journal, --kmsg at a time", "-w");
	else if (out_columns(&t.out, out_spec, out_env, &t.prog.ctx, err, sizeof(err)))
		r = usage_error("%s", err);
	else if (!(t.ancestors = MS_FULL((t.out.ctx_cols >> COL_ANCESTORS & 1) ||) false) &&
		 t.max_anc)
		r = usage_error("--ancestors: needs -o ancestors%s", "");
	else
		r = (journal_fields(&t), out_own_root(&t.out), raise_memlock(), tracer_run(&t));
	filter_free(&t.filter);
	return r;
}

/*
 * Standard error closed at start: messages go to the kernel log (dmesg) when we may write it,
 * else to /dev/null; either way fd 2 is taken, so that no file, map or ring we open later
 * becomes "standard error" and receives them.
 */
static void stderr_somewhere(void)
{
	int fd;

	if (fcntl(STDERR_FILENO, F_GETFD) >= 0 || errno != EBADF)
		return;
	fd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);
	/* each write is a record of the log: a message in one, not in pieces */
	if (fd >= 0)
		ms_stderr_by_line();
	else
		fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (fd >= 0 && fd != STDERR_FILENO) {
		dup2(fd, STDERR_FILENO);
		close(fd);
	}
}

int main(int argc, char **argv)
{
	/* check's canary: exec'd by the self-test, its exec is all that matters */
	if (argc > 0 && !strcmp(argv[0], CANARY_ARGV0))
		return 0;
	stderr_somewhere();
	opterr = 0;
	env_no_btf = getenv("MINISNOOP_NO_BTF") != NULL;
#ifdef MINISNOOP_TINY
	if (argc > 1 &&
	    (!strcmp(argv[1], "dump") || !strcmp(argv[1], "verify") || !strcmp(argv[1], "explain")))
		return not_in_build(argv[1]);
#else
	if (argc > 1 && !strcmp(argv[1], "dump"))
		return cmd_dump(argc - 1, argv + 1);
	if (argc > 1 && !strcmp(argv[1], "verify"))
		return cmd_verify(argc - 1, argv + 1);
	if (argc > 1 && !strcmp(argv[1], "explain"))
		return cmd_explain(argc - 1, argv + 1);
#endif
	if (argc > 1 && !strcmp(argv[1], "check")) {
		raise_memlock(); /* its self-test loads the programs */
		return cmd_check(argc - 1, argv + 1, env_no_btf);
	}
	return cmd_trace(argc, argv);
}
