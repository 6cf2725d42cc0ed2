#include <stdio.h>

int
main(void)
{
	puts("never built");
	return 0;
}
