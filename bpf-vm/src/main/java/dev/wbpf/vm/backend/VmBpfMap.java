package dev.wbpf.vm.backend;

import dev.wbpf.core.backend.BpfException;
import dev.wbpf.core.backend.BpfMap;
import dev.wbpf.core.backend.EventReader;
import dev.wbpf.core.object.MapType;
import dev.wbpf.vm.map.Errno;
import dev.wbpf.vm.map.MapException;
import dev.wbpf.vm.map.PerfEventArrayMap;
import dev.wbpf.vm.map.QueueStackMap;
import dev.wbpf.vm.map.RingBufferMap;
import dev.wbpf.vm.map.VmMap;

/** A VM map seen through the SPI, with the kernel's user-space semantics and errnos. */
public final class VmBpfMap implements BpfMap {
    private final VmMap map;

    VmBpfMap(VmMap map) {
        this.map = map;
    }

    public VmMap vmMap() {
        return map;
    }

    @Override
    public String name() {
        return map.name();
    }

    @Override
    public MapType type() {
        return map.type();
    }

    @Override
    public int keySize() {
        return map.keySize();
    }

    @Override
    public int valueSize() {
        return map.valueSize();
    }

    @Override
    public int maxEntries() {
        return map.maxEntries();
    }

    @Override
    public int valueBufferSize() {
        return map.userValueSize();
    }

    @Override
    public boolean lookup(byte[] key, byte[] value) {
        checkValueBuffer(value);
        byte[] found = call(() -> map instanceof QueueStackMap q ? q.peek() : map.lookup(key));
        if (found == null) {
            return false;
        }
        System.arraycopy(found, 0, value, 0, found.length);
        return true;
    }

    @Override
    public void update(byte[] key, byte[] value, long flags) {
        call(() -> {
            map.update(key, value, flags);
            return null;
        });
    }

    @Override
    public boolean delete(byte[] key) {
        try {
            map.delete(key);
            return true;
        } catch (MapException e) {
            if (e.errno() == Errno.ENOENT) {
                return false;
            }
            throw translate(e);
        }
    }

    @Override
    public boolean nextKey(byte[] key, byte[] nextKey) {
        byte[] next = call(() -> map.nextKey(key));
        if (next == null) {
            return false;
        }
        System.arraycopy(next, 0, nextKey, 0, next.length);
        return true;
    }

    @Override
    public boolean lookupAndDelete(byte[] key, byte[] value) {
        checkValueBuffer(value);
        if (map instanceof QueueStackMap q) {
            byte[] popped = q.pop();
            if (popped == null) {
                return false;
            }
            System.arraycopy(popped, 0, value, 0, popped.length);
            return true;
        }
        if (!lookup(key, value)) {
            return false;
        }
        return delete(key);
    }

    @Override
    public EventReader openEventReader() {
        return switch (map) {
            case RingBufferMap ring -> new VmEventReaders.Ring(ring);
            case PerfEventArrayMap perf -> new VmEventReaders.Perf(perf);
            default -> throw new BpfException("map `" + name() + "` is a " + type().displayName()
                    + ", not a ring buffer or perf event array", BpfException.EINVAL);
        };
    }

    private void checkValueBuffer(byte[] value) {
        if (value == null || value.length < map.userValueSize()) {
            throw new BpfException("value buffer of " + (value == null ? 0 : value.length) + " bytes for map `" + name()
                    + "`, which needs " + map.userValueSize(), BpfException.EINVAL);
        }
    }

    private interface MapCall<T> {
        T run();
    }

    private static <T> T call(MapCall<T> call) {
        try {
            return call.run();
        } catch (MapException e) {
            throw translate(e);
        }
    }

    private static BpfException translate(MapException e) {
        return new BpfException(e.getMessage(), e.errno(), e);
    }

    @Override
    public String toString() {
        return "VmBpfMap[" + name() + ", " + type().displayName() + "]";
    }
}
