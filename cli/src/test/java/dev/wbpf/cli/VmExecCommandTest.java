package dev.wbpf.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wbpf.core.testing.Fixtures;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** {@code wbpf vm exec}, driven as bpf_conformance's plugin protocol does; programs from RFC 9669's semantics. */
class VmExecCommandTest {
    private static final String EXIT = "95 00 00 00 00 00 00 00";

    private static CliRunner exec(String program, String... args) {
        String[] argv = new String[args.length + 2];
        argv[0] = "vm";
        argv[1] = "exec";
        System.arraycopy(args, 0, argv, 2, args.length);
        return CliRunner.runWithInput(program, argv);
    }

    @Test
    void movImmediateAndExit() {
        CliRunner r = exec("b7 00 00 00 01 00 00 00 " + EXIT);
        assertEquals(0, r.exitCode(), r.err());
        assertEquals("1", r.out().strip());
    }

    @Test
    void negativeImmediateIsSignExtended() {
        CliRunner r = exec("b7000000ffffffff" + EXIT.replace(" ", ""));
        assertEquals("ffffffffffffffff", r.out().strip());
    }

    @Test
    void division32ByZeroGivesZero() {
        CliRunner r = exec("b4 00 00 00 0a 00 00 00 b4 01 00 00 00 00 00 00 3c 10 00 00 00 00 00 00 " + EXIT);
        assertEquals("0", r.out().strip());
    }

    @Test
    void moduloByZeroLeavesTheDividend() {
        // mov r0, 7; mov r1, 0; mod r0, r1; exit
        CliRunner r = exec("b7 00 00 00 07 00 00 00 b7 01 00 00 00 00 00 00 9f 10 00 00 00 00 00 00 " + EXIT);
        assertEquals("7", r.out().strip());
    }

    @Test
    void memoryIsR1AndItsLengthR2() {
        // ldxb r0, [r1+2]; add r0, r2; exit
        CliRunner r = exec("71 10 02 00 00 00 00 00 0f 20 00 00 00 00 00 00 " + EXIT, "aa bb cc dd");
        assertEquals(0, r.exitCode(), r.err());
        assertEquals(Long.toHexString(0xcc + 4), r.out().strip());
    }

    @Test
    void legacyPacketLoadsReadTheMemoryBigEndian() {
        // ldabsh 0; exit -- LD_ABS needs r6 = ctx for the verifier, so this ISA check runs unverified
        CliRunner r = exec("28 00 00 00 00 00 00 00 " + EXIT, "--no-verify", "1234");
        assertEquals("1234", r.out().strip());
    }

    @Test
    void outOfBoundsLoadIsRefusedByTheVerifier() {
        CliRunner r = exec("79 10 64 00 00 00 00 00 " + EXIT, "00");
        assertNotEquals(0, r.exitCode());
        assertTrue(r.err().contains("insn 0") && r.err().contains("invalid bpf_context access"), r.err());
        assertEquals("", r.out());
    }

    @Test
    void outOfBoundsLoadFaultsAtRunTimeWithoutTheVerifier() {
        CliRunner r = exec("79 10 64 00 00 00 00 00 " + EXIT, "--no-verify", "00");
        assertNotEquals(0, r.exitCode());
        assertTrue(r.err().contains("insn 0") && r.err().contains("out of bounds"), r.err());
        assertEquals("", r.out());
    }

    @Test
    void undefinedOpcodeIsRejected() {
        CliRunner r = exec("ff 00 00 00 00 00 00 00 " + EXIT, "--no-verify");
        assertNotEquals(0, r.exitCode());
        assertTrue(r.err().startsWith("wbpf: "), r.err());
    }

    @Test
    void badHexIsAnError() {
        CliRunner r = exec("b7 0");
        assertNotEquals(0, r.exitCode());
        assertTrue(r.err().contains("hex"), r.err());
    }

    @Test
    void jitRunsTheProgramOnTheCompiler() {
        // ldxb r0, [r1+2]; add r0, r2; mov32 r1, 0; div r0, r1 (BPF: 0); add r0, 5; exit
        String program = "71 10 02 00 00 00 00 00 0f 20 00 00 00 00 00 00 b4 01 00 00 00 00 00 00 "
                + "3f 10 00 00 00 00 00 00 07 00 00 00 05 00 00 00 " + EXIT;
        CliRunner r = exec(program, "--jit", "aa bb cc dd");
        assertEquals(0, r.exitCode(), r.err());
        assertEquals("5", r.out().strip());
    }

    @Test
    void jitKeepsTheRunTimeMemoryChecks() {
        CliRunner r = exec("79 10 64 00 00 00 00 00 " + EXIT, "--jit", "--no-verify", "00");
        assertNotEquals(0, r.exitCode());
        assertTrue(r.err().contains("insn 0") && r.err().contains("out of bounds"), r.err());
        assertEquals("", r.out());
    }

    @Test
    void elfRunsTheFirstProgram() throws Exception {
        byte[] elf = Fixtures.objectBytes("cpuv4");
        CliRunner r = exec(HexFormat.of().formatHex(elf), "--elf", "00".repeat(64));
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().strip().matches("[0-9a-f]+"), r.out());
    }
}
