// SPDX-License-Identifier: GPL-2.0
/* jvmwatch: the JVM that runs wbpf, watched through the VM's tp/jvm/EVENT tracepoints (JFR events):
 * GC pauses per cause and file I/O per path in hash maps, thread starts through a ring buffer. */
#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "wbpf-jvm.h"
#include "jvmwatch.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_CAUSES);
	__type(key, struct gc_key);
	__type(value, struct gc_stats);
} gcs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_FILES);
	__type(key, struct file_key);
	__type(value, struct file_stats);
} files SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 64 * 1024);
} threads SEC(".maps");

/* The value for key, created zeroed when missing; NULL when the map is full. */
static __always_inline void *lookup_or_create(void *map, const void *key, const void *zero)
{
	void *v = bpf_map_lookup_elem(map, key);

	if (v)
		return v;
	bpf_map_update_elem(map, key, zero, BPF_NOEXIST);
	return bpf_map_lookup_elem(map, key);
}

SEC("tp/jvm/gc")
int on_gc(struct jvm_gc *ctx)
{
	static const struct gc_stats zero;
	struct gc_key key;
	struct gc_stats *s;
	__s64 longest = ctx->longest_pause_ns;

	__builtin_memcpy(key.cause, ctx->cause, sizeof(key.cause));
	s = lookup_or_create(&gcs, &key, &zero);
	if (!s)
		return 0;
	__sync_fetch_and_add(&s->count, 1);
	__sync_fetch_and_add(&s->pause_ns, ctx->sum_of_pauses_ns);
	if (longest > 0 && (__u64)longest > s->longest_ns)
		s->longest_ns = longest; /* one JFR thread runs the program: no race to lose */
	return 0;
}

static __always_inline int count_file(struct jvm_file_io *ctx, int write)
{
	static const struct file_stats zero;
	struct file_key key;
	struct file_stats *s;

	__builtin_memcpy(key.path, ctx->path, sizeof(key.path));
	s = lookup_or_create(&files, &key, &zero);
	if (!s)
		return 0;
	if (write) {
		__sync_fetch_and_add(&s->writes, 1);
		__sync_fetch_and_add(&s->write_bytes, ctx->bytes);
	} else if (ctx->bytes > 0) {
		__sync_fetch_and_add(&s->reads, 1);
		__sync_fetch_and_add(&s->read_bytes, ctx->bytes);
	}
	return 0;
}

SEC("tp/jvm/file_read")
int on_file_read(struct jvm_file_io *ctx)
{
	return count_file(ctx, 0);
}

SEC("tp/jvm/file_write")
int on_file_write(struct jvm_file_io *ctx)
{
	return count_file(ctx, 1);
}

SEC("tp/jvm/thread_start")
int on_thread_start(struct jvm_thread *ctx)
{
	struct thread_event *e = bpf_ringbuf_reserve(&threads, sizeof(*e), 0);

	if (!e)
		return 0;
	e->thread_id = ctx->thread_id;
	e->parent_thread_id = ctx->parent_thread_id;
	__builtin_memcpy(e->name, ctx->name, sizeof(e->name));
	bpf_ringbuf_submit(e, 0);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
