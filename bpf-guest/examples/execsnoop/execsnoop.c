// SPDX-License-Identifier: Apache-2.0
/* execsnoop: prints every exec and process exit (with exit code and lifetime). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "execsnoop.skel.h"
#include "execsnoop.h"

static void usage(const char *prog)
{
	fprintf(stderr,
		"usage: %s [-p PID] [-d MIN_MS]\n"
		"  Trace exec() and process exits.\n"
		"  -p PID     only this process\n"
		"  -d MIN_MS  only exits of processes that lived at least MIN_MS milliseconds\n",
		prog);
}

static int handle_event(void *ctx, void *data, size_t size)
{
	const struct event *e = data;
	char ts[16];
	time_t t;

	(void)ctx;
	if (size < sizeof(*e))
		return 0;
	time(&t);
	strftime(ts, sizeof(ts), "%H:%M:%S", gmtime(&t));
	if (e->kind == EVENT_EXEC)
		printf("%-8s EXEC  %-16s %-7u %-7u %s\n", ts, e->comm, e->pid, e->ppid, e->filename);
	else
		printf("%-8s EXIT  %-16s %-7u %-7u [%d] (%llu ms)\n", ts, e->comm, e->pid, e->ppid, e->exit_code,
		       (unsigned long long)(e->duration_ns / 1000000));
	fflush(stdout);
	return 0;
}

int main(int argc, char **argv)
{
	struct execsnoop_bpf *skel;
	struct bpf_buffer *buf = NULL;
	long pid = 0, min_ms = 0;
	int i, err;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-p") == 0 && i + 1 < argc) {
			pid = strtol(argv[++i], NULL, 10);
		} else if (strcmp(argv[i], "-d") == 0 && i + 1 < argc) {
			min_ms = strtol(argv[++i], NULL, 10);
		} else {
			usage(argv[0]);
			return strcmp(argv[i], "-h") == 0 ? 0 : 2;
		}
	}

	skel = execsnoop_bpf__open();
	if (!skel) {
		fprintf(stderr, "failed to open the BPF skeleton\n");
		return 1;
	}
	/* const volatile configuration: written into the embedded object before load */
	skel->rodata->targ_pid = (int32_t)pid;
	skel->rodata->min_duration_ns = (uint64_t)min_ms * 1000000ULL;

	err = execsnoop_bpf__load(skel);
	if (err) {
		fprintf(stderr, "failed to load BPF object: %d\n", err);
		goto out;
	}
	err = execsnoop_bpf__attach(skel);
	if (err) {
		fprintf(stderr, "failed to attach BPF programs: %d\n", err);
		goto out;
	}
	buf = bpf_buffer__open(skel->maps.events, handle_event, NULL);
	if (!buf) {
		err = -errno;
		fprintf(stderr, "failed to open the ring buffer: %d\n", err);
		goto out;
	}

	printf("%-8s %-5s %-16s %-7s %-7s %s\n", "TIME", "EVENT", "COMM", "PID", "PPID", "FILENAME/EXIT CODE");
	fflush(stdout);
	for (;;) {
		err = bpf_buffer__poll(buf, POLL_TIMEOUT_MS);
		if (err < 0 && err != -EINTR) {
			fprintf(stderr, "error polling the ring buffer: %d\n", err);
			break;
		}
	}
out:
	bpf_buffer__free(buf);
	execsnoop_bpf__destroy(skel);
	return err < 0 ? -err : 0;
}
