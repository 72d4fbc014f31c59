package dev.wbpf.core.insn;

import static dev.wbpf.core.insn.Opcodes.*;

/**
 * Turns instructions into the text {@code llvm-objdump -d} prints for them, in one of the
 * {@link ObjdumpDialect}s. It reproduces LLVM's decoder too, not only its spelling: an encoding
 * that LLVM's tables do not match prints as {@code <unknown>}, and fields LLVM ignores are
 * ignored here, so listings agree byte for byte even on unusual or corrupt code.
 */
public final class Disassembler {
    /** What {@code llvm-objdump} prints when it cannot decode. */
    public static final String UNKNOWN = "<unknown>";

    /** The largest register number LLVM's BPF decoder accepts (r0..r11). */
    private static final int MAX_LLVM_REGISTER = 11;

    private final ObjdumpDialect dialect;

    public Disassembler(ObjdumpDialect dialect) {
        this.dialect = dialect;
    }

    public ObjdumpDialect dialect() {
        return dialect;
    }

    /**
     * One decoding step over raw bytes.
     *
     * @param length bytes consumed: 8 or 16 when decoded; 8 for an undecodable slot; 0 when the
     *               bytes run out in the middle of an instruction (objdump then shows one byte)
     * @param text   the instruction text, or {@code null} when it could not be decoded
     */
    public record Step(int length, String text) {}

    /**
     * Decodes the instruction at {@code code[at..end)} the way llvm-objdump does.
     *
     * @param address byte offset of the instruction in its section, for jump labels
     */
    public Step decode(byte[] code, int at, int end, long address, SymbolLookup labels) {
        if (end - at < Instruction.SIZE) {
            return new Step(0, null);
        }
        Instruction insn = Instruction.fromRaw(rawAt(code, at));
        Integer nextImm = null;
        if (insn.isImm64Load() && end - at >= 2 * Instruction.SIZE) {
            nextImm = (int) (rawAt(code, at + Instruction.SIZE) >>> 32);
        }
        String text = text(insn, nextImm, address, labels);
        if (text == null) {
            return new Step(Instruction.SIZE, null);
        }
        if (insn.isImm64Load()) {
            // LLVM checks for the second slot only after the first one decoded.
            return nextImm == null ? new Step(0, null) : new Step(2 * Instruction.SIZE, text);
        }
        return new Step(Instruction.SIZE, text);
    }

    /**
     * The text of the instruction at {@code slot}, or {@link #UNKNOWN}; jump labels are looked
     * up at byte address {@code 8 * target slot}.
     */
    public String format(Instructions program, int slot, SymbolLookup labels) {
        Instruction insn = program.get(slot);
        Integer nextImm = insn.isImm64Load() && slot + 1 < program.size() ? program.get(slot + 1).imm() : null;
        if (insn.isImm64Load() && nextImm == null) {
            return UNKNOWN;
        }
        String text = text(insn, nextImm, (long) slot * Instruction.SIZE, labels);
        return text == null ? UNKNOWN : text;
    }

    private static long rawAt(byte[] code, int at) {
        long raw = 0;
        for (int i = Instruction.SIZE - 1; i >= 0; i--) {
            raw = raw << 8 | (code[at + i] & 0xff);
        }
        return raw;
    }

    /** The text for one instruction, or null if this dialect's LLVM does not decode it. */
    private String text(Instruction insn, Integer nextImm, long address, SymbolLookup labels) {
        return switch (insn.instructionClass()) {
            case ALU, ALU64 -> alu(insn);
            case JMP, JMP32 -> jump(insn, address, labels);
            case LD -> loadImmediate(insn, nextImm);
            case LDX -> loadRegister(insn);
            case ST -> storeImmediate(insn);
            case STX -> storeRegister(insn);
            default -> throw new AssertionError();
        };
    }

    private boolean v19() {
        return dialect == ObjdumpDialect.LLVM_19;
    }

    // ---- arithmetic ----------------------------------------------------------------------

    private String alu(Instruction insn) {
        int op = insn.opcode();
        boolean is64 = insn.instructionClass() == ALU64;
        String p = is64 ? "r" : "w";
        int dst = insn.dst();
        int src = insn.src();
        int off = insn.offset();
        boolean x = source(op) == X;
        // LLVM ignores src and offset where its encoding does not use them; only decoded
        // registers must be r0..r11.
        if (!validRegister(dst)) {
            return null;
        }
        switch (operation(op)) {
            case NEG -> {
                if (x) {
                    return null;
                }
                return p + dst + " = -" + p + dst;
            }
            case END -> {
                return byteSwap(insn, is64);
            }
            case 0xe0, 0xf0 -> {
                return null;
            }
            default -> { }
        }
        String operator = aluOperator(operation(op));
        if (v19()) {
            operator = aluOperatorV4(insn, x, is64, operator);
            if (operator == null) {
                return null;
            }
        }
        if (!x) {
            return p + dst + " " + operator + " " + hex(insn.imm());
        }
        if (!validRegister(src)) {
            return null;
        }
        if (operation(op) == MOV && v19()) {
            switch (off) {
                case 8, 16, 32 -> {
                    return p + dst + " = (s" + off + ")" + p + src;
                }
                case 1 -> {
                    return p + dst + " = addr_space_cast(" + p + src + ", " + hex(insn.imm() >>> 16) + ", "
                            + hex(insn.imm() & 0xffff) + ")";
                }
                default -> { }
            }
        }
        return p + dst + " " + operator + " " + p + src;
    }

    /**
     * LLVM 19 decodes the offset of arithmetic instructions: it selects signed division and
     * sign-extending moves, and must be zero otherwise. Returns null for encodings it rejects.
     */
    private static String aluOperatorV4(Instruction insn, boolean x, boolean is64, String operator) {
        int off = insn.offset();
        int operation = operation(insn.opcode());
        if (operation == DIV || operation == MOD) {
            return switch (off) {
                case 0 -> operator;
                case 1 -> "s" + operator;
                default -> null;
            };
        }
        if (operation == MOV && x) {
            boolean valid = off == 0 || off == 8 || off == 16 || (is64 && (off == 32 || off == 1));
            return valid ? operator : null;
        }
        return off == 0 ? operator : null;
    }

    private String byteSwap(Instruction insn, boolean is64) {
        int width = insn.imm();
        if (width != 16 && width != 32 && width != 64) {
            return null;
        }
        String r = "r" + insn.dst();
        if (is64) {
            // ALU64|END is the v4 unconditional byte swap; TO_BE is not defined for it.
            if (!v19() || source(insn.opcode()) != TO_LE) {
                return null;
            }
            return r + " = bswap" + width + " " + r;
        }
        return r + " = " + (source(insn.opcode()) == TO_BE ? "be" : "le") + width + " " + r;
    }

    private static String aluOperator(int operation) {
        return switch (operation) {
            case ADD -> "+=";
            case SUB -> "-=";
            case MUL -> "*=";
            case DIV -> "/=";
            case OR -> "|=";
            case AND -> "&=";
            case LSH -> "<<=";
            case RSH -> ">>=";
            case MOD -> "%=";
            case XOR -> "^=";
            case MOV -> "=";
            case ARSH -> "s>>=";
            default -> throw new AssertionError(operation);
        };
    }

    // ---- jumps -----------------------------------------------------------------------------

    private String jump(Instruction insn, long address, SymbolLookup labels) {
        int op = insn.opcode();
        boolean is64 = insn.instructionClass() == JMP;
        boolean x = source(op) == X;
        int operation = operation(op);
        switch (operation) {
            case JA -> {
                if (x) {
                    return null;
                }
                if (is64) {
                    return "goto " + branch(insn.offset(), address, labels);
                }
                return v19() ? "gotol " + branch(insn.imm(), address, labels) : null;
            }
            case CALL -> {
                if (!is64) {
                    return null;
                }
                if (!x) {
                    return "call " + hex(insn.imm());
                }
                // LLVM 16 reads the callx register from imm, LLVM 19 from dst.
                long register = v19() ? insn.dst() : insn.imm() & 0xffff_ffffL;
                return register <= MAX_LLVM_REGISTER ? "callx r" + register : null;
            }
            case EXIT -> {
                return is64 && !x && insn.imm() == 0 ? "exit" : null;
            }
            case JCOND -> {
                return v19() && is64 && !x ? "may_goto " + branch(insn.offset(), address, labels) : null;
            }
            case 0xf0 -> {
                return null;
            }
            default -> { }
        }
        if (operation == JSET && !v19()) {
            return null;
        }
        String p = is64 ? "r" : "w";
        if (!validRegister(insn.dst())) {
            return null;
        }
        String right;
        if (x) {
            if (!validRegister(insn.src())) {
                return null;
            }
            right = p + insn.src();
        } else {
            right = hex(insn.imm());
        }
        return "if " + p + insn.dst() + " " + jumpOperator(operation) + " " + right + " goto "
                + branch(insn.offset(), address, labels);
    }

    private static String jumpOperator(int operation) {
        return switch (operation) {
            case JEQ -> "==";
            case JGT -> ">";
            case JGE -> ">=";
            case JSET -> "&";
            case JNE -> "!=";
            case JSGT -> "s>";
            case JSGE -> "s>=";
            case JLT -> "<";
            case JLE -> "<=";
            case JSLT -> "s<";
            case JSLE -> "s<=";
            default -> throw new AssertionError(operation);
        };
    }

    /** "+0x5 <label>": the displacement in slots, and the label of the byte address it reaches. */
    private static String branch(long displacement, long address, SymbolLookup labels) {
        // Unsigned 64-bit arithmetic, as in LLVM's evaluateBranch: targets before 0 wrap.
        long target = address + Instruction.SIZE + displacement * Instruction.SIZE;
        String label = labels.labelFor(target);
        String text = (displacement >= 0 ? "+" : "") + hex(displacement);
        return label == null ? text : text + " <" + label + ">";
    }

    // ---- loads and stores ------------------------------------------------------------------

    private String loadImmediate(Instruction insn, Integer nextImm) {
        int op = insn.opcode();
        if (op == LDDW) {
            if (insn.offset() != 0 || !validRegister(insn.dst())) {
                return null;
            }
            long imm64 = (insn.imm() & 0xffff_ffffL) | (nextImm == null ? 0 : (long) nextImm << 32);
            if (insn.src() == 0) {
                return "r" + insn.dst() + " = " + hex(imm64) + " ll";
            }
            // LLVM 16 merges the second slot into the wrong operand of ld_pseudo and prints both
            // operands truncated to 32 bits, so only the first slot's imm (unsigned) shows.
            return "ld_pseudo\tr" + insn.dst() + ", " + hex(insn.src()) + ", " + hex(insn.imm() & 0xffff_ffffL);
        }
        int size = size(op);
        if (size == DW) {
            return null;
        }
        String access = "r0 = *(u" + 8 * sizeInBytes(op) + " *)skb[";
        return switch (mode(op)) {
            case ABS -> access + hex(insn.imm()) + "]";
            case IND -> validRegister(insn.src()) ? access + "r" + insn.src() + "]" : null;
            default -> null;
        };
    }

    private String loadRegister(Instruction insn) {
        int op = insn.opcode();
        if (!validRegister(insn.dst()) || !validRegister(insn.src())) {
            return null;
        }
        int bits = 8 * sizeInBytes(op);
        String memory = " *)(" + memory(insn.src(), insn.offset()) + ")";
        if (mode(op) == MEM) {
            String p = dialect == ObjdumpDialect.LLVM_16_ALU32 && size(op) != DW ? "w" : "r";
            return p + insn.dst() + " = *(u" + bits + memory;
        }
        if (mode(op) == MEMSX && v19() && size(op) != DW) {
            return "r" + insn.dst() + " = *(s" + bits + memory;
        }
        return null;
    }

    private String storeImmediate(Instruction insn) {
        int op = insn.opcode();
        if (!v19() || mode(op) != MEM || !validRegister(insn.dst())) {
            return null;
        }
        return "*(u" + 8 * sizeInBytes(op) + " *)(" + memory(insn.dst(), insn.offset()) + ") = " + hex(insn.imm());
    }

    private String storeRegister(Instruction insn) {
        int op = insn.opcode();
        if (!validRegister(insn.dst()) || !validRegister(insn.src())) {
            return null;
        }
        boolean alu32 = dialect == ObjdumpDialect.LLVM_16_ALU32;
        String address = memory(insn.dst(), insn.offset());
        int bits = 8 * sizeInBytes(op);
        if (mode(op) == MEM) {
            String p = alu32 && size(op) != DW ? "w" : "r";
            return "*(u" + bits + " *)(" + address + ") = " + p + insn.src();
        }
        if (mode(op) != ATOMIC) {
            return null;
        }
        if (size(op) == DW) {
            return atomic(insn, "r", "64", address);
        }
        if (size(op) != W) {
            return null;
        }
        if (alu32) {
            return atomic(insn, "w", "32", address);
        }
        // Without alu32, LLVM's only 32-bit atomic is the legacy XADD, matched on imm[7:4] alone.
        return (insn.imm() & 0xf0) == ATOMIC_ADD ? "lock *(u32 *)(" + address + ") += r" + insn.src() : null;
    }

    /**
     * LLVM matches atomics on imm bits 7..4 (the operation) and 3..0 (FETCH); the plain
     * add/or/and/xor forms leave bits 3..0 unchecked, so only exactly 1 selects the fetch form.
     */
    private static String atomic(Instruction insn, String p, String width, String address) {
        int imm = insn.imm();
        int operation = imm & 0xf0;
        boolean fetch = (imm & 0xf) == FETCH;
        String s = p + insn.src();
        String bits = width.equals("64") ? "64" : "32";
        return switch (operation) {
            case ATOMIC_ADD, ATOMIC_OR, ATOMIC_AND, ATOMIC_XOR -> {
                if (fetch) {
                    String name = switch (operation) {
                        case ATOMIC_ADD -> "add";
                        case ATOMIC_OR -> "or";
                        case ATOMIC_AND -> "and";
                        default -> "xor";
                    };
                    yield s + " = atomic_fetch_" + name + "((u" + bits + " *)(" + address + "), " + s + ")";
                }
                String operator = switch (operation) {
                    case ATOMIC_ADD -> "+=";
                    case ATOMIC_OR -> "|=";
                    case ATOMIC_AND -> "&=";
                    default -> "^=";
                };
                yield "lock *(u" + bits + " *)(" + address + ") " + operator + " " + s;
            }
            case XCHG & 0xf0 -> fetch ? s + " = xchg" + (bits.equals("64") ? "_64" : "32_32") + "(" + address + ", " + s + ")" : null;
            case CMPXCHG & 0xf0 -> fetch
                    ? p + "0 = cmpxchg" + (bits.equals("64") ? "_64" : "32_32") + "(" + address + ", " + p + "0, " + s + ")"
                    : null;
            default -> null;
        };
    }

    private static String memory(int base, int offset) {
        return "r" + base + (offset >= 0 ? " + " + hex(offset) : " - " + hex(-(long) offset));
    }

    private static boolean validRegister(int register) {
        return register <= MAX_LLVM_REGISTER;
    }

    /** LLVM's formatImm with hex output: signed, lower-case, "-0x" for negatives. */
    static String hex(long value) {
        return value < 0 ? "-0x" + Long.toHexString(-value) : "0x" + Long.toHexString(value);
    }
}
