package dev.wbpf.vm;

import dev.wbpf.core.prog.ProgramType;
import dev.wbpf.vm.helper.HelperTable;
import dev.wbpf.vm.map.VmMap;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Test shortcuts for running programs. */
final class Vm {
    private Vm() {}

    static HostEnvironment quietEnvironment() {
        return HostEnvironment.ofCurrentProcess().withTraceLog(line -> { });
    }

    static VmProgram program(Asm asm, VmMap... maps) {
        return VmProgram.prepare("test", ProgramType.UNSPEC, asm.build(), List.of(maps), HelperTable.standard());
    }

    /**
     * Runs a program without maps on every engine, each with a fresh context: they must agree on
     * r0 or on the error (class and message), and the compiler must have compiled whatever it
     * claims to cover. Returns r0 or throws the error.
     */
    static long run(Asm asm) {
        return onEveryEngine(program(asm), null);
    }

    /** Runs on the interpreter when there are maps (both engines would update the same maps); see {@link #run(Engine, Asm, VmMap...)}. */
    static long run(Asm asm, VmMap... maps) {
        return maps.length == 0 ? run(asm) : run(Engine.INTERPRETER, asm, maps);
    }

    static long run(Engine engine, Asm asm, VmMap... maps) {
        return machine(engine, program(asm, maps)).execute(new ExecutionContext(0, quietEnvironment()));
    }

    /** The machine of {@code engine}; for the compiler, checks that it compiled what it covers. */
    static Machine machine(Engine engine, VmProgram program) {
        Machine machine = engine.machineFor(program);
        if (engine == Engine.COMPILER && Compiler.unsupported(program) == null && program.size() < 200) {
            assertTrue(Compiler.isCompiled(machine), "the compiler left a program it covers to the interpreter");
        }
        return machine;
    }

    /**
     * Runs with r1 pointing at {@code memory} (writable) and r2 holding its length, as conformance
     * suites do, on every engine (see {@link #run(Asm)}); {@code memory} ends as the interpreter
     * left it, and the compiler's run must leave the same bytes.
     */
    static long runWithMemory(Asm asm, byte[] memory, VmMap... maps) {
        VmProgram program = program(asm, maps);
        if (maps.length > 0) {
            return execute(new Interpreter(program), memory);
        }
        return onEveryEngine(program, memory);
    }

    private static long execute(Machine machine, byte[] memory) {
        return execute(machine, memory, ExecutionContext.DEFAULT_BUDGET);
    }

    private static long execute(Machine machine, byte[] memory, long budget) {
        ExecutionContext ctx = new ExecutionContext(0, quietEnvironment()).setBudget(budget);
        if (memory != null) {
            long pointer = ctx.addMemory("mem", memory, true);
            ctx.setArgument(1, pointer).setArgument(2, memory.length).setLegacyPacket(pointer, memory.length);
        }
        return machine.execute(ctx);
    }

    private record Outcome(long r0, VmException error) {
        static Outcome of(Machine machine, byte[] memory, long budget) {
            try {
                return new Outcome(execute(machine, memory, budget), null);
            } catch (VmException e) {
                return new Outcome(0, e);
            }
        }

        long rethrowOrR0() {
            if (error != null) {
                throw error;
            }
            return r0;
        }

        String describe() {
            return error == null ? "r0 = 0x" + Long.toHexString(r0) : error.getClass().getSimpleName() + ": " + error.getMessage();
        }
    }

    private static long onEveryEngine(VmProgram program, byte[] memory) {
        return onEveryEngine(program, memory, ExecutionContext.DEFAULT_BUDGET);
    }

    /** {@link #run(Asm)} for a prepared program, memory (may be null) and budget. */
    static long onEveryEngine(VmProgram program, byte[] memory, long budget) {
        byte[] compilerMemory = memory == null ? null : memory.clone();
        Outcome compiled = Outcome.of(machine(Engine.COMPILER, program), compilerMemory, budget);
        Outcome interpreted = Outcome.of(new Interpreter(program), memory, budget);
        if (interpreted.error() instanceof BudgetExhausted) {
            // The compiler charges the budget per basic block on entry, so it runs out at the start of
            // the block in which the interpreter runs out; memory may differ by that block.
            assertTrue(compiled.error() instanceof BudgetExhausted, "interpreter: " + interpreted.describe() + ", compiler: " + compiled.describe());
            throw interpreted.error();
        }
        if (compiled.error() instanceof BudgetExhausted) {
            // ...and may run out where the interpreter ended (returned, faulted) inside that last block.
            return interpreted.rethrowOrR0();
        }
        assertEquals(interpreted.describe(), compiled.describe(), "the compiler and the interpreter disagree");
        if (memory != null) {
            assertArrayEquals(memory, compilerMemory, "memory after the compiler's run differs from the interpreter's");
        }
        return interpreted.rethrowOrR0();
    }
}
