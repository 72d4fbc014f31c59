package dev.wbpf.kernel.loader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wbpf.core.object.BpfObjectSpec;
import dev.wbpf.core.object.ProgramSpec;
import dev.wbpf.core.testing.Fixtures;
import dev.wbpf.core.testing.RequiresKernel;
import dev.wbpf.kernel.Bpffs;
import dev.wbpf.kernel.FdLeakTracker;
import dev.wbpf.kernel.KernelException;
import dev.wbpf.kernel.KernelObjects;
import dev.wbpf.kernel.map.KernelMap;
import dev.wbpf.kernel.sys.Bpf;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@RequiresKernel
@ExtendWith(FdLeakTracker.class)
class KernelLoaderTest {

    @ParameterizedTest
    @ValueSource(strings = {"atomics", "cpuv4", "execsnoop", "globals", "links", "map_in_map", "misc_maps", "opensnoop",
            "runqlat", "sockfilter", "subprogs", "uprobe", "xdp_parse"})
    void everyFixtureThatLoadsWithBpftoolLoads(String name) throws Exception {
        BpfObjectSpec spec = Fixtures.spec(name);
        Set<Integer> progsBefore = KernelObjects.snapshot(Bpf.ObjectKind.PROGRAM);
        List<Integer> ids = new ArrayList<>();
        try (KernelObject object = KernelLoader.load(spec)) {
            assertEquals(spec.programs().size(), object.programs().size());
            for (KernelProgram p : object.programs()) {
                ids.add(p.id());
                assertEquals(p.spec().definition().type().kernelValue(), Bpf.progInfo(p.fd().raw()).type());
            }
            assertTrue(object.btf().isPresent(), "kernel accepted the sanitised BTF");
            assertEquals(spec.maps().size() + spec.globals().size(), object.maps().size());
        }
        for (int id : ids) {
            KernelObjects.assertGone(Bpf.ObjectKind.PROGRAM, id, progsBefore);
        }
    }

    @Test
    void pinnedMapsAreReusedByTheSecondLoad() throws Exception {
        Path root = Files.createDirectories(Bpffs.ensureMounted().resolve("wbpf-loader-test-" + ProcessHandle.current().pid()));
        LoadOptions options = LoadOptions.defaults().withPinRoot(root);
        try (KernelObject first = KernelLoader.load(Fixtures.spec("percpu"), options);
                KernelObject second = KernelLoader.load(Fixtures.spec("percpu"), options)) {
            KernelMap a = first.map("lru_pinned");
            KernelMap b = second.map("lru_pinned");
            assertEquals(a.id(), b.id(), "second load reuses the pinned map");
            assertTrue(Files.exists(root.resolve("pcpu_arr_pinned")));
        } finally {
            try (var files = Files.list(root)) {
                for (Path p : files.toList()) {
                    Files.delete(p);
                }
            }
            Files.delete(root);
        }
    }

    @Test
    void readOnlyDataIsFrozenAndFilled() {
        BpfObjectSpec spec = Fixtures.spec("globals");
        try (KernelObject object = KernelLoader.load(spec)) {
            var rodata = spec.global(".rodata").orElseThrow();
            KernelMap map = object.map(rodata.mapName());
            byte[] value = map.lookup(new byte[4]).orElseThrow();
            assertEquals(java.util.HexFormat.of().formatHex(rodata.initial()),
                    java.util.HexFormat.of().formatHex(java.util.Arrays.copyOf(value, rodata.size())));
            KernelException e = assertThrows(KernelException.class, () -> map.update(new byte[4], value));
            assertEquals(dev.wbpf.kernel.Errno.EPERM, e.kernelErrno(), "frozen: " + e.getMessage());
        }
    }

    @Test
    void kconfigExternsGetTheKernelsValues() {
        BpfObjectSpec spec = Fixtures.spec("misc_maps");
        try (KernelObject object = KernelLoader.load(spec)) {
            var kconfig = spec.global(".kconfig").orElseThrow();
            byte[] value = object.map(kconfig.mapName()).lookup(new byte[4]).orElseThrow();
            var version = spec.externs().stream().filter(x -> x.name().equals("LINUX_KERNEL_VERSION")).findFirst().orElseThrow();
            int v = java.nio.ByteBuffer.wrap(value, version.offset(), 4).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt();
            assertEquals(Kconfig.kernelVersion(), v);
            assertEquals(6, v >> 16);
        }
    }

    @Test
    void aVerifierRejectionNamesTheProgramAndQuotesTheLog() throws Exception {
        BpfObjectSpec good = Fixtures.spec("globals");
        ProgramSpec first = good.programs().getFirst();
        // A second copy of the first program whose code is cut to a lone "r0 = 0" without exit.
        byte[] broken = java.util.Arrays.copyOf(first.code(), 8);
        broken[0] = (byte) 0xb7;
        java.util.Arrays.fill(broken, 1, 8, (byte) 0);
        ProgramSpec bad = new ProgramSpec("handle_broken", first.section(), first.definition(), first.license(), broken,
                List.of(new ProgramSpec.LinkedFunction("handle_broken", 0, 1)), List.of(), List.of(), List.of(), List.of());
        List<ProgramSpec> programs = new ArrayList<>(good.programs());
        programs.add(bad);
        BpfObjectSpec spec = new BpfObjectSpec(good.source(), good.objectName(), good.license(), good.kernelVersion(),
                programs, good.maps(), good.globals(), good.externs(), good.btf(), good.btfExt());
        Set<Integer> progsBefore = new HashSet<>(Bpf.allIds(Bpf.ObjectKind.PROGRAM));
        Set<Integer> mapsBefore = new HashSet<>(Bpf.allIds(Bpf.ObjectKind.MAP));
        KernelException e = assertThrows(KernelException.class, () -> KernelLoader.load(spec));
        assertTrue(e.getMessage().startsWith("kernel refused program `handle_broken`"), e.getMessage());
        assertTrue(e.getMessage().contains("verifier log"), e.getMessage());
        assertTrue(e.kernelLog().contains("exit") || e.kernelLog().contains("jump"), e.kernelLog());
        // Everything created before the failure (maps, the first programs, BTF) is gone again.
        Thread.sleep(50);
        // Only objects with this object's names count: other processes may load programs meanwhile.
        Set<String> names = new HashSet<>();
        spec.programs().forEach(p -> names.add(KernelLoader.kernelName(p.name())));
        spec.maps().forEach(m -> names.add(KernelLoader.kernelName(m.name())));
        spec.globals().forEach(g -> names.add(KernelLoader.kernelName(g.mapName())));
        Set<Integer> progsAfter = ours(Bpf.ObjectKind.PROGRAM, progsBefore, names);
        Set<Integer> mapsAfter = ours(Bpf.ObjectKind.MAP, mapsBefore, names);
        for (int i = 0; i < 100 && !(progsAfter.isEmpty() && mapsAfter.isEmpty()); i++) {
            Thread.sleep(20);
            progsAfter.retainAll(Bpf.allIds(Bpf.ObjectKind.PROGRAM));
            mapsAfter.retainAll(Bpf.allIds(Bpf.ObjectKind.MAP));
        }
        assertEquals(Set.of(), progsAfter, "programs left behind");
        assertEquals(Set.of(), mapsAfter, "maps left behind");
    }

    private static int u32(byte[] b) {
        return java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt();
    }

    private static byte[] key(int k) {
        return java.nio.ByteBuffer.allocate(4).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(k).array();
    }

    @Test
    void slotInitialisersPutMapsAndProgramsInTheirSlots() {
        try (KernelObject maps = KernelLoader.load(Fixtures.spec("map_in_map"));
                KernelObject misc = KernelLoader.load(Fixtures.spec("misc_maps"))) {
            KernelMap outer = maps.map("outer_arr");
            assertEquals(maps.map("inner_a").id(), u32(outer.lookup(key(0)).orElseThrow()));
            assertEquals(java.util.Optional.empty(), outer.lookup(key(1)));
            assertEquals(maps.map("inner_b").id(), u32(outer.lookup(key(2)).orElseThrow()));
            assertEquals(maps.map("inner_h").id(), u32(maps.map("outer_hash").lookup(key(1)).orElseThrow()));
            KernelMap jumps = misc.map("jmp_table");
            assertEquals(misc.program("tail_stage1").id(), u32(jumps.lookup(key(1)).orElseThrow()));
            assertEquals(misc.program("tail_stage2").id(), u32(jumps.lookup(key(2)).orElseThrow()));
        }
    }

    @Test
    void kconfigValuesHaveTheirDeclaredTypes() {
        BpfObjectSpec spec = Fixtures.spec("misc_maps");
        java.util.Map<String, String> config = Kconfig.load();
        try (KernelObject object = KernelLoader.load(spec,
                LoadOptions.defaults().withKconfig(java.util.Map.of("CONFIG_HZ", "1000")))) {
            byte[] value = object.map(spec.global(".kconfig").orElseThrow().mapName()).lookup(new byte[4]).orElseThrow();
            java.util.function.Function<String, Integer> at = name -> spec.externs().stream()
                    .filter(x -> x.name().equals(name)).findFirst().orElseThrow().offset();
            assertEquals(0, value[at.apply("CONFIG_XYZ_DOES_NOT_EXIST")], "missing weak kconfig reads 0");
            assertEquals(1000, u32(java.util.Arrays.copyOfRange(value, at.apply("CONFIG_HZ"), at.apply("CONFIG_HZ") + 4)),
                    "LoadOptions override");
            int jit = u32(java.util.Arrays.copyOfRange(value, at.apply("CONFIG_BPF_JIT"), at.apply("CONFIG_BPF_JIT") + 4));
            assertEquals(switch (config.getOrDefault("CONFIG_BPF_JIT", "n")) { case "y" -> 1; case "m" -> 2; default -> 0; }, jit);
            String local = config.getOrDefault("CONFIG_LOCALVERSION", "\"\"");
            int off = at.apply("CONFIG_LOCALVERSION");
            int end = off;
            while (value[end] != 0) {
                end++;
            }
            String expected = local.substring(1, local.length() - 1);
            assertEquals(expected.substring(0, Math.min(15, expected.length())),
                    new String(value, off, end - off, java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    @Test
    void sanitisedBtfWithEveryNewerKindReplacedStillLoads() {
        BpfObjectSpec spec = Fixtures.spec("misc_maps");
        byte[] plain = BtfSanitizer.sanitize(spec, kind -> false);
        try (dev.wbpf.kernel.Fd fd = Bpf.btfLoad(plain)) {
            assertTrue(fd.raw() > 0);
        }
        dev.wbpf.core.btf.Btf parsed = dev.wbpf.core.btf.Btf.parse("sanitised", plain);
        assertTrue(parsed.types().stream().noneMatch(t -> t.kind() == dev.wbpf.core.btf.BtfKind.DATASEC
                || t.kind() == dev.wbpf.core.btf.BtfKind.VAR || t.kind() == dev.wbpf.core.btf.BtfKind.FUNC));
        // With everything supported, DATASECs carry real sizes and sorted offsets.
        dev.wbpf.core.btf.Btf full = dev.wbpf.core.btf.Btf.parse("sanitised", BtfSanitizer.sanitize(spec, kind -> true));
        for (var t : full.types()) {
            if (t instanceof dev.wbpf.core.btf.BtfType.DataSec d) {
                assertTrue(d.size() > 0, d.name());
                long last = -1;
                for (var v : d.vars()) {
                    assertTrue(v.offset() >= last && v.offset() + v.size() <= d.size(), d.name() + " " + v);
                    last = v.offset() + v.size();
                }
            }
        }
    }

    @Test
    void kernelNamesAreCutTo15SafeCharacters() {
        assertEquals("a_very_long_map", KernelLoader.kernelName("a_very_long_map_name"));
        assertEquals("execsno.rodata", KernelLoader.kernelName("execsno.rodata"));
        assertEquals("with_dash", KernelLoader.kernelName("with-dash"));
    }

    @Test
    void typedKsymsResolveToBtfIdsAndTheKernelSaysWhenItLacksTheAddress() {
        // ksym.bpf.c: typed per-CPU ksyms; this kernel (no CONFIG_KALLSYMS_ALL) cannot place them,
        // which the verifier reports for the first one (libbpf fails the same way).
        BpfObjectSpec spec = Fixtures.spec("ksym");
        try (KernelObject object = KernelLoader.load(spec)) {
            assertEquals(spec.programs().size(), object.programs().size()); // a kernel with KALLSYMS_ALL
        } catch (KernelException e) {
            System.out.println("ksym: " + e.getMessage().lines().findFirst().orElse("") + " / " + e.kernelLog().strip().lines().reduce((a, b) -> b).orElse(""));
            assertTrue(e.getMessage().startsWith("kernel refused program `"), e.getMessage());
            assertTrue(e.kernelLog().contains("runqueues") || e.kernelLog().contains("bpf_prog_active"), e.kernelLog());
        }
    }

    /** Ids of {@code kind} created since {@code before} whose kernel name is one of {@code names}. */
    private static Set<Integer> ours(Bpf.ObjectKind kind, Set<Integer> before, Set<String> names) {
        Set<Integer> result = new HashSet<>();
        for (int id : Bpf.allIds(kind)) {
            if (before.contains(id)) {
                continue;
            }
            try (dev.wbpf.kernel.Fd fd = Bpf.fdById(kind, id)) {
                String name = kind == Bpf.ObjectKind.PROGRAM ? Bpf.progInfo(fd.raw()).name() : Bpf.mapInfo(fd.raw()).name();
                if (names.contains(name)) {
                    result.add(id);
                }
            } catch (KernelException gone) {
                // freed between listing and opening: not left behind
            }
        }
        return result;
    }

    @Test
    void aPinWithAnotherDefinitionIsReportedNotReused() throws Exception {
        Path root = Files.createDirectories(Bpffs.ensureMounted().resolve("wbpf-loader-clash-" + ProcessHandle.current().pid()));
        try (KernelMap other = KernelMap.create(dev.wbpf.kernel.map.MapDefinition.of(
                dev.wbpf.core.object.MapType.HASH, 4, 4, 1))) {
            other.pin(root.resolve("pcpu_arr_pinned")); // lru_pinned is created and pinned first
            KernelException e = assertThrows(KernelException.class,
                    () -> KernelLoader.load(Fixtures.spec("percpu"), LoadOptions.defaults().withPinRoot(root)));
            assertTrue(e.getMessage().startsWith("map `pcpu_arr_pinned` is pinned at " + root.resolve("pcpu_arr_pinned")
                    + " with another definition (hash, key 4, value 4, max_entries 1"), e.getMessage());
            try (var files = Files.list(root)) {
                assertEquals(List.of(root.resolve("pcpu_arr_pinned")), files.toList(), "lru_pinned, pinned by the failed load, removed");
            }
        } finally {
            try (var files = Files.list(root)) {
                for (Path p : files.toList()) {
                    Files.delete(p);
                }
            }
            Files.delete(root);
        }
    }
}
