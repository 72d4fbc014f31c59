// SPDX-License-Identifier: GPL-2.0
/* portfilter: counts TCP and UDP packets per destination port arriving on an interface, drops one port. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "portfilter.h"

#define ETH_P_IP 0x0800
#define ETH_P_IPV6 0x86DD
#define ETH_P_8021Q 0x8100
#define ETH_P_8021AD 0x88A8
#define IPPROTO_TCP 6
#define IPPROTO_UDP 17

/* set by the guest before load: only ports in [min_port, max_port] are counted; drop_port (if not 0) is dropped */
const volatile __u16 min_port = 1;
const volatile __u16 max_port = 65535;
const volatile __u16 drop_port = 0;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_PORTS);
	__type(key, struct pf_key);
	__type(value, struct pf_count);
} stats SEC(".maps");

/* The destination port of a TCP or UDP packet starting at l4, or -1. */
static __always_inline int dest_port(void *l4, void *data_end, __u8 proto)
{
	if (proto == IPPROTO_TCP) {
		struct tcphdr *tcp = l4;

		if ((void *)(tcp + 1) > data_end)
			return -1;
		return bpf_ntohs(tcp->dest);
	}
	if (proto == IPPROTO_UDP) {
		struct udphdr *udp = l4;

		if ((void *)(udp + 1) > data_end)
			return -1;
		return bpf_ntohs(udp->dest);
	}
	return -1;
}

SEC("xdp")
int portfilter(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct pf_key key = {};
	struct pf_count *s;
	__u16 proto;
	void *l3, *l4;
	__u8 l4proto;
	int port;

	if ((void *)(eth + 1) > data_end)
		return XDP_PASS;
	proto = bpf_ntohs(eth->h_proto);
	l3 = eth + 1;
	if (proto == ETH_P_8021Q || proto == ETH_P_8021AD) {
		struct vlan_hdr *vlan = l3;

		if ((void *)(vlan + 1) > data_end)
			return XDP_PASS;
		proto = bpf_ntohs(vlan->h_vlan_encapsulated_proto);
		l3 = vlan + 1;
	}
	if (proto == ETH_P_IP) {
		struct iphdr *ip = l3;

		if ((void *)(ip + 1) > data_end || ip->ihl < 5)
			return XDP_PASS;
		if (ip->frag_off & bpf_htons(0x1fff)) /* a later fragment has no L4 header */
			return XDP_PASS;
		l4proto = ip->protocol;
		l4 = (void *)ip + ip->ihl * 4;
	} else if (proto == ETH_P_IPV6) {
		struct ipv6hdr *ip6 = l3;

		if ((void *)(ip6 + 1) > data_end)
			return XDP_PASS;
		l4proto = ip6->nexthdr; /* extension headers are not followed */
		l4 = ip6 + 1;
	} else {
		return XDP_PASS;
	}
	port = dest_port(l4, data_end, l4proto);
	if (port < 0 || port < min_port || port > max_port)
		return XDP_PASS;

	key.port = port;
	key.proto = l4proto;
	s = bpf_map_lookup_elem(&stats, &key);
	if (!s) {
		struct pf_count zero = {};

		bpf_map_update_elem(&stats, &key, &zero, BPF_NOEXIST);
		s = bpf_map_lookup_elem(&stats, &key);
		if (!s)
			return XDP_PASS; /* the map is full */
	}
	__sync_fetch_and_add(&s->packets, 1);
	__sync_fetch_and_add(&s->bytes, (__u64)(data_end - data));
	return port == drop_port ? XDP_DROP : XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
