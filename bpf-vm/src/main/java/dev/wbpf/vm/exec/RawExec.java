package dev.wbpf.vm.exec;

import dev.wbpf.core.BpfFormatException;
import dev.wbpf.core.insn.Instructions;
import dev.wbpf.core.object.BpfObjectReader;
import dev.wbpf.core.object.BpfObjectSpec;
import dev.wbpf.core.object.ProgramSpec;
import dev.wbpf.core.prog.ProgramType;
import dev.wbpf.vm.ExecutionContext;
import dev.wbpf.vm.HostEnvironment;
import dev.wbpf.vm.Engine;
import dev.wbpf.vm.Machine;
import dev.wbpf.vm.VmProgram;
import dev.wbpf.vm.helper.HelperTable;
import dev.wbpf.vm.load.LoadSettings;
import dev.wbpf.vm.load.ProgramVerifier;
import dev.wbpf.vm.load.VmLoader;
import dev.wbpf.vm.load.VmObject;
import dev.wbpf.vm.memory.RegionKind;
import java.util.List;

/**
 * Runs one program the way conformance suites drive a runtime under test (the plugin protocol of
 * bpf_conformance): r1 points at the given memory (writable; also the packet of LD_ABS/LD_IND),
 * r2 holds its length, and the result is r0. Failures are the VM's exceptions
 * ({@link dev.wbpf.vm.VmException}) or {@link IllegalArgumentException} for unreadable input.
 */
public final class RawExec {
    private RawExec() {}

    /** Hex bytes, two digits each, separated by whitespace or not; empty input is no bytes. */
    public static byte[] parseHex(String text) {
        String digits = text.replaceAll("\\s+", "");
        if (digits.length() % 2 != 0) {
            throw new IllegalArgumentException("odd number of hex digits (" + digits.length() + ")");
        }
        byte[] out = new byte[digits.length() / 2];
        for (int i = 0; i < out.length; i++) {
            int hi = Character.digit(digits.charAt(2 * i), 16);
            int lo = Character.digit(digits.charAt(2 * i + 1), 16);
            if (hi < 0 || lo < 0) {
                throw new IllegalArgumentException("not a hex digit at position " + (2 * i) + ": \"" + digits.substring(2 * i, 2 * i + 2) + "\"");
            }
            out[i] = (byte) (hi << 4 | lo);
        }
        return out;
    }

    /** Runs raw instructions (8-byte little-endian slots) on {@code engine}. */
    public static long run(byte[] code, byte[] memory, ProgramVerifier verifier, Engine engine) {
        if (code.length == 0 || code.length % 8 != 0) {
            throw new IllegalArgumentException("a program is a non-empty sequence of 8-byte instructions; got " + code.length + " bytes");
        }
        Instructions instructions;
        try {
            instructions = Instructions.decode("stdin", code);
        } catch (BpfFormatException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        VmProgram program = VmProgram.prepare("exec", ProgramType.UNSPEC, instructions, List.of(), HelperTable.standard());
        verifier.verify(program, null);
        return execute(engine.machineFor(program), memory);
    }

    /** Runs the first program of a whole ELF object on {@code engine}. */
    public static long runElf(byte[] elf, byte[] memory, ProgramVerifier verifier, Engine engine) {
        BpfObjectSpec spec;
        try {
            spec = BpfObjectReader.read("stdin", elf);
        } catch (BpfFormatException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        if (spec.programs().isEmpty()) {
            throw new IllegalArgumentException("the ELF object has no programs");
        }
        ProgramSpec first = spec.programs().getFirst();
        VmObject object = VmLoader.load(spec, LoadSettings.defaults().withCpus(1).withVerifier(verifier).withEngine(engine)
                .withPrograms(name -> name.equals(first.name())));
        return execute(object.machine(first.name()), memory);
    }

    private static long execute(Machine machine, byte[] memory) {
        ExecutionContext ctx = new ExecutionContext(0, HostEnvironment.ofCurrentProcess());
        if (memory.length > 0) {
            long pointer = ctx.addMemory(RegionKind.CONTEXT, "memory", memory, 0, memory.length, true);
            ctx.setArgument(1, pointer).setArgument(2, memory.length).setLegacyPacket(pointer, memory.length);
        }
        return machine.execute(ctx);
    }
}
