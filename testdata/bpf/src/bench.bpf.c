// SPDX-License-Identifier: GPL-2.0
/* wbpf benchmark object (bpf-kernel/bench): the same object is driven from Java and from a C
 * program using libbpf, to compare ring buffer delivery and map lookups.
 * Exercises: SEC("syscall") run with BPF_PROG_TEST_RUN, bpf_loop with a callback, ring buffer
 * reserve/submit, a hash map read from user space. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define BATCH 64

struct event {
	__u64 seq;
	__u64 batch;
	__u8 payload[48];
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 24);
} rb SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, __u64);
} table SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u64);
} stats SEC(".maps"); /* [0] batches run, [1] records dropped (ring full) */

static __always_inline void bump(__u32 which)
{
	__u64 *n = bpf_map_lookup_elem(&stats, &which);

	if (n)
		__sync_fetch_and_add(n, 1);
}

static long emit(__u32 i, void *ctx)
{
	struct event *e = bpf_ringbuf_reserve(&rb, sizeof(*e), 0);

	if (!e) {
		bump(1);
		return 1; /* full: stop this batch */
	}
	e->seq = i;
	e->batch = *(__u64 *)ctx;
	bpf_ringbuf_submit(e, BPF_RB_NO_WAKEUP);
	return 0;
}

/* Writes BATCH records of 64 bytes into the ring buffer per run. */
SEC("syscall")
int produce(void *ctx)
{
	__u64 batch = bpf_ktime_get_ns();

	bpf_loop(BATCH, emit, &batch, 0);
	bump(0);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
