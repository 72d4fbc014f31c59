// SPDX-License-Identifier: Apache-2.0
/* opensnoop: prints openat() calls: pid, command, result (fd or -errno), flags and path. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "opensnoop.skel.h"
#include "opensnoop.h"

static int handle_event(void *ctx, void *data, size_t size)
{
	const struct event *e = data;

	(void)ctx;
	/* perf records may arrive padded to 8 bytes plus a 4-byte size: accept anything as long */
	if (size < sizeof(*e))
		return 0;
	printf("%-7u %-16s %4d %08o %s\n", e->pid, e->comm, e->ret, (unsigned)e->flags, e->fname);
	fflush(stdout);
	return 0;
}

int main(int argc, char **argv)
{
	struct opensnoop_bpf *skel;
	struct bpf_buffer *buf = NULL;
	int i, err;

	skel = opensnoop_bpf__open();
	if (!skel) {
		fprintf(stderr, "failed to open the BPF skeleton\n");
		return 1;
	}
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-p") == 0 && i + 1 < argc) {
			skel->rodata->targ_pid = (int32_t)strtol(argv[++i], NULL, 10);
		} else if (strcmp(argv[i], "-x") == 0) {
			skel->rodata->targ_failed = true;
		} else {
			fprintf(stderr, "usage: %s [-p PID] [-x]\n  -p PID  only this process\n  -x      only failed opens\n",
				argv[0]);
			opensnoop_bpf__destroy(skel);
			return strcmp(argv[i], "-h") == 0 ? 0 : 2;
		}
	}

	err = opensnoop_bpf__load(skel);
	if (!err)
		err = opensnoop_bpf__attach(skel);
	if (err) {
		fprintf(stderr, "failed to load and attach BPF programs: %d\n", err);
		goto out;
	}
	buf = bpf_buffer__open(skel->maps.events, handle_event, NULL);
	if (!buf) {
		err = -errno;
		fprintf(stderr, "failed to open the perf buffer: %d\n", err);
		goto out;
	}
	printf("%-7s %-16s %4s %-8s %s\n", "PID", "COMM", "FD", "FLAGS", "PATH");
	fflush(stdout);
	for (;;) {
		err = bpf_buffer__poll(buf, POLL_TIMEOUT_MS);
		if (err < 0 && err != -EINTR) {
			fprintf(stderr, "error polling the perf buffer: %d\n", err);
			break;
		}
	}
out:
	bpf_buffer__free(buf);
	opensnoop_bpf__destroy(skel);
	return err < 0 ? -err : 0;
}
