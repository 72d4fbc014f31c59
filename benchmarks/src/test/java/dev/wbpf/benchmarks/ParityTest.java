package dev.wbpf.benchmarks;

import static dev.wbpf.benchmarks.Packets.TCP;
import static dev.wbpf.benchmarks.Packets.UDP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.wbpf.core.testing.RequiresKernel;
import dev.wbpf.kernel.KernelException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The kernel is the oracle: the XDP, tc and socket-filter fixtures run through
 * BPF_PROG_TEST_RUN and through the VM's test-run on the same packets, in the same order, and
 * must give the same return values, the same packet out and the same map contents afterwards.
 */
@RequiresKernel
class ParityTest {
    /** The crafted packets, in the order both backends see them. */
    static Map<String, byte[]> packets() {
        Map<String, byte[]> p = new LinkedHashMap<>();
        byte[] tcp = Packets.ethernet(0x0800, Packets.ipv4(TCP, 64, Packets.tcp(40000, 80, true, new byte[0])));
        p.put("ipv4/tcp syn", tcp);
        p.put("ipv4/tcp 1500", Packets.tcpFrame1500());
        p.put("ipv4/udp dns", Packets.ethernet(0x0800, Packets.ipv4(UDP, 64, Packets.udp(5353, 53, new byte[12]))));
        p.put("ipv4/udp discard", Packets.ethernet(0x0800, Packets.ipv4(UDP, 3, Packets.udp(1000, 9, new byte[4]))));
        p.put("ipv4/udp other", Packets.ethernet(0x0800, Packets.ipv4(UDP, 64, Packets.udp(1000, 4789, new byte[30]))));
        p.put("ipv4 ttl 1", Packets.ethernet(0x0800, Packets.ipv4(TCP, 1, Packets.tcp(1, 2, false, new byte[0]))));
        p.put("ipv4/icmp", Packets.ethernet(0x0800, Packets.ipv4(1, 64, new byte[8])));
        p.put("ipv6/tcp", Packets.ethernet(0x86dd, Packets.ipv6(TCP, 64, Packets.tcp(1, 443, false, new byte[10]))));
        p.put("ipv6/udp", Packets.ethernet(0x86dd, Packets.ipv6(UDP, 1, Packets.udp(7, 53, new byte[0]))));
        p.put("vlan/ipv4/udp", Packets.vlan(7, 0x0800, Packets.ipv4(UDP, 64, Packets.udp(5, 6, new byte[0]))));
        p.put("vlan/ipv6", Packets.vlan(8, 0x86dd, Packets.ipv6(TCP, 64, Packets.tcp(9, 10, true, new byte[0]))));
        p.put("arp", Packets.arp());
        p.put("truncated ipv4/tcp", Arrays.copyOf(tcp, 14 + 20 + 10));
        p.put("truncated ipv4 header", Arrays.copyOf(tcp, 14 + 12));
        p.put("ethernet only", Arrays.copyOf(tcp, 14));
        return p;
    }

    private static void compare(String fixture, List<String> programs) {
        compare(fixture, programs, packets());
    }

    private static void compare(String fixture, List<String> programs, Map<String, byte[]> packets) {
        try (KernelSide kernel = new KernelSide(fixture); VmSide vm = new VmSide(fixture)) {
            int runs = 0, refused = 0;
            for (String program : programs) {
                for (Map.Entry<String, byte[]> packet : packets.entrySet()) {
                    Outcome expected;
                    try {
                        expected = kernel.run(program, packet.getValue());
                    } catch (KernelException e) {
                        // the kernel refuses this input (EINVAL): so must the VM
                        assertThrows(IllegalArgumentException.class, () -> vm.run(program, packet.getValue()),
                                fixture + "/" + program + " on " + packet.getKey() + ": the kernel refused it (" + e.getMessage() + ")");
                        refused++;
                        continue;
                    }
                    Outcome actual = vm.run(program, packet.getValue());
                    assertEquals(expected, actual, fixture + "/" + program + " on " + packet.getKey());
                    runs++;
                }
            }
            Map<String, Map<String, String>> kernelMaps = kernel.maps();
            Map<String, Map<String, String>> vmMaps = vm.maps();
            assertEquals(kernelMaps.keySet(), vmMaps.keySet(), fixture + ": maps");
            assertEquals(kernelMaps, vmMaps, fixture + ": map contents after " + runs + " runs");
            assertFalse(kernelMaps.values().stream().allMatch(Map::isEmpty), fixture + ": the runs left something in the maps");
            System.out.printf("parity %-12s %-32s %3d runs identical, %d inputs refused by both, %d maps identical%n", fixture, programs,
                    runs, refused, kernelMaps.size());
        }
    }

    @Test void xdpParse() {
        compare("xdp_parse", List.of("xdp_parse_prog"));
    }

    @Test void tcClassify() {
        compare("tc_classify", List.of("tc_classify"));
    }

    /**
     * The kernel's test-run of a socket filter starts skb->data at the network header (it strips
     * the Ethernet header, as for a packet socket bound to a protocol). The sockfilter programs
     * expect a whole frame at offset 0 (an AF_PACKET raw socket), so each crafted frame travels
     * as the payload of an outer Ethernet header with EtherType IPv4: both backends strip that one
     * and the programs see the frame.
     */
    @Test void socketFilters() {
        Map<String, byte[]> wrapped = new LinkedHashMap<>();
        packets().forEach((name, frame) -> wrapped.put(name, Packets.ethernet(0x0800, frame)));
        wrapped.put("bare ipv4/udp (no inner frame)", Packets.ethernet(0x0800, Packets.ipv4(UDP, 64, Packets.udp(1, 2, new byte[0]))));
        compare("sockfilter", List.of("socket_count", "socket_flows"), wrapped);
    }

    @Test void benchmarkPrograms() {
        for (String name : Set.of("bench_alu", "bench_csum", "bench_maps")) {
            compare(name, List.of(name));
        }
    }
}
