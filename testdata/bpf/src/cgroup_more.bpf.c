// SPDX-License-Identifier: GPL-2.0
/* wbpf test fixture: more cgroup programs.
 * Exercises: SEC("sockops") counting active TCP connects, SEC("cgroup/dev") denying one device
 * (reads of the character device 1:3, /dev/null) and counting its calls, an array map of counters. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

enum { TCP_CONNECT, ACTIVE_ESTABLISHED, DEV_CALLS, DEV_DENIED, NR_COUNTERS };

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

SEC("sockops")
int count_connects(struct bpf_sock_ops *ops)
{
	switch (ops->op) {
	case BPF_SOCK_OPS_TCP_CONNECT_CB:
		bump(TCP_CONNECT);
		break;
	case BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB:
		bump(ACTIVE_ESTABLISHED);
		break;
	}
	return 1;
}

SEC("cgroup/dev")
int deny_null_read(struct bpf_cgroup_dev_ctx *ctx)
{
	__u32 type = ctx->access_type & 0xffff;
	__u32 access = ctx->access_type >> 16;

	bump(DEV_CALLS);
	if (type == BPF_DEVCG_DEV_CHAR && ctx->major == 1 && ctx->minor == 3 &&
	    (access & BPF_DEVCG_ACC_READ)) {
		bump(DEV_DENIED);
		return 0; /* deny */
	}
	return 1; /* allow */
}

char LICENSE[] SEC("license") = "GPL";
