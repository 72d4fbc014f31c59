package dev.wbpf.benchmarks;

import dev.wbpf.kernel.sys.TestRunResult;
import dev.wbpf.vm.Engine;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

/**
 * ns per run of the four benchmark programs on the 1500-byte Ethernet/IPv4/TCP frame, in the
 * VM's interpreter and in the kernel (BPF_PROG_TEST_RUN), both through their test-run with a
 * repeat count per call, so that JMH's score per operation is the wall time of one run with the
 * per-call set-up shared out. The VM repeats {@value #REPEAT} times per call; the kernel
 * {@value #KERNEL_REPEAT} times, because each XDP test-run syscall also swaps the kernel's XDP
 * dispatcher (~20 ms here), which must be spread thin. {@link BenchmarkMain} also prints the
 * kernel's own per-run duration, which excludes that.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class BackendBenchmark {
    public static final int REPEAT = 100;
    public static final int KERNEL_REPEAT = 10_000;

    /** Fixture object and program; the object and the program have the same name except xdp_parse. */
    public enum Program {
        alu("bench_alu", "bench_alu"),
        csum("bench_csum", "bench_csum"),
        parse("xdp_parse", "xdp_parse_prog"),
        maps("bench_maps", "bench_maps");

        public final String fixture;
        public final String program;

        Program(String fixture, String program) {
            this.fixture = fixture;
            this.program = program;
        }
    }

    @State(Scope.Benchmark)
    public static class Vm {
        @Param({"alu", "csum", "parse", "maps"})
        public Program program;
        @Param({"INTERPRETER", "COMPILER"})
        public Engine engine;
        VmSide side;
        byte[] packet;

        @Setup(Level.Trial)
        public void load() {
            side = new VmSide(program.fixture, engine);
            packet = Packets.tcpFrame1500();
        }

        @TearDown(Level.Trial)
        public void close() {
            side.close();
        }
    }

    @State(Scope.Benchmark)
    public static class Kernel {
        @Param({"alu", "csum", "parse", "maps"})
        public Program program;
        KernelSide side;
        byte[] packet;

        @Setup(Level.Trial)
        public void load() {
            String reason = KernelAccess.unavailableReason();
            if (reason != null) {
                throw new IllegalStateException("the kernel benchmarks need root and bpf(2): " + reason);
            }
            side = new KernelSide(program.fixture);
            packet = Packets.tcpFrame1500();
        }

        @TearDown(Level.Trial)
        public void close() {
            side.close();
        }
    }

    @Benchmark
    @OperationsPerInvocation(REPEAT)
    public void vm(Vm state, Blackhole bh) {
        bh.consume(state.side.run(state.program.program, state.packet, REPEAT));
    }

    @Benchmark
    @OperationsPerInvocation(KERNEL_REPEAT)
    public void kernel(Kernel state, Blackhole bh) {
        TestRunResult r = state.side.run(state.program.program, state.packet, KERNEL_REPEAT);
        bh.consume(r);
    }
}
