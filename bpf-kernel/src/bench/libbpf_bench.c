// SPDX-License-Identifier: Apache-2.0
/* The C side of wbpf's kernel backend benchmark: the same measurements as KernelBench.java, on
 * the same object (testdata/bpf/out/bench.bpf.o), with Debian's libbpf.
 *
 *   libbpf_bench OBJECT ROUNDS RECORDS_PER_ROUND LOOKUPS
 *
 * Prints one line: "ringbuf_events_per_s=<best> ringbuf_median=<median> map_lookup_ns=<best>". */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

struct event {
	__u64 seq;
	__u64 batch;
	__u8 payload[48];
};

static __u64 consumed;
static volatile __u64 sink;

static int on_event(void *ctx, void *data, size_t size)
{
	const struct event *e = data;

	sink += e->seq;
	consumed++;
	return 0;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	if (argc != 5) {
		fprintf(stderr, "usage: %s OBJECT ROUNDS RECORDS_PER_ROUND LOOKUPS\n", argv[0]);
		return 2;
	}
	int rounds = atoi(argv[2]);
	long records = atol(argv[3]);
	long lookups = atol(argv[4]);
	struct bpf_object *obj = bpf_object__open_file(argv[1], NULL);

	if (!obj || bpf_object__load(obj)) {
		fprintf(stderr, "cannot load %s\n", argv[1]);
		return 1;
	}
	int prog = bpf_program__fd(bpf_object__find_program_by_name(obj, "produce"));
	int rb_fd = bpf_object__find_map_fd_by_name(obj, "rb");
	int table = bpf_object__find_map_fd_by_name(obj, "table");
	struct ring_buffer *rb = ring_buffer__new(rb_fd, on_event, NULL, NULL);

	if (!rb) {
		fprintf(stderr, "ring_buffer__new failed\n");
		return 1;
	}
	LIBBPF_OPTS(bpf_test_run_opts, opts);
	double *rates = calloc(rounds, sizeof(double));

	for (int r = 0; r < rounds; r++) {
		for (long i = 0; i < records / 64; i++)
			if (bpf_prog_test_run_opts(prog, &opts)) {
				perror("BPF_PROG_TEST_RUN");
				return 1;
			}
		consumed = 0;
		double t0 = now();
		while (consumed < (__u64)(records / 64 * 64))
			ring_buffer__consume(rb);
		rates[r] = consumed / (now() - t0);
	}
	qsort(rates, rounds, sizeof(double), cmp);

	for (__u32 k = 0; k < 1024; k++) {
		__u64 v = k * 3;
		bpf_map_update_elem(table, &k, &v, BPF_ANY);
	}
	double best = 1e18;
	for (int rep = 0; rep < 5; rep++) {
		double t0 = now();
		for (long i = 0; i < lookups; i++) {
			__u32 k = i & 1023;
			__u64 v;
			if (bpf_map_lookup_elem(table, &k, &v))
				return 1;
			sink += v;
		}
		double ns = (now() - t0) * 1e9 / lookups;
		best = ns < best ? ns : best;
	}
	printf("ringbuf_events_per_s=%.0f ringbuf_median=%.0f map_lookup_ns=%.1f\n", rates[rounds - 1],
	       rates[rounds / 2], best);
	ring_buffer__free(rb);
	bpf_object__close(obj);
	return 0;
}
