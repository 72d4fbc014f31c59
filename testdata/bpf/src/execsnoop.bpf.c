// SPDX-License-Identifier: GPL-2.0
/* wbpf test fixture: exec/exit tracer in the shape of libbpf-tools execsnoop/exitsnoop.
 * Exercises: tracepoints, ring buffer, CO-RE reads, hash map, const volatile config. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

#define TASK_COMM_LEN 16
#define MAX_FILENAME_LEN 128
#define MAX_ARGS 8
#define ARG_LEN 32

enum event_kind {
	EVENT_EXEC = 1,
	EVENT_EXIT = 2,
};

struct event {
	__u32 kind;
	__u32 pid;
	__u32 tid;
	__u32 ppid;
	__u32 uid;
	__s32 exit_code;
	__u64 start_ns;
	__u64 duration_ns;
	__u32 args_count;
	__u32 args_size;
	char comm[TASK_COMM_LEN];
	char filename[MAX_FILENAME_LEN];
	char args[MAX_ARGS][ARG_LEN];
};

struct start_info {
	__u64 start_ns;
	__u32 ppid;
	__u32 flags;
};

const volatile __u64 min_duration_ns = 0;
const volatile __s32 targ_pid = 0;
const volatile __u32 targ_uid = (__u32)-1;
const volatile bool ignore_failed = true;

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);
	__type(value, struct start_info);
} starts SEC(".maps");

static __always_inline bool filtered(__u32 pid, __u32 uid)
{
	if (targ_pid && targ_pid != (__s32)pid)
		return true;
	if (targ_uid != (__u32)-1 && targ_uid != uid)
		return true;
	return false;
}

SEC("tp/syscalls/sys_enter_execve")
int handle_execve(struct trace_event_raw_sys_enter *ctx)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 pid = id >> 32, tid = (__u32)id;
	__u32 uid = (__u32)bpf_get_current_uid_gid();
	struct task_struct *task;
	struct start_info si = {};
	struct event *e;
	const char **argv;
	const char *argp;
	int i;

	if (filtered(pid, uid))
		return 0;

	task = (struct task_struct *)bpf_get_current_task();
	si.start_ns = bpf_ktime_get_ns();
	si.ppid = BPF_CORE_READ(task, real_parent, tgid);
	bpf_map_update_elem(&starts, &pid, &si, BPF_ANY);

	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e)
		return 0;

	e->kind = EVENT_EXEC;
	e->pid = pid;
	e->tid = tid;
	e->ppid = si.ppid;
	e->uid = uid;
	e->exit_code = 0;
	e->start_ns = si.start_ns;
	e->duration_ns = 0;
	e->args_size = 0;
	bpf_get_current_comm(&e->comm, sizeof(e->comm));
	bpf_probe_read_user_str(e->filename, sizeof(e->filename), (const char *)ctx->args[0]);

	argv = (const char **)ctx->args[1];
	e->args_count = 0;
#pragma unroll
	for (i = 0; i < MAX_ARGS; i++) {
		if (bpf_probe_read_user(&argp, sizeof(argp), &argv[i]) || !argp)
			break;
		if (bpf_probe_read_user_str(e->args[i], ARG_LEN, argp) < 0)
			break;
		e->args_count++;
	}
	bpf_ringbuf_submit(e, 0);
	return 0;
}

SEC("tp/sched/sched_process_exit")
int handle_exit(struct trace_event_raw_sched_process_template *ctx)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 pid = id >> 32, tid = (__u32)id;
	struct start_info *si;
	struct task_struct *task;
	struct event *e;
	__u64 now, dur;
	int exit_code;

	/* only report process (thread group leader) exits */
	if (pid != tid)
		return 0;

	si = bpf_map_lookup_elem(&starts, &pid);
	if (!si)
		return 0;
	now = bpf_ktime_get_ns();
	dur = now - si->start_ns;
	if (min_duration_ns && dur < min_duration_ns)
		goto cleanup;

	task = (struct task_struct *)bpf_get_current_task();
	exit_code = BPF_CORE_READ(task, exit_code);
	if (ignore_failed && (exit_code >> 8) != 0)
		goto cleanup;

	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e)
		goto cleanup;
	__builtin_memset(e, 0, sizeof(*e));
	e->kind = EVENT_EXIT;
	e->pid = pid;
	e->tid = tid;
	e->ppid = si->ppid;
	e->uid = (__u32)bpf_get_current_uid_gid();
	e->exit_code = exit_code >> 8;
	e->start_ns = si->start_ns;
	e->duration_ns = dur;
	BPF_CORE_READ_STR_INTO(&e->comm, task, comm);
	bpf_ringbuf_submit(e, BPF_RB_NO_WAKEUP);
cleanup:
	bpf_map_delete_elem(&starts, &pid);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
