package dev.wbpf.vm.testrun;

import dev.wbpf.core.prog.ProgramType;
import dev.wbpf.vm.ExecutionContext;
import dev.wbpf.vm.HostEnvironment;
import dev.wbpf.vm.Machine;
import dev.wbpf.vm.VmProgram;
import dev.wbpf.vm.context.RawTracepointContext;
import dev.wbpf.vm.context.SkBuffContext;
import dev.wbpf.vm.context.XdpContext;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The VM's {@code BPF_PROG_TEST_RUN}: builds the program type's context from the caller's data
 * and context bytes the way the kernel does, runs the program {@code repeat} times and reports the
 * last run's results with the time per run.
 *
 * <p>Differences from the kernel, on purpose: each repeat gets a fresh context built from the
 * input (in the kernel, XDP head/tail adjustments of one repeat carry into the next); timing is per
 * run with {@link System#nanoTime()}, excluding the context set-up.
 *
 * <p>Program types: XDP ({@code xdp_md}), SOCKET_FILTER (sees the packet from its network header,
 * as the kernel's test-run presents it), SCHED_CLS/SCHED_ACT ({@code __sk_buff} from the Ethernet
 * header), RAW_TRACEPOINT (context: the u64 argument array), TRACEPOINT/PERF_EVENT/KPROBE (context:
 * read-only caller bytes), SYSCALL (context: the caller's buffer, read-write, returned as context out).
 */
public final class TestRun {
    private TestRun() {}

    public static TestRunResult run(Machine machine, TestRunInput input) {
        return run(machine, input, HostEnvironment.ofCurrentProcess());
    }

    public static TestRunResult run(Machine machine, TestRunInput input, HostEnvironment environment) {
        VmProgram program = machine.program();
        ProgramType type = program.type();
        check(program, type, input);
        ExecutionContext ctx = new ExecutionContext(input.cpu(), environment);
        long[] times = new long[input.repeat()];
        long r0 = 0;
        Object last = null;
        for (int i = 0; i < input.repeat(); i++) {
            ctx.reset();
            last = setUp(ctx, type, input, last);
            long start = System.nanoTime();
            r0 = machine.execute(ctx);
            times[i] = System.nanoTime() - start;
        }
        byte[] dataOut;
        byte[] ctxOut;
        switch (last) {
            case XdpContext xdp -> {
                dataOut = xdp.dataOut();
                ctxOut = xdp.contextOut();
            }
            case SkBuffContext skb -> {
                dataOut = skb.dataOut();
                ctxOut = skb.contextOut();
            }
            case byte[] buffer -> {
                dataOut = new byte[0];
                ctxOut = buffer;
            }
            case null, default -> {
                dataOut = new byte[0];
                ctxOut = new byte[0];
            }
        }
        double mean = Arrays.stream(times).average().orElse(0);
        Arrays.sort(times);
        return new TestRunResult(r0, dataOut, ctxOut, times[times.length / 2], mean, input.repeat());
    }

    private static void check(VmProgram program, ProgramType type, TestRunInput input) {
        switch (type) {
            case XDP, SOCKET_FILTER, SCHED_CLS, SCHED_ACT -> {
                if (input.data().length < SkBuffContext.ETH_HLEN) {
                    throw new IllegalArgumentException("test-run of " + type.displayName() + " program `" + program.name()
                            + "` needs a packet of at least " + SkBuffContext.ETH_HLEN + " bytes (an Ethernet header); got " + input.data().length);
                }
                if (type != ProgramType.XDP) {
                    // The kernel's skb test-run pulls the network header named by the EtherType: a whole
                    // IPv4 (20 bytes) or IPv6 (40 bytes) header must be there, or it refuses with EINVAL.
                    byte[] d = input.data();
                    int etherType = ((d[12] & 0xff) << 8) | (d[13] & 0xff);
                    int need = etherType == 0x0800 ? 20 : etherType == 0x86dd ? 40 : 0;
                    if (d.length < SkBuffContext.ETH_HLEN + need) {
                        throw new IllegalArgumentException("test-run of " + type.displayName() + " program `" + program.name()
                                + "`: EtherType 0x" + Integer.toHexString(etherType) + " but the packet has no whole "
                                + (need == 20 ? "IPv4" : "IPv6") + " header (" + need + " bytes after the Ethernet header)");
                    }
                }
            }
            case RAW_TRACEPOINT, RAW_TRACEPOINT_WRITABLE, TRACEPOINT, PERF_EVENT, KPROBE, SYSCALL, UNSPEC -> {
                if (input.data().length != 0) {
                    throw new IllegalArgumentException(type.displayName() + " program `" + program.name()
                            + "` takes no packet data, only a context (--ctx)");
                }
            }
            default -> throw new IllegalArgumentException("the VM cannot test-run " + type.displayName() + " program `" + program.name()
                    + "`; it test-runs xdp, socket_filter, sched_cls/sched_act, raw_tracepoint, tracepoint, perf_event, kprobe and syscall programs");
        }
    }

    /** Builds the context for one run and points r1 at it; returns what carries the results. */
    private static Object setUp(ExecutionContext ctx, ProgramType type, TestRunInput input, Object previous) {
        byte[] ctxIn = input.context();
        switch (type) {
            case XDP -> {
                int meta = 0, ingress = 1, queue = 0;
                if (ctxIn != null) {
                    ByteBuffer md = ByteBuffer.wrap(Arrays.copyOf(ctxIn, XdpContext.SIZE)).order(ByteOrder.LITTLE_ENDIAN);
                    meta = md.getInt(0);
                    int dataEnd = md.getInt(4);
                    if (ctxIn.length > XdpContext.SIZE || md.getInt(8) != 0 || md.getInt(20) != 0
                            || (dataEnd != 0 && dataEnd != input.data().length)) {
                        throw new IllegalArgumentException("xdp_md input: data_meta and egress_ifindex must be 0 and data_end the data length");
                    }
                    ingress = md.getInt(12);
                    queue = md.getInt(16);
                }
                XdpContext xdp = XdpContext.reuse(previous instanceof XdpContext p ? p : null, ctx, input.data(), meta, ingress, queue);
                ctx.setArgument(1, xdp.pointer());
                return xdp;
            }
            case SOCKET_FILTER, SCHED_CLS, SCHED_ACT -> {
                SkBuffContext skb = SkBuffContext.create(ctx, type, input.data(),
                        type == ProgramType.SOCKET_FILTER ? SkBuffContext.Layer.NETWORK : SkBuffContext.Layer.LINK, ctxIn);
                ctx.setArgument(1, skb.pointer());
                return skb;
            }
            case RAW_TRACEPOINT, RAW_TRACEPOINT_WRITABLE -> {
                ctx.setArgument(1, RawTracepointContext.create(ctx, RawTracepointContext.argsOf(ctxIn == null ? new byte[0] : ctxIn)));
                return null;
            }
            case SYSCALL -> {
                byte[] buffer = ctxIn == null ? new byte[0] : ctxIn.clone();
                if (buffer.length > 0) {
                    ctx.setArgument(1, RawTracepointContext.ofBytes(ctx, "syscall context", buffer, true));
                }
                return buffer;
            }
            default -> {
                byte[] bytes = ctxIn == null ? new byte[0] : ctxIn.clone();
                ctx.setArgument(1, RawTracepointContext.ofBytes(ctx, type.displayName() + " context", bytes, false));
                return null;
            }
        }
    }
}
