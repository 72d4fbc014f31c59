/* SPDX-License-Identifier: Apache-2.0 */
/* The histogram shared by runqlat.bpf.c and the guest (fixed-width types only). */
#ifndef RUNQLAT_H
#define RUNQLAT_H

#define MAX_SLOTS 26
#define TASK_COMM_LEN 16

struct hist {
	__u32 slots[MAX_SLOTS];
	char comm[TASK_COMM_LEN];
};

#endif
