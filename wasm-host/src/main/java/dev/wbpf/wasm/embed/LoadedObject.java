package dev.wbpf.wasm.embed;

import dev.wbpf.core.backend.Backends;
import dev.wbpf.core.backend.BpfBackend;
import dev.wbpf.core.backend.BpfException;
import dev.wbpf.core.backend.BpfLink;
import dev.wbpf.core.backend.BpfMap;
import dev.wbpf.core.backend.BpfObject;
import dev.wbpf.core.backend.BpfProgram;
import dev.wbpf.core.backend.LoadOptions;
import dev.wbpf.core.btf.Btf;
import dev.wbpf.core.object.BpfObjectReader;
import dev.wbpf.core.object.BpfObjectSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

/**
 * A BPF object loaded for a JVM application, without Wasm: its programs to attach, its maps with
 * typed keys and values, its ring and perf buffers as record streams. Closing it closes the
 * record streams it opened, detaches every link and frees every map and program; anything used
 * after that fails with an {@link IllegalStateException} saying so.
 *
 * <pre>{@code
 * try (LoadedObject bpf = LoadedObject.load(Path.of("x.bpf.o"), Backends.named("kernel").orElseThrow())) {
 *     bpf.attach("handle_exec");
 *     TypedMap<Integer, Config> config = bpf.map("config", Codec.U32, Codec.record(Config.class));
 *     RecordStream<Event> events = bpf.records("events", Codec.record(Event.class));
 *     events.onRecord(System.out::println).start();
 * }
 * }</pre>
 *
 * Unknown program or map names raise a {@link BpfException} (ENOENT) listing the names there are.
 */
public final class LoadedObject implements AutoCloseable {
    private final String name;
    private final String backend;
    private final BpfObject object;
    private final Btf btf;
    private final List<RecordStream<?>> streams = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    private LoadedObject(String name, String backend, BpfObject object) {
        this.name = name;
        this.backend = backend;
        this.object = object;
        this.btf = object.spec().btfIfPresent().orElse(null);
    }

    /** Loads {@code file} into the preferred backend that works here (the kernel as root, else the VM). */
    public static LoadedObject load(Path file) throws IOException {
        return load(file, Backends.automatic().backend());
    }

    public static LoadedObject load(Path file, BpfBackend backend) throws IOException {
        return load(file, backend, LoadOptions.defaults());
    }

    /**
     * @throws IOException if the file cannot be read
     * @throws BpfException if the backend refuses the object (for a program, with the verifier's words)
     */
    public static LoadedObject load(Path file, BpfBackend backend, LoadOptions options) throws IOException {
        return load(BpfObjectReader.read(file), backend, options);
    }

    /** Loads an object read from bytes, e.g. a class-path resource. */
    public static LoadedObject load(String name, byte[] object, BpfBackend backend, LoadOptions options) {
        return load(BpfObjectReader.read(name, object), backend, options);
    }

    private static LoadedObject load(BpfObjectSpec spec, BpfBackend backend, LoadOptions options) {
        String source = Path.of(spec.source()).getFileName().toString();
        return new LoadedObject(source, backend.name(), backend.load(spec, options));
    }

    /** The object's file name. */
    public String name() {
        return name;
    }

    /** {@code kernel} or {@code vm}. */
    public String backend() {
        return backend;
    }

    /** The backend's object, for what this class does not offer (e.g. test runs). */
    public BpfObject object() {
        ensureOpen();
        return object;
    }

    public BpfProgram program(String program) {
        ensureOpen();
        return object.program(program).orElseThrow(() -> new BpfException(name + " has no program `" + program
                + "`; its programs: " + object.programs().stream().map(BpfProgram::name).collect(Collectors.joining(", ")),
                BpfException.ENOENT));
    }

    /** Attaches {@code program} where its section says (libbpf's auto-attach); the object's close detaches it. */
    public BpfLink attach(String program) {
        return program(program).attach();
    }

    /** Attaches {@code program} to {@code target} (see {@link BpfProgram#attach(String)}). */
    public BpfLink attach(String program, String target) {
        return program(program).attach(target);
    }

    public BpfMap map(String map) {
        ensureOpen();
        return object.map(map).orElseThrow(() -> new BpfException(name + " has no map `" + map + "`; its maps: "
                + object.maps().stream().map(BpfMap::name).collect(Collectors.joining(", ")), BpfException.ENOENT));
    }

    /**
     * The map with typed keys and values, the codecs checked against its sizes and BTF types.
     *
     * @throws IllegalArgumentException naming what does not match, or if the map is per-CPU
     */
    public <K, V> TypedMap<K, V> map(String map, Codec<K> keys, Codec<V> values) {
        BpfMap m = map(map);
        int[] types = btfTypes(m);
        return TypedMap.of(m, btf, types[0], types[1], keys, values, this::ensureOpen);
    }

    /** A per-CPU map: each key's value is a list with one {@code V} per possible CPU. */
    public <K, V> TypedMap<K, List<V>> perCpuMap(String map, Codec<K> keys, Codec<V> values) {
        BpfMap m = map(map);
        int[] types = btfTypes(m);
        return TypedMap.perCpu(m, btf, types[0], types[1], keys, values, this::ensureOpen);
    }

    /**
     * The records of ring buffer or perf event array {@code map}, decoded by {@code codec} (a record
     * codec is laid out by the BTF struct it names); call {@link RecordStream#start()} after
     * registering callbacks, subscribers and iterators. Closed with this object.
     */
    public <T> RecordStream<T> records(String map, Codec<T> codec) {
        BpfMap m = map(map);
        return track(RecordStream.open(m, codec.bind(btf, 0, -1, "a record of `" + map + "`")));
    }

    /** The records of {@code map} as raw bytes. */
    public RecordStream<byte[]> records(String map) {
        return track(RecordStream.open(map(map)));
    }

    private <T> RecordStream<T> track(RecordStream<T> stream) {
        streams.add(stream);
        return stream;
    }

    /** BTF ids of the map's key and value types (0 where the object has none, e.g. global data). */
    private int[] btfTypes(BpfMap map) {
        return object.spec().map(map.name()).map(s -> new int[] {s.btfKeyTypeId(), s.btfValueTypeId()}).orElse(new int[2]);
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException(name + " is closed: its programs, maps and record streams can no longer be used");
        }
    }

    /** Closes the record streams, detaches the links, frees maps and programs; again does nothing. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (RecordStream<?> stream : streams) {
            stream.close();
        }
        object.close();
    }
}
