package dev.wbpf.core.btf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wbpf.core.btf.BtfType.Member;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The running kernel's BTF: 100k+ types, the target CO-RE resolves against. Needs
 * /sys/kernel/btf/vmlinux and bpftool; fails, rather than skips, without them.
 */
class VmlinuxBtfTest {
    private static final Path VMLINUX = Path.of("/sys/kernel/btf/vmlinux");
    private static byte[] raw;
    private static Btf vmlinux;

    @BeforeAll
    static void parse() throws IOException {
        assertTrue(Files.isReadable(VMLINUX), VMLINUX + " is needed by this test (kernel built with CONFIG_DEBUG_INFO_BTF)");
        raw = Files.readAllBytes(VMLINUX);
        long start = System.nanoTime();
        vmlinux = Btf.parse(VMLINUX.toString(), raw);
        long millis = (System.nanoTime() - start) / 1_000_000;
        // Measured, not asserted: the first parse in a fresh JVM, the cost every loader pays once.
        System.out.printf("vmlinux BTF: %d types, %d bytes, parsed cold in %d ms%n", vmlinux.typeCount(), raw.length, millis);
    }

    @Test
    void dumpEqualsBpftoolLineForLine() {
        List<String> expected = BpfTools.bpftoolRawDump(VMLINUX);
        List<String> actual = BtfRawDump.dump(vmlinux).lines().toList();
        for (int i = 0; i < Math.min(expected.size(), actual.size()); i++) {
            assertEquals(expected.get(i), actual.get(i), "line " + (i + 1));
        }
        assertEquals(expected.size(), actual.size(), "line count");
    }

    @Test
    void reEncodingReproducesTheFile() {
        assertArrayEquals(raw, vmlinux.toBytes());
    }

    @Test
    void warmParseTime() {
        for (int i = 0; i < 3; i++) {
            long start = System.nanoTime();
            Btf.parse(VMLINUX.toString(), raw);
            System.out.printf("vmlinux BTF: warm parse %d ms%n", (System.nanoTime() - start) / 1_000_000);
        }
    }

    @Test
    void indexedParseGivesTheSameTypesAndNames() {
        long start = System.nanoTime();
        Btf indexed = Btf.parseIndexed(VMLINUX.toString(), raw);
        int task = indexed.findByNameAndKind("task_struct", BtfKind.STRUCT).orElseThrow();
        System.out.printf("vmlinux BTF: indexed and task_struct found in %d ms%n", (System.nanoTime() - start) / 1_000_000);
        assertEquals(vmlinux.findByNameAndKind("task_struct", BtfKind.STRUCT).orElseThrow(), task);
        assertEquals(vmlinux.typeCount(), indexed.typeCount());
        for (int id = 0; id < vmlinux.typeCount(); id++) {
            assertEquals(vmlinux.type(id), indexed.type(id), "[" + id + "]");
            String name = vmlinux.type(id).name();
            if (id % 5 == 0 && !name.isEmpty()) {
                assertEquals(vmlinux.findAllByName(name), indexed.findAllByName(name), name);
            }
        }
        assertTrue(indexed.findAllByName("no_such_type_in_any_kernel").isEmpty());
        assertTrue(indexed.findAllByName("").isEmpty());
        assertArrayEquals(raw, indexed.toBytes());
    }

    @Test
    void wellKnownKernelTypes() {
        int listHead = vmlinux.findByNameAndKind("list_head", BtfKind.STRUCT).orElseThrow();
        assertEquals(16, vmlinux.sizeOf(listHead));
        assertEquals(8, vmlinux.alignOf(listHead));
        int task = vmlinux.findByNameAndKind("task_struct", BtfKind.STRUCT).orElseThrow();
        BtfType.Struct taskStruct = vmlinux.type(task, BtfType.Struct.class);
        assertEquals(taskStruct.size(), vmlinux.sizeOf(task));
        Member pid = taskStruct.members().stream().filter(m -> m.name().equals("pid")).findFirst().orElseThrow();
        assertEquals("pid_t", vmlinux.type(pid.typeId()).name());
        assertEquals(4, vmlinux.sizeOf(pid.typeId()));
        assertEquals(vmlinux.findByNameAndKind("int", BtfKind.INT).orElseThrow(), vmlinux.resolve(pid.typeId()));
    }

    @Test
    void everyTypeHasALayoutOrASayingWhyNot() {
        // Walks every id once, so a cycle or a crash anywhere in real kernel BTF would show here.
        for (int id = 1; id < vmlinux.typeCount(); id++) {
            BtfType type = vmlinux.type(id);
            if (type instanceof BtfType.Composite || type instanceof BtfType.Int || type instanceof BtfType.Array) {
                assertTrue(vmlinux.sizeOf(id) >= 0);
                assertTrue(vmlinux.alignOf(id) >= 1, "[" + id + "]");
            }
            vmlinux.resolve(id);
        }
    }

    @Test
    void splitBtfContinuesTheBase(@TempDir Path dir) throws IOException {
        int taskStruct = vmlinux.findByNameAndKind("task_struct", BtfKind.STRUCT).orElseThrow();
        int intType = vmlinux.findByNameAndKind("int", BtfKind.INT).orElseThrow();
        BtfWriter writer = BtfWriter.extending(vmlinux);
        int pointer = writer.add(new BtfType.Ptr("", taskStruct));
        int module = writer.add(new BtfType.Struct("wbpf_test_module_state", 16, List.of(
                new Member("task", pointer, 0, 0),
                new Member("count", intType, 64, 0),
                new Member("flags", intType, 96, 0)), false));
        byte[] bytes = writer.toBytes();
        Path file = dir.resolve("wbpf_test_module");
        Files.write(file, bytes);

        Btf split = Btf.parseSplit("wbpf_test_module", bytes, vmlinux);
        assertEquals(vmlinux.typeCount(), split.firstTypeId());
        assertEquals(vmlinux.typeCount(), pointer);
        assertEquals(module, split.findByName("wbpf_test_module_state").orElseThrow());
        assertEquals(taskStruct, split.findByNameAndKind("task_struct", BtfKind.STRUCT).orElseThrow(), "base types are found");
        assertEquals("task_struct", split.type(split.type(pointer, BtfType.Ptr.class).typeId()).name());
        assertEquals(16, split.sizeOf(module));
        assertEquals(8, split.alignOf(module));
        assertEquals("count", split.type(module, BtfType.Struct.class).members().get(1).name(), "names reuse base strings");

        assertEquals(BpfTools.bpftoolRawDump(file, VMLINUX), BtfRawDump.dump(split).lines().toList());
        assertArrayEquals(bytes, split.toBytes());
    }
}
