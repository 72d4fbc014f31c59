package dev.wbpf.core.insn;

import static dev.wbpf.core.insn.Opcodes.*;

/**
 * Which encodings RFC 9669 defines, plus the two kernel extensions clang emits: CALLX (indirect
 * call) and may_goto (JMP|JCOND). Answers per slot, looking at the opcode and at the fields whose value selects a
 * different instruction (offset of DIV/MOD/MOV, imm of END and ATOMIC, src of CALL and LDDW).
 */
public final class OpcodeTable {
    private OpcodeTable() {}

    /** Why {@code insn} is not a defined instruction, or {@code null} if it is. */
    public static String problem(Instruction insn) {
        int op = insn.opcode();
        return switch (instructionClass(op)) {
            case ALU, ALU64 -> aluProblem(insn);
            case JMP, JMP32 -> jumpProblem(insn);
            case LD -> loadImmProblem(insn);
            case LDX -> mode(op) == MEM || (mode(op) == MEMSX && size(op) != DW) ? null : unknown(op);
            case ST -> mode(op) == MEM ? null : unknown(op);
            case STX -> storeRegProblem(insn);
            default -> throw new AssertionError();
        };
    }

    public static boolean isDefined(Instruction insn) {
        return problem(insn) == null;
    }

    private static String aluProblem(Instruction insn) {
        int op = insn.opcode();
        boolean alu64 = instructionClass(op) == ALU64;
        int offset = insn.offset();
        return switch (operation(op)) {
            case ADD, SUB, MUL, OR, AND, LSH, RSH, XOR, ARSH -> offset == 0 ? null : "nonzero offset " + offset;
            case DIV, MOD -> offset == 0 || offset == 1 ? null : "offset " + offset + " is neither unsigned (0) nor signed (1)";
            case NEG -> source(op) == K ? null : unknown(op);
            case MOV -> offset == 0 || (source(op) == X && (offset == 8 || offset == 16 || (alu64 && offset == 32)))
                    ? null : "mov offset " + offset + " is not a sign-extension width";
            case END -> {
                if (alu64 && source(op) != TO_LE) {
                    yield unknown(op);
                }
                int width = insn.imm();
                yield width == 16 || width == 32 || width == 64 ? null : "byte swap width " + width;
            }
            default -> unknown(op);
        };
    }

    private static String jumpProblem(Instruction insn) {
        int op = insn.opcode();
        boolean jmp64 = instructionClass(op) == JMP;
        return switch (operation(op)) {
            case JA -> source(op) == K ? null : unknown(op);
            case JEQ, JGT, JGE, JSET, JNE, JSGT, JSGE, JLT, JLE, JSLT, JSLE -> null;
            case CALL -> {
                if (!jmp64) {
                    yield unknown(op);
                }
                if (source(op) == X) {
                    yield null; // callx: target address in a register
                }
                int src = insn.src();
                yield src == CALL_HELPER || src == PSEUDO_CALL || src == PSEUDO_KFUNC_CALL ? null : "call with src " + src;
            }
            case EXIT -> jmp64 && source(op) == K ? null : unknown(op);
            case JCOND -> jmp64 && source(op) == K && insn.src() == 0 ? null : unknown(op);
            default -> unknown(op);
        };
    }

    private static String loadImmProblem(Instruction insn) {
        int op = insn.opcode();
        if (op == LDDW) {
            return Imm64Kind.ofSrc(insn.src()) != null ? null : "64-bit immediate load with src " + insn.src();
        }
        // Legacy packet access: ABS/IND loads of 1, 2 or 4 bytes.
        return (mode(op) == ABS || mode(op) == IND) && size(op) != DW ? null : unknown(op);
    }

    private static String storeRegProblem(Instruction insn) {
        int op = insn.opcode();
        if (mode(op) == MEM) {
            return null;
        }
        if (mode(op) != ATOMIC || (size(op) != W && size(op) != DW)) {
            return unknown(op);
        }
        return switch (insn.imm()) {
            case ATOMIC_ADD, ATOMIC_OR, ATOMIC_AND, ATOMIC_XOR,
                 ATOMIC_ADD | FETCH, ATOMIC_OR | FETCH, ATOMIC_AND | FETCH, ATOMIC_XOR | FETCH,
                 XCHG, CMPXCHG -> null;
            default -> "atomic operation 0x" + Integer.toHexString(insn.imm());
        };
    }

    private static String unknown(int opcode) {
        return String.format("unknown opcode 0x%02x", opcode);
    }
}
