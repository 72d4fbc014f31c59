package dev.wbpf.core.btf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wbpf.core.testing.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The shared fixtures: for every testdata/bpf/golden/NAME.btf.txt (bpftool's raw dump of
 * testdata/bpf/out/NAME.bpf.o), our dump of that object's .BTF must be identical. Each object's BTF
 * must also re-encode byte for byte and its .BTF.ext must parse.
 */
class BtfGoldenTest {

    @TestFactory
    Stream<DynamicTest> rawDumpMatchesEveryGoldenFile() throws IOException {
        Path bpf = Fixtures.bpfDir();
        Path golden = bpf.resolve("golden");
        assertTrue(Files.isDirectory(golden), "no golden files at " + golden);
        List<Path> dumps;
        try (Stream<Path> files = Files.list(golden)) {
            dumps = files.filter(p -> p.getFileName().toString().endsWith(".btf.txt")).sorted().toList();
        }
        assertFalse(dumps.isEmpty(), "no *.btf.txt in " + golden);
        return dumps.stream().map(dump -> {
            String name = dump.getFileName().toString().replace(".btf.txt", "");
            Path object = bpf.resolve("out").resolve(name + ".bpf.o");
            return DynamicTest.dynamicTest(name, () -> {
                assertTrue(Files.exists(object), object + " is missing for " + dump);
                byte[] section = BpfTools.section(object, ".BTF");
                Btf btf = Btf.parse(object.toString(), section);
                assertEquals(Files.readAllLines(dump), BtfRawDump.dump(btf).lines().toList());
                assertArrayEquals(section, btf.toBytes(), "re-encoding");
                BtfExt ext = BtfExt.parse(object.toString(), BpfTools.section(object, ".BTF.ext"), btf);
                assertFalse(ext.funcInfos().isEmpty(), "func_info");
            });
        });
    }
}
