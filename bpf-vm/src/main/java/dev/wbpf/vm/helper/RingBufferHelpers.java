package dev.wbpf.vm.helper;

import dev.wbpf.vm.ExecutionContext;
import dev.wbpf.vm.HelperFault;
import dev.wbpf.vm.map.Errno;
import dev.wbpf.vm.map.RingBufferMap;
import dev.wbpf.vm.memory.Memory;
import dev.wbpf.vm.memory.Pointers;
import dev.wbpf.vm.memory.RegionKind;

/**
 * ringbuf_output/reserve/submit/discard/query. A reserved record is a writable region of the
 * ring's array; submit and discard retire that region, so a use after release faults.
 */
final class RingBufferHelpers {
    private RingBufferHelpers() {}

    private static RingBufferMap ring(ExecutionContext ctx, long handle) {
        if (ctx.map(handle) instanceof RingBufferMap ring) {
            return ring;
        }
        throw new HelperFault(ctx.instruction(), "map `" + ctx.map(handle).name() + "` is not a ring buffer");
    }

    static long output(ExecutionContext ctx, long mapHandle, long data, long size, long flags, long r5) {
        RingBufferMap ring = ring(ctx, mapHandle);
        if (size < 0 || size > Integer.MAX_VALUE) {
            return -Errno.EINVAL;
        }
        Memory memory = ctx.memory();
        int region = memory.check(data, (int) size, false, ctx.instruction());
        return -ring.output(memory.array(region), memory.arrayIndex(region, data), (int) size);
    }

    static long reserve(ExecutionContext ctx, long mapHandle, long size, long flags, long r4, long r5) {
        RingBufferMap ring = ring(ctx, mapHandle);
        if (flags != 0 || size < 0 || size > ring.capacity()) {
            return 0;
        }
        int at = ring.reserve((int) size);
        if (at < 0) {
            return 0;
        }
        return ctx.memory().add(RegionKind.RINGBUF_RECORD, "ring buffer record of `" + ring.name() + "`",
                ring.buffer(), at, (int) size, true, ring);
    }

    static long submit(ExecutionContext ctx, long record, long flags, long r3, long r4, long r5) {
        release(ctx, record, true);
        return 0;
    }

    static long discard(ExecutionContext ctx, long record, long flags, long r3, long r4, long r5) {
        release(ctx, record, false);
        return 0;
    }

    private static void release(ExecutionContext ctx, long record, boolean submit) {
        Memory memory = ctx.memory();
        int region = Pointers.region(record);
        if (!memory.isRegion(region) || memory.kind(region) != RegionKind.RINGBUF_RECORD || Pointers.offset(record) != 0
                || !(memory.owner(region) instanceof RingBufferMap ring)) {
            throw new HelperFault(ctx.instruction(), (submit ? "bpf_ringbuf_submit" : "bpf_ringbuf_discard")
                    + " of 0x" + Long.toHexString(record) + ", which is not a reserved, unreleased ring buffer record");
        }
        int dataIndex = memory.base(region);
        memory.retire(region);
        if (submit) {
            ring.submit(dataIndex);
        } else {
            ring.discard(dataIndex);
        }
    }

    static long query(ExecutionContext ctx, long mapHandle, long flags, long r3, long r4, long r5) {
        return ring(ctx, mapHandle).query(flags);
    }
}
