package dev.wbpf.core.object;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wbpf.core.testing.Fixtures;
import dev.wbpf.core.btf.CoreRelocationKind;
import dev.wbpf.core.btf.FuncInfo;
import dev.wbpf.core.insn.Instruction;
import dev.wbpf.core.insn.Opcodes;
import dev.wbpf.core.prog.AttachKind;
import dev.wbpf.core.prog.ProgramType;
import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class BpfObjectReaderTest {

    private static BpfObjectSpec read(String name) throws IOException {
        return BpfObjectReader.read(Fixtures.object(name));
    }

    @Test
    void execsnoopHasItsTracepointsRingBufferAndConfiguration() throws IOException {
        BpfObjectSpec spec = read("execsnoop");
        assertEquals("execsnoop", spec.objectName());
        assertEquals("GPL", spec.license());

        ProgramSpec exec = spec.program("handle_execve").orElseThrow();
        assertEquals("tp/syscalls/sys_enter_execve", exec.section());
        assertEquals(ProgramType.TRACEPOINT, exec.definition().type());
        assertEquals(AttachKind.TRACEPOINT, exec.definition().kind());
        assertEquals("syscalls/sys_enter_execve", exec.definition().target());
        assertTrue(exec.relocations().contains(mapRefAt(exec, "events")), exec.relocations().toString());
        assertFalse(exec.coreRelocations().isEmpty(), "BPF_CORE_READ(task, real_parent, tgid) leaves CO-RE records");
        assertTrue(exec.coreRelocations().stream().anyMatch(r -> r.kind() == CoreRelocationKind.FIELD_BYTE_OFFSET));

        MapSpec events = spec.map("events").orElseThrow();
        assertEquals(MapType.RINGBUF, events.type());
        assertEquals(256 * 1024, events.maxEntries());
        MapSpec starts = spec.map("starts").orElseThrow();
        assertEquals(MapType.HASH, starts.type());
        assertEquals(4, starts.keySize());
        assertEquals(10240, starts.maxEntries());

        GlobalDataSpec rodata = spec.global(".rodata").orElseThrow();
        assertEquals("execsnoo.rodata", rodata.mapName(), "libbpf keeps 8 characters of the object name");
        assertTrue(rodata.readOnly());
        assertEquals(Set.of("min_duration_ns", "targ_pid", "targ_uid", "ignore_failed"),
                rodata.variables().stream().map(GlobalDataSpec.Variable::name).collect(Collectors.toSet()));
        assertEquals(8, variable(rodata, "targ_pid").offset());
    }

    @Test
    void everyRelocationPointsAtTheInstructionItDescribes() throws IOException {
        for (String name : Fixtures.objectNames()) {
            for (ProgramSpec program : read(name).programs()) {
                var code = program.instructions();
                for (Relocation relocation : program.relocations()) {
                    Instruction insn = code.get(relocation.insnIndex());
                    boolean ok = switch (relocation) {
                        case Relocation.SubprogramCall c -> insn.opcode() == Opcodes.CALL_OPCODE && insn.src() == Opcodes.PSEUDO_CALL;
                        case Relocation.ExternReference e -> insn.isImm64Load() || insn.opcode() == Opcodes.CALL_OPCODE;
                        default -> insn.isImm64Load();
                    };
                    assertTrue(ok, name + "/" + program.name() + ": " + relocation + " on " + insn);
                }
            }
        }
    }

    @Test
    void subprogramsAreAppendedAndCallsLandOnTheirFirstInstruction() throws IOException {
        BpfObjectSpec spec = read("subprogs");
        ProgramSpec a = spec.program("prog_a").orElseThrow();
        assertTrue(a.subprograms().containsAll(List.of("account", "mix", "bucket_of")), a.subprograms().toString());
        ProgramSpec b = spec.program("prog_b").orElseThrow();
        assertTrue(b.subprograms().contains("loop_cb"), "bpf_loop's callback is linked through its address");
        assertTrue(b.relocations().stream().anyMatch(r -> r instanceof Relocation.FunctionAddress f && f.callee().equals("loop_cb")));

        for (ProgramSpec program : spec.programs()) {
            var code = program.instructions();
            Set<Integer> functionStarts = program.funcInfos().stream().map(FuncInfo::insnIndex).collect(Collectors.toSet());
            assertEquals(1 + program.subprograms().size(), functionStarts.size(),
                    "one func_info per linked function in " + program.name());
            assertTrue(functionStarts.contains(0));
            for (Relocation relocation : program.relocations()) {
                if (relocation instanceof Relocation.SubprogramCall || relocation instanceof Relocation.FunctionAddress) {
                    int target = relocation.insnIndex() + code.get(relocation.insnIndex()).imm() + 1;
                    assertTrue(functionStarts.contains(target), program.name() + ": " + relocation + " lands on " + target);
                }
            }
            assertTrue(program.ownLength() < program.instructionCount() || program.subprograms().isEmpty());
        }
    }

    @Test
    void mapInMapTemplatesAndStaticSlots() throws IOException {
        BpfObjectSpec spec = read("map_in_map");
        MapSpec outer = spec.map("outer_arr").orElseThrow();
        assertEquals(MapType.ARRAY_OF_MAPS, outer.type());
        assertEquals(4, outer.valueSize(), "a map-in-map value is a map fd");
        assertNotNull(outer.innerMap());
        assertEquals(MapType.ARRAY, outer.innerMap().type());
        assertEquals(List.of(new MapSpec.SlotInitializer(0, "inner_a"), new MapSpec.SlotInitializer(2, "inner_b")),
                outer.initialSlots());
        assertEquals(MapType.HASH, spec.map("outer_hash").orElseThrow().innerMap().type());
    }

    @Test
    void progArraySlotsExternsAndSpecialMaps() throws IOException {
        BpfObjectSpec spec = read("misc_maps");
        MapSpec jmp = spec.map("jmp_table").orElseThrow();
        assertEquals(MapType.PROG_ARRAY, jmp.type());
        assertEquals(List.of(new MapSpec.SlotInitializer(1, "tail_stage1"), new MapSpec.SlotInitializer(2, "tail_stage2")),
                jmp.initialSlots());
        assertEquals(MapType.LPM_TRIE, spec.map("routes").orElseThrow().type());
        assertEquals(MapType.QUEUE, spec.map("fifo").orElseThrow().type());
        assertEquals(0, spec.map("fifo").orElseThrow().keySize());
        assertEquals(MapType.TASK_STORAGE, spec.map("task_store").orElseThrow().type());

        ExternSpec kernelVersion = extern(spec, "LINUX_KERNEL_VERSION");
        assertEquals(ExternSpec.Kind.KCONFIG, kernelVersion.kind());
        GlobalDataSpec kconfig = spec.global(".kconfig").orElseThrow();
        assertEquals(GlobalDataSpec.Kind.KCONFIG, kconfig.kind());
        assertEquals(0, kconfig.size() % 8);
        for (ExternSpec e : spec.externs()) {
            if (e.kind() == ExternSpec.Kind.KCONFIG) {
                assertTrue(e.offset() + e.size() <= kconfig.size(), e.toString());
            }
        }
        assertTrue(spec.externs().stream().anyMatch(e -> e.kind() == ExternSpec.Kind.KSYM && e.function()),
                "the kfunc is a function extern: " + spec.externs());
        assertTrue(spec.externs().stream().anyMatch(ExternSpec::weak));
    }

    @Test
    void globalsOfEverySectionKindWithLibbpfMapNames() throws IOException {
        BpfObjectSpec spec = read("globals");
        assertEquals("globals.data", spec.global(".data").orElseThrow().mapName());
        assertEquals("globals.bss", spec.global(".bss").orElseThrow().mapName());
        assertEquals(".data.custom", spec.global(".data.custom").orElseThrow().mapName());
        assertEquals(".rodata.str1.1", spec.global(".rodata.str1.1").orElseThrow().mapName());
        assertEquals(GlobalDataSpec.Kind.RODATA, spec.global(".rodata.custom").orElseThrow().kind());
        GlobalDataSpec bss = spec.global(".bss").orElseThrow();
        assertTrue(java.util.Arrays.equals(new byte[bss.size()], bss.initial()), ".bss starts zeroed");
        // every data reference stays inside its section
        for (ProgramSpec program : spec.programs()) {
            for (Relocation r : program.relocations()) {
                if (r instanceof Relocation.DataReference d) {
                    assertTrue(d.offset() <= spec.global(d.section()).orElseThrow().size(), d.toString());
                }
            }
        }
        assertEquals(".rodata.abracad", GlobalDataSections.mapName("x", ".rodata.abracadabra"));
        assertEquals("my_obje.kconfig", GlobalDataSections.mapName("my_object_name", ".kconfig"));
        assertEquals("my_objec.bss", GlobalDataSections.mapName("my_object_name", ".bss"));
    }

    @Test
    void legacyMapsSectionIsRead() throws IOException {
        BpfObjectSpec spec = read("legacy_maps");
        MapSpec counts = spec.map("counts").orElseThrow();
        assertEquals(MapSpec.Origin.LEGACY_MAPS, counts.origin());
        assertEquals(MapType.HASH, counts.type());
        assertEquals(1024, counts.maxEntries());
        ProgramSpec program = spec.programs().getFirst();
        assertTrue(program.relocations().stream().anyMatch(r -> r instanceof Relocation.MapReference m && m.mapName().equals("counts")));
    }

    @Test
    void uprobeTargetsComeFromTheSectionName() throws IOException {
        BpfObjectSpec spec = read("uprobe");
        assertEquals("/bin/bash:readline", spec.program("printret").orElseThrow().definition().target());
        assertEquals(AttachKind.URETPROBE, spec.program("printret").orElseThrow().definition().kind());
        assertEquals("", spec.program("malloc_enter").orElseThrow().definition().target());
    }

    private static Relocation mapRefAt(ProgramSpec program, String map) {
        return program.relocations().stream()
                .filter(r -> r instanceof Relocation.MapReference m && m.mapName().equals(map))
                .findFirst().orElseThrow(() -> new AssertionError(program.name() + " never references map " + map));
    }

    private static GlobalDataSpec.Variable variable(GlobalDataSpec data, String name) {
        return data.variables().stream().filter(v -> v.name().equals(name)).findFirst().orElseThrow();
    }

    private static ExternSpec extern(BpfObjectSpec spec, String name) {
        return spec.externs().stream().filter(e -> e.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no extern " + name + " in " + spec.externs()));
    }
}
