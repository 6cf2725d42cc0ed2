#include <stdio.h>
#include <greet.h>
#include "config.h"

int
main(void)
{
	printf("%s, world (hello %s)\n", greet_word(1), PORT_VERSION);
	return 0;
}
