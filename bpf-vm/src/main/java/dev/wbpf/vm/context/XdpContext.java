package dev.wbpf.vm.context;

import dev.wbpf.vm.ExecutionContext;
import dev.wbpf.vm.MemoryFault;
import dev.wbpf.vm.memory.ContextAccessor;
import dev.wbpf.vm.memory.Memory;
import dev.wbpf.vm.memory.Pointers;
import dev.wbpf.vm.memory.RegionKind;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The context of an XDP program: {@code struct xdp_md} over a packet buffer with head and tail
 * room, as the kernel's {@code BPF_PROG_TEST_RUN} builds it.
 *
 * <pre>
 * struct xdp_md {            offset
 *     __u32 data;              0   -> packet pointer (64-bit, VM tagged pointer)
 *     __u32 data_end;          4   -> packet end pointer
 *     __u32 data_meta;         8   -> metadata pointer (== data when there is no metadata)
 *     __u32 ingress_ifindex;  12
 *     __u32 rx_queue_index;   16
 *     __u32 egress_ifindex;   20
 * };                          24 bytes
 * </pre>
 *
 * The three pointer fields are 32-bit in the uapi struct but yield 64-bit pointers, as the
 * kernel's context conversion makes them: a 4-byte load of them is answered with a pointer into
 * the packet region {@code [data_meta, data_end)}; other loads of them fault. The struct is read-only.
 *
 * <p>{@link #adjustHead} and {@link #adjustTail} move the window inside the buffer; every
 * packet pointer obtained before becomes invalid (later accesses through it fault), which is the
 * run-time side of the kernel verifier's rule that packet pointers die at those helpers.
 */
public final class XdpContext implements ContextAccessor {
    public static final int SIZE = 24;
    /** XDP_PACKET_HEADROOM. */
    public static final int HEADROOM = 256;
    /** SKB_DATA_ALIGN(sizeof(struct skb_shared_info)) on x86-64, kept free at the end of the frame. */
    public static final int TAILROOM = 320;
    /** Room the kernel keeps for {@code struct xdp_frame} at the start of the buffer. */
    public static final int FRAME_HEADER = 40;
    /** Largest linear packet of a 4 KiB page frame; longer test inputs get a larger buffer. */
    public static final int MAX_LINEAR = 4096 - HEADROOM - TAILROOM;
    private static final int ETH_HLEN = 14;
    private static final int EINVAL = 22;

    private final ExecutionContext context;
    private final byte[] buffer;
    private final int frameEnd; // first byte of the tail room
    private int meta;
    private int data;
    private int dataEnd;
    private final int ingressIfindex;
    private final int rxQueueIndex;
    private long packet; // pointer to offset 0 of the current packet region (at meta)
    private final int frameLength;
    private boolean windowMoved; // by adjust_head/tail/meta: head or tail room may hold packet bytes
    private final long pointer;

    private XdpContext(ExecutionContext context, byte[] frame, int metaLength, int ingressIfindex, int rxQueueIndex,
                       byte[] reuse, boolean reuseUntouched, int reuseFrameLength) {
        this.context = context;
        int linear = Math.max(MAX_LINEAR, frame.length);
        int size = HEADROOM + linear + TAILROOM;
        if (reuse != null && reuse.length == size) {
            // Nothing of an earlier run may show through head or tail room; the frame copy covers the rest.
            // A run that never moved its window could only write inside the same frame, which the copy restores.
            if (!(reuseUntouched && reuseFrameLength == frame.length)) {
                Arrays.fill(reuse, 0, HEADROOM, (byte) 0);
                Arrays.fill(reuse, HEADROOM + frame.length, size, (byte) 0);
            }
            this.buffer = reuse;
        } else {
            this.buffer = new byte[size];
        }
        this.frameEnd = HEADROOM + linear;
        System.arraycopy(frame, 0, buffer, HEADROOM, frame.length);
        this.frameLength = frame.length;
        this.meta = HEADROOM;
        this.data = HEADROOM + metaLength;
        this.dataEnd = HEADROOM + frame.length;
        this.ingressIfindex = ingressIfindex;
        this.rxQueueIndex = rxQueueIndex;
        this.pointer = context.memory().addContext("xdp_md", this);
        mapPacket();
        context.setProgramContext(this);
    }

    /**
     * Sets up an XDP context in {@code context} (after its {@code reset()}) for {@code frame};
     * its first {@code metaLength} bytes are metadata (the kernel's test-run convention:
     * {@code xdp_md.data} of the input context is the metadata length).
     */
    public static XdpContext create(ExecutionContext context, byte[] frame, int metaLength, int ingressIfindex,
                                    int rxQueueIndex) {
        if (metaLength < 0 || metaLength > frame.length || metaLength > 32 || (metaLength & 3) != 0) {
            throw new IllegalArgumentException("XDP metadata length " + metaLength + " (must be 0..32, a multiple of 4, within the frame)");
        }
        return new XdpContext(context, frame, metaLength, ingressIfindex, rxQueueIndex, null, false, 0);
    }

    /**
     * Like {@link #create(ExecutionContext, byte[], int, int, int)}, but builds the frame in the
     * buffer of {@code previous} (zeroed first) when it has the right size, so that repeated runs
     * allocate nothing; {@code previous} must no longer be in use.
     */
    public static XdpContext reuse(XdpContext previous, ExecutionContext context, byte[] frame, int metaLength,
                                   int ingressIfindex, int rxQueueIndex) {
        if (metaLength < 0 || metaLength > frame.length || metaLength > 32 || (metaLength & 3) != 0) {
            throw new IllegalArgumentException("XDP metadata length " + metaLength + " (must be 0..32, a multiple of 4, within the frame)");
        }
        if (previous == null) {
            return new XdpContext(context, frame, metaLength, ingressIfindex, rxQueueIndex, null, false, 0);
        }
        return new XdpContext(context, frame, metaLength, ingressIfindex, rxQueueIndex, previous.buffer,
                !previous.windowMoved, previous.frameLength);
    }

    public static XdpContext create(ExecutionContext context, byte[] frame) {
        return create(context, frame, 0, 1, 0);
    }

    /** r1 for the program. */
    public long pointer() {
        return pointer;
    }

    private void mapPacket() {
        Memory memory = context.memory();
        if (packet != 0) {
            memory.retire(Pointers.region(packet));
        }
        packet = memory.add(RegionKind.PACKET, "packet", buffer, meta, dataEnd - meta, true, this);
    }

    @Override
    public long load(int offset, int width, int insn) {
        if (offset < 0 || offset > SIZE - width || (offset & (width - 1)) != 0) {
            throw new MemoryFault(insn, "invalid xdp_md access: " + width + " bytes at offset " + offset + " (xdp_md is " + SIZE + " bytes)");
        }
        int field = offset & ~3;
        if (field < 12 && (width != 4)) {
            throw new MemoryFault(insn, "invalid xdp_md access: the pointer field at offset " + field + " must be read with a 4-byte load");
        }
        long value = switch (field) {
            case 0 -> packet + (data - meta);
            case 4 -> packet + (dataEnd - meta);
            case 8 -> packet;
            case 12 -> ingressIfindex & 0xffff_ffffL;
            case 16 -> rxQueueIndex & 0xffff_ffffL;
            default -> 0; // egress_ifindex: 0 outside devmap programs
        };
        if (width == 8) {
            throw new MemoryFault(insn, "invalid xdp_md access: 8 bytes at offset " + offset + " (its fields are 4 bytes)");
        }
        int shift = (offset - field) * 8;
        return width == 4 ? value : (value >>> shift) & ((1L << (width * 8)) - 1);
    }

    @Override
    public void store(int offset, int width, long value, int insn) {
        throw new MemoryFault(insn, "invalid xdp_md access: write of " + width + " bytes at offset " + offset + " (xdp_md is read-only)");
    }

    /** {@code bpf_xdp_adjust_head}: moves the packet start by {@code delta} (metadata moves along). */
    public long adjustHead(int delta) {
        windowMoved = true;
        int metaLength = data - meta;
        int newData = data + delta;
        if (newData < FRAME_HEADER + metaLength || newData > dataEnd - ETH_HLEN) {
            return -EINVAL;
        }
        if (metaLength > 0) {
            System.arraycopy(buffer, meta, buffer, meta + delta, metaLength);
        }
        meta += delta;
        data = newData;
        mapPacket();
        return 0;
    }

    /** {@code bpf_xdp_adjust_tail}: moves the packet end by {@code delta}; grown bytes read as zero. */
    public long adjustTail(int delta) {
        windowMoved = true;
        int newEnd = dataEnd + delta;
        if (newEnd > frameEnd || newEnd < data + ETH_HLEN) {
            return -EINVAL;
        }
        if (delta > 0) {
            Arrays.fill(buffer, dataEnd, newEnd, (byte) 0);
        }
        dataEnd = newEnd;
        mapPacket();
        return 0;
    }

    /** {@code bpf_xdp_adjust_meta}: moves the metadata start by {@code delta}. */
    public long adjustMeta(int delta) {
        windowMoved = true;
        int newMeta = meta + delta;
        if (newMeta < FRAME_HEADER || newMeta > data || data - newMeta > 32 || ((data - newMeta) & 3) != 0) {
            return -EINVAL;
        }
        meta = newMeta;
        mapPacket();
        return 0;
    }

    /** The packet as it is now, metadata included (what test-run returns as data out). */
    public byte[] dataOut() {
        return Arrays.copyOfRange(buffer, meta, dataEnd);
    }

    /** The packet without metadata. */
    public byte[] packet() {
        return Arrays.copyOfRange(buffer, data, dataEnd);
    }

    public int metaLength() {
        return data - meta;
    }

    /** {@code struct xdp_md} as test-run returns it: offsets relative to data_meta. */
    public byte[] contextOut() {
        ByteBuffer out = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);
        out.putInt(data - meta).putInt(dataEnd - meta).putInt(0).putInt(ingressIfindex).putInt(rxQueueIndex).putInt(0);
        return out.array();
    }
}
