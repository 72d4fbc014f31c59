package dev.wbpf.vm.verifier;

import static dev.wbpf.core.insn.Opcodes.*;

import dev.wbpf.core.insn.Instruction;
import dev.wbpf.core.insn.Instructions;
import dev.wbpf.core.prog.ProgramType;
import dev.wbpf.vm.VmProgram;
import dev.wbpf.vm.helper.HelperTable;
import dev.wbpf.vm.map.MapDefinition;
import dev.wbpf.vm.map.VmMap;
import dev.wbpf.vm.verifier.VerifierState.Frame;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
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
    private static final int LOG_LINES = 64;
    /** The kernel's limit on the stack below a subprogram that makes a tail call. */
    static final int MAX_TAIL_CALL_CALLER_STACK = 256;

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

    private final String name;
    final ProgramType type;
    final Instruction[] code;
    private final int n;
    /** The program's maps, then inner-map templates met on the way (indices as in the code). */
    final List<MapDefinition> maps = new ArrayList<>();
    final HelperTable helpers;
    private final Options options;
    final ContextLayout context;

    final AluChecks aluChecks = new AluChecks(this);
    final MemoryChecks memory = new MemoryChecks(this);
    final BranchChecks branches = new BranchChecks(this);
    final HelperCallChecks helperCalls = new HelperCallChecks(this);
    private final StatePruning pruning = new StatePruning(this);
    ProgramStructure structure;

    // exploration
    private final Deque<VerifierState> pending = new ArrayDeque<>();
    private int processed;
    private int nextId = 1;
    private int maxStack;
    /** Deepest stack use of each subprogram (by entry instruction), over all paths. */
    private final Map<Integer, Integer> stackDepth = new HashMap<>();
    /** Caller chains (subprogram entries, main first) of tail calls made in subprograms, with the call's insn. */
    private final Map<List<Integer>, Integer> tailCallChains = new LinkedHashMap<>();
    /** The instruction being checked. */
    int pc;
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

    VerifierException error(int insn, String reason) {
        return new VerifierException(insn, reason, logText());
    }

    VerifierException error(String reason) {
        return error(pc, reason);
    }

    private String logText() {
        return String.join("\n", log);
    }

    void log(String line) {
        log.addLast(line);
        if (log.size() > LOG_LINES) {
            log.removeFirst();
        }
    }

    /** A fresh id for a maybe-null pointer, a packet pointer's range or a reference. */
    int newId() {
        return nextId++;
    }

    /** Records that a frame's stack is used down to {@code depth} bytes. */
    void noteStackDepth(Frame f, int depth) {
        maxStack = Math.max(maxStack, depth);
        stackDepth.merge(f.subprog, depth, Math::max);
    }

    /** A tail call from a subprogram: the frames below it are checked against the kernel's limit once all paths are known. */
    void noteTailCallFromSubprogram(VerifierState st) {
        List<Integer> callers = new ArrayList<>();
        for (int i = 0; i < st.frames.size() - 1; i++) {
            callers.add(st.frames.get(i).subprog);
        }
        tailCallChains.putIfAbsent(callers, pc);
    }

    /**
     * The kernel's rule for tail calls mixed with bpf-to-bpf calls (check_max_stack_depth): a tail
     * call unwinds only the frame that makes it, so the stack of the frames below a subprogram that
     * tail-calls must stay under 256 bytes (each frame's depth rounded up to 16 bytes, as for the
     * JIT), which bounds the whole chain of up to 33 tail calls to 8 KiB.
     */
    private void checkTailCallStacks() {
        for (var chain : tailCallChains.entrySet()) {
            int depth = 0;
            for (int subprog : chain.getKey()) {
                depth += (stackDepth.getOrDefault(subprog, 0) + 15) & ~15;
            }
            if (depth >= MAX_TAIL_CALL_CALLER_STACK) {
                throw error(chain.getValue(), "tail_calls are not allowed when call stack of previous frames is " + depth
                        + " bytes. Too large");
            }
        }
    }

    private Result run() {
        if (n == 0) {
            throw error(VerifierException.NO_INSTRUCTION, "program `" + name + "` has no instructions");
        }
        if (context == null) {
            throw error(VerifierException.NO_INSTRUCTION, ContextLayout.kernelOnlyReason(type));
        }
        structure = new ProgramStructure(code);
        explore();
        checkTailCallStacks();
        return new Result(processed, pruning.statesStored(), maxStack);
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

    /** Queues a branch to be explored after the current path. */
    void push(VerifierState branch) {
        StatePruning.branchPushed(branch);
        pending.push(branch);
    }

    /** Runs one path until it exits the program or meets a state already proven safe. */
    private void walk(VerifierState st) {
        while (true) {
            pc = st.insn;
            if (++processed > options.insnLimit()) {
                throw error("program too complex: processed " + processed + " insns (limit " + options.insnLimit()
                        + "), back-edge or too many paths");
            }
            if (structure.prunePoint[pc] && pruning.visited(st)) {
                log(pc + ": safe (state already explored)");
                StatePruning.endPath(st);
                return;
            }
            if (!step(st)) {
                StatePruning.endPath(st);
                return;
            }
        }
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
                aluChecks.alu(st, insn);
                st.insn = pc + 1;
            }
            case LDX -> {
                checkDstWritable(insn.dst());
                Reg ptr = readReg(regs, insn.src());
                int size = sizeInBytes(op);
                Reg value = memory.memAccess(st, insn.src(), ptr, insn.offset(), size, false, null, mode(op) == MEMSX);
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
                memory.memAccess(st, insn.dst(), ptr, insn.offset(), size, true, value, false);
                st.insn = pc + 1;
            }
            case STX -> {
                Reg ptr = readReg(regs, insn.dst());
                Reg value = readReg(regs, insn.src());
                if (ptr.type == RegType.PTR_TO_CTX && value.type.isPointer()) {
                    throw error("R" + insn.src() + " leaks addr into ctx");
                }
                if (mode(op) == ATOMIC) {
                    memory.atomic(st, insn, ptr, value);
                } else {
                    memory.memAccess(st, insn.dst(), ptr, insn.offset(), sizeInBytes(op), true, value, false);
                }
                st.insn = pc + 1;
            }
            case LD -> {
                if (op == LDDW) {
                    memory.ldImm64(st, insn);
                    st.insn = pc + 2;
                } else {
                    memory.legacyPacketLoad(st, insn);
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

    void checkDstWritable(int dst) {
        if (dst == 10) {
            throw error("frame pointer is read only");
        }
    }

    Reg readReg(Reg[] regs, int regno) {
        Reg r = regs[regno];
        if (r.type == RegType.NOT_INIT) {
            throw error("R" + regno + " !read_ok");
        }
        return r;
    }

    // ---- ALU ----

    // ---- jumps, calls, exit ----

    private boolean jump(VerifierState st, Instruction insn) {
        int op = insn.opcode();
        int operation = operation(op);
        if (op == JA_OPCODE || op == GOTOL_OPCODE) {
            st.insn = (int) structure.jumpTarget(pc);
            return true;
        }
        if (operation == JCOND) {
            VerifierState other = st.copy();
            other.insn = (int) structure.jumpTarget(pc);
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
            return helperCalls.helperCall(st, insn.imm());
        }
        return branches.conditional(st, insn);
    }

    void enterSubprog(VerifierState st, int target, boolean callback) {
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
                r.becomeUnknown();
            }
        });
        st.insn = f.callsite + 1;
        log(pc + ": return to insn " + st.insn);
        return true;
    }

}
