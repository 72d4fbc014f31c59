package dev.wbpf.kernel.loader;

import dev.wbpf.core.object.ProgramSpec;
import dev.wbpf.kernel.Fd;
import dev.wbpf.kernel.sys.Bpf;

/** A program loaded into the kernel: its descriptor, the spec it came from and the kernel's id. */
public final class KernelProgram implements AutoCloseable {
    private final String name;
    private final Fd fd;
    private final ProgramSpec spec;
    private final int id;

    KernelProgram(String name, Fd fd, ProgramSpec spec) {
        this.name = name;
        this.fd = fd;
        this.spec = spec;
        this.id = Bpf.progInfo(fd.raw()).id();
    }

    public String name() {
        return name;
    }

    public Fd fd() {
        return fd;
    }

    public ProgramSpec spec() {
        return spec;
    }

    /** The kernel's program id (what {@code bpftool prog show} lists). */
    public int id() {
        return id;
    }

    @Override
    public void close() {
        fd.close();
    }

    @Override
    public String toString() {
        return "KernelProgram[" + name + ", id " + id + ", " + spec.definition().type().displayName() + "]";
    }
}
