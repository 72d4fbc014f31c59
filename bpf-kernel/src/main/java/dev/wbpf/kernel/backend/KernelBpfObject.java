package dev.wbpf.kernel.backend;

import dev.wbpf.core.backend.BpfException;
import dev.wbpf.core.backend.BpfObject;
import dev.wbpf.core.object.BpfObjectSpec;
import dev.wbpf.core.object.MapType;
import dev.wbpf.core.object.ProgramSpec;
import dev.wbpf.core.object.Relocation;
import dev.wbpf.kernel.link.KernelLink;
import dev.wbpf.kernel.loader.KernelObject;
import dev.wbpf.kernel.map.KernelMap;
import dev.wbpf.kernel.perf.PerfBufferReader;
import dev.wbpf.kernel.ringbuf.RingBufferReader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A {@link KernelObject} behind the SPI. It owns the links made through its programs and the event
 * readers of its maps: {@link #close()} detaches every link, closes the readers, then the object.
 * Perf event arrays that a program references get their per-CPU readers when the object is
 * loaded, so that no event sent before the first poll is lost.
 */
final class KernelBpfObject implements BpfObject {
    /** Data pages per CPU of a perf buffer (256 KiB with 4 KiB pages). */
    static final int PERF_PAGES_PER_CPU = 64;

    private final KernelObject object;
    private final Consumer<String> log;
    private final List<KernelBpfProgram> programs;
    private final List<KernelBpfMap> maps;
    private final List<KernelLink> links = new ArrayList<>();
    private final Map<String, AutoCloseable> readers = new HashMap<>();
    /** Polls running now: their rings stay mapped until the last one returns, even if closed meanwhile. */
    private int polling;
    private boolean closed;
    private List<AutoCloseable> deferred = List.of();

    private KernelBpfObject(KernelObject object, Consumer<String> log) {
        this.object = object;
        this.log = log;
        this.programs = object.programs().stream().map(p -> new KernelBpfProgram(this, p)).toList();
        this.maps = object.maps().entrySet().stream().map(e -> new KernelBpfMap(this, e.getKey(), e.getValue())).toList();
    }

    /** Wraps a loaded object and opens the perf readers its programs need; closes it on failure. */
    static KernelBpfObject open(KernelObject object, Consumer<String> log) {
        KernelBpfObject wrapped = new KernelBpfObject(object, log);
        try {
            for (String name : perfMapsReferenced(object.spec(), object)) {
                wrapped.reader(name, object.map(name));
            }
            return wrapped;
        } catch (RuntimeException e) {
            try {
                wrapped.close();
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    private static Set<String> perfMapsReferenced(BpfObjectSpec spec, KernelObject object) {
        Set<String> names = new LinkedHashSet<>();
        for (ProgramSpec program : spec.programs()) {
            for (Relocation r : program.relocations()) {
                if (r instanceof Relocation.MapReference ref && object.maps().containsKey(ref.mapName())
                        && object.maps().get(ref.mapName()).type() == MapType.PERF_EVENT_ARRAY) {
                    names.add(ref.mapName());
                }
            }
        }
        return names;
    }

    /** The one reader of a map (ring or perf), created on first use; one per map so no two consume apart. */
    synchronized AutoCloseable reader(String name, KernelMap map) {
        ensureOpen();
        AutoCloseable reader = readers.get(name);
        if (reader == null) {
            reader = switch (map.type()) {
                case RINGBUF -> RingBufferReader.open(map);
                case PERF_EVENT_ARRAY -> PerfBufferReader.open(map, PERF_PAGES_PER_CPU);
                default -> throw new BpfException("map `" + name + "` is a " + map.type().displayName()
                        + " map; only ring buffers and perf event arrays deliver events", BpfException.EINVAL);
            };
            readers.put(name, reader);
        }
        return reader;
    }

    synchronized void track(KernelLink link) {
        if (closed) {
            link.close();
            ensureOpen();
        }
        links.add(link);
    }

    synchronized void untrack(KernelLink link) {
        links.remove(link);
    }

    void log(String line) {
        log.accept(line);
    }

    KernelObject kernelObject() {
        return object;
    }

    /**
     * Marks a poll as running; the readers and the object are not released (their rings not
     * unmapped) before {@link #endPoll()}, so a close from another thread or from inside a handler
     * cannot pull the memory from under a poll.
     */
    synchronized void beginPoll() {
        ensureOpen();
        polling++;
    }

    void endPoll() {
        List<AutoCloseable> release;
        synchronized (this) {
            polling--;
            if (polling > 0 || deferred.isEmpty()) {
                return;
            }
            release = deferred;
            deferred = List.of();
        }
        closeAll(release);
    }

    synchronized void ensureOpen() {
        if (closed) {
            throw new BpfException("object " + object.spec().objectName() + " is closed", BpfException.EBADF);
        }
    }

    @Override
    public BpfObjectSpec spec() {
        return object.spec();
    }

    @Override
    public List<KernelBpfProgram> programs() {
        return programs;
    }

    @Override
    public List<KernelBpfMap> maps() {
        return maps;
    }

    @Override
    public void close() {
        List<AutoCloseable> detach;
        List<AutoCloseable> release = new ArrayList<>();
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            detach = new ArrayList<>(links.reversed());
            links.clear();
            release.addAll(readers.values());
            release.add(object);
            readers.clear();
            if (polling > 0) {
                deferred = release; // the last poll releases them
                release = List.of();
            }
        }
        detach.addAll(release);
        closeAll(detach);
    }

    private static void closeAll(List<AutoCloseable> all) {
        RuntimeException first = null;
        for (AutoCloseable c : all) {
            try {
                c.close();
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            } catch (Exception e) {
                RuntimeException wrapped = new IllegalStateException(e);
                if (first == null) {
                    first = wrapped;
                } else {
                    first.addSuppressed(wrapped);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
