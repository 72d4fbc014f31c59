package dev.wbpf.kernel.feature;

import dev.wbpf.core.btf.BtfType;
import dev.wbpf.core.btf.BtfWriter;
import dev.wbpf.core.object.MapType;
import dev.wbpf.core.prog.AttachType;
import dev.wbpf.core.prog.ProgramType;
import dev.wbpf.kernel.Errno;
import dev.wbpf.kernel.Fd;
import dev.wbpf.kernel.KernelException;
import dev.wbpf.kernel.sys.Bpf;
import dev.wbpf.kernel.sys.LinkCreateRequest;
import dev.wbpf.kernel.sys.MapCreateRequest;
import dev.wbpf.kernel.sys.ProgLoadRequest;
import dev.wbpf.kernel.sys.Syscalls;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the running kernel supports, found by asking it (creating a tiny object and seeing whether
 * the kernel accepts it) rather than by comparing version numbers, which backports make
 * meaningless. Each answer is computed once per JVM and cached; probes need the same rights as
 * loading (root or CAP_BPF).
 */
public final class KernelFeatures {
    private static final KernelFeatures SYSTEM = new KernelFeatures();
    private static final Path KPROBE_PMU = Path.of("/sys/bus/event_source/devices/kprobe");

    /** {@code r0 = 0; exit}: the smallest program every program type accepts. */
    private static final byte[] RETURN_ZERO = {
        (byte) 0xb7, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, // BPF_ALU64 | BPF_MOV | BPF_K: r0 = 0
        (byte) 0x95, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, // BPF_JMP | BPF_EXIT
    };

    private final Map<Object, Boolean> cache = new ConcurrentHashMap<>();

    private KernelFeatures() {}

    /** The features of the kernel this JVM runs on. */
    public static KernelFeatures system() {
        return SYSTEM;
    }

    public boolean ringBuffer() {
        return mapType(MapType.RINGBUF);
    }

    /** Whether BPF_LINK_CREATE exists (Linux 5.7), the way wbpf attaches wherever it can. */
    public boolean bpfLinks() {
        return cached("bpf links", KernelFeatures::probeLinks);
    }

    /**
     * Whether kprobes can be created: the kprobe PMU is what perf_event_open needs for them, and it
     * is absent when the kernel is built without CONFIG_KPROBE_EVENTS.
     */
    public boolean kprobes() {
        return cached("kprobes", () -> Files.exists(KPROBE_PMU));
    }

    public boolean btfKind(BtfKind kind) {
        return cached(kind, () -> probeBtf(kind));
    }

    /**
     * Whether the kernel knows this program type. For types that can only load against an attach
     * target (tracing, LSM, extensions, struct_ops) "known" means the verifier got as far as
     * complaining about the missing target; attaching may still need more (e.g. "bpf" in the LSM
     * list).
     */
    public boolean programType(ProgramType type) {
        if (type == ProgramType.UNSPEC) {
            return false;
        }
        return cached(type, () -> probeProgramType(type));
    }

    /** Whether the kernel can create maps of this type. */
    public boolean mapType(MapType type) {
        if (type == MapType.UNSPEC) {
            return false;
        }
        if (type == MapType.STRUCT_OPS) {
            throw new IllegalArgumentException("struct_ops maps cannot be probed without a kernel struct_ops type; "
                    + "the loader finds out when it creates one");
        }
        return cached(type, () -> probeMapType(type));
    }

    private boolean cached(Object key, java.util.function.BooleanSupplier probe) {
        Boolean known = cache.get(key);
        if (known == null) {
            // Not computeIfAbsent: a probe may take a while and must not hold a map bin lock.
            known = probe.getAsBoolean();
            cache.putIfAbsent(key, known);
        }
        return known;
    }

    // ---- probes ---------------------------------------------------------------------------------

    private static boolean probeProgramType(ProgramType type) {
        ProgLoadRequest request = ProgLoadRequest.of(type.kernelValue(), RETURN_ZERO, "GPL").withLogLevel(1);
        AttachType expected = expectedAttachType(type);
        if (expected != null) {
            request = request.withExpectedAttachType(expected.kernelValue());
        }
        try (Fd loaded = Bpf.progLoad(request)) {
            return true;
        } catch (KernelException e) {
            // An unknown type fails before the verifier runs, so with an empty log; a known type
            // that merely lacks an attach target (or sleepable flag) gets a verifier complaint.
            return !e.kernelLog().isBlank();
        }
    }

    /** Types the kernel refuses to load without naming one of their attach points. */
    private static AttachType expectedAttachType(ProgramType type) {
        return switch (type) {
            case CGROUP_SOCK_ADDR -> AttachType.CGROUP_INET4_CONNECT;
            case CGROUP_SOCKOPT -> AttachType.CGROUP_GETSOCKOPT;
            case SK_LOOKUP -> AttachType.SK_LOOKUP;
            case TRACING -> AttachType.TRACE_FENTRY;
            case LSM -> AttachType.LSM_MAC;
            default -> null;
        };
    }

    private static boolean probeMapType(MapType type) {
        if (type.isMapOfMaps()) {
            try (Fd inner = Bpf.mapCreate(MapCreateRequest.of(MapType.ARRAY.kernelValue(), 4, 4, 1))) {
                return creates(MapCreateRequest.of(type.kernelValue(), 4, 4, 1).withInnerMapFd(inner.raw()));
            }
        }
        if (isLocalStorage(type)) {
            // Storage maps insist on BTF for key (a 4-byte int) and value.
            BtfWriter btf = new BtfWriter();
            int intType = btf.add(INT);
            try (Fd btfFd = Bpf.btfLoad(btf.toBytes())) {
                return creates(MapCreateRequest.of(type.kernelValue(), 4, 4, 0)
                        .withFlags(NO_PREALLOC).withBtf(btfFd.raw(), intType, intType));
            }
        }
        return creates(minimalMap(type));
    }

    private static final int NO_PREALLOC = 1;
    private static final int MMAPABLE = 1 << 10;
    private static final int PAGE_SIZE = 4096;

    private static boolean isLocalStorage(MapType type) {
        return type == MapType.SK_STORAGE || type == MapType.INODE_STORAGE || type == MapType.TASK_STORAGE
                || type == MapType.CGRP_STORAGE;
    }

    private static MapCreateRequest minimalMap(MapType type) {
        int t = type.kernelValue();
        return switch (type) {
            case RINGBUF, USER_RINGBUF -> MapCreateRequest.of(t, 0, 0, PAGE_SIZE);
            case QUEUE, STACK -> MapCreateRequest.of(t, 0, 4, 1);
            case BLOOM_FILTER -> MapCreateRequest.of(t, 0, 4, 1);
            case LPM_TRIE -> MapCreateRequest.of(t, 8, 8, 1).withFlags(NO_PREALLOC);
            case STACK_TRACE -> MapCreateRequest.of(t, 4, 8, 1);
            // struct bpf_cgroup_storage_key: __u64 cgroup_inode_id, __u32 attach_type (+ padding).
            case CGROUP_STORAGE, PERCPU_CGROUP_STORAGE -> MapCreateRequest.of(t, 16, 8, 0);
            case ARENA -> MapCreateRequest.of(t, 0, 0, 1).withFlags(MMAPABLE);
            default -> MapCreateRequest.of(t, 4, 4, 1);
        };
    }

    private static boolean creates(MapCreateRequest request) {
        try (Fd map = Bpf.mapCreate(request)) {
            return true;
        } catch (KernelException e) {
            return false;
        }
    }

    /**
     * Links are probed without attaching anything: a cgroup link to an invalid descriptor fails
     * with EBADF where LINK_CREATE exists (it looked up the cgroup), EINVAL where it does not.
     */
    private static boolean probeLinks() {
        ProgLoadRequest cgroupSkb = ProgLoadRequest.of(ProgramType.CGROUP_SKB.kernelValue(), RETURN_ZERO, "GPL");
        try (Fd prog = Bpf.progLoad(cgroupSkb)) {
            long result = Bpf.linkCreateOrErrno(
                    LinkCreateRequest.of(prog.raw(), -1, AttachType.CGROUP_INET_INGRESS.kernelValue()));
            if (result >= 0) {
                Syscalls.close((int) result); // cannot happen with fd -1, but never leak
                return true;
            }
            return result == -Errno.EBADF.number();
        } catch (KernelException e) {
            return false;
        }
    }

    private static boolean probeBtf(BtfKind kind) {
        BtfWriter btf = new BtfWriter();
        switch (kind) {
            case FUNC -> {
                int intType = btf.add(INT);
                // Parameters need names: the kernel rejects a FUNC whose prototype has unnamed ones.
                int proto = btf.add(new BtfType.FuncProto("", intType, List.of(new BtfType.Param("p0", intType))));
                btf.add(new BtfType.Func("probe_func", proto, BtfType.Linkage.GLOBAL));
            }
            case DATASEC -> {
                int intType = btf.add(INT);
                int variable = btf.add(new BtfType.Var("probe_var", intType, BtfType.Linkage.GLOBAL));
                btf.add(new BtfType.DataSec(".data", 4, List.of(new BtfType.VarSecInfo(variable, 0, 4))));
            }
            case FLOAT -> btf.add(new BtfType.Float("float", 4));
            case DECL_TAG -> {
                int intType = btf.add(INT);
                int variable = btf.add(new BtfType.Var("probe_var", intType, BtfType.Linkage.GLOBAL));
                btf.add(new BtfType.DeclTag("probe_tag", variable, -1, false));
            }
            case TYPE_TAG -> {
                int intType = btf.add(INT);
                int tagged = btf.add(new BtfType.TypeTag("probe_tag", intType, false));
                btf.add(new BtfType.Ptr("", tagged));
            }
            case ENUM64 -> btf.add(new BtfType.Enum64("probe_enum", 8, false,
                    List.of(new BtfType.Enumerator("PROBE_VALUE", 1L << 40))));
        }
        long fd = Bpf.btfLoadOrErrno(btf.toBytes());
        if (fd >= 0) {
            Syscalls.close((int) fd);
            return true;
        }
        return false;
    }

    /** A signed 4-byte {@code int}, the base type of every probe. */
    static final BtfType.Int INT = new BtfType.Int("int", 4, BtfType.INT_SIGNED, 0, 32);
}
