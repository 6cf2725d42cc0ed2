#include <base.h>
#include "mid.h"

int
mid_value(void)
{
	return base_value() + 2;
}
