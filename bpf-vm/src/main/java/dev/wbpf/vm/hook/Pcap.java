package dev.wbpf.vm.hook;

import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads capture files in the classic pcap format (microsecond or nanosecond magic, either byte
 * order) and in pcapng (section header, interface description, enhanced / simple / obsolete packet
 * blocks; other blocks skipped; several sections and interfaces; {@code if_tsresol} honoured).
 * Only Ethernet captures (LINKTYPE_ETHERNET = 1) are accepted, since VM interfaces carry Ethernet
 * frames: anything else, or a file that is neither format or is cut short, fails with a
 * {@link PcapException} that says what was found and where.
 */
public final class Pcap {
    public static final int LINKTYPE_ETHERNET = 1;
    private static final int MAGIC_US = 0xa1b2c3d4;
    private static final int MAGIC_NS = 0xa1b23c4d;
    private static final int SHB = 0x0A0D0D0A;
    private static final int BYTE_ORDER_MAGIC = 0x1A2B3C4D;
    private static final int IDB = 1, OPB = 2, SPB = 3, EPB = 6;

    private Pcap() {}

    /** One captured packet: its bytes as captured (maybe cut to the snap length) and its length on the wire. */
    public record Packet(long timestampNanos, byte[] data, int originalLength) {}

    /** A capture file that cannot be used. */
    public static final class PcapException extends IOException {
        public PcapException(String message) {
            super(message);
        }
    }

    public static List<Packet> read(Path file) throws IOException {
        try {
            return parse(Files.readAllBytes(file));
        } catch (PcapException e) {
            throw new PcapException(file + ": " + e.getMessage());
        }
    }

    /** Parses a whole pcap or pcapng file. */
    public static List<Packet> parse(byte[] file) throws PcapException {
        if (file.length < 4) {
            throw new PcapException("not a pcap or pcapng file: only " + file.length + " bytes");
        }
        ByteBuffer le = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        int first = le.getInt(0);
        if (first == SHB) {
            return parseNg(file);
        }
        if (first == MAGIC_US || first == MAGIC_NS || Integer.reverseBytes(first) == MAGIC_US
                || Integer.reverseBytes(first) == MAGIC_NS) {
            return parseClassic(file);
        }
        throw new PcapException(String.format("not a pcap or pcapng file: it starts with 0x%08x", Integer.reverseBytes(first)));
    }

    private static List<Packet> parseClassic(byte[] file) throws PcapException {
        ByteBuffer in = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        int magic = in.getInt(0);
        if (magic != MAGIC_US && magic != MAGIC_NS) {
            in.order(ByteOrder.BIG_ENDIAN);
            magic = in.getInt(0);
        }
        long unit = magic == MAGIC_NS ? 1 : 1000;
        if (file.length < 24) {
            throw new PcapException("pcap file header cut short: " + file.length + " of 24 bytes");
        }
        int linkType = in.getInt(20) & 0xffff; // upper bits: FCS length flags
        checkLinkType(linkType, "the pcap file");
        List<Packet> packets = new ArrayList<>();
        int pos = 24;
        while (pos < file.length) {
            if (file.length - pos < 16) {
                throw new PcapException("record " + (packets.size() + 1) + " at offset " + pos + ": header cut short");
            }
            long sec = in.getInt(pos) & 0xffff_ffffL;
            long frac = in.getInt(pos + 4) & 0xffff_ffffL;
            int caplen = in.getInt(pos + 8);
            int origlen = in.getInt(pos + 12);
            if (caplen < 0 || caplen > file.length - pos - 16) {
                throw new PcapException("record " + (packets.size() + 1) + " at offset " + pos + ": captured length "
                        + Integer.toUnsignedString(caplen) + " runs past the end of the file");
            }
            byte[] data = new byte[caplen];
            System.arraycopy(file, pos + 16, data, 0, caplen);
            packets.add(new Packet(sec * 1_000_000_000L + frac * unit, data, origlen));
            pos += 16 + caplen;
        }
        return packets;
    }

    private record Iface(int linkType, long unitsPerSecond) {}

    private static List<Packet> parseNg(byte[] file) throws PcapException {
        ByteBuffer in = ByteBuffer.wrap(file);
        List<Packet> packets = new ArrayList<>();
        List<Iface> ifaces = new ArrayList<>();
        ByteOrder pcapOrder = ByteOrder.LITTLE_ENDIAN;
        int pos = 0;
        while (pos < file.length) {
            if (file.length - pos < 12) {
                throw new PcapException("pcapng block at offset " + pos + " cut short");
            }
            int type = in.order(ByteOrder.LITTLE_ENDIAN).getInt(pos);
            if (type == SHB) {
                int bom = in.getInt(pos + 8);
                if (bom == BYTE_ORDER_MAGIC) {
                    in.order(ByteOrder.LITTLE_ENDIAN);
                } else if (Integer.reverseBytes(bom) == BYTE_ORDER_MAGIC) {
                    in.order(ByteOrder.BIG_ENDIAN);
                } else {
                    throw new PcapException(String.format("pcapng section header at offset %d: bad byte-order magic 0x%08x", pos, bom));
                }
                ifaces.clear(); // interface ids are per section
                pcapOrder = in.order();
            } else {
                in.order(pcapOrder);
                type = in.getInt(pos);
            }
            int length = in.getInt(pos + 4);
            if (length < 12 || (length & 3) != 0 || length > file.length - pos) {
                throw new PcapException("pcapng block of type " + Integer.toUnsignedString(type) + " at offset " + pos
                        + ": bad or truncated length " + Integer.toUnsignedString(length));
            }
            if (in.getInt(pos + length - 4) != length) {
                throw new PcapException("pcapng block at offset " + pos + ": trailing length does not match " + length + " (corrupt file)");
            }
            int body = pos + 8;
            int bodyEnd = pos + length - 4;
            try {
                switch (type) {
                    case IDB -> {
                        int linkType = in.getShort(body) & 0xffff;
                        ifaces.add(new Iface(linkType, tsresol(in, body + 8, bodyEnd)));
                    }
                    case EPB, OPB -> {
                        int id = type == EPB ? in.getInt(body) : in.getShort(body) & 0xffff;
                        Iface iface = iface(ifaces, id, pos);
                        long ts = ((in.getInt(body + 4) & 0xffff_ffffL) << 32) | (in.getInt(body + 8) & 0xffff_ffffL);
                        int caplen = in.getInt(body + 12);
                        int origlen = in.getInt(body + 16);
                        if (caplen < 0 || caplen > bodyEnd - body - 20) {
                            throw new PcapException("pcapng packet block at offset " + pos + ": captured length "
                                    + Integer.toUnsignedString(caplen) + " exceeds the block");
                        }
                        byte[] data = new byte[caplen];
                        System.arraycopy(file, body + 20, data, 0, caplen);
                        packets.add(new Packet(nanos(ts, iface.unitsPerSecond()), data, origlen));
                    }
                    case SPB -> {
                        iface(ifaces, 0, pos);
                        int origlen = in.getInt(body);
                        int caplen = Math.min(origlen < 0 ? Integer.MAX_VALUE : origlen, bodyEnd - body - 4);
                        byte[] data = new byte[caplen];
                        System.arraycopy(file, body + 4, data, 0, caplen);
                        packets.add(new Packet(0, data, origlen));
                    }
                    default -> { } // section header, statistics, name resolution, custom: nothing for us
                }
            } catch (IndexOutOfBoundsException | BufferUnderflowException e) {
                throw new PcapException("pcapng block of type " + type + " at offset " + pos + " is too short for its fields");
            }
            pos += length;
        }
        return packets;
    }

    private static Iface iface(List<Iface> ifaces, int id, int pos) throws PcapException {
        if (id < 0 || id >= ifaces.size()) {
            throw new PcapException("pcapng packet block at offset " + pos + " names interface " + id
                    + ", but the section describes " + ifaces.size());
        }
        Iface iface = ifaces.get(id);
        checkLinkType(iface.linkType(), "pcapng interface " + id);
        return iface;
    }

    private static long tsresol(ByteBuffer in, int opt, int end) {
        while (opt + 4 <= end) {
            int code = in.getShort(opt) & 0xffff;
            int len = in.getShort(opt + 2) & 0xffff;
            if (code == 0) {
                break;
            }
            if (code == 9 && len >= 1) {
                int r = in.get(opt + 4) & 0xff;
                return (r & 0x80) != 0 ? 1L << Math.min(r & 0x7f, 62) : pow10(r & 0x7f);
            }
            opt += 4 + ((len + 3) & ~3);
        }
        return 1_000_000;
    }

    private static long pow10(int n) {
        long v = 1;
        for (int i = 0; i < Math.min(n, 18); i++) {
            v *= 10;
        }
        return v;
    }

    private static long nanos(long ts, long unitsPerSecond) {
        long sec = ts / unitsPerSecond;
        long rest = ts % unitsPerSecond;
        return sec * 1_000_000_000L + (unitsPerSecond <= 1_000_000_000L
                ? rest * (1_000_000_000L / unitsPerSecond)
                : rest / (unitsPerSecond / 1_000_000_000L));
    }

    private static void checkLinkType(int linkType, String where) throws PcapException {
        if (linkType != LINKTYPE_ETHERNET) {
            throw new PcapException(where + " has link type " + linkType + (linkType == 113 ? " (Linux cooked SLL)"
                    : linkType == 101 ? " (raw IP)" : linkType == 0 ? " (BSD loopback)" : "")
                    + "; VM interfaces take Ethernet captures only (link type 1): capture with `tcpdump -i <ethernet device>`"
                    + " or convert the file");
        }
    }
}
