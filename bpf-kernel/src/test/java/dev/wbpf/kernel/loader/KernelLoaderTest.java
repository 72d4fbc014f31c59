package dev.wbpf.kernel.loader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wbpf.core.object.BpfObjectSpec;
import dev.wbpf.core.object.ProgramSpec;
import dev.wbpf.kernel.Bpffs;
import dev.wbpf.kernel.FdLeakTracker;
import dev.wbpf.kernel.Fixtures;
import dev.wbpf.kernel.KernelException;
import dev.wbpf.kernel.KernelObjects;
import dev.wbpf.kernel.RequiresKernel;
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
            assertEquals(dev.wbpf.kernel.Errno.EPERM, e.errno(), "frozen: " + e.getMessage());
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
                1, List.of(), List.of(), List.of(), List.of(), List.of());
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
        Set<Integer> progsAfter = new HashSet<>(Bpf.allIds(Bpf.ObjectKind.PROGRAM));
        progsAfter.removeAll(progsBefore);
        Set<Integer> mapsAfter = new HashSet<>(Bpf.allIds(Bpf.ObjectKind.MAP));
        mapsAfter.removeAll(mapsBefore);
        for (int i = 0; i < 100 && !(progsAfter.isEmpty() && mapsAfter.isEmpty()); i++) {
            Thread.sleep(20);
            progsAfter.retainAll(Bpf.allIds(Bpf.ObjectKind.PROGRAM));
            mapsAfter.retainAll(Bpf.allIds(Bpf.ObjectKind.MAP));
        }
        assertEquals(Set.of(), progsAfter, "programs left behind");
        assertEquals(Set.of(), mapsAfter, "maps left behind");
    }
}
