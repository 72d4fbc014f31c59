package dev.wbpf.vm;

import dev.wbpf.vm.helper.Helper;
import dev.wbpf.vm.helper.HelperTable;
import dev.wbpf.vm.memory.AtomicOp;
import dev.wbpf.vm.memory.Memory;
import dev.wbpf.vm.memory.Pointers;

/**
 * The parts of the instruction set that both machines (the {@link Interpreter} and the code the
 * {@link Compiler} generates) carry out the same way: arithmetic where Java would throw or differ,
 * byte swaps, the legacy packet loads, atomics, and the errors for what cannot be executed.
 */
final class InstructionSemantics {
    private InstructionSemantics() {}

    /** Width in bytes of an LD_ABS/LD_IND opcode (size bits W, H, B). */
    static int legacyLoadWidth(int opcode) {
        return switch (opcode & 0x18) {
            case 0x00 -> 4;
            case 0x08 -> 2;
            default -> 1;
        };
    }

    /**
     * LD_ABS/LD_IND: the big-endian value at {@code offset} of the legacy packet, or -1 when the
     * load lies outside it (the program then ends with 0, as in the kernel).
     */
    static long legacyLoad(ExecutionContext ctx, int pc, int offset, int width) {
        long packet = ctx.legacyPacket();
        if (packet == 0) {
            throw new MemoryFault(pc, "LD_ABS/LD_IND without a packet (only socket filter and tc programs have one)");
        }
        if (offset < 0 || offset > ctx.legacyPacketLength() - width) {
            return -1;
        }
        Memory mem = ctx.memory();
        long at = packet + offset;
        return switch (width) {
            case 1 -> mem.load8(at, pc);
            case 2 -> Short.reverseBytes((short) mem.load16(at, pc)) & 0xffffL;
            default -> Integer.reverseBytes((int) mem.load32(at, pc)) & 0xffff_ffffL;
        };
    }

    /**
     * STX|ATOMIC at {@code address}: returns the old value (zero-extended in the 32-bit form),
     * which goes to r0 for cmpxchg and to src for the FETCH forms.
     */
    static long atomic(Memory mem, int pc, long address, long source, long r0, int imm, boolean wide) {
        AtomicOp op = switch (imm & ~1) {
            case 0x00 -> AtomicOp.ADD;
            case 0x40 -> AtomicOp.OR;
            case 0x50 -> AtomicOp.AND;
            case 0xa0 -> AtomicOp.XOR;
            case 0xe0 -> AtomicOp.XCHG;
            case 0xf0 -> AtomicOp.CMPXCHG;
            default -> throw new InvalidProgramException(pc, "atomic operation 0x" + Integer.toHexString(imm));
        };
        long operand = wide ? source : source & 0xffff_ffffL;
        return mem.atomic(op, wide, address, operand, r0, pc);
    }

    /** The register callx reads: LLVM before 19 put it in imm, later ones in dst. */
    static int callxRegister(int dst, int imm) {
        return imm >= 1 && imm <= 10 ? imm : dst;
    }

    /**
     * The instruction index callx goes to, checked to be a function of {@code program}; -1 when the
     * register holds no function pointer, which RFC 9669 reads as a helper's number ("call helper
     * function by address", {@link #callxHelper}). Linux gives callx only the first meaning.
     */
    static int callxEntry(VmProgram program, int pc, long target) {
        if (!Pointers.isFunction(target)) {
            return -1;
        }
        int entry = Pointers.offset(target);
        if (!program.isFunctionEntry(entry)) {
            throw new HelperFault(pc, "callx to 0x" + Long.toHexString(target) + ", which is not a function of the program");
        }
        return entry;
    }

    /** The helper number a callx register holds when it holds no function pointer. */
    static int callxHelper(int pc, long target) {
        if (target <= 0 || target > Integer.MAX_VALUE) {
            throw new HelperFault(pc, "callx to 0x" + Long.toHexString(target)
                    + ", which is neither a function of the program nor a helper number");
        }
        return (int) target;
    }

    /** Helper {@code id} called by instruction {@code pc}; the caller saved the budget in the context. */
    static long callHelper(ExecutionContext ctx, int pc, int id, int depth, long r1, long r2, long r3, long r4, long r5) {
        HelperTable helpers = ctx.program().helpers();
        Helper helper = helpers.get(id);
        if (helper == null) {
            throw unknownHelper(pc, helpers, id);
        }
        ctx.instruction = pc;
        ctx.depth = depth;
        return helper.call(ctx, r1, r2, r3, r4, r5);
    }

    static HelperFault unknownHelper(int pc, HelperTable helpers, int id) {
        return new HelperFault(pc, "unknown helper " + helpers.name(id) + " (the VM implements no helper with this number)");
    }

    static InvalidProgramException fellOffTheEnd(int pc) {
        return new InvalidProgramException(pc, "execution fell through past the last instruction");
    }

    static InvalidProgramException cannotExecute(int pc, int opcode) {
        return new InvalidProgramException(pc, String.format("opcode 0x%02x cannot be executed", opcode));
    }

    // ---- arithmetic with BPF's answers where Java would throw or differ ----

    static long div64(long a, long b, int signed) {
        if (b == 0) {
            return 0;
        }
        return signed == 1 ? a / b : Long.divideUnsigned(a, b); // Long.MIN_VALUE / -1 == Long.MIN_VALUE in Java
    }

    static long mod64(long a, long b, int signed) {
        if (b == 0) {
            return a;
        }
        return signed == 1 ? a % b : Long.remainderUnsigned(a, b); // % truncates: sign of the dividend
    }

    static long div32(int a, int b, int signed) {
        if (b == 0) {
            return 0;
        }
        return (signed == 1 ? a / b : Integer.divideUnsigned(a, b)) & 0xffff_ffffL;
    }

    static long mod32(int a, int b, int signed) {
        if (b == 0) {
            return a & 0xffff_ffffL;
        }
        return (signed == 1 ? a % b : Integer.remainderUnsigned(a, b)) & 0xffff_ffffL;
    }

    static long swap(long value, int width) {
        return switch (width) {
            case 16 -> Short.reverseBytes((short) value) & 0xffffL;
            case 32 -> Integer.reverseBytes((int) value) & 0xffff_ffffL;
            default -> Long.reverseBytes(value);
        };
    }
}
