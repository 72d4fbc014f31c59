// SPDX-License-Identifier: GPL-2.0
/* wbpf benchmark program: the Internet checksum (RFC 1071) over a whole packet of up to 1500
 * bytes, 16 bits at a time with a bounds check per word. XDP so that the kernel can test-run it. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

__u64 csum_result;

SEC("xdp")
int bench_csum(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	__u32 sum = 0;
	int i;

	for (i = 0; i < 750; i++) {
		__u16 *p = data + i * 2;

		if ((void *)(p + 1) > data_end)
			break;
		sum += *p;
	}
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	csum_result = (__u16)~sum;
	return (sum & 1) ? XDP_PASS : XDP_DROP;
}

char LICENSE[] SEC("license") = "GPL";
