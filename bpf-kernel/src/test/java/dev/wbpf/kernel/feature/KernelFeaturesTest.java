package dev.wbpf.kernel.feature;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wbpf.core.object.MapType;
import dev.wbpf.core.prog.AttachType;
import dev.wbpf.core.prog.ProgramType;
import dev.wbpf.core.testing.RequiresKernel;
import dev.wbpf.kernel.Fd;
import dev.wbpf.kernel.FdLeakTracker;
import dev.wbpf.kernel.KernelObjects;
import dev.wbpf.kernel.TestPrograms;
import dev.wbpf.kernel.sys.Bpf;
import dev.wbpf.kernel.sys.LinkCreateRequest;
import dev.wbpf.kernel.sys.LinkInfo;
import dev.wbpf.kernel.sys.ProgLoadRequest;
import dev.wbpf.kernel.sys.Syscalls;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** This machine's facts: Linux 6.18 with BTF, without kprobes. */
@RequiresKernel
@ExtendWith(FdLeakTracker.class)
class KernelFeaturesTest {
    private final KernelFeatures features = KernelFeatures.system();

    @Test
    void modernKernelHasRingBuffersAndLinks() {
        assertTrue(features.ringBuffer());
        assertTrue(features.bpfLinks());
    }

    @Test
    void kprobesAreCompiledOutHere() {
        assertFalse(features.kprobes());
    }

    @Test
    void everyBtfKindIsSupportedOn618() {
        for (BtfKind kind : BtfKind.values()) {
            assertTrue(features.btfKind(kind), kind.name());
        }
    }

    @Test
    void commonProgramTypesAreKnown() {
        Map<ProgramType, Boolean> answers = new EnumMap<>(ProgramType.class);
        for (ProgramType type : ProgramType.values()) {
            answers.put(type, features.programType(type));
        }
        System.err.println("program types: " + answers);
        for (ProgramType type : Set.of(ProgramType.SOCKET_FILTER, ProgramType.XDP, ProgramType.TRACEPOINT,
                ProgramType.RAW_TRACEPOINT, ProgramType.CGROUP_SKB, ProgramType.SCHED_CLS, ProgramType.PERF_EVENT,
                ProgramType.CGROUP_SOCK_ADDR, ProgramType.SK_LOOKUP, ProgramType.STRUCT_OPS)) {
            assertTrue(answers.get(type), type.name());
        }
        assertFalse(features.programType(ProgramType.UNSPEC));
        // TRACING, EXT and LSM fail with EPERM and no log here when loaded without a real
        // attach_btf_id; probing them properly needs a vmlinux function's BTF id (loader work).
    }

    @Test
    void everyMapTypeTheLoaderCreatesIsSupported() {
        Map<MapType, Boolean> answers = new EnumMap<>(MapType.class);
        for (MapType type : MapType.values()) {
            if (type != MapType.STRUCT_OPS) {
                answers.put(type, features.mapType(type));
            }
        }
        System.err.println("map types: " + answers);
        for (MapType type : Set.of(MapType.HASH, MapType.ARRAY, MapType.PERCPU_HASH, MapType.PERCPU_ARRAY,
                MapType.LRU_HASH, MapType.LRU_PERCPU_HASH, MapType.RINGBUF, MapType.PERF_EVENT_ARRAY,
                MapType.PROG_ARRAY, MapType.ARRAY_OF_MAPS, MapType.HASH_OF_MAPS, MapType.LPM_TRIE,
                MapType.QUEUE, MapType.STACK, MapType.TASK_STORAGE, MapType.SK_STORAGE, MapType.INODE_STORAGE,
                MapType.BLOOM_FILTER, MapType.STACK_TRACE, MapType.CGROUP_STORAGE)) {
            assertTrue(answers.get(type), type.name());
        }
        assertThrows(IllegalArgumentException.class, () -> features.mapType(MapType.STRUCT_OPS));
    }

    @Test
    void answersAreCached() {
        features.mapType(MapType.HASH);
        Set<Integer> before = KernelObjects.snapshot(Bpf.ObjectKind.MAP);
        long start = System.nanoTime();
        assertTrue(features.mapType(MapType.HASH));
        long elapsed = System.nanoTime() - start;
        assertTrue(elapsed < 1_000_000, "a cached answer takes no syscall, took " + elapsed + " ns");
        assertEquals(before, KernelObjects.snapshot(Bpf.ObjectKind.MAP), "probes leave no maps behind");
    }

    /** The probe says links exist; prove it with a real one on a cgroup of the test's own. */
    @Test
    void realCgroupLinkAttachesAndDetaches() throws Exception {
        Optional<Path> cgroup2 = cgroup2Mount();
        Assumptions.assumeTrue(cgroup2.isPresent(), "no cgroup v2 mount");
        Path cgroup = Files.createTempDirectory(cgroup2.get(), "wbpf-test-");
        Set<Integer> linksBefore = KernelObjects.snapshot(Bpf.ObjectKind.LINK);
        int linkId;
        try (Fd cgroupFd = Syscalls.openat(cgroup.toString(), Syscalls.O_RDONLY | Syscalls.O_CLOEXEC);
                Fd prog = Bpf.progLoad(ProgLoadRequest.of(ProgramType.CGROUP_SKB.kernelValue(),
                        TestPrograms.returnImmediate(1), "GPL"));
                Fd link = Bpf.linkCreate(LinkCreateRequest.of(prog.raw(), cgroupFd.raw(),
                        AttachType.CGROUP_INET_INGRESS.kernelValue()))) {
            LinkInfo info = Bpf.linkInfo(link.raw());
            linkId = info.id();
            assertEquals(Bpf.progInfo(prog.raw()).id(), info.programId());
            assertTrue(Bpf.allIds(Bpf.ObjectKind.LINK).contains(linkId));
        } finally {
            Files.deleteIfExists(cgroup);
        }
        KernelObjects.assertGone(Bpf.ObjectKind.LINK, linkId, linksBefore);
    }

    private static Optional<Path> cgroup2Mount() throws IOException {
        return Files.readAllLines(Path.of("/proc/mounts")).stream()
                .map(line -> line.split(" "))
                .filter(f -> f.length > 2 && f[2].equals("cgroup2"))
                .map(f -> Path.of(f[1]))
                .findFirst();
    }
}
