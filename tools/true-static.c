/* The program the exec storm runs: does nothing, as cheaply as a static binary can. */
int main(void)
{
	return 0;
}
