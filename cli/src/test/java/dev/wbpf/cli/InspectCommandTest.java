package dev.wbpf.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.wbpf.core.testing.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InspectCommandTest {
    private static final Path TESTDATA = Path.of(System.getProperty("wbpf.testdata", "../testdata"));

    private static String object(String name) {
        return Fixtures.object(name).toString();
    }

    @Test
    void textListsProgramsMapsGlobalsAndRelocations() {
        CliRunner r = CliRunner.run("inspect", object("execsnoop"));
        assertEquals(0, r.exitCode(), r.err());
        String out = r.out();
        assertTrue(out.contains("license GPL"), out);
        assertTrue(out.matches("(?s).*handle_execve\\s+tp/syscalls/sys_enter_execve\\s+tracepoint\\s+tracepoint\\s+syscalls/sys_enter_execve\\s+233.*"), out);
        assertTrue(out.matches("(?s).*events\\s+ringbuf\\s+0\\s+0\\s+262144.*"), out);
        assertTrue(out.matches("(?s).*\\.rodata\\s+execsnoo\\.rodata\\s+targ_pid\\s+8\\s+4.*"), out);
        assertTrue(out.matches("(?s).*\\d+\\s+map\\s+events.*"), out);
        assertTrue(out.contains("field_byte_offset struct task_struct"), out);
        assertFalse(out.contains("Disassembly"), "no disassembly unless asked");
    }

    @Test
    void jsonCarriesTheSameFacts() throws IOException {
        CliRunner r = CliRunner.run("inspect", "--json", object("map_in_map"));
        assertEquals(0, r.exitCode(), r.err());
        JsonNode root = new ObjectMapper().readTree(r.out());
        assertEquals("map_in_map", root.get("objectName").asText());
        JsonNode outer = null;
        for (JsonNode map : root.get("maps")) {
            if (map.get("name").asText().equals("outer_arr")) {
                outer = map;
            }
        }
        assertEquals("array_of_maps", outer.get("type").asText());
        assertEquals("array", outer.get("innerMap").get("type").asText());
        assertEquals("[0] = inner_a", outer.get("initialSlots").get(0).asText());
        assertEquals("lookup_nested", root.get("programs").get(0).get("name").asText());
        assertFalse(root.get("programs").get(0).has("disassembly"));
    }

    /** A program without subprograms is its section's code: its listing must read as llvm-objdump's. */
    @Test
    void disassemblyMatchesLlvmObjdump() throws IOException {
        CliRunner r = CliRunner.run("inspect", "--disasm", object("xdp_parse"));
        assertEquals(0, r.exitCode(), r.err());
        List<String> ours = new ArrayList<>();
        boolean inListing = false;
        for (String line : r.out().lines().toList()) {
            if (line.startsWith("Disassembly of xdp_parse_prog")) {
                inListing = true;
            } else if (inListing && line.matches("\\s*\\d+: .*")) {
                ours.add(line.trim().replaceFirst("^(\\d+): ", "$1 ").replaceAll(" <[^>]+>$", ""));
            }
        }
        List<String> objdump = new ArrayList<>();
        for (String line : Files.readAllLines(Fixtures.golden("xdp_parse.objdump.txt"))) {
            // "      12:\t79 01 00 ...\tr1 = *(u64 *)(r0 + 0x0)"
            String[] parts = line.split("\t");
            if (parts.length == 3 && parts[0].trim().endsWith(":")) {
                objdump.add(parts[0].trim().replace(":", "") + " " + parts[2].replaceAll(" <[^>]+>$", ""));
            }
        }
        assertEquals(objdump.size(), ours.size());
        assertEquals(objdump, ours);
    }

    @Test
    void corruptObjectIsOneClearLineAndExitCodeOne(@TempDir Path dir) throws IOException {
        Path broken = dir.resolve("broken.bpf.o");
        byte[] bytes = Files.readAllBytes(Path.of(object("xdp_parse")));
        Files.write(broken, java.util.Arrays.copyOf(bytes, 100));
        CliRunner r = CliRunner.run("inspect", broken.toString());
        assertEquals(1, r.exitCode());
        assertTrue(r.err().startsWith("wbpf: " + broken + ": "), r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace without --debug: " + r.err());

        CliRunner debug = CliRunner.run("inspect", "--debug", broken.toString());
        assertTrue(debug.err().contains("\tat "), "--debug prints the stack trace");
    }

    @Test
    void missingFileIsNamed() {
        CliRunner r = CliRunner.run("inspect", "no/such/file.bpf.o");
        assertEquals(1, r.exitCode());
        assertTrue(r.err().contains("no/such/file.bpf.o: no such file"), r.err());
    }

    @Test
    void everyCommandHasUsageHelp() {
        CliRunner r = CliRunner.run("inspect", "--help");
        assertEquals(0, r.exitCode());
        assertTrue(r.out().contains("--disasm") && r.out().contains("--json"), r.out());
    }

    private static Path repo(String first, String... more) {
        return TESTDATA.resolve("..").resolve(Path.of(first, more)).normalize();
    }

    @Test
    void aModuleShowsItsImportsAndTheObjectItEmbeds() throws IOException {
        Path module = repo("bpf-guest", "examples", "execsnoop", "execsnoop.wasm");
        CliRunner r = CliRunner.run("inspect", module.toString());
        assertEquals(0, r.exitCode(), r.err());
        String out = r.out();
        assertTrue(out.matches("(?s).*wasm_bpf: [a-z_, ]*wasm_load_bpf_object.*"), out);
        assertTrue(out.contains("wbpf provides every import"), out);
        assertTrue(out.contains("Embedded BPF objects (1)"), out);
        assertTrue(out.matches("(?s).*handle_execve\\s+tp/syscalls/sys_enter_execve\\s+tracepoint.*"), out);

        JsonNode json = new ObjectMapper().readTree(CliRunner.run("inspect", "--json", module.toString()).out());
        JsonNode embedded = json.get("objects").get(0);
        assertEquals("GPL", embedded.get("object").get("license").asText());
        assertEquals("handle_execve", embedded.get("object").get("programs").get(0).get("name").asText());
        assertEquals("handle_exit", embedded.get("object").get("programs").get(1).get("name").asText());
        assertEquals("events", embedded.get("object").get("maps").get(1).get("name").asText(), embedded.toString());
    }

    @Test
    void aModuleWithImportsWbpfLacksSaysRunWillRefuseIt() {
        Path module = repo("wasm-host", "src", "test", "resources", "guests", "missing_imports.wasm");
        CliRunner r = CliRunner.run("inspect", module.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("wbpf does not provide: "), r.out());
        assertTrue(r.out().contains("`wbpf run` will refuse it"), r.out());
        assertTrue(r.out().contains("Embedded BPF objects (0)"), r.out());
    }

    @Test
    void aCorruptModuleIsOneClearLine(@TempDir Path dir) throws IOException {
        Path module = repo("bpf-guest", "examples", "execsnoop", "execsnoop.wasm");
        Path broken = dir.resolve("broken.wasm");
        Files.write(broken, java.util.Arrays.copyOf(Files.readAllBytes(module), 300));
        CliRunner r = CliRunner.run("inspect", broken.toString());
        assertEquals(1, r.exitCode());
        assertTrue(r.err().startsWith("wbpf: " + broken + " is not a valid WebAssembly module: "), r.err());
        assertFalse(r.err().contains("\tat "), r.err());
    }
}
