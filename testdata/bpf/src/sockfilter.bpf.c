// SPDX-License-Identifier: GPL-2.0
/* wbpf test fixture: socket filter in the shape of the bcc/libbpf sockfilter examples.
 * Exercises: SEC("socket"), legacy LD_ABS/LD_IND packet loads (__builtin_bpf_load_byte/half/word),
 * bpf_skb_load_bytes, __sk_buff context fields, hash map of per-protocol counts. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#define ETH_HLEN	14
#define ETH_P_IP	0x0800
#define IP_MF		0x2000
#define IP_OFFSET	0x1FFF
/* Plain constants, not offsetof(): vmlinux.h types carry preserve_access_index, so offsetof()
 * on them becomes a CO-RE relocation in a register and LD_ABS degrades to LD_IND. */
#define ETH_PROTO_OFF	12
#define IP_FRAG_OFF	6
#define IP_PROTO_OFF	9

/* old-style byte/half/word loads from the packet, compiled to BPF_LD | BPF_ABS / BPF_IND */
unsigned long long load_byte(void *skb, unsigned long long off) asm("llvm.bpf.load.byte");
unsigned long long load_half(void *skb, unsigned long long off) asm("llvm.bpf.load.half");
unsigned long long load_word(void *skb, unsigned long long off) asm("llvm.bpf.load.word");

struct proto_stats {
	__u64 packets;
	__u64 bytes;
};

struct flow_key {
	__u32 saddr;
	__u32 daddr;
	__u16 sport;
	__u16 dport;
	__u8 proto;
	__u8 _pad[3];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 256);
	__type(key, __u32);
	__type(value, struct proto_stats);
} proto_counts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, struct flow_key);
	__type(value, __u64);
} flows SEC(".maps");

static __always_inline int ip_is_fragment(struct __sk_buff *skb, __u32 nhoff)
{
	return load_half(skb, nhoff + IP_FRAG_OFF) & (IP_MF | IP_OFFSET);
}

SEC("socket")
int socket_count(struct __sk_buff *skb)
{
	struct proto_stats *st, init = {};
	__u32 proto;

	if (load_half(skb, ETH_PROTO_OFF) != ETH_P_IP)
		return 0;
	if (ip_is_fragment(skb, ETH_HLEN))
		return 0;

	proto = load_byte(skb, ETH_HLEN + IP_PROTO_OFF);
	st = bpf_map_lookup_elem(&proto_counts, &proto);
	if (!st) {
		bpf_map_update_elem(&proto_counts, &proto, &init, BPF_NOEXIST);
		st = bpf_map_lookup_elem(&proto_counts, &proto);
		if (!st)
			return 0;
	}
	__sync_fetch_and_add(&st->packets, 1);
	__sync_fetch_and_add(&st->bytes, skb->len);
	/* keep the packet (non-zero return = bytes to keep) only for TCP/UDP */
	return (proto == IPPROTO_TCP || proto == IPPROTO_UDP) ? -1 : 0;
}

SEC("socket")
int socket_flows(struct __sk_buff *skb)
{
	struct flow_key key = {};
	struct iphdr iph;
	__u32 ihl_len;
	__u64 *val, one = 1;
	__u16 ports[2];

	if (skb->protocol != bpf_htons(ETH_P_IP))
		return 0;
	if (bpf_skb_load_bytes(skb, ETH_HLEN, &iph, sizeof(iph)) < 0)
		return 0;
	if (iph.frag_off & bpf_htons(IP_MF | IP_OFFSET))
		return 0;
	ihl_len = iph.ihl * 4;
	key.saddr = iph.saddr;
	key.daddr = iph.daddr;
	key.proto = iph.protocol;
	if (iph.protocol == IPPROTO_TCP || iph.protocol == IPPROTO_UDP) {
		if (bpf_skb_load_bytes(skb, ETH_HLEN + ihl_len, ports, sizeof(ports)) < 0)
			return 0;
		key.sport = bpf_ntohs(ports[0]);
		/* LD_IND-style access: variable offset word load */
		key.dport = load_word(skb, ETH_HLEN + ihl_len) & 0xffff;
	}
	val = bpf_map_lookup_elem(&flows, &key);
	if (val)
		__sync_fetch_and_add(val, 1);
	else
		bpf_map_update_elem(&flows, &key, &one, BPF_ANY);
	return skb->len;
}

char LICENSE[] SEC("license") = "GPL";
