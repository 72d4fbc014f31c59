/* Built by UprobeAttachTest with the system's C compiler: a function to probe, called with
 * arguments the test chooses, and a libc call with a recognisable argument. */
#include <stdlib.h>
#include <unistd.h>

__attribute__((noinline)) int wbpf_probed(int x)
{
	__asm__ volatile("" ::: "memory"); /* keep the calls */
	return 3 * x + 1;
}

int main(int argc, char **argv)
{
	int from = argc > 1 ? atoi(argv[1]) : 40;
	int n = argc > 2 ? atoi(argv[2]) : 3;
	volatile int sum = 0;

	for (int i = 0; i < n; i++)
		sum += wbpf_probed(from + i);
	usleep(1234);
	return sum == 0;
}
