// SPDX-License-Identifier: GPL-2.0
/* wbpf test fixture: user-space probes in the shape of bashreadline / funclatency.
 * Exercises: SEC("uprobe"), SEC("uretprobe"), explicit "uprobe//bin/bash:readline" targets,
 * BPF_UPROBE/BPF_URETPROBE/BPF_KPROBE macros (pt_regs argument access), per-CPU hash,
 * perf event output of strings. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

/* BPF_UPROBE/BPF_URETPROBE arrived in libbpf 1.2; Debian 12 ships libbpf 1.1 headers */
#ifndef BPF_UPROBE
#define BPF_UPROBE(name, args...) BPF_KPROBE(name, ##args)
#endif
#ifndef BPF_URETPROBE
#define BPF_URETPROBE(name, args...) BPF_KRETPROBE(name, ##args)
#endif

#define MAX_LINE_SIZE 80
#define MAX_SLOTS 32

struct line_event {
	__u32 pid;
	__u32 _pad;
	char comm[16];
	char line[MAX_LINE_SIZE];
};

struct call_stats {
	__u64 calls;
	__u64 total_ns;
	__u64 max_ns;
	__u64 bytes;
};

const volatile __s32 targ_pid = 0;

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} lines SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8192);
	__type(key, __u32);
	__type(value, __u64);
} entry_ts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 64);
	__type(key, __u64);       /* function cookie */
	__type(value, struct call_stats);
} stats SEC(".maps");

static __always_inline bool skip_pid(void)
{
	return targ_pid && (bpf_get_current_pid_tgid() >> 32) != (__u32)targ_pid;
}

SEC("uretprobe//bin/bash:readline")
int BPF_URETPROBE(printret, const void *ret)
{
	struct line_event ev = {};

	if (!ret || skip_pid())
		return 0;
	bpf_get_current_comm(&ev.comm, sizeof(ev.comm));
	if (ev.comm[0] != 'b' || ev.comm[1] != 'a' || ev.comm[2] != 's' || ev.comm[3] != 'h' ||
	    ev.comm[4] != 0)
		return 0;
	ev.pid = bpf_get_current_pid_tgid() >> 32;
	bpf_probe_read_user_str(&ev.line, sizeof(ev.line), ret);
	bpf_perf_event_output(ctx, &lines, BPF_F_CURRENT_CPU, &ev, sizeof(ev));
	return 0;
}

static __always_inline void record_entry(void)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	__u64 ts = bpf_ktime_get_ns();

	bpf_map_update_elem(&entry_ts, &tid, &ts, BPF_ANY);
}

static __always_inline void record_exit(__u64 cookie, __u64 bytes)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct call_stats *st, zero = {};
	__u64 *tsp, delta;

	tsp = bpf_map_lookup_elem(&entry_ts, &tid);
	if (!tsp)
		return;
	delta = bpf_ktime_get_ns() - *tsp;
	bpf_map_delete_elem(&entry_ts, &tid);

	st = bpf_map_lookup_elem(&stats, &cookie);
	if (!st) {
		bpf_map_update_elem(&stats, &cookie, &zero, BPF_NOEXIST);
		st = bpf_map_lookup_elem(&stats, &cookie);
		if (!st)
			return;
	}
	st->calls++;
	st->total_ns += delta;
	if (delta > st->max_ns)
		st->max_ns = delta;
	st->bytes += bytes;
}

/* generic uprobe: attach target supplied at attach time */
SEC("uprobe")
int BPF_UPROBE(malloc_enter, size_t size)
{
	if (skip_pid())
		return 0;
	record_entry();
	return 0;
}

SEC("uretprobe")
int BPF_URETPROBE(malloc_exit, void *ret)
{
	if (skip_pid())
		return 0;
	record_exit(bpf_get_attach_cookie(ctx), ret ? 1 : 0);
	return 0;
}

/* explicit binary:symbol+offset targets, libc resolution by libbpf */
SEC("uprobe/libc.so.6:write")
int BPF_KPROBE(write_enter, int fd, const void *buf, size_t count)
{
	if (skip_pid())
		return 0;
	record_entry();
	return 0;
}

SEC("uretprobe/libc.so.6:write")
int BPF_KRETPROBE(write_exit, long ret)
{
	if (skip_pid())
		return 0;
	record_exit(2, ret > 0 ? ret : 0);
	return 0;
}

SEC("uprobe//bin/bash:readline+0")
int BPF_UPROBE(readline_enter, const char *prompt)
{
	char buf[16] = {};

	if (prompt)
		bpf_probe_read_user_str(buf, sizeof(buf), prompt);
	record_entry();
	return buf[0];
}

char LICENSE[] SEC("license") = "GPL";
