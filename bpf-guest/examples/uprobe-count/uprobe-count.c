// SPDX-License-Identifier: Apache-2.0
/* uprobe-count: counts calls of PATH:SYM per process; prints the counts every second. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "uprobe-count.skel.h"

int main(int argc, char **argv)
{
	struct uprobe_count_bpf *skel;
	int seconds = 0, fd, err;

	if (argc < 2 || !strchr(argv[1], ':')) {
		fprintf(stderr, "usage: %s PATH:SYMBOL [SECONDS]\n"
				"  Count calls of SYMBOL in the binary or library PATH, e.g. /lib/x86_64-linux-gnu/libc.so.6:malloc\n",
			argv[0]);
		return 2;
	}
	if (argc > 2)
		seconds = atoi(argv[2]);

	skel = uprobe_count_bpf__open_and_load();
	if (!skel) {
		fprintf(stderr, "failed to open and load the BPF object: %d\n", -errno);
		return 1;
	}
	/* SEC("uprobe") names no function: the target says which */
	bpf_set_prog_attach_target(skel->progs.count_call, argv[1]);
	err = uprobe_count_bpf__attach(skel);
	if (err) {
		fprintf(stderr, "failed to attach to %s: %d\n", argv[1], err);
		goto out;
	}
	fd = bpf_map__fd(skel->maps.calls);
	printf("Counting calls of %s... Hit Ctrl-C to end.\n", argv[1]);
	fflush(stdout);
	for (int t = 0; seconds == 0 || t < seconds; t++) {
		uint32_t key, next, *prev = NULL;
		uint64_t n, total = 0;

		sleep(1);
		printf("%-8s %12s\n", "PID", "CALLS");
		while (bpf_map_get_next_key(fd, prev, &next) == 0) {
			if (bpf_map_lookup_elem(fd, &next, &n) == 0) {
				printf("%-8u %12llu\n", next, (unsigned long long)n);
				total += n;
			}
			key = next;
			prev = &key;
		}
		printf("%-8s %12llu\n\n", "total", (unsigned long long)total);
		fflush(stdout);
	}
out:
	uprobe_count_bpf__destroy(skel);
	return err < 0 ? -err : 0;
}
