// SPDX-License-Identifier: GPL-2.0
/* wbpf test fixture: uprobe and uretprobe on a function of a program the test builds, seeing
 * the argument on entry and the return value on return.
 * Exercises: SEC("uprobe"), SEC("uretprobe") with the target given at attach time,
 * BPF_KPROBE/BPF_KRETPROBE argument access from pt_regs, hash maps counted per value. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __s32);
	__type(value, __u64);
} args SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __s32);
	__type(value, __u64);
} rets SEC(".maps");

static __always_inline void count(void *map, __s32 key)
{
	__u64 one = 1, *n = bpf_map_lookup_elem(map, &key);

	if (n)
		__sync_fetch_and_add(n, 1);
	else
		bpf_map_update_elem(map, &key, &one, BPF_NOEXIST);
}

SEC("uprobe")
int BPF_KPROBE(on_entry, int x)
{
	count(&args, x);
	return 0;
}

SEC("uretprobe")
int BPF_KRETPROBE(on_return, int ret)
{
	count(&rets, ret);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
