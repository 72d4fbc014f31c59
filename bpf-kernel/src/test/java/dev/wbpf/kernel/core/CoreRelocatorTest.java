package dev.wbpf.kernel.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wbpf.core.btf.Btf;
import dev.wbpf.core.btf.BtfKind;
import dev.wbpf.core.btf.BtfType;
import dev.wbpf.core.btf.BtfWriter;
import dev.wbpf.core.btf.CoreRelocator;
import dev.wbpf.core.btf.CoreRelocation;
import dev.wbpf.core.btf.CoreRelocationKind;
import dev.wbpf.core.object.BpfObjectSpec;
import dev.wbpf.core.object.ProgramSpec;
import dev.wbpf.core.testing.Fixtures;
import dev.wbpf.core.testing.KernelCondition;
import dev.wbpf.kernel.loader.VmlinuxBtf;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** CO-RE against the running kernel's BTF (needs /sys/kernel/btf/vmlinux, not root). */
class CoreRelocatorTest {
    private static Btf vmlinux;

    @BeforeAll
    static void kernelBtf() {
        Assumptions.assumeTrue(Files.isReadable(VmlinuxBtf.PATH) || KernelCondition.required(),
                "no kernel BTF at " + VmlinuxBtf.PATH);
        vmlinux = VmlinuxBtf.get();
    }

    private static long memberOffset(String struct, String member) {
        int id = vmlinux.findByNameAndKind(struct, BtfKind.STRUCT).orElseThrow();
        return vmlinux.type(id, BtfType.Struct.class).members().stream()
                .filter(m -> m.name().equals(member)).findFirst().orElseThrow().bitOffset() / 8;
    }

    @Test
    void execsnoopReadsTheParentsTgidAtTheKernelsOffsets() {
        BpfObjectSpec spec = Fixtures.spec("execsnoop");
        CoreRelocator relocator = new CoreRelocator(spec.btf(), vmlinux);
        ProgramSpec p = spec.program("handle_execve").orElseThrow();
        assertFalse(p.coreRelocations().isEmpty());
        byte[] code = p.code();
        List<CoreRelocator.Result> results = relocator.apply(code, p.coreRelocations());
        for (CoreRelocator.Result r : results) {
            assertFalse(r.poisoned(), r.toString());
        }
        List<Long> offsets = results.stream()
                .filter(r -> r.relocation().kind() == CoreRelocationKind.FIELD_BYTE_OFFSET).map(CoreRelocator.Result::value).toList();
        assertTrue(offsets.contains(memberOffset("task_struct", "real_parent")), offsets.toString());
        assertTrue(offsets.contains(memberOffset("task_struct", "tgid")), offsets.toString());
        // The patched instructions carry the values (ALU immediates or load offsets).
        for (CoreRelocator.Result r : results) {
            int at = r.relocation().insnIndex() * 8;
            int cls = code[at] & 7;
            ByteBuffer b = ByteBuffer.wrap(code).order(ByteOrder.LITTLE_ENDIAN);
            long patched = cls == 4 || cls == 7 || cls == 0 ? b.getInt(at + 4) : b.getShort(at + 2);
            assertEquals(r.value(), patched, r.toString());
        }
    }

    @Test
    void runqlatFieldExistenceChecksResolve() {
        BpfObjectSpec spec = Fixtures.spec("runqlat");
        CoreRelocator relocator = new CoreRelocator(spec.btf(), vmlinux);
        boolean sawExists = false;
        for (ProgramSpec p : spec.programs()) {
            for (CoreRelocator.Result r : relocator.apply(p.code(), p.coreRelocations())) {
                assertFalse(r.poisoned(), p.name() + ": " + r);
                if (r.relocation().kind() == CoreRelocationKind.FIELD_EXISTS) {
                    sawExists = true;
                }
            }
        }
        assertTrue(sawExists, "runqlat uses bpf_core_field_exists");
    }

    /** A program BTF of our own: flavoured and made-up types, as a CO-RE program would declare them. */
    private record Local(Btf btf, int flavouredTask, int fakeStruct, int enumType, int intType) {}

    private static Local local() {
        BtfWriter w = new BtfWriter();
        int intType = w.add(new BtfType.Int("int", 4, BtfType.INT_SIGNED, 0, 32));
        int task = w.add(new BtfType.Struct("task_struct___wbpf", 8, List.of(
                new BtfType.Member("pid", intType, 0, 0),
                new BtfType.Member("tgid", intType, 32, 0)), false));
        int fake = w.add(new BtfType.Struct("wbpf_no_such_struct", 4, List.of(
                new BtfType.Member("x", intType, 0, 0)), false));
        int fakeMember = w.add(new BtfType.Struct("task_struct___gone", 4, List.of(
                new BtfType.Member("wbpf_no_such_field", intType, 0, 0)), false));
        int enumType = w.add(new BtfType.Enum("bpf_map_type___wbpf", 4, false, List.of(
                new BtfType.Enumerator("BPF_MAP_TYPE_RINGBUF", 0),
                new BtfType.Enumerator("BPF_MAP_TYPE_WBPF_NONE", 0))));
        assertEquals(fakeMember, fake + 1);
        return new Local(Btf.parse("local", w.toBytes()), task, fake, enumType, intType);
    }

    private static byte[] aluMov(int count) {
        byte[] code = new byte[8 * count];
        for (int i = 0; i < count; i++) {
            code[i * 8] = (byte) 0xb7; // r0 = imm
        }
        return code;
    }

    @Test
    void everyKindResolvesAgainstTheKernel() {
        Local l = local();
        CoreRelocator relocator = new CoreRelocator(l.btf(), vmlinux);
        int task = l.flavouredTask();
        int intVmlinux = vmlinux.findByNameAndKind("int", BtfKind.INT).orElseThrow();
        int taskVmlinux = vmlinux.findByNameAndKind("task_struct", BtfKind.STRUCT).orElseThrow();
        List<CoreRelocation> relos = List.of(
                new CoreRelocation(0, task, "0:1", CoreRelocationKind.FIELD_BYTE_OFFSET),
                new CoreRelocation(8, task, "0:1", CoreRelocationKind.FIELD_BYTE_SIZE),
                new CoreRelocation(16, task, "0:1", CoreRelocationKind.FIELD_EXISTS),
                new CoreRelocation(24, task, "0:1", CoreRelocationKind.FIELD_SIGNED),
                new CoreRelocation(32, task, "0:1", CoreRelocationKind.FIELD_LSHIFT_U64),
                new CoreRelocation(40, task, "0:1", CoreRelocationKind.FIELD_RSHIFT_U64),
                new CoreRelocation(48, task, "0", CoreRelocationKind.TYPE_ID_LOCAL),
                new CoreRelocation(56, task, "0", CoreRelocationKind.TYPE_ID_TARGET),
                new CoreRelocation(64, task, "0", CoreRelocationKind.TYPE_EXISTS),
                new CoreRelocation(72, task, "0", CoreRelocationKind.TYPE_SIZE),
                new CoreRelocation(80, l.enumType(), "0", CoreRelocationKind.ENUMVAL_EXISTS),
                new CoreRelocation(88, l.enumType(), "0", CoreRelocationKind.ENUMVAL_VALUE),
                new CoreRelocation(96, l.enumType(), "1", CoreRelocationKind.ENUMVAL_EXISTS),
                new CoreRelocation(104, l.intType(), "0", CoreRelocationKind.TYPE_MATCHES),
                new CoreRelocation(112, l.fakeStruct(), "0", CoreRelocationKind.TYPE_EXISTS));
        byte[] code = aluMov(relos.size());
        List<Long> values = relocator.apply(code, relos).stream().map(CoreRelocator.Result::value).toList();
        int ringbuf = (int) vmlinux.type(vmlinux.findByNameAndKind("bpf_map_type", BtfKind.ENUM).orElseThrow(),
                BtfType.Enum.class).values().stream().filter(e -> e.name().equals("BPF_MAP_TYPE_RINGBUF"))
                .findFirst().orElseThrow().value();
        assertEquals(List.of(memberOffset("task_struct", "tgid"), 4L, 1L, 1L, 32L, 32L, (long) task,
                (long) taskVmlinux, 1L, vmlinux.sizeOf(taskVmlinux), 1L, (long) ringbuf, 0L,
                intVmlinux > 0 ? 1L : 0L, 0L), values);
        assertEquals(memberOffset("task_struct", "tgid"),
                ByteBuffer.wrap(code).order(ByteOrder.LITTLE_ENDIAN).getInt(4));
    }

    @Test
    void aFieldTheKernelLacksPoisonsTheInstructionButExistenceChecksSayZero() {
        Local l = local();
        CoreRelocator relocator = new CoreRelocator(l.btf(), vmlinux);
        int gone = l.fakeStruct() + 1;
        byte[] code = new byte[8 * 4];
        code[0] = (byte) 0x61; // r0 = *(u32 *)(r1 + 0)
        code[0 + 1] = 0x10;
        code[8] = (byte) 0xb7;
        code[16] = 0x18; // r0 = 0 ll (two slots)
        List<CoreRelocation> relos = List.of(
                new CoreRelocation(0, gone, "0:0", CoreRelocationKind.FIELD_BYTE_OFFSET),
                new CoreRelocation(8, gone, "0:0", CoreRelocationKind.FIELD_EXISTS),
                new CoreRelocation(16, gone, "0:0", CoreRelocationKind.FIELD_BYTE_SIZE));
        List<CoreRelocator.Result> results = relocator.apply(code, relos);
        assertTrue(results.get(0).poisoned());
        assertFalse(results.get(1).poisoned());
        assertEquals(0, results.get(1).value());
        assertTrue(results.get(2).poisoned());
        ByteBuffer b = ByteBuffer.wrap(code).order(ByteOrder.LITTLE_ENDIAN);
        for (int at : new int[] {0, 16, 24}) {
            assertEquals((byte) 0x85, code[at], "call at " + at);
            assertEquals(0, code[at + 1]);
            assertEquals(CoreRelocator.POISON_HELPER, b.getInt(at + 4));
        }
    }

    /** The compiler wrote the local answer into each relocated instruction; our spec walk must agree. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"execsnoop", "runqlat", "opensnoop", "misc_maps", "sockfilter",
            "xdp_parse", "uprobe", "links", "tracing", "ksym"})
    void localValuesMatchWhatClangPutInTheInstructions(String name) {
        BpfObjectSpec spec = Fixtures.spec(name);
        CoreRelocator relocator = new CoreRelocator(spec.btf(), vmlinux);
        int checked = 0;
        for (ProgramSpec p : spec.programs()) {
            byte[] code = p.code();
            ByteBuffer b = ByteBuffer.wrap(code).order(ByteOrder.LITTLE_ENDIAN);
            for (CoreRelocation r : p.coreRelocations()) {
                int at = r.insnIndex() * 8;
                int cls = code[at] & 7;
                long original = switch (cls) {
                    case 1, 2, 3 -> b.getShort(at + 2);
                    case 0 -> (b.getInt(at + 4) & 0xffffffffL) | (long) b.getInt(at + 12) << 32;
                    default -> b.getInt(at + 4);
                };
                long local = relocator.localValue(r);
                if (cls == 4 || cls == 7) {
                    local = (int) local;
                }
                assertEquals(local, original, name + "/" + p.name() + ": " + r);
                checked++;
            }
        }
        System.out.println("CO-RE local values checked in " + name + ": " + checked);
    }
}
