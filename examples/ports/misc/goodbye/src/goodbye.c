#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <greet.h>
#include "config.h"

int
main(void)
{
	char word[32];
	size_t i;

	strncpy(word, greet_word(0), sizeof(word) - 1);
	word[sizeof(word) - 1] = '\0';
#ifdef LOUD
	for (i = 0; word[i] != '\0'; i++)
		word[i] = (char)toupper((unsigned char)word[i]);
#else
	(void)i;
#endif
	printf("%s (flavor %s)\n", word, PORT_FLAVOR);
	return 0;
}
