// SPDX-License-Identifier: GPL-2.0
/* wbpf test fixture: legacy map definitions (pre-BTF style).
 * Exercises: SEC("maps") with struct bpf_map_def (no BTF key/value types), legacy
 * "kprobe/"-free tracepoint section, old-style helper use. libbpf >= 1.0 refuses SEC("maps"). */
#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

/* libbpf 1.x removed this struct from bpf_helpers.h; define the classic layout here */
struct bpf_map_def {
	unsigned int type;
	unsigned int key_size;
	unsigned int value_size;
	unsigned int max_entries;
	unsigned int map_flags;
};

struct bpf_map_def SEC("maps") counts = {
	.type = BPF_MAP_TYPE_HASH,
	.key_size = sizeof(__u32),
	.value_size = sizeof(__u64),
	.max_entries = 1024,
};

struct bpf_map_def SEC("maps") scratch = {
	.type = BPF_MAP_TYPE_PERCPU_ARRAY,
	.key_size = sizeof(__u32),
	.value_size = 64,
	.max_entries = 1,
};

struct bpf_map_def SEC("maps") jmp_table = {
	.type = BPF_MAP_TYPE_PROG_ARRAY,
	.key_size = sizeof(__u32),
	.value_size = sizeof(__u32),
	.max_entries = 8,
};

struct bpf_map_def SEC("maps") perf_out = {
	.type = BPF_MAP_TYPE_PERF_EVENT_ARRAY,
	.key_size = sizeof(int),
	.value_size = sizeof(__u32),
	.max_entries = 0,
	.map_flags = 0,
};

SEC("tracepoint/syscalls/sys_enter_write")
int legacy_count(void *ctx)
{
	__u32 pid = bpf_get_current_pid_tgid() >> 32, zero = 0;
	__u64 *val, one = 1;
	char *buf;

	val = bpf_map_lookup_elem(&counts, &pid);
	if (val)
		__sync_fetch_and_add(val, 1);
	else
		bpf_map_update_elem(&counts, &pid, &one, BPF_ANY);

	buf = bpf_map_lookup_elem(&scratch, &zero);
	if (buf) {
		bpf_get_current_comm(buf, 16);
		bpf_perf_event_output(ctx, &perf_out, BPF_F_CURRENT_CPU, buf, 16);
	}
	bpf_tail_call(ctx, &jmp_table, pid & 7);
	return 0;
}

char _license[] SEC("license") = "GPL";
__u32 _version SEC("version") = 0xFFFFFFFE;
