#include "greet.h"

const char *
greet_word(int hello)
{
	return hello ? "hello" : "goodbye";
}
