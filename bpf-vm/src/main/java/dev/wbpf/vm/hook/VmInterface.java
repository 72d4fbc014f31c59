package dev.wbpf.vm.hook;

import dev.wbpf.core.backend.BpfLink;
import dev.wbpf.core.prog.AttachKind;
import dev.wbpf.core.prog.ProgramType;
import dev.wbpf.vm.backend.VmBpfProgram;
import dev.wbpf.vm.context.SkBuffContext;
import dev.wbpf.vm.context.XdpContext;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A network interface of the VM. Frames come in through {@link #inject(byte[])} or
 * {@link #replay(Path)} (a pcap or pcapng file); each one goes through:
 * <ol>
 *   <li>the attached XDP programs, in attach order, until one returns something other than
 *       XDP_PASS. Verdicts are counted; {@code bpf_xdp_adjust_head/tail/meta} changes carry into
 *       what follows. A fault counts as XDP_ABORTED; an unknown verdict too.
 *       DROP and ABORTED end the frame there; TX and REDIRECT are counted and end it too (the VM
 *       has no wire to send it on);</li>
 *   <li>the tc/classifier programs (ingress), in order: TC_ACT_SHOT (2) drops the frame
 *       (counted), TC_ACT_OK (0), TC_ACT_UNSPEC (-1) and everything else let it through, with
 *       packet writes ({@code bpf_skb_store_bytes}, direct writes) carried on;</li>
 *   <li>the frame is now <em>passed</em>: counted, written to the {@link #writePassedTo pcap-out}
 *       file if any, and offered to each attached socket filter. Each socket filter is a socket
 *       of its own: its return value is how many bytes of the frame that socket gets (0 = none,
 *       more than the frame = all of it), as for a packet socket with SO_ATTACH_BPF. A socket
 *       filter sees the frame from its Ethernet header (as on an AF_PACKET socket).</li>
 * </ol>
 * Programs run on the calling thread; {@code inject} is thread-safe.
 */
public final class VmInterface {
    /** XDP verdicts, in {@code enum xdp_action} order. */
    public enum XdpVerdict { ABORTED, DROP, PASS, TX, REDIRECT }

    private static final int RECEIVED = 0, XDP_BASE = 1, TC_SHOT = 6, PASSED = 7, FAULTS = 8, SOCKET_DELIVERED = 9,
            SOCKET_FILTERED = 10, ADJUSTED = 11, COUNTERS = 12;
    public static final int TC_ACT_SHOT = 2;

    private final String name;
    private final int ifindex;
    private final List<Attachment> xdp = new CopyOnWriteArrayList<>();
    private final List<Attachment> tc = new CopyOnWriteArrayList<>();
    private final List<Attachment> sockets = new CopyOnWriteArrayList<>();
    private final AtomicLongArray counters = new AtomicLongArray(COUNTERS);
    private final List<Consumer<Attachment>> attachListeners = new CopyOnWriteArrayList<>();
    private volatile PcapWriter passedOut;

    VmInterface(String name, int ifindex) {
        this.name = name;
        this.ifindex = ifindex;
    }

    public String name() {
        return name;
    }

    public int ifindex() {
        return ifindex;
    }

    /** {@code listener} hears of every program attached from now on, on the attaching thread, after it is in place. */
    public void onAttach(Consumer<Attachment> listener) {
        attachListeners.add(listener);
    }

    /** Passed frames go to {@code writer} (null to stop); the caller closes it. */
    public void writePassedTo(PcapWriter writer) {
        this.passedOut = writer;
    }

    /** Feeds every packet of a pcap or pcapng file (Ethernet) through the interface; returns how many. */
    public int replay(Path capture) throws IOException {
        List<Pcap.Packet> packets = Pcap.read(capture);
        for (Pcap.Packet p : packets) {
            inject(p.data(), p.timestampNanos());
        }
        return packets.size();
    }

    /** Receives one Ethernet frame now; returns what XDP decided (PASS when no XDP program is attached). */
    public XdpVerdict inject(byte[] frame) {
        return inject(frame, System.currentTimeMillis() * 1_000_000L);
    }

    /** Receives one Ethernet frame with a capture timestamp (for pcap-out); returns what XDP decided. */
    public XdpVerdict inject(byte[] frame, long timestampNanos) {
        counters.incrementAndGet(RECEIVED);
        byte[] packet = frame;
        for (Attachment a : xdp) {
            byte[] in = packet;
            long r0 = a.program.run(ctx -> XdpContext.create(ctx, in, 0, ifindex, 0).pointer(), Long.MIN_VALUE);
            XdpVerdict verdict = r0 >= 0 && r0 <= 4 ? XdpVerdict.values()[(int) r0] : XdpVerdict.ABORTED;
            if (r0 == Long.MIN_VALUE) {
                counters.incrementAndGet(FAULTS);
            }
            a.counted.incrementAndGet(verdict.ordinal());
            if (a.program.context().programContext() instanceof XdpContext x) {
                packet = x.packet();
            }
            if (verdict != XdpVerdict.PASS) {
                counters.incrementAndGet(XDP_BASE + verdict.ordinal());
                countIfAdjusted(frame, packet);
                return verdict;
            }
        }
        counters.incrementAndGet(XDP_BASE + XdpVerdict.PASS.ordinal());
        if (packet.length < SkBuffContext.ETH_HLEN) {
            packet = pad(packet);
        }
        for (Attachment a : tc) {
            byte[] in = packet;
            long r0 = a.program.run(ctx -> SkBuffContext.create(ctx, ProgramType.SCHED_CLS, in, SkBuffContext.Layer.LINK, null).pointer(),
                    Long.MIN_VALUE);
            if (r0 == Long.MIN_VALUE) {
                counters.incrementAndGet(FAULTS);
            }
            if (a.program.context().programContext() instanceof SkBuffContext skb) {
                packet = skb.dataOut();
            }
            if ((int) r0 == TC_ACT_SHOT) {
                a.counted.incrementAndGet(1);
                counters.incrementAndGet(TC_SHOT);
                countIfAdjusted(frame, packet);
                return XdpVerdict.PASS;
            }
            a.counted.incrementAndGet(0);
        }
        countIfAdjusted(frame, packet);
        counters.incrementAndGet(PASSED);
        PcapWriter out = passedOut;
        if (out != null) {
            out.write(timestampNanos, packet);
        }
        byte[] passed = packet;
        for (Attachment a : sockets) {
            long r0 = a.program.run(ctx -> SkBuffContext.create(ctx, ProgramType.SOCKET_FILTER, passed, SkBuffContext.Layer.LINK, null)
                    .pointer(), 0);
            long keep = r0 & 0xffff_ffffL;
            if (keep == 0) {
                a.counted.incrementAndGet(1);
                counters.incrementAndGet(SOCKET_FILTERED);
            } else {
                a.counted.incrementAndGet(0);
                counters.incrementAndGet(SOCKET_DELIVERED);
                a.deliver(keep >= passed.length ? passed.clone() : java.util.Arrays.copyOf(passed, (int) keep));
            }
        }
        return XdpVerdict.PASS;
    }

    /** A frame the programs moved (adjust_head/tail/meta), resized or rewrote; padding to an Ethernet header does not count. */
    private void countIfAdjusted(byte[] frame, byte[] packet) {
        if (packet != frame && !java.util.Arrays.equals(frame, packet)
                && !(frame.length < SkBuffContext.ETH_HLEN && java.util.Arrays.equals(pad(frame), packet))) {
            counters.incrementAndGet(ADJUSTED);
        }
    }

    private static byte[] pad(byte[] frame) {
        return java.util.Arrays.copyOf(frame, SkBuffContext.ETH_HLEN);
    }

    BpfLink attach(VmBpfProgram program) {
        AttachKind kind = program.spec().definition().kind();
        List<Attachment> list = switch (kind) {
            case XDP -> xdp;
            case TC, TCX -> tc;
            default -> sockets;
        };
        Attachment a = new Attachment(new HookedProgram(program), list, kind);
        list.add(a);
        attachListeners.forEach(listener -> listener.accept(a));
        return a;
    }

    /** What went through the interface so far. */
    public record Counters(long received, long xdpAborted, long xdpDrop, long xdpPass, long xdpTx, long xdpRedirect,
                           long tcShot, long passed, long socketDelivered, long socketFiltered, long faults, long adjusted) {
        public long xdp(XdpVerdict verdict) {
            return switch (verdict) {
                case ABORTED -> xdpAborted;
                case DROP -> xdpDrop;
                case PASS -> xdpPass;
                case TX -> xdpTx;
                case REDIRECT -> xdpRedirect;
            };
        }
    }

    public Counters counters() {
        return new Counters(counters.get(RECEIVED), counters.get(XDP_BASE), counters.get(XDP_BASE + 1), counters.get(XDP_BASE + 2),
                counters.get(XDP_BASE + 3), counters.get(XDP_BASE + 4), counters.get(TC_SHOT), counters.get(PASSED),
                counters.get(SOCKET_DELIVERED), counters.get(SOCKET_FILTERED), counters.get(FAULTS), counters.get(ADJUSTED));
    }

    /** The counters as printed by {@code wbpf run -v}: one line per interface. */
    public String summary() {
        Counters c = counters();
        return name + ": " + c.received() + " received; xdp pass " + c.xdpPass() + ", drop " + c.xdpDrop() + ", tx " + c.xdpTx()
                + ", redirect " + c.xdpRedirect() + ", aborted " + c.xdpAborted() + "; tc shot " + c.tcShot() + "; " + c.passed()
                + " passed; sockets got " + c.socketDelivered() + ", filtered " + c.socketFiltered()
                + "; " + c.adjusted() + " adjusted" + (c.faults() > 0 ? "; " + c.faults() + " program faults" : "");
    }

    @Override
    public String toString() {
        return summary();
    }

    /**
     * A program on this interface. For a socket filter it is also the socket: {@link #received()}
     * holds the (possibly truncated) copies it accepted, the latest {@value #SOCKET_QUEUE} of them.
     */
    public final class Attachment implements BpfLink {
        static final int SOCKET_QUEUE = 4096;
        private final HookedProgram program;
        private final List<Attachment> list;
        private final AttachKind kind;
        /** Per-attachment: XDP verdicts; tc [ok-ish, shot]; socket [delivered, filtered]. */
        private final AtomicLongArray counted = new AtomicLongArray(5);
        private final ArrayDeque<byte[]> received = new ArrayDeque<>();

        Attachment(HookedProgram program, List<Attachment> list, AttachKind kind) {
            this.program = program;
            this.list = list;
            this.kind = kind;
        }

        private synchronized void deliver(byte[] copy) {
            if (received.size() == SOCKET_QUEUE) {
                received.removeFirst();
            }
            received.addLast(copy);
        }

        /** The copies a socket filter let through (oldest first); empty for XDP and tc. */
        public synchronized List<byte[]> received() {
            return new ArrayList<>(received);
        }

        /** How often an XDP program returned {@code verdict}. */
        public long verdicts(XdpVerdict verdict) {
            return counted.get(verdict.ordinal());
        }

        public long runs() {
            return program.runs();
        }

        public long faults() {
            return program.faults();
        }

        public String lastFault() {
            return program.lastFault();
        }

        @Override
        public String description() {
            return program.name() + " -> " + kind.displayName() + " " + name + " (VM)";
        }

        @Override
        public void close() {
            list.remove(this);
        }
    }
}
