/* SPDX-License-Identifier: MIT */
/*
 * The kernel's vsnprintf subset (see <linux/sprintf.h>). Standard conversions
 * are handed one at a time to the C library (so flags, width and precision
 * behave exactly as C says); the kernel's %p extensions are done here.
 */
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "kshim.h"

struct out {
	char *buf;
	size_t size;
	size_t len; /* characters produced so far, even beyond size */
};

static void out_char(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void out_str(struct out *o, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		out_char(o, s[i]);
}

static bool bit_at(const unsigned long *bits, unsigned i)
{
	return (bits[i / (8 * sizeof(long))] >> (i % (8 * sizeof(long)))) & 1;
}

/* %*pbl: "0-3,8,10-11" (lib/vsprintf.c bitmap_list_string). */
static void out_bitmap_list(struct out *o, const unsigned long *bits, int nbits)
{
	bool first = true;
	char tmp[48];

	for (int i = 0; i < nbits;) {
		if (!bit_at(bits, (unsigned)i)) {
			i++;
			continue;
		}
		int j = i;
		while (j + 1 < nbits && bit_at(bits, (unsigned)j + 1))
			j++;
		int n = i == j ? snprintf(tmp, sizeof(tmp), "%s%d", first ? "" : ",", i)
			       : snprintf(tmp, sizeof(tmp), "%s%d-%d", first ? "" : ",", i, j);
		out_str(o, tmp, (size_t)n);
		first = false;
		i = j + 1;
	}
}

/* %*pb: 32-bit hex chunks, most significant first, comma separated; the first
 * chunk only as wide as the bits it holds (lib/vsprintf.c bitmap_string). */
static void out_bitmap_hex(struct out *o, const unsigned long *bits, int nbits)
{
	char tmp[16];
	int chunksz = nbits & 31 ? nbits & 31 : 32;

	for (int i = ((nbits + 31) / 32 - 1) * 32; i >= 0; i -= 32) {
		unsigned long v = 0;
		for (int b = 0; b < chunksz; b++)
			if (bit_at(bits, (unsigned)(i + b)))
				v |= 1ul << b;
		int n = snprintf(tmp, sizeof(tmp), "%s%0*lx", i == ((nbits + 31) / 32 - 1) * 32 ? "" : ",",
				 (chunksz + 3) / 4, v);
		out_str(o, tmp, (size_t)n);
		chunksz = 32;
	}
}

int rmpsim__k_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = { buf, size, 0 };
	char tmp[128];

	while (*fmt) {
		if (*fmt != '%') {
			out_char(&o, *fmt++);
			continue;
		}
		/* Parse "%[flags][width][.prec][len]conv". */
		const char *start = fmt++;
		char flags[8];
		size_t nflags = 0;
		int width = -1, prec = -1;
		while (*fmt && strchr("-+ #0", *fmt)) {
			if (nflags + 1 < sizeof(flags))
				flags[nflags++] = *fmt;
			fmt++;
		}
		if (*fmt == '*') {
			width = va_arg(ap, int);
			fmt++;
			if (width < 0) { /* C: a negative '*' width is '-' and its magnitude */
				if (nflags + 1 < sizeof(flags))
					flags[nflags++] = '-';
				width = width == INT_MIN ? INT_MAX : -width;
			}
		} else if (*fmt >= '0' && *fmt <= '9') {
			width = 0;
			while (*fmt >= '0' && *fmt <= '9')
				width = width < 100000 ? width * 10 + (*fmt - '0') : width, fmt++;
		}
		flags[nflags] = '\0';
		if (*fmt == '.') {
			fmt++;
			prec = 0;
			if (*fmt == '*') {
				prec = va_arg(ap, int);
				fmt++;
			} else {
				while (*fmt >= '0' && *fmt <= '9')
					prec = prec < 100000 ? prec * 10 + (*fmt - '0') : prec, fmt++;
			}
		}
		int lmod = 0; /* 1 h, 2 hh, 3 l, 4 ll, 5 z/t, 7 j */
		if (fmt[0] == 'h' && fmt[1] == 'h') {
			lmod = 2, fmt += 2;
		} else if (fmt[0] == 'h') {
			lmod = 1, fmt++;
		} else if (fmt[0] == 'l' && fmt[1] == 'l') {
			lmod = 4, fmt += 2;
		} else if (fmt[0] == 'l') {
			lmod = 3, fmt++;
		} else if (fmt[0] == 'z' || fmt[0] == 't') {
			lmod = 5, fmt++;
		} else if (fmt[0] == 'j') {
			lmod = 7, fmt++;
		}
		char conv = *fmt;
		if (!conv) {
			out_str(&o, start, strlen(start));
			break;
		}
		fmt++;
		bool left = strchr(flags, '-') != NULL;
		int n = 0;
		switch (conv) {
		case '%': out_char(&o, '%'); continue;
		case 'c':
		case 's': {
			char c;
			const char *s;
			size_t sl;
			if (conv == 'c') {
				c = (char)va_arg(ap, int);
				s = &c;
				sl = 1;
			} else {
				s = va_arg(ap, const char *);
				if (!s)
					s = "(null)";
				sl = prec >= 0 ? strnlen(s, (size_t)prec) : strlen(s);
			}
			size_t pad = width > 0 && (size_t)width > sl ? (size_t)width - sl : 0;
			for (size_t i = 0; !left && i < pad; i++)
				out_char(&o, ' ');
			out_str(&o, s, sl);
			for (size_t i = 0; left && i < pad; i++)
				out_char(&o, ' ');
			continue;
		}
		case 'p': {
			const void *p = va_arg(ap, const void *);
			if (*fmt == 'b') {
				fmt++;
				bool list = *fmt == 'l';
				if (list)
					fmt++;
				/* The field width is the number of bits (cpumask_pr_args). */
				if (p && width > 0) {
					if (list)
						out_bitmap_list(&o, p, width);
					else
						out_bitmap_hex(&o, p, width);
				}
				continue;
			}
			if (*fmt == 'a') {
				/* %pa / %pap: phys_addr_t by reference, 0x + 16 digits on x86-64. */
				fmt++;
				if (*fmt == 'p')
					fmt++;
				unsigned long long v = p ? *(const unsigned long long *)p : 0;
				n = snprintf(tmp, sizeof(tmp), "0x%016llx", v);
				out_str(&o, tmp, (size_t)n);
				continue;
			}
			/* %pS %ps %pB %pF %pf %px %pK and plain %p: the address in hex. */
			if (*fmt && strchr("SsBFfxK", *fmt))
				fmt++;
			n = snprintf(tmp, sizeof(tmp), "0x%016lx", (unsigned long)(uintptr_t)p);
			out_str(&o, tmp, (size_t)n);
			continue;
		}
		case 'd':
		case 'i':
		case 'u':
		case 'x':
		case 'X':
		case 'o': break;
		default:
			/* Unknown conversion: printed as text. */
			out_str(&o, start, (size_t)(fmt - start));
			continue;
		}
		bool is_signed = conv == 'd' || conv == 'i';
		unsigned long long u = 0;
		long long s = 0;
		switch (lmod) {
		case 3:
			if (is_signed)
				s = va_arg(ap, long);
			else
				u = va_arg(ap, unsigned long);
			break;
		case 4:
			if (is_signed)
				s = va_arg(ap, long long);
			else
				u = va_arg(ap, unsigned long long);
			break;
		case 5:
			if (is_signed)
				s = va_arg(ap, ptrdiff_t);
			else
				u = va_arg(ap, size_t);
			break;
		case 7:
			if (is_signed)
				s = va_arg(ap, intmax_t);
			else
				u = va_arg(ap, uintmax_t);
			break;
		default:
			if (is_signed)
				s = va_arg(ap, int);
			else
				u = va_arg(ap, unsigned int);
			if (lmod == 1)
				s = (short)s, u = (unsigned short)u;
			if (lmod == 2)
				s = (signed char)s, u = (unsigned char)u;
			break;
		}
		/* Hand the integer to the C library with the same flags, width, precision. */
		char spec[64];
		int k = snprintf(spec, sizeof(spec), "%%%s", flags);
		if (width >= 0)
			k += snprintf(spec + k, sizeof(spec) - (size_t)k, "%d", width > 100 ? 100 : width);
		if (prec >= 0)
			k += snprintf(spec + k, sizeof(spec) - (size_t)k, ".%d", prec > 100 ? 100 : prec);
		snprintf(spec + k, sizeof(spec) - (size_t)k, "ll%c", conv);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
		n = is_signed ? snprintf(tmp, sizeof(tmp), spec, s) : snprintf(tmp, sizeof(tmp), spec, u);
#pragma GCC diagnostic pop
		if (n > 0)
			out_str(&o, tmp, (size_t)n < sizeof(tmp) ? (size_t)n : sizeof(tmp) - 1);
	}
	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return o.len > INT_MAX ? INT_MAX : (int)o.len;
}

int rmpsim__k_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = rmpsim__k_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

int rmpsim__k_vscnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	int n = rmpsim__k_vsnprintf(buf, size, fmt, ap);
	if (!size)
		return 0;
	return (size_t)n < size ? n : (int)size - 1;
}

int rmpsim__k_scnprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = rmpsim__k_vscnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

int rmpsim__k_sprintf(char *buf, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = rmpsim__k_vsnprintf(buf, INT_MAX, fmt, ap);
	va_end(ap);
	return n;
}
