package dev.wbpf.kernel.loader;

import dev.wbpf.core.btf.Btf;
import dev.wbpf.core.btf.BtfKind;
import dev.wbpf.core.btf.BtfType;
import dev.wbpf.core.btf.BtfWriter;
import dev.wbpf.core.btf.FuncInfo;
import dev.wbpf.core.btf.LineInfo;
import dev.wbpf.core.object.BpfObjectSpec;
import dev.wbpf.core.object.ExternSpec;
import dev.wbpf.core.object.GlobalDataSpec;
import dev.wbpf.core.object.MapSpec;
import dev.wbpf.core.object.MapType;
import dev.wbpf.core.object.Pinning;
import dev.wbpf.core.object.ProgramSpec;
import dev.wbpf.core.object.Relocation;
import dev.wbpf.core.prog.AttachKind;
import dev.wbpf.core.prog.ProgramSection;
import dev.wbpf.core.prog.ProgramType;
import dev.wbpf.kernel.Errno;
import dev.wbpf.kernel.Fd;
import dev.wbpf.kernel.KernelException;
import dev.wbpf.kernel.PossibleCpus;
import dev.wbpf.core.btf.CoreRelocator;
import dev.wbpf.kernel.feature.KernelFeatures;
import dev.wbpf.kernel.map.KernelMap;
import dev.wbpf.kernel.sys.Bpf;
import dev.wbpf.kernel.sys.MapCreateRequest;
import dev.wbpf.kernel.sys.ProgLoadRequest;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * Turns a {@link BpfObjectSpec} into live kernel objects, in libbpf's order: BTF (sanitised, and
 * skipped with a log line when the kernel refuses it), maps (inner-map templates, pinned maps
 * reused, global data filled and read-only sections frozen), programs (map/data/extern
 * relocations, CO-RE against the kernel's BTF, func/line info, attach BTF ids), then map slot
 * initialisers that name programs or maps. A failure anywhere closes everything created so far.
 */
public final class KernelLoader {
    private static final System.Logger LOG = System.getLogger(KernelLoader.class.getName());

    static final int BPF_PSEUDO_MAP_FD = 1;
    static final int BPF_PSEUDO_MAP_VALUE = 2;
    static final int BPF_PSEUDO_BTF_ID = 3;
    static final int BPF_PSEUDO_KFUNC_CALL = 2;
    /** libbpf's marker for calls to unresolved weak kfuncs (0xbad2310 + 1), rejected only if reached. */
    static final int POISON_KFUNC = CoreRelocator.POISON_HELPER + 1;
    private static final int BPF_F_SLEEPABLE = 1 << 4;
    private static final int BPF_F_XDP_HAS_FRAGS = 1 << 5;
    private static final int FUNC_INFO_SIZE = 8;
    private static final int LINE_INFO_SIZE = 16;

    private final BpfObjectSpec spec;
    private final LoadOptions options;
    private final List<AutoCloseable> created = new ArrayList<>();
    private final Map<String, KernelMap> maps = new LinkedHashMap<>();
    private final Map<String, KernelProgram> programs = new LinkedHashMap<>();
    private final Map<String, Integer> dataMapBySection = new HashMap<>();
    private final java.util.Set<String> reusedPins = new java.util.HashSet<>();
    private final List<Path> newPins = new ArrayList<>();
    private Fd btfFd;
    private CoreRelocator core;

    private KernelLoader(BpfObjectSpec spec, LoadOptions options) {
        this.spec = spec;
        this.options = options;
    }

    public static KernelObject load(BpfObjectSpec spec) {
        return load(spec, LoadOptions.defaults());
    }

    public static KernelObject load(BpfObjectSpec spec, LoadOptions options) {
        return new KernelLoader(spec, options).run();
    }

    private KernelObject run() {
        for (String name : options.constants().keySet()) {
            boolean known = spec.globals().stream().flatMap(g -> g.variables().stream()).anyMatch(v -> v.name().equals(name));
            if (!known) {
                throw new IllegalArgumentException("object " + spec.objectName() + " has no global variable `" + name + "`");
            }
        }
        try {
            loadBtf();
            createMaps();
            for (ProgramSpec program : spec.programs()) {
                loadProgram(program);
            }
            fillSlots();
            return new KernelObject(spec, programs, maps, btfFd);
        } catch (RuntimeException e) {
            try {
                Closer.closeAll(created);
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            for (Path pin : newPins) { // as libbpf: pins made by a failed load go too
                try {
                    Files.deleteIfExists(pin);
                } catch (java.io.IOException | RuntimeException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
    }

    private <T extends AutoCloseable> T track(T resource) {
        created.add(resource);
        return resource;
    }

    // ---- BTF ------------------------------------------------------------------------------------

    private void loadBtf() {
        if (spec.btf() == null) {
            return;
        }
        KernelFeatures features = KernelFeatures.system();
        byte[] sanitized = BtfSanitizer.sanitize(spec, features::btfKind);
        try {
            btfFd = track(Bpf.btfLoad(sanitized));
        } catch (KernelException e) {
            // libbpf goes on without BTF: maps lose their key/value types, programs their func/line info.
            LOG.log(System.Logger.Level.WARNING, "kernel refused the BTF of " + spec.source()
                    + "; loading without BTF: " + e.getMessage());
        }
    }

    // ---- maps -----------------------------------------------------------------------------------

    private void createMaps() {
        for (GlobalDataSpec data : spec.globals()) {
            KernelMap map = createMap(data.asMapSpec());
            byte[] value = data.initial();
            if (data.kind() == GlobalDataSpec.Kind.KCONFIG) {
                Kconfig.fill(value, spec.externs(), spec.btf(), options.kconfig());
            } else {
                for (GlobalDataSpec.Variable v : data.variables()) {
                    byte[] given = options.constants().get(v.name());
                    if (given != null) {
                        System.arraycopy(given, 0, value, v.offset(), Math.min(given.length, v.size()));
                    }
                }
            }
            if (!reusedPins.contains(data.mapName())) {
                map.update(new byte[4], padded(value, map.valueSize()));
                if (data.readOnly()) {
                    map.freeze();
                }
            }
            dataMapBySection.put(data.section(), map.fd().raw());
        }
        for (MapSpec m : spec.maps()) {
            createMap(m);
        }
    }

    private static byte[] padded(byte[] value, int size) {
        return value.length == size ? value : java.util.Arrays.copyOf(value, size);
    }

    private KernelMap createMap(MapSpec m) {
        Path pin = m.pinning() == Pinning.BY_NAME ? options.pinRoot().resolve(m.name()) : null;
        if (pin != null && Files.exists(pin)) {
            KernelMap existing = track(KernelMap.openPinned(pin));
            checkCompatible(m, existing, pin);
            maps.put(m.name(), existing);
            reusedPins.add(m.name());
            return existing;
        }
        KernelMap map;
        if (m.innerMap() != null) {
            try (KernelMap template = createRaw(m.innerMap(), 0)) {
                map = track(createRaw(m, template.fd().raw()));
            }
        } else {
            map = track(createRaw(m, 0));
        }
        maps.put(m.name(), map);
        if (pin != null) {
            map.pin(pin);
            newPins.add(pin);
        }
        return map;
    }

    private KernelMap createRaw(MapSpec m, int innerFd) {
        int maxEntries = m.maxEntries();
        if (m.type() == MapType.PERF_EVENT_ARRAY && maxEntries == 0) {
            maxEntries = PossibleCpus.count();
        }
        MapCreateRequest request = MapCreateRequest
                .of(m.type().kernelValue(), m.keySize(), m.valueSize(), maxEntries)
                .withFlags(m.flags())
                .withName(kernelName(m.name()))
                .withMapExtra(m.mapExtra());
        if (innerFd != 0) {
            request = request.withInnerMapFd(innerFd);
        }
        boolean withBtf = btfFd != null && m.btfValueTypeId() != 0 && !m.type().isMapOfMaps()
                && m.type() != MapType.RINGBUF && m.type() != MapType.PERF_EVENT_ARRAY;
        if (withBtf) {
            try {
                return KernelMap.adopt(Bpf.mapCreate(request.withBtf(btfFd.raw(), m.btfKeyTypeId(), m.btfValueTypeId())));
            } catch (KernelException e) {
                // As libbpf: retry without BTF (some map types or kernels refuse value types).
                LOG.log(System.Logger.Level.DEBUG, "map " + m.name() + " refused its BTF, retrying without: "
                        + e.getMessage());
            }
        }
        try {
            return KernelMap.adopt(Bpf.mapCreate(request));
        } catch (KernelException e) {
            throw new KernelException("kernel refused map `" + m.name() + "` (" + m.type().displayName() + ", key "
                    + m.keySize() + ", value " + m.valueSize() + ", max_entries " + maxEntries + "): "
                    + e.getMessage() + Privileges.hint(e), e.operation(), e.errnoNumber(), e.kernelLog(), e);
        }
    }

    private static void checkCompatible(MapSpec m, KernelMap pinned, Path pin) {
        int expectedEntries = m.type() == MapType.PERF_EVENT_ARRAY && m.maxEntries() == 0
                ? PossibleCpus.count() : m.maxEntries();
        if (pinned.type() != m.type() || pinned.keySize() != m.keySize() || pinned.valueSize() != m.valueSize()
                || pinned.maxEntries() != expectedEntries || pinned.flags() != m.flags()) {
            throw new KernelException("map `" + m.name() + "` is pinned at " + pin + " with another definition ("
                    + pinned.type().displayName() + ", key " + pinned.keySize() + ", value " + pinned.valueSize()
                    + ", max_entries " + pinned.maxEntries() + ", flags 0x" + Integer.toHexString(pinned.flags())
                    + "): remove the pin or change the map");
        }
    }

    /** The kernel keeps 15 characters of a name, and only [A-Za-z0-9_.]. */
    static String kernelName(String name) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < name.length() && sb.length() < 15; i++) {
            char c = name.charAt(i);
            sb.append(Character.isLetterOrDigit(c) && c < 128 || c == '_' || c == '.' ? c : '_');
        }
        return sb.toString();
    }

    private void fillSlots() {
        for (MapSpec m : spec.maps()) {
            if (m.initialSlots().isEmpty() || reusedPins.contains(m.name())) {
                continue;
            }
            KernelMap map = maps.get(m.name());
            for (MapSpec.SlotInitializer slot : m.initialSlots()) {
                int fd;
                if (m.type() == MapType.PROG_ARRAY) {
                    KernelProgram p = programs.get(slot.target());
                    if (p == null) {
                        throw new KernelException("prog array `" + m.name() + "` slot " + slot.index()
                                + " names program `" + slot.target() + "`, which the object does not have");
                    }
                    fd = p.fd().raw();
                } else {
                    KernelMap inner = maps.get(slot.target());
                    if (inner == null) {
                        throw new KernelException("map `" + m.name() + "` slot " + slot.index()
                                + " names map `" + slot.target() + "`, which the object does not have");
                    }
                    fd = inner.fd().raw();
                }
                map.update(u32(slot.index()), u32(fd));
            }
        }
    }

    private static byte[] u32(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array();
    }

    // ---- programs -------------------------------------------------------------------------------

    private void loadProgram(ProgramSpec p) {
        byte[] code = p.code();
        relocate(p, code);
        if (!p.coreRelocations().isEmpty()) {
            if (core == null) {
                core = new CoreRelocator(spec.btf(), VmlinuxBtf.get());
            }
            core.apply(code, p.coreRelocations());
        }
        ProgramSection def = p.definition();
        ProgLoadRequest request = ProgLoadRequest.of(def.type().kernelValue(), code, spec.license())
                .withName(kernelName(p.name()))
                .withExpectedAttachType(def.expectedAttach().kernelValue())
                .withLogLevel(options.logLevel())
                .withKernelVersion(spec.kernelVersion() != 0 ? spec.kernelVersion() : Kconfig.kernelVersion());
        int flags = (def.sleepable() ? BPF_F_SLEEPABLE : 0) | (def.fragments() ? BPF_F_XDP_HAS_FRAGS : 0);
        if (flags != 0) {
            request = request.withFlags(flags);
        }
        int attachBtfId = attachBtfId(p);
        if (attachBtfId != 0) {
            request = request.withAttachTarget(attachBtfId, 0);
        }
        if (btfFd != null && !p.funcInfos().isEmpty()) {
            request = request.withBtf(btfFd.raw(), funcInfo(p.funcInfos()), FUNC_INFO_SIZE,
                    lineInfo(p.lineInfos()), LINE_INFO_SIZE);
        }
        Fd fd;
        try {
            fd = track(Bpf.progLoad(request));
        } catch (KernelException e) {
            throw refused(p, e);
        }
        KernelProgram program = new KernelProgram(p.name(), fd, p);
        programs.put(p.name(), program);
    }

    private KernelException refused(ProgramSpec p, KernelException e) {
        StringBuilder msg = new StringBuilder("kernel refused program `").append(p.name()).append("` (section ")
                .append(p.section()).append("): ");
        AttachKind kind = p.definition().kind();
        boolean tracing = kind == AttachKind.FENTRY || kind == AttachKind.FEXIT || kind == AttachKind.FMOD_RET
                || kind == AttachKind.LSM;
        if (e.is(Errno.EPERM) && tracing) {
            msg.append("EPERM: this kernel does not allow ").append(kind.displayName())
                    .append(" programs (BPF trampolines/LSM are unavailable or locked down here), even as root");
        } else {
            Errno errno = e.kernelErrno();
            msg.append(errno == Errno.UNKNOWN ? "errno " + e.errnoNumber() : errno.name()).append(Privileges.hint(e));
        }
        String tail = tail(e.kernelLog());
        if (!tail.isEmpty()) {
            msg.append("\nverifier log (last lines):\n").append(tail);
        }
        return new KernelException(msg.toString(), e.operation(), e.errnoNumber(), e.kernelLog(), e);
    }

    private static String tail(String log) {
        String[] lines = log.strip().split("\n");
        if (lines.length == 1 && lines[0].isEmpty()) {
            return "";
        }
        int from = Math.max(0, lines.length - 20);
        return String.join("\n", java.util.Arrays.copyOfRange(lines, from, lines.length));
    }

    private static byte[] funcInfo(List<FuncInfo> infos) {
        ByteBuffer out = ByteBuffer.allocate(infos.size() * FUNC_INFO_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        for (FuncInfo f : infos) {
            out.putInt(f.insnIndex()).putInt(f.typeId());
        }
        return out.array();
    }

    private byte[] lineInfo(List<LineInfo> infos) {
        if (infos.isEmpty()) {
            return null;
        }
        BtfWriter strings = BtfWriter.reusingStrings(spec.btf());
        ByteBuffer out = ByteBuffer.allocate(infos.size() * LINE_INFO_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        for (LineInfo l : infos) {
            out.putInt(l.insnIndex())
                    .putInt((int) strings.stringOffset(l.fileName()))
                    .putInt((int) strings.stringOffset(l.line()))
                    .putInt(l.lineNumber() << 10 | (l.column() & 0x3ff));
        }
        return out.array();
    }

    /** attach_btf_id: the kernel type a tp_btf/fentry/fexit/fmod_ret/lsm/iter program attaches to. */
    private int attachBtfId(ProgramSpec p) {
        ProgramSection def = p.definition();
        if (def.type() != ProgramType.TRACING && def.type() != ProgramType.LSM) {
            return 0;
        }
        String target = def.target();
        Btf vmlinux = VmlinuxBtf.get();
        String name;
        BtfKind kind;
        switch (def.kind()) {
            case TP_BTF -> {
                name = "btf_trace_" + target;
                kind = BtfKind.TYPEDEF;
            }
            case LSM -> {
                name = "bpf_lsm_" + target;
                kind = BtfKind.FUNC;
            }
            case ITER -> {
                name = "bpf_iter_" + target;
                kind = BtfKind.FUNC;
            }
            default -> {
                name = target;
                kind = BtfKind.FUNC;
            }
        }
        OptionalInt id = vmlinux.findByNameAndKind(name, kind);
        if (id.isEmpty()) {
            throw new KernelException("program `" + p.name() + "` (section " + p.section() + ") attaches to `"
                    + target + "`, which this kernel does not have (no " + kind.name().toLowerCase(java.util.Locale.ROOT)
                    + " " + name + " in its BTF)");
        }
        return id.getAsInt();
    }

    // ---- relocations ----------------------------------------------------------------------------

    private void relocate(ProgramSpec p, byte[] code) {
        for (Relocation r : p.relocations()) {
            int at = r.insnIndex() * 8;
            switch (r) {
                case Relocation.MapReference m -> {
                    KernelMap map = maps.get(m.mapName());
                    if (map == null) {
                        throw new KernelException("program `" + p.name() + "` refers to map `" + m.mapName()
                                + "`, which was not created");
                    }
                    ldImm64(code, at, BPF_PSEUDO_MAP_FD, map.fd().raw(), 0);
                }
                case Relocation.DataReference d -> {
                    Integer fd = dataMapBySection.get(d.section());
                    if (fd == null) {
                        throw new KernelException("program `" + p.name() + "` refers to section " + d.section()
                                + ", which has no data map");
                    }
                    ldImm64(code, at, BPF_PSEUDO_MAP_VALUE, fd, (int) d.offset());
                }
                case Relocation.ExternReference e -> relocateExtern(p, code, at, e);
                case Relocation.SubprogramCall c -> { }
                case Relocation.FunctionAddress f -> { }
            }
        }
    }

    private void relocateExtern(ProgramSpec p, byte[] code, int at, Relocation.ExternReference ref) {
        ExternSpec ext = spec.externs().stream().filter(x -> x.name().equals(ref.externName())).findFirst()
                .orElseThrow(() -> new KernelException("program `" + p.name() + "` uses unknown extern " + ref.externName()));
        if (ext.kind() == ExternSpec.Kind.KCONFIG) {
            Integer fd = dataMapBySection.get(".kconfig");
            if (fd == null) {
                throw new KernelException("kconfig extern " + ext.name() + " has no .kconfig map");
            }
            ldImm64(code, at, BPF_PSEUDO_MAP_VALUE, fd, ext.offset());
            return;
        }
        Btf vmlinux = VmlinuxBtf.get();
        if (ext.function()) {
            OptionalInt id = vmlinux.findByNameAndKind(ext.name(), BtfKind.FUNC);
            if (id.isPresent()) {
                code[at + 1] = (byte) (BPF_PSEUDO_KFUNC_CALL << 4);
                code[at + 2] = 0;
                code[at + 3] = 0;
                putInt(code, at + 4, id.getAsInt());
            } else if (ext.weak()) {
                code[at + 1] = 0;
                putInt(code, at + 4, POISON_KFUNC);
            } else {
                throw new KernelException("kfunc " + ext.name() + " used by program `" + p.name()
                        + "` does not exist in this kernel; declare it __weak and check bpf_ksym_exists()");
            }
            return;
        }
        boolean typed = ext.btfTypeId() != 0 && spec.btf() != null
                && spec.btf().resolve(spec.btf().type(ext.btfTypeId(), BtfType.Var.class).typeId()) != 0;
        if (typed) {
            OptionalInt id = vmlinux.findByNameAndKind(ext.name(), BtfKind.VAR);
            if (id.isPresent()) {
                ldImm64(code, at, BPF_PSEUDO_BTF_ID, id.getAsInt(), 0);
                return;
            }
        } else {
            OptionalLong address = KernelSymbols.address(ext.name());
            if (address.isPresent()) {
                ldImm64(code, at, 0, (int) address.getAsLong(), (int) (address.getAsLong() >>> 32));
                return;
            }
        }
        if (!ext.weak()) {
            throw new KernelException("kernel symbol " + ext.name() + " used by program `" + p.name()
                    + "` was not found in this kernel's " + (typed ? "BTF" : "/proc/kallsyms")
                    + "; declare it __weak to accept 0");
        }
        ldImm64(code, at, 0, 0, 0);
    }

    private static void ldImm64(byte[] code, int at, int src, int imm, int imm2) {
        if ((code[at] & 0xff) != 0x18 || at + 16 > code.length) {
            throw new KernelException("relocation at instruction " + at / 8 + " is not a 64-bit immediate load");
        }
        code[at + 1] = (byte) ((code[at + 1] & 0x0f) | src << 4);
        putInt(code, at + 4, imm);
        putInt(code, at + 12, imm2);
    }

    private static void putInt(byte[] code, int at, int v) {
        code[at] = (byte) v;
        code[at + 1] = (byte) (v >> 8);
        code[at + 2] = (byte) (v >> 16);
        code[at + 3] = (byte) (v >> 24);
    }
}
