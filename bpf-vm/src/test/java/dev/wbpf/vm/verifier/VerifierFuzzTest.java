package dev.wbpf.vm.verifier;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.wbpf.core.insn.Instructions;
import dev.wbpf.core.object.MapType;
import dev.wbpf.core.prog.ProgramType;
import dev.wbpf.vm.ExecutionContext;
import dev.wbpf.vm.HostEnvironment;
import dev.wbpf.vm.Interpreter;
import dev.wbpf.vm.MemoryFault;
import dev.wbpf.vm.VmException;
import dev.wbpf.vm.VmInternalError;
import dev.wbpf.vm.VmProgram;
import dev.wbpf.vm.context.XdpContext;
import dev.wbpf.vm.helper.HelperTable;
import dev.wbpf.vm.map.MapDefinition;
import dev.wbpf.vm.map.VmMap;
import dev.wbpf.vm.map.VmMaps;
import dev.wbpf.vm.memory.RegionKind;
import java.util.Arrays;
import java.util.List;

/**
 * Jazzer fuzz target for the verifier and the interpreter: the longer-running sibling of
 * {@link RandomVerifierTest} and {@link MutatedProgramTest}.
 *
 * <p>Input layout (raw fuzzer bytes):
 * <pre>
 *   byte 0        mode: bit 0 clear = raw tracepoint (buffer = args), set = XDP (buffer = packet)
 *   byte 1        buffer length L (0..255; an XDP packet is padded to an Ethernet header)
 *   bytes 2..2+L  the buffer
 *   the rest      the instruction stream, 8 bytes a slot, little-endian (a trailing partial slot is dropped)
 * </pre>
 * Map references (LDDW src=1, imm = index) see an array, a hash and a ring buffer.
 *
 * <p>The verifier may only answer with a verdict ({@link VerifierException}); an accepted program
 * must prepare and may only end in the VM's own exceptions, never a {@link MemoryFault} or a
 * {@link VmInternalError}. Anything else escaping fails the run.
 *
 * <p>In a plain {@code mvn test} this runs only over its seed corpus in
 * {@code src/test/resources/dev/wbpf/vm/verifier/VerifierFuzzTestInputs/verifierAndInterpreter/};
 * with {@code JAZZER_FUZZ=1} it fuzzes (see bpf-vm/README.md).
 */
class VerifierFuzzTest {
    private static final int MAX_SLOTS = 512;
    private static final long BUDGET = 20_000;
    private static final HostEnvironment QUIET = HostEnvironment.ofCurrentProcess().withTraceLog(line -> { });

    @FuzzTest(maxDuration = "10m")
    void verifierAndInterpreter(byte[] data) {
        if (data.length < 2) {
            return;
        }
        boolean xdp = (data[0] & 1) != 0;
        int length = Math.min(data[1] & 0xff, data.length - 2);
        byte[] buffer = Arrays.copyOfRange(data, 2, 2 + length);
        int codeStart = 2 + length;
        int slots = Math.min((data.length - codeStart) / 8, MAX_SLOTS);
        if (slots == 0) {
            return;
        }
        Instructions code = Instructions.decode("fuzz", Arrays.copyOfRange(data, codeStart, codeStart + slots * 8));
        ProgramType type = xdp ? ProgramType.XDP : ProgramType.RAW_TRACEPOINT;
        // fresh maps each input: state must not leak between inputs, or a crash would not reproduce
        List<VmMap> maps = List.of(
                VmMaps.create(MapDefinition.of("a", MapType.ARRAY, 4, 16, 4), 1),
                VmMaps.create(MapDefinition.of("h", MapType.HASH, 4, 8, 16), 1),
                VmMaps.create(MapDefinition.of("rb", MapType.RINGBUF, 0, 0, 4096), 1));
        try {
            Verifier.verify("fuzz", type, code, maps, HelperTable.standard(), Verifier.Options.defaults().withInsnLimit(50_000));
        } catch (VerifierException refused) {
            if (refused.getMessage() != null && refused.getMessage().contains("internal verifier error")) {
                throw new AssertionError("verifier: " + refused.getMessage() + " for " + code.asList(), refused);
            }
            return;
        }
        VmProgram program;
        try {
            program = VmProgram.prepare("fuzz", type, code, maps, HelperTable.standard());
        } catch (VmException e) {
            throw new AssertionError("accepted but prepare refused: " + e.getMessage() + " for " + code.asList(), e);
        }
        ExecutionContext ctx = new ExecutionContext(0, QUIET).setBudget(BUDGET);
        for (int run = 0; run < 2; run++) {
            ctx.reset();
            if (xdp) {
                byte[] frame = buffer.length >= 14 ? buffer.clone() : Arrays.copyOf(buffer, 14);
                ctx.setArgument(1, XdpContext.create(ctx, frame).pointer());
            } else {
                byte[] args = Arrays.copyOf(buffer, 96);
                ctx.setArgument(1, ctx.addMemory(RegionKind.CONTEXT, "args", args, 0, args.length, false));
            }
            try {
                new Interpreter(program).execute(ctx);
            } catch (MemoryFault | VmInternalError e) {
                throw new AssertionError(e.getMessage() + " in a verifier-accepted program " + code.asList(), e);
            } catch (VmException expected) {
                // budget, helper refusals, call depth: the VM's own answers, not safety bugs
            }
        }
    }
}
