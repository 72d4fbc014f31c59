package dev.wbpf.vm;

import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import static dev.wbpf.vm.Asm.asm;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wbpf.core.prog.ProgramType;
import dev.wbpf.vm.context.RawTracepointContext;
import dev.wbpf.vm.context.SkBuffContext;
import dev.wbpf.vm.context.XdpContext;
import dev.wbpf.vm.helper.HelperIds;
import dev.wbpf.vm.helper.HelperTable;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The uapi context structs: pointer fields, read-only fields, head/tail adjustment, legacy loads. */
@ParameterizedClass(name = "{0}")
@EnumSource(Engine.class)
class ContextTest {
    private final Engine engine;

    ContextTest(Engine engine) {
        this.engine = engine;
    }

    private static final int JGT = 0x20;

    private long run(ProgramType type, Asm asm, ExecutionContext ctx) {
        VmProgram program = VmProgram.prepare("t", type, asm.build(), List.of(), HelperTable.standard());
        return engine.machineFor(program).execute(ctx);
    }

    private static byte[] frame(int length) {
        byte[] f = new byte[length];
        for (int i = 0; i < length; i++) {
            f[i] = (byte) i;
        }
        f[12] = 0x08;
        f[13] = 0x00;
        return f;
    }

    @Test
    void xdpDataPointersSpanThePacket() {
        ExecutionContext ctx = new ExecutionContext(0, Vm.quietEnvironment());
        XdpContext xdp = XdpContext.create(ctx, frame(60));
        ctx.setArgument(1, xdp.pointer());
        // r0 = data_end - data; r0 += *(u8 *)(data + 5)
        long r0 = run(ProgramType.XDP, asm()
                .ldxw(2, 1, 0).ldxw(3, 1, 4)
                .mov64Reg(0, 3).alu64Reg(0x10, 0, 2)
                .ldxb(4, 2, 5).add64Reg(0, 4)
                .raw(0x95, 0, 0, 0, 0), ctx);
        assertEquals(60 + 5, r0);
    }

    @Test
    void xdpReadingPastDataEndFaults() {
        ExecutionContext ctx = new ExecutionContext(0, Vm.quietEnvironment());
        XdpContext xdp = XdpContext.create(ctx, frame(20));
        ctx.setArgument(1, xdp.pointer());
        MemoryFault fault = assertThrows(MemoryFault.class, () -> run(ProgramType.XDP, asm()
                .ldxw(2, 1, 0).ldxw(0, 2, 20).raw(0x95, 0, 0, 0, 0), ctx));
        assertTrue(fault.getMessage().contains("packet"), fault.getMessage());
    }

    @Test
    void xdpMdIsReadOnlyAndPointerFieldsNeedWordLoads() {
        ExecutionContext ctx = new ExecutionContext(0, Vm.quietEnvironment());
        XdpContext xdp = XdpContext.create(ctx, frame(20));
        ctx.setArgument(1, xdp.pointer());
        assertThrows(MemoryFault.class, () -> run(ProgramType.XDP, asm().st(0x00, 1, 12, 1).raw(0x95, 0, 0, 0, 0), ctx));
        ctx.reset();
        XdpContext again = XdpContext.create(ctx, frame(20));
        ctx.setArgument(1, again.pointer());
        assertThrows(MemoryFault.class, () -> run(ProgramType.XDP, asm().ldxdw(0, 1, 0).raw(0x95, 0, 0, 0, 0), ctx));
        ctx.reset();
        XdpContext third = XdpContext.create(ctx, frame(20), 0, 7, 3);
        ctx.setArgument(1, third.pointer());
        assertEquals(7, run(ProgramType.XDP, asm().ldxw(0, 1, 12).raw(0x95, 0, 0, 0, 0), ctx));
    }

    @Test
    void adjustHeadAndTailMoveTheWindowAndInvalidateOldPointers() {
        ExecutionContext ctx = new ExecutionContext(0, Vm.quietEnvironment());
        XdpContext xdp = XdpContext.create(ctx, frame(100));
        ctx.setArgument(1, xdp.pointer());
        // adjust_head(ctx, 14): strip 14 bytes; adjust_tail(ctx, -6); return new first byte
        long r0 = run(ProgramType.XDP, asm()
                .mov64Reg(6, 1)
                .mov64Imm(2, 14).call(HelperIds.XDP_ADJUST_HEAD)
                .mov64Reg(1, 6).mov64Imm(2, -6).call(HelperIds.XDP_ADJUST_TAIL)
                .ldxw(2, 6, 0).ldxb(0, 2, 0)
                .raw(0x95, 0, 0, 0, 0), ctx);
        assertEquals(14, r0);
        byte[] expected = Arrays.copyOfRange(frame(100), 14, 94);
        assertArrayEquals(expected, xdp.dataOut());
        assertEquals(80, xdp.packet().length);

        ctx.reset();
        XdpContext second = XdpContext.create(ctx, frame(100));
        ctx.setArgument(1, second.pointer());
        // a pointer loaded before adjust_head faults after it
        MemoryFault fault = assertThrows(MemoryFault.class, () -> run(ProgramType.XDP, asm()
                .mov64Reg(6, 1).ldxw(7, 1, 0)
                .mov64Imm(2, -4).call(HelperIds.XDP_ADJUST_HEAD)
                .ldxb(0, 7, 0).raw(0x95, 0, 0, 0, 0), ctx));
        assertTrue(fault.getMessage().contains("released"), fault.getMessage());
        assertEquals(104, second.packet().length);
    }

    @Test
    void adjustHeadRefusesTooMuch() {
        ExecutionContext ctx = new ExecutionContext(0, Vm.quietEnvironment());
        XdpContext xdp = XdpContext.create(ctx, frame(20));
        assertEquals(-22, xdp.adjustHead(10)); // fewer than 14 bytes would remain
        assertEquals(-22, xdp.adjustTail(-10));
        assertEquals(-22, xdp.adjustHead(-XdpContext.HEADROOM));
        assertEquals(0, xdp.adjustHead(-(XdpContext.HEADROOM - XdpContext.FRAME_HEADER)));
        assertEquals(0, xdp.adjustTail(100));
        assertEquals(XdpContext.HEADROOM - XdpContext.FRAME_HEADER + 120, xdp.dataOut().length);
    }

    @Test
    void skBuffFieldsAndLegacyLoads() {
        ExecutionContext ctx = new ExecutionContext(0, Vm.quietEnvironment());
        byte[] f = frame(64);
        SkBuffContext skb = SkBuffContext.create(ctx, ProgramType.SCHED_CLS, f, SkBuffContext.Layer.LINK, null);
        ctx.setArgument(1, skb.pointer());
        // r0 = len + protocol; LD_ABS half at 12 (0x0800) added; mark = 5
        long r0 = run(ProgramType.SCHED_CLS, asm()
                .mov64Reg(6, 1)
                .ldxw(7, 6, SkBuffContext.OFF_LEN).ldxw(8, 6, SkBuffContext.OFF_PROTOCOL)
                .ldAbs(0x08, 12)
                .add64Reg(0, 7).add64Reg(0, 8)
                .st(0x00, 6, SkBuffContext.OFF_MARK, 5)
                .raw(0x95, 0, 0, 0, 0), ctx);
        assertEquals(64 + 0x0008 + 0x0800, r0);
        assertEquals(5, skb.field(SkBuffContext.OFF_MARK));
    }

    @Test
    void socketFiltersSeeTheNetworkHeaderInTestRunAndCannotWriteMark() {
        ExecutionContext ctx = new ExecutionContext(0, Vm.quietEnvironment());
        SkBuffContext skb = SkBuffContext.create(ctx, ProgramType.SOCKET_FILTER, frame(64), SkBuffContext.Layer.NETWORK, null);
        ctx.setArgument(1, skb.pointer());
        assertEquals(14, run(ProgramType.SOCKET_FILTER, asm().ldAbs(0x10, 0).raw(0x95, 0, 0, 0, 0), ctx));
        ctx.reset();
        SkBuffContext again = SkBuffContext.create(ctx, ProgramType.SOCKET_FILTER, frame(64), SkBuffContext.Layer.NETWORK, null);
        ctx.setArgument(1, again.pointer());
        assertThrows(MemoryFault.class, () -> run(ProgramType.SOCKET_FILTER, asm().st(0x00, 1, SkBuffContext.OFF_MARK, 1).raw(0x95, 0, 0, 0, 0), ctx));
        ctx.reset();
        SkBuffContext third = SkBuffContext.create(ctx, ProgramType.SOCKET_FILTER, frame(64), SkBuffContext.Layer.NETWORK, null);
        ctx.setArgument(1, third.pointer());
        assertThrows(MemoryFault.class, () -> run(ProgramType.SOCKET_FILTER, asm().ldxw(0, 1, SkBuffContext.OFF_DATA).raw(0x95, 0, 0, 0, 0), ctx));
        assertEquals(50, third.field(SkBuffContext.OFF_LEN));
        byte[] out = third.dataOut();
        assertEquals(0, out[13]);
        assertEquals(14, out[14]);
    }

    @Test
    void rawTracepointArgsAreReadOnly() {
        ExecutionContext ctx = new ExecutionContext(0, Vm.quietEnvironment());
        ctx.setArgument(1, RawTracepointContext.create(ctx, 10, 20, 30));
        assertEquals(50, run(ProgramType.RAW_TRACEPOINT, asm().ldxdw(0, 1, 8).ldxdw(2, 1, 16).add64Reg(0, 2).raw(0x95, 0, 0, 0, 0), ctx));
        ctx.reset();
        ctx.setArgument(1, RawTracepointContext.create(ctx, 10));
        assertThrows(MemoryFault.class, () -> run(ProgramType.RAW_TRACEPOINT, asm().stdw(1, 0, 1).raw(0x95, 0, 0, 0, 0), ctx));
    }

    @Test
    void tcSeesDataPointersFromTheEthernetHeader() {
        ExecutionContext ctx = new ExecutionContext(0, Vm.quietEnvironment());
        SkBuffContext skb = SkBuffContext.create(ctx, ProgramType.SCHED_CLS, frame(64), SkBuffContext.Layer.LINK, null);
        ctx.setArgument(1, skb.pointer());
        // r0 = data_end - data + *(u8 *)(data + 13)  (0x00: low byte of the EtherType 0x0800)
        long r0 = run(ProgramType.SCHED_CLS, asm()
                .ldxw(2, 1, SkBuffContext.OFF_DATA).ldxw(3, 1, SkBuffContext.OFF_DATA_END)
                .mov64Reg(0, 3).alu64Reg(0x10, 0, 2).ldxb(4, 2, 12).add64Reg(0, 4)
                .raw(0x95, 0, 0, 0, 0), ctx);
        assertEquals(64 + 8, r0);
    }

    @Test
    void syscallTestRunReturnsTheCallersBufferChanged() {
        VmProgram program = VmProgram.prepare("sys", ProgramType.SYSCALL,
                asm().st(0x00, 1, 4, 0x1234).mov64Imm(0, 7).raw(0x95, 0, 0, 0, 0).build(), List.of(), HelperTable.standard());
        var result = dev.wbpf.vm.testrun.TestRun.run(engine.machineFor(program),
                dev.wbpf.vm.testrun.TestRunInput.ofContext(new byte[8]), Vm.quietEnvironment());
        assertEquals(7, result.retval());
        assertArrayEquals(new byte[] {0, 0, 0, 0, 0x34, 0x12, 0, 0}, result.contextOut());
    }

    @Test
    void xdpTestRunRepeatsSeeZeroedHeadRoomAfterAnEarlierRunWroteIntoIt() {
        // grow the head by 4 (those bytes come from the head room), return the first byte and
        // overwrite it with 0xff; every repeat starts from a fresh frame, so it reads 0 each time
        VmProgram program = VmProgram.prepare("xdp", ProgramType.XDP, asm()
                .mov64Reg(6, 1).mov64Imm(2, -4).call(HelperIds.XDP_ADJUST_HEAD)
                .ldxw(2, 6, 0).ldxb(0, 2, 0).st(0x10, 2, 0, 0xff)
                .raw(0x95, 0, 0, 0, 0).build(), List.of(), HelperTable.standard());
        var result = dev.wbpf.vm.testrun.TestRun.run(engine.machineFor(program),
                dev.wbpf.vm.testrun.TestRunInput.ofData(frame(40)).withRepeat(3), Vm.quietEnvironment());
        assertEquals(0, result.retval());
        assertEquals(44, result.dataOut().length);
        assertEquals((byte) 0xff, result.dataOut()[0]);
    }

    @Test
    void xdpTestRunWithMetadataAndAdjustedHead() {
        VmProgram program = VmProgram.prepare("xdp", ProgramType.XDP, asm()
                .mov64Reg(6, 1).mov64Imm(2, 4).call(HelperIds.XDP_ADJUST_HEAD)
                .mov64Imm(0, 2).raw(0x95, 0, 0, 0, 0).build(), List.of(), HelperTable.standard());
        byte[] md = java.nio.ByteBuffer.allocate(24).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(4).putInt(40).array();
        var result = dev.wbpf.vm.testrun.TestRun.run(engine.machineFor(program),
                new dev.wbpf.vm.testrun.TestRunInput(frame(40), md, 3, 0), Vm.quietEnvironment());
        assertEquals(2, result.retval());
        // 4 bytes of metadata move along with data: out = meta + frame[8..40)
        assertEquals(4 + 32, result.dataOut().length);
        assertArrayEquals(Arrays.copyOfRange(frame(40), 0, 4), Arrays.copyOfRange(result.dataOut(), 0, 4));
        assertEquals(8, result.dataOut()[4]);
        var out = java.nio.ByteBuffer.wrap(result.contextOut()).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        assertEquals(4, out.getInt(0));
        assertEquals(36, out.getInt(4));
    }
}
