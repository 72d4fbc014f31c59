package dev.wbpf.vm.hook;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes Ethernet packets to a classic pcap file (little-endian, microsecond timestamps). Thread-safe. */
public final class PcapWriter implements AutoCloseable {
    private final OutputStream out;
    private final int snapLength;

    public PcapWriter(Path file) throws IOException {
        this(Files.newOutputStream(file), 262_144);
    }

    public PcapWriter(OutputStream stream, int snapLength) throws IOException {
        this.out = new BufferedOutputStream(stream);
        this.snapLength = snapLength;
        ByteBuffer header = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
        header.putInt(0xa1b2c3d4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(snapLength)
                .putInt(Pcap.LINKTYPE_ETHERNET);
        out.write(header.array());
    }

    public synchronized void write(long timestampNanos, byte[] packet) {
        int caplen = Math.min(packet.length, snapLength);
        ByteBuffer record = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
        record.putInt((int) (timestampNanos / 1_000_000_000L)).putInt((int) (timestampNanos % 1_000_000_000L / 1000))
                .putInt(caplen).putInt(packet.length);
        try {
            out.write(record.array());
            out.write(packet, 0, caplen);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public synchronized void flush() throws IOException {
        out.flush();
    }

    @Override
    public synchronized void close() throws IOException {
        out.close();
    }
}
