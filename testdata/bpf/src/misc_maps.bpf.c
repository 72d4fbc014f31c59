// SPDX-License-Identifier: GPL-2.0
/* wbpf test fixture: less common map types and externs.
 * Exercises: LPM_TRIE (BPF_F_NO_PREALLOC), QUEUE, STACK (no key), PROG_ARRAY with static
 * initialisation and bpf_tail_call, TASK_STORAGE and SK_STORAGE (BPF_F_NO_PREALLOC),
 * __kconfig externs (incl. __weak), kfunc __ksym externs (bpf_task_acquire/release) and a weak
 * untyped __ksym. Typed per-CPU variable ksyms live in ksym.bpf.c (they do not load on a kernel
 * whose kallsyms lacks per-CPU variables). */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

extern int LINUX_KERNEL_VERSION __kconfig;
extern bool CONFIG_BPF_SYSCALL __kconfig __weak;
extern bool CONFIG_XYZ_DOES_NOT_EXIST __kconfig __weak;
extern int CONFIG_HZ __kconfig __weak;
extern enum libbpf_tristate CONFIG_BPF_JIT __kconfig __weak;
extern const char CONFIG_LOCALVERSION[16] __kconfig __weak;

extern struct task_struct *bpf_task_acquire(struct task_struct *p) __ksym;
extern void bpf_task_release(struct task_struct *p) __ksym;
extern const void bpf_prog_active __ksym __weak;

struct lpm_v4_key {
	__u32 prefixlen;
	__u8 addr[4];
};

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 256);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct lpm_v4_key);
	__type(value, __u32);
} routes SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_QUEUE);
	__uint(max_entries, 64);
	__type(value, __u64);
} fifo SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_STACK);
	__uint(max_entries, 64);
	__uint(value_size, sizeof(__u32));
} lifo SEC(".maps");

struct task_info {
	__u64 first_seen;
	__u32 switches;
	__u32 cpu;
};

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct task_info);
} task_store SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_SK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, __u64);
} sk_store SEC(".maps");

int tail_stage1(void *ctx);
int tail_stage2(void *ctx);

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 4);
	__uint(key_size, sizeof(__u32));
	__array(values, int (void *));
} jmp_table SEC(".maps") = {
	.values = {
		[1] = (void *)&tail_stage1,
		[2] = (void *)&tail_stage2,
	},
};

__u64 kver_seen;
__u64 prio_seen;
__u32 hz_seen;

SEC("tp_btf/sched_switch")
int BPF_PROG(misc_switch, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	struct task_info *ti;
	struct task_struct *acq;
	__u64 v;
	__u32 cpu = bpf_get_smp_processor_id();

	kver_seen = LINUX_KERNEL_VERSION;
	if (CONFIG_XYZ_DOES_NOT_EXIST)
		return 0;
	hz_seen = CONFIG_HZ;
	if (CONFIG_BPF_JIT == TRI_YES && CONFIG_LOCALVERSION[0] == '-')
		hz_seen++;

	ti = bpf_task_storage_get(&task_store, next, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (ti) {
		if (!ti->first_seen)
			ti->first_seen = bpf_ktime_get_ns();
		ti->switches++;
		ti->cpu = cpu;
	}

	acq = bpf_task_acquire(next);
	if (acq) {
		prio_seen = acq->prio;
		bpf_task_release(acq);
	}

	if (&bpf_prog_active)
		prio_seen++;

	v = bpf_ktime_get_ns();
	bpf_map_push_elem(&fifo, &v, BPF_EXIST);
	bpf_map_push_elem(&lifo, &cpu, 0);
	return 0;
}

SEC("raw_tp/sys_enter")
int dispatch(struct bpf_raw_tracepoint_args *ctx)
{
	struct lpm_v4_key key = { .prefixlen = 32 };
	__u32 *route, idx;
	__u64 v;

	__builtin_memcpy(key.addr, &ctx->args[1], 4);
	route = bpf_map_lookup_elem(&routes, &key);
	idx = route ? (*route & 3) : 1;
	if (bpf_map_pop_elem(&fifo, &v) == 0)
		idx = v & 3;
	bpf_tail_call(ctx, &jmp_table, idx);
	return 0;
}

SEC("raw_tp/sys_enter")
int tail_stage1(void *ctx)
{
	__u32 top;

	if (bpf_map_peek_elem(&lifo, &top) == 0)
		bpf_map_pop_elem(&lifo, &top);
	bpf_tail_call(ctx, &jmp_table, 2);
	return 1;
}

SEC("raw_tp/sys_enter")
int tail_stage2(void *ctx)
{
	return 2;
}

SEC("cgroup_skb/egress")
int sk_count(struct __sk_buff *skb)
{
	struct bpf_sock *sk = skb->sk;
	__u64 *cnt;

	if (!sk)
		return 1;
	sk = bpf_sk_fullsock(sk);
	if (!sk)
		return 1;
	cnt = bpf_sk_storage_get(&sk_store, sk, 0, BPF_SK_STORAGE_GET_F_CREATE);
	if (cnt)
		__sync_fetch_and_add(cnt, skb->len);
	return 1;
}

char LICENSE[] SEC("license") = "GPL";
