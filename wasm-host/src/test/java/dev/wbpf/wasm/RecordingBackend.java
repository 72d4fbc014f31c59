package dev.wbpf.wasm;

import dev.wbpf.core.backend.Backends;
import dev.wbpf.core.backend.BpfBackend;
import dev.wbpf.core.backend.BpfMap;
import dev.wbpf.core.backend.BpfObject;
import dev.wbpf.core.backend.BpfProgram;
import dev.wbpf.core.backend.LoadOptions;
import dev.wbpf.core.object.BpfObjectSpec;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A real backend (the VM's, found as wbpf finds it) seen through a thin decorator that records
 * the objects the host loads and whether the host closed them, and can act on an object right
 * after its load (e.g. test-run a program that writes to a ring buffer).
 */
final class RecordingBackend implements BpfBackend {
    final BpfBackend real;
    final List<Recorded> objects = new CopyOnWriteArrayList<>();
    private final Consumer<BpfObject> afterLoad;

    RecordingBackend(BpfBackend real, Consumer<BpfObject> afterLoad) {
        this.real = real;
        this.afterLoad = afterLoad;
    }

    /** The VM backend. */
    static RecordingBackend vm() {
        return vm(o -> { });
    }

    static RecordingBackend vm(Consumer<BpfObject> afterLoad) {
        return new RecordingBackend(Backends.named("vm").orElseThrow(() -> new AssertionError("no vm backend")), afterLoad);
    }

    @Override
    public String name() {
        return real.name();
    }

    @Override
    public Availability availability() {
        return real.availability();
    }

    @Override
    public BpfObject load(BpfObjectSpec spec, LoadOptions options) {
        BpfObject object = real.load(spec, options);
        afterLoad.accept(object);
        Recorded r = new Recorded(object);
        objects.add(r);
        return r;
    }

    static final class Recorded implements BpfObject {
        final BpfObject real;
        volatile boolean closed;

        Recorded(BpfObject real) {
            this.real = real;
        }

        @Override
        public BpfObjectSpec spec() {
            return real.spec();
        }

        @Override
        public List<? extends BpfProgram> programs() {
            return real.programs();
        }

        @Override
        public List<? extends BpfMap> maps() {
            return real.maps();
        }

        @Override
        public void close() {
            closed = true;
            real.close();
        }
    }
}
