package dev.wbpf.vm.hook;

import dev.wbpf.vm.ExecutionContext;
import dev.wbpf.vm.Machine;
import dev.wbpf.vm.VmException;
import dev.wbpf.vm.backend.VmBpfProgram;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToLongFunction;

/**
 * A program as a hook runs it: one {@link ExecutionContext} per thread (the thread's virtual CPU is
 * its id modulo the object's CPU count), runs counted, faults counted and remembered instead of
 * thrown into the thread that fired the hook.
 */
final class HookedProgram {
    private final VmBpfProgram program;
    private final Machine machine;
    private final ThreadLocal<ExecutionContext> contexts;
    private final AtomicLong runs = new AtomicLong();
    private final AtomicLong faults = new AtomicLong();
    private volatile String lastFault;

    HookedProgram(VmBpfProgram program) {
        this.program = program;
        this.machine = program.machine();
        int cpus = program.cpus();
        this.contexts = ThreadLocal.withInitial(() ->
                new ExecutionContext((int) (Thread.currentThread().threadId() % cpus), program.environment()));
    }

    VmBpfProgram program() {
        return program;
    }

    String name() {
        return program.name();
    }

    /**
     * Runs the program once: {@code setUp} builds the context in a reset execution context and
     * returns r1. Returns r0, or {@code faultValue} when the run faulted.
     */
    long run(ToLongFunction<ExecutionContext> setUp, long faultValue) {
        ExecutionContext ctx = contexts.get();
        ctx.reset();
        runs.incrementAndGet();
        try {
            ctx.setArgument(1, setUp.applyAsLong(ctx));
            return machine.execute(ctx);
        } catch (VmException e) {
            faults.incrementAndGet();
            lastFault = e.getMessage();
            return faultValue;
        }
    }

    /** The execution context of the calling thread, as the last {@link #run} left it. */
    ExecutionContext context() {
        return contexts.get();
    }

    long runs() {
        return runs.get();
    }

    long faults() {
        return faults.get();
    }

    /** The message of the latest fault, or null. */
    String lastFault() {
        return lastFault;
    }
}
