package dev.wbpf.vm;

import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import static dev.wbpf.vm.Asm.asm;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wbpf.core.object.MapType;
import dev.wbpf.core.prog.ProgramType;
import dev.wbpf.vm.helper.HelperIds;
import dev.wbpf.vm.helper.HelperTable;
import dev.wbpf.vm.map.MapDefinition;
import dev.wbpf.vm.map.MapOfMaps;
import dev.wbpf.vm.map.PerfEventArrayMap;
import dev.wbpf.vm.map.RingBufferMap;
import dev.wbpf.vm.map.VmMap;
import dev.wbpf.vm.map.VmMaps;
import dev.wbpf.vm.testrun.TestRun;
import dev.wbpf.vm.testrun.TestRunInput;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The helpers HelperTest leaves out, each driven from a program. */
@ParameterizedClass(name = "{0}")
@EnumSource(Engine.class)
class MoreHelperTest {
    private final Engine engine;

    MoreHelperTest(Engine engine) {
        this.engine = engine;
    }

    private static byte[] le32(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array();
    }

    private static long le64(byte[] b, int at) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getLong(at);
    }

    @Test void spinLockSerialisesIncrementsFromSeveralThreads() throws Exception {
        // value: { u32 lock; u32 pad; u64 counter }; lock; counter = counter + 1 (not atomic); unlock
        VmMap array = HelperTest.map(MapType.ARRAY, 4, 16, 1);
        Asm p = HelperTest.lookupKey0(asm()).jmpImm(0x10, 0, 0, 9).mov64Reg(6, 0)
                .mov64Reg(1, 6).call(HelperIds.SPIN_LOCK)
                .ldxdw(7, 6, 8).add64Imm(7, 1).stxdw(6, 7, 8)
                .mov64Reg(1, 6).call(HelperIds.SPIN_UNLOCK)
                .mov64Imm(0, 0).exit();
        VmProgram program = Vm.program(p, array);
        int threads = 4, runs = 20_000;
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int cpu = t;
                done.add(pool.submit(() -> {
                    Machine machine = engine.machineFor(program);
                    ExecutionContext ctx = new ExecutionContext(cpu, Vm.quietEnvironment());
                    for (int i = 0; i < runs; i++) {
                        machine.execute(ctx);
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        }
        byte[] value = array.lookup(new byte[4]);
        assertEquals((long) threads * runs, le64(value, 8));
        assertEquals(0, value[0], "the lock is free after the runs");
    }

    @Test void spinLockHeldAtExitIsReleasedAndUnlockWithoutLockFaults() {
        VmMap array = HelperTest.map(MapType.ARRAY, 4, 8, 1);
        Asm forgets = HelperTest.lookupKey0(asm()).jmpImm(0x10, 0, 0, 2).mov64Reg(1, 0).call(HelperIds.SPIN_LOCK).mov64Imm(0, 0).exit();
        Vm.run(engine, forgets, array);
        assertEquals(0, array.lookup(new byte[4])[0]);
        Asm unlockOnly = HelperTest.lookupKey0(asm()).jmpImm(0x10, 0, 0, 2).mov64Reg(1, 0).call(HelperIds.SPIN_UNLOCK).mov64Imm(0, 0).exit();
        HelperFault e = assertThrows(HelperFault.class, () -> Vm.run(engine, unlockOnly, array));
        assertTrue(e.getMessage().contains("does not hold"), e.getMessage());
    }

    @Test void skbLoadBytesCopiesFromThePacketAndFaultsPastItsEnd() {
        // socket filter test-run: skb->data is at the network header
        byte[] frame = new byte[14 + 20 + 8];
        frame[12] = 0x08;
        frame[13] = 0x00;
        for (int i = 14; i < frame.length; i++) {
            frame[i] = (byte) i;
        }
        // skb_load_bytes(skb, off, fp-8, 4) -> r0 = error or the loaded u32
        java.util.function.IntFunction<Asm> load = off -> asm().mov64Imm(2, off).mov64Reg(3, 10).add64Imm(3, -8).mov64Imm(4, 4)
                .call(HelperIds.SKB_LOAD_BYTES).jmpImm(0x50, 0, 0, 1).ldxw(0, 10, -8).exit();
        VmProgram at2 = VmProgram.prepare("l", ProgramType.SOCKET_FILTER, load.apply(2).build(), List.of(), HelperTable.standard());
        long r0 = TestRun.run(engine.machineFor(at2), TestRunInput.ofData(frame), Vm.quietEnvironment()).returnValue();
        assertEquals(ByteBuffer.wrap(frame, 16, 4).order(ByteOrder.LITTLE_ENDIAN).getInt() & 0xffff_ffffL, r0);
        VmProgram past = VmProgram.prepare("l", ProgramType.SOCKET_FILTER, load.apply(26).build(), List.of(), HelperTable.standard());
        assertEquals(-14, TestRun.run(engine.machineFor(past), TestRunInput.ofData(frame), Vm.quietEnvironment()).retval());
    }

    @Test void perfEventOutputFromAProgramLandsOnTheCurrentCpu() {
        PerfEventArrayMap perf = (PerfEventArrayMap) VmMaps.create(MapDefinition.of("events", MapType.PERF_EVENT_ARRAY, 4, 4, 2), 2);
        // ctx = r1; *(u64 *)(fp-8) = 0xabcdef; perf_event_output(ctx, events, BPF_F_CURRENT_CPU, fp-8, 8)
        Asm p = asm().stdw(10, -8, 0xabcdef).ldMap(2, 0).lddw(3, 0xffff_ffffL).mov64Reg(4, 10).add64Imm(4, -8).mov64Imm(5, 8)
                .call(HelperIds.PERF_EVENT_OUTPUT).exit();
        ExecutionContext ctx = new ExecutionContext(1, Vm.quietEnvironment());
        assertEquals(0L, engine.machineFor(Vm.program(p, perf)).execute(ctx));
        List<PerfEventArrayMap.Sample> samples = perf.drain();
        assertEquals(1, samples.size());
        assertEquals(1, samples.getFirst().cpu());
        assertEquals(0xabcdef, le64(samples.getFirst().data(), 0));
    }

    @Test void mapInMapLookupGivesTheInnerMapToLookUpIn() {
        MapDefinition innerDef = MapDefinition.of("inner", MapType.ARRAY, 4, 8, 2);
        VmMap inner = VmMaps.create(innerDef, 1);
        inner.update(le32(1), ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(77).array(), 0);
        MapOfMaps outer = (MapOfMaps) VmMaps.create(new MapDefinition("outer", MapType.ARRAY_OF_MAPS, 4, 4, 2, 0, innerDef), 1);
        outer.put(0, inner);
        // inner = lookup(outer, 0); if !inner -> -1; v = lookup(inner, 1); if !v -> -2; return *v
        Asm p = HelperTest.lookupKey0(asm()).jmpImm(0x55, 0, 0, 2).mov64Imm(0, -1).exit()
                .mov64Reg(1, 0).st(0x00, 10, -8, 1).mov64Reg(2, 10).add64Imm(2, -8).call(HelperIds.MAP_LOOKUP_ELEM)
                .jmpImm(0x55, 0, 0, 2).mov64Imm(0, -2).exit()
                .ldxdw(0, 0, 0).exit();
        VmProgram program = dev.wbpf.vm.verifier.Verifier.prepareVerified("mim", ProgramType.SOCKET_FILTER, p.build(),
                List.of(outer), HelperTable.standard(), dev.wbpf.vm.verifier.Verifier.Options.defaults());
        assertEquals(77L, engine.machineFor(program).execute(new ExecutionContext(0, Vm.quietEnvironment())));
        outer.deleteElement(le32(0));
        assertEquals(-1L, engine.machineFor(program).execute(new ExecutionContext(0, Vm.quietEnvironment())));
    }

    @Test void currentUidGidComesFromTheHost() {
        HostEnvironment env = Vm.quietEnvironment();
        long r0 = engine.machineFor(Vm.program(asm().call(HelperIds.GET_CURRENT_UID_GID).exit())).execute(new ExecutionContext(0, env));
        assertEquals(env.uidGid(), r0);
        assertEquals(new com.sun.security.auth.module.UnixSystem().getUid(), r0 & 0xffff_ffffL);
    }

    @Test void probeReadStrCopiesUpToTheNulAndFaultsClean() {
        byte[] mem = "hello\0world".getBytes();
        for (int helper : new int[] {HelperIds.PROBE_READ_STR, HelperIds.PROBE_READ_USER_STR, HelperIds.PROBE_READ_KERNEL_STR}) {
            // read_str(fp-16, 16, mem) -> r0 = length incl. NUL; check the bytes via the stack
            Asm ok = asm().mov64Reg(3, 1).mov64Reg(1, 10).add64Imm(1, -16).mov64Imm(2, 16).call(helper)
                    .mov64Reg(6, 0).ldxdw(7, 10, -16).lddw(8, 0x0000_6f6c_6c65_68L).jmpReg(0x50, 7, 8, 1).exit().mov64Reg(0, 6).exit();
            assertEquals(6L, Vm.runWithMemory(ok, mem.clone()), "helper " + helper);
            // truncated to the buffer: 3 bytes + NUL
            Asm cut = asm().mov64Reg(3, 1).mov64Reg(1, 10).add64Imm(1, -4).mov64Imm(2, 4).call(helper).exit();
            assertEquals(4L, Vm.runWithMemory(cut, mem.clone()));
            Asm bad = asm().mov64Imm(3, 0x1000).mov64Reg(1, 10).add64Imm(1, -16).mov64Imm(2, 16).call(helper).exit();
            assertEquals(-14L, Vm.runWithMemory(bad, mem.clone()));
        }
    }

    @Test void ringbufOutputAndQuery() {
        RingBufferMap ring = (RingBufferMap) VmMaps.create(MapDefinition.of("events", MapType.RINGBUF, 0, 0, 4096), 1);
        // ringbuf_output(ring, fp-16, 16, 0); return ringbuf_query(ring, AVAIL_DATA)
        Asm p = asm().stdw(10, -16, 11).stdw(10, -8, 22).ldMap(1, 0).mov64Reg(2, 10).add64Imm(2, -16).mov64Imm(3, 16).mov64Imm(4, 0)
                .call(HelperIds.RINGBUF_OUTPUT).jmpImm(0x55, 0, 0, 4)
                .ldMap(1, 0).mov64Imm(2, RingBufferMap.QUERY_AVAIL_DATA).call(HelperIds.RINGBUF_QUERY).exit();
        assertEquals(16L + RingBufferMap.HEADER_SIZE, Vm.run(engine, p, ring));
        Asm size = asm().ldMap(1, 0).mov64Imm(2, RingBufferMap.QUERY_RING_SIZE).call(HelperIds.RINGBUF_QUERY).exit();
        assertEquals(4096L, Vm.run(engine, size, ring));
        List<byte[]> records = new ArrayList<>();
        assertEquals(1, ring.consume(records::add));
        assertArrayEquals(ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(11).putLong(22).array(), records.getFirst());
        assertEquals(0L, Vm.run(engine, asm().ldMap(1, 0).mov64Imm(2, RingBufferMap.QUERY_AVAIL_DATA).call(HelperIds.RINGBUF_QUERY).exit(), ring));
        // a record bigger than the ring is dropped with -EAGAIN... or refused: the kernel returns -EAGAIN
        Asm huge = asm().ldMap(1, 0).mov64Reg(2, 10).add64Imm(2, -512).mov64Imm(3, 512).mov64Imm(4, 0).call(HelperIds.RINGBUF_OUTPUT).exit();
        RingBufferMap small = (RingBufferMap) VmMaps.create(MapDefinition.of("small", MapType.RINGBUF, 0, 0, 256), 1);
        assertTrue(Vm.run(engine, huge, small) < 0);
    }

    /** Not a helper, but where skb_load_bytes' packets come from: the kernel refuses such input with EINVAL. */
    @Test void skbTestRunRefusesAnIpEtherTypeWithoutTheWholeNetworkHeader() {
        VmProgram p = VmProgram.prepare("l", ProgramType.SCHED_CLS, asm().mov64Imm(0, 0).exit().build(), List.of(), HelperTable.standard());
        byte[] ipv4 = new byte[14 + 19];
        ipv4[12] = 0x08;
        assertThrows(IllegalArgumentException.class, () -> TestRun.run(engine.machineFor(p), TestRunInput.ofData(ipv4)));
        byte[] ipv6 = new byte[14 + 39];
        ipv6[12] = (byte) 0x86;
        ipv6[13] = (byte) 0xdd;
        assertThrows(IllegalArgumentException.class, () -> TestRun.run(engine.machineFor(p), TestRunInput.ofData(ipv6)));
        byte[] arp = new byte[14];
        arp[12] = 0x08;
        arp[13] = 0x06;
        assertEquals(0, TestRun.run(engine.machineFor(p), TestRunInput.ofData(arp)).retval());
    }
}
