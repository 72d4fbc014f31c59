/* SPDX-License-Identifier: Apache-2.0 */
/* Maps and records shared by jvmwatch.bpf.c and the guest. */
#ifndef JVMWATCH_H
#define JVMWATCH_H

#define MAX_CAUSES 64
#define MAX_FILES 256

struct gc_key {
	char cause[56];
};

struct gc_stats {
	__u64 count;
	__u64 pause_ns;		/* sum of the pauses */
	__u64 longest_ns;	/* longest single pause */
};

struct file_key {
	char path[88];
};

struct file_stats {
	__u64 reads, read_bytes;
	__u64 writes, write_bytes;
};

struct thread_event {
	__u64 thread_id;
	__u64 parent_thread_id;
	char name[96];
};

#endif
