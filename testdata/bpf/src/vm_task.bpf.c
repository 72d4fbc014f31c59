// SPDX-License-Identifier: GPL-2.0
/* wbpf test fixture: CO-RE reads of the current task_struct, for the VM's kernel object model.
 * Exercises: bpf_get_current_task, BPF_CORE_READ of fields the VM's task_struct has (tgid,
 * real_parent->tgid, start_time, comm) and of one it lacks (prio): read unconditionally (the VM
 * refuses the poisoned relocation) and behind bpf_core_field_exists (the VM skips it). */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

struct task_seen {
	__u32 tgid;
	__u32 ppid;
	__u64 start_time;
	__s64 prio;
	char comm[16];
};

struct task_seen seen;

SEC("tp/sched/sched_process_exec")
int read_task(void *ctx)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();

	seen.tgid = BPF_CORE_READ(task, tgid);
	seen.ppid = BPF_CORE_READ(task, real_parent, tgid);
	seen.start_time = BPF_CORE_READ(task, start_time);
	BPF_CORE_READ_STR_INTO(&seen.comm, task, comm);
	if (bpf_core_field_exists(task->prio))
		seen.prio = BPF_CORE_READ(task, prio);
	else
		seen.prio = -1;
	return 0;
}

SEC("tp/sched/sched_process_exec")
int read_prio(void *ctx)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();

	seen.prio = BPF_CORE_READ(task, prio);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
