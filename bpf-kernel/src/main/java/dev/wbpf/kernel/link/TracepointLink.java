package dev.wbpf.kernel.link;

import dev.wbpf.core.prog.AttachKind;
import dev.wbpf.kernel.Fd;
import dev.wbpf.kernel.KernelException;
import dev.wbpf.kernel.loader.KernelProgram;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A {@code tp/} or {@code tracepoint/} program on a tracefs tracepoint: a perf event of type
 * PERF_TYPE_TRACEPOINT for the tracepoint's id, with the program attached through a BPF link
 * (LINK_CREATE, attach type BPF_PERF_EVENT) or, on kernels without links, PERF_EVENT_IOC_SET_BPF.
 */
public final class TracepointLink implements KernelLink {
    static final List<Path> TRACEFS = List.of(Path.of("/sys/kernel/tracing"), Path.of("/sys/kernel/debug/tracing"));

    private final PerfEventAttachment attachment;
    private final String description;

    private TracepointLink(PerfEventAttachment attachment, String description) {
        this.attachment = attachment;
        this.description = description;
    }

    /** Attaches to the tracepoint the section names ({@code tp/syscalls/sys_enter_write}). */
    public static TracepointLink attach(KernelProgram program) {
        String target = Links.target(program, null, "tracepoint");
        int slash = target.indexOf('/');
        if (slash < 0) {
            throw new KernelException("tracepoint `" + target + "` of program `" + program.name()
                    + "` is not of the form category/name");
        }
        return attach(program, target.substring(0, slash), target.substring(slash + 1));
    }

    public static TracepointLink attach(KernelProgram program, String category, String name) {
        Links.requireKind(program, "a tracepoint", AttachKind.TRACEPOINT);
        int id = tracepointId(category, name);
        Fd perf = PerfEvent.open(PerfEvent.PERF_TYPE_TRACEPOINT, id, 0, 0);
        String description = "tracepoint " + category + "/" + name + " <- " + program.name();
        return new TracepointLink(PerfEventAttachment.attach(program, perf), description);
    }

    /** The tracepoint's id from tracefs ({@code events/<category>/<name>/id}). */
    static int tracepointId(String category, String name) {
        for (Path root : TRACEFS) {
            Path id = root.resolve("events").resolve(category).resolve(name).resolve("id");
            if (Files.isReadable(id)) {
                try {
                    return Integer.parseInt(Files.readString(id).strip());
                } catch (IOException e) {
                    throw new KernelException("cannot read " + id + ": " + e.getMessage());
                }
            }
        }
        boolean mounted = TRACEFS.stream().anyMatch(r -> Files.isDirectory(r.resolve("events")));
        throw new KernelException(mounted
                ? "tracepoint " + category + "/" + name + " does not exist in this kernel (no events/" + category
                        + "/" + name + " in tracefs)"
                : "tracefs is not mounted: mount -t tracefs tracefs /sys/kernel/tracing", dev.wbpf.kernel.Errno.ENOENT);
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    public void close() {
        attachment.close();
    }
}
