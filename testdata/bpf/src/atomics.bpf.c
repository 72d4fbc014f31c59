// SPDX-License-Identifier: GPL-2.0
/* wbpf test fixture: BPF atomic instructions, compiled with -mcpu=v3.
 * Exercises: BPF_ATOMIC add/and/or/xor with and without BPF_FETCH, xchg, cmpxchg on 32- and
 * 64-bit operands, in map values and in .bss globals; 32-bit jumps (JMP32) from v3. Also a
 * perf_event program (SEC("perf_event")) sampling CPU ids. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

struct atom {
	__u64 add64;
	__u64 or64;
	__u64 and64;
	__u64 xor64;
	__u64 xchg64;
	__u64 cmpxchg64;
	__u32 add32;
	__u32 or32;
	__u32 and32;
	__u32 xor32;
	__u32 xchg32;
	__u32 cmpxchg32;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct atom);
} atoms SEC(".maps");

__u64 g_add, g_fetch_add, g_prev, g_lock;
__u32 g_add32, g_old32;
__s64 g_samples;

SEC("raw_tp/sys_enter")
int atomic_ops(struct bpf_raw_tracepoint_args *ctx)
{
	__u32 zero = 0, v32 = (__u32)ctx->args[1];
	__u64 v = ctx->args[1];
	struct atom *a = bpf_map_lookup_elem(&atoms, &zero);

	if (!a)
		return 0;
	/* no-fetch forms */
	__sync_fetch_and_add(&a->add64, v);
	__sync_fetch_and_or(&a->or64, v);
	__sync_fetch_and_and(&a->and64, ~v);
	__sync_fetch_and_xor(&a->xor64, v);
	__sync_fetch_and_add(&a->add32, v32);
	__sync_fetch_and_or(&a->or32, v32);
	__sync_fetch_and_and(&a->and32, v32);
	__sync_fetch_and_xor(&a->xor32, v32);

	/* fetch forms: result is used */
	g_fetch_add = __sync_fetch_and_add(&a->add64, 1);
	g_prev = __sync_fetch_and_or(&a->or64, 2) | __sync_fetch_and_and(&a->and64, 3) |
		 __sync_fetch_and_xor(&a->xor64, 4);
	g_old32 = __sync_fetch_and_add(&a->add32, 5) + __sync_fetch_and_xor(&a->xor32, 6);

	/* exchange / compare-and-swap */
	g_prev += __atomic_exchange_n(&a->xchg64, v, __ATOMIC_SEQ_CST);
	g_old32 += __atomic_exchange_n(&a->xchg32, v32, __ATOMIC_SEQ_CST);
	g_prev += __sync_val_compare_and_swap(&a->cmpxchg64, 0, v);
	g_old32 += __sync_val_compare_and_swap(&a->cmpxchg32, 0, v32);
	if (__sync_bool_compare_and_swap(&g_lock, 0, 1)) {
		g_add++;
		/* __sync_lock_release() (atomic store-release) crashes clang-16's BPF backend */
		__atomic_exchange_n(&g_lock, 0, __ATOMIC_SEQ_CST);
	}
	__sync_fetch_and_add(&g_add, 1);
	__sync_fetch_and_add(&g_add32, 1);
	return v32 > 100 ? 1 : 0;
}

SEC("perf_event")
int sample_cpu(struct bpf_perf_event_data *ctx)
{
	if (ctx->sample_period > 1000)
		__sync_fetch_and_add(&g_samples, (__s64)ctx->sample_period);
	else
		__sync_fetch_and_sub(&g_samples, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
