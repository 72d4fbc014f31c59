package dev.wbpf.wasm;

import dev.wbpf.core.backend.BpfBackend;
import dev.wbpf.core.backend.BpfException;
import dev.wbpf.core.backend.BpfLink;
import dev.wbpf.core.backend.BpfMap;
import dev.wbpf.core.backend.BpfObject;
import dev.wbpf.core.backend.BpfProgram;
import dev.wbpf.core.backend.EventReader;
import dev.wbpf.core.backend.LoadOptions;
import dev.wbpf.core.object.BpfObjectSpec;
import dev.wbpf.core.object.MapSpec;
import dev.wbpf.core.object.MapType;
import dev.wbpf.core.object.ProgramSpec;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An in-memory backend for testing the host functions without a kernel: maps behave like the
 * kernel's hash maps, ring buffers deliver what the test {@link FakeMap#send sends}, attaching
 * records the link. Objects and links it made are observable, so tests can check they were closed.
 */
class FakeBackend implements BpfBackend {
    final List<FakeObject> objects = new CopyOnWriteArrayList<>();

    @Override
    public String name() {
        return "fake";
    }

    @Override
    public Availability availability() {
        return Availability.yes("in memory");
    }

    @Override
    public BpfObject load(BpfObjectSpec spec, LoadOptions options) {
        FakeObject o = new FakeObject(spec);
        objects.add(o);
        return o;
    }

    static final class FakeObject implements BpfObject {
        final BpfObjectSpec spec;
        final List<FakeProgram> programs = new ArrayList<>();
        final List<FakeMap> maps = new ArrayList<>();
        final List<FakeLink> links = new CopyOnWriteArrayList<>();
        volatile boolean closed;

        FakeObject(BpfObjectSpec spec) {
            this.spec = spec;
            for (ProgramSpec p : spec.programs()) {
                programs.add(new FakeProgram(this, p));
            }
            for (MapSpec m : spec.maps()) {
                maps.add(new FakeMap(m));
            }
        }

        @Override
        public BpfObjectSpec spec() {
            return spec;
        }

        @Override
        public List<FakeProgram> programs() {
            return programs;
        }

        @Override
        public List<FakeMap> maps() {
            return maps;
        }

        @Override
        public void close() {
            links.forEach(FakeLink::close);
            closed = true;
        }
    }

    record FakeProgram(FakeObject object, ProgramSpec spec) implements BpfProgram {
        @Override
        public String name() {
            return spec.name();
        }

        @Override
        public BpfLink attach(String target) {
            if (target.startsWith("nowhere")) {
                throw new BpfException("no such attach point: " + target, BpfException.ENOENT);
            }
            FakeLink link = new FakeLink(spec.name() + " -> " + (target.isEmpty() ? spec.section() : target));
            object.links.add(link);
            return link;
        }
    }

    static final class FakeLink implements BpfLink {
        final String description;
        volatile boolean closed;

        FakeLink(String description) {
            this.description = description;
        }

        @Override
        public String description() {
            return description;
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    static final class FakeMap implements BpfMap {
        final MapSpec spec;
        final TreeMap<ByteBuffer, byte[]> entries = new TreeMap<>();
        final Deque<byte[]> records = new ArrayDeque<>();

        FakeMap(MapSpec spec) {
            this.spec = spec;
        }

        /** Queues a record for the ring buffer. */
        synchronized void send(byte[] record) {
            records.add(record);
        }

        @Override
        public String name() {
            return spec.name();
        }

        @Override
        public MapType type() {
            return spec.type();
        }

        @Override
        public int keySize() {
            return spec.keySize();
        }

        @Override
        public int valueSize() {
            return spec.valueSize();
        }

        @Override
        public int maxEntries() {
            return spec.maxEntries();
        }

        @Override
        public int valueBufferSize() {
            return spec.valueSize();
        }

        @Override
        public synchronized boolean lookup(byte[] key, byte[] value) {
            byte[] v = entries.get(ByteBuffer.wrap(key));
            if (v == null) {
                return false;
            }
            System.arraycopy(v, 0, value, 0, v.length);
            return true;
        }

        @Override
        public synchronized void update(byte[] key, byte[] value, long flags) {
            boolean exists = entries.containsKey(ByteBuffer.wrap(key));
            if (flags == 1 && exists) {
                throw new BpfException("exists", BpfException.EEXIST);
            }
            if (flags == 2 && !exists) {
                throw new BpfException("absent", BpfException.ENOENT);
            }
            entries.put(ByteBuffer.wrap(key.clone()), value.clone());
        }

        @Override
        public synchronized boolean delete(byte[] key) {
            return entries.remove(ByteBuffer.wrap(key)) != null;
        }

        @Override
        public synchronized boolean nextKey(byte[] key, byte[] nextKey) {
            Map.Entry<ByteBuffer, byte[]> e = key == null ? entries.firstEntry() : entries.higherEntry(ByteBuffer.wrap(key));
            if (e == null) {
                return false;
            }
            e.getKey().duplicate().get(nextKey);
            return true;
        }

        @Override
        public boolean lookupAndDelete(byte[] key, byte[] value) {
            throw new BpfException("not supported", BpfException.EOPNOTSUPP);
        }

        @Override
        public EventReader openEventReader() {
            if (spec.type() != MapType.RINGBUF && spec.type() != MapType.PERF_EVENT_ARRAY) {
                throw new BpfException(spec.name() + " is not a ring buffer", BpfException.EINVAL);
            }
            return new EventReader() {
                @Override
                public int poll(Duration timeout, RecordHandler handler) {
                    int n = 0;
                    while (true) {
                        byte[] r;
                        synchronized (FakeMap.this) {
                            r = records.poll();
                        }
                        if (r == null) {
                            return n;
                        }
                        int rc = handler.onRecord(MemorySegment.ofArray(r));
                        if (rc < 0) {
                            return rc;
                        }
                        n++;
                    }
                }

                @Override
                public long lostRecords() {
                    return 0;
                }

                @Override
                public void close() {
                }
            };
        }
    }
}
