package dev.wbpf.vm.load;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;

/** Crafted Ethernet frames for packet-program tests. */
public final class Packets {
    private Packets() {}

    public static final int TCP = 6, UDP = 17, ICMP = 1;

    public static byte[] ethernet(int etherType, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(14 + payload.length);
        b.put(new byte[] {0, 0, 0, 0, 0, 0}).put(new byte[] {2, 0, 0, 0, 0, 1}).putShort((short) etherType).put(payload);
        return b.array();
    }

    public static byte[] vlan(int vid, int innerType, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(14 + 4 + payload.length);
        b.put(new byte[] {0, 0, 0, 0, 0, 0}).put(new byte[] {2, 0, 0, 0, 0, 1}).putShort((short) 0x8100)
                .putShort((short) vid).putShort((short) innerType).put(payload);
        return b.array();
    }

    public static byte[] ipv4(int protocol, int fragOff, byte[] l4) {
        ByteBuffer b = ByteBuffer.allocate(20 + l4.length);
        b.put((byte) 0x45).put((byte) 0).putShort((short) (20 + l4.length)).putShort((short) 1).putShort((short) fragOff)
                .put((byte) 64).put((byte) protocol).putShort((short) 0)
                .put(new byte[] {10, 0, 0, 1}).put(new byte[] {10, 0, 0, 2}).put(l4);
        return b.array();
    }

    public static byte[] ipv6(int nextHeader, byte[] l4) {
        ByteBuffer b = ByteBuffer.allocate(40 + l4.length);
        b.putInt(0x6000_0000).putShort((short) l4.length).put((byte) nextHeader).put((byte) 64);
        b.put(new byte[16]).put(new byte[16]).put(l4);
        return b.array();
    }

    public static byte[] tcp(int sport, int dport, boolean syn, boolean ack) {
        ByteBuffer b = ByteBuffer.allocate(20);
        b.putShort((short) sport).putShort((short) dport).putInt(1).putInt(0)
                .put((byte) 0x50).put((byte) ((syn ? 2 : 0) | (ack ? 0x10 : 0))).putShort((short) 1024).putInt(0);
        return b.array();
    }

    public static byte[] udp(int sport, int dport, int payload) {
        ByteBuffer b = ByteBuffer.allocate(8 + payload);
        b.putShort((short) sport).putShort((short) dport).putShort((short) (8 + payload)).putShort((short) 0);
        return b.array();
    }

    public static byte[] padTo(byte[] frame, int length) {
        var out = new ByteArrayOutputStream();
        out.writeBytes(frame);
        out.writeBytes(new byte[Math.max(0, length - frame.length)]);
        return out.toByteArray();
    }
}
