package dev.wbpf.benchmarks;

import dev.wbpf.vm.hook.Pcap;
import dev.wbpf.vm.hook.PcapWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * A pcap file in memory with a traffic mix for the packet-rate benchmark: {@value #PACKETS}
 * Ethernet frames cycling through IPv4/TCP (full-size and ACK-size), IPv4/UDP (DNS-size, to a port
 * the parse program drops), IPv6/TCP, VLAN-tagged IPv4/UDP and ARP.
 */
public final class SampleCapture {
    public static final int PACKETS = 1020; // a whole number of mixes

    private SampleCapture() {}

    /** The capture as a pcap file's bytes. */
    public static byte[] pcapBytes() {
        List<byte[]> mix = List.of(
                Packets.tcpFrame1500(),
                Packets.padTo(Packets.ethernet(0x0800, Packets.ipv4(Packets.TCP, 64, Packets.tcp(40000, 443, false, new byte[0]))), 60),
                Packets.ethernet(0x0800, Packets.ipv4(Packets.UDP, 64, Packets.udp(5353, 53, new byte[64]))),
                Packets.ethernet(0x86dd, Packets.ipv6(Packets.TCP, 64, Packets.tcp(40001, 80, true, new byte[0]))),
                Packets.vlan(7, 0x0800, Packets.ipv4(Packets.UDP, 64, Packets.udp(40002, 123, new byte[48]))),
                Packets.arp());
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        try (PcapWriter writer = new PcapWriter(file, 65_535)) {
            for (int i = 0; i < PACKETS; i++) {
                writer.write(1_764_028_800_000_000_000L + i * 1_000L, mix.get(i % mix.size()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file.toByteArray();
    }

    /** The capture's packets, read back through the VM's pcap reader. */
    public static List<Pcap.Packet> packets() {
        try {
            return Pcap.parse(pcapBytes());
        } catch (Pcap.PcapException e) {
            throw new IllegalStateException(e);
        }
    }
}
