package dev.wbpf.vm;

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

    static CallDepthExceeded callDepthExceeded(int pc) {
        return new CallDepthExceeded(pc, ExecutionContext.MAX_FRAMES);
    }

    static BudgetExhausted budgetExhausted(ExecutionContext ctx, int pc) {
        return new BudgetExhausted(pc, ctx.budget());
    }
}
