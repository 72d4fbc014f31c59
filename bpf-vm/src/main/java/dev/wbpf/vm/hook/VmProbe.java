package dev.wbpf.vm.hook;

import dev.wbpf.core.backend.BpfLink;
import dev.wbpf.vm.memory.RegionKind;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A named application probe ({@link VmProbes#probe}). {@code fire(...)} runs every attached
 * program on the calling thread, with the arguments as its context; with nothing attached it only
 * reads a volatile flag. Faults of the programs are counted on their links, never thrown at the caller.
 */
public final class VmProbe {
    /** x86-64 pt_regs offsets of di, si, dx, cx, r8, r9: where PT_REGS_PARM1..6 read. */
    private static final int[] PARM_OFFSETS = {112, 104, 96, 88, 72, 64};
    private static final int PT_REGS_SIZE = 168;
    private static final int RAW_ARGS = 6;

    private final String provider;
    private final String name;
    private final CopyOnWriteArrayList<Link> links = new CopyOnWriteArrayList<>();
    private volatile boolean enabled;
    private static final ThreadLocal<byte[][]> BUFFERS = ThreadLocal.withInitial(() -> new byte[][] {
            new byte[RAW_ARGS * 8], new byte[PT_REGS_SIZE]});

    VmProbe(String provider, String name) {
        this.provider = provider;
        this.name = name;
    }

    public String provider() {
        return provider;
    }

    public String name() {
        return name;
    }

    String key() {
        return provider + ":" + name;
    }

    /** Whether any program is attached: check it before computing expensive arguments. */
    public boolean enabled() {
        return enabled;
    }

    public void fire() {
        if (enabled) {
            run(0, 0, 0, 0, 0, 0);
        }
    }

    public void fire(long a) {
        if (enabled) {
            run(a, 0, 0, 0, 0, 0);
        }
    }

    public void fire(long a, long b) {
        if (enabled) {
            run(a, b, 0, 0, 0, 0);
        }
    }

    public void fire(long a, long b, long c) {
        if (enabled) {
            run(a, b, c, 0, 0, 0);
        }
    }

    public void fire(long a, long b, long c, long d) {
        if (enabled) {
            run(a, b, c, d, 0, 0);
        }
    }

    public void fire(long a, long b, long c, long d, long e) {
        if (enabled) {
            run(a, b, c, d, e, 0);
        }
    }

    public void fire(long a, long b, long c, long d, long e, long f) {
        if (enabled) {
            run(a, b, c, d, e, f);
        }
    }

    private void run(long a, long b, long c, long d, long e, long f) {
        long[] args = {a, b, c, d, e, f};
        for (Link link : links) {
            byte[][] buffers = BUFFERS.get();
            link.program.run(ctx -> {
                if (link.usdt) {
                    ByteBuffer regs = ByteBuffer.wrap(buffers[1]).order(ByteOrder.LITTLE_ENDIAN);
                    for (int i = 0; i < RAW_ARGS; i++) {
                        regs.putLong(PARM_OFFSETS[i], args[i]);
                    }
                    return ctx.addMemory(RegionKind.CONTEXT, "pt_regs", buffers[1], 0, PT_REGS_SIZE, false);
                }
                ByteBuffer raw = ByteBuffer.wrap(buffers[0]).order(ByteOrder.LITTLE_ENDIAN);
                for (int i = 0; i < RAW_ARGS; i++) {
                    raw.putLong(i * 8, args[i]);
                }
                return ctx.addMemory(RegionKind.CONTEXT, "bpf_raw_tracepoint_args", buffers[0], 0, RAW_ARGS * 8, false);
            }, 0);
        }
    }

    BpfLink attach(HookedProgram program, boolean usdt) {
        Link link = new Link(program, usdt);
        links.add(link);
        enabled = true;
        return link;
    }

    /** A program on this probe. */
    public final class Link implements BpfLink {
        private final HookedProgram program;
        private final boolean usdt;

        Link(HookedProgram program, boolean usdt) {
            this.program = program;
            this.usdt = usdt;
        }

        public long runs() {
            return program.runs();
        }

        public long faults() {
            return program.faults();
        }

        @Override
        public String description() {
            return program.name() + " -> " + (usdt ? "usdt " : "raw_tp ") + key() + " (VM)";
        }

        @Override
        public void close() {
            links.remove(this);
            enabled = !links.isEmpty();
        }
    }
}
