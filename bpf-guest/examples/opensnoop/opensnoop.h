/* SPDX-License-Identifier: Apache-2.0 */
/* The event shared by opensnoop.bpf.c and the guest (fixed-width types only). */
#ifndef OPENSNOOP_H
#define OPENSNOOP_H

#define TASK_COMM_LEN 16
#define NAME_MAX 255

struct event {
	__u64 ts_ns;
	__u32 pid;
	__u32 uid;
	__s32 ret;
	__s32 flags;
	char comm[TASK_COMM_LEN];
	char fname[NAME_MAX + 1];
};

#endif
