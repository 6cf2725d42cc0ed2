/* Deliberately broken: the demo needs a port that fails in "build". */
int
main(void)
{
	return this_does_not_compile
}
