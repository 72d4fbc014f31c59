package dev.wbpf.vm.context;

import dev.wbpf.core.prog.ProgramType;
import dev.wbpf.vm.ExecutionContext;
import dev.wbpf.vm.MemoryFault;
import dev.wbpf.vm.memory.ContextAccessor;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The context of socket filter and tc programs: {@code struct __sk_buff} (192 bytes, the uapi
 * layout) over one linear packet, built the way the kernel's {@code BPF_PROG_TEST_RUN} builds an
 * skb: {@code protocol} and {@code pkt_type} from the Ethernet header ({@code eth_type_trans} on
 * the loopback device, whose address is all zeros), {@code ifindex} 1.
 *
 * <p>{@code data}, {@code data_end} and {@code data_meta} (offsets 76, 80, 140) yield 64-bit
 * packet pointers to a 4-byte load, for tc programs only (the kernel refuses direct packet access
 * to socket filters). {@code flow_keys} and {@code sk} do not exist in the VM. Stores reach only
 * the fields the kernel lets the program type write ({@code cb[]} for socket filters; also mark,
 * priority, tc_index, tc_classid, queue_mapping, tstamp for tc).
 *
 * <p>Which bytes the program sees: tc programs see the frame from its Ethernet header on; socket
 * filters see it from the network header on when built {@linkplain Layer#NETWORK as test-run does}
 * (the kernel pulls the Ethernet header and zeroes it in the output), or from the Ethernet header
 * on when {@linkplain Layer#LINK as a packet socket delivers it}. LD_ABS/LD_IND and
 * {@code bpf_skb_load_bytes} read the same bytes.
 */
public final class SkBuffContext implements ContextAccessor {
    public static final int SIZE = 192;
    public static final int OFF_LEN = 0, OFF_PKT_TYPE = 4, OFF_MARK = 8, OFF_QUEUE_MAPPING = 12, OFF_PROTOCOL = 16,
            OFF_PRIORITY = 32, OFF_INGRESS_IFINDEX = 36, OFF_IFINDEX = 40, OFF_TC_INDEX = 44, OFF_CB = 48,
            OFF_TC_CLASSID = 72, OFF_DATA = 76, OFF_DATA_END = 80, OFF_DATA_META = 140, OFF_FLOW_KEYS = 144,
            OFF_TSTAMP = 152, OFF_WIRE_LEN = 160, OFF_GSO_SEGS = 164, OFF_SK = 168, OFF_GSO_SIZE = 176,
            OFF_HWTSTAMP = 184;
    public static final int ETH_HLEN = 14;
    private static final VarHandle I32 = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle I64 = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    /** Where the bytes the program sees begin. */
    public enum Layer { LINK, NETWORK }

    private final ProgramType type;
    private final byte[] fields = new byte[SIZE];
    private final byte[] frame;
    private final int start;
    private final long packet;
    private final long pointer;

    private SkBuffContext(ExecutionContext context, ProgramType type, byte[] frame, Layer layer, byte[] ctxIn) {
        if (frame.length < ETH_HLEN) {
            throw new IllegalArgumentException("an skb needs at least the " + ETH_HLEN + "-byte Ethernet header; got " + frame.length + " bytes");
        }
        this.type = type;
        this.frame = frame.clone();
        this.start = layer == Layer.NETWORK ? ETH_HLEN : 0;
        int length = frame.length - start;
        if (ctxIn != null) {
            acceptInput(ctxIn, length);
        }
        putInt(OFF_LEN, length);
        putInt(OFF_PKT_TYPE, packetType(frame));
        putInt(OFF_PROTOCOL, (frame[12] & 0xff) | (frame[13] & 0xff) << 8); // __be16 as stored
        if (getInt(OFF_IFINDEX) == 0) {
            putInt(OFF_IFINDEX, 1);
        }
        if (getInt(OFF_WIRE_LEN) == 0) {
            putInt(OFF_WIRE_LEN, length);
        }
        this.packet = context.memory().add(dev.wbpf.vm.memory.RegionKind.PACKET, "packet", this.frame, start, length,
                type != ProgramType.SOCKET_FILTER, this);
        this.pointer = context.memory().addContext("__sk_buff", this);
        context.setLegacyPacket(packet, length);
        context.setProgramContext(this);
    }

    /**
     * Sets up an skb context in {@code context} (after its {@code reset()}).
     *
     * @param ctxIn an input {@code __sk_buff} (null for none): as in the kernel, only mark,
     *              priority, ingress_ifindex, ifindex, cb, tstamp, wire_len, gso_segs, gso_size and
     *              hwtstamp may be non-zero
     */
    public static SkBuffContext create(ExecutionContext context, ProgramType type, byte[] frame, Layer layer, byte[] ctxIn) {
        return new SkBuffContext(context, type, frame, layer, ctxIn);
    }

    private void acceptInput(byte[] in, int length) {
        if (in.length > SIZE) {
            throw new IllegalArgumentException("__sk_buff input of " + in.length + " bytes; the struct has " + SIZE);
        }
        byte[] padded = Arrays.copyOf(in, SIZE);
        for (int i = 0; i < SIZE; i++) {
            if (padded[i] != 0 && !inputField(i)) {
                throw new IllegalArgumentException("__sk_buff input sets byte " + i + ", which test-run does not accept "
                        + "(only mark, priority, ingress_ifindex, ifindex, cb, tstamp, wire_len, gso_segs, gso_size, hwtstamp)");
            }
        }
        System.arraycopy(padded, 0, fields, 0, SIZE);
        int wireLen = getInt(OFF_WIRE_LEN);
        if (wireLen != 0 && wireLen < length) {
            throw new IllegalArgumentException("__sk_buff wire_len " + wireLen + " is shorter than the packet (" + length + ")");
        }
    }

    private static boolean inputField(int i) {
        return (i >= OFF_MARK && i < OFF_MARK + 4) || (i >= OFF_PRIORITY && i < OFF_IFINDEX + 4)
                || (i >= OFF_CB && i < OFF_CB + 20) || (i >= OFF_TSTAMP && i < OFF_GSO_SEGS + 4)
                || (i >= OFF_GSO_SIZE && i < OFF_GSO_SIZE + 4) || (i >= OFF_HWTSTAMP && i < SIZE);
    }

    private static int packetType(byte[] frame) {
        boolean zero = true;
        boolean broadcast = true;
        for (int i = 0; i < 6; i++) {
            zero &= frame[i] == 0;
            broadcast &= frame[i] == (byte) 0xff;
        }
        if (zero) {
            return 0; // PACKET_HOST: the loopback device's address
        }
        if ((frame[0] & 1) != 0) {
            return broadcast ? 1 : 2; // PACKET_BROADCAST, PACKET_MULTICAST
        }
        return 3; // PACKET_OTHERHOST
    }

    public long pointer() {
        return pointer;
    }

    @Override
    public long load(int offset, int width, int insn) {
        if (offset < 0 || offset > SIZE - width || (offset & (width - 1)) != 0) {
            throw new MemoryFault(insn, "invalid __sk_buff access: " + width + " bytes at offset " + offset);
        }
        int field = offset & ~3;
        if (field == OFF_DATA || field == OFF_DATA_END || field == OFF_DATA_META) {
            if (type == ProgramType.SOCKET_FILTER) {
                throw new MemoryFault(insn, "invalid __sk_buff access: socket filters cannot read data/data_end/data_meta "
                        + "(no direct packet access; use LD_ABS or bpf_skb_load_bytes)");
            }
            if (width != 4 || offset != field) {
                throw new MemoryFault(insn, "invalid __sk_buff access: the pointer field at offset " + field + " must be read with a 4-byte load");
            }
            return field == OFF_DATA_END ? packet + (frame.length - start) : packet;
        }
        if (field == OFF_FLOW_KEYS || field == OFF_FLOW_KEYS + 4 || field == OFF_SK || field == OFF_SK + 4) {
            throw new MemoryFault(insn, "invalid __sk_buff access: " + (field < OFF_SK ? "flow_keys" : "sk")
                    + " does not exist in the VM");
        }
        return switch (width) {
            case 1 -> fields[offset] & 0xffL;
            case 2 -> (fields[offset] & 0xffL) | (fields[offset + 1] & 0xffL) << 8;
            case 4 -> (int) I32.get(fields, offset) & 0xffff_ffffL;
            default -> (long) I64.get(fields, offset);
        };
    }

    @Override
    public void store(int offset, int width, long value, int insn) {
        if (offset < 0 || offset > SIZE - width || (offset & (width - 1)) != 0 || !writable(offset, width)) {
            throw new MemoryFault(insn, "invalid __sk_buff access: write of " + width + " bytes at offset " + offset
                    + (type == ProgramType.SOCKET_FILTER ? " (socket filters may write only cb[])" : ""));
        }
        for (int i = 0; i < width; i++) {
            fields[offset + i] = (byte) (value >>> (8 * i));
        }
    }

    private boolean writable(int offset, int width) {
        if (offset >= OFF_CB && offset + width <= OFF_CB + 20) {
            return true;
        }
        if (type == ProgramType.SOCKET_FILTER) {
            return false;
        }
        if (offset == OFF_TSTAMP && width == 8) {
            return true;
        }
        int field = offset & ~3;
        return width == 4 && (field == OFF_MARK || field == OFF_PRIORITY || field == OFF_TC_INDEX
                || field == OFF_TC_CLASSID || field == OFF_QUEUE_MAPPING);
    }

    /** The frame after the run, as test-run returns it (socket filters: Ethernet header zeroed). */
    public byte[] dataOut() {
        byte[] out = frame.clone();
        if (start > 0) {
            Arrays.fill(out, 0, start, (byte) 0);
        }
        return out;
    }

    /** The {@code __sk_buff} test-run returns: the fields it accepts as input, with their values after the run. */
    public byte[] contextOut() {
        byte[] out = new byte[SIZE];
        for (int i = 0; i < SIZE; i++) {
            if (inputField(i)) {
                out[i] = fields[i];
            }
        }
        return out;
    }

    /** A field's current value, e.g. {@code cb[0]} at {@link #OFF_CB} or mark. */
    public int field(int offset) {
        return getInt(offset);
    }

    private void putInt(int offset, int value) {
        I32.set(fields, offset, value);
    }

    private int getInt(int offset) {
        return (int) I32.get(fields, offset);
    }
}
