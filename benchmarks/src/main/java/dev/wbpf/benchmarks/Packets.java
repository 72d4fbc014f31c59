package dev.wbpf.benchmarks;

import java.nio.ByteBuffer;
import java.util.Arrays;

/** Crafted Ethernet frames for the parity tests and the benchmarks. */
public final class Packets {
    private Packets() {}

    public static final int TCP = 6, UDP = 17;
    private static final byte[] DST_MAC = {0x02, 0, 0, 0, 0, 0x02};
    private static final byte[] SRC_MAC = {0x02, 0, 0, 0, 0, 0x01};

    public static byte[] ethernet(int etherType, byte[] payload) {
        return ByteBuffer.allocate(14 + payload.length).put(DST_MAC).put(SRC_MAC).putShort((short) etherType).put(payload).array();
    }

    public static byte[] vlan(int vid, int etherType, byte[] payload) {
        return ByteBuffer.allocate(18 + payload.length).put(DST_MAC).put(SRC_MAC).putShort((short) 0x8100)
                .putShort((short) vid).putShort((short) etherType).put(payload).array();
    }

    /** An IPv4 header (no options, valid checksum) followed by {@code payload}. */
    public static byte[] ipv4(int protocol, int ttl, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(20 + payload.length);
        b.put((byte) 0x45).put((byte) 0).putShort((short) (20 + payload.length)).putShort((short) 0x1234).putShort((short) 0x4000)
                .put((byte) ttl).put((byte) protocol).putShort((short) 0)
                .put(new byte[] {10, 0, 0, 1}).put(new byte[] {10, 0, 0, 2}).put(payload);
        byte[] p = b.array();
        int sum = 0;
        for (int i = 0; i < 20; i += 2) {
            sum += ((p[i] & 0xff) << 8) | (p[i + 1] & 0xff);
        }
        sum = (sum & 0xffff) + (sum >>> 16);
        sum = (sum & 0xffff) + (sum >>> 16);
        int check = ~sum & 0xffff;
        p[10] = (byte) (check >>> 8);
        p[11] = (byte) check;
        return p;
    }

    public static byte[] ipv6(int nextHeader, int hopLimit, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(40 + payload.length);
        b.putInt(0x6000_0000).putShort((short) payload.length).put((byte) nextHeader).put((byte) hopLimit);
        byte[] src = new byte[16], dst = new byte[16];
        src[0] = (byte) 0xfd;
        src[15] = 1;
        dst[0] = (byte) 0xfd;
        dst[15] = 2;
        return b.put(src).put(dst).put(payload).array();
    }

    public static byte[] tcp(int sport, int dport, boolean syn, byte[] payload) {
        return ByteBuffer.allocate(20 + payload.length).putShort((short) sport).putShort((short) dport).putInt(1).putInt(0)
                .put((byte) 0x50).put((byte) (syn ? 0x02 : 0x10)).putShort((short) 8192).putInt(0).put(payload).array();
    }

    public static byte[] udp(int sport, int dport, byte[] payload) {
        return ByteBuffer.allocate(8 + payload.length).putShort((short) sport).putShort((short) dport)
                .putShort((short) (8 + payload.length)).putShort((short) 0).put(payload).array();
    }

    public static byte[] arp() {
        return padTo(ethernet(0x0806, new byte[28]), 60);
    }

    public static byte[] padTo(byte[] frame, int length) {
        return frame.length >= length ? frame : Arrays.copyOf(frame, length);
    }

    /** A 1500-byte Ethernet/IPv4/TCP frame with a patterned payload (the benchmarks' packet). */
    public static byte[] tcpFrame1500() {
        byte[] payload = new byte[1500 - 14 - 20 - 20];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) (i * 31 + 7);
        }
        return ethernet(0x0800, ipv4(TCP, 64, tcp(40000, 80, false, payload)));
    }
}
