// SPDX-License-Identifier: Apache-2.0
/* jvmwatch: prints the threads the hosting JVM starts as they start, then its GC pauses per cause
 * and its file I/O per path. Runs only on wbpf's VM backend (`wbpf run --backend vm`). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "jvmwatch.skel.h"
#include "jvmwatch.h"

static int on_thread(void *ctx, void *data, size_t size)
{
	const struct thread_event *e = data;

	if (size < sizeof(*e))
		return 0;
	printf("thread started: %-32.96s id %llu, parent %llu\n", e->name, (unsigned long long)e->thread_id,
	       (unsigned long long)e->parent_thread_id);
	fflush(stdout);
	return 0;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int compare_paths(const void *a, const void *b)
{
	return strncmp(((const struct file_key *)a)->path, ((const struct file_key *)b)->path, sizeof(((struct file_key *)0)->path));
}

static int compare_causes(const void *a, const void *b)
{
	return strncmp(((const struct gc_key *)a)->cause, ((const struct gc_key *)b)->cause, sizeof(((struct gc_key *)0)->cause));
}

static void print_gcs(int fd)
{
	struct gc_key keys[MAX_CAUSES], *prev = NULL;
	int n = 0;

	while (n < MAX_CAUSES && bpf_map_get_next_key(fd, prev, &keys[n]) == 0)
		prev = &keys[n++];
	qsort(keys, n, sizeof(keys[0]), compare_causes);
	printf("%-32s %6s %12s %12s\n", "GC CAUSE", "COUNT", "PAUSE_MS", "LONGEST_MS");
	for (int i = 0; i < n; i++) {
		struct gc_stats s;

		if (bpf_map_lookup_elem(fd, &keys[i], &s) == 0)
			printf("%-32.56s %6llu %12.3f %12.3f\n", keys[i].cause, (unsigned long long)s.count, s.pause_ns / 1e6,
			       s.longest_ns / 1e6);
	}
}

static void print_files(int fd)
{
	static struct file_key keys[MAX_FILES];
	struct file_key *prev = NULL;
	int n = 0;

	while (n < MAX_FILES && bpf_map_get_next_key(fd, prev, &keys[n]) == 0)
		prev = &keys[n++];
	qsort(keys, n, sizeof(keys[0]), compare_paths);
	printf("%6s %12s %6s %12s  %s\n", "READS", "READ_BYTES", "WRITES", "WRITE_BYTES", "FILE");
	for (int i = 0; i < n; i++) {
		struct file_stats s;

		if (bpf_map_lookup_elem(fd, &keys[i], &s) == 0)
			printf("%6llu %12llu %6llu %12llu  %.88s\n", (unsigned long long)s.reads, (unsigned long long)s.read_bytes,
			       (unsigned long long)s.writes, (unsigned long long)s.write_bytes,
			       keys[i].path[0] ? keys[i].path : "(no path: a standard stream)");
	}
}

int main(int argc, char **argv)
{
	struct jvmwatch_bpf *skel;
	struct bpf_buffer *threads = NULL;
	int seconds = 5, err;
	double end;

	if (argc > 2 || (argc == 2 && (argv[1][0] < '0' || argv[1][0] > '9'))) {
		fprintf(stderr, "usage: %s [SECONDS]\n  Watch the JVM running wbpf (VM backend) for SECONDS (default 5):\n"
			"  thread starts as they happen, then GC pauses per cause and file I/O per path.\n", argv[0]);
		return argc == 2 && !strcmp(argv[1], "-h") ? 0 : 2;
	}
	if (argc == 2)
		seconds = atoi(argv[1]);

	skel = jvmwatch_bpf__open_and_load();
	if (!skel) {
		fprintf(stderr, "failed to open and load the BPF object: %d\n", -errno);
		return 1;
	}
	err = jvmwatch_bpf__attach(skel);
	if (err) {
		fprintf(stderr, "failed to attach: %d (the tp/jvm/* tracepoints exist only on wbpf's VM backend: --backend vm)\n", err);
		goto out;
	}
	threads = bpf_buffer__open(skel->maps.threads, on_thread, NULL);
	if (!threads) {
		err = -errno;
		fprintf(stderr, "failed to open the ring buffer: %d\n", err);
		goto out;
	}
	printf("Watching this JVM for %d s (JFR delivers events about a second late)...\n", seconds);
	fflush(stdout);
	end = now() + seconds;
	while (now() < end) {
		err = bpf_buffer__poll(threads, 100);
		if (err < 0) {
			fprintf(stderr, "polling the ring buffer failed: %d\n", err);
			goto out;
		}
	}
	printf("\n");
	print_gcs(bpf_map__fd(skel->maps.gcs));
	printf("\n");
	print_files(bpf_map__fd(skel->maps.files));
	err = 0;
out:
	bpf_buffer__free(threads);
	jvmwatch_bpf__destroy(skel);
	return err < 0 ? -err : 0;
}
