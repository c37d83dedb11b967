/* vsprintf.c: vsnprintf and friends for the kernel (see printf.h).
 * Supports %d %i %u %x %X %o %p %s %c %%, flags "-0 +#", width, precision
 * (both may be '*') and length modifiers hh h l ll z t j.
 */
#include "printf.h"

#ifdef __KERNEL_HOSTED
#define vsnprintf kvsnprintf
#define snprintf ksnprintf
#define vscnprintf kvscnprintf
#define scnprintf kscnprintf
#endif

#define F_LEFT 1	/* '-': pad on the right */
#define F_ZERO 2	/* '0': pad numbers with zeros */
#define F_SPACE 4	/* ' ': space before positive signed numbers */
#define F_PLUS 8	/* '+': '+' before positive signed numbers */
#define F_ALT 16	/* '#': 0x prefix for hex, leading 0 for octal */

#define FIELD_MAX (1 << 20)	/* cap on width and precision */

struct out {
	char *buf;
	size_t size;
	size_t pos;		/* chars produced so far, even past size */
};

struct spec {
	int flags;
	int width;
	int precision;		/* -1 if none given */
	int base;
	int upper;		/* %X */
};

static void out_char(struct out *o, char c)
{
	if (o->pos < o->size)
		o->buf[o->pos] = c;
	o->pos++;
}

static void out_repeat(struct out *o, char c, int n)
{
	while (n-- > 0)
		out_char(o, c);
}

/* Emit num (magnitude; negative says a '-' is due) per spec. */
static void out_number(struct out *o, unsigned long long num, int negative,
		       int is_signed, int is_ptr, const struct spec *sp)
{
	const char *digs = sp->upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];		/* 22 octal digits fit a 64-bit value */
	const char *prefix = "";
	char sign = 0;
	int n = 0, zeros, len, pad;
	int prec = sp->precision < 0 ? 1 : sp->precision;

	if (negative)
		sign = '-';
	else if (is_signed && (sp->flags & F_PLUS))
		sign = '+';
	else if (is_signed && (sp->flags & F_SPACE))
		sign = ' ';

	if ((sp->flags & F_ALT) && sp->base == 16 && (num || is_ptr))
		prefix = sp->upper ? "0X" : "0x";
	for (; num; num /= sp->base)
		tmp[n++] = digs[num % sp->base];
	zeros = prec > n ? prec - n : 0;
	if ((sp->flags & F_ALT) && sp->base == 8 && zeros == 0)
		zeros = 1;	/* "%#o" always starts with 0 */

	len = (sign != 0) + (prefix[0] ? 2 : 0) + zeros + n;
	pad = sp->width - len;
	if (!(sp->flags & F_LEFT)) {
		if ((sp->flags & F_ZERO) && sp->precision < 0)
			zeros += pad > 0 ? pad : 0;
		else
			out_repeat(o, ' ', pad);
	}
	if (sign)
		out_char(o, sign);
	for (; *prefix; prefix++)
		out_char(o, *prefix);
	out_repeat(o, '0', zeros);
	while (n)
		out_char(o, tmp[--n]);
	if (sp->flags & F_LEFT)
		out_repeat(o, ' ', pad);
}

static void out_string(struct out *o, const char *s, const struct spec *sp)
{
	int len = 0, pad;

	if (!s)
		s = "(null)";
	while ((sp->precision < 0 || len < sp->precision) && s[len])
		len++;
	pad = sp->width - len;
	if (!(sp->flags & F_LEFT))
		out_repeat(o, ' ', pad);
	while (len--)
		out_char(o, *s++);
	if (sp->flags & F_LEFT)
		out_repeat(o, ' ', pad);
}

/* Parse a decimal field, capped at FIELD_MAX. */
static int parse_field(const char **fmtp)
{
	const char *fmt = *fmtp;
	int v = 0;

	for (; *fmt >= '0' && *fmt <= '9'; fmt++)
		if (v < FIELD_MAX)
			v = v * 10 + (*fmt - '0');
	*fmtp = fmt;
	return v < FIELD_MAX ? v : FIELD_MAX;
}

static int clamp_field(int v)
{
	return v > FIELD_MAX ? FIELD_MAX : v;
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = { buf, size, 0 };
	struct spec sp;
	unsigned long long num;
	long long snum;
	int qual;

	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			out_char(&o, *fmt);
			continue;
		}
		sp.flags = 0;
		for (;;) {
			switch (*++fmt) {
			case '-': sp.flags |= F_LEFT; continue;
			case '0': sp.flags |= F_ZERO; continue;
			case ' ': sp.flags |= F_SPACE; continue;
			case '+': sp.flags |= F_PLUS; continue;
			case '#': sp.flags |= F_ALT; continue;
			}
			break;
		}

		sp.width = 0;
		if (*fmt == '*') {
			sp.width = va_arg(ap, int);
			if (sp.width < 0) {
				sp.flags |= F_LEFT;
				sp.width = sp.width < -FIELD_MAX ? FIELD_MAX
								 : -sp.width;
			}
			sp.width = clamp_field(sp.width);
			fmt++;
		} else {
			sp.width = parse_field(&fmt);
		}

		sp.precision = -1;
		if (*fmt == '.') {
			fmt++;
			if (*fmt == '*') {
				sp.precision = va_arg(ap, int);
				if (sp.precision >= 0)
					sp.precision = clamp_field(sp.precision);
				else
					sp.precision = -1;
				fmt++;
			} else {
				sp.precision = parse_field(&fmt);
			}
		}

		/* Length modifier: 'H' = hh, 'L' = ll / j, 'l' = l z t. */
		qual = 0;
		if (*fmt == 'h' || *fmt == 'l') {
			qual = *fmt++;
			if (*fmt == qual) {
				qual = qual == 'h' ? 'H' : 'L';
				fmt++;
			}
		} else if (*fmt == 'z' || *fmt == 't') {
			qual = 'l';
			fmt++;
		} else if (*fmt == 'j' || *fmt == 'L') {
			qual = 'L';
			fmt++;
		}

		sp.base = 10;
		sp.upper = 0;
		switch (*fmt) {
		case 'c':
			if (!(sp.flags & F_LEFT))
				out_repeat(&o, ' ', sp.width - 1);
			out_char(&o, (char)va_arg(ap, int));
			if (sp.flags & F_LEFT)
				out_repeat(&o, ' ', sp.width - 1);
			continue;
		case 's':
			out_string(&o, va_arg(ap, const char *), &sp);
			continue;
		case '%':
			out_char(&o, '%');
			continue;
		case 'p':
			sp.base = 16;
			sp.flags |= F_ALT;
			num = (unsigned long)va_arg(ap, void *);
			out_number(&o, num, 0, 0, 1, &sp);
			continue;
		case 'd':
		case 'i':
			switch (qual) {
			case 'H': snum = (signed char)va_arg(ap, int); break;
			case 'h': snum = (short)va_arg(ap, int); break;
			case 'l': snum = va_arg(ap, long); break;
			case 'L': snum = va_arg(ap, long long); break;
			default: snum = va_arg(ap, int); break;
			}
			num = snum < 0 ? 0ULL - (unsigned long long)snum : (unsigned long long)snum;
			out_number(&o, num, snum < 0, 1, 0, &sp);
			continue;
		case 'X':
			sp.upper = 1;
			/* fall through */
		case 'x':
			sp.base = 16;
			break;
		case 'o':
			sp.base = 8;
			break;
		case 'u':
			break;
		default:
			/* Unknown conversion: print it literally. */
			out_char(&o, '%');
			if (!*fmt)
				goto done;
			out_char(&o, *fmt);
			continue;
		}

		switch (qual) {
		case 'H': num = (unsigned char)va_arg(ap, unsigned int); break;
		case 'h': num = (unsigned short)va_arg(ap, unsigned int); break;
		case 'l': num = va_arg(ap, unsigned long); break;
		case 'L': num = va_arg(ap, unsigned long long); break;
		default: num = va_arg(ap, unsigned int); break;
		}
		out_number(&o, num, 0, 0, 0, &sp);
	}
done:
	if (size)
		buf[o.pos < size ? o.pos : size - 1] = '\0';
	return o.pos > 0x7fffffff ? 0x7fffffff : (int)o.pos;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

/* Like vsnprintf but returns the number of chars stored (without NUL). */
int vscnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	int n = vsnprintf(buf, size, fmt, ap);

	if ((size_t)n < size)
		return n;
	return size ? (int)(size - 1) : 0;
}

int scnprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vscnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
