package dev.wbpf.vm;

import static dev.wbpf.vm.InstructionSemantics.atomic;
import static dev.wbpf.vm.InstructionSemantics.callxEntry;
import static dev.wbpf.vm.InstructionSemantics.callxHelper;
import static dev.wbpf.vm.InstructionSemantics.callxRegister;
import static dev.wbpf.vm.InstructionSemantics.cannotExecute;
import static dev.wbpf.vm.InstructionSemantics.div32;
import static dev.wbpf.vm.InstructionSemantics.div64;
import static dev.wbpf.vm.InstructionSemantics.fellOffTheEnd;
import static dev.wbpf.vm.InstructionSemantics.legacyLoad;
import static dev.wbpf.vm.InstructionSemantics.legacyLoadWidth;
import static dev.wbpf.vm.InstructionSemantics.mod32;
import static dev.wbpf.vm.InstructionSemantics.mod64;
import static dev.wbpf.vm.InstructionSemantics.swap;
import static dev.wbpf.vm.InstructionSemantics.unknownHelper;

import dev.wbpf.vm.helper.Helper;
import dev.wbpf.vm.helper.HelperIds;
import dev.wbpf.vm.helper.HelperTable;
import dev.wbpf.vm.map.ProgArrayMap;
import dev.wbpf.vm.map.VmMap;
import dev.wbpf.vm.memory.Memory;

/**
 * The reference {@link Machine}: a switch over the opcode byte of each raw 64-bit slot, with the
 * registers in an array and every memory access checked by {@link Memory}. bpf-to-bpf calls are
 * handled in the loop (no Java recursion), so a program cannot overflow the Java stack; only
 * helper callbacks ({@code bpf_loop}) re-enter, and they count against the same 8 frames.
 *
 * <p>Semantics follow RFC 9669 and the kernel where the RFC leaves room: division by zero gives
 * 0, modulo by zero leaves dst (zero-extended in 32-bit form), shift amounts are masked, every
 * 32-bit result is zero-extended, LD_ABS/LD_IND outside the packet end the program with 0.
 */
public final class Interpreter implements Machine {
    /** Raw slot placed after the last instruction; its opcode 0x00 is not a valid instruction. */
    static final long FELL_OFF_END = 0;
    /** r0..r10, padded to the 16 names a 4-bit register field can hold. */
    private static final int REGISTER_FILE = 16;

    private final VmProgram program;

    public Interpreter(VmProgram program) {
        this.program = program;
    }

    @Override
    public VmProgram program() {
        return program;
    }

    @Override
    public long execute(ExecutionContext ctx) {
        return ctx.runGuarded(program, Interpreter::runProgram);
    }

    private static long runProgram(ExecutionContext ctx) {
        return run(ctx, ctx.program(), 0, 0, ctx.registers);
    }

    /** Runs a callback ({@code bpf_loop}) of the running program; every machine's helpers use it. */
    static long invokeCallback(ExecutionContext ctx, int entry, long r1, long r2, long r3, long r4, long r5) {
        VmProgram prog = ctx.program();
        if (!prog.isFunctionEntry(entry)) {
            throw new HelperFault(ctx.instruction, "callback target " + entry + " is not a function of the program");
        }
        // The callback runs in the next frame, like a bpf-to-bpf call from the helper's caller.
        int depth = ctx.depth + 1;
        if (depth >= ExecutionContext.MAX_FRAMES) {
            throw new CallDepthExceeded(ctx.instruction, ExecutionContext.MAX_FRAMES);
        }
        long[] arguments = new long[REGISTER_FILE];
        arguments[1] = r1;
        arguments[2] = r2;
        arguments[3] = r3;
        arguments[4] = r4;
        arguments[5] = r5;
        int savedInsn = ctx.instruction;
        int savedDepth = ctx.depth;
        try {
            return run(ctx, prog, entry, depth, arguments);
        } finally {
            ctx.instruction = savedInsn;
            ctx.depth = savedDepth;
        }
    }

    /**
     * Runs from {@code pc} in frame {@code baseDepth} until that frame exits; returns r0 and leaves
     * the registers in {@code registers}. The budget lives in a local and is written back around
     * helper calls. The register file is a local array of 16: the JIT then knows its length, and
     * the 4-bit register fields index it without a range check (r11..r15 are never valid
     * encodings; {@link VmProgram#prepare} refuses them).
     */
    private static long run(ExecutionContext ctx, VmProgram prog, int pc, int baseDepth, long[] registers) {
        long[] code = prog.code();
        long[] imm64 = prog.imm64();
        HelperTable helpers = prog.helpers();
        final long[] r = new long[REGISTER_FILE];
        System.arraycopy(registers, 0, r, 0, 11);
        final Memory mem = ctx.memory();
        int depth = baseDepth;
        int valueBase = ctx.valueRegionBase();
        long remaining = ctx.remainingBudget;
        r[10] = ExecutionContext.frameTop(depth);
        if (depth + 1 > ctx.framesUsed) {
            ctx.framesUsed = depth + 1;
        }
        while (true) {
            if (--remaining < 0) {
                throw new BudgetExhausted(pc, ctx.budget());
            }
            final long insn = code[pc];
            final int dst = (int) (insn >>> 8) & 0xf;
            final int src = (int) (insn >>> 12) & 0xf;
            final int off = (short) (insn >>> 16);
            final int imm = (int) (insn >>> 32);
            switch ((int) insn & 0xff) {
                // ---------------- ALU64 ----------------
                case 0x07 -> r[dst] += imm;
                case 0x0f -> r[dst] += r[src];
                case 0x17 -> r[dst] -= imm;
                case 0x1f -> r[dst] -= r[src];
                case 0x27 -> r[dst] *= imm;
                case 0x2f -> r[dst] *= r[src];
                case 0x37 -> r[dst] = div64(r[dst], imm, off);
                case 0x3f -> r[dst] = div64(r[dst], r[src], off);
                case 0x47 -> r[dst] |= imm;
                case 0x4f -> r[dst] |= r[src];
                case 0x57 -> r[dst] &= imm;
                case 0x5f -> r[dst] &= r[src];
                case 0x67 -> r[dst] <<= imm;        // Java masks long shift counts with 63, as BPF requires
                case 0x6f -> r[dst] <<= r[src];
                case 0x77 -> r[dst] >>>= imm;
                case 0x7f -> r[dst] >>>= r[src];
                case 0x87 -> r[dst] = -r[dst];
                case 0x97 -> r[dst] = mod64(r[dst], imm, off);
                case 0x9f -> r[dst] = mod64(r[dst], r[src], off);
                case 0xa7 -> r[dst] ^= imm;
                case 0xaf -> r[dst] ^= r[src];
                case 0xb7 -> r[dst] = imm;
                case 0xbf -> r[dst] = switch (off) {
                    case 8 -> (byte) r[src];
                    case 16 -> (short) r[src];
                    case 32 -> (int) r[src];
                    default -> r[src];
                };
                case 0xc7 -> r[dst] >>= imm;
                case 0xcf -> r[dst] >>= r[src];
                case 0xd7 -> r[dst] = swap(r[dst], imm); // BSWAP: unconditional byte swap
                // ---------------- ALU (32-bit, zero-extended) ----------------
                case 0x04 -> r[dst] = ((int) r[dst] + imm) & 0xffff_ffffL;
                case 0x0c -> r[dst] = ((int) r[dst] + (int) r[src]) & 0xffff_ffffL;
                case 0x14 -> r[dst] = ((int) r[dst] - imm) & 0xffff_ffffL;
                case 0x1c -> r[dst] = ((int) r[dst] - (int) r[src]) & 0xffff_ffffL;
                case 0x24 -> r[dst] = ((int) r[dst] * imm) & 0xffff_ffffL;
                case 0x2c -> r[dst] = ((int) r[dst] * (int) r[src]) & 0xffff_ffffL;
                case 0x34 -> r[dst] = div32((int) r[dst], imm, off);
                case 0x3c -> r[dst] = div32((int) r[dst], (int) r[src], off);
                case 0x44 -> r[dst] = ((int) r[dst] | imm) & 0xffff_ffffL;
                case 0x4c -> r[dst] = ((int) r[dst] | (int) r[src]) & 0xffff_ffffL;
                case 0x54 -> r[dst] = ((int) r[dst] & imm) & 0xffff_ffffL;
                case 0x5c -> r[dst] = ((int) r[dst] & (int) r[src]) & 0xffff_ffffL;
                case 0x64 -> r[dst] = ((int) r[dst] << imm) & 0xffff_ffffL; // int shifts mask with 31
                case 0x6c -> r[dst] = ((int) r[dst] << (int) r[src]) & 0xffff_ffffL;
                case 0x74 -> r[dst] = ((int) r[dst] >>> imm) & 0xffff_ffffL;
                case 0x7c -> r[dst] = ((int) r[dst] >>> (int) r[src]) & 0xffff_ffffL;
                case 0x84 -> r[dst] = -(int) r[dst] & 0xffff_ffffL;
                case 0x94 -> r[dst] = mod32((int) r[dst], imm, off);
                case 0x9c -> r[dst] = mod32((int) r[dst], (int) r[src], off);
                case 0xa4 -> r[dst] = ((int) r[dst] ^ imm) & 0xffff_ffffL;
                case 0xac -> r[dst] = ((int) r[dst] ^ (int) r[src]) & 0xffff_ffffL;
                case 0xb4 -> r[dst] = imm & 0xffff_ffffL;
                case 0xbc -> r[dst] = switch (off) {
                    case 8 -> (byte) r[src] & 0xffff_ffffL;
                    case 16 -> (short) r[src] & 0xffff_ffffL;
                    default -> r[src] & 0xffff_ffffL;
                };
                case 0xc4 -> r[dst] = ((int) r[dst] >> imm) & 0xffff_ffffL;
                case 0xcc -> r[dst] = ((int) r[dst] >> (int) r[src]) & 0xffff_ffffL;
                case 0xd4 -> r[dst] = switch (imm) { // to little endian: the host order, so only truncate
                    case 16 -> r[dst] & 0xffffL;
                    case 32 -> r[dst] & 0xffff_ffffL;
                    default -> r[dst];
                };
                case 0xdc -> r[dst] = swap(r[dst], imm); // to big endian
                // ---------------- JMP ----------------
                case 0x05 -> pc += off;
                case 0x15 -> { if (r[dst] == imm) pc += off; }
                case 0x1d -> { if (r[dst] == r[src]) pc += off; }
                case 0x25 -> { if (Long.compareUnsigned(r[dst], imm) > 0) pc += off; }
                case 0x2d -> { if (Long.compareUnsigned(r[dst], r[src]) > 0) pc += off; }
                case 0x35 -> { if (Long.compareUnsigned(r[dst], imm) >= 0) pc += off; }
                case 0x3d -> { if (Long.compareUnsigned(r[dst], r[src]) >= 0) pc += off; }
                case 0x45 -> { if ((r[dst] & imm) != 0) pc += off; }
                case 0x4d -> { if ((r[dst] & r[src]) != 0) pc += off; }
                case 0x55 -> { if (r[dst] != imm) pc += off; }
                case 0x5d -> { if (r[dst] != r[src]) pc += off; }
                case 0x65 -> { if (r[dst] > imm) pc += off; }
                case 0x6d -> { if (r[dst] > r[src]) pc += off; }
                case 0x75 -> { if (r[dst] >= imm) pc += off; }
                case 0x7d -> { if (r[dst] >= r[src]) pc += off; }
                case 0xa5 -> { if (Long.compareUnsigned(r[dst], imm) < 0) pc += off; }
                case 0xad -> { if (Long.compareUnsigned(r[dst], r[src]) < 0) pc += off; }
                case 0xb5 -> { if (Long.compareUnsigned(r[dst], imm) <= 0) pc += off; }
                case 0xbd -> { if (Long.compareUnsigned(r[dst], r[src]) <= 0) pc += off; }
                case 0xc5 -> { if (r[dst] < imm) pc += off; }
                case 0xcd -> { if (r[dst] < r[src]) pc += off; }
                case 0xd5 -> { if (r[dst] <= imm) pc += off; }
                case 0xdd -> { if (r[dst] <= r[src]) pc += off; }
                // ---------------- JMP32 ----------------
                case 0x06 -> pc += imm; // gotol: 32-bit displacement in imm
                case 0xe5 -> { // may_goto: jump once the run's loop budget (the kernel's BPF_MAX_LOOPS) is spent
                    if (ctx.mayGotoRemaining == 0) {
                        pc += off;
                    } else {
                        ctx.mayGotoRemaining--;
                    }
                }
                case 0x16 -> { if ((int) r[dst] == imm) pc += off; }
                case 0x1e -> { if ((int) r[dst] == (int) r[src]) pc += off; }
                case 0x26 -> { if (Integer.compareUnsigned((int) r[dst], imm) > 0) pc += off; }
                case 0x2e -> { if (Integer.compareUnsigned((int) r[dst], (int) r[src]) > 0) pc += off; }
                case 0x36 -> { if (Integer.compareUnsigned((int) r[dst], imm) >= 0) pc += off; }
                case 0x3e -> { if (Integer.compareUnsigned((int) r[dst], (int) r[src]) >= 0) pc += off; }
                case 0x46 -> { if (((int) r[dst] & imm) != 0) pc += off; }
                case 0x4e -> { if (((int) r[dst] & (int) r[src]) != 0) pc += off; }
                case 0x56 -> { if ((int) r[dst] != imm) pc += off; }
                case 0x5e -> { if ((int) r[dst] != (int) r[src]) pc += off; }
                case 0x66 -> { if ((int) r[dst] > imm) pc += off; }
                case 0x6e -> { if ((int) r[dst] > (int) r[src]) pc += off; }
                case 0x76 -> { if ((int) r[dst] >= imm) pc += off; }
                case 0x7e -> { if ((int) r[dst] >= (int) r[src]) pc += off; }
                case 0xa6 -> { if (Integer.compareUnsigned((int) r[dst], imm) < 0) pc += off; }
                case 0xae -> { if (Integer.compareUnsigned((int) r[dst], (int) r[src]) < 0) pc += off; }
                case 0xb6 -> { if (Integer.compareUnsigned((int) r[dst], imm) <= 0) pc += off; }
                case 0xbe -> { if (Integer.compareUnsigned((int) r[dst], (int) r[src]) <= 0) pc += off; }
                case 0xc6 -> { if ((int) r[dst] < imm) pc += off; }
                case 0xce -> { if ((int) r[dst] < (int) r[src]) pc += off; }
                case 0xd6 -> { if ((int) r[dst] <= imm) pc += off; }
                case 0xde -> { if ((int) r[dst] <= (int) r[src]) pc += off; }
                // ---------------- calls and exit ----------------
                case 0x85 -> {
                    if (src == 1) { // bpf-to-bpf call, pc-relative
                        pushFrame(ctx, r, pc, depth);
                        depth++;
                        r[10] = ExecutionContext.frameTop(depth);
                        pc += imm;
                    } else if (imm == HelperIds.TAIL_CALL) {
                        VmProgram next = tailCallTarget(ctx, r, pc);
                        if (next != null && depth != baseDepth) {
                            ctx.remainingBudget = remaining;
                            r[0] = runTailCalledFromSubprogram(ctx, prog, next, depth, r);
                            remaining = ctx.remainingBudget;
                            valueBase = ctx.valueRegionBase();
                            depth--;
                            pc = returnToCaller(ctx, r, depth);
                        } else if (next != null) {
                            prog = next;
                            code = prog.code();
                            imm64 = prog.imm64();
                            helpers = prog.helpers();
                            valueBase = ctx.bind(prog);
                            pc = -1; // continue at the new program's first instruction
                        }
                    } else {
                        Helper helper = helpers.get(imm);
                        if (helper == null) {
                            throw unknownHelper(pc, helpers, imm);
                        }
                        ctx.instruction = pc;
                        ctx.remainingBudget = remaining;
                        ctx.depth = depth;
                        r[0] = helper.call(ctx, r[1], r[2], r[3], r[4], r[5]);
                        remaining = ctx.remainingBudget;
                        if (ctx.abortedByPacketLoad) {
                            return 0;
                        }
                    }
                }
                case 0x8d -> { // callx: a function pointer (LDDW src=4), or (RFC 9669) a helper's number
                    long target = r[callxRegister(dst, imm)];
                    int entry = callxEntry(prog, pc, target);
                    if (entry >= 0) {
                        pushFrame(ctx, r, pc, depth);
                        depth++;
                        r[10] = ExecutionContext.frameTop(depth);
                        pc = entry - 1;
                    } else {
                        ctx.remainingBudget = remaining;
                        r[0] = InstructionSemantics.callHelper(ctx, pc, callxHelper(pc, target), depth, r[1], r[2], r[3], r[4], r[5]);
                        remaining = ctx.remainingBudget;
                        if (ctx.abortedByPacketLoad) {
                            return 0;
                        }
                    }
                }
                case 0x95 -> {
                    if (depth == baseDepth) {
                        ctx.remainingBudget = remaining;
                        System.arraycopy(r, 0, registers, 0, 11);
                        return r[0];
                    }
                    depth--;
                    pc = returnToCaller(ctx, r, depth);
                }
                // ---------------- 64-bit immediate and legacy packet loads ----------------
                case 0x18 -> {
                    long value = imm64[pc];
                    if (src == 2 || src == 6) { // pointer into a global-data region bound at run start
                        value += (long) valueBase << 32;
                    }
                    r[dst] = value;
                    pc++;
                }
                case 0x20, 0x28, 0x30, 0x40, 0x48, 0x50 -> {
                    long value = legacyLoad(ctx, pc, (insn & 0x40) == 0 ? imm : (int) r[src] + imm, legacyLoadWidth((int) insn & 0xff));
                    if (value < 0) {
                        ctx.abortedByPacketLoad = true;
                        return 0;
                    }
                    r[0] = value;
                }
                // ---------------- loads ----------------
                case 0x61 -> r[dst] = mem.load32(r[src] + off, pc);
                case 0x69 -> r[dst] = mem.load16(r[src] + off, pc);
                case 0x71 -> r[dst] = mem.load8(r[src] + off, pc);
                case 0x79 -> r[dst] = mem.load64(r[src] + off, pc);
                case 0x81 -> r[dst] = (int) mem.load32(r[src] + off, pc);
                case 0x89 -> r[dst] = (short) mem.load16(r[src] + off, pc);
                case 0x91 -> r[dst] = (byte) mem.load8(r[src] + off, pc);
                // ---------------- stores ----------------
                case 0x62 -> mem.store32(r[dst] + off, imm, pc);
                case 0x6a -> mem.store16(r[dst] + off, imm, pc);
                case 0x72 -> mem.store8(r[dst] + off, imm, pc);
                case 0x7a -> mem.store64(r[dst] + off, imm, pc);
                case 0x63 -> mem.store32(r[dst] + off, r[src], pc);
                case 0x6b -> mem.store16(r[dst] + off, r[src], pc);
                case 0x73 -> mem.store8(r[dst] + off, r[src], pc);
                case 0x7b -> mem.store64(r[dst] + off, r[src], pc);
                case 0xc3, 0xdb -> {
                    long old = atomic(mem, pc, r[dst] + off, r[src], r[0], imm, ((int) insn & 0xff) == 0xdb);
                    if ((imm & ~1) == 0xf0) {
                        r[0] = old; // cmpxchg; the 32-bit form's old value is zero-extended
                    } else if ((imm & 1) != 0) {
                        r[src] = old;
                    }
                }
                default -> throw (insn == FELL_OFF_END && pc == code.length - 1)
                        ? fellOffTheEnd(pc)
                        : cannotExecute(pc, (int) insn & 0xff);
            }
            pc++;
        }
    }

    private static void pushFrame(ExecutionContext ctx, long[] r, int pc, int depth) {
        if (depth + 1 >= ExecutionContext.MAX_FRAMES) {
            throw new CallDepthExceeded(pc, ExecutionContext.MAX_FRAMES);
        }
        ctx.returnAddress[depth] = pc;
        int saved = depth * 4;
        long[] s = ctx.savedRegisters;
        s[saved] = r[6];
        s[saved + 1] = r[7];
        s[saved + 2] = r[8];
        s[saved + 3] = r[9];
        if (depth + 2 > ctx.framesUsed) {
            ctx.framesUsed = depth + 2;
        }
    }

    /** Back in frame {@code depth} after its callee exited: restores r6..r9 and r10, returns the call's pc. */
    private static int returnToCaller(ExecutionContext ctx, long[] r, int depth) {
        int saved = depth * 4;
        long[] s = ctx.savedRegisters;
        r[6] = s[saved];
        r[7] = s[saved + 1];
        r[8] = s[saved + 2];
        r[9] = s[saved + 3];
        r[10] = ExecutionContext.frameTop(depth);
        return ctx.returnAddress[depth];
    }

    /**
     * A tail call made in a bpf-to-bpf subprogram, as the kernel's JIT does it: the target replaces
     * the subprogram, running in its frame (same stack), and its r0 goes back to the subprogram's
     * caller. The tail-call count of the run goes on. The target starts with the caller's registers
     * (r1 the context given to bpf_tail_call). Returns the target's r0; the caller's program is bound
     * again for the code that follows.
     */
    private static long runTailCalledFromSubprogram(ExecutionContext ctx, VmProgram caller, VmProgram target, int depth,
                                                    long[] registers) {
        ctx.bind(target);
        try {
            return run(ctx, target, 0, depth, registers);
        } finally {
            ctx.bind(caller);
        }
    }

    /** The program a tail call goes to, or null when it falls through (empty slot, limit reached). */
    private static VmProgram tailCallTarget(ExecutionContext ctx, long[] r, int pc) {
        ctx.instruction = pc;
        VmMap map = ctx.map(r[2]);
        if (!(map instanceof ProgArrayMap programs)) {
            throw new HelperFault(pc, "bpf_tail_call on map `" + map.name() + "`, which is not a prog array");
        }
        if (!(programs.get(r[3] & 0xffff_ffffL) instanceof VmProgram next) || ctx.tailCalls >= ExecutionContext.MAX_TAIL_CALLS) {
            return null;
        }
        ctx.tailCalls++;
        return next;
    }
}
