package dev.wbpf.vm;

import dev.wbpf.core.prog.ProgramType;
import dev.wbpf.vm.helper.HelperTable;
import dev.wbpf.vm.map.VmMap;
import java.util.List;

/** Test shortcuts for running programs. */
final class Vm {
    private Vm() {}

    static HostEnvironment quietEnvironment() {
        return HostEnvironment.ofCurrentProcess().withTraceLog(line -> { });
    }

    static VmProgram program(Asm asm, VmMap... maps) {
        return VmProgram.prepare("test", ProgramType.UNSPEC, asm.build(), List.of(maps), HelperTable.standard());
    }

    static long run(Asm asm, VmMap... maps) {
        return new Interpreter(program(asm, maps)).execute(new ExecutionContext(0, quietEnvironment()));
    }

    /** Runs with r1 pointing at {@code memory} (writable) and r2 holding its length, as conformance suites do. */
    static long runWithMemory(Asm asm, byte[] memory, VmMap... maps) {
        ExecutionContext ctx = new ExecutionContext(0, quietEnvironment());
        long pointer = ctx.addMemory("mem", memory, true);
        ctx.setArgument(1, pointer).setArgument(2, memory.length).setLegacyPacket(pointer, memory.length);
        return new Interpreter(program(asm, maps)).execute(ctx);
    }
}
