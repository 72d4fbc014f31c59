// SPDX-License-Identifier: GPL-2.0
/* wbpf test fixture: maps of maps.
 * Exercises: BPF_MAP_TYPE_ARRAY_OF_MAPS and HASH_OF_MAPS with __array(values, ...) inner
 * map definitions, static initialisation of outer map slots (relocations in .maps),
 * two-level lookups. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

struct inner_map {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} inner_a SEC(".maps"), inner_b SEC(".maps");

struct inner_hash {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 128);
	__type(key, __u32);
	__type(value, __u32);
} inner_h SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 4);
	__type(key, __u32);
	__array(values, struct inner_map);
} outer_arr SEC(".maps") = {
	.values = { &inner_a, [2] = &inner_b },
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH_OF_MAPS);
	__uint(max_entries, 8);
	__type(key, __u32);
	__array(values, struct inner_hash);
} outer_hash SEC(".maps") = {
	.values = { [1] = &inner_h },
};

/* outer map with an anonymous inline inner definition and no static init */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 2);
	__type(key, __u32);
	__array(values, struct {
		__uint(type, BPF_MAP_TYPE_RINGBUF);
		__uint(max_entries, 4096);
	});
} outer_rb SEC(".maps");

SEC("raw_tp/sys_enter")
int lookup_nested(struct bpf_raw_tracepoint_args *ctx)
{
	__u32 slot = ctx->args[1] & 3, idx = 0, hkey = 1, one = 1;
	__u64 *val;
	__u32 *hv;
	void *inner;

	inner = bpf_map_lookup_elem(&outer_arr, &slot);
	if (inner) {
		val = bpf_map_lookup_elem(inner, &idx);
		if (val)
			__sync_fetch_and_add(val, 1);
	}

	inner = bpf_map_lookup_elem(&outer_hash, &hkey);
	if (inner) {
		hv = bpf_map_lookup_elem(inner, &slot);
		if (hv)
			(*hv)++;
		else
			bpf_map_update_elem(inner, &slot, &one, BPF_NOEXIST);
	}

	idx = 0;
	inner = bpf_map_lookup_elem(&outer_rb, &idx);
	if (inner)
		bpf_ringbuf_output(inner, &slot, sizeof(slot), 0);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
