// SPDX-License-Identifier: GPL-2.0
/* wbpf test fixture: one small program per attach kind, each counting real events into one
 * array map slot so that tests can check that attaching worked.
 * Exercises: tp/ (perf event tracepoint), raw_tp/, tp_btf/ with BPF_PROG, xdp counting UDP
 * packets to a configured port, a socket filter that drops datagrams ending in 'D', kprobe/
 * (loads everywhere; attaching needs the kprobe PMU). */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_tracing.h>

#define ETH_P_IP 0x0800

const volatile __u32 target_tgid = 0;
const volatile __u32 target_tid = 0; /* 0: any thread of target_tgid */
const volatile __u16 udp_port = 0; /* host byte order */

enum slot { WRITES, RAW_SYS_ENTER, BTF_SYS_ENTER, XDP_UDP, SOCK_SEEN, SOCK_DROPPED, KPROBE_HITS, SLOTS };

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, SLOTS);
	__type(key, __u32);
	__type(value, __u64);
} counts SEC(".maps");

static __always_inline void bump(__u32 slot)
{
	__u64 *v = bpf_map_lookup_elem(&counts, &slot);
	if (v)
		__sync_fetch_and_add(v, 1);
}

static __always_inline bool mine(void)
{
	__u64 id = bpf_get_current_pid_tgid();
	return (id >> 32) == target_tgid && (target_tid == 0 || (__u32)id == target_tid);
}

SEC("tp/syscalls/sys_enter_write")
int count_write(void *ctx)
{
	if (mine())
		bump(WRITES);
	return 0;
}

SEC("raw_tp/sys_enter")
int count_raw_sys_enter(void *ctx)
{
	if (mine())
		bump(RAW_SYS_ENTER);
	return 0;
}

SEC("tp_btf/sys_enter")
int BPF_PROG(count_btf_sys_enter, struct pt_regs *regs, long id)
{
	if (mine())
		bump(BTF_SYS_ENTER);
	return 0;
}

SEC("xdp")
int count_udp(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	/* Raw byte offsets, no vmlinux.h structs: those would add CO-RE relocations. */
	__u8 *p = data;
	if ((void *)(p + 14 + 20 + 8) > end)
		return XDP_PASS;
	if (p[12] != 0x08 || p[13] != 0x00)   /* EtherType IPv4 */
		return XDP_PASS;
	if (p[14] != 0x45 || p[14 + 9] != 17) /* IPv4 without options, UDP */
		return XDP_PASS;
	__u16 dport = (__u16)p[14 + 20 + 2] << 8 | p[14 + 20 + 3];
	if (dport == udp_port)
		bump(XDP_UDP);
	return XDP_PASS;
}

SEC("socket")
int drop_marked(struct __sk_buff *skb)
{
	__u8 last = 0;
	if (skb->len < 1 || bpf_skb_load_bytes(skb, skb->len - 1, &last, 1) < 0)
		return skb->len;
	bump(SOCK_SEEN);
	if (last == 'D') {
		bump(SOCK_DROPPED);
		return 0;
	}
	return skb->len;
}

SEC("kprobe/do_unlinkat")
int on_unlinkat(void *ctx)
{
	bump(KPROBE_HITS);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
