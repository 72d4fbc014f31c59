// SPDX-License-Identifier: GPL-2.0
/* wbpf test fixture: global variables in every ELF data section kind.
 * Exercises: .data, .bss, .rodata (const volatile), .rodata.str1.1 (string literals via
 * bpf_printk), custom .data.<name> / .rodata.<name> sections, arrays and structs as globals,
 * static (local-linkage) globals, and __hidden. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

struct config {
	__u32 flags;
	__u16 port;
	__u8 enabled;
	__u8 level;
	__u64 threshold;
	char name[16];
};

struct counters {
	__u64 hits;
	__u64 misses;
	__u32 last_cpu;
	__s32 last_ret;
};

/* .rodata: frozen configuration, rewritten by the loader before load */
const volatile __u32 rodata_u32 = 0xdeadbeef;
const volatile __u64 rodata_u64 = 0x0123456789abcdefULL;
const volatile struct config rodata_cfg = {
	.flags = 0x5,
	.port = 8080,
	.enabled = 1,
	.level = 3,
	.threshold = 1000000,
	.name = "wbpf",
};
const volatile __u16 rodata_ports[4] = { 22, 80, 443, 8443 };

/* .data: initialised, writable */
__u32 data_u32 = 42;
__s64 data_s64 = -7;
int data_array[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
struct counters data_counters = { .hits = 1, .misses = 2 };
static __u32 data_static = 99;

/* .bss: zero-initialised */
__u64 bss_u64;
__u32 bss_array[16];
struct counters bss_counters;
static __u64 bss_static;
__hidden __u32 bss_hidden;

/* custom sections: each becomes its own internal map */
__u32 custom_data_u32 SEC(".data.custom") = 0x11223344;
__u64 custom_data_arr[4] SEC(".data.custom") = { 10, 20, 30, 40 };
int other_custom SEC(".data.other") = -1;
const volatile __u32 custom_rodata_u32 SEC(".rodata.custom") = 0x55667788;
const volatile char custom_rodata_str[8] SEC(".rodata.custom") = "ro-cust";
/* zero-initialised variables in a custom data section stay in that section */
__u64 custom_zero SEC(".data.custom");

static const char fmt_hdr[] = "wbpf globals: cfg=%s port=%d";

SEC("raw_tp/sys_enter")
int read_globals(void *ctx)
{
	__u32 idx = bss_u64 & 15;
	int i;

	bss_u64++;
	bss_static += rodata_u64;
	bss_array[idx] += rodata_u32;
	data_u32 += rodata_cfg.level;
	data_s64 -= custom_data_u32;
	data_static++;
	bss_hidden = data_static;
	custom_zero += custom_rodata_u32;
	custom_data_arr[idx & 3]++;
	other_custom = (int)bss_static;

	for (i = 0; i < 4; i++) {
		if (rodata_ports[i] == rodata_cfg.port)
			data_array[i & 7]++;
	}

	if (rodata_cfg.enabled) {
		__sync_fetch_and_add(&data_counters.hits, 1);
		bss_counters.last_cpu = bpf_get_smp_processor_id();
	} else {
		__sync_fetch_and_add(&data_counters.misses, 1);
	}

	bpf_printk("wbpf: hits=%llu idx=%u", data_counters.hits, idx);
	bpf_printk("custom rodata %s", custom_rodata_str);
	bpf_trace_printk(fmt_hdr, sizeof(fmt_hdr), rodata_cfg.name, rodata_cfg.port);
	/* a bare string literal (not a bpf_printk array) lands in .rodata.str1.1 */
	bpf_trace_printk("wbpf literal %d\n", sizeof("wbpf literal %d\n"), idx);
	return 0;
}

SEC("raw_tp/sys_exit")
int write_globals(struct bpf_raw_tracepoint_args *ctx)
{
	bss_counters.last_ret = (__s32)ctx->args[1];
	if (bss_counters.last_ret < 0)
		bpf_printk("negative return %d (threshold %llu)", bss_counters.last_ret,
			   rodata_cfg.threshold);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
