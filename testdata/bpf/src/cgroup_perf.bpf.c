// SPDX-License-Identifier: GPL-2.0
/* wbpf test fixture: cgroup programs and a perf event sampler.
 * Exercises: SEC("cgroup_skb/egress"), SEC("cgroup/sock_create"), SEC("perf_event"),
 * array map counters updated atomically. */
#include <linux/bpf.h>
#include <linux/bpf_perf_event.h>
#include <bpf/bpf_helpers.h>

enum { EGRESS_PACKETS, SOCKETS_CREATED, SAMPLES, NR_COUNTERS };

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, NR_COUNTERS);
	__type(key, __u32);
	__type(value, __u64);
} counters SEC(".maps");

static __always_inline void bump(__u32 which)
{
	__u64 *n = bpf_map_lookup_elem(&counters, &which);

	if (n)
		__sync_fetch_and_add(n, 1);
}

SEC("cgroup_skb/egress")
int count_egress(struct __sk_buff *skb)
{
	bump(EGRESS_PACKETS);
	return 1; /* let it go */
}

SEC("cgroup/sock_create")
int count_sock(struct bpf_sock *sk)
{
	bump(SOCKETS_CREATED);
	return 1; /* allow */
}

SEC("perf_event")
int count_sample(struct bpf_perf_event_data *ctx)
{
	bump(SAMPLES);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
