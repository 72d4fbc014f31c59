package dev.wbpf.vm.load;

import static dev.wbpf.vm.load.Packets.TCP;
import static dev.wbpf.vm.load.Packets.UDP;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wbpf.core.object.BpfObjectSpec;
import dev.wbpf.core.object.GlobalDataSpec;
import dev.wbpf.vm.HostEnvironment;
import dev.wbpf.vm.map.MapOfMaps;
import dev.wbpf.vm.map.ProgArrayMap;
import dev.wbpf.vm.map.VmMap;
import dev.wbpf.vm.testrun.TestRun;
import dev.wbpf.vm.testrun.TestRunInput;
import dev.wbpf.vm.testrun.TestRunResult;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import dev.wbpf.vm.Compiler;
import dev.wbpf.vm.Engine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

@ParameterizedClass(name = "{0}")
@EnumSource(Engine.class)
class VmLoaderTest {
    private final Engine engine;

    VmLoaderTest(Engine engine) {
        this.engine = engine;
    }

    private static final int XDP_DROP = 1, XDP_PASS = 2;
    private static final int CNT_TOTAL = 0, CNT_NON_IP = 1, CNT_IPV4 = 2, CNT_IPV6 = 3, CNT_TCP = 4, CNT_UDP = 5,
            CNT_MALFORMED = 7, CNT_DROPPED = 8;
    private static final HostEnvironment QUIET = HostEnvironment.ofCurrentProcess().withTraceLog(line -> { });

    private VmObject load(String name) {
        return VmLoader.load(Objects.spec(name), LoadSettings.defaults().withCpus(2).withEnvironment(QUIET).withEngine(engine));
    }

    @Test
    void theEngineRunsTheFixturePrograms() {
        // packet parsing, legacy packet loads, bpf-to-bpf calls and a callback: all within the compiler's reach
        List<String[]> programs = List.of(new String[] {"xdp_parse", "xdp_parse_prog"}, new String[] {"tc_classify", "tc_classify"},
                new String[] {"sockfilter", "socket_count"}, new String[] {"subprogs", "prog_a"}, new String[] {"subprogs", "prog_c"});
        for (String[] p : programs) {
            assertEquals(engine == Engine.COMPILER, Compiler.isCompiled(load(p[0]).machine(p[1])), p[0] + "/" + p[1] + " on the " + engine);
        }
    }

    private static byte[] key(int i) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(i).array();
    }

    /** packets counted under {@code counter} on CPU {@code cpu} of xdp_parse's per-CPU counters. */
    private static long packets(VmObject obj, int counter, int cpu) {
        byte[] all = obj.map("counters").orElseThrow().lookup(key(counter));
        return ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN).getLong(cpu * 16);
    }

    private static int xdp(VmObject obj, byte[] frame) {
        TestRunResult r = TestRun.run(obj.machine("xdp_parse_prog"), TestRunInput.ofData(frame), QUIET);
        assertArrayEquals(frame, r.dataOut());
        return r.retval();
    }

    @Test
    void xdpParseVerdictsAndCounters() {
        VmObject obj = load("xdp_parse");
        byte[] tcp = Packets.ethernet(0x0800, Packets.ipv4(TCP, 0, Packets.tcp(1234, 80, true, false)));
        byte[] udp = Packets.ethernet(0x0800, Packets.ipv4(UDP, 0, Packets.udp(1234, 53, 10)));
        byte[] v6 = Packets.ethernet(0x86dd, Packets.ipv6(TCP, Packets.tcp(1, 443, false, true)));
        byte[] vlan = Packets.vlan(7, 0x0800, Packets.ipv4(UDP, 0, Packets.udp(5, 6, 0)));
        byte[] arp = Packets.padTo(Packets.ethernet(0x0806, new byte[28]), 60);
        byte[] truncated = java.util.Arrays.copyOf(tcp, 14 + 20 + 10);
        for (byte[] frame : List.of(tcp, udp, v6, vlan, arp, truncated)) {
            assertEquals(XDP_PASS, xdp(obj, frame));
        }
        assertEquals(6, packets(obj, CNT_TOTAL, 0));
        assertEquals(0, packets(obj, CNT_TOTAL, 1));
        assertEquals(4, packets(obj, CNT_IPV4, 0)); // tcp, udp, vlan, truncated
        assertEquals(1, packets(obj, CNT_IPV6, 0));
        assertEquals(3, packets(obj, CNT_TCP, 0));
        assertEquals(2, packets(obj, CNT_UDP, 0));
        assertEquals(1, packets(obj, CNT_NON_IP, 0));
        assertEquals(1, packets(obj, CNT_MALFORMED, 0));
        byte[] total = obj.map("counters").orElseThrow().lookup(key(CNT_TOTAL));
        long bytes = ByteBuffer.wrap(total).order(ByteOrder.LITTLE_ENDIAN).getLong(8);
        assertEquals(tcp.length + udp.length + v6.length + vlan.length + arp.length + truncated.length, bytes);
    }

    @Test
    void xdpParseDropsWhatRodataSays() {
        VmObject obj = load("xdp_parse");
        GlobalDataSpec rodata = obj.spec().global(".rodata").orElseThrow();
        VmMap map = obj.map(rodata.mapName()).orElseThrow();
        byte[] value = map.lookup(key(0));
        int off = rodata.variables().stream().filter(v -> v.name().equals("drop_udp_dport")).findFirst().orElseThrow().offset();
        value[off] = 53;
        value[off + 1] = 0;
        map.update(key(0), value, 0);
        assertEquals(XDP_DROP, xdp(obj, Packets.ethernet(0x0800, Packets.ipv4(UDP, 0, Packets.udp(9, 53, 4)))));
        assertEquals(XDP_PASS, xdp(obj, Packets.ethernet(0x0800, Packets.ipv4(UDP, 0, Packets.udp(9, 54, 4)))));
        assertEquals(1, packets(obj, CNT_DROPPED, 0));
    }

    @Test
    void sockfilterCountsProtocolsOnLinkLayerPackets() {
        VmObject obj = load("sockfilter");
        byte[] udp = Packets.ethernet(0x0800, Packets.ipv4(UDP, 0, Packets.udp(1000, 2000, 8)));
        byte[] tcp = Packets.ethernet(0x0800, Packets.ipv4(TCP, 0, Packets.tcp(1000, 2000, true, false)));
        byte[] frag = Packets.ethernet(0x0800, Packets.ipv4(UDP, 0x2000, Packets.udp(1, 2, 0)));
        // As a packet socket delivers them: from the Ethernet header.
        assertEquals(-1, SocketRuns.run(obj, "socket_count", udp));
        assertEquals(-1, SocketRuns.run(obj, "socket_count", tcp));
        assertEquals(0, SocketRuns.run(obj, "socket_count", frag));
        VmMap counts = obj.map("proto_counts").orElseThrow();
        assertEquals(1, ByteBuffer.wrap(counts.lookup(key(UDP))).order(ByteOrder.LITTLE_ENDIAN).getLong(0));
        assertEquals(udp.length, ByteBuffer.wrap(counts.lookup(key(UDP))).order(ByteOrder.LITTLE_ENDIAN).getLong(8));
        assertEquals(1, ByteBuffer.wrap(counts.lookup(key(TCP))).order(ByteOrder.LITTLE_ENDIAN).getLong(0));

        assertEquals(udp.length, SocketRuns.run(obj, "socket_flows", udp));
        VmMap flows = obj.map("flows").orElseThrow();
        byte[] flowKey = flows.nextKey(null);
        ByteBuffer k = ByteBuffer.wrap(flowKey).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(1000, k.getShort(8) & 0xffff);
        assertEquals(2000, k.getShort(10) & 0xffff);
        assertEquals(UDP, flowKey[12]);
    }

    @Test
    void sockfilterTestRunSeesTheNetworkHeaderAsTheKernelDoes() {
        VmObject obj = load("sockfilter");
        byte[] udp = Packets.ethernet(0x0800, Packets.ipv4(UDP, 0, Packets.udp(1000, 2000, 8)));
        // In BPF_PROG_TEST_RUN the kernel pulls the Ethernet header: load_half(skb, 12) reads the IPv4 source address.
        TestRunResult r = TestRun.run(obj.machine("socket_count"), TestRunInput.ofData(udp), QUIET);
        assertEquals(0, r.retval());
        assertEquals(udp.length, r.dataOut().length);
        assertEquals(0, r.dataOut()[12]); // Ethernet header zeroed in data out
    }

    @Test
    void globalsReadAndWrite() {
        List<String> trace = new ArrayList<>();
        BpfObjectSpec spec = Objects.spec("globals");
        VmObject obj = VmLoader.load(spec, LoadSettings.defaults().withCpus(1)
                .withEnvironment(HostEnvironment.ofCurrentProcess().withTraceLog(trace::add)));
        TestRunInput none = TestRunInput.ofContext(new byte[8]);
        assertEquals(0, TestRun.run(obj.machine("read_globals"), none, obj.settings().environment()).returnValue());
        assertEquals(0, TestRun.run(obj.machine("read_globals"), none, obj.settings().environment()).returnValue());
        GlobalDataSpec data = spec.global(".data").orElseThrow();
        byte[] dataValue = obj.map(data.mapName()).orElseThrow().lookup(key(0));
        ByteBuffer d = ByteBuffer.wrap(dataValue).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(42 + 2 * 3, d.getInt(offset(data, "data_u32")));
        assertEquals(-7 - 2L * 0x11223344, d.getLong(offset(data, "data_s64")));
        assertEquals(1 + 2, d.getLong(offset(data, "data_counters")));
        GlobalDataSpec bss = spec.global(".bss").orElseThrow();
        ByteBuffer b = ByteBuffer.wrap(obj.map(bss.mapName()).orElseThrow().lookup(key(0))).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(2, b.getLong(offset(bss, "bss_u64")));
        assertTrue(trace.contains("wbpf: hits=3 idx=1"), trace.toString());
        assertTrue(trace.contains("wbpf globals: cfg=wbpf port=8080"), trace.toString());

        // write_globals: bss_counters.last_ret = (s32) args[1]
        ByteBuffer args = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(0).putLong(-5);
        TestRun.run(obj.machine("write_globals"), TestRunInput.ofContext(args.array()), obj.settings().environment());
        b = ByteBuffer.wrap(obj.map(bss.mapName()).orElseThrow().lookup(key(0))).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(-5, b.getInt(offset(bss, "bss_counters") + 20));
        assertTrue(trace.stream().anyMatch(l -> l.startsWith("negative return -5 (threshold 1000000)")), trace.toString());
    }

    @Test
    void rodataIsReadOnlyToPrograms() {
        VmObject obj = load("globals");
        GlobalDataSpec rodata = obj.spec().global(".rodata").orElseThrow();
        assertTrue((obj.map(rodata.mapName()).orElseThrow().definition().flags() & GlobalDataSpec.BPF_F_RDONLY_PROG) != 0);
    }

    private static int offset(GlobalDataSpec g, String variable) {
        return g.variables().stream().filter(v -> v.name().equals(variable)).findFirst().orElseThrow().offset();
    }

    @Test
    void subprogramsLoadAndRun() {
        VmObject obj = load("subprogs");
        assertEquals(Set.of("prog_a", "prog_b", "prog_c"), obj.programs().keySet());
        for (String name : List.of("prog_a", "prog_b")) {
            TestRun.run(obj.machine(name), TestRunInput.ofContext(new byte[48]), QUIET);
        }
        // prog_c sums the counts of `stats` with bpf_for_each_map_elem into lc.acc and mixes it into last_result
        VmMap stats = obj.map("stats").orElseThrow();
        long before = counts(stats);
        assertTrue(before > 0, "prog_a and prog_b accounted into stats");
        assertEquals(0, TestRun.run(obj.machine("prog_c"), TestRunInput.ofContext(new byte[16]), QUIET).retval());
    }

    private static long counts(VmMap stats) {
        long sum = 0;
        for (int i = 0; i < 16; i++) {
            sum += ByteBuffer.wrap(stats.lookup(key(i))).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        }
        return sum;
    }

    @Test
    void aProgramUsingAHelperTheVmLacksIsRefusedByName() {
        // every helper the loadable fixtures call exists in the VM, so take one away: a host may
        LoadException e = assertThrows(LoadException.class, () -> VmLoader.load(Objects.spec("subprogs"),
                LoadSettings.defaults().withEnvironment(QUIET).withHelpers(dev.wbpf.vm.helper.HelperTable.standard()
                        .without(dev.wbpf.vm.helper.HelperIds.FOR_EACH_MAP_ELEM))));
        assertTrue(e.getMessage().contains("program `prog_c`") && e.getMessage().contains("unknown#164"), e.getMessage());
    }

    @Test
    void cpuv4ProgramsRunIncludingMayGoto() {
        VmObject obj = load("cpuv4");
        for (String name : obj.programs().keySet()) {
            assertEquals(0, TestRun.run(obj.machine(name), TestRunInput.ofContext(new byte[16]), QUIET).retval(), name);
        }
        assertTrue(obj.programs().containsKey("v4_loops"));
    }

    @Test
    void mapInMapSlotsAreFilled() {
        VmObject obj = load("map_in_map");
        MapOfMaps outer = (MapOfMaps) obj.map("outer_arr").orElseThrow();
        assertEquals(obj.map("inner_a").orElseThrow(), outer.innerMap(key(0)));
        assertEquals(obj.map("inner_b").orElseThrow(), outer.innerMap(key(2)));
        MapOfMaps hash = (MapOfMaps) obj.map("outer_hash").orElseThrow();
        assertEquals(obj.map("inner_h").orElseThrow(), hash.innerMap(key(1)));
        for (String name : obj.programs().keySet()) {
            TestRun.run(obj.machine(name), TestRunInput.ofContext(new byte[48]), QUIET);
        }
    }

    @Test
    void miscMapsTailCallsThroughTheInitialisedProgArray() {
        VmObject obj = VmLoader.load(Objects.spec("misc_maps"), LoadSettings.defaults().withCpus(1).withEnvironment(QUIET)
                .withPrograms(name -> name.equals("dispatch") || name.startsWith("tail_stage")));
        ProgArrayMap table = (ProgArrayMap) obj.map("jmp_table").orElseThrow();
        assertEquals(obj.program("tail_stage1").orElseThrow(), table.get(1));
        assertEquals(obj.program("tail_stage2").orElseThrow(), table.get(2));
        assertTrue(obj.map("task_store").isPresent(), "the VM keeps task storage");
        assertTrue(obj.map("sk_store").isEmpty(), "socket storage is skipped: no loaded program uses it");
        byte[] args = new byte[16];
        // no route, empty fifo: idx 1 -> tail_stage1 -> tail_stage2, which returns 2
        assertEquals(2, TestRun.run(obj.machine("dispatch"), TestRunInput.ofContext(args), QUIET).returnValue());
        // fifo holds 0 -> idx 0, an empty slot: dispatch falls through and returns 0
        obj.map("fifo").orElseThrow().update(new byte[0], new byte[8], 0);
        assertEquals(0, TestRun.run(obj.machine("dispatch"), TestRunInput.ofContext(args), QUIET).returnValue());
    }

    @Test
    void kernelSymbolsKfuncsAndKernelOnlyMapsAreRefusedByName() {
        LoadException e = assertThrows(LoadException.class, () -> load("misc_maps"));
        assertTrue(e.getMessage().contains("misc_switch") || e.getMessage().contains("sk_count"), e.getMessage());
        LoadException ksym = assertThrows(LoadException.class, () -> VmLoader.load(Objects.spec("misc_maps"),
                LoadSettings.defaults().withPrograms(n -> n.equals("misc_switch")).withKernelConfig(
                        KernelConfig.defaults().with("CONFIG_HZ", 250L).with("CONFIG_LOCALVERSION", "-vm"))));
        assertTrue(ksym.getMessage().contains("program `misc_switch` calls kernel function `bpf_task_acquire`, which exists only in"
                + " the kernel"), ksym.getMessage());
        LoadException runqueues = assertThrows(LoadException.class, () -> load("ksym"));
        assertTrue(runqueues.getMessage().contains("program `sample_rq` uses kernel symbol `runqueues`, which exists only in the kernel"),
                runqueues.getMessage());
    }
}
