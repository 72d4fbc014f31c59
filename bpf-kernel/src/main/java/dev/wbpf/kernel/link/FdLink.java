package dev.wbpf.kernel.link;

import dev.wbpf.kernel.Fd;
import dev.wbpf.kernel.sys.Bpf;

/** A link that is one BPF link descriptor (LINK_CREATE, RAW_TRACEPOINT_OPEN): closing it detaches. */
abstract class FdLink implements KernelLink {
    private final Fd fd;
    private final String description;

    FdLink(Fd fd, String description) {
        this.fd = fd;
        this.description = description;
    }

    public Fd fd() {
        return fd;
    }

    /** The kernel's link id (what {@code bpftool link show} lists). */
    public int id() {
        return Bpf.linkInfo(fd.raw()).id();
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    public void close() {
        fd.close();
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + description + "]";
    }
}
