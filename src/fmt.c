// SPDX-License-Identifier: MIT
/*
 * The printf family (see fmt.h): our own formatter, so that libc's (with its floating-point,
 * wide-character and positional-argument code, a tenth of the static binary) is not linked.
 *
 * Conversions: d i u x X c s p %. Flags: - + space 0. Width and precision, as digits or *.
 * Length: hh h l ll z j t. That is what src/ uses; no floating point, no %n, no n$.
 * As in C, the return value is the length of the whole output (not of what fitted); %p of
 * NULL is "(nil)" and %s of NULL is "(null)" (glibc's), an unknown directive is copied as
 * it stands.
 */
#include "fmt.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

/*
 * Where the bytes go: buf, cap bytes of it. A string sink drops what does not fit but counts
 * it; a stream sink writes buf to f whenever it fills, so nothing is lost however long.
 */
struct sink {
	char *buf;
	size_t cap;
	size_t at;
	size_t total;
	FILE *f;
	int err;
};

#if defined(MINISNOOP_TINY) || defined(MINISNOOP_OWN_LIBC)
static void write_all(struct sink *s, const char *b, size_t n)
{
	for (size_t k = 0; k < n;) {
		ssize_t w = write((int)(intptr_t)s->f, b + k, n - k);

		if (w < 0 && errno != EINTR) {
			s->err = 1;
			break;
		}
		k += w > 0 ? (size_t)w : 0;
	}
}

/* ms_stderr_by_line(): what goes to stderr is kept until a line ends (or the buffer fills) */
static char err_line[1024];
static size_t err_at;
static int err_by_line;

void ms_stderr_by_line(void)
{
	err_by_line = 1;
}

static void flush(struct sink *s)
{
	if (s->f == stderr && err_by_line) {
		for (size_t k = 0; k < s->at; k++) {
			err_line[err_at++] = s->buf[k];
			if (s->buf[k] == '\n' || err_at == sizeof(err_line)) {
				write_all(s, err_line, err_at);
				err_at = 0;
			}
		}
	} else if (s->f) {
		write_all(s, s->buf, s->at);
	}
	s->at = 0;
}
#else
void ms_stderr_by_line(void)
{
	static char line[1024];

	setvbuf(stderr, line, _IOLBF, sizeof(line));
}

static void flush(struct sink *s)
{
	if (s->f && s->at && fwrite(s->buf, 1, s->at, s->f) != s->at)
		s->err = 1;
	s->at = 0;
}
#endif

static void put(struct sink *s, const char *p, size_t len)
{
	s->total += len;
	while (len) {
		size_t k = s->cap - s->at;

		if (!k) {
			if (!s->f)
				return;
			flush(s);
			k = s->cap;
		}
		if (k > len)
			k = len;
		memcpy(s->buf + s->at, p, k);
		s->at += k;
		p += k;
		len -= k;
	}
}

static void pad(struct sink *s, char c, size_t count)
{
	char b[16];

	memset(b, c, sizeof(b));
	while (count) {
		size_t k = count < sizeof(b) ? count : sizeof(b);

		/* A full string sink only counts: a width of INT_MAX costs no long loop. */
		if (!s->f && s->at == s->cap) {
			s->total += count;
			return;
		}
		put(s, b, k);
		count -= k;
	}
}

enum { F_LEFT = 1, F_PLUS = 2, F_SPACE = 4, F_ZERO = 8, F_PREC = 16 };
enum { L_INT, L_CHAR, L_SHORT, L_LONG, L_LLONG, L_SIZE, L_MAX };
static const unsigned char size_of[] = {sizeof(int),	  sizeof(char),	     sizeof(short),
					sizeof(long),	  sizeof(long long), sizeof(size_t),
					sizeof(uintmax_t)};

/* One field: spaces to width, prefix (sign or 0x), zeros, body; '-' puts the spaces after. */
static void field(struct sink *s, unsigned fl, size_t width, const char *pre, size_t npre,
		  size_t zeros, const char *body, size_t len)
{
	size_t used = npre + zeros + len;
	size_t spaces = width > used ? width - used : 0;

	if (!(fl & F_LEFT))
		pad(s, ' ', spaces);
	put(s, pre, npre);
	pad(s, '0', zeros);
	put(s, body, len);
	if (fl & F_LEFT)
		pad(s, ' ', spaces);
}

/* A directive's flags (F_*), width, precision and length (L_*). */
struct spec {
	unsigned fl, len;
	size_t width, prec;
};

/* Reads flags, width, precision and length after the '%'; returns the conversion's place. */
static const char *parse_spec(const char *fmt, va_list *ap, struct spec *sp)
{
	static const char flags[] = "-+ 0";

	*sp = (struct spec){0, L_INT, 0, 0};
	for (const char *f; *fmt && (f = strchr(flags, *fmt)); fmt++)
		sp->fl |= 1u << (f - flags);
	/* A negative * width is the '-' flag and its magnitude. */
	if (*fmt == '*') {
		int w = va_arg(*ap, int);

		fmt++;
		if (w < 0)
			sp->fl |= F_LEFT;
		sp->width = w < 0 ? -(size_t)w : (size_t)w;
	}
	for (; *fmt >= '0' && *fmt <= '9'; fmt++)
		sp->width = sp->width * 10 + (size_t)(*fmt - '0');
	/* A negative * precision is no precision at all. */
	if (*fmt == '.') {
		sp->fl |= F_PREC;
		if (*++fmt == '*') {
			int p = va_arg(*ap, int);

			fmt++;
			if (p < 0)
				sp->fl &= ~(unsigned)F_PREC;
			else
				sp->prec = (size_t)p;
		}
		for (; *fmt >= '0' && *fmt <= '9'; fmt++)
			sp->prec = sp->prec * 10 + (size_t)(*fmt - '0');
	}
	if (*fmt == 'h') {
		sp->len = *++fmt == 'h' ? (fmt++, L_CHAR) : L_SHORT;
	} else if (*fmt == 'l') {
		sp->len = *++fmt == 'l' ? (fmt++, L_LLONG) : L_LONG;
	} else if (*fmt == 'z' || *fmt == 't') {
		/* size_t and ptrdiff_t (and ssize_t) have the same width on every Linux ABI. */
		sp->len = L_SIZE;
		fmt++;
	} else if (*fmt == 'j') {
		sp->len = L_MAX;
		fmt++;
	}
	return fmt;
}

/* An integer argument of d i u x X: fetched as the unsigned type (passed as the signed one
 * is: C11 6.2.5p9), cut to its size; for d and i a set top bit is a negative value, negated
 * as unsigned (INT_MIN has no positive int). */
static uintmax_t fetch_int(va_list *ap, unsigned len, char conv, bool *neg)
{
	uintmax_t u, mask = UINTMAX_MAX >> (8 * (sizeof(uintmax_t) - size_of[len]));

	if (len == L_LONG)
		u = va_arg(*ap, unsigned long);
	else if (len == L_LLONG)
		u = va_arg(*ap, unsigned long long);
	else if (len == L_SIZE)
		u = va_arg(*ap, size_t);
	else if (len == L_MAX)
		u = va_arg(*ap, uintmax_t);
	else
		u = va_arg(*ap, unsigned);
	u &= mask;
	*neg = (conv == 'd' || conv == 'i') && u > mask >> 1;
	return *neg ? -u & mask : u;
}

/* An integer: sign or 0x, zeros up to the precision (default 1) or, with the 0 flag and no
 * precision, up to the width, then the digits. */
static void put_int(struct sink *s, const struct spec *sp, uintmax_t u, bool neg, char conv,
		    const char *pre)
{
	const char *digits = conv == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
	unsigned base = conv == 'x' || conv == 'X' || conv == 'p' ? 16 : 10;
	char num[3 * sizeof(uintmax_t)], *d = num + sizeof(num);
	size_t npre = strlen(pre), nd, zeros, prec = sp->fl & F_PREC ? sp->prec : 1;

	if (neg || (sp->fl & (F_PLUS | F_SPACE))) {
		pre = neg ? "-" : sp->fl & F_PLUS ? "+" : " ";
		npre = 1;
	}
	for (; u; u /= base)
		*--d = digits[u % base];
	nd = (size_t)(num + sizeof(num) - d);
	zeros = prec > nd ? prec - nd : 0;
	if ((sp->fl & (F_ZERO | F_LEFT | F_PREC)) == F_ZERO && sp->width > npre + nd + zeros)
		zeros = sp->width - npre - nd;
	field(s, sp->fl, sp->width, pre, npre, zeros, d, nd);
}

/* Formats into s, consuming ap. */
static void run(struct sink *s, const char *fmt, va_list ap0)
{
	va_list ap;

	va_copy(ap, ap0);
	for (;;) {
		const char *start = fmt, *body;
		struct spec sp;
		char c;
		bool neg;
		uintmax_t u;

		while (*fmt && *fmt != '%')
			fmt++;
		put(s, start, (size_t)(fmt - start));
		if (!*fmt)
			break;
		start = fmt;
		fmt = parse_spec(fmt + 1, &ap, &sp);
		switch (c = *fmt) {
		case 'd':
		case 'i':
		case 'u':
		case 'x':
		case 'X':
			u = fetch_int(&ap, sp.len, c, &neg);
			put_int(s, &sp, u, neg, c, "");
			break;
		case 'p':
			u = (uintptr_t)va_arg(ap, void *);
			sp.fl &= ~(unsigned)(F_PLUS | F_SPACE);
			if (u)
				put_int(s, &sp, u, false, c, "0x");
			else
				field(s, sp.fl, sp.width, "", 0, 0, "(nil)", 5);
			break;
		case 'c':
			c = (char)(unsigned char)va_arg(ap, int);
			field(s, sp.fl, sp.width, "", 0, 0, &c, 1);
			break;
		case 's':
			body = va_arg(ap, const char *);
			if (!body)
				body = "(null)";
			/* With a precision the string need not be NUL-terminated within it. */
			field(s, sp.fl, sp.width, "", 0, 0, body,
			      sp.fl & F_PREC ? strnlen(body, sp.prec) : strlen(body));
			break;
		case '%':
			put(s, "%", 1);
			break;
		default:
			/* Not ours (or the format ends in the middle): copied as it stands. */
			put(s, start, (size_t)(fmt - start) + (*fmt != 0));
			if (!*fmt)
				continue;
		}
		fmt++;
	}
	va_end(ap);
}

static int result(const struct sink *s)
{
	if (s->err)
		return -1;
	if (s->total > INT_MAX) {
		errno = EOVERFLOW;
		return -1;
	}
	return (int)s->total;
}

int ms_vsnprintf(char *buf, size_t n, const char *fmt, va_list ap)
{
	struct sink s = {buf, n ? n - 1 : 0, 0, 0, NULL, 0};

	run(&s, fmt, ap);
	if (n)
		buf[s.at] = 0;
	return result(&s);
}

int ms_snprintf(char *buf, size_t n, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = ms_vsnprintf(buf, n, fmt, ap);
	va_end(ap);
	return r;
}

/* Formatted on the stack and written a buffer-full at a time: one write for most messages. */
static int vfprint(FILE *f, const char *fmt, va_list ap)
{
	char buf[1024];
	struct sink s = {buf, sizeof(buf), 0, 0, f, 0};

	run(&s, fmt, ap);
	flush(&s);
	return result(&s);
}

int ms_fprintf(FILE *f, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vfprint(f, fmt, ap);
	va_end(ap);
	return r;
}

int ms_printf(const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vfprint(stdout, fmt, ap);
	va_end(ap);
	return r;
}
