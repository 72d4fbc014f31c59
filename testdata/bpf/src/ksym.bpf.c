// SPDX-License-Identifier: GPL-2.0
/* wbpf test fixture: typed kernel-variable externs.
 * Exercises: typed __ksym externs of per-CPU variables (runqueues, bpf_prog_active) resolved
 * through vmlinux BTF (BTF_KIND_VAR in .ksyms DATASEC), bpf_per_cpu_ptr / bpf_this_cpu_ptr,
 * a weak typed ksym that may be missing, and an untyped ksym address comparison. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

extern const struct rq runqueues __ksym;
extern const int bpf_prog_active __ksym;
extern const int wbpf_no_such_percpu_var __ksym __weak;

struct rq_sample {
	__u32 cpu;
	__u32 nr_running;
	__u64 clock;
	__s32 prog_active;
	__u32 _pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct rq_sample);
} last SEC(".maps");

__u64 total_running;

SEC("raw_tp/sched_switch")
int sample_rq(void *ctx)
{
	__u32 zero = 0, cpu = bpf_get_smp_processor_id();
	struct rq_sample *s = bpf_map_lookup_elem(&last, &zero);
	const struct rq *rq;
	const int *active;

	if (!s)
		return 0;
	rq = bpf_per_cpu_ptr(&runqueues, cpu);
	if (!rq)
		return 0;
	s->cpu = cpu;
	s->nr_running = rq->nr_running;
	s->clock = rq->clock;

	active = bpf_this_cpu_ptr(&bpf_prog_active);
	s->prog_active = *active;

	if (&wbpf_no_such_percpu_var) {
		active = bpf_this_cpu_ptr(&wbpf_no_such_percpu_var);
		s->prog_active += *active;
	}
	__sync_fetch_and_add(&total_running, s->nr_running);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
