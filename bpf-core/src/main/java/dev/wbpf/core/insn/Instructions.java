package dev.wbpf.core.insn;

import dev.wbpf.core.BpfFormatException;
import dev.wbpf.core.io.ByteSlice;
import java.util.Arrays;
import java.util.List;

/**
 * An immutable sequence of instruction slots, indexed the way jump offsets count: an LD|IMM|DW
 * occupies two consecutive slots, the second holding the high half of its immediate.
 *
 * <p>{@link #decode} never rejects an opcode, so any text section clang emits can be read and
 * shown; {@link #validate} is the separate, strict check an executor runs before trusting it.
 */
public final class Instructions {
    private final String source;
    private final Instruction[] slots;

    private Instructions(String source, Instruction[] slots) {
        this.source = source;
        this.slots = slots;
    }

    public static Instructions of(String source, List<Instruction> slots) {
        return new Instructions(source, slots.toArray(Instruction[]::new));
    }

    /** Splits {@code code} into 8-byte slots; fails only if its length is not a multiple of 8. */
    public static Instructions decode(ByteSlice code) {
        if (code.length() % Instruction.SIZE != 0) {
            throw code.fail("code length " + code.length() + " is not a multiple of " + Instruction.SIZE);
        }
        Instruction[] slots = new Instruction[code.length() / Instruction.SIZE];
        for (int i = 0; i < slots.length; i++) {
            slots[i] = Instruction.fromRaw(code.i64((long) i * Instruction.SIZE, "instruction " + i));
        }
        return new Instructions(code.source(), slots);
    }

    public static Instructions decode(String source, byte[] code) {
        return decode(ByteSlice.of(source, code));
    }

    /** Encodes slots back into their little-endian bytes. */
    public static byte[] encode(List<Instruction> slots) {
        byte[] out = new byte[slots.size() * Instruction.SIZE];
        for (int i = 0; i < slots.size(); i++) {
            long raw = slots.get(i).toRaw();
            for (int b = 0; b < Instruction.SIZE; b++) {
                out[i * Instruction.SIZE + b] = (byte) (raw >>> (8 * b));
            }
        }
        return out;
    }

    public byte[] encode() {
        return encode(Arrays.asList(slots));
    }

    public String source() {
        return source;
    }

    public int size() {
        return slots.length;
    }

    public Instruction get(int slot) {
        return slots[slot];
    }

    public List<Instruction> asList() {
        return List.of(slots);
    }

    /** Every slot as its raw 64-bit word: the compact form an interpreter loop indexes directly. */
    public long[] toRawArray() {
        long[] raw = new long[slots.length];
        for (int i = 0; i < slots.length; i++) {
            raw[i] = slots[i].toRaw();
        }
        return raw;
    }

    /** The 64-bit immediate load starting at {@code slot}; both of its slots must be present. */
    public Imm64Load imm64Load(int slot) {
        Instruction first = slots[slot];
        if (!first.isImm64Load()) {
            throw new IllegalArgumentException("slot " + slot + " is not a 64-bit immediate load");
        }
        if (slot + 1 >= slots.length) {
            throw new BpfFormatException(source, "instruction " + slot + ": 64-bit immediate load is missing its second slot");
        }
        return Imm64Load.of(slot, first, slots[slot + 1]);
    }

    /**
     * Checks every instruction against RFC 9669: defined opcodes, registers r0..r10, complete
     * 64-bit loads whose second slot is zero apart from its immediate, and jump targets that land
     * on an instruction inside the sequence.
     *
     * @throws BpfFormatException naming the first offending slot
     */
    public void validate() {
        boolean[] isSecondHalf = new boolean[slots.length];
        for (int i = 0; i < slots.length; i++) {
            if (isSecondHalf[i]) {
                continue;
            }
            Instruction insn = slots[i];
            String problem = OpcodeTable.problem(insn);
            if (problem == null) {
                problem = registerProblem(insn);
            }
            if (problem == null && insn.isImm64Load()) {
                if (i + 1 >= slots.length) {
                    problem = "64-bit immediate load is missing its second slot";
                } else {
                    Instruction next = slots[i + 1];
                    if (next.opcode() != 0 || next.dst() != 0 || next.src() != 0 || next.offset() != 0) {
                        problem = "second slot of 64-bit immediate load has nonzero opcode, registers or offset";
                    }
                    isSecondHalf[i + 1] = true;
                }
            }
            if (problem != null) {
                throw new BpfFormatException(source, "instruction " + i + ": " + problem);
            }
        }
        for (int i = 0; i < slots.length; i++) {
            if (!isSecondHalf[i]) {
                long target = jumpTarget(i);
                if (target != NO_TARGET && (target < 0 || target >= slots.length || isSecondHalf[(int) target])) {
                    throw new BpfFormatException(source, "instruction " + i + ": jump target " + target
                            + " is not an instruction of this " + slots.length + "-slot sequence");
                }
            }
        }
    }

    private static final long NO_TARGET = Long.MIN_VALUE;

    /** The slot a jump at {@code slot} transfers to, or NO_TARGET if it is not a jump. */
    private long jumpTarget(int slot) {
        Instruction insn = slots[slot];
        int op = insn.opcode();
        if (op == Opcodes.GOTOL_OPCODE) {
            return (long) slot + 1 + insn.imm();
        }
        if (!Opcodes.isJump(op)) {
            return NO_TARGET;
        }
        int operation = Opcodes.operation(op);
        if (operation == Opcodes.CALL || operation == Opcodes.EXIT) {
            return NO_TARGET;
        }
        return (long) slot + 1 + insn.offset();
    }

    private static String registerProblem(Instruction insn) {
        int limit = 10;
        if (insn.dst() > limit) {
            return "destination register r" + insn.dst() + " does not exist";
        }
        if (insn.src() > limit && insn.opcode() != Opcodes.LDDW) {
            return "source register r" + insn.src() + " does not exist";
        }
        return null;
    }

    @Override
    public String toString() {
        return "Instructions[" + source + ", " + slots.length + " slots]";
    }
}
