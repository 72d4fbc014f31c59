package dev.wbpf.benchmarks;

import dev.wbpf.vm.hook.Pcap;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Packets per second through the XDP parse-and-count program ({@code xdp_parse_prog}) on the
 * {@link SampleCapture} mix: on the VM, the capture parsed once from memory and injected into VM
 * interface {@code lo} ({@code vmInterface}); on the kernel, each packet of the same capture
 * through BPF_PROG_TEST_RUN with {@value #KERNEL_REPEAT} repeats ({@code kernelTestRun}: wall time,
 * syscall and XDP dispatcher swap included; {@link BenchmarkMain} also prints the kernel's own
 * per-run duration).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class PacketRateBenchmark {
    public static final String FIXTURE = "xdp_parse";
    public static final String PROGRAM = "xdp_parse_prog";
    public static final int KERNEL_REPEAT = 10_000;
    /** The distinct frames of the mix, in equal numbers in the capture: the kernel runs each KERNEL_REPEAT times per call. */
    public static final int KERNEL_FRAMES = 6;

    @State(Scope.Benchmark)
    public static class Vm {
        VmInterfaceSide side;
        List<Pcap.Packet> packets;

        @Setup(Level.Trial)
        public void load() {
            side = new VmInterfaceSide(FIXTURE, PROGRAM);
            packets = SampleCapture.packets();
        }

        @TearDown(Level.Trial)
        public void close() {
            side.close();
        }
    }

    @State(Scope.Benchmark)
    public static class Kernel {
        KernelSide side;
        List<Pcap.Packet> frames;

        @Setup(Level.Trial)
        public void load() {
            String reason = KernelAccess.unavailableReason();
            if (reason != null) {
                throw new IllegalStateException("the kernel benchmarks need root and bpf(2): " + reason);
            }
            side = new KernelSide(FIXTURE);
            frames = SampleCapture.packets().subList(0, KERNEL_FRAMES);
        }

        @TearDown(Level.Trial)
        public void close() {
            side.close();
        }
    }

    @Benchmark
    @OperationsPerInvocation(SampleCapture.PACKETS)
    public int vmInterface(Vm state) {
        return state.side.inject(state.packets);
    }

    @Benchmark
    @OperationsPerInvocation(KERNEL_FRAMES * KERNEL_REPEAT)
    public int kernelTestRun(Kernel state) {
        int sum = 0;
        for (Pcap.Packet p : state.frames) {
            sum += state.side.run(PROGRAM, p.data(), KERNEL_REPEAT).returnValue();
        }
        return sum;
    }
}
