package dev.wbpf.kernel.backend;

import dev.wbpf.core.backend.BpfBackend;
import dev.wbpf.core.backend.BpfException;
import dev.wbpf.core.backend.BpfObject;
import dev.wbpf.core.backend.LoadOptions;
import dev.wbpf.core.object.BpfObjectSpec;
import dev.wbpf.core.object.MapType;
import dev.wbpf.kernel.Errno;
import dev.wbpf.kernel.Fd;
import dev.wbpf.kernel.KernelException;
import dev.wbpf.kernel.feature.BtfKind;
import dev.wbpf.kernel.feature.KernelFeatures;
import dev.wbpf.kernel.loader.KernelLoader;
import dev.wbpf.kernel.loader.KernelObject;
import dev.wbpf.kernel.loader.Privileges;
import dev.wbpf.kernel.loader.VmlinuxBtf;
import dev.wbpf.kernel.sys.Bpf;
import dev.wbpf.kernel.sys.MapCreateRequest;
import java.util.NoSuchElementException;

/**
 * The Linux kernel as a {@link BpfBackend}: objects are loaded with {@link KernelLoader}, programs
 * attached with the classes of {@code dev.wbpf.kernel.link}, events read from mmap'd ring and perf
 * buffers. Every failure is a {@link BpfException} carrying the kernel's errno.
 */
public final class KernelBackend implements BpfBackend {
    public static final String NAME = "kernel";

    private static volatile Availability probed;

    @Override
    public String name() {
        return NAME;
    }

    /**
     * Whether bpf(2) works for this process, probed once per JVM by creating (and closing) a
     * one-element array map: the cheapest command that needs the same rights as loading.
     */
    @Override
    public Availability availability() {
        Availability a = probed;
        if (a == null) {
            a = probe();
            probed = a;
        }
        return a;
    }

    static Availability probe() {
        if (!System.getProperty("os.name", "").equals("Linux")) {
            return Availability.no("bpf(2) exists only on Linux, this is " + System.getProperty("os.name"));
        }
        try (Fd map = Bpf.mapCreate(MapCreateRequest.of(MapType.ARRAY.kernelValue(), 4, 4, 1))) {
            return Availability.yes("bpf(2) works here (Linux " + System.getProperty("os.version") + ")");
        } catch (KernelException e) {
            if (e.is(Errno.EPERM)) {
                return Availability.no("bpf(2) refused: EPERM — run as root or grant CAP_BPF/CAP_PERFMON/CAP_NET_ADMIN");
            }
            if (e.is(Errno.ENOSYS)) {
                return Availability.no("bpf(2) refused: ENOSYS — this kernel was built without CONFIG_BPF_SYSCALL");
            }
            return Availability.no("bpf(2) refused: " + e.kernelErrno().name() + " (" + e.kernelErrno().description() + ")");
        } catch (UnsupportedOperationException | IllegalCallerException | LinkageError e) {
            // an architecture without a syscall table here, or native access not enabled for this module
            return Availability.no("cannot call bpf(2) from this JVM: " + e.getMessage());
        }
    }

    /**
     * Reads and indexes the kernel's BTF (CO-RE relocations and BTF-typed attach points look types
     * up in it), then probes which BTF kinds the kernel takes (every load asks, to rewrite the
     * object's BTF for it). Nothing for a process without the rights to load programs: it will not
     * be the kernel that runs them.
     */
    @Override
    public void prepare() {
        if (!Privileges.mayLoadPrograms()) {
            return;
        }
        try {
            VmlinuxBtf.get().indexNames();
        } catch (RuntimeException | LinkageError e) {
            // no or unreadable kernel BTF: the load that needs it says so
        }
        try {
            for (BtfKind kind : BtfKind.values()) {
                KernelFeatures.system().btfKind(kind);
            }
        } catch (RuntimeException | LinkageError e) {
            // the load probes again and reports what fails
        }
    }

    @Override
    public BpfObject load(BpfObjectSpec spec, LoadOptions options) {
        dev.wbpf.kernel.loader.LoadOptions kernelOptions = dev.wbpf.kernel.loader.LoadOptions.defaults()
                .withPinRoot(options.pinRoot());
        KernelObject object;
        try {
            object = KernelLoader.load(spec, kernelOptions);
        } catch (BpfException e) {
            throw e;
        } catch (IllegalArgumentException | IllegalStateException | NoSuchElementException e) {
            throw new BpfException("cannot load " + spec.objectName() + ": " + e.getMessage(), BpfException.EINVAL, e);
        }
        return KernelBpfObject.open(object, options.log());
    }
}
