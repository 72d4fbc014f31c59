// SPDX-License-Identifier: GPL-2.0
/* wbpf test fixture: BPF ISA v4 instructions, compiled with -mcpu=v4 (needs clang >= 17).
 * Exercises: signed division and modulo (BPF_SDIV/BPF_SMOD, 32 and 64 bit), sign-extending
 * loads (BPF_MEMSX: ldsx b/h/w), sign-extending moves (MOVSX 8/16/32), unconditional byte
 * swaps (BPF_ALU64 | BPF_END, bswap16/32/64), gotol (JMP32 | JA with 32-bit offset) and
 * 32-bit compares. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

struct v4_sample {
	__s8 s8;
	__s16 s16;
	__s32 s32;
	__s64 s64;
	__u16 be16;
	__u32 be32;
	__u64 be64;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, struct v4_sample);
} samples SEC(".maps");

__s64 res_sdiv64, res_smod64, res_sx;
__s32 res_sdiv32, res_smod32;
__u64 res_bswap;
volatile __s64 divisor64 = -3;
volatile __s32 divisor32 = -7;
volatile __s64 raw_value = 0x80;

SEC("raw_tp/sys_enter")
int v4_ops(struct bpf_raw_tracepoint_args *ctx)
{
	__u32 key = ctx->args[1] & 3;
	struct v4_sample *s = bpf_map_lookup_elem(&samples, &key);
	__s64 x = (__s64)ctx->args[1];
	__s32 y = (__s32)ctx->args[1];
	__s64 d64 = divisor64;
	__s32 d32 = divisor32;
	__s64 r = raw_value;

	if (!s)
		return 0;

	/* signed div / mod; divisors loaded through volatile so they stay in registers */
	/* distinct operands for / and %: otherwise LLVM rewrites x % d as x - (x / d) * d */
	if (d64) {
		res_sdiv64 = x / d64;
		res_smod64 = (x + 1) % d64;
	}
	if (d32) {
		res_sdiv32 = y / d32;
		res_smod32 = (y - 1) % d32;
	}

	/* sign-extending loads from memory */
	res_sx = s->s8 + s->s16 + s->s32 + s->s64;

	/* sign-extending register moves */
	res_sx += (__s64)(__s8)r + (__s64)(__s16)r + (__s64)(__s32)(r >> 3);
	res_sx += (__s32)(__s8)y + (__s32)(__s16)y;

	/* unconditional byte swaps */
	res_bswap = __builtin_bswap16(s->be16) + __builtin_bswap32(s->be32) +
		    __builtin_bswap64(s->be64);
	return res_sx < 0 ? 1 : 0;
}

SEC("raw_tp/sys_exit")
int v4_loops(struct bpf_raw_tracepoint_args *ctx)
{
	__s64 acc = (__s64)ctx->args[1];
	int i;

	/* the compiler only emits gotol for jumps beyond +-32K insns, and may_goto only from
	 * bpf_for()-style open-coded loops, so spell both out
	 * (gotol +0: skipping an insn would leave it unreachable, which the verifier rejects) */
	asm volatile("gotol +0; r0 = 0;" ::: "r0");
	asm volatile("may_goto +1; r0 = 0;" ::: "r0");

	for (i = 0; i < 16; i++) {
		__s64 d = (i & 1) ? -(i + 1) : (i + 2);

		acc = acc / d + acc % d;
		acc ^= (__s64)(__s8)acc;
	}
	res_sdiv64 = acc;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
