// SPDX-License-Identifier: GPL-2.0
/* wbpf test fixture: BPF trampoline and LSM programs (fentry, fexit, lsm), which need
 * attach_btf_id at load time; some kernels refuse them (EPERM) even to root.
 * Exercises: SEC("fentry/..."), SEC("fexit/..."), SEC("lsm/..."), BPF_PROG arguments. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

__u64 calls = 0;

SEC("fentry/do_unlinkat")
int BPF_PROG(enter_unlinkat, int dfd, struct filename *name)
{
	__sync_fetch_and_add(&calls, 1);
	return 0;
}

SEC("fexit/do_unlinkat")
int BPF_PROG(exit_unlinkat, int dfd, struct filename *name, long ret)
{
	return 0;
}

SEC("lsm/file_open")
int BPF_PROG(check_open, struct file *file)
{
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
