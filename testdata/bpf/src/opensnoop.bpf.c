// SPDX-License-Identifier: GPL-2.0
/* wbpf test fixture: openat tracer in the shape of bcc/libbpf-tools opensnoop.
 * Exercises: enter/exit tracepoint pair, hash map keyed by tid, perf event array output. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

#define TASK_COMM_LEN 16
#define NAME_MAX 255

struct args_t {
	__u64 fname_ptr;
	__s32 flags;
	__u32 mode;
};

struct event {
	__u64 ts;
	__u32 pid;
	__u32 uid;
	__s32 ret;
	__s32 flags;
	__u32 mode;
	__u32 _pad;
	char comm[TASK_COMM_LEN];
	char fname[NAME_MAX + 1];
};

const volatile __s32 targ_tgid = 0;
const volatile bool targ_failed = false;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);
	__type(value, struct args_t);
} start SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} events SEC(".maps");

/* per-cpu scratch buffer: struct event is too large for the 512-byte stack */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct event);
} heap SEC(".maps");

SEC("tracepoint/syscalls/sys_enter_openat")
int tracepoint__syscalls__sys_enter_openat(struct trace_event_raw_sys_enter *ctx)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tgid = id >> 32, tid = (__u32)id;
	struct args_t args = {};

	if (targ_tgid && targ_tgid != (__s32)tgid)
		return 0;
	args.fname_ptr = ctx->args[1];
	args.flags = (__s32)ctx->args[2];
	args.mode = (__u32)ctx->args[3];
	bpf_map_update_elem(&start, &tid, &args, BPF_ANY);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_openat")
int tracepoint__syscalls__sys_exit_openat(struct trace_event_raw_sys_exit *ctx)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)id;
	struct args_t *ap;
	struct event *e;
	__u32 zero = 0;
	__s32 ret;

	ap = bpf_map_lookup_elem(&start, &tid);
	if (!ap)
		return 0;
	ret = (__s32)ctx->ret;
	if (targ_failed && ret >= 0)
		goto cleanup;
	e = bpf_map_lookup_elem(&heap, &zero);
	if (!e)
		goto cleanup;

	e->ts = bpf_ktime_get_boot_ns();
	e->pid = id >> 32;
	e->uid = (__u32)bpf_get_current_uid_gid();
	e->ret = ret;
	e->flags = ap->flags;
	e->mode = ap->mode;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	bpf_probe_read_user_str(e->fname, sizeof(e->fname), (const void *)ap->fname_ptr);
	bpf_perf_event_output(ctx, &events, BPF_F_CURRENT_CPU, e, sizeof(*e));
cleanup:
	bpf_map_delete_elem(&start, &tid);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
