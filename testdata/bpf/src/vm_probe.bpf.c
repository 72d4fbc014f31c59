// SPDX-License-Identifier: GPL-2.0
/* wbpf test fixture: programs for the VM's own event sources (no kernel needed).
 * Exercises: SEC("raw_tp/NAME") on an application probe, SEC("usdt/PROVIDER:NAME") with the
 * arguments in pt_regs, SEC("perf_event") on a VM timer, SEC("tp/jvm/file_write") on a JFR event
 * with a ring buffer record per event, and a SEC("socket") filter that truncates. Plain uapi headers (no vmlinux.h): the VM's context layouts
 * are fixed, no CO-RE involved. */
#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

enum {
	CNT_REQUESTS,		/* raw_tp/request runs */
	CNT_ARG_SUM,		/* sum of args[0] + args[5] */
	CNT_USDT,		/* usdt/myapp:request runs */
	CNT_USDT_SUM,		/* sum of the second argument (rsi) */
	CNT_SAMPLES,		/* perf_event runs */
	CNT_PERIOD,		/* last sample_period */
	CNT_FILE_WRITES,	/* tp/jvm/file_write runs */
	CNT_FILE_BYTES,		/* sum of bytes written */
	CNT_MAX,
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, CNT_MAX);
	__type(key, __u32);
	__type(value, __u64);
} counts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096 * 16);
} file_events SEC(".maps");

/* x86-64 struct pt_regs, as the VM presents it to usdt programs */
struct regs {
	__u64 r15, r14, r13, r12, bp, bx, r11, r10, r9, r8, ax, cx, dx, si, di, orig_ax, ip, cs, flags, sp, ss;
};

/* struct bpf_perf_event_data */
struct perf_ctx {
	struct regs regs;
	__u64 sample_period;
	__u64 addr;
};

/* jvm/file_write, see dev.wbpf.vm.hook.JvmTracepoints */
struct jvm_file {
	__u16 common_type;
	__u8 flags;
	__u8 preempt_count;
	__s32 common_pid;
	__s64 duration_ns;
	__s64 bytes;
	__u64 thread_id;
	__u8 end_of_file;
	__u8 pad[7];
	char path[88];
};

struct file_event {
	__s64 bytes;
	char path[88];
};

static __always_inline void add(__u32 idx, __u64 v)
{
	__u64 *c = bpf_map_lookup_elem(&counts, &idx);

	if (c)
		__sync_fetch_and_add(c, v);
}

SEC("raw_tp/request")
int count_request(struct bpf_raw_tracepoint_args *ctx)
{
	add(CNT_REQUESTS, 1);
	add(CNT_ARG_SUM, ctx->args[0] + ctx->args[5]);
	return 0;
}

SEC("usdt/myapp:request")
int usdt_request(struct regs *ctx)
{
	add(CNT_USDT, 1);
	add(CNT_USDT_SUM, ctx->si);
	return 0;
}

SEC("perf_event")
int tick(struct perf_ctx *ctx)
{
	__u32 idx = CNT_PERIOD;
	__u64 *p;

	add(CNT_SAMPLES, 1);
	p = bpf_map_lookup_elem(&counts, &idx);
	if (p)
		*p = ctx->sample_period;
	return 0;
}

SEC("tp/jvm/file_write")
int file_write(struct jvm_file *ctx)
{
	struct file_event *e;

	add(CNT_FILE_WRITES, 1);
	add(CNT_FILE_BYTES, ctx->bytes);
	e = bpf_ringbuf_reserve(&file_events, sizeof(*e), 0);
	if (!e)
		return 0;
	e->bytes = ctx->bytes;
	__builtin_memcpy(e->path, ctx->path, sizeof(e->path));
	bpf_ringbuf_submit(e, 0);
	return 0;
}

/* a socket that takes the Ethernet + IPv4 headers (34 bytes) of IPv4 frames and nothing else */
SEC("socket")
int snap_ipv4_headers(struct __sk_buff *skb)
{
	return skb->protocol == __builtin_bswap16(0x0800) ? 34 : 0;
}

char LICENSE[] SEC("license") = "GPL";
