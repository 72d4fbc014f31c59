package dev.wbpf.vm.backend;

import dev.wbpf.core.backend.BpfBackend;
import dev.wbpf.core.backend.BpfException;
import dev.wbpf.core.backend.BpfObject;
import dev.wbpf.core.backend.LoadOptions;
import dev.wbpf.core.object.BpfObjectSpec;
import dev.wbpf.vm.load.LoadException;
import dev.wbpf.vm.load.LoadSettings;
import dev.wbpf.vm.load.VmLoader;
import dev.wbpf.vm.load.VmObject;
import dev.wbpf.vm.map.MapException;
import java.util.List;
import java.util.Objects;

/**
 * The in-JVM backend: loads objects into the VM ({@link VmLoader}) and exposes them through the
 * backend SPI. Programs run through {@link dev.wbpf.core.backend.TestRunnable test-run} and
 * through the attach points in {@link #attachPoints()}.
 */
public final class VmBackend implements BpfBackend {
    public static final String NAME = "vm";

    private final LoadSettings settings;
    private final List<VmAttachPoint> attachPoints;

    public VmBackend() {
        this(LoadSettings.defaults(), List.of());
    }

    /**
     * @param settings     CPUs, host environment, kernel config and verifier for every load (the
     *                     log is replaced by each load's {@link LoadOptions#log()})
     * @param attachPoints the hooks programs can attach to
     */
    public VmBackend(LoadSettings settings, List<VmAttachPoint> attachPoints) {
        this.settings = Objects.requireNonNull(settings);
        this.attachPoints = List.copyOf(attachPoints);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Availability availability() {
        return Availability.yes("in-JVM interpreter; needs no kernel support or privileges");
    }

    /**
     * A backend with the VM's own event sources: a {@link dev.wbpf.vm.hook.VmNetwork} with
     * interface {@code lo}, {@link dev.wbpf.vm.hook.VmProbes application probes},
     * {@link dev.wbpf.vm.hook.JvmTracepoints JVM tracepoints} and {@link dev.wbpf.vm.hook.VmTimers timers}.
     */
    public static VmBackend standard() {
        return standard(LoadSettings.defaults());
    }

    public static VmBackend standard(LoadSettings settings) {
        dev.wbpf.vm.hook.VmNetwork network = new dev.wbpf.vm.hook.VmNetwork();
        network.create("lo");
        return new VmBackend(settings, List.of(network, new dev.wbpf.vm.hook.VmProbes(),
                new dev.wbpf.vm.hook.JvmTracepoints(), new dev.wbpf.vm.hook.VmTimers()));
    }

    public List<VmAttachPoint> attachPoints() {
        return attachPoints;
    }

    /** The attach point of type {@code type}, e.g. {@code attachPoint(VmNetwork.class)} to feed its interfaces. */
    public <T extends VmAttachPoint> java.util.Optional<T> attachPoint(Class<T> type) {
        return attachPoints.stream().filter(type::isInstance).map(type::cast).findFirst();
    }

    @Override
    public BpfObject load(BpfObjectSpec spec, LoadOptions options) {
        try {
            VmObject loaded = VmLoader.load(spec, settings.withLog(options.log()));
            return new VmBpfObject(this, loaded);
        } catch (LoadException e) {
            throw new BpfException(e.getMessage(), BpfException.EINVAL, e);
        } catch (MapException e) {
            throw new BpfException(e.getMessage(), e.errno(), e);
        }
    }
}
