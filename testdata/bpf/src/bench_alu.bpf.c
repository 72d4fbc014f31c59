// SPDX-License-Identifier: GPL-2.0
/* wbpf benchmark program: a tight arithmetic loop (xorshift64 and an FNV-1a style mix,
 * 1000 rounds), seeded from the packet length. XDP so that the kernel can test-run it. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

__u64 alu_result;

SEC("xdp")
int bench_alu(struct xdp_md *ctx)
{
	__u64 x = 0x9e3779b97f4a7c15ULL ^ (__u64)(ctx->data_end - ctx->data);
	__u64 h = 0xcbf29ce484222325ULL;
	int i;

	for (i = 0; i < 1000; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		h ^= x & 0xff;
		h *= 0x100000001b3ULL;
	}
	alu_result = h;
	return (h & 1) ? XDP_PASS : XDP_DROP;
}

char LICENSE[] SEC("license") = "GPL";
