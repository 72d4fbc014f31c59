// SPDX-License-Identifier: GPL-2.0
/* wbpf benchmark program: helper-heavy, 64 hash map updates each followed by a lookup.
 * XDP so that the kernel can test-run it. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 128);
	__type(key, __u32);
	__type(value, __u64);
} bench_hash SEC(".maps");

__u64 maps_result;

SEC("xdp")
int bench_maps(struct xdp_md *ctx)
{
	__u64 acc = 0;
	__u32 i;

	for (i = 0; i < 64; i++) {
		__u32 key = i;
		__u64 val = (__u64)i * 2654435761u + (ctx->data_end - ctx->data);
		__u64 *v;

		bpf_map_update_elem(&bench_hash, &key, &val, BPF_ANY);
		v = bpf_map_lookup_elem(&bench_hash, &key);
		if (v)
			acc += *v;
	}
	maps_result = acc;
	return (acc & 1) ? XDP_PASS : XDP_DROP;
}

char LICENSE[] SEC("license") = "GPL";
