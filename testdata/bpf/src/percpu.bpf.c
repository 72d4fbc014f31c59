// SPDX-License-Identifier: GPL-2.0
/* wbpf test fixture: per-CPU and LRU hash maps, pinning and map flags.
 * Exercises: PERCPU_HASH, LRU_HASH, LRU_PERCPU_HASH, PERCPU_ARRAY, pinning by name,
 * BPF_F_NO_PREALLOC, BPF_F_NO_COMMON_LRU, BPF_F_ZERO_SEED / numa node, map_extra-free defs. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

struct key_t {
	__u32 pid;
	__u32 cpu;
};

struct val_t {
	__u64 count;
	__u64 last_ts;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 1024);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, __u32);
	__type(value, struct val_t);
} pcpu_hash SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 2048);
	__type(key, struct key_t);
	__type(value, __u64);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} lru_pinned SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_PERCPU_HASH);
	__uint(max_entries, 512);
	__uint(map_flags, BPF_F_NO_COMMON_LRU);
	__type(key, __u32);
	__type(value, __u64);
} lru_pcpu SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 8);
	__type(key, __u32);
	__type(value, __u64);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} pcpu_arr_pinned SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 256);
	__uint(map_flags, BPF_F_NO_PREALLOC | BPF_F_ZERO_SEED);
	__uint(numa_node, 0);
	__type(key, __u64);
	__type(value, __u32);
} hash_flags SEC(".maps");

SEC("tp/sched/sched_switch")
int count_switch(void *ctx)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 pid = id >> 32, zero = 0;
	struct key_t k = { .pid = pid, .cpu = bpf_get_smp_processor_id() };
	struct val_t *v, nv = { .count = 1 };
	__u64 *c, one = 1, now = bpf_ktime_get_ns();
	__u32 *hf, cpu = k.cpu;

	v = bpf_map_lookup_elem(&pcpu_hash, &pid);
	if (v) {
		v->count++;
		v->last_ts = now;
	} else {
		nv.last_ts = now;
		bpf_map_update_elem(&pcpu_hash, &pid, &nv, BPF_NOEXIST);
	}

	c = bpf_map_lookup_elem(&lru_pinned, &k);
	if (c)
		__sync_fetch_and_add(c, 1);
	else
		bpf_map_update_elem(&lru_pinned, &k, &one, BPF_ANY);

	c = bpf_map_lookup_elem(&lru_pcpu, &pid);
	if (c)
		(*c)++;
	else
		bpf_map_update_elem(&lru_pcpu, &pid, &one, BPF_ANY);

	c = bpf_map_lookup_elem(&pcpu_arr_pinned, &zero);
	if (c)
		(*c)++;

	hf = bpf_map_lookup_elem(&hash_flags, &id);
	if (!hf)
		bpf_map_update_elem(&hash_flags, &id, &cpu, BPF_ANY);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
