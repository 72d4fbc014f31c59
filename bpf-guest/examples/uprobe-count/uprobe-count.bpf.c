// SPDX-License-Identifier: GPL-2.0
/* uprobe-count: calls of a user-space function, per process. The function (PATH:SYM) is
 * given by the guest as the attach target. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);   /* pid */
	__type(value, __u64); /* calls */
} calls SEC(".maps");

SEC("uprobe")
int BPF_KPROBE(count_call)
{
	__u32 pid = bpf_get_current_pid_tgid() >> 32;
	__u64 one = 1, *n;

	n = bpf_map_lookup_elem(&calls, &pid);
	if (n)
		__sync_fetch_and_add(n, 1);
	else
		bpf_map_update_elem(&calls, &pid, &one, BPF_NOEXIST);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
