/* SPDX-License-Identifier: Apache-2.0 */
/*
 * wbpf-jvm.h - for BPF programs (not Wasm guests): the contexts of the tp/jvm/<event> tracepoints
 * that wbpf's VM backend serves from JDK Flight Recorder events of the JVM it runs in
 * (dev.wbpf.vm.hook.JvmTracepoints). Include it after vmlinux.h or <linux/types.h>:
 *
 *   SEC("tp/jvm/gc")
 *   int on_gc(struct jvm_gc *ctx) { ... ctx->longest_pause_ns ... }
 *
 * Every context is 128 bytes, read-only, little-endian, and starts with the 8-byte header of a
 * kernel tracepoint; common_pid holds the low 32 bits of the Java thread id of the event's thread.
 * Strings are NUL-terminated fixed arrays (longer values are cut). A field the running JDK does not
 * record stays 0. JFR delivers events about once a second, so programs run up to ~1 s after the fact.
 * Only the VM has these tracepoints: on the kernel backend, attaching one fails (no such tracepoint).
 */
#ifndef WBPF_JVM_H
#define WBPF_JVM_H

struct jvm_common {
	__u16 common_type;	/* which jvm/ event, 1-based in the order below */
	__u8 flags;
	__u8 preempt_count;
	__s32 common_pid;	/* Java thread id, low 32 bits */
};

/* jvm/file_read, jvm/file_write (jdk.FileRead, jdk.FileWrite) */
struct jvm_file_io {
	struct jvm_common common;
	__s64 duration_ns;
	__s64 bytes;		/* read (-1 at end of file) or written */
	__u64 thread_id;
	__u8 end_of_file;	/* file_read only */
	__u8 __pad[7];
	char path[88];
};

/* jvm/socket_read, jvm/socket_write (jdk.SocketRead, jdk.SocketWrite) */
struct jvm_socket_io {
	struct jvm_common common;
	__s64 duration_ns;
	__s64 bytes;
	__u64 thread_id;
	__s32 port;
	__u8 end_of_stream;	/* socket_read only */
	__u8 __pad[3];
	__s64 timeout_ms;	/* socket_read only */
	char address[40];
	char host[40];
};

/* jvm/thread_start, jvm/thread_end (jdk.ThreadStart, jdk.ThreadEnd) */
struct jvm_thread {
	struct jvm_common common;
	__u64 thread_id;
	__u64 os_thread_id;
	__u64 parent_thread_id;	/* thread_start only */
	char name[96];
};

/* jvm/gc (jdk.GarbageCollection) */
struct jvm_gc {
	struct jvm_common common;
	__s64 duration_ns;
	__s64 sum_of_pauses_ns;
	__s64 longest_pause_ns;
	__u32 gc_id;
	__u32 __pad;
	char name[32];		/* the collector, e.g. G1New, G1Full */
	char cause[56];		/* e.g. "G1 Evacuation Pause", "System.gc()" */
};

/* jvm/exception_throw (jdk.JavaExceptionThrow) */
struct jvm_exception_throw {
	struct jvm_common common;
	__u64 thread_id;
	char class_name[56];
	char message[56];
};

/* jvm/exception_stats (jdk.ExceptionStatistics, every second) */
struct jvm_exception_stats {
	struct jvm_common common;
	__s64 throwables;	/* created since the JVM started */
};

/* jvm/monitor_wait (jdk.JavaMonitorWait) */
struct jvm_monitor_wait {
	struct jvm_common common;
	__s64 duration_ns;
	__s64 timeout_ms;
	__u64 thread_id;
	__u64 notifier_thread_id;
	__u8 timed_out;
	__u8 __pad[7];
	char monitor_class[80];
};

/* jvm/cpu_load (jdk.CPULoad, every second); parts per million of the machine's CPU time */
struct jvm_cpu_load {
	struct jvm_common common;
	__u32 jvm_user_ppm;
	__u32 jvm_system_ppm;
	__u32 machine_total_ppm;
};

_Static_assert(__builtin_offsetof(struct jvm_file_io, path) == 40 && sizeof(struct jvm_file_io) == 128, "jvm_file_io");
_Static_assert(__builtin_offsetof(struct jvm_socket_io, host) == 88 && sizeof(struct jvm_socket_io) == 128, "jvm_socket_io");
_Static_assert(__builtin_offsetof(struct jvm_thread, name) == 32 && sizeof(struct jvm_thread) == 128, "jvm_thread");
_Static_assert(__builtin_offsetof(struct jvm_gc, cause) == 72 && sizeof(struct jvm_gc) == 128, "jvm_gc");
_Static_assert(__builtin_offsetof(struct jvm_exception_throw, message) == 72, "jvm_exception_throw");
_Static_assert(__builtin_offsetof(struct jvm_monitor_wait, monitor_class) == 48, "jvm_monitor_wait");
_Static_assert(__builtin_offsetof(struct jvm_cpu_load, machine_total_ppm) == 16, "jvm_cpu_load");

#endif
