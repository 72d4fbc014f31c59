package dev.wbpf.vm.verifier;

import static dev.wbpf.core.insn.Opcodes.*;

import dev.wbpf.core.insn.Imm64Kind;
import dev.wbpf.core.insn.Instruction;
import dev.wbpf.core.insn.Instructions;
import dev.wbpf.core.insn.OpcodeTable;
import dev.wbpf.core.object.MapType;
import dev.wbpf.core.prog.ProgramType;
import dev.wbpf.vm.VmProgram;
import dev.wbpf.vm.helper.HelperIds;
import dev.wbpf.vm.helper.HelperTable;
import dev.wbpf.vm.map.MapDefinition;
import dev.wbpf.vm.map.VmMap;
import dev.wbpf.vm.verifier.HelperPrototypes.Arg;
import dev.wbpf.vm.verifier.HelperPrototypes.Proto;
import dev.wbpf.vm.verifier.VerifierState.Frame;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The VM's verifier: abstract interpretation of every path of a program, in the manner of the
 * kernel's (kernel/bpf/verifier.c, Documentation/bpf/verifier.rst). First a static pass over the
 * control-flow graph (encodings, reserved fields, jump targets, subprogram boundaries, unreachable
 * code); then a depth-first walk of all paths with an abstract state per path, pruned where a
 * state is covered by one already proven safe at the same instruction. Anything it cannot prove
 * safe is refused with a {@link VerifierException} naming the instruction.
 *
 * <p>The VM's memory model checks every access at run time anyway; the verifier's job is to refuse
 * up front what the kernel would refuse, so that programs behave the same on both backends, and
 * to make run-time faults of accepted programs a verifier bug.
 *
 * <p>Entry point: {@link #verify}. Map references in the code follow {@link VmProgram}'s convention:
 * the imm of {@code LDDW src=1/2/5/6} is an index into {@code maps}.
 */
public final class Verifier {
    /** The kernel's BPF_COMPLEXITY_LIMIT_INSNS. */
    public static final int DEFAULT_INSN_LIMIT = 1_000_000;
    static final int MAX_FRAMES = 8;
    static final int MAX_OFF = 1 << 29;
    static final int MAX_PACKET_OFF = 0xffff;
    private static final int MAX_STATES_PER_INSN = 64;
    private static final int LOG_LINES = 64;

    /**
     * Tunables.
     *
     * @param contextSize size of the argument buffer of tracepoint / raw tracepoint / syscall programs
     *                    (bytes the caller will supply), or -1 for the per-type default
     * @param insnLimit   instructions processed (over all paths) before "program too complex"
     */
    public record Options(int contextSize, int insnLimit) {
        public static Options defaults() {
            return new Options(-1, DEFAULT_INSN_LIMIT);
        }

        public Options withContextSize(int size) {
            return new Options(size, insnLimit);
        }

        public Options withInsnLimit(int limit) {
            return new Options(contextSize, limit);
        }
    }

    /** What the verifier found: work done and the deepest stack use per frame. */
    public record Result(int instructionsProcessed, int statesStored, int maxStackDepth) {
    }

    static final class Checkpoint {
        final VerifierState state;
        final Checkpoint parent;
        int live = 1;

        Checkpoint(VerifierState state, Checkpoint parent) {
            this.state = state;
            this.parent = parent;
        }
    }

    private final String name;
    private final ProgramType type;
    private final Instruction[] code;
    private final int n;
    private final List<MapDefinition> maps = new ArrayList<>();
    private final HelperTable helpers;
    private final Options options;
    private final ContextLayout context;

    // static analysis
    private final boolean[] secondHalf;
    private final boolean[] subprogEntry;
    private final int[] subprogOf;
    private final boolean[] prunePoint;
    private final int[] liveIn;

    // exploration
    private final Deque<VerifierState> pending = new ArrayDeque<>();
    private final Map<Integer, List<Checkpoint>> explored = new HashMap<>();
    private int processed;
    private int statesStored;
    private int nextId = 1;
    private int maxStack;
    private int pc;
    private final ArrayDeque<String> log = new ArrayDeque<>();

    private Verifier(String name, ProgramType type, Instructions instructions, List<? extends VmMap> vmMaps,
                     HelperTable helpers, Options options) {
        this.name = name;
        this.type = type;
        this.n = instructions.size();
        this.code = new Instruction[n];
        for (int i = 0; i < n; i++) {
            code[i] = instructions.get(i);
        }
        for (VmMap m : vmMaps) {
            maps.add(m.definition());
        }
        this.helpers = helpers;
        this.options = options;
        int ctxSize = options.contextSize() >= 0 ? options.contextSize() : ContextLayout.defaultSize(type);
        this.context = ContextLayout.of(type, ctxSize);
        this.secondHalf = new boolean[n];
        this.subprogEntry = new boolean[n];
        this.subprogOf = new int[n];
        this.prunePoint = new boolean[n];
        this.liveIn = new int[n + 1];
    }

    /** Verifies with default options; see {@link #verify(String, ProgramType, Instructions, List, HelperTable, Options)}. */
    public static Result verify(String name, ProgramType type, Instructions instructions, List<? extends VmMap> maps,
                                HelperTable helpers) {
        return verify(name, type, instructions, maps, helpers, Options.defaults());
    }

    /**
     * Proves {@code instructions} safe for {@code type} with these maps and helpers, or refuses.
     *
     * @throws VerifierException naming the instruction and the reason
     */
    public static Result verify(String name, ProgramType type, Instructions instructions, List<? extends VmMap> maps,
                                HelperTable helpers, Options options) {
        Verifier v = new Verifier(name, type, instructions, maps, helpers, options);
        try {
            return v.run();
        } catch (VerifierException e) {
            throw e;
        } catch (RuntimeException e) {
            // A verifier bug must never let a program through.
            throw new VerifierException(v.pc, "internal verifier error: " + e, v.logText());
        }
    }

    /** Verifies and then prepares the program for a machine. */
    public static VmProgram prepareVerified(String name, ProgramType type, Instructions instructions, List<? extends VmMap> maps,
                                            HelperTable helpers, Options options) {
        verify(name, type, instructions, maps, helpers, options);
        return VmProgram.prepare(name, type, instructions, maps, helpers);
    }

    // =====================================================================================
    // Static checks: encodings, reserved fields, CFG
    // =====================================================================================

    private VerifierException error(int insn, String reason) {
        return new VerifierException(insn, reason, logText());
    }

    private VerifierException error(String reason) {
        return error(pc, reason);
    }

    private String logText() {
        return String.join("\n", log);
    }

    private Result run() {
        if (n == 0) {
            throw error(VerifierException.NO_INSTRUCTION, "program `" + name + "` has no instructions");
        }
        if (context == null) {
            throw error(VerifierException.NO_INSTRUCTION, "program type " + type.displayName() + " is not supported by the VM");
        }
        checkEncodings();
        checkCfg();
        computeLiveness();
        explore();
        return new Result(processed, statesStored, maxStack);
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

    private static final long NO_TARGET = Long.MIN_VALUE;

    /** Jump target of a jump at {@code i} (not call/exit), or NO_TARGET when it is not a jump. */
    private long jumpTarget(int i) {
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

    private boolean isConditional(int i) {
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
    private static final int CALLEE_SAVED = 0b1111000000; // r6..r9

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

    private void explore() {
        VerifierState init = new VerifierState();
        Frame f = new Frame();
        for (int i = 0; i < 11; i++) {
            f.regs[i] = Reg.notInit();
        }
        f.regs[1] = Reg.pointer(RegType.PTR_TO_CTX);
        if (type == ProgramType.UNSPEC) {
            f.regs[2] = Reg.unknown();
        }
        f.regs[10] = stackPointer(0);
        f.subprog = 0;
        init.frames.add(f);
        init.insn = 0;
        pending.push(init);
        while (!pending.isEmpty()) {
            VerifierState st = pending.pop();
            log("from " + st.insn + ": (pending branch)");
            walk(st);
        }
    }

    private static Reg stackPointer(int frame) {
        Reg r = Reg.pointer(RegType.PTR_TO_STACK);
        r.frame = frame;
        return r;
    }

    private void log(String line) {
        log.addLast(line);
        if (log.size() > LOG_LINES) {
            log.removeFirst();
        }
    }

    private void push(VerifierState branch) {
        if (branch.parent != null) {
            branch.parent.live++;
        }
        pending.push(branch);
    }

    private static void endPath(VerifierState st) {
        for (Checkpoint c = st.parent; c != null; c = c.parent) {
            if (--c.live > 0) {
                break;
            }
        }
    }

    /** Runs one path until it exits the program or meets a state already proven safe. */
    private void walk(VerifierState st) {
        while (true) {
            pc = st.insn;
            if (++processed > options.insnLimit()) {
                throw error("program too complex: processed " + processed + " insns (limit " + options.insnLimit()
                        + "), back-edge or too many paths");
            }
            if (prunePoint[pc] && visited(st)) {
                log(pc + ": safe (state already explored)");
                endPath(st);
                return;
            }
            if (!step(st)) {
                endPath(st);
                return;
            }
        }
    }

    private boolean visited(VerifierState st) {
        List<Checkpoint> list = explored.computeIfAbsent(pc, k -> new ArrayList<>());
        for (Checkpoint c : list) {
            if (c.live == 0) {
                if (covers(c.state, st)) {
                    return true;
                }
            } else if (sameState(c.state, st)) {
                throw error("infinite loop detected at insn " + pc);
            }
        }
        if (list.size() < MAX_STATES_PER_INSN) {
            Checkpoint c = new Checkpoint(st.copy(), st.parent);
            list.add(c);
            st.parent = c;
            statesStored++;
        }
        return false;
    }

    private int liveMask(VerifierState st, int frameIndex) {
        if (frameIndex == st.frames.size() - 1) {
            return liveIn[st.insn];
        }
        int callsite = st.frames.get(frameIndex + 1).callsite;
        return liveIn[callsite + 1] & CALLEE_SAVED;
    }

    /** True when every concrete state described by {@code cur} is described by {@code old}. */
    private boolean covers(VerifierState old, VerifierState cur) {
        if (old.frames.size() != cur.frames.size() || old.refs.size() != cur.refs.size()) {
            return false;
        }
        Map<Integer, Integer> ids = new HashMap<>();
        Map<Integer, Integer> back = new HashMap<>();
        for (int i = 0; i < old.frames.size(); i++) {
            Frame o = old.frames.get(i);
            Frame c = cur.frames.get(i);
            if (o.callsite != c.callsite || o.subprog != c.subprog || o.callback != c.callback) {
                return false;
            }
            int live = liveMask(cur, i);
            for (int r = 0; r < 10; r++) {
                if ((live & (1 << r)) != 0 && !regCovers(o.regs[r], c.regs[r], ids, back)) {
                    return false;
                }
            }
            for (int b = 0; b < VerifierState.STACK_SIZE; b++) {
                byte ot = o.stack[b];
                byte ct = c.stack[b];
                if (ot == VerifierState.INVALID) {
                    continue;
                }
                if (ot == VerifierState.MISC) {
                    if (ct == VerifierState.INVALID || (ct == VerifierState.SPILL && c.spills[b / 8].type.isPointer())) {
                        return false;
                    }
                } else if (ot == VerifierState.ZERO) {
                    if (ct != VerifierState.ZERO) {
                        return false;
                    }
                } else if (ct != VerifierState.SPILL) {
                    return false;
                } else if (b % 8 == 0 && !regCovers(o.spills[b / 8], c.spills[b / 8], ids, back)) {
                    return false;
                }
            }
        }
        for (int i = 0; i < old.refs.size(); i++) {
            if (!sameId(old.refs.get(i).id(), cur.refs.get(i).id(), ids, back)) {
                return false;
            }
        }
        return true;
    }

    private static boolean sameId(int o, int c, Map<Integer, Integer> ids, Map<Integer, Integer> back) {
        if (o == 0 && c == 0) {
            return true;
        }
        if (o == 0 || c == 0) {
            return false;
        }
        Integer mapped = ids.putIfAbsent(o, c);
        Integer mappedBack = back.putIfAbsent(c, o);
        return (mapped == null || mapped == c) && (mappedBack == null || mappedBack == o);
    }

    private static boolean regCovers(Reg o, Reg c, Map<Integer, Integer> ids, Map<Integer, Integer> back) {
        if (o.type == RegType.NOT_INIT) {
            return true;
        }
        if (o.type != c.type) {
            return false;
        }
        if (o.type == RegType.SCALAR) {
            return o.rangeContains(c);
        }
        if (o.off != c.off || o.map != c.map || o.memSize != c.memSize || o.frame != c.frame) {
            return false;
        }
        if (o.type.isPacket() && c.range < o.range) {
            return false;
        }
        if (!o.rangeContains(c)) {
            return false;
        }
        if ((o.type.isPacket() || o.type.isOrNull()) && !sameId(o.id, c.id, ids, back)) {
            return false;
        }
        return sameId(o.refId, c.refId, ids, back);
    }

    /** Exact equality of the live parts (for infinite-loop detection). */
    private boolean sameState(VerifierState a, VerifierState b) {
        if (a.frames.size() != b.frames.size() || a.refs.size() != b.refs.size()) {
            return false;
        }
        for (int i = 0; i < a.frames.size(); i++) {
            Frame x = a.frames.get(i);
            Frame y = b.frames.get(i);
            if (x.callsite != y.callsite) {
                return false;
            }
            int live = liveMask(b, i);
            for (int r = 0; r < 10; r++) {
                if ((live & (1 << r)) != 0 && !x.regs[r].sameAs(y.regs[r])) {
                    return false;
                }
            }
            if (!Arrays.equals(x.stack, y.stack)) {
                return false;
            }
            for (int s = 0; s < x.spills.length; s++) {
                if ((x.spills[s] == null) != (y.spills[s] == null) || (x.spills[s] != null && !x.spills[s].sameAs(y.spills[s]))) {
                    return false;
                }
            }
        }
        return true;
    }

    // =====================================================================================
    // One instruction
    // =====================================================================================

    /** Executes the instruction at st.insn abstractly; false when the path ends. */
    private boolean step(VerifierState st) {
        Instruction insn = code[pc];
        int op = insn.opcode();
        Reg[] regs = st.regs();
        switch (instructionClass(op)) {
            case ALU, ALU64 -> {
                alu(st, insn);
                st.insn = pc + 1;
            }
            case LDX -> {
                checkDstWritable(insn.dst());
                Reg ptr = readReg(regs, insn.src());
                int size = sizeInBytes(op);
                Reg value = memAccess(st, insn.src(), ptr, insn.offset(), size, false, null, mode(op) == MEMSX);
                regs[insn.dst()] = value;
                st.insn = pc + 1;
            }
            case ST -> {
                Reg ptr = readReg(regs, insn.dst());
                int size = sizeInBytes(op);
                if (ptr.type == RegType.PTR_TO_CTX) {
                    throw error("BPF_ST stores into R" + insn.dst() + " ctx is not allowed");
                }
                long imm = insn.imm();
                Reg value = Reg.constant(size == 8 ? imm : imm & ((1L << (8 * size)) - 1));
                memAccess(st, insn.dst(), ptr, insn.offset(), size, true, value, false);
                st.insn = pc + 1;
            }
            case STX -> {
                Reg ptr = readReg(regs, insn.dst());
                Reg value = readReg(regs, insn.src());
                if (ptr.type == RegType.PTR_TO_CTX && value.type.isPointer()) {
                    throw error("R" + insn.src() + " leaks addr into ctx");
                }
                if (mode(op) == ATOMIC) {
                    atomic(st, insn, ptr, value);
                } else {
                    memAccess(st, insn.dst(), ptr, insn.offset(), sizeInBytes(op), true, value, false);
                }
                st.insn = pc + 1;
            }
            case LD -> {
                if (op == LDDW) {
                    ldImm64(st, insn);
                    st.insn = pc + 2;
                } else {
                    legacyPacketLoad(st, insn);
                    st.insn = pc + 1;
                }
            }
            case JMP, JMP32 -> {
                return jump(st, insn);
            }
            default -> throw error(String.format("unknown opcode 0x%02x", op));
        }
        return true;
    }

    private void checkDstWritable(int dst) {
        if (dst == 10) {
            throw error("frame pointer is read only");
        }
    }

    private Reg readReg(Reg[] regs, int regno) {
        Reg r = regs[regno];
        if (r.type == RegType.NOT_INIT) {
            throw error("R" + regno + " !read_ok");
        }
        return r;
    }

    // ---- ALU ----

    private void alu(VerifierState st, Instruction insn) {
        int op = insn.opcode();
        boolean is64 = instructionClass(op) == ALU64;
        int operation = operation(op);
        Reg[] regs = st.regs();
        int dst = insn.dst();
        checkDstWritable(dst);
        if (operation == END) {
            Reg d = readReg(regs, dst);
            if (d.type.isPointer()) {
                throw error("R" + dst + " pointer arithmetic prohibited");
            }
            int width = insn.imm();
            boolean swap = is64 || source(op) == TO_BE;
            Reg r;
            if (!swap) {
                r = d.lo(width);
            } else if (d.isConst()) {
                long v = d.constValue();
                r = Reg.constant(switch (width) {
                    case 16 -> Short.reverseBytes((short) v) & 0xffffL;
                    case 32 -> Integer.reverseBytes((int) v) & 0xffff_ffffL;
                    default -> Long.reverseBytes(v);
                });
            } else {
                r = Reg.unsignedOfSize(width / 8);
            }
            regs[dst] = r;
            return;
        }
        if (operation == MOV) {
            Reg r;
            if (source(op) == X) {
                Reg s = readReg(regs, insn.src());
                int bits = insn.offset();
                if (bits == 0) {
                    if (is64) {
                        r = s.copy();
                    } else {
                        r = s.type.isPointer() ? Reg.unsignedOfSize(4) : s.lo32();
                    }
                } else if (s.type.isPointer()) {
                    r = is64 ? Reg.signedOfSize(bits / 8) : Reg.unsignedOfSize(4);
                } else {
                    Reg ext = s.sext(bits);
                    r = is64 ? ext : ext.lo32();
                }
            } else {
                r = Reg.constant(is64 ? (long) insn.imm() : insn.imm() & Reg.M32);
            }
            regs[dst] = r;
            return;
        }
        Reg d = readReg(regs, dst);
        if (operation == NEG) {
            if (d.type.isPointer()) {
                throw error("R" + dst + " pointer arithmetic with neg operator prohibited");
            }
            regs[dst] = d.isConst() ? Reg.constant(is64 ? -d.constValue() : (-d.constValue()) & Reg.M32)
                    : (is64 ? Reg.unknown() : Reg.unsignedOfSize(4));
            return;
        }
        Reg s;
        boolean imm = source(op) == K;
        if (imm) {
            s = Reg.constant(is64 ? (long) insn.imm() : insn.imm() & Reg.M32);
            if ((operation == DIV || operation == MOD) && insn.imm() == 0) {
                throw error("division by zero");
            }
            if ((operation == LSH || operation == RSH || operation == ARSH)
                    && (insn.imm() < 0 || insn.imm() >= (is64 ? 64 : 32))) {
                throw error("invalid shift " + insn.imm());
            }
        } else {
            s = readReg(regs, insn.src());
        }
        if (d.type.isPointer() || s.type.isPointer()) {
            if (!is64) {
                throw error("R" + dst + " 32-bit pointer arithmetic prohibited");
            }
            regs[dst] = pointerArithmetic(dst, operation, d, s, imm ? -1 : insn.src());
            return;
        }
        boolean signed = insn.offset() == 1;
        Reg r;
        if (is64) {
            r = Scalars.alu(operation, d, s, signed);
        } else {
            if (operation == ARSH) {
                r = Scalars.alu(operation, d.sext32(), s.lo32(), false).lo32();
            } else if (signed && (operation == DIV || operation == MOD)) {
                r = d.isConst() && s.isConst() ? Reg.constant(Scalars.signed32(operation, (int) d.constValue(), (int) s.constValue()))
                        : Reg.unsignedOfSize(4);
            } else {
                r = Scalars.alu(operation, d.lo32(), s.lo32(), false).lo32();
            }
        }
        regs[dst] = r;
    }

    private Reg pointerArithmetic(int dst, int operation, Reg d, Reg s, int srcno) {
        String opName = switch (operation) {
            case ADD -> "+=";
            case SUB -> "-=";
            case MUL -> "*=";
            case DIV -> "/=";
            case MOD -> "%=";
            case OR -> "|=";
            case AND -> "&=";
            case XOR -> "^=";
            case LSH -> "<<=";
            case RSH -> ">>=";
            case ARSH -> "s>>=";
            default -> "?";
        };
        if (operation != ADD && operation != SUB) {
            if (operation == AND || operation == OR || operation == XOR) {
                throw error("R" + dst + " bitwise operator " + opName + " on pointer prohibited");
            }
            throw error("R" + dst + " pointer arithmetic with " + opName + " operator prohibited");
        }
        if (d.type.isPointer() && s.type.isPointer()) {
            if (operation == SUB && !d.type.isOrNull() && !s.type.isOrNull()) {
                return Reg.unknown(); // a distance (as the kernel allows privileged programs)
            }
            throw error("R" + dst + " pointer " + opName + " pointer prohibited");
        }
        Reg ptr;
        Reg scalar;
        if (d.type.isPointer()) {
            ptr = d;
            scalar = s;
        } else {
            if (operation == SUB) {
                throw error("R" + dst + " tried to subtract pointer from scalar");
            }
            ptr = s;
            scalar = d;
        }
        int ptrReg = ptr == d ? dst : srcno;
        if (ptr.type.isOrNull()) {
            throw error("R" + ptrReg + " pointer arithmetic on " + ptr.type.logName + " prohibited, null-check it first");
        }
        if (ptr.type == RegType.PTR_TO_PACKET_END || ptr.type == RegType.CONST_PTR_TO_MAP || ptr.type == RegType.PTR_TO_FUNC) {
            throw error("R" + ptrReg + " pointer arithmetic on " + ptr.type.logName + " prohibited");
        }
        Reg r = ptr.copy();
        if (scalar.isConst()) {
            long c = scalar.constValue();
            long off = operation == ADD ? (long) r.off + c : (long) r.off - c;
            if (off <= -MAX_OFF || off >= MAX_OFF) {
                throw error("value " + c + " makes " + ptr.type.logName + " pointer be out of bounds");
            }
            r.off = (int) off;
            return r;
        }
        if (scalar.smin <= -MAX_OFF) {
            throw error("math between " + ptr.type.logName + " pointer and register with unbounded min value is not allowed");
        }
        if (scalar.smax >= MAX_OFF) {
            throw error("math between " + ptr.type.logName + " pointer and register with unbounded max value is not allowed");
        }
        Reg var = Scalars.alu(operation, ptr, scalar, false);
        r.smin = var.smin;
        r.smax = var.smax;
        r.umin = var.umin;
        r.umax = var.umax;
        r.tnum = var.tnum;
        if (r.smin <= -MAX_OFF || r.smax >= MAX_OFF) {
            throw error("R" + dst + " pointer offset out of bounds after " + opName + " of a variable");
        }
        if (r.type.isPacket()) {
            r.id = nextId++;
            r.range = 0;
        }
        return r;
    }

    // ---- memory ----

    private Reg memAccess(VerifierState st, int regno, Reg ptr, int insnOff, int size, boolean write, Reg value, boolean signExtend) {
        Reg loaded = signExtend ? Reg.signedOfSize(size) : Reg.unsignedOfSize(size);
        switch (ptr.type) {
            case PTR_TO_CTX -> {
                if (!ptr.isConst(0)) {
                    throw error("variable ctx access var_off=" + ptr.tnum + " disallowed");
                }
                if (write && value != null && value.type.isPointer()) {
                    throw error("R" + regno + " leaks addr into ctx");
                }
                return contextAccess(ptr.off + insnOff, size, write, signExtend);
            }
            case PTR_TO_STACK -> {
                if (!ptr.isConst()) {
                    throw error("variable stack access var_off=" + ptr.tnum + " off=" + (ptr.off + insnOff) + " size=" + size);
                }
                long off = ptr.off + ptr.constValue() + insnOff;
                if (off % size != 0) {
                    throw error("misaligned stack access off " + off + " size " + size);
                }
                if (off < -VerifierState.STACK_SIZE || off + size > 0) {
                    throw error("invalid " + (write ? "write to" : "read from") + " stack R" + regno + " off=" + off + " size=" + size);
                }
                Frame f = st.frames.get(ptr.frame);
                maxStack = Math.max(maxStack, (int) -off);
                if (write) {
                    stackWrite(f, (int) off, size, value, regno);
                    return null;
                }
                return stackRead(f, (int) off, size, signExtend);
            }
            case PTR_TO_MAP_VALUE -> {
                MapDefinition map = maps.get(ptr.map);
                checkBounded(regno, ptr);
                long lo = ptr.off + ptr.smin + insnOff;
                long hi = ptr.off + ptr.umax + insnOff + size;
                if (lo < 0 || hi > map.valueSize()) {
                    long shown = lo < 0 ? lo : hi - size;
                    throw error("invalid access to map value, value_size=" + map.valueSize() + " off=" + shown + " size=" + size);
                }
                if (write && (map.flags() & VmProgram.BPF_F_RDONLY_PROG) != 0) {
                    throw error("write into map forbidden, value_size=" + map.valueSize() + " off=" + lo + " size=" + size);
                }
                return write ? null : loaded;
            }
            case PTR_TO_MEM -> {
                checkBounded(regno, ptr);
                long lo = ptr.off + ptr.smin + insnOff;
                long hi = ptr.off + ptr.umax + insnOff + size;
                if (lo < 0 || hi > ptr.memSize) {
                    throw error("invalid access to memory, mem_size=" + ptr.memSize + " off=" + (lo < 0 ? lo : hi - size) + " size=" + size);
                }
                return write ? null : loaded;
            }
            case PTR_TO_PACKET, PTR_TO_PACKET_META -> {
                if (write && type != ProgramType.XDP && type != ProgramType.SCHED_CLS && type != ProgramType.SCHED_ACT) {
                    throw error("cannot write into packet");
                }
                if (ptr.smin < 0) {
                    throw error("R" + regno + " min value is negative, either use unsigned index or do a if (index >=0) check.");
                }
                if (Long.compareUnsigned(ptr.umax, MAX_PACKET_OFF) >= 0) {
                    throw error("R" + regno + " unbounded memory access, make sure to bounds check any such access");
                }
                long off = (long) ptr.off + insnOff;
                if (off < 0 || off + size > ptr.range) {
                    throw error("invalid access to packet, off=" + off + " size=" + size + ", R" + regno + "(id=" + ptr.id
                            + ",off=" + ptr.off + ",r=" + ptr.range + ")");
                }
                return write ? null : loaded;
            }
            default -> throw error("R" + regno + " invalid mem access '" + ptr.type.logName + "'");
        }
    }

    private void checkBounded(int regno, Reg ptr) {
        if (ptr.smin < 0) {
            throw error("R" + regno + " min value is negative, either use unsigned index or do a if (index >=0) check.");
        }
        if (Long.compareUnsigned(ptr.umax, MAX_OFF) >= 0) {
            throw error("R" + regno + " unbounded memory access, make sure to bounds check any such access");
        }
    }

    private Reg contextAccess(int off, int size, boolean write, boolean signExtend) {
        String where = "invalid bpf_context access off=" + off + " size=" + size;
        if (off < 0 || off + size > context.size) {
            throw error(where);
        }
        if (context.fields == null) {
            if (off % size != 0) {
                throw error(where + " (misaligned)");
            }
            if (write && !context.flatWritable) {
                throw error(where + " (the " + context.structName + " context is read-only)");
            }
            return write ? null : (signExtend ? Reg.signedOfSize(size) : Reg.unsignedOfSize(size));
        }
        ContextLayout.Field field = context.field(off, size);
        if (field == null || field.kind() == ContextLayout.Kind.DENIED) {
            throw error(where + (field == null ? "" : " (" + field.name() + " is not available to " + type.displayName() + " programs)"));
        }
        if (write) {
            if (!field.writable()) {
                throw error(where + " (" + context.structName + "." + field.name() + " is read-only)");
            }
            if (field.name().equals("cb") ? off % size != 0 : (off != field.off() || size != field.size())) {
                throw error(where + " (partial write of " + field.name() + ")");
            }
            return null;
        }
        if (field.kind() != ContextLayout.Kind.SCALAR) {
            if (off != field.off() || size != 4 || signExtend) {
                throw error(where + " (" + field.name() + " must be read with a 4-byte load)");
            }
            Reg r = Reg.pointer(switch (field.kind()) {
                case PACKET -> RegType.PTR_TO_PACKET;
                case PACKET_END -> RegType.PTR_TO_PACKET_END;
                default -> RegType.PTR_TO_PACKET_META;
            });
            return r;
        }
        if (off % size != 0) {
            throw error(where + " (misaligned)");
        }
        return signExtend ? Reg.signedOfSize(size) : Reg.unsignedOfSize(size);
    }

    private void stackWrite(Frame f, int off, int size, Reg value, int regno) {
        int base = VerifierState.STACK_SIZE + off;
        if (size == 8 && value != null) {
            f.stack[base] = VerifierState.SPILL;
            Arrays.fill(f.stack, base, base + 8, VerifierState.SPILL);
            f.spills[base / 8] = value.copy();
            return;
        }
        if (value != null && value.type.isPointer()) {
            throw error("invalid size of register spill");
        }
        destroySpills(f, base, size);
        byte t = value != null && value.isConst(0) ? VerifierState.ZERO : VerifierState.MISC;
        if (value != null && value.isConst()) {
            long v = value.constValue();
            if (size < 8 && (v & ((1L << (8 * size)) - 1)) == 0) {
                t = VerifierState.ZERO;
            }
        }
        Arrays.fill(f.stack, base, base + size, t);
    }

    /** Turns the spilled registers of the slots touching [base, base+size) into plain initialised bytes. */
    private static void destroySpills(Frame f, int base, int size) {
        for (int slot = base / 8; slot <= (base + size - 1) / 8; slot++) {
            if (f.spills[slot] != null) {
                byte t = f.spills[slot].isConst(0) ? VerifierState.ZERO : VerifierState.MISC;
                Arrays.fill(f.stack, slot * 8, slot * 8 + 8, t);
                f.spills[slot] = null;
            }
        }
    }

    private Reg stackRead(Frame f, int off, int size, boolean signExtend) {
        int base = VerifierState.STACK_SIZE + off;
        int slot = base / 8;
        if (f.stack[base] == VerifierState.SPILL && f.spills[slot] != null) {
            Reg spilled = f.spills[slot];
            if (size == 8 && base % 8 == 0) {
                return spilled.copy();
            }
            if (spilled.type.isPointer()) {
                throw error("invalid size of register fill");
            }
            if (base % 8 == 0 && !signExtend) {
                return spilled.lo(size * 8); // little endian: the low bytes come first
            }
            return signExtend ? Reg.signedOfSize(size) : Reg.unsignedOfSize(size);
        }
        boolean zero = true;
        for (int b = base; b < base + size; b++) {
            byte t = f.stack[b];
            if (t == VerifierState.INVALID) {
                throw error("invalid read from stack off " + off + "+" + (b - base) + " size " + size);
            }
            if (t == VerifierState.SPILL) {
                Reg spilled = f.spills[b / 8];
                if (spilled.type.isPointer()) {
                    throw error("invalid size of register fill");
                }
                zero &= spilled.isConst(0);
            } else {
                zero &= t == VerifierState.ZERO;
            }
        }
        if (zero) {
            return Reg.constant(0);
        }
        return signExtend ? Reg.signedOfSize(size) : Reg.unsignedOfSize(size);
    }

    private void atomic(VerifierState st, Instruction insn, Reg ptr, Reg value) {
        int size = sizeInBytes(insn.opcode());
        int imm = insn.imm();
        int dst = insn.dst();
        if (value.type.isPointer()) {
            throw error("R" + insn.src() + " leaks addr into mem");
        }
        if (imm == CMPXCHG) {
            readReg(st.regs(), 0);
            if (st.regs()[0].type.isPointer()) {
                throw error("R0 leaks addr into mem");
            }
        }
        switch (ptr.type) {
            case PTR_TO_CTX, PTR_TO_PACKET, PTR_TO_PACKET_META ->
                    throw error("BPF_ATOMIC stores into R" + dst + " " + ptr.type.logName + " is not allowed");
            default -> { }
        }
        // Atomic accesses must be naturally aligned whatever the architecture (the kernel checks them
        // with strict alignment): the fixed offset and every possible variable offset.
        Tnum at = ptr.tnum.add(Tnum.constant((long) ptr.off + insn.offset()));
        if (((at.value() | at.mask()) & (size - 1)) != 0) {
            throw error("misaligned " + (ptr.type == RegType.PTR_TO_STACK ? "stack " : "") + "access off ("
                    + Long.toHexString(ptr.tnum.value()) + "; 0x" + Long.toHexString(ptr.tnum.mask()) + ")+" + ptr.off + "+"
                    + insn.offset() + " size " + size);
        }
        if (ptr.type == RegType.PTR_TO_STACK) {
            memAccess(st, dst, ptr, insn.offset(), size, false, null, false); // must be initialised
            Frame f = st.frames.get(ptr.frame);
            int base = (int) (VerifierState.STACK_SIZE + ptr.off + ptr.constValue() + insn.offset());
            if (f.spills[base / 8] != null && f.spills[base / 8].type.isPointer()) {
                throw error("BPF_ATOMIC on a spilled pointer is not allowed");
            }
            destroySpills(f, base, size);
            Arrays.fill(f.stack, base, base + size, VerifierState.MISC);
        } else {
            memAccess(st, dst, ptr, insn.offset(), size, false, null, false);
            memAccess(st, dst, ptr, insn.offset(), size, true, Reg.unknown(), false);
        }
        Reg old = Reg.unsignedOfSize(size);
        if (imm == CMPXCHG) {
            st.regs()[0] = old;
        } else if ((imm & FETCH) != 0) {
            checkDstWritable(insn.src());
            st.regs()[insn.src()] = old;
        }
    }

    private void ldImm64(VerifierState st, Instruction insn) {
        checkDstWritable(insn.dst());
        Instruction next = code[pc + 1];
        Imm64Kind kind = Imm64Kind.ofSrc(insn.src());
        Reg r;
        switch (kind) {
            case IMM64 -> r = Reg.constant((insn.imm() & Reg.M32) | ((long) next.imm() << 32));
            case MAP_FD, MAP_IDX -> {
                checkMapIndex(insn.imm());
                r = Reg.pointer(RegType.CONST_PTR_TO_MAP);
                r.map = insn.imm();
            }
            case MAP_VALUE, MAP_IDX_VALUE -> {
                checkMapIndex(insn.imm());
                MapDefinition map = maps.get(insn.imm());
                if (map.type() != MapType.ARRAY || map.keySize() != 4) {
                    throw error("map `" + map.name() + "` (" + map.type().displayName() + ") does not support direct value access");
                }
                if (next.imm() < 0 || next.imm() >= map.valueSize()) {
                    throw error("invalid access to map value pointer, value_size=" + map.valueSize() + " off=" + next.imm());
                }
                r = Reg.pointer(RegType.PTR_TO_MAP_VALUE);
                r.map = insn.imm();
                r.off = next.imm();
            }
            case FUNC -> {
                r = Reg.pointer(RegType.PTR_TO_FUNC);
                r.frame = pc + 1 + insn.imm();
            }
            default -> throw error("kernel symbols (ldimm64 src=" + insn.src() + ") are not supported by the VM");
        }
        st.regs()[insn.dst()] = r;
    }

    private void checkMapIndex(int index) {
        if (index < 0 || index >= maps.size()) {
            throw error("fd " + index + " is not pointing to valid bpf_map");
        }
    }

    private void legacyPacketLoad(VerifierState st, Instruction insn) {
        if (type != ProgramType.SOCKET_FILTER && type != ProgramType.SCHED_CLS && type != ProgramType.SCHED_ACT) {
            throw error("BPF_LD_[ABS|IND] instructions not allowed for this program type");
        }
        Reg[] regs = st.regs();
        Reg r6 = regs[6];
        if (r6.type != RegType.PTR_TO_CTX || r6.off != 0 || !r6.isConst(0)) {
            throw error("at the time of BPF_LD_ABS|IND R6 != pointer to skb");
        }
        if (!st.refs.isEmpty()) {
            throw error("BPF_LD_[ABS|IND] cannot be mixed with socket references");
        }
        if (mode(insn.opcode()) == IND) {
            Reg s = readReg(regs, insn.src());
            if (s.type.isPointer()) {
                throw error("R" + insn.src() + " leaks addr into packet offset");
            }
        }
        for (int i = 1; i <= 5; i++) {
            regs[i] = Reg.notInit();
        }
        regs[0] = Reg.unsignedOfSize(sizeInBytes(insn.opcode()));
    }

    // ---- jumps, calls, exit ----

    private boolean jump(VerifierState st, Instruction insn) {
        int op = insn.opcode();
        int operation = operation(op);
        if (op == JA_OPCODE || op == GOTOL_OPCODE) {
            st.insn = (int) jumpTarget(pc);
            return true;
        }
        if (operation == JCOND) {
            VerifierState other = st.copy();
            other.insn = (int) jumpTarget(pc);
            push(other);
            st.insn = pc + 1;
            return true;
        }
        if (operation == EXIT) {
            return exit(st);
        }
        if (operation == CALL) {
            if (source(op) == X) {
                int reg = insn.imm() >= 1 && insn.imm() <= 10 ? insn.imm() : insn.dst();
                Reg target = readReg(st.regs(), reg);
                if (target.type != RegType.PTR_TO_FUNC) {
                    throw error("R" + reg + " type=" + target.type.logName + " expected=func");
                }
                enterSubprog(st, target.frame, false);
                return true;
            }
            if (insn.src() == PSEUDO_CALL) {
                enterSubprog(st, pc + 1 + insn.imm(), false);
                return true;
            }
            return helperCall(st, insn.imm());
        }
        return conditional(st, insn);
    }

    private void enterSubprog(VerifierState st, int target, boolean callback) {
        if (st.frames.size() >= MAX_FRAMES) {
            throw error("the call stack of " + (st.frames.size() + 1) + " frames is too deep");
        }
        for (Frame f : st.frames) {
            if (f.subprog == target) {
                throw error("recursive call to insn " + target + " is not allowed");
            }
        }
        Frame caller = st.top();
        Frame f = new Frame();
        for (int i = 0; i < 11; i++) {
            f.regs[i] = Reg.notInit();
        }
        if (!callback) {
            for (int i = 1; i <= 5; i++) {
                f.regs[i] = caller.regs[i].copy();
            }
        }
        f.regs[10] = stackPointer(st.frames.size());
        f.callsite = pc;
        f.subprog = target;
        f.callback = callback;
        st.frames.add(f);
        st.insn = target;
        log(pc + ": call to insn " + target + (callback ? " (callback)" : "") + ", frame " + (st.frames.size() - 1));
    }

    private boolean exit(VerifierState st) {
        Frame f = st.top();
        Reg r0 = f.regs[0];
        if (r0.type == RegType.NOT_INIT) {
            throw error("R0 !read_ok");
        }
        if (st.frames.size() == 1) {
            if (r0.type.isPointer()) {
                throw error("R0 leaks addr as return value");
            }
            if (!st.refs.isEmpty()) {
                VerifierState.Ref ref = st.refs.getFirst();
                throw error("Unreleased reference id=" + ref.id() + " alloc_insn=" + ref.insn());
            }
            log(pc + ": exit");
            return false;
        }
        int frameIndex = st.frames.size() - 1;
        if (r0.type == RegType.PTR_TO_STACK && r0.frame == frameIndex) {
            throw error("cannot return stack pointer to the caller frame");
        }
        Reg result = r0.copy();
        if (f.callback) {
            if (r0.type != RegType.SCALAR || r0.smin < 0 || r0.smax > 1) {
                throw error("At callback return the register R0 has " + r0.describe(0) + " should have been in [0, 1]");
            }
            result = Reg.unknown();
        }
        st.frames.removeLast();
        Frame caller = st.top();
        caller.regs[0] = result;
        for (int i = 1; i <= 5; i++) {
            caller.regs[i] = Reg.notInit();
        }
        // pointers into the popped frame's stack are dead
        st.forEachReg(r -> {
            if (r.type == RegType.PTR_TO_STACK && r.frame >= st.frames.size()) {
                makeUnknown(r);
            }
        });
        st.insn = f.callsite + 1;
        log(pc + ": return to insn " + st.insn);
        return true;
    }

    private static void makeUnknown(Reg r) {
        Reg u = Reg.unknown();
        r.type = u.type;
        r.setUnknownBounds();
        r.off = 0;
        r.id = 0;
        r.range = 0;
        r.map = -1;
        r.memSize = 0;
        r.refId = 0;
        r.frame = 0;
    }

    private static void makeConst(Reg r, long v) {
        makeUnknown(r);
        r.setConst(v);
    }

    // ---- conditional jumps ----

    private static final int EQ = 0, NE = 1, UGT = 2, UGE = 3, ULT = 4, ULE = 5, SGT = 6, SGE = 7, SLT = 8, SLE = 9, SET = 10, NSET = 11;

    private static int relation(int operation) {
        return switch (operation) {
            case JEQ -> EQ;
            case JNE -> NE;
            case JGT -> UGT;
            case JGE -> UGE;
            case JLT -> ULT;
            case JLE -> ULE;
            case JSGT -> SGT;
            case JSGE -> SGE;
            case JSLT -> SLT;
            case JSLE -> SLE;
            default -> SET;
        };
    }

    private static int negate(int rel) {
        return switch (rel) {
            case EQ -> NE;
            case NE -> EQ;
            case UGT -> ULE;
            case UGE -> ULT;
            case ULT -> UGE;
            case ULE -> UGT;
            case SGT -> SLE;
            case SGE -> SLT;
            case SLT -> SGE;
            case SLE -> SGT;
            case SET -> NSET;
            default -> SET;
        };
    }

    private static int swapSides(int rel) {
        return switch (rel) {
            case UGT -> ULT;
            case UGE -> ULE;
            case ULT -> UGT;
            case ULE -> UGE;
            case SGT -> SLT;
            case SGE -> SLE;
            case SLT -> SGT;
            case SLE -> SGE;
            default -> rel;
        };
    }

    private boolean conditional(VerifierState st, Instruction insn) {
        int op = insn.opcode();
        boolean is32 = instructionClass(op) == JMP32;
        Reg[] regs = st.regs();
        int dst = insn.dst();
        Reg d = readReg(regs, dst);
        boolean x = source(op) == X;
        int srcno = x ? insn.src() : -1;
        Reg s = x ? readReg(regs, insn.src()) : Reg.constant(is32 ? insn.imm() & Reg.M32 : (long) insn.imm());
        int rel = relation(operation(op));
        int target = (int) jumpTarget(pc);

        if (d.type.isPointer() || s.type.isPointer()) {
            pointerBranch(st, is32, dst, d, srcno, s, rel, target);
            return true;
        }
        // scalars: refine both ways; an infeasible side is dead
        VerifierState taken = st.copy();
        boolean takenOk = refineScalars(taken, is32, dst, srcno, s, rel);
        boolean fallOk = refineScalars(st, is32, dst, srcno, s, negate(rel));
        if (takenOk && fallOk) {
            taken.insn = target;
            push(taken);
            st.insn = pc + 1;
        } else if (takenOk) {
            taken.parent = st.parent;
            copyInto(taken, st);
            st.insn = target;
        } else if (fallOk) {
            st.insn = pc + 1;
        } else {
            return false; // contradictory state: this path cannot happen
        }
        return true;
    }

    private static void copyInto(VerifierState from, VerifierState to) {
        to.frames.clear();
        to.frames.addAll(from.frames);
        to.refs.clear();
        to.refs.addAll(from.refs);
    }

    /** Applies "dst rel src" to the state; false when no value satisfies it. */
    private boolean refineScalars(VerifierState st, boolean is32, int dst, int srcno, Reg srcConst, int rel) {
        Reg[] regs = st.regs();
        Reg a = regs[dst];
        Reg b = srcno >= 0 ? regs[srcno] : srcConst;
        if (srcno == dst) {
            return switch (rel) {
                case EQ, UGE, ULE, SGE, SLE -> true;
                case NE, UGT, ULT, SGT, SLT -> false;
                case NSET -> a.isConst(0) || !a.isConst();
                default -> !a.isConst(0);
            };
        }
        if (!is32) {
            Reg na = a.copy();
            Reg nb = b.copy();
            if (!Scalars.refine(na, nb, rel)) {
                return false;
            }
            regs[dst] = na;
            if (srcno >= 0) {
                regs[srcno] = nb;
            }
            return true;
        }
        boolean signed = rel == SGT || rel == SGE || rel == SLT || rel == SLE;
        Reg va = signed ? a.sext32() : a.lo32();
        Reg vb = signed ? b.sext32() : b.lo32();
        if (!Scalars.refine(va, vb, rel)) {
            return false;
        }
        long limit = signed ? 0x7fff_ffffL : Reg.M32;
        if (Long.compareUnsigned(a.umax, limit) <= 0) {
            regs[dst] = va;
        }
        if (srcno >= 0 && Long.compareUnsigned(b.umax, limit) <= 0) {
            regs[srcno] = vb;
        }
        return true;
    }

    private void pointerBranch(VerifierState st, boolean is32, int dst, Reg d, int srcno, Reg s, int rel, int target) {
        // null checks: ptr_or_null ==/!= 0
        Reg ptr = d.type.isPointer() ? d : s;
        Reg other = ptr == d ? s : d;
        if ((rel == EQ || rel == NE) && !other.type.isPointer() && other.isConst(0) && !is32) {
            if (ptr.type.isOrNull()) {
                VerifierState isNull = st.copy();
                markNull(isNull, ptr.id, true);
                markNull(st, ptr.id, false);
                VerifierState taken = rel == EQ ? isNull : st;
                VerifierState fall = rel == EQ ? st : isNull;
                if (taken == st) {
                    fall.insn = pc + 1;
                    push(fall);
                    st.insn = target;
                } else {
                    taken.insn = target;
                    push(taken);
                    st.insn = pc + 1;
                }
                return;
            }
            // a pointer that cannot be null: the branch is decided
            st.insn = rel == EQ ? pc + 1 : target;
            return;
        }
        if (is32) {
            throw error("R" + dst + " 32-bit pointer comparison prohibited");
        }
        if (d.type.isPointer() && s.type.isPointer()) {
            RegType dt = d.type;
            RegType stype = s.type;
            boolean pktEnd = (dt == RegType.PTR_TO_PACKET && stype == RegType.PTR_TO_PACKET_END)
                    || (dt == RegType.PTR_TO_PACKET_END && stype == RegType.PTR_TO_PACKET)
                    || (dt == RegType.PTR_TO_PACKET_META && stype == RegType.PTR_TO_PACKET)
                    || (dt == RegType.PTR_TO_PACKET && stype == RegType.PTR_TO_PACKET_META);
            boolean samePkt = dt == stype && dt.isPacket();
            if (pktEnd || samePkt) {
                VerifierState taken = st.copy();
                if (pktEnd && rel != EQ && rel != NE && rel != SET) {
                    // normalise to "pkt REL end"
                    boolean pktIsDst = dt == RegType.PTR_TO_PACKET_META || (dt == RegType.PTR_TO_PACKET && stype == RegType.PTR_TO_PACKET_END);
                    int r = pktIsDst ? rel : swapSides(rel);
                    Reg pkt = pktIsDst ? d : s;
                    Reg end = pktIsDst ? s : d;
                    if (end.type == RegType.PTR_TO_PACKET_END || (end.off == 0 && end.isConst(0) && end.id == 0)) {
                        applyPacketRange(taken, pkt, r);
                        applyPacketRange(st, pkt, negate(r));
                    }
                }
                taken.insn = target;
                push(taken);
                st.insn = pc + 1;
                return;
            }
        }
        throw error("R" + (d.type.isPointer() ? dst : srcno) + " pointer comparison prohibited");
    }

    /** On a path where "pkt REL end" holds, the bytes before end become readable. */
    private void applyPacketRange(VerifierState st, Reg pkt, int rel) {
        int newRange;
        switch (rel) {
            case ULE, SLE -> newRange = pkt.off;       // pkt + off <= end
            case ULT, SLT -> newRange = pkt.off + 1;   // pkt + off < end
            default -> {
                return;
            }
        }
        if (pkt.off < 0 || pkt.smin < 0) {
            return;
        }
        RegType t = pkt.type;
        int id = pkt.id;
        st.forEachReg(r -> {
            if (r.type == t && r.id == id && r.range < newRange) {
                r.range = newRange;
            }
        });
    }

    private void markNull(VerifierState st, int id, boolean isNull) {
        int[] released = {0};
        st.forEachReg(r -> {
            if (r.type.isOrNull() && r.id == id) {
                if (isNull) {
                    if (r.refId != 0) {
                        released[0] = r.refId;
                    }
                    makeConst(r, 0);
                } else {
                    r.type = r.type.nonNull();
                }
            }
        });
        if (released[0] != 0) {
            int ref = released[0];
            st.refs.removeIf(x -> x.id() == ref);
        }
    }

    // ---- helpers ----

    private boolean helperCall(VerifierState st, int id) {
        if (!helpers.has(id)) {
            throw error("invalid func unknown#" + id);
        }
        String helperName = helpers.name(id);
        Proto proto = HelperPrototypes.of(id);
        Reg[] regs = st.regs();
        if (proto == null) {
            clobber(regs);
            regs[0] = Reg.unknown();
            return true;
        }
        if (!proto.allows(type)) {
            throw error("unknown func " + helperName + "#" + id + " (not available to " + type.displayName() + " programs)");
        }
        MapDefinition map = null;
        int mapIndex = -1;
        Arg[] args = proto.args();
        int allocSize = 0;
        Reg release = null;
        Reg callback = null;
        for (int i = 0; i < args.length; i++) {
            int regno = i + 1;
            Arg arg = args[i];
            if (arg == Arg.NONE) {
                continue;
            }
            Reg r = readReg(regs, regno);
            switch (arg) {
                case ANYTHING, NONE -> { }
                case CONST_MAP_PTR -> {
                    if (r.type != RegType.CONST_PTR_TO_MAP) {
                        throw error("R" + regno + " type=" + r.type.logName + " expected=map_ptr");
                    }
                    mapIndex = r.map;
                    map = maps.get(r.map);
                    if (!proto.allowsMap(map.type())) {
                        throw error("cannot pass map_type " + map.type().kernelValue() + " into func " + helperName + "#" + id);
                    }
                }
                case MAP_KEY, MAP_VALUE, UNINIT_MAP_VALUE -> {
                    if (map == null) {
                        throw error("invalid map_ptr to access map->" + (arg == Arg.MAP_KEY ? "key" : "value"));
                    }
                    int size = arg == Arg.MAP_KEY ? map.keySize() : map.valueSize();
                    helperMemory(st, regno, r, size, arg == Arg.UNINIT_MAP_VALUE, false);
                }
                case MEM, MEM_OR_NULL, UNINIT_MEM -> { } // checked with the size argument that follows
                case CONST_SIZE, CONST_SIZE_OR_ZERO -> {
                    boolean zeroOk = arg == Arg.CONST_SIZE_OR_ZERO;
                    if (r.type != RegType.SCALAR) {
                        throw error("R" + regno + " type=" + r.type.logName + " expected=scalar");
                    }
                    if (r.smin < 0) {
                        throw error("R" + regno + " min value is negative, either use unsigned or 'var &= const'");
                    }
                    if (Long.compareUnsigned(r.umax, MAX_OFF) >= 0) {
                        throw error("R" + regno + " unbounded memory access, use 'var &= const' or 'if (var < const)'");
                    }
                    if (r.umin == 0 && !zeroOk) {
                        throw error("R" + regno + " invalid zero-sized read");
                    }
                    Arg memArg = args[i - 1];
                    Reg mem = regs[regno - 1];
                    int size = (int) r.umax;
                    boolean nullable = memArg == Arg.MEM_OR_NULL;
                    if (size == 0 && (zeroOk || nullable) && !mem.type.isPointer()) {
                        if (!mem.isConst(0) && !nullable) {
                            throw error("R" + (regno - 1) + " type=" + mem.type.logName + " expected=fp, pkt, pkt_meta, map_value, mem");
                        }
                    } else if (size > 0 || mem.type.isPointer()) {
                        helperMemory(st, regno - 1, mem, size, memArg == Arg.UNINIT_MEM, false);
                    }
                }
                case CTX -> {
                    if (r.type != RegType.PTR_TO_CTX) {
                        throw error("R" + regno + " type=" + r.type.logName + " expected=ctx");
                    }
                    if (r.off != 0 || !r.isConst(0)) {
                        throw error("dereference of modified ctx ptr R" + regno + " off=" + r.off + " disallowed");
                    }
                }
                case FUNC -> {
                    if (r.type != RegType.PTR_TO_FUNC) {
                        throw error("R" + regno + " type=" + r.type.logName + " expected=func");
                    }
                    callback = r;
                }
                case STACK_OR_NULL -> {
                    if (!(r.type == RegType.PTR_TO_STACK || r.type == RegType.PTR_TO_MAP_VALUE || r.isConst(0) && r.isScalar())) {
                        throw error("R" + regno + " type=" + r.type.logName + " expected=fp");
                    }
                }
                case RINGBUF_RELEASE -> {
                    if (r.type != RegType.PTR_TO_MEM || r.refId == 0) {
                        throw error("R" + regno + " type=" + r.type.logName + " expected=ringbuf_mem");
                    }
                    if (r.off != 0 || !r.isConst(0)) {
                        throw error("R" + regno + " must have zero offset when passed to release func");
                    }
                    int ref = r.refId;
                    if (st.refs.stream().noneMatch(x -> x.id() == ref)) {
                        throw error("R" + regno + " reference has not been acquired before");
                    }
                    release = r;
                }
                case CONST_ALLOC_SIZE -> {
                    if (!r.isScalar() || !r.isConst()) {
                        throw error("R" + regno + " is not a known constant");
                    }
                    if (r.constValue() < 0 || r.constValue() >= MAX_OFF) {
                        throw error("R" + regno + " invalid allocation size " + r.constValue());
                    }
                    allocSize = (int) r.constValue();
                }
                case CONST_STR -> {
                    if (r.type != RegType.PTR_TO_MAP_VALUE || !r.isConst()
                            || (maps.get(r.map).flags() & VmProgram.BPF_F_RDONLY_PROG) == 0) {
                        throw error("R" + regno + " does not point to a readonly map");
                    }
                    helperMemory(st, regno, r, 1, false, false);
                }
                case SPIN_LOCK -> {
                    if (r.type != RegType.PTR_TO_MAP_VALUE || !r.isConst()) {
                        throw error("R" + regno + " type=" + r.type.logName + " expected=map_value (spin lock)");
                    }
                    helperMemory(st, regno, r, 4, false, false);
                }
            }
        }
        if (id == HelperIds.TAIL_CALL) {
            if (st.frames.size() > 1) {
                throw error("tail_call from a subprogram or callback is not supported by the VM (the kernel allows it;"
                        + " in the VM a tail call must be made from the program's main function)");
            }
            if (!st.refs.isEmpty()) {
                throw error("tail_call would lead to reference leak");
            }
        }
        if (release != null) {
            int ref = release.refId;
            st.refs.removeIf(x -> x.id() == ref);
            st.forEachReg(r -> {
                if (r.refId == ref) {
                    makeUnknown(r);
                }
            });
        }
        if (proto.changesPacket()) {
            st.forEachReg(r -> {
                if (r.type.isPacket() || r.type == RegType.PTR_TO_PACKET_END) {
                    makeUnknown(r);
                }
            });
        }
        Reg ret = switch (proto.ret()) {
            case INTEGER -> Reg.unknown();
            case U32 -> Reg.unsignedOfSize(4);
            case VOID -> Reg.notInit();
            case MAP_VALUE_OR_NULL -> {
                Reg r;
                if (map.type() == MapType.ARRAY_OF_MAPS || map.type() == MapType.HASH_OF_MAPS) {
                    if (map.innerMap() == null) {
                        throw error("map `" + map.name() + "` has no inner map template");
                    }
                    r = Reg.pointer(RegType.CONST_PTR_TO_MAP_OR_NULL);
                    r.map = innerMapIndex(map.innerMap());
                } else {
                    r = Reg.pointer(RegType.PTR_TO_MAP_VALUE_OR_NULL);
                    r.map = mapIndex;
                }
                r.id = nextId++;
                yield r;
            }
            case RINGBUF_MEM_OR_NULL -> {
                Reg r = Reg.pointer(RegType.PTR_TO_MEM_OR_NULL);
                r.memSize = allocSize;
                r.id = nextId++;
                r.refId = r.id;
                st.refs.add(new VerifierState.Ref(r.refId, pc));
                yield r;
            }
        };
        if (callback != null) {
            // bpf_loop, bpf_for_each_map_elem: the callback may run zero times, or (explored here) once, in a new frame
            int target = callback.frame;
            Reg ctxArg = regs[3].copy();
            Reg mapArg = regs[1].copy();
            VerifierState notCalled = st.copy();
            clobber(notCalled.regs());
            notCalled.regs()[0] = ret.copy();
            notCalled.insn = pc + 1;
            push(notCalled);
            enterSubprog(st, target, true);
            Reg[] cb = st.regs();
            if (id == HelperIds.FOR_EACH_MAP_ELEM) {
                // callback(map, key, value, ctx): the key is read-only memory of key_size bytes
                // (the run time refuses writes to it), the value the map's own
                cb[1] = mapArg;
                cb[2] = Reg.pointer(RegType.PTR_TO_MEM);
                cb[2].memSize = map.keySize();
                cb[3] = Reg.pointer(RegType.PTR_TO_MAP_VALUE);
                cb[3].map = mapIndex;
                cb[4] = ctxArg;
            } else {
                cb[1] = Reg.unsignedOfSize(4);
                cb[2] = ctxArg;
            }
            clobber(st.frames.get(st.frames.size() - 2).regs);
            return true;
        }
        clobber(regs);
        regs[0] = ret;
        st.insn = pc + 1;
        return true;
    }

    private int innerMapIndex(MapDefinition inner) {
        for (int i = 0; i < maps.size(); i++) {
            if (maps.get(i) == inner) {
                return i;
            }
        }
        maps.add(inner);
        return maps.size() - 1;
    }

    private static void clobber(Reg[] regs) {
        for (int i = 1; i <= 5; i++) {
            regs[i] = Reg.notInit();
        }
    }

    /** A helper reads (or, uninit, writes) {@code size} bytes at the pointer in {@code regno}. */
    private void helperMemory(VerifierState st, int regno, Reg r, int size, boolean write, boolean unused) {
        switch (r.type) {
            case PTR_TO_STACK -> {
                if (!r.isConst()) {
                    throw error("R" + regno + " variable stack access prohibited in helper arguments");
                }
                long off = r.off + r.constValue();
                if (off < -VerifierState.STACK_SIZE || off + size > 0 || (size == 0 && off >= 0)) {
                    throw error("invalid indirect access to stack R" + regno + " off=" + off + " size=" + size);
                }
                Frame f = st.frames.get(r.frame);
                int base = (int) (VerifierState.STACK_SIZE + off);
                maxStack = Math.max(maxStack, (int) -off);
                if (write) {
                    destroySpills(f, base, size);
                    Arrays.fill(f.stack, base, base + size, VerifierState.MISC);
                } else {
                    for (int b = base; b < base + size; b++) {
                        if (f.stack[b] == VerifierState.INVALID) {
                            throw error("invalid indirect read from stack R" + regno + " off " + off + "+" + (b - base) + " size " + size);
                        }
                    }
                }
            }
            case PTR_TO_MAP_VALUE, PTR_TO_MEM, PTR_TO_PACKET, PTR_TO_PACKET_META -> {
                if (size > 0) {
                    memAccess(st, regno, r, 0, size, write, Reg.unknown(), false);
                }
            }
            default -> throw error("R" + regno + " type=" + r.type.logName + " expected=fp, pkt, pkt_meta, map_value, mem");
        }
    }
}
