package dev.wbpf.cli;

import dev.wbpf.vm.hook.Pcap;
import dev.wbpf.vm.hook.PcapReplay;
import dev.wbpf.vm.hook.PcapWriter;
import dev.wbpf.vm.hook.VmInterface;
import dev.wbpf.vm.hook.VmNetwork;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code wbpf run --pcap [IFACE=]FILE} and {@code --pcap-out [IFACE=]FILE} on the VM backend:
 * captures read before the module starts and replayed into VM interfaces once programs attach
 * ({@link PcapReplay}); packets that pass an interface written to a pcap file; the counts of each
 * interface for {@code -v}.
 */
final class PacketCaptures implements AutoCloseable {
    /** How long attaching must have been quiet before a replay starts (a skeleton attaches its programs in one burst). */
    static final Duration SETTLE = Duration.ofMillis(100);

    /** {@code [IFACE=]FILE}: the interface is {@code lo} unless named. */
    record Spec(String iface, Path file) {
        static Spec parse(String option, String value) {
            int eq = value.indexOf('=');
            boolean named = eq > 0 && !value.substring(0, eq).contains("/"); // a path may hold '=' after a '/'
            String iface = named ? value.substring(0, eq) : "lo";
            String file = named ? value.substring(eq + 1) : value;
            if (file.isEmpty()) {
                throw new IllegalArgumentException(option + " " + value + ": no file named");
            }
            return new Spec(iface, Path.of(file));
        }
    }

    private record Output(VmInterface iface, Path file, PcapWriter writer) {}

    private final List<PcapReplay> replays = new ArrayList<>();
    private final List<Path> replayFiles = new ArrayList<>();
    private final List<Output> outputs = new ArrayList<>();
    private final Set<VmInterface> interfaces = new LinkedHashSet<>();

    private PacketCaptures() {}

    /** Reads every capture (a bad one fails here, before the module runs) and arms the replays and outputs. */
    static PacketCaptures open(VmNetwork network, List<Spec> inputs, List<Spec> outputs) throws IOException {
        PacketCaptures captures = new PacketCaptures();
        try {
            for (Spec in : inputs) {
                if (!Files.isRegularFile(in.file())) {
                    throw new IOException("--pcap " + in.file() + ": no such file");
                }
                VmInterface iface = network.create(in.iface());
                captures.replays.add(PcapReplay.whenAttached(iface, Pcap.read(in.file()), SETTLE));
                captures.replayFiles.add(in.file());
                captures.interfaces.add(iface);
            }
            for (Spec out : outputs) {
                VmInterface iface = network.create(out.iface());
                PcapWriter writer = new PcapWriter(out.file());
                iface.writePassedTo(writer);
                captures.outputs.add(new Output(iface, out.file(), writer));
                captures.interfaces.add(iface);
            }
            return captures;
        } catch (IOException | RuntimeException e) {
            captures.close();
            throw e;
        }
    }

    /**
     * What went through each interface: with {@code verbose} the replays, counters and outputs;
     * without it only a replay that never started, since that run saw none of its capture.
     */
    void report(PrintStream err, boolean verbose) {
        for (int i = 0; i < replays.size(); i++) {
            PcapReplay r = replays.get(i);
            if (!r.started()) {
                err.printf("wbpf: no program attached to VM interface %s, so none of the %d packets of %s were replayed%n",
                        r.iface().name(), r.size(), replayFiles.get(i));
            } else if (verbose) {
                err.printf("wbpf: %s: replayed %d of %d packets from %s%n", r.iface().name(), r.replayed(), r.size(),
                        replayFiles.get(i));
            }
        }
        if (verbose) {
            interfaces.forEach(iface -> err.println("wbpf: " + iface.summary()));
            outputs.forEach(o -> err.printf("wbpf: %s: wrote %d passed packets to %s%n", o.iface().name(),
                    o.iface().counters().passed(), o.file()));
        }
    }

    /** Stops replays still under way, then closes the outputs (so they hold every packet that passed). */
    @Override
    public void close() throws IOException {
        for (PcapReplay r : replays) {
            try {
                r.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (Output o : outputs) {
            o.iface().writePassedTo(null);
            o.writer().close();
        }
    }
}
