package dev.wbpf.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wbpf.core.testing.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GenCommandTest {
    private static Path fixture(String name) {
        return Fixtures.object(name);
    }

    @Test
    void skeletonWithAName(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("exec.skel.h");
        CliRunner r = CliRunner.run("gen", "skeleton", fixture("execsnoop").toString(), "-n", "exec", "-o", out.toString());
        assertEquals(0, r.exitCode(), r.err());
        String header = Files.readString(out);
        assertTrue(header.contains("struct exec_bpf {"), header.substring(0, 200));
        assertTrue(header.contains("struct exec_bpf__rodata *rodata;"));
        assertTrue(header.contains("static inline struct exec_bpf *exec_bpf__open_and_load(void)"));
        assertTrue(header.contains("s->progs[0].sec_name = \"tp/syscalls/sys_enter_execve\";"));
    }

    @Test
    void typesToStdoutWithAnExtraType() {
        CliRunner r = CliRunner.run("gen", "types", fixture("execsnoop").toString(), "-t", "trace_event_raw_sys_enter");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("struct trace_event_raw_sys_enter {"), r.out());
        assertTrue(r.out().contains("_Static_assert(sizeof(struct trace_event_raw_sys_enter) == "), r.out());
    }

    @Test
    void unknownTypeAndMissingFileAreOneLineErrors() {
        CliRunner r = CliRunner.run("gen", "types", fixture("execsnoop").toString(), "-t", "no_such_type");
        assertEquals(1, r.exitCode());
        assertTrue(r.err().startsWith("wbpf: ") && r.err().contains("no_such_type"), r.err());
        r = CliRunner.run("gen", "skeleton", "does-not-exist.bpf.o");
        assertEquals(1, r.exitCode());
        assertTrue(r.err().contains("does-not-exist.bpf.o"), r.err());
    }
}
