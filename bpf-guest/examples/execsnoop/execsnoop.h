/* SPDX-License-Identifier: Apache-2.0 */
/* The event shared by execsnoop.bpf.c and the guest: fixed-width types only, so the
 * layout is the same for BPF (LP64) and wasm32 (ILP32). */
#ifndef EXECSNOOP_H
#define EXECSNOOP_H

#define TASK_COMM_LEN 16
#define MAX_FILENAME_LEN 128

enum event_kind {
	EVENT_EXEC = 1,
	EVENT_EXIT = 2,
};

struct event {
	__u32 kind;
	__u32 pid;
	__u32 ppid;
	__s32 exit_code;
	__u64 duration_ns;
	char comm[TASK_COMM_LEN];
	char filename[MAX_FILENAME_LEN];
};

#endif
