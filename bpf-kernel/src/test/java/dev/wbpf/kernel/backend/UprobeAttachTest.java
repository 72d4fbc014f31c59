package dev.wbpf.kernel.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wbpf.core.backend.Backends;
import dev.wbpf.core.backend.BpfException;
import dev.wbpf.core.backend.BpfLink;
import dev.wbpf.core.backend.BpfMap;
import dev.wbpf.core.backend.BpfObject;
import dev.wbpf.core.backend.LoadOptions;
import dev.wbpf.core.testing.Fixtures;
import dev.wbpf.core.testing.RequiresKernel;
import dev.wbpf.kernel.FdLeakTracker;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** uprobe/uretprobe through the SPI on a program the test compiles (PIE and not) and on libc. */
@RequiresKernel
@ExtendWith(FdLeakTracker.class)
class UprobeAttachTest {

    private static Path build(Path dir, String flags) throws Exception {
        Path source = dir.resolve("target.c");
        try (InputStream in = UprobeAttachTest.class.getResourceAsStream("/uprobe/target.c")) {
            Files.copy(in, source);
        }
        Path binary = dir.resolve("target");
        List<String> command = new java.util.ArrayList<>(List.of("cc", "-O2", "-g"));
        command.addAll(List.of(flags.split(" ")));
        command.addAll(List.of("-o", binary.toString(), source.toString()));
        Process cc;
        try {
            cc = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new AssertionError("no C compiler (cc) to build the uprobe target: install gcc (scripts/setup does)", e);
        }
        String output = new String(cc.getInputStream().readAllBytes());
        assertEquals(0, cc.waitFor(), "cc failed: " + output);
        return binary;
    }

    private static void run(Path binary, int from, int n) throws Exception {
        Process p = new ProcessBuilder(binary.toString(), Integer.toString(from), Integer.toString(n)).start();
        assertEquals(0, p.waitFor());
    }

    private static long count(BpfMap map, int key) {
        byte[] k = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(key).array();
        byte[] v = new byte[map.valueBufferSize()];
        return map.lookup(k, v) ? ByteBuffer.wrap(v).order(ByteOrder.LITTLE_ENDIAN).getLong() : 0;
    }

    @ParameterizedTest
    @ValueSource(strings = {"-fPIE -pie", "-fno-pie -no-pie"})
    void entryArgumentsAndReturnValuesAreSeen(String flags, @TempDir Path dir) throws Exception {
        Path binary = build(dir, flags);
        try (BpfObject object = Backends.named("kernel").orElseThrow()
                .load(Fixtures.spec("uprobe_test"), LoadOptions.defaults())) {
            BpfLink entry = object.program("on_entry").orElseThrow().attach(binary + ":wbpf_probed");
            BpfLink exit = object.program("on_return").orElseThrow().attach(binary + ":wbpf_probed");
            assertTrue(entry.description().startsWith("uprobe "), entry.description());
            assertTrue(exit.description().startsWith("uretprobe "), exit.description());
            run(binary, 40, 3);
            BpfMap args = object.map("args").orElseThrow();
            BpfMap rets = object.map("rets").orElseThrow();
            for (int x = 40; x < 43; x++) {
                assertEquals(1, count(args, x), "argument " + x + " seen once (" + flags + ")");
                assertEquals(1, count(rets, 3 * x + 1), "return value " + (3 * x + 1) + " seen once (" + flags + ")");
            }
            exit.close();
            run(binary, 40, 1);
            assertEquals(2, count(args, 40), "entry probe still attached");
            assertEquals(1, count(rets, 121), "return probe detached");
        }
    }

    @Test
    void aSharedLibraryFunctionFoundByNameAndASymbolOffset(@TempDir Path dir) throws Exception {
        Path binary = build(dir, "-fPIE -pie");
        try (BpfObject object = Backends.named("kernel").orElseThrow()
                .load(Fixtures.spec("uprobe_test"), LoadOptions.defaults())) {
            object.program("on_entry").orElseThrow().attach("libc.so.6:usleep");
            object.program("on_return").orElseThrow().attach(binary + ":wbpf_probed+0");
            run(binary, 7, 1);
            assertTrue(count(object.map("args").orElseThrow(), 1234) >= 1, "usleep(1234) seen in libc");
            assertEquals(1, count(object.map("rets").orElseThrow(), 22));
        }
    }

    @Test
    void unknownFilesAndSymbolsAreENOENT(@TempDir Path dir) throws Exception {
        try (BpfObject object = Backends.named("kernel").orElseThrow()
                .load(Fixtures.spec("uprobe_test"), LoadOptions.defaults())) {
            var prog = object.program("on_entry").orElseThrow();
            BpfException noFile = assertThrows(BpfException.class, () -> prog.attach(dir.resolve("none") + ":f"));
            assertEquals(BpfException.ENOENT, noFile.errno(), noFile.getMessage());
            BpfException noSymbol = assertThrows(BpfException.class, () -> prog.attach("/bin/true:wbpf_no_such_function"));
            assertEquals(BpfException.ENOENT, noSymbol.errno(), noSymbol.getMessage());
            BpfException noTarget = assertThrows(BpfException.class, prog::attach);
            assertEquals(BpfException.EINVAL, noTarget.errno(), noTarget.getMessage());
        }
    }
}
