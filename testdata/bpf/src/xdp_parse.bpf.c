// SPDX-License-Identifier: GPL-2.0
/* wbpf test fixture: XDP packet parser.
 * Exercises: SEC("xdp"), direct packet access with bounds checks, Ethernet/VLAN/IPv4/IPv6/TCP/UDP
 * headers, per-CPU array counters, config-driven XDP_PASS/XDP_DROP, bpf_endian helpers. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#define ETH_P_IP	0x0800
#define ETH_P_IPV6	0x86DD
#define ETH_P_8021Q	0x8100
#define ETH_P_8021AD	0x88A8
#define IPPROTO_HOPOPTS	0
#define IPPROTO_ROUTING	43
#define IPPROTO_DSTOPTS	60
#define IPPROTO_ICMPV6	58

enum counter {
	CNT_TOTAL,
	CNT_NON_IP,
	CNT_IPV4,
	CNT_IPV6,
	CNT_TCP,
	CNT_UDP,
	CNT_ICMP,
	CNT_MALFORMED,
	CNT_DROPPED,
	CNT_MAX,
};

struct datarec {
	__u64 packets;
	__u64 bytes;
};

/* configuration, set by the loader before load */
const volatile __u16 drop_udp_dport = 0;   /* host order, 0 = disabled */
const volatile __u16 drop_tcp_dport = 0;
const volatile bool drop_ipv6 = false;
const volatile bool drop_fragments = false;

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, CNT_MAX);
	__type(key, __u32);
	__type(value, struct datarec);
} counters SEC(".maps");

struct hdr_cursor {
	void *pos;
};

static __always_inline void count(__u32 idx, __u64 bytes)
{
	struct datarec *rec = bpf_map_lookup_elem(&counters, &idx);

	if (rec) {
		rec->packets++;
		rec->bytes += bytes;
	}
}

static __always_inline int parse_ethhdr(struct hdr_cursor *nh, void *data_end, __u16 *proto)
{
	struct ethhdr *eth = nh->pos;
	struct vlan_hdr *vlh;
	__u16 h_proto;
	int i;

	if ((void *)(eth + 1) > data_end)
		return -1;
	nh->pos = eth + 1;
	h_proto = eth->h_proto;

#pragma unroll
	for (i = 0; i < 2; i++) {
		if (h_proto != bpf_htons(ETH_P_8021Q) && h_proto != bpf_htons(ETH_P_8021AD))
			break;
		vlh = nh->pos;
		if ((void *)(vlh + 1) > data_end)
			return -1;
		h_proto = vlh->h_vlan_encapsulated_proto;
		nh->pos = vlh + 1;
	}
	*proto = bpf_ntohs(h_proto);
	return 0;
}

static __always_inline int parse_iphdr(struct hdr_cursor *nh, void *data_end, __u8 *l4proto,
				       bool *frag)
{
	struct iphdr *iph = nh->pos;
	int hdrsize;

	if ((void *)(iph + 1) > data_end)
		return -1;
	hdrsize = iph->ihl * 4;
	if (hdrsize < (int)sizeof(*iph))
		return -1;
	if (nh->pos + hdrsize > data_end)
		return -1;
	nh->pos += hdrsize;
	*frag = (iph->frag_off & bpf_htons(0x3FFF)) != 0;
	*l4proto = iph->protocol;
	return 0;
}

static __always_inline int parse_ip6hdr(struct hdr_cursor *nh, void *data_end, __u8 *l4proto)
{
	struct ipv6hdr *ip6h = nh->pos;
	struct ipv6_opt_hdr *opt;
	__u8 next;
	int i;

	if ((void *)(ip6h + 1) > data_end)
		return -1;
	nh->pos = ip6h + 1;
	next = ip6h->nexthdr;

	/* skip a bounded number of extension headers */
#pragma unroll
	for (i = 0; i < 4; i++) {
		if (next != IPPROTO_HOPOPTS && next != IPPROTO_ROUTING && next != IPPROTO_DSTOPTS)
			break;
		opt = nh->pos;
		if ((void *)(opt + 1) > data_end)
			return -1;
		next = opt->nexthdr;
		nh->pos += (opt->hdrlen + 1) * 8;
	}
	*l4proto = next;
	return 0;
}

SEC("xdp")
int xdp_parse_prog(struct xdp_md *ctx)
{
	void *data_end = (void *)(long)ctx->data_end;
	void *data = (void *)(long)ctx->data;
	struct hdr_cursor nh = { .pos = data };
	__u64 bytes = data_end - data;
	__u16 proto, dport;
	__u8 l4 = 0;
	bool frag = false;
	struct tcphdr *tcph;
	struct udphdr *udph;

	count(CNT_TOTAL, bytes);
	if (parse_ethhdr(&nh, data_end, &proto) < 0)
		goto malformed;

	if (proto == ETH_P_IP) {
		count(CNT_IPV4, bytes);
		if (parse_iphdr(&nh, data_end, &l4, &frag) < 0)
			goto malformed;
		if (frag && drop_fragments)
			goto drop;
	} else if (proto == ETH_P_IPV6) {
		count(CNT_IPV6, bytes);
		if (drop_ipv6)
			goto drop;
		if (parse_ip6hdr(&nh, data_end, &l4) < 0)
			goto malformed;
	} else {
		count(CNT_NON_IP, bytes);
		return XDP_PASS;
	}

	switch (l4) {
	case IPPROTO_TCP:
		count(CNT_TCP, bytes);
		tcph = nh.pos;
		if ((void *)(tcph + 1) > data_end)
			goto malformed;
		if (tcph->doff < 5)
			goto malformed;
		dport = bpf_ntohs(tcph->dest);
		if (drop_tcp_dport && dport == drop_tcp_dport && tcph->syn && !tcph->ack)
			goto drop;
		break;
	case IPPROTO_UDP:
		count(CNT_UDP, bytes);
		udph = nh.pos;
		if ((void *)(udph + 1) > data_end)
			goto malformed;
		dport = bpf_ntohs(udph->dest);
		if (drop_udp_dport && dport == drop_udp_dport)
			goto drop;
		break;
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		count(CNT_ICMP, bytes);
		break;
	default:
		break;
	}
	return XDP_PASS;

malformed:
	count(CNT_MALFORMED, bytes);
	return XDP_PASS;
drop:
	count(CNT_DROPPED, bytes);
	return XDP_DROP;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
