/* echo.c - print arguments separated by spaces; -n omits the newline. */
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
	int i = 1, nl = 1;
	if (i < argc && !strcmp(argv[i], "-n"))
		nl = 0, i++;
	for (; i < argc; i++)
		printf("%s%s", argv[i], i + 1 < argc ? " " : "");
	if (nl)
		printf("\n");
	return fflush(stdout) ? 1 : 0;
}
