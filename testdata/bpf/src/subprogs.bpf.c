// SPDX-License-Identifier: GPL-2.0
/* wbpf test fixture: BPF-to-BPF calls.
 * Exercises: static __noinline subprograms (BPF_PSEUDO_CALL), a global (non-static) function
 * verified independently, callbacks via bpf_loop and bpf_for_each_map_elem
 * (BPF_PSEUDO_FUNC ld_imm64), several entry programs sharing subprograms, nested calls. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

struct stat_val {
	__u64 count;
	__u64 sum;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, struct stat_val);
} stats SEC(".maps");

struct loop_ctx {
	__u64 acc;
	__u32 limit;
	__u32 seen;
};

__u64 total_calls;
__u64 last_result;

static __noinline __u64 mix(__u64 a, __u64 b)
{
	a ^= b + 0x9e3779b97f4a7c15ULL + (a << 6) + (a >> 2);
	return a;
}

static __noinline __u32 bucket_of(__u64 v)
{
	/* nested call */
	return (__u32)(mix(v, 0x1234) & 15);
}

static __noinline int account(__u64 v)
{
	__u32 key = bucket_of(v);
	struct stat_val *sv = bpf_map_lookup_elem(&stats, &key);

	if (!sv)
		return -1;
	__sync_fetch_and_add(&sv->count, 1);
	__sync_fetch_and_add(&sv->sum, v);
	return (int)key;
}

/* global function: verified on its own, args must be checked */
__noinline int global_clamp(int v, int lo, int hi)
{
	if (v < lo)
		return lo;
	if (v > hi)
		return hi;
	return v;
}

static int loop_cb(__u32 index, void *data)
{
	struct loop_ctx *lc = data;

	lc->acc = mix(lc->acc, index);
	lc->seen++;
	return index >= lc->limit ? 1 : 0;
}

static __u64 sum_cb(struct bpf_map *map, __u32 *key, struct stat_val *val, struct loop_ctx *lc)
{
	lc->acc += val->count;
	lc->seen++;
	return 0;
}

SEC("raw_tp/sys_enter")
int prog_a(struct bpf_raw_tracepoint_args *ctx)
{
	__u64 id = ctx->args[1];

	total_calls++;
	last_result = account(id);
	return global_clamp((int)id, 0, 400);
}

SEC("raw_tp/sys_exit")
int prog_b(struct bpf_raw_tracepoint_args *ctx)
{
	struct loop_ctx lc = { .acc = ctx->args[1], .limit = 32 };
	long n;

	n = bpf_loop(64, loop_cb, &lc, 0);
	account(lc.acc + n);
	return global_clamp((int)lc.seen, 1, 64);
}

SEC("tp/sched/sched_process_fork")
int prog_c(void *ctx)
{
	struct loop_ctx lc = {};

	bpf_for_each_map_elem(&stats, sum_cb, &lc, 0);
	last_result = mix(lc.acc, bucket_of(lc.seen));
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
