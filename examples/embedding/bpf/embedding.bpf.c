// SPDX-License-Identifier: GPL-2.0
/* The embedding example's BPF object (examples/embedding): one event per exec on the kernel
 * (tracepoint syscalls/sys_enter_execve) or per application probe `work` on the VM
 * (raw_tp/work, fired by the Java application through VmProbes), sent through a ring buffer and
 * a perf buffer, counted per CPU and per command name; a config map written from Java switches
 * it on and tags the events. Plain uapi headers (no vmlinux.h): nothing here needs CO-RE. */
#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define TASK_COMM_LEN 16
#define FILENAME_LEN 64
#define TAG_LEN 12

enum event_kind {
	KIND_EXEC = 1,
	KIND_PROBE = 2,
};

struct event {
	__u32 pid;
	__u32 kind;
	__u64 value;
	char comm[TASK_COMM_LEN];
	char filename[FILENAME_LEN];
	char tag[TAG_LEN];
};

/* clang emits BTF only for the types of maps, globals and functions: this keeps struct event in
 * the object's BTF, where the Java application's record codec checks its layout */
struct event *unused_event __attribute__((unused));

struct config {
	__u32 enabled;
	char tag[TAG_LEN];
};

/* the tracepoint's context: the common header, the syscall number, then its six arguments */
struct sys_enter_ctx {
	__u64 common;
	__s64 id;
	__u64 args[6];
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} events SEC(".maps");

/* the same events again, for readers of perf buffers */
struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} perf_events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct config);
} config SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} event_count SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, char[TASK_COMM_LEN]);
	__type(value, __u64);
} per_comm SEC(".maps");

/* Fills *e (1) unless the config map says the programs are off (0); counts it per CPU and per command. */
static __always_inline int start_event(struct event *e, __u32 kind)
{
	__u32 zero = 0;
	struct config *cfg = bpf_map_lookup_elem(&config, &zero);
	__u64 *count, one = 1, *seen;

	if (!cfg || !cfg->enabled)
		return 0;
	count = bpf_map_lookup_elem(&event_count, &zero);
	if (count)
		*count += 1;
	__builtin_memset(e, 0, sizeof(*e));
	e->pid = bpf_get_current_pid_tgid() >> 32;
	e->kind = kind;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	__builtin_memcpy(e->tag, cfg->tag, sizeof(e->tag));
	seen = bpf_map_lookup_elem(&per_comm, e->comm);
	if (seen)
		__sync_fetch_and_add(seen, 1);
	else
		bpf_map_update_elem(&per_comm, e->comm, &one, BPF_NOEXIST);
	return 1;
}

static __always_inline void send(void *ctx, struct event *e)
{
	bpf_ringbuf_output(&events, e, sizeof(*e), 0);
	bpf_perf_event_output(ctx, &perf_events, BPF_F_CURRENT_CPU, e, sizeof(*e));
}

SEC("tp/syscalls/sys_enter_execve")
int on_exec(struct sys_enter_ctx *ctx)
{
	struct event e;

	if (!start_event(&e, KIND_EXEC))
		return 0;
	bpf_probe_read_user_str(e.filename, sizeof(e.filename), (const char *)ctx->args[0]);
	send(ctx, &e);
	return 0;
}

SEC("raw_tp/work")
int on_work(struct bpf_raw_tracepoint_args *ctx)
{
	struct event e;

	if (!start_event(&e, KIND_PROBE))
		return 0;
	e.value = ctx->args[0];
	send(ctx, &e);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
