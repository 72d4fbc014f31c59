// SPDX-License-Identifier: GPL-2.0
/* wbpf test fixture: a tc (sched_cls) classifier.
 * Exercises: SEC("tc"), __sk_buff data/data_end direct packet access at the link layer,
 * Ethernet/VLAN/IPv4/IPv6/TCP/UDP parsing, a packet rewrite (IPv4 TTL decrement with an
 * incremental header checksum update), skb->mark and skb->priority writes, per-class counters in
 * a hash map, TC_ACT_OK / TC_ACT_SHOT verdicts. Used by the kernel-vs-VM parity tests. */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/in.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

enum cls { CLS_OTHER = 1, CLS_IPV4_TCP, CLS_IPV4_UDP, CLS_IPV6, CLS_DNS, CLS_BAD };

struct vlan_hdr {
	__be16 tci;
	__be16 proto;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, __u64);
} class_counts SEC(".maps");

__u64 bytes_seen;

static __always_inline void count(__u32 cls)
{
	__u64 one = 1, *v = bpf_map_lookup_elem(&class_counts, &cls);

	if (v)
		__sync_fetch_and_add(v, 1);
	else
		bpf_map_update_elem(&class_counts, &cls, &one, BPF_NOEXIST);
}

static __always_inline int verdict(struct __sk_buff *skb, __u32 cls, int action)
{
	count(cls);
	skb->mark = cls;
	skb->priority = cls * 10;
	return action;
}

SEC("tc")
int tc_classify(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	struct ethhdr *eth = data;
	__u16 proto;
	void *l3;

	bytes_seen += skb->len;
	if ((void *)(eth + 1) > data_end)
		return verdict(skb, CLS_BAD, TC_ACT_SHOT);
	proto = eth->h_proto;
	l3 = eth + 1;
	if (proto == bpf_htons(ETH_P_8021Q)) {
		struct vlan_hdr *vh = l3;

		if ((void *)(vh + 1) > data_end)
			return verdict(skb, CLS_BAD, TC_ACT_SHOT);
		proto = vh->proto;
		l3 = vh + 1;
	}
	if (proto == bpf_htons(ETH_P_IP)) {
		struct iphdr *iph = l3;
		__u32 csum;

		if ((void *)(iph + 1) > data_end)
			return verdict(skb, CLS_BAD, TC_ACT_SHOT);
		if (iph->ttl <= 1)
			return verdict(skb, CLS_BAD, TC_ACT_SHOT);
		/* ttl is the high byte of the 16-bit word it shares with protocol (RFC 1624) */
		csum = (__u16)~bpf_ntohs(iph->check);
		csum += (__u16)~(__u16)(iph->ttl << 8);
		iph->ttl--;
		csum += (__u16)(iph->ttl << 8);
		csum = (csum & 0xffff) + (csum >> 16);
		csum = (csum & 0xffff) + (csum >> 16);
		iph->check = bpf_htons((__u16)~csum);
		if (iph->protocol == IPPROTO_TCP)
			return verdict(skb, CLS_IPV4_TCP, TC_ACT_OK);
		if (iph->protocol == IPPROTO_UDP) {
			struct udphdr *uh = (void *)iph + iph->ihl * 4;

			if (iph->ihl < 5 || (void *)(uh + 1) > data_end)
				return verdict(skb, CLS_BAD, TC_ACT_SHOT);
			if (uh->dest == bpf_htons(53))
				return verdict(skb, CLS_DNS, TC_ACT_OK);
			if (uh->dest == bpf_htons(9))
				return verdict(skb, CLS_IPV4_UDP, TC_ACT_SHOT);
			return verdict(skb, CLS_IPV4_UDP, TC_ACT_OK);
		}
		return verdict(skb, CLS_OTHER, TC_ACT_OK);
	}
	if (proto == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr *ip6 = l3;

		if ((void *)(ip6 + 1) > data_end)
			return verdict(skb, CLS_BAD, TC_ACT_SHOT);
		if (ip6->hop_limit <= 1)
			return verdict(skb, CLS_BAD, TC_ACT_SHOT);
		ip6->hop_limit--;
		return verdict(skb, CLS_IPV6, TC_ACT_OK);
	}
	return verdict(skb, CLS_OTHER, TC_ACT_OK);
}

char LICENSE[] SEC("license") = "GPL";
