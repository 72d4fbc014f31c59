package dev.wbpf.benchmarks;

import dev.wbpf.kernel.sys.TestRunResult;
import dev.wbpf.vm.Engine;
import java.util.ArrayList;
import java.util.List;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * {@code java -jar benchmarks/target/benchmarks.jar [JMH options]}: runs {@link BackendBenchmark}
 * (the kernel half only where root and bpf(2) work), then prints the kernel's own measurement
 * (BPF_PROG_TEST_RUN duration / repeat) beside the VM test-run's mean for the same programs.
 * Run it from the repository root (or pass {@code -Dwbpf.testdata=DIR}).
 */
public final class BenchmarkMain {
    private BenchmarkMain() {}

    private static final int DIRECT_REPEAT = 10_000;

    public static void main(String[] args) throws RunnerException, CommandLineOptionException {
        String kernelReason = KernelAccess.unavailableReason();
        CommandLineOptions cli = new CommandLineOptions(args);
        OptionsBuilder options = new OptionsBuilder();
        options.parent(cli);
        if (cli.getIncludes().isEmpty()) {
            options.include(BackendBenchmark.class.getName() + ".vm");
            options.include(PacketRateBenchmark.class.getName() + ".vmInterface");
            if (kernelReason == null) {
                options.include(BackendBenchmark.class.getName() + ".kernel");
                options.include(PacketRateBenchmark.class.getName() + ".kernelTestRun");
            }
        }
        if (!cli.getJvmArgs().hasValue()) {
            options.jvmArgsAppend("--enable-native-access=ALL-UNNAMED", "-Dwbpf.testdata="
                    + Fixtures.object("bench_alu").toAbsolutePath().getParent().getParent().getParent());
        }
        new Runner(options.build()).run();
        direct(kernelReason);
        packetRate(kernelReason);
    }

    /** Packets per second of the parse-and-count program on the sample capture, each backend timing itself. */
    private static void packetRate(String kernelReason) {
        var packets = SampleCapture.packets();
        double vmPps;
        try (VmInterfaceSide vm = new VmInterfaceSide(PacketRateBenchmark.FIXTURE, PacketRateBenchmark.PROGRAM)) {
            for (int i = 0; i < 50; i++) {
                vm.inject(packets); // warm up
            }
            int rounds = 50;
            long t0 = System.nanoTime();
            for (int i = 0; i < rounds; i++) {
                vm.inject(packets);
            }
            vmPps = rounds * packets.size() * 1e9 / (System.nanoTime() - t0);
        }
        String kernelPps = "n/a";
        if (kernelReason == null) {
            try (KernelSide kernel = new KernelSide(PacketRateBenchmark.FIXTURE)) {
                long nanos = 0;
                for (var p : packets.subList(0, PacketRateBenchmark.KERNEL_FRAMES)) {
                    kernel.run(PacketRateBenchmark.PROGRAM, p.data(), DIRECT_REPEAT / 10);
                    nanos += kernel.run(PacketRateBenchmark.PROGRAM, p.data(), DIRECT_REPEAT).durationNanos();
                }
                kernelPps = String.format("%.0f", PacketRateBenchmark.KERNEL_FRAMES * 1e9 / nanos);
            }
        }
        System.out.println();
        System.out.println("Packets/s of " + PacketRateBenchmark.FIXTURE + "/" + PacketRateBenchmark.PROGRAM + " on the "
                + packets.size() + "-packet sample capture (VM: injected into VM interface lo, wall time;"
                + " kernel: mean BPF_PROG_TEST_RUN duration per run over its " + PacketRateBenchmark.KERNEL_FRAMES + " frames)");
        System.out.printf("%-10s %14.0f%n%-10s %14s%n", "vm", vmPps, "kernel", kernelPps);
    }

    /** Mean ns per run of the VM's own test-run timing on {@code engine}, after a warm-up. */
    private static double vmNanos(BackendBenchmark.Program p, Engine engine, byte[] packet) {
        try (VmSide vm = new VmSide(p.fixture, engine)) {
            for (int i = 0; i < 20; i++) {
                vm.run(p.program, packet, DIRECT_REPEAT / 10);
            }
            return vm.run(p.program, packet, DIRECT_REPEAT).meanNanos();
        }
    }

    /** Each backend's own timing of its test-run, without JMH. */
    private static void direct(String kernelReason) {
        byte[] packet = Packets.tcpFrame1500();
        List<String> lines = new ArrayList<>();
        lines.add(String.format("%-8s %-26s %16s %16s %16s", "program", "fixture", "interpreter ns", "compiler ns", "kernel ns/run"));
        for (BackendBenchmark.Program p : BackendBenchmark.Program.values()) {
            double interpreterNs = vmNanos(p, Engine.INTERPRETER, packet);
            double compilerNs = vmNanos(p, Engine.COMPILER, packet);
            String kernelNs = "n/a";
            if (kernelReason == null) {
                try (KernelSide kernel = new KernelSide(p.fixture)) {
                    kernel.run(p.program, packet, DIRECT_REPEAT / 10);
                    TestRunResult r = kernel.run(p.program, packet, DIRECT_REPEAT);
                    kernelNs = Integer.toString(r.durationNanos()); // the kernel reports the mean per repeat
                }
            }
            lines.add(String.format("%-8s %-26s %16.0f %16.0f %16s", p.name(), p.fixture + "/" + p.program,
                    interpreterNs, compilerNs, kernelNs));
        }
        System.out.println();
        System.out.println("Direct test-run timings (VM: mean of " + DIRECT_REPEAT + " runs measured by TestRun;"
                + " kernel: BPF_PROG_TEST_RUN duration, which is already per repeat)"
                + (kernelReason == null ? "" : "; kernel skipped: " + kernelReason));
        lines.forEach(System.out::println);
    }
}
