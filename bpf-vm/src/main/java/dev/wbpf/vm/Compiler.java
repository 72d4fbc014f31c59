package dev.wbpf.vm;

import static java.lang.constant.ConstantDescs.CD_Object;
import static java.lang.constant.ConstantDescs.CD_boolean;
import static java.lang.constant.ConstantDescs.CD_int;
import static java.lang.constant.ConstantDescs.CD_long;
import static java.lang.constant.ConstantDescs.CD_void;
import static java.lang.constant.ConstantDescs.INIT_NAME;
import static java.lang.constant.ConstantDescs.MTD_void;

import dev.wbpf.vm.helper.HelperIds;
import java.lang.classfile.ClassFile;
import java.lang.classfile.CodeBuilder;
import java.lang.classfile.Label;
import java.lang.classfile.MethodModel;
import java.lang.classfile.attribute.CodeAttribute;
import java.lang.classfile.instruction.SwitchCase;
import java.lang.constant.ClassDesc;
import java.lang.constant.MethodTypeDesc;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.AccessFlag;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * The JIT: turns a {@link VmProgram} into a JVM class (with {@code java.lang.classfile}) whose one
 * method runs the whole program with the eleven registers in JVM locals and each BPF branch a JVM
 * branch, so that HotSpot compiles the program as it would a Java method.
 *
 * <p>Same guarantees as the interpreter: every load and store goes through the checked
 * {@link dev.wbpf.vm.memory.Memory} accessors with the instruction's index, helpers are called by
 * number through the program's helper table, and the instruction budget holds. The budget is
 * charged once per basic block, on entry, with the block's instruction count: a run stops at the
 * same total, but at the start of the block in which the interpreter would have stopped.
 *
 * <p>Each BPF function (the entry and every bpf-to-bpf call or callback target) becomes a static
 * method taking the context and the call depth; a call passes r0..r9 through the context's
 * register array and gets r0..r5 back the same way, while the caller's r6..r9 stay in its own
 * locals. Callbacks of helpers ({@code bpf_loop}) run on the interpreter, as in the interpreter.
 *
 * <p>What it leaves to the interpreter ({@link #unsupported}): tail calls, jumps that leave their
 * function, functions that run off their end into the next one, and programs with a method larger
 * than HotSpot compiles ({@value #MAX_BYTECODE} bytes of bytecode; it would then run slower than
 * the interpreter).
 */
public final class Compiler {
    private Compiler() {}

    /** HotSpot's HugeMethodLimit: it does not compile longer methods. */
    static final int MAX_BYTECODE = 8000;

    private static final ClassDesc CD_CONTEXT = ClassDesc.of("dev.wbpf.vm.ExecutionContext");
    private static final ClassDesc CD_MEMORY = ClassDesc.of("dev.wbpf.vm.memory.Memory");
    private static final ClassDesc CD_SEMANTICS = ClassDesc.of("dev.wbpf.vm.InstructionSemantics");
    private static final ClassDesc CD_MACHINE = ClassDesc.of("dev.wbpf.vm.CompiledMachine");
    private static final ClassDesc CD_TO_LONG = ClassDesc.of("java.util.function.ToLongFunction");
    private static final ClassDesc CD_LONG_BOX = ClassDesc.of("java.lang.Long");
    private static final ClassDesc CD_INTEGER_BOX = ClassDesc.of("java.lang.Integer");
    private static final ClassDesc CD_INVALID = ClassDesc.of("dev.wbpf.vm.InvalidProgramException");
    private static final ClassDesc CD_BUDGET = ClassDesc.of("dev.wbpf.vm.BudgetExhausted");
    private static final ClassDesc CD_PROGRAM = ClassDesc.of("dev.wbpf.vm.VmProgram");
    private static final ClassDesc CD_DEPTH_EXCEEDED = ClassDesc.of("dev.wbpf.vm.CallDepthExceeded");
    private static final ClassDesc CD_GENERATED = ClassDesc.of("dev.wbpf.vm.CompiledBpfProgram");
    private static final MethodTypeDesc MTD_LOAD = MethodTypeDesc.of(CD_long, CD_long, CD_int);
    private static final MethodTypeDesc MTD_STORE = MethodTypeDesc.of(CD_void, CD_long, CD_long, CD_int);

    /**
     * A machine for {@code program}: compiled where the compiler covers the program, the
     * {@link Interpreter} otherwise.
     */
    public static Machine machineFor(VmProgram program) {
        if (unsupported(program) != null) {
            return new Interpreter(program);
        }
        byte[] bytes = new Generator(program).generate();
        if (longestMethod(bytes) > MAX_BYTECODE) {
            return new Interpreter(program);
        }
        return new CompiledMachine(program, define(program, bytes));
    }

    /** Whether {@code machine} runs compiled code (rather than the interpreter). */
    public static boolean isCompiled(Machine machine) {
        return machine instanceof CompiledMachine;
    }

    /** What in {@code program} the compiler leaves to the interpreter, or null when it covers all of it. */
    public static String unsupported(VmProgram program) {
        long[] code = program.code();
        int n = program.size();
        int[] functionEnd = functionEnds(program);
        int functionStart = 0;
        for (int pc = 0; pc < n; pc++) {
            if (program.isFunctionEntry(pc)) {
                functionStart = pc;
            }
            long insn = code[pc];
            int opcode = (int) insn & 0xff;
            int width = opcode == 0x18 ? 2 : 1;
            if (opcode == 0x85 && ((insn >>> 12) & 0xf) != 1 && (int) (insn >>> 32) == HelperIds.TAIL_CALL) {
                return "tail calls";
            }
            if (opcode == 0x18 && program.isFunctionEntry(pc + 1)) {
                return "a function entry inside a 64-bit immediate load";
            }
            int target = jumpTarget(insn, pc);
            if (target != NO_JUMP && (target < functionStart || target > functionEnd[pc]
                    || (target == functionEnd[pc] && target != n))) {
                return "a jump out of its function";
            }
            boolean endsFunction = pc + width < n && program.isFunctionEntry(pc + width);
            if (endsFunction && opcode != 0x95 && opcode != 0x05 && opcode != 0x06) {
                return "a function that runs on into the next one";
            }
            pc += width - 1;
        }
        return null;
    }

    /** For each slot, the first slot after its function (the next function entry, or the program's end). */
    private static int[] functionEnds(VmProgram program) {
        int n = program.size();
        int[] end = new int[n];
        int next = n;
        for (int pc = n - 1; pc >= 0; pc--) {
            end[pc] = next;
            if (program.isFunctionEntry(pc)) {
                next = pc;
            }
        }
        return end;
    }

    private static final int NO_JUMP = Integer.MIN_VALUE;

    /** The target of a jump instruction, or NO_JUMP. */
    private static int jumpTarget(long insn, int pc) {
        int opcode = (int) insn & 0xff;
        int cls = opcode & 7;
        if (cls != 5 && cls != 6) {
            return NO_JUMP;
        }
        int op = opcode & 0xf0;
        if (op == 0x80 || op == 0x90) { // call, exit
            return NO_JUMP;
        }
        if (opcode == 0x06) { // gotol
            return pc + 1 + (int) (insn >>> 32);
        }
        return pc + 1 + (short) (insn >>> 16);
    }

    private static int longestMethod(byte[] bytes) {
        int longest = 0;
        for (MethodModel method : ClassFile.of().parse(bytes).methods()) {
            longest = Math.max(longest, ((CodeAttribute) method.code().orElseThrow()).codeLength());
        }
        return longest;
    }

    @SuppressWarnings("unchecked")
    private static ToLongFunction<ExecutionContext> define(VmProgram program, byte[] bytes) {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup().defineHiddenClass(bytes, true);
            return (ToLongFunction<ExecutionContext>) lookup.findConstructor(lookup.lookupClass(), MethodType.methodType(void.class)).invoke();
        } catch (Throwable e) {
            throw new IllegalStateException("internal error of the VM's compiler on program `" + program.name()
                    + "` (run it without --jit): " + e, e);
        }
    }

    /** Emits the class for one program. */
    private static final class Generator {
        // Local variable slots of each function's method f<entry>(ExecutionContext, int depth).
        private static final int CTX = 0;
        private static final int DEPTH = 1;
        private static final int REGISTERS = 2; // r0..r10, two slots each
        private static final int MEMORY = REGISTERS + 22;
        private static final int REMAINING = MEMORY + 1;
        private static final int VALUE_BASE = REMAINING + 2;
        private static final int REGISTER_ARRAY = VALUE_BASE + 2;
        private static final int CALLX_ENTRY = REGISTER_ARRAY + 1;
        private static final MethodTypeDesc MTD_FUNCTION = MethodTypeDesc.of(CD_long, CD_CONTEXT, CD_int);

        private final VmProgram program;
        private final long[] code;
        private final long[] imm64;
        private final int n;
        private final boolean[] leader;
        private CodeBuilder c;
        private Label[] labels;
        private Label exit;

        Generator(VmProgram program) {
            this.program = program;
            this.code = program.code();
            this.imm64 = program.imm64();
            this.n = program.size();
            this.leader = new boolean[n + 1];
            for (int pc = 0; pc < n; pc++) {
                long insn = code[pc];
                int opcode = (int) insn & 0xff;
                if (program.isFunctionEntry(pc)) {
                    leader[pc] = true;
                }
                if (opcode == 0x18) {
                    pc++;
                    continue;
                }
                int target = jumpTarget(insn, pc);
                if (target != NO_JUMP) {
                    leader[target] = true;
                    leader[pc + 1] = true;
                } else if (opcode == 0x95) {
                    leader[pc + 1] = true;
                }
            }
        }

        private static String functionName(int entry) {
            return "f" + entry;
        }

        byte[] generate() {
            return ClassFile.of().build(CD_GENERATED, cls -> {
                cls.withFlags(AccessFlag.FINAL, AccessFlag.SYNTHETIC);
                cls.withInterfaceSymbols(CD_TO_LONG);
                cls.withMethodBody(INIT_NAME, MTD_void, ClassFile.ACC_PUBLIC,
                        b -> b.aload(0).invokespecial(CD_Object, INIT_NAME, MTD_void).return_());
                cls.withMethodBody("applyAsLong", MethodTypeDesc.of(CD_long, CD_Object), ClassFile.ACC_PUBLIC,
                        b -> b.aload(1).checkcast(CD_CONTEXT).iconst_0().invokestatic(CD_GENERATED, functionName(0), MTD_FUNCTION).lreturn());
                for (int entry = 0; entry < n; entry++) {
                    if (program.isFunctionEntry(entry)) {
                        int start = entry;
                        int end = entry + 1;
                        while (end < n && !program.isFunctionEntry(end)) {
                            end++;
                        }
                        int stop = end;
                        cls.withMethodBody(functionName(start), MTD_FUNCTION, ClassFile.ACC_PRIVATE | ClassFile.ACC_STATIC, b -> {
                            c = b;
                            function(start, stop);
                        });
                    }
                }
            });
        }

        private static int reg(int r) {
            return REGISTERS + 2 * r;
        }

        /** The method of the function at slots [start, end). */
        private void function(int start, int end) {
            labels = new Label[n + 1];
            for (int i = start; i <= end; i++) {
                labels[i] = c.newLabel();
            }
            exit = c.newLabel();
            c.aload(CTX).invokevirtual(CD_CONTEXT, "memory", MethodTypeDesc.of(CD_MEMORY)).astore(MEMORY);
            c.aload(CTX).getfield(CD_CONTEXT, "remainingBudget", CD_long).lstore(REMAINING);
            c.aload(CTX).invokevirtual(CD_CONTEXT, "valueRegionBase", MethodTypeDesc.of(CD_int)).i2l().loadConstant(32).lshl().lstore(VALUE_BASE);
            c.aload(CTX).getfield(CD_CONTEXT, "registers", CD_long.arrayType()).astore(REGISTER_ARRAY);
            for (int r = 0; r <= 9; r++) {
                c.aload(REGISTER_ARRAY).loadConstant(r).laload().lstore(reg(r));
            }
            frameTop();
            // This frame's stack may now hold data: the next run clears it.
            Label counted = c.newLabel();
            c.iload(DEPTH).iconst_1().iadd().aload(CTX).getfield(CD_CONTEXT, "framesUsed", CD_int).if_icmple(counted);
            c.aload(CTX).iload(DEPTH).iconst_1().iadd().putfield(CD_CONTEXT, "framesUsed", CD_int);
            c.labelBinding(counted);
            for (int pc = start; pc < end; pc++) {
                c.labelBinding(labels[pc]);
                long insn = code[pc];
                int opcode = (int) insn & 0xff;
                if (leader[pc]) {
                    charge(pc);
                }
                instruction(pc, insn);
                if (opcode == 0x18) {
                    pc++;
                    if (leader[pc]) { // reached only by a jump into the second slot
                        c.goto_(labels[pc + 1]);
                        c.labelBinding(labels[pc]);
                        throwInvalid(pc, 0);
                    } else {
                        c.labelBinding(labels[pc]);
                    }
                }
            }
            c.labelBinding(labels[end]);
            if (end == n) {
                c.loadConstant(n).invokestatic(CD_SEMANTICS, "fellOffTheEnd", MethodTypeDesc.of(CD_INVALID, CD_int)).athrow();
            } else { // unsupported() makes sure the last instruction does not fall through
                throwInvalid(end, 0);
            }
            c.labelBinding(exit);
            c.aload(CTX).lload(REMAINING).putfield(CD_CONTEXT, "remainingBudget", CD_long);
            for (int r = 0; r <= 10; r++) {
                c.aload(REGISTER_ARRAY).loadConstant(r).lload(reg(r)).lastore();
            }
            c.lload(reg(0)).lreturn();
        }

        /** r10 = the top of this depth's stack frame. */
        private void frameTop() {
            c.iload(DEPTH).invokestatic(CD_CONTEXT, "frameTop", MethodTypeDesc.of(CD_long, CD_int)).lstore(reg(10));
        }

        /** Takes the block's instructions from the budget; a block ends at a jump, an exit or a jump target. */
        private void charge(int start) {
            long count = 0;
            int pc = start;
            do {
                count++;
                pc += ((int) code[pc] & 0xff) == 0x18 ? 2 : 1;
            } while (pc < n && !leader[pc]);
            Label ok = c.newLabel();
            c.lload(REMAINING).loadConstant(count).lsub().lstore(REMAINING);
            c.lload(REMAINING).lconst_0().lcmp().ifge(ok);
            c.aload(CTX).loadConstant(start)
                    .invokestatic(CD_MACHINE, "budgetExhausted", MethodTypeDesc.of(CD_BUDGET, CD_CONTEXT, CD_int)).athrow();
            c.labelBinding(ok);
        }

        private void throwInvalid(int pc, int opcode) {
            c.loadConstant(pc).loadConstant(opcode)
                    .invokestatic(CD_SEMANTICS, "cannotExecute", MethodTypeDesc.of(CD_INVALID, CD_int, CD_int)).athrow();
        }

        private void instruction(int pc, long insn) {
            int opcode = (int) insn & 0xff;
            int dst = (int) (insn >>> 8) & 0xf;
            int src = (int) (insn >>> 12) & 0xf;
            int off = (short) (insn >>> 16);
            int imm = (int) (insn >>> 32);
            switch (opcode) {
                case 0x07, 0x0f, 0x17, 0x1f, 0x27, 0x2f, 0x37, 0x3f, 0x47, 0x4f, 0x57, 0x5f, 0x67, 0x6f, 0x77, 0x7f,
                     0x87, 0x97, 0x9f, 0xa7, 0xaf, 0xb7, 0xbf, 0xc7, 0xcf, 0xd7 -> alu64(opcode, dst, src, off, imm);
                case 0x04, 0x0c, 0x14, 0x1c, 0x24, 0x2c, 0x34, 0x3c, 0x44, 0x4c, 0x54, 0x5c, 0x64, 0x6c, 0x74, 0x7c,
                     0x84, 0x94, 0x9c, 0xa4, 0xac, 0xb4, 0xbc, 0xc4, 0xcc, 0xd4, 0xdc -> alu32(opcode, dst, src, off, imm);
                case 0x15, 0x1d, 0x25, 0x2d, 0x35, 0x3d, 0x45, 0x4d, 0x55, 0x5d, 0x65, 0x6d, 0x75, 0x7d,
                     0xa5, 0xad, 0xb5, 0xbd, 0xc5, 0xcd, 0xd5, 0xdd -> jump64(opcode, dst, src, imm, labels[pc + 1 + off]);
                case 0x16, 0x1e, 0x26, 0x2e, 0x36, 0x3e, 0x46, 0x4e, 0x56, 0x5e, 0x66, 0x6e, 0x76, 0x7e,
                     0xa6, 0xae, 0xb6, 0xbe, 0xc6, 0xce, 0xd6, 0xde -> jump32(opcode, dst, src, imm, labels[pc + 1 + off]);
                case 0x05 -> c.goto_(labels[pc + 1 + off]);
                case 0x06 -> c.goto_(labels[pc + 1 + imm]);
                case 0xe5 -> mayGoto(labels[pc + 1 + off]);
                case 0x85 -> {
                    if (src == 1) {
                        call(pc, null, pc + 1 + imm);
                    } else {
                        callHelper(pc, imm);
                    }
                }
                case 0x8d -> callx(pc, InstructionSemantics.callxRegister(dst, imm));
                case 0x95 -> c.goto_(exit);
                case 0x18 -> {
                    c.loadConstant(imm64[pc]);
                    if (src == 2 || src == 6) { // pointer into a global-data region bound at run start
                        c.lload(VALUE_BASE).ladd();
                    }
                    c.lstore(reg(dst));
                }
                case 0x20, 0x28, 0x30, 0x40, 0x48, 0x50 -> legacyLoad(pc, opcode, src, imm);
                case 0x61 -> load(pc, "load32", src, off, dst, 0);
                case 0x69 -> load(pc, "load16", src, off, dst, 0);
                case 0x71 -> load(pc, "load8", src, off, dst, 0);
                case 0x79 -> load(pc, "load64", src, off, dst, 0);
                case 0x81 -> load(pc, "load32", src, off, dst, 32);
                case 0x89 -> load(pc, "load16", src, off, dst, 16);
                case 0x91 -> load(pc, "load8", src, off, dst, 8);
                case 0x62, 0x6a, 0x72, 0x7a, 0x63, 0x6b, 0x73, 0x7b -> store(pc, opcode, dst, src, off, imm);
                case 0xc3, 0xdb -> atomic(pc, opcode == 0xdb, dst, src, off, imm);
                default -> throwInvalid(pc, opcode);
            }
        }

        // ---- ALU ----

        private void operand64(int opcode, int src, int imm) {
            if ((opcode & 0x08) != 0) {
                c.lload(reg(src));
            } else {
                c.loadConstant((long) imm);
            }
        }

        private void operand32(int opcode, int src, int imm) {
            if ((opcode & 0x08) != 0) {
                c.lload(reg(src)).l2i();
            } else {
                c.loadConstant(imm);
            }
        }

        private void zeroExtend() {
            c.i2l().loadConstant(0xffff_ffffL).land();
        }

        private void alu64(int opcode, int dst, int src, int off, int imm) {
            int d = reg(dst);
            switch (opcode & 0xf0) {
                case 0x00 -> { c.lload(d); operand64(opcode, src, imm); c.ladd(); }
                case 0x10 -> { c.lload(d); operand64(opcode, src, imm); c.lsub(); }
                case 0x20 -> { c.lload(d); operand64(opcode, src, imm); c.lmul(); }
                case 0x40 -> { c.lload(d); operand64(opcode, src, imm); c.lor(); }
                case 0x50 -> { c.lload(d); operand64(opcode, src, imm); c.land(); }
                case 0xa0 -> { c.lload(d); operand64(opcode, src, imm); c.lxor(); }
                case 0x60 -> { c.lload(d); operand32(opcode, src, imm); c.lshl(); } // the JVM masks long shifts with 63
                case 0x70 -> { c.lload(d); operand32(opcode, src, imm); c.lushr(); }
                case 0xc0 -> { c.lload(d); operand32(opcode, src, imm); c.lshr(); }
                case 0x30, 0x90 -> {
                    c.lload(d);
                    operand64(opcode, src, imm);
                    c.loadConstant(off).invokestatic(CD_SEMANTICS, (opcode & 0xf0) == 0x30 ? "div64" : "mod64",
                            MethodTypeDesc.of(CD_long, CD_long, CD_long, CD_int));
                }
                case 0x80 -> c.lload(d).lneg();
                case 0xb0 -> {
                    if ((opcode & 0x08) == 0) {
                        c.loadConstant((long) imm);
                    } else {
                        c.lload(reg(src));
                        switch (off) {
                            case 8 -> c.l2i().i2b().i2l();
                            case 16 -> c.l2i().i2s().i2l();
                            case 32 -> c.l2i().i2l();
                            default -> { }
                        }
                    }
                }
                case 0xd0 -> swap(d, imm); // BSWAP
                default -> throw new IllegalStateException("ALU64 opcode 0x" + Integer.toHexString(opcode));
            }
            c.lstore(d);
        }

        private void alu32(int opcode, int dst, int src, int off, int imm) {
            int d = reg(dst);
            switch (opcode & 0xf0) {
                case 0x00 -> { c.lload(d).l2i(); operand32(opcode, src, imm); c.iadd(); zeroExtend(); }
                case 0x10 -> { c.lload(d).l2i(); operand32(opcode, src, imm); c.isub(); zeroExtend(); }
                case 0x20 -> { c.lload(d).l2i(); operand32(opcode, src, imm); c.imul(); zeroExtend(); }
                case 0x40 -> { c.lload(d).l2i(); operand32(opcode, src, imm); c.ior(); zeroExtend(); }
                case 0x50 -> { c.lload(d).l2i(); operand32(opcode, src, imm); c.iand(); zeroExtend(); }
                case 0xa0 -> { c.lload(d).l2i(); operand32(opcode, src, imm); c.ixor(); zeroExtend(); }
                case 0x60 -> { c.lload(d).l2i(); operand32(opcode, src, imm); c.ishl(); zeroExtend(); } // int shifts mask with 31
                case 0x70 -> { c.lload(d).l2i(); operand32(opcode, src, imm); c.iushr(); zeroExtend(); }
                case 0xc0 -> { c.lload(d).l2i(); operand32(opcode, src, imm); c.ishr(); zeroExtend(); }
                case 0x30, 0x90 -> {
                    c.lload(d).l2i();
                    operand32(opcode, src, imm);
                    c.loadConstant(off).invokestatic(CD_SEMANTICS, (opcode & 0xf0) == 0x30 ? "div32" : "mod32",
                            MethodTypeDesc.of(CD_long, CD_int, CD_int, CD_int));
                }
                case 0x80 -> { c.lload(d).l2i().ineg(); zeroExtend(); }
                case 0xb0 -> {
                    if ((opcode & 0x08) == 0) {
                        c.loadConstant(imm & 0xffff_ffffL);
                    } else {
                        c.lload(reg(src));
                        switch (off) {
                            case 8 -> { c.l2i().i2b(); zeroExtend(); }
                            case 16 -> { c.l2i().i2s(); zeroExtend(); }
                            default -> c.loadConstant(0xffff_ffffL).land();
                        }
                    }
                }
                case 0xd0 -> {
                    if ((opcode & 0x08) != 0) { // to big endian
                        swap(d, imm);
                    } else { // to little endian: the host order, so only truncate
                        c.lload(d);
                        switch (imm) {
                            case 16 -> c.loadConstant(0xffffL).land();
                            case 32 -> c.loadConstant(0xffff_ffffL).land();
                            default -> { }
                        }
                    }
                }
                default -> throw new IllegalStateException("ALU32 opcode 0x" + Integer.toHexString(opcode));
            }
            c.lstore(d);
        }

        private void swap(int d, int width) {
            c.lload(d).loadConstant(width).invokestatic(CD_SEMANTICS, "swap", MethodTypeDesc.of(CD_long, CD_long, CD_int));
        }

        // ---- jumps ----

        private void jump64(int opcode, int dst, int src, int imm, Label target) {
            c.lload(reg(dst));
            operand64(opcode, src, imm);
            switch (opcode & 0xf0) {
                case 0x10 -> c.lcmp().ifeq(target);
                case 0x50 -> c.lcmp().ifne(target);
                case 0x60 -> c.lcmp().ifgt(target);
                case 0x70 -> c.lcmp().ifge(target);
                case 0xc0 -> c.lcmp().iflt(target);
                case 0xd0 -> c.lcmp().ifle(target);
                case 0x40 -> c.land().lconst_0().lcmp().ifne(target);
                default -> {
                    c.invokestatic(CD_LONG_BOX, "compareUnsigned", MethodTypeDesc.of(CD_int, CD_long, CD_long));
                    unsignedBranch(opcode, target);
                }
            }
        }

        private void jump32(int opcode, int dst, int src, int imm, Label target) {
            c.lload(reg(dst)).l2i();
            operand32(opcode, src, imm);
            switch (opcode & 0xf0) {
                case 0x10 -> c.if_icmpeq(target);
                case 0x50 -> c.if_icmpne(target);
                case 0x60 -> c.if_icmpgt(target);
                case 0x70 -> c.if_icmpge(target);
                case 0xc0 -> c.if_icmplt(target);
                case 0xd0 -> c.if_icmple(target);
                case 0x40 -> c.iand().ifne(target);
                default -> {
                    c.invokestatic(CD_INTEGER_BOX, "compareUnsigned", MethodTypeDesc.of(CD_int, CD_int, CD_int));
                    unsignedBranch(opcode, target);
                }
            }
        }

        private void unsignedBranch(int opcode, Label target) {
            switch (opcode & 0xf0) {
                case 0x20 -> c.ifgt(target);
                case 0x30 -> c.ifge(target);
                case 0xa0 -> c.iflt(target);
                case 0xb0 -> c.ifle(target);
                default -> throw new IllegalStateException("jump opcode 0x" + Integer.toHexString(opcode));
            }
        }

        /** may_goto: jump once the run's loop budget (the kernel's BPF_MAX_LOOPS) is spent. */
        private void mayGoto(Label target) {
            Label count = c.newLabel();
            c.aload(CTX).getfield(CD_CONTEXT, "mayGotoRemaining", CD_long).lconst_0().lcmp().ifne(count);
            c.goto_(target);
            c.labelBinding(count);
            c.aload(CTX).dup().getfield(CD_CONTEXT, "mayGotoRemaining", CD_long).lconst_1().lsub()
                    .putfield(CD_CONTEXT, "mayGotoRemaining", CD_long);
        }

        // ---- helpers and legacy packet loads ----

        /**
         * A bpf-to-bpf call to {@code target}, or (with {@code entrySlot}) a callx to the entry held in
         * that int local: r0..r9 go to the callee through the context's register array, r0..r5 come
         * back the same way; r6..r9 stay in this method's locals.
         */
        private void call(int pc, Integer entrySlot, int target) {
            Label deepEnough = c.newLabel();
            c.iload(DEPTH).iconst_1().iadd().loadConstant(ExecutionContext.MAX_FRAMES).if_icmplt(deepEnough);
            c.loadConstant(pc).invokestatic(CD_MACHINE, "callDepthExceeded", MethodTypeDesc.of(CD_DEPTH_EXCEEDED, CD_int)).athrow();
            c.labelBinding(deepEnough);
            for (int r = 0; r <= 9; r++) {
                c.aload(REGISTER_ARRAY).loadConstant(r).lload(reg(r)).lastore();
            }
            c.aload(CTX).lload(REMAINING).putfield(CD_CONTEXT, "remainingBudget", CD_long);
            if (entrySlot == null) {
                invokeFunction(target);
            } else {
                Label returned = c.newLabel();
                Label notAFunction = c.newLabel();
                List<SwitchCase> cases = new ArrayList<>();
                List<Integer> entries = new ArrayList<>();
                for (int entry = 0; entry < n; entry++) {
                    if (program.isFunctionEntry(entry)) {
                        cases.add(SwitchCase.of(entry, c.newLabel()));
                        entries.add(entry);
                    }
                }
                c.iload(entrySlot).lookupswitch(notAFunction, cases);
                for (int i = 0; i < cases.size(); i++) {
                    c.labelBinding(cases.get(i).target());
                    invokeFunction(entries.get(i));
                    c.goto_(returned);
                }
                c.labelBinding(notAFunction); // callxEntry has checked the entry
                throwInvalid(pc, 0x8d);
                c.labelBinding(returned);
            }
            abortIfPacketLoadFailed();
            for (int r = 0; r <= 5; r++) {
                c.aload(REGISTER_ARRAY).loadConstant(r).laload().lstore(reg(r));
            }
            c.aload(CTX).getfield(CD_CONTEXT, "remainingBudget", CD_long).lstore(REMAINING);
            frameTop(); // as the interpreter restores it on return
        }

        private void invokeFunction(int entry) {
            c.aload(CTX).iload(DEPTH).iconst_1().iadd().invokestatic(CD_GENERATED, functionName(entry), MTD_FUNCTION).pop2();
        }

        /** callx: a function of the program, or (RFC 9669) a helper by the number the register holds. */
        private void callx(int pc, int register) {
            c.aload(CTX).invokevirtual(CD_CONTEXT, "program", MethodTypeDesc.of(CD_PROGRAM)).loadConstant(pc).lload(reg(register))
                    .invokestatic(CD_SEMANTICS, "callxEntry", MethodTypeDesc.of(CD_int, CD_PROGRAM, CD_int, CD_long))
                    .istore(CALLX_ENTRY);
            Label function = c.newLabel();
            Label done = c.newLabel();
            c.iload(CALLX_ENTRY).ifge(function);
            callHelper(pc, () -> c.loadConstant(pc).lload(reg(register))
                    .invokestatic(CD_SEMANTICS, "callxHelper", MethodTypeDesc.of(CD_int, CD_int, CD_long)));
            c.goto_(done);
            c.labelBinding(function);
            call(pc, CALLX_ENTRY, 0);
            c.labelBinding(done);
        }

        private void callHelper(int pc, int id) {
            callHelper(pc, () -> c.loadConstant(id));
        }

        /** A helper call; {@code pushId} leaves the helper's number (an int) on the operand stack. */
        private void callHelper(int pc, Runnable pushId) {
            c.aload(CTX).lload(REMAINING).putfield(CD_CONTEXT, "remainingBudget", CD_long);
            c.aload(CTX).loadConstant(pc);
            pushId.run();
            c.iload(DEPTH);
            for (int r = 1; r <= 5; r++) {
                c.lload(reg(r));
            }
            c.invokestatic(CD_SEMANTICS, "callHelper", MethodTypeDesc.of(CD_long, CD_CONTEXT, CD_int, CD_int, CD_int,
                    CD_long, CD_long, CD_long, CD_long, CD_long));
            c.lstore(reg(0));
            c.aload(CTX).getfield(CD_CONTEXT, "remainingBudget", CD_long).lstore(REMAINING);
            abortIfPacketLoadFailed();
        }

        private void abortIfPacketLoadFailed() {
            Label go = c.newLabel();
            c.aload(CTX).getfield(CD_CONTEXT, "abortedByPacketLoad", CD_boolean).ifeq(go);
            c.lconst_0().lreturn();
            c.labelBinding(go);
        }

        private void legacyLoad(int pc, int opcode, int src, int imm) {
            c.aload(CTX).loadConstant(pc);
            if ((opcode & 0x40) == 0) {
                c.loadConstant(imm);
            } else {
                c.lload(reg(src)).l2i().loadConstant(imm).iadd();
            }
            c.loadConstant(InstructionSemantics.legacyLoadWidth(opcode))
                    .invokestatic(CD_SEMANTICS, "legacyLoad", MethodTypeDesc.of(CD_long, CD_CONTEXT, CD_int, CD_int, CD_int))
                    .lstore(reg(0));
            Label go = c.newLabel();
            c.lload(reg(0)).lconst_0().lcmp().ifge(go);
            c.aload(CTX).iconst_1().putfield(CD_CONTEXT, "abortedByPacketLoad", CD_boolean);
            c.lconst_0().lreturn();
            c.labelBinding(go);
        }

        // ---- memory ----

        private void address(int base, int off) {
            c.lload(reg(base));
            if (off != 0) {
                c.loadConstant((long) off).ladd();
            }
        }

        private void load(int pc, String accessor, int src, int off, int dst, int signExtendFrom) {
            c.aload(MEMORY);
            address(src, off);
            c.loadConstant(pc).invokevirtual(CD_MEMORY, accessor, MTD_LOAD);
            switch (signExtendFrom) {
                case 8 -> c.l2i().i2b().i2l();
                case 16 -> c.l2i().i2s().i2l();
                case 32 -> c.l2i().i2l();
                default -> { }
            }
            c.lstore(reg(dst));
        }

        private void store(int pc, int opcode, int dst, int src, int off, int imm) {
            String accessor = switch (opcode & 0x18) {
                case 0x00 -> "store32";
                case 0x08 -> "store16";
                case 0x10 -> "store8";
                default -> "store64";
            };
            c.aload(MEMORY);
            address(dst, off);
            if ((opcode & 7) == 3) { // STX
                c.lload(reg(src));
            } else {
                c.loadConstant((long) imm);
            }
            c.loadConstant(pc).invokevirtual(CD_MEMORY, accessor, MTD_STORE);
        }

        private void atomic(int pc, boolean wide, int dst, int src, int off, int imm) {
            c.aload(MEMORY).loadConstant(pc);
            address(dst, off);
            c.lload(reg(src)).lload(reg(0)).loadConstant(imm).loadConstant(wide ? 1 : 0)
                    .invokestatic(CD_SEMANTICS, "atomic", MethodTypeDesc.of(CD_long, CD_MEMORY, CD_int, CD_long, CD_long, CD_long, CD_int, CD_boolean));
            if ((imm & ~1) == 0xf0) {
                c.lstore(reg(0)); // cmpxchg
            } else if ((imm & 1) != 0) {
                c.lstore(reg(src)); // FETCH
            } else {
                c.pop2();
            }
        }
    }
}
