/* libgcc.c: the few compiler helper routines the kernel needs. The cross
 * compiler's libgcc is built for the hard-float ABI, which cannot be
 * linked with this soft-float (lp64) kernel, so they live here. */
#include <types.h>

int __ctzdi2(unsigned long x)
{
	int n = 0;
	if (!x)
		return 64;
	while (!(x & 1)) {
		x >>= 1;
		n++;
	}
	return n;
}

int __clzdi2(unsigned long x)
{
	int n = 0;
	if (!x)
		return 64;
	while (!(x & (1UL << 63))) {
		x <<= 1;
		n++;
	}
	return n;
}

int __ctzsi2(unsigned int x) { return x ? __ctzdi2(x) : 32; }
int __clzsi2(unsigned int x) { return x ? __clzdi2(x) - 32 : 32; }

unsigned int __bswapsi2(unsigned int x)
{
	return (x >> 24) | ((x >> 8) & 0xff00) | ((x << 8) & 0xff0000) | (x << 24);
}

unsigned long __bswapdi2(unsigned long x)
{
	return ((unsigned long)__bswapsi2(x) << 32) | __bswapsi2(x >> 32);
}
