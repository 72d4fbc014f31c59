package dev.wbpf.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wbpf.core.testing.Fixtures;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestRunCommandTest {
    @TempDir
    Path dir;

    private static String fixture(String name) {
        return Fixtures.object(name).toString();
    }

    /** Ethernet + IPv4 + TCP SYN to port 80, padded to {@code length}. */
    static byte[] tcpFrame(int length) {
        ByteBuffer b = ByteBuffer.allocate(length);
        b.put(new byte[12]).putShort((short) 0x0800);
        b.put((byte) 0x45).put((byte) 0).putShort((short) (length - 14)).putInt(0).put((byte) 64).put((byte) 6).putShort((short) 0)
                .putInt(0x0a000001).putInt(0x0a000002);
        b.putShort((short) 1234).putShort((short) 80).putInt(1).putInt(0).put((byte) 0x50).put((byte) 2).putShort((short) 1024).putInt(0);
        return b.array();
    }

    @Test
    void xdpParseOnAFullSizePacket() throws Exception {
        Path data = Files.write(dir.resolve("pkt.bin"), tcpFrame(1500));
        Path out = dir.resolve("out.bin");
        CliRunner r = CliRunner.run("test-run", fixture("xdp_parse"), "--program", "xdp_parse_prog", "--data", data.toString(),
                "--repeat", "100", "--data-out", out.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("retval    2 (XDP_PASS)"), r.out());
        assertTrue(r.out().contains("data out  1500 bytes"), r.out());
        assertTrue(r.out().contains("ctx out   24 bytes"), r.out());
        assertTrue(r.out().matches("(?s).*ns/run    \\d+ median, [0-9.]+ mean over 100 runs.*"), r.out());
        assertEquals(1500, Files.size(out));
    }

    @Test
    void xdpParseOnTheCompilerGivesTheSamePacketAndVerdict() throws Exception {
        Path data = Files.write(dir.resolve("pkt.bin"), tcpFrame(1500));
        Path out = dir.resolve("out.bin");
        CliRunner r = CliRunner.run("test-run", fixture("xdp_parse"), "--program", "xdp_parse_prog", "--data", data.toString(),
                "--repeat", "100", "--jit", "--data-out", out.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("on vm (compiler)"), r.out());
        assertTrue(r.out().contains("retval    2 (XDP_PASS)"), r.out());
        assertEquals(Files.readString(data, java.nio.charset.StandardCharsets.ISO_8859_1),
                Files.readString(out, java.nio.charset.StandardCharsets.ISO_8859_1));
    }

    @Test
    void jitWithTheKernelBackendIsRefused() throws Exception {
        Path data = Files.write(dir.resolve("pkt.bin"), tcpFrame(64));
        CliRunner r = CliRunner.run("test-run", fixture("xdp_parse"), "--program", "xdp_parse_prog", "--data", data.toString(),
                "--jit", "--backend", "kernel");
        assertNotEquals(0, r.exitCode());
        assertTrue(r.err().contains("--jit selects the vm backend's compiler"), r.err());
    }

    @Test
    void rawTracepointWithAContextFile() throws Exception {
        Path ctx = Files.write(dir.resolve("ctx.bin"), new byte[16]);
        CliRunner r = CliRunner.run("test-run", fixture("globals"), "--program", "write_globals", "--ctx", ctx.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("retval    0"), r.out());
    }

    @Test
    void unknownProgramListsTheOthers() throws Exception {
        Path data = Files.write(dir.resolve("pkt.bin"), tcpFrame(64));
        CliRunner r = CliRunner.run("test-run", fixture("xdp_parse"), "--program", "nope", "--data", data.toString());
        assertNotEquals(0, r.exitCode());
        assertTrue(r.err().contains("xdp_parse_prog"), r.err());
    }

    @Test
    void execsnoopReadsTheVmsTaskInATestRun() throws Exception {
        // trace_event_raw_sys_enter with no filename or argv: the program still reads the current task through CO-RE
        Path ctx = Files.write(dir.resolve("ctx.bin"), new byte[64]);
        CliRunner r = CliRunner.run("test-run", fixture("execsnoop"), "--program", "handle_execve", "--ctx", ctx.toString(),
                "--backend", "vm");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("handle_execve (tracepoint) on vm") && r.out().contains("retval    0"), r.out());
    }

    @Test
    void objectTheVmRefusesIsAnErrorNotACrash() throws Exception {
        CliRunner r = CliRunner.run("test-run", fixture("vm_task"), "--program", "read_prio");
        assertNotEquals(0, r.exitCode());
        assertTrue(r.err().contains("struct task_struct field prio"), r.err());
        assertTrue(!r.err().contains("Exception"), r.err());
    }

    @Test
    void tooShortPacketIsRefused() throws Exception {
        Path data = Files.write(dir.resolve("pkt.bin"), new byte[4]);
        CliRunner r = CliRunner.run("test-run", fixture("xdp_parse"), "--program", "xdp_parse_prog", "--data", data.toString());
        assertNotEquals(0, r.exitCode());
        assertTrue(r.err().contains("at least 14 bytes"), r.err());
    }
}
