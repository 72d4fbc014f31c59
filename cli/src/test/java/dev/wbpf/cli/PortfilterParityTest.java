package dev.wbpf.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.wbpf.core.testing.RequiresKernel;
import dev.wbpf.vm.hook.PcapWriter;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One module, two backends, the same packets, the same answer: portfilter attached to {@code lo}
 * in the kernel while the test sends UDP datagrams, then on the VM with a capture of the same
 * frames as XDP sees them on {@code lo} (zero MACs, IPv4 or IPv6). Other tests put traffic on
 * {@code lo} too, so portfilter counts only a range of three ports picked at random below the
 * ephemeral range.
 */
@RequiresKernel
class PortfilterParityTest {
    private static final Duration ATTACHED = Duration.ofSeconds(60);

    private record Datagram(InetAddress to, int port, int payload) {}

    @Test
    void kernelOnLoAndVmOnACaptureOfTheSamePacketsPrintTheSameTable(@TempDir Path dir) throws Exception {
        int port = ThreadLocalRandom.current().nextInt(20_000, 29_997);
        InetAddress v4 = InetAddress.getByName("127.0.0.1");
        InetAddress v6 = InetAddress.getByName("::1");
        List<Datagram> sent = List.of(new Datagram(v4, port, 10), new Datagram(v4, port, 100), new Datagram(v6, port, 1000),
                new Datagram(v4, port + 1, 20), new Datagram(v6, port + 1, 30), new Datagram(v4, port + 2, 0));
        String[] args = {"lo", "-t", "3", "-p", port + "-" + (port + 2), "-d", Integer.toString(port + 1)};

        String kernelTable;
        Path capture = dir.resolve("sent.pcap");
        try (StreamingCli cli = StreamingCli.start(concat(List.of("run", "--backend", "kernel", "--timeout", "30s",
                ExamplesKernelTest.example("portfilter").toString()), args));
             DatagramSocket socket = new DatagramSocket();
             PcapWriter pcap = new PcapWriter(capture)) {
            cli.awaitLine(l -> l.startsWith("Counting TCP/UDP packets"), ATTACHED);
            long now = System.currentTimeMillis() * 1_000_000L;
            for (Datagram d : sent) {
                socket.send(new DatagramPacket(new byte[d.payload()], d.payload(), d.to(), d.port()));
                pcap.write(now, LoopbackFrame.udp(d.to(), socket.getLocalPort(), d.port(), d.payload()));
            }
            assertEquals(0, cli.await(Duration.ofSeconds(60)), cli.err());
            kernelTable = table(cli.out());
        }

        CliRunner vm = CliRunner.run(concat(List.of("run", "--backend", "vm", "--pcap", capture.toString(),
                ExamplesKernelTest.example("portfilter").toString()), args));
        assertEquals(0, vm.exitCode(), vm.err());
        String expected = String.format("""
                PROTO  PORT    PACKETS      BYTES  VERDICT
                UDP   %5d          3 %10d  pass
                UDP   %5d          2 %10d  drop
                UDP   %5d          1 %10d  pass
                """, port, (14 + 20 + 8) * 2 + 110 + 14 + 40 + 8 + 1000, port + 1, 14 + 20 + 8 + 20 + 14 + 40 + 8 + 30,
                port + 2, 14 + 20 + 8);
        assertEquals(expected, kernelTable, "the kernel's table");
        assertEquals(kernelTable, table(vm.out()), "the VM's table");
    }

    private static String table(String out) {
        return out.substring(out.indexOf("PROTO "));
    }

    private static String[] concat(List<String> head, String[] tail) {
        List<String> all = new ArrayList<>(head);
        all.addAll(List.of(tail));
        return all.toArray(String[]::new);
    }

    /** A UDP datagram to a loopback address as XDP sees it on {@code lo}: zero MACs, then IPv4 or IPv6. */
    static final class LoopbackFrame {
        private LoopbackFrame() {}

        static byte[] udp(InetAddress to, int sourcePort, int destPort, int payload) {
            byte[] address = to.getAddress();
            boolean v6 = address.length == 16;
            int udpLength = 8 + payload;
            ByteBuffer f = ByteBuffer.allocate(14 + (v6 ? 40 : 20) + udpLength);
            f.position(12);
            f.putShort((short) (v6 ? 0x86dd : 0x0800));
            if (v6) {
                f.putInt(6 << 28).putShort((short) udpLength).put((byte) 17).put((byte) 64).put(address).put(address);
            } else {
                f.put((byte) 0x45).put((byte) 0).putShort((short) (20 + udpLength)).putShort((short) 0).putShort((short) 0x4000)
                        .put((byte) 64).put((byte) 17).putShort((short) 0).put(address).put(address);
            }
            f.putShort((short) sourcePort).putShort((short) destPort).putShort((short) udpLength).putShort((short) 0);
            return f.array();
        }
    }
}
