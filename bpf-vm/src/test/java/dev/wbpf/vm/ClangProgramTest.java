package dev.wbpf.vm;

import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.wbpf.core.insn.Instructions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Runs code sections compiled by clang-16 (see resources dev/wbpf/vm/clang/README.md). */
@ParameterizedClass(name = "{0}")
@EnumSource(Engine.class)
class ClangProgramTest {
    private final Engine engine;

    ClangProgramTest(Engine engine) {
        this.engine = engine;
    }

    static Instructions section(String name) throws IOException {
        try (InputStream in = ClangProgramTest.class.getResourceAsStream("clang/" + name)) {
            return Instructions.decode(name, in.readAllBytes());
        }
    }

    static long fnv1a(byte[] data) {
        long hash = 0xcbf2_9ce4_8422_2325L;
        for (byte b : data) {
            hash ^= b & 0xff;
            hash *= 0x100_0000_01b3L;
        }
        return hash;
    }

    @Test void fnv1aMatchesJava() throws IOException {
        VmProgram program = VmProgram.prepare("fnv1a", section("fnv1a.bin"));
        byte[] text = "the quick brown fox jumps over the lazy dog".getBytes(StandardCharsets.US_ASCII);
        ExecutionContext ctx = new ExecutionContext(0, Vm.quietEnvironment());
        ctx.setArgument(1, ctx.addMemory("data", text, false)).setArgument(2, text.length);
        assertEquals(fnv1a(text), engine.machineFor(program).execute(ctx));
    }

    @Test void aLengthLargerThanTheMemoryFaultsInsteadOfReadingBeyondIt() {
        VmProgram program = assertDoesNotThrowPrepare();
        byte[] text = new byte[16];
        ExecutionContext ctx = new ExecutionContext(0, Vm.quietEnvironment());
        ctx.setArgument(1, ctx.addMemory("data", text, false)).setArgument(2, 17);
        MemoryFault e = org.junit.jupiter.api.Assertions.assertThrows(MemoryFault.class, () -> engine.machineFor(program).execute(ctx));
        assertEquals("insn 10: read of 1 byte at data+16 out of bounds (data is 16 bytes)", e.getMessage());
    }

    private static VmProgram assertDoesNotThrowPrepare() {
        try {
            return VmProgram.prepare("fnv1a", section("fnv1a.bin"));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
