package dev.wbpf.examples.embedding;

import dev.wbpf.vm.backend.VmBackend;
import dev.wbpf.vm.hook.VmInterface;
import dev.wbpf.vm.hook.VmNetwork;
import dev.wbpf.wasm.RunResult;
import dev.wbpf.wasm.StopReason;
import dev.wbpf.wasm.WasmBpfModule;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Part two of the example: the Wasm module bpf-guest/examples/xdp-count (its loader and BPF
 * object in one) run with arguments, its stdout sent to this application, on an in-JVM VM
 * backend whose interface {@code lo} gets UDP frames from here; once the guest has printed a count
 * of them it is stopped. The VM keeps the machine's real {@code lo} out of it, also as root.
 */
final class WasmModuleDemo {
    static final String MODULE = "xdp-count.wasm";
    private static final int FRAMES = 3;
    private static final long WAIT_SECONDS = 15;

    private final PrintStream out;

    WasmModuleDemo(PrintStream out) {
        this.out = out;
    }

    /** True if the guest counted the frames and stopped when asked. */
    boolean run() throws Exception {
        VmBackend vm = VmBackend.standard();
        VmInterface lo = vm.attachPoint(VmNetwork.class).orElseThrow().interfaceNamed("lo").orElseThrow();
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        try (WasmBpfModule module = WasmBpfModule.builder()
                .bytes(MODULE, DirectObjectDemo.resource(MODULE))
                .args(List.of("lo"))
                .stdout(new LineSink(line -> {
                    out.println("wasm| " + line);
                    lines.add(line);
                }))
                .stderr(new LineSink(line -> out.println("wasm! " + line)))
                .backend(vm)
                .build()) {
            CompletableFuture<RunResult> run = module.start(null);
            boolean counted = false;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
            for (String line; !counted && (line = lines.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS)) != null; ) {
                if (line.startsWith("Counting packets on lo")) {
                    for (int i = 0; i < FRAMES; i++) {
                        lo.inject(udpFrame(i));
                    }
                    out.println("injected " + FRAMES + " UDP frames into the VM's lo");
                }
                counted = line.matches("UDP\\s+" + FRAMES + "\\s.*");
            }
            module.stop(StopReason.REQUESTED);
            RunResult result = run.get(WAIT_SECONDS, TimeUnit.SECONDS);
            out.println("wasm: " + MODULE + " " + result.outcome() + " after " + result.elapsed().toMillis() + " ms, exit code "
                    + result.exitCode());
            return counted && result.outcome() == RunResult.Outcome.STOPPED;
        }
    }

    /** Ethernet + IPv4 + UDP to 127.0.0.1:9 with a 4-byte payload (checksums are not looked at). */
    private static byte[] udpFrame(int sequence) {
        ByteBuffer f = ByteBuffer.allocate(14 + 20 + 8 + 4);
        f.put(new byte[12]).putShort((short) 0x0800);
        f.put((byte) 0x45).put((byte) 0).putShort((short) 32).putShort((short) sequence).putShort((short) 0)
                .put((byte) 64).put((byte) 17).putShort((short) 0)
                .put(new byte[] {127, 0, 0, 1}).put(new byte[] {127, 0, 0, 1});
        f.putShort((short) 40000).putShort((short) 9).putShort((short) 12).putShort((short) 0);
        f.putInt(sequence);
        return f.array();
    }
}
