package dev.wbpf.vm.verifier;

import static dev.wbpf.core.insn.Opcodes.*;

import dev.wbpf.core.insn.Instruction;
import dev.wbpf.core.insn.OpcodeTable;
import java.util.ArrayDeque;
import java.util.BitSet;
import java.util.Deque;

/** The static pass before any path is walked: encodings and reserved fields, jump and call targets, subprogram boundaries, unreachable code, prune points and register liveness. */
final class ProgramStructure {
    static final long NO_TARGET = Long.MIN_VALUE;

    final Instruction[] code;
    final int n;
    /** The second slot of an LDDW. */
    final boolean[] secondHalf;
    final boolean[] subprogEntry;
    /** Entry instruction of the subprogram each instruction belongs to. */
    final int[] subprogOf;
    /** Jump targets, fall-throughs of conditional jumps and subprogram entries: where states are stored. */
    final boolean[] prunePoint;
    /** Registers (bit per r0..r9) live on entry to each instruction. */
    final int[] liveIn;

    /** Runs the static checks over {@code code}, or refuses the program. */
    ProgramStructure(Instruction[] code) {
        this.code = code;
        this.n = code.length;
        this.secondHalf = new boolean[n];
        this.subprogEntry = new boolean[n];
        this.subprogOf = new int[n];
        this.prunePoint = new boolean[n];
        this.liveIn = new int[n + 1];
        checkEncodings();
        checkCfg();
        computeLiveness();
    }

    private static VerifierException error(int insn, String reason) {
        return new VerifierException(insn, reason, "");
    }

    private void checkEncodings() {
        for (int i = 0; i < n; i++) {
            if (secondHalf[i]) {
                continue;
            }
            Instruction insn = code[i];
            String problem = OpcodeTable.problem(insn);
            if (problem != null) {
                throw error(i, problem.startsWith("unknown opcode") ? problem : "invalid instruction: " + problem);
            }
            int op = insn.opcode();
            if (insn.dst() > 10 || (insn.src() > 10 && op != LDDW)) {
                throw error(i, "R" + Math.max(insn.dst(), insn.src()) + " is invalid");
            }
            String reserved = reservedProblem(insn);
            if (reserved != null) {
                throw error(i, reserved);
            }
            if (insn.isImm64Load()) {
                if (i + 1 >= n) {
                    throw error(i, "invalid bpf_ld_imm64 insn");
                }
                Instruction next = code[i + 1];
                if (next.opcode() != 0 || next.dst() != 0 || next.src() != 0 || next.offset() != 0) {
                    throw error(i, "invalid bpf_ld_imm64 insn");
                }
                secondHalf[i + 1] = true;
            }
        }
    }

    private static String reservedProblem(Instruction insn) {
        int op = insn.opcode();
        int cls = instructionClass(op);
        boolean x = source(op) == X;
        switch (cls) {
            case ALU, ALU64 -> {
                int operation = operation(op);
                if (operation == END) {
                    return insn.src() != 0 || insn.offset() != 0 ? "BPF_END uses reserved fields" : null;
                }
                if (operation == NEG) {
                    return insn.src() != 0 || insn.imm() != 0 || insn.offset() != 0 ? "BPF_NEG uses reserved fields" : null;
                }
                if (x ? insn.imm() != 0 : insn.src() != 0) {
                    return "BPF_ALU uses reserved fields";
                }
                return null;
            }
            case JMP, JMP32 -> {
                int operation = operation(op);
                if (op == GOTOL_OPCODE) {
                    return insn.src() != 0 || insn.dst() != 0 || insn.offset() != 0 ? "BPF_JA uses reserved fields" : null;
                }
                if (operation == JA) {
                    return insn.src() != 0 || insn.dst() != 0 || insn.imm() != 0 ? "BPF_JA uses reserved fields" : null;
                }
                if (operation == JCOND) {
                    return insn.dst() != 0 || insn.imm() != 0 ? "may_goto uses reserved fields" : null;
                }
                if (operation == EXIT) {
                    return insn.src() != 0 || insn.dst() != 0 || insn.imm() != 0 || insn.offset() != 0 ? "BPF_EXIT uses reserved fields" : null;
                }
                if (operation == CALL) {
                    if (x) {
                        return insn.src() != 0 || insn.offset() != 0 ? "BPF_CALLX uses reserved fields" : null;
                    }
                    return insn.dst() != 0 || insn.offset() != 0 ? "BPF_CALL uses reserved fields" : null;
                }
                if (x ? insn.imm() != 0 : insn.src() != 0) {
                    return "BPF_JMP/JMP32 uses reserved fields";
                }
                return null;
            }
            case LD -> {
                if (op == LDDW) {
                    return insn.offset() != 0 ? "invalid bpf_ld_imm64 insn" : null;
                }
                if (mode(op) == ABS) {
                    return insn.dst() != 0 || insn.src() != 0 || insn.offset() != 0 ? "BPF_LD_[ABS|IND] uses reserved fields" : null;
                }
                return insn.dst() != 0 || insn.offset() != 0 ? "BPF_LD_[ABS|IND] uses reserved fields" : null;
            }
            case LDX -> {
                return insn.imm() != 0 ? "BPF_LDX uses reserved fields" : null;
            }
            case ST -> {
                return insn.src() != 0 ? "BPF_ST uses reserved fields" : null;
            }
            case STX -> {
                return mode(op) == MEM && insn.imm() != 0 ? "BPF_STX uses reserved fields" : null;
            }
            default -> {
                return null;
            }
        }
    }

    /** Jump target of a jump at {@code i} (not call/exit), or NO_TARGET when it is not a jump. */
    long jumpTarget(int i) {
        Instruction insn = code[i];
        int op = insn.opcode();
        if (op == GOTOL_OPCODE) {
            return (long) i + 1 + insn.imm();
        }
        if (!isJump(op) || operation(op) == CALL || operation(op) == EXIT) {
            return NO_TARGET;
        }
        return (long) i + 1 + insn.offset();
    }

    boolean isConditional(int i) {
        int op = code[i].opcode();
        return isJump(op) && op != GOTOL_OPCODE && op != JA_OPCODE && operation(op) != CALL && operation(op) != EXIT;
    }

    private void checkCfg() {
        subprogEntry[0] = true;
        for (int i = 0; i < n; i++) {
            if (secondHalf[i]) {
                continue;
            }
            Instruction insn = code[i];
            long target = -1;
            if (insn.opcode() == CALL_OPCODE && insn.src() == PSEUDO_CALL) {
                target = (long) i + 1 + insn.imm();
            } else if (insn.opcode() == CALL_OPCODE && insn.src() == PSEUDO_KFUNC_CALL) {
                throw error(i, "kernel function calls are not supported by the VM");
            } else if (insn.opcode() == LDDW && insn.src() == PSEUDO_FUNC) {
                target = (long) i + 1 + insn.imm();
            } else {
                continue;
            }
            if (target < 0 || target >= n || secondHalf[(int) target]) {
                throw error(i, "call to invalid destination " + target);
            }
            subprogEntry[(int) target] = true;
        }
        int current = 0;
        for (int i = 0; i < n; i++) {
            if (subprogEntry[i]) {
                current = i;
            }
            subprogOf[i] = current;
        }
        for (int i = 0; i < n; i++) {
            if (secondHalf[i]) {
                continue;
            }
            long t = jumpTarget(i);
            if (t != NO_TARGET) {
                if (t < 0 || t >= n || subprogOf[(int) t] != subprogOf[i]) {
                    throw error(i, "jump out of range from insn " + i + " to " + t);
                }
                if (secondHalf[(int) t]) {
                    throw error(i, "jump into the middle of ldimm64 insn " + (t - 1));
                }
                prunePoint[(int) t] = true;
                if (isConditional(i) && i + 1 < n) {
                    prunePoint[i + 1] = true;
                }
            }
            // the last instruction of each subprogram must not fall through
            int end = i + code[i].slots();
            if (end >= n || subprogEntry[end]) {
                int op = code[i].opcode();
                if (op != EXIT_OPCODE && op != JA_OPCODE && op != GOTOL_OPCODE) {
                    throw error(i, "last insn is not an exit or jmp");
                }
            }
        }
        for (int i = 0; i < n; i++) {
            if (subprogEntry[i]) {
                prunePoint[i] = true;
            }
        }
        // reachability from the entry, following jumps and calls
        BitSet seen = new BitSet(n);
        Deque<Integer> work = new ArrayDeque<>();
        work.push(0);
        seen.set(0);
        while (!work.isEmpty()) {
            int i = work.pop();
            for (int s : successors(i, true)) {
                if (s >= 0 && s < n && !seen.get(s)) {
                    seen.set(s);
                    work.push(s);
                }
            }
        }
        for (int i = 0; i < n; i++) {
            if (!secondHalf[i] && !seen.get(i)) {
                throw error(i, "unreachable insn " + i);
            }
        }
    }

    /** CFG successors; with {@code intoCalls} the entries of called subprograms too. */
    private int[] successors(int i, boolean intoCalls) {
        Instruction insn = code[i];
        int op = insn.opcode();
        int next = i + insn.slots();
        if (op == EXIT_OPCODE) {
            return new int[0];
        }
        if (op == JA_OPCODE || op == GOTOL_OPCODE) {
            return new int[] {(int) jumpTarget(i)};
        }
        if (op == CALL_OPCODE && insn.src() == PSEUDO_CALL) {
            return intoCalls ? new int[] {next, i + 1 + insn.imm()} : new int[] {next};
        }
        if (op == LDDW && insn.src() == PSEUDO_FUNC && intoCalls) {
            return new int[] {next, i + 1 + insn.imm()};
        }
        if (isConditional(i)) {
            return new int[] {next, (int) jumpTarget(i)};
        }
        return new int[] {next};
    }

    // ---- register liveness (r0..r9), used to ignore dead registers when comparing states ----

    private static final int ARGS = 0b111110;     // r1..r5
    private static final int CALLER_SAVED = 0b111111; // r0..r5

    private void computeLiveness() {
        int[] use = new int[n];
        int[] def = new int[n];
        for (int i = 0; i < n; i++) {
            if (secondHalf[i]) {
                continue;
            }
            Instruction insn = code[i];
            int op = insn.opcode();
            int d = bit(insn.dst());
            int s = bit(insn.src());
            switch (instructionClass(op)) {
                case ALU, ALU64 -> {
                    int operation = operation(op);
                    if (operation == MOV) {
                        use[i] = source(op) == X ? s : 0;
                    } else {
                        use[i] = d | (source(op) == X && operation != END && operation != NEG ? s : 0);
                    }
                    def[i] = d;
                }
                case LDX -> {
                    use[i] = s;
                    def[i] = d;
                }
                case ST -> use[i] = d;
                case STX -> {
                    use[i] = d | s | (mode(op) == ATOMIC && insn.imm() == CMPXCHG ? 1 : 0);
                    def[i] = mode(op) == ATOMIC && insn.imm() == CMPXCHG ? 1 : (mode(op) == ATOMIC && (insn.imm() & FETCH) != 0 ? s : 0);
                }
                case LD -> {
                    if (op == LDDW) {
                        def[i] = d;
                    } else {
                        use[i] = bit(6) | (mode(op) == IND ? s : 0);
                        def[i] = CALLER_SAVED;
                    }
                }
                case JMP, JMP32 -> {
                    int operation = operation(op);
                    if (operation == CALL) {
                        use[i] = ARGS | (source(op) == X ? bit(insn.imm() >= 1 && insn.imm() <= 10 ? insn.imm() : insn.dst()) : 0);
                        def[i] = CALLER_SAVED;
                    } else if (operation == EXIT) {
                        use[i] = 1;
                    } else if (op != JA_OPCODE && op != GOTOL_OPCODE && operation != JCOND) {
                        use[i] = d | (source(op) == X ? s : 0);
                    }
                }
                default -> { }
            }
        }
        boolean changed = true;
        while (changed) {
            changed = false;
            for (int i = n - 1; i >= 0; i--) {
                if (secondHalf[i]) {
                    continue;
                }
                int out = 0;
                for (int s : successors(i, false)) {
                    if (s >= 0 && s < n) {
                        out |= liveIn[s];
                    }
                }
                int in = (use[i] | (out & ~def[i])) & 0x3ff;
                if (in != liveIn[i]) {
                    liveIn[i] = in;
                    changed = true;
                }
            }
        }
    }

    private static int bit(int reg) {
        return reg < 10 ? 1 << reg : 0;
    }

    // =====================================================================================
    // Path exploration
    // =====================================================================================
}
