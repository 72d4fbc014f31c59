package dev.wbpf.vm;

import dev.wbpf.vm.helper.Helper;
import dev.wbpf.vm.helper.HelperTable;
import java.util.function.ToLongFunction;

/**
 * A {@link Machine} whose program the {@link Compiler} turned into a JVM class. Runs set up,
 * guard and clean up exactly like the interpreter's; the static methods here are what the
 * generated code calls for the parts that are not worth inlining into it.
 */
final class CompiledMachine implements Machine {
    private final VmProgram program;
    private final ToLongFunction<ExecutionContext> code;

    CompiledMachine(VmProgram program, ToLongFunction<ExecutionContext> code) {
        this.program = program;
        this.code = code;
    }

    @Override
    public VmProgram program() {
        return program;
    }

    @Override
    public long execute(ExecutionContext context) {
        return context.runGuarded(program, code);
    }

    // ---- called by generated code ----

    /** Helper {@code id} called by instruction {@code pc}; the caller saved the budget in the context. */
    static long callHelper(ExecutionContext ctx, int pc, int id, int depth, long r1, long r2, long r3, long r4, long r5) {
        HelperTable helpers = ctx.program().helpers();
        Helper helper = helpers.get(id);
        if (helper == null) {
            throw InstructionSemantics.unknownHelper(pc, helpers, id);
        }
        ctx.instruction = pc;
        ctx.depth = depth;
        return helper.call(ctx, r1, r2, r3, r4, r5);
    }

    static CallDepthExceeded callDepthExceeded(int pc) {
        return new CallDepthExceeded(pc, ExecutionContext.MAX_FRAMES);
    }

    static BudgetExhausted budgetExhausted(ExecutionContext ctx, int pc) {
        return new BudgetExhausted(pc, ctx.budget());
    }
}
