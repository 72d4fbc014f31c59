package dev.wbpf.wasm;

import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.wasm.ChicoryException;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.ValType;
import dev.wbpf.core.BpfFormatException;
import dev.wbpf.core.StartupTrace;
import dev.wbpf.core.backend.BpfBackend;
import dev.wbpf.core.backend.BpfException;
import dev.wbpf.core.backend.BpfLink;
import dev.wbpf.core.backend.BpfMap;
import dev.wbpf.core.backend.BpfObject;
import dev.wbpf.core.backend.BpfProgram;
import dev.wbpf.core.backend.EventReader;
import dev.wbpf.core.backend.LoadOptions;
import dev.wbpf.core.object.BpfObjectReader;
import dev.wbpf.core.object.BpfObjectSpec;
import dev.wbpf.core.object.MapType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The {@code wasm_bpf} import module: the six host functions of the wasm-bpf ABI
 * ({@code docs/wasm-bpf-abi.md}), over the backend SPI only. One host per guest instance; it owns
 * the objects the guest loaded and closes them in {@link #close()}.
 *
 * <p>Results follow the contract: 0 or a negative Linux errno; a bad guest pointer traps the
 * guest ({@link GuestTrap}). Object handles and map descriptors are numbered across the whole
 * JVM, so one guest's numbers are never valid in another guest.
 */
public final class WasmBpfHost implements AutoCloseable {

    public static final String MODULE = "wasm_bpf";
    /** Modules built before early 2023 import the same functions from {@code env}. */
    public static final String LEGACY_MODULE = "env";
    /** TinyGo guests import the polling function from here and export {@code go-callback}. */
    public static final String TINYGO_MODULE = "callback-wrapper";
    public static final String TINYGO_CALLBACK = "go-callback";

    public static final int BPF_MAP_LOOKUP_ELEM = 1;
    public static final int BPF_MAP_UPDATE_ELEM = 2;
    public static final int BPF_MAP_DELETE_ELEM = 3;
    public static final int BPF_MAP_GET_NEXT_KEY = 4;
    public static final int BPF_MAP_LOOKUP_AND_DELETE_ELEM = 21;

    private static final AtomicLong NEXT_HANDLE = new AtomicLong(1);
    private static final AtomicInteger NEXT_FD = new AtomicInteger(3);

    private static final ValType I32 = ValType.I32;
    private static final ValType I64 = ValType.I64;
    private static final FunctionType CALLBACK_TYPE = FunctionType.of(List.of(I32, I32, I32), List.of(I32));

    /** The functions a guest may import, with their Wasm types (module {@code wasm_bpf} and {@code env}). */
    public static final Map<String, FunctionType> FUNCTIONS = functions();

    private final Supplier<BpfBackend> backendSupplier;
    private final LoadOptions loadOptions;
    private final Consumer<String> log;
    private final ObjectsReadAhead objectsReadAhead;
    private BpfBackend backend;

    private final Map<Long, LoadedObject> objects = new ConcurrentHashMap<>();
    private final Map<Integer, MapRef> fds = new ConcurrentHashMap<>();

    /**
     * @param backend  asked for the backend the first time a guest loads an object (so that
     *                 guests that never load one never probe the kernel)
     * @param log      the runtime's log (stderr for {@code wbpf run}): load failures, verifier logs
     */
    public WasmBpfHost(Supplier<BpfBackend> backend, Consumer<String> log) {
        this(backend, log, ObjectsReadAhead.none());
    }

    WasmBpfHost(Supplier<BpfBackend> backend, Consumer<String> log, ObjectsReadAhead objectsReadAhead) {
        this.backendSupplier = backend;
        this.log = log;
        this.loadOptions = LoadOptions.defaults().withLog(log);
        this.objectsReadAhead = objectsReadAhead;
    }

    private static Map<String, FunctionType> functions() {
        Map<String, FunctionType> m = new LinkedHashMap<>();
        m.put("wasm_load_bpf_object", FunctionType.of(List.of(I32, I32), List.of(I64)));
        m.put("wasm_attach_bpf_program", FunctionType.of(List.of(I64, I32, I32), List.of(I32)));
        m.put("wasm_bpf_map_fd_by_name", FunctionType.of(List.of(I64, I32), List.of(I32)));
        m.put("wasm_bpf_map_operate", FunctionType.of(List.of(I32, I32, I32, I32, I32, I64), List.of(I32)));
        m.put("wasm_bpf_buffer_poll", FunctionType.of(List.of(I64, I32, I32, I32, I32, I32, I32), List.of(I32)));
        m.put("wasm_close_bpf_object", FunctionType.of(List.of(I64), List.of(I32)));
        return Map.copyOf(m);
    }

    /** The TinyGo variant of {@code wasm_bpf_buffer_poll}: no function pointer. */
    public static final FunctionType TINYGO_POLL_TYPE = FunctionType.of(List.of(I64, I32, I32, I32, I32, I32), List.of(I32));

    /** Every (module, name) this host provides. */
    public static Set<String> providedImports() {
        Set<String> names = new java.util.HashSet<>();
        for (String f : FUNCTIONS.keySet()) {
            names.add(MODULE + "." + f);
            names.add(LEGACY_MODULE + "." + f);
        }
        names.add(TINYGO_MODULE + ".wasm_bpf_buffer_poll");
        return names;
    }

    /** The host functions for all three import modules. */
    public List<HostFunction> hostFunctions() {
        List<HostFunction> out = new ArrayList<>();
        for (String module : List.of(MODULE, LEGACY_MODULE)) {
            out.add(fn(module, "wasm_load_bpf_object", (inst, a) ->
                    new long[] {loadObject(mem(inst, "wasm_load_bpf_object"), (int) a[0], (int) a[1])}));
            out.add(fn(module, "wasm_attach_bpf_program", (inst, a) ->
                    new long[] {attach(mem(inst, "wasm_attach_bpf_program"), a[0], (int) a[1], (int) a[2])}));
            out.add(fn(module, "wasm_bpf_map_fd_by_name", (inst, a) ->
                    new long[] {mapFdByName(mem(inst, "wasm_bpf_map_fd_by_name"), a[0], (int) a[1])}));
            out.add(fn(module, "wasm_bpf_map_operate", (inst, a) ->
                    new long[] {mapOperate(mem(inst, "wasm_bpf_map_operate"), (int) a[0], (int) a[1], (int) a[2],
                            (int) a[3], (int) a[4], a[5])}));
            out.add(fn(module, "wasm_bpf_buffer_poll", (inst, a) ->
                    new long[] {bufferPoll(mem(inst, "wasm_bpf_buffer_poll"), a[0], (int) a[1],
                            tableCallback(inst, (int) a[2]), (int) a[3], (int) a[4], (int) a[5], (int) a[6])}));
            out.add(fn(module, "wasm_close_bpf_object", (inst, a) -> new long[] {closeObject(a[0])}));
        }
        out.add(new HostFunction(TINYGO_MODULE, "wasm_bpf_buffer_poll", TINYGO_POLL_TYPE, (inst, a) ->
                new long[] {bufferPoll(mem(inst, "wasm_bpf_buffer_poll"), a[0], (int) a[1],
                        exportCallback(inst), (int) a[2], (int) a[3], (int) a[4], (int) a[5])}));
        return out;
    }

    private static HostFunction fn(String module, String name, com.dylibso.chicory.runtime.WasmFunctionHandle handle) {
        return new HostFunction(module, name, FUNCTIONS.get(name), handle);
    }

    private static GuestMemory mem(Instance instance, String function) {
        return new GuestMemory(instance.memory(), function);
    }

    // ---- the guest callback used by buffer polling ----

    /** Calls the guest with (ctx, buf, len), returns its i32 result. */
    @FunctionalInterface
    interface Callback {
        int call(int ctx, int buf, int len);
    }

    private static Callback tableCallback(Instance instance, int tableIndex) {
        String where = "wasm_bpf_buffer_poll";
        if (instance.tableCount() == 0) {
            throw new GuestTrap(where + ": the module has no function table for callback " + tableIndex
                    + " (link it with -Wl,--export-table)");
        }
        var table = instance.table(0);
        if (tableIndex < 0 || tableIndex >= table.size()) {
            throw new GuestTrap(where + ": callback " + tableIndex + " is not in the function table (size "
                    + table.size() + ")");
        }
        int funcId;
        try {
            funcId = table.requiredRef(tableIndex);
        } catch (ChicoryException e) {
            throw new GuestTrap(where + ": callback " + tableIndex + " is a null table entry");
        }
        FunctionType type = instance.type(instance.functionType(funcId));
        if (!type.equals(CALLBACK_TYPE)) {
            throw new GuestTrap(where + ": callback " + tableIndex + " has type " + type
                    + ", expected (i32 ctx, i32 data, i32 size) -> i32");
        }
        return (ctx, buf, len) -> (int) instance.getMachine().call(funcId, new long[] {ctx, buf, len})[0];
    }

    private static Callback exportCallback(Instance instance) {
        var export = instance.export(TINYGO_CALLBACK);
        return (ctx, buf, len) -> (int) export.apply(ctx, buf, len)[0];
    }

    // ---- the six functions, callable from Java for tests ----

    long loadObject(GuestMemory memory, int buf, int len) {
        byte[] elf = memory.read(buf, len, "BPF object buffer");
        BpfObjectSpec spec;
        try {
            var readAhead = objectsReadAhead.specFor(elf);
            spec = readAhead.isPresent() ? readAhead.get() : readObject(elf);
            StartupTrace.mark(readAhead.isPresent() ? "BPF object read (ahead)" : "BPF object read (ELF, BTF, relocations)");
        } catch (BpfFormatException e) {
            log.accept("cannot load BPF object: " + e.getMessage());
            return 0;
        }
        BpfObject object;
        try {
            BpfBackend chosen = backend();
            StartupTrace.mark("backend ready: " + chosen.name());
            object = chosen.load(spec, loadOptions);
            StartupTrace.mark("BPF object loaded");
        } catch (BpfException e) {
            log.accept("cannot load BPF object: " + e.getMessage());
            return 0;
        } catch (RuntimeException e) {
            log.accept("cannot load BPF object: " + describe(e));
            return 0;
        }
        long handle = NEXT_HANDLE.getAndIncrement();
        LoadedObject loaded = new LoadedObject(handle, object);
        objects.put(handle, loaded);
        // Perf buffers: open the per-CPU readers now, so that events sent before the guest's
        // first poll are not lost (ring buffers keep their records anyway).
        for (BpfMap map : object.maps()) {
            if (map.type() == MapType.PERF_EVENT_ARRAY) {
                try {
                    loaded.readers.put(fdOf(loaded, map), map.openEventReader());
                } catch (RuntimeException e) {
                    log.accept("cannot open perf buffer " + map.name() + ": " + describe(e));
                }
            }
        }
        return handle;
    }

    /** Reads an object a guest loads (or will: see {@link ObjectsReadAhead}). */
    static BpfObjectSpec readObject(byte[] elf) {
        return BpfObjectReader.read("guest object (" + elf.length + " bytes)", elf);
    }

    private synchronized BpfBackend backend() {
        if (backend == null) {
            backend = backendSupplier.get();
        }
        return backend;
    }

    int attach(GuestMemory memory, long handle, int namePtr, int targetPtr) {
        String name = memory.cString(namePtr, "program name");
        String target = memory.cString(targetPtr, "attach target");
        LoadedObject loaded = objects.get(handle);
        if (loaded == null) {
            return -BpfException.EBADF;
        }
        if (name == null) {
            return -BpfException.EINVAL;
        }
        Optional<BpfProgram> program = loaded.object.program(name);
        if (program.isEmpty()) {
            log.accept("attach: the object has no program named " + name);
            return -BpfException.ENOENT;
        }
        try {
            BpfLink link = program.get().attach(target == null ? "" : target);
            loaded.links.add(link);
            StartupTrace.mark("attached " + name);
            return 0;
        } catch (BpfException e) {
            log.accept("cannot attach " + name + ": " + e.getMessage());
            return -e.errno();
        } catch (RuntimeException e) {
            log.accept("cannot attach " + name + ": " + describe(e));
            return -BpfException.EINVAL;
        }
    }

    int mapFdByName(GuestMemory memory, long handle, int namePtr) {
        String name = memory.cString(namePtr, "map name");
        LoadedObject loaded = objects.get(handle);
        if (loaded == null) {
            return -BpfException.EBADF;
        }
        if (name == null) {
            return -BpfException.EINVAL;
        }
        Optional<BpfMap> map = loaded.object.map(name);
        return map.map(m -> fdOf(loaded, m)).orElse(-BpfException.ENOENT);
    }

    private int fdOf(LoadedObject loaded, BpfMap map) {
        return loaded.fds.computeIfAbsent(map.name(), n -> {
            int fd = NEXT_FD.getAndIncrement();
            fds.put(fd, new MapRef(loaded, map));
            return fd;
        });
    }

    int mapOperate(GuestMemory memory, int fd, int cmd, int keyPtr, int valuePtr, int nextKeyPtr, long flags) {
        MapRef ref = fds.get(fd);
        if (ref == null) {
            return -BpfException.EBADF;
        }
        BpfMap map = ref.map;
        int keySize = map.keySize();
        int valueSize = map.valueBufferSize();
        try {
            switch (cmd) {
                case BPF_MAP_LOOKUP_ELEM -> {
                    byte[] key = memory.read(keyPtr, keySize, "key");
                    memory.check(valuePtr, valueSize, "value buffer");
                    byte[] value = new byte[valueSize];
                    if (!map.lookup(key, value)) {
                        return -BpfException.ENOENT;
                    }
                    memory.write(valuePtr, value, valueSize, "value buffer");
                    return 0;
                }
                case BPF_MAP_UPDATE_ELEM -> {
                    byte[] key = memory.read(keyPtr, keySize, "key");
                    byte[] value = memory.read(valuePtr, valueSize, "value");
                    map.update(key, value, flags);
                    return 0;
                }
                case BPF_MAP_DELETE_ELEM -> {
                    byte[] key = memory.read(keyPtr, keySize, "key");
                    return map.delete(key) ? 0 : -BpfException.ENOENT;
                }
                case BPF_MAP_GET_NEXT_KEY -> {
                    byte[] key = keyPtr == 0 ? null : memory.read(keyPtr, keySize, "key");
                    memory.check(nextKeyPtr, keySize, "next key buffer");
                    byte[] next = new byte[keySize];
                    if (!map.nextKey(key, next)) {
                        return -BpfException.ENOENT;
                    }
                    memory.write(nextKeyPtr, next, keySize, "next key buffer");
                    return 0;
                }
                case BPF_MAP_LOOKUP_AND_DELETE_ELEM -> {
                    byte[] key = keySize == 0 ? new byte[0] : memory.read(keyPtr, keySize, "key");
                    memory.check(valuePtr, valueSize, "value buffer");
                    byte[] value = new byte[valueSize];
                    if (!map.lookupAndDelete(key, value)) {
                        return -BpfException.ENOENT;
                    }
                    memory.write(valuePtr, value, valueSize, "value buffer");
                    return 0;
                }
                default -> {
                    return -BpfException.EINVAL;
                }
            }
        } catch (BpfException e) {
            return -e.errno();
        } catch (GuestTrap e) {
            throw e;
        } catch (RuntimeException e) {
            log.accept("map " + map.name() + ": " + describe(e));
            return -BpfException.EINVAL;
        }
    }

    int bufferPoll(GuestMemory memory, long handle, int fd, Callback callback, int ctx, int buf, int max,
                   int timeoutMs) {
        LoadedObject loaded = objects.get(handle);
        if (loaded == null) {
            return -BpfException.EBADF;
        }
        MapRef ref = fds.get(fd);
        if (ref == null || ref.object != loaded) {
            return -BpfException.EBADF;
        }
        if (max < 0) {
            return -BpfException.EINVAL;
        }
        memory.check(buf, max, "record buffer");
        EventReader reader;
        try {
            reader = loaded.readers.computeIfAbsent(fd, f -> ref.map.openEventReader());
        } catch (BpfException e) {
            return -e.errno();
        }
        Duration timeout = timeoutMs <= 0 ? Duration.ZERO : Duration.ofMillis(timeoutMs);
        long lostBefore = reader.lostRecords();
        int result;
        try {
            result = reader.poll(timeout, (MemorySegment record) -> {
                int n = (int) Math.min(record.byteSize(), max);
                if (n > 0) {
                    byte[] copy = record.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE);
                    memory.write(buf, copy, n, "record buffer");
                }
                return callback.call(ctx, buf, n);
            });
        } catch (BpfException e) {
            return -e.errno();
        }
        long lost = reader.lostRecords() - lostBefore;
        if (lost > 0) {
            log.accept(ref.map.name() + ": " + lost + " records lost");
        }
        return result;
    }

    int closeObject(long handle) {
        LoadedObject loaded = objects.remove(handle);
        if (loaded == null) {
            return -BpfException.EBADF;
        }
        loaded.close(fds, log);
        return 0;
    }

    /** Closes every object the guest left open: links detached, maps and programs freed. */
    @Override
    public void close() {
        for (Long handle : List.copyOf(objects.keySet())) {
            closeObject(handle);
        }
    }

    /** Objects currently open (for tests and {@code -v}). */
    public int openObjects() {
        return objects.size();
    }

    private static String describe(RuntimeException e) {
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }

    private record MapRef(LoadedObject object, BpfMap map) {
    }

    private static final class LoadedObject {
        final long handle;
        final BpfObject object;
        final List<BpfLink> links = new ArrayList<>();
        final Map<String, Integer> fds = new ConcurrentHashMap<>();
        final Map<Integer, EventReader> readers = new ConcurrentHashMap<>();

        LoadedObject(long handle, BpfObject object) {
            this.handle = handle;
            this.object = object;
        }

        void close(Map<Integer, MapRef> fdTable, Consumer<String> log) {
            fds.values().forEach(fdTable::remove);
            for (EventReader r : readers.values()) {
                try {
                    r.close();
                } catch (RuntimeException e) {
                    log.accept("closing an event reader: " + describe(e));
                }
            }
            for (BpfLink link : links.reversed()) {
                try {
                    link.close();
                } catch (RuntimeException e) {
                    log.accept("detaching " + link.description() + ": " + describe(e));
                }
            }
            try {
                object.close();
            } catch (RuntimeException e) {
                log.accept("closing object " + handle + ": " + describe(e));
            }
        }
    }
}
