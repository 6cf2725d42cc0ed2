#include <stdio.h>
#include <mid.h>

int
main(void)
{
	printf("the answer is %d\n", mid_value());
	return 0;
}
