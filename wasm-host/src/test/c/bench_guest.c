/*
 * The guest side of wasm-host's benchmark (WasmBench, wasm-host/src/bench/run.sh).
 *
 *   bench_guest OBJECT ROUNDS RECORDS LOOKUPS
 *
 * ROUNDS times: load OBJECT (bench.bpf.o; the host fills its ring buffer `rb` with RECORDS records
 * as each load returns), poll `rb` with timeout 0 until RECORDS records reached the callback, and
 * close it. Then LOOKUPS lookups of keys 0..1023 in the hash map `table` through
 * wasm_bpf_map_operate, timed 5 times. Prints one line per round "round N events_per_s=R" and
 * "map_operate_ns=BEST".
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "wasm_bpf_imports.h"

static unsigned long long consumed, sink;

static int on_record(void *ctx, void *data, size_t size)
{
	sink += *(unsigned long long *)data;
	consumed++;
	return 0;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static char *read_file(const char *path, int *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *buf = malloc(n);
	if (fread(buf, 1, n, f) != (size_t)n)
		return NULL;
	fclose(f);
	*len = (int)n;
	return buf;
}

int main(int argc, char **argv)
{
	static char buf[256];
	int len, rounds, fd;
	long records, lookups;
	uint64_t obj = 0;
	char *elf;

	if (argc != 5) {
		fprintf(stderr, "usage: %s OBJECT ROUNDS RECORDS LOOKUPS\n", argv[0]);
		return 2;
	}
	elf = read_file(argv[1], &len);
	if (!elf) {
		fprintf(stderr, "cannot read %s\n", argv[1]);
		return 1;
	}
	rounds = atoi(argv[2]);
	records = atol(argv[3]);
	lookups = atol(argv[4]);
	for (int r = 0; r < rounds; r++) {
		obj = wasm_load_bpf_object(elf, len);
		if (!obj)
			return 1;
		fd = wasm_bpf_map_fd_by_name(obj, "rb");
		consumed = 0;
		double t0 = now();
		while (consumed < (unsigned long long)records) {
			int n = wasm_bpf_buffer_poll(obj, fd, (int32_t)(uintptr_t)on_record, 0, buf, sizeof(buf), 0);
			if (n < 0) {
				fprintf(stderr, "poll: %d\n", n);
				return 1;
			}
		}
		printf("round %d events_per_s=%.0f\n", r, consumed / (now() - t0));
		fflush(stdout);
		if (r + 1 < rounds)
			wasm_close_bpf_object(obj);
	}
	fd = wasm_bpf_map_fd_by_name(obj, "table");
	double best = 1e18;
	for (int rep = 0; rep < 5; rep++) {
		double t0 = now();
		for (long i = 0; i < lookups; i++) {
			uint32_t k = i & 1023;
			uint64_t v;
			if (wasm_bpf_map_operate(fd, 1, &k, &v, NULL, 0)) {
				fprintf(stderr, "lookup of %u failed\n", k);
				return 1;
			}
			sink += v;
		}
		double ns = (now() - t0) * 1e9 / lookups;
		best = ns < best ? ns : best;
	}
	printf("map_operate_ns=%.1f\n", best);
	wasm_close_bpf_object(obj);
	return sink == 42 ? 3 : 0;
}
