// SPDX-License-Identifier: Apache-2.0
/* runqlat: run queue latency as a log2 histogram, printed every interval (map iteration). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "runqlat.skel.h"
#include "runqlat.h"

static void print_stars(unsigned int val, unsigned int max, int width)
{
	int stars = max ? (int)((unsigned long long)val * width / max) : 0, i;

	for (i = 0; i < width; i++)
		putchar(i < stars ? '*' : ' ');
}

static void print_log2_hist(const uint32_t *slots, int n, const char *unit)
{
	unsigned int max = 0;
	int i, last = -1;

	for (i = 0; i < n; i++) {
		if (slots[i] > max)
			max = slots[i];
		if (slots[i])
			last = i;
	}
	printf("%*s%-*s : count    distribution\n", 10, "", 14, unit);
	for (i = 0; i <= last; i++) {
		unsigned long long low = i ? 1ULL << i : 0, high = (1ULL << (i + 1)) - 1;
		printf("%10llu -> %-10llu : %-8u |", low, high, slots[i]);
		print_stars(slots[i], max, 40);
		printf("|\n");
	}
}

/* Prints every histogram in the map and deletes it: walks the keys with get_next_key. */
static int print_hists(struct bpf_map *hists, bool per_process, const char *unit)
{
	int fd = bpf_map__fd(hists), err;
	uint32_t key, next, *prev = NULL;
	struct hist h;

	while ((err = bpf_map_get_next_key(fd, prev, &next)) == 0) {
		err = bpf_map_lookup_elem(fd, &next, &h);
		if (err < 0) {
			fprintf(stderr, "failed to look up a histogram: %d\n", err);
			return err;
		}
		if (per_process)
			printf("\npid = %u %.*s\n", next, TASK_COMM_LEN, h.comm);
		print_log2_hist(h.slots, MAX_SLOTS, unit);
		key = next;
		prev = &key;
	}
	if (err != -ENOENT)
		return err;
	/* start the next interval from zero: delete from the first key until none is left */
	while (bpf_map_get_next_key(fd, NULL, &next) == 0)
		if (bpf_map_delete_elem(fd, &next))
			break;
	return 0;
}

int main(int argc, char **argv)
{
	struct runqlat_bpf *skel;
	bool per_process = false, ms = false;
	int interval = 1, count = 0, i, err;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-P") == 0) {
			per_process = true;
		} else if (strcmp(argv[i], "-m") == 0) {
			ms = true;
		} else if (argv[i][0] >= '0' && argv[i][0] <= '9') {
			if (count == 0 && interval == 1 && i + 1 < argc)
				interval = atoi(argv[i]), count = atoi(argv[++i]);
			else
				interval = atoi(argv[i]);
		} else {
			fprintf(stderr, "usage: %s [-P] [-m] [interval [count]]\n"
					"  -P  one histogram per process\n  -m  milliseconds instead of microseconds\n",
				argv[0]);
			return strcmp(argv[i], "-h") == 0 ? 0 : 2;
		}
	}
	if (interval < 1)
		interval = 1;

	skel = runqlat_bpf__open();
	if (!skel) {
		fprintf(stderr, "failed to open the BPF skeleton\n");
		return 1;
	}
	skel->rodata->targ_per_process = per_process;
	skel->rodata->targ_ms = ms;
	err = runqlat_bpf__load(skel);
	if (!err)
		err = runqlat_bpf__attach(skel);
	if (err) {
		fprintf(stderr, "failed to load and attach BPF programs: %d\n", err);
		goto out;
	}

	printf("Tracing run queue latency... Hit Ctrl-C to end.\n");
	fflush(stdout);
	for (i = 0; count == 0 || i < count; i++) {
		sleep(interval);
		printf("\n");
		err = print_hists(skel->maps.hists, per_process, ms ? "msecs" : "usecs");
		fflush(stdout);
		if (err)
			break;
	}
out:
	runqlat_bpf__destroy(skel);
	return err < 0 ? -err : 0;
}
