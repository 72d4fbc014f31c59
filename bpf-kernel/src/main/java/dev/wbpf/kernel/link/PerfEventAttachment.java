package dev.wbpf.kernel.link;

import dev.wbpf.core.prog.AttachType;
import dev.wbpf.kernel.Fd;
import dev.wbpf.kernel.feature.KernelFeatures;
import dev.wbpf.kernel.loader.KernelProgram;
import dev.wbpf.kernel.sys.Bpf;
import dev.wbpf.kernel.sys.LinkCreateRequest;
import dev.wbpf.kernel.sys.Syscalls;

/**
 * A program attached to one open perf event (tracepoint, kprobe, uprobe, sampling event): through
 * a BPF link (LINK_CREATE, attach type BPF_PERF_EVENT) or, on kernels without links,
 * PERF_EVENT_IOC_SET_BPF; then the event is enabled. Owns the event; closing detaches and closes it.
 */
final class PerfEventAttachment implements AutoCloseable {
    private final Fd event;
    private final Fd link; // null when attached by ioctl

    private PerfEventAttachment(Fd event, Fd link) {
        this.event = event;
        this.link = link;
    }

    /** Attaches {@code program} to {@code event}; on failure the event is closed and the error rethrown. */
    static PerfEventAttachment attach(KernelProgram program, Fd event) {
        try {
            Fd link = null;
            if (KernelFeatures.system().bpfLinks()) {
                link = Bpf.linkCreate(LinkCreateRequest.of(program.fd().raw(), event.raw(),
                        AttachType.PERF_EVENT.kernelValue()));
            } else {
                Syscalls.ioctl(event.raw(), PerfEvent.PERF_EVENT_IOC_SET_BPF, program.fd().raw());
            }
            Syscalls.ioctl(event.raw(), PerfEvent.PERF_EVENT_IOC_ENABLE, 0);
            return new PerfEventAttachment(event, link);
        } catch (RuntimeException e) {
            event.close();
            throw e;
        }
    }

    @Override
    public void close() {
        try {
            if (link != null) {
                link.close();
            } else {
                Syscalls.ioctl(event.raw(), PerfEvent.PERF_EVENT_IOC_DISABLE, 0);
            }
        } finally {
            event.close();
        }
    }
}
