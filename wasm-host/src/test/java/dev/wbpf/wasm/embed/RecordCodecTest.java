package dev.wbpf.wasm.embed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wbpf.core.btf.Btf;
import dev.wbpf.core.object.BpfObjectReader;
import dev.wbpf.core.object.BpfObjectSpec;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Record codecs laid out by BTF, against opensnoop.bpf.c's {@code struct event}. */
class RecordCodecTest {
    private static final Path OPENSNOOP = Path.of(System.getProperty("wbpf.testdata"), "bpf", "out", "opensnoop.bpf.o");

    /** A subset of struct event, in another order. */
    record OpenEvent(int pid, String comm, long ts, int ret, String fname) {
    }

    record Wrong(int pid, int ts) {
    }

    record Misspelt(int pid, int pidd) {
    }

    record NotAString(int pid, long comm) {
    }

    private static Btf btf() throws Exception {
        BpfObjectSpec spec = BpfObjectReader.read(OPENSNOOP);
        return spec.btfIfPresent().orElseThrow();
    }

    @Test
    void aRecordIsLaidOutByTheStructAndRoundTrips() throws Exception {
        Codec<OpenEvent> codec = Codec.record(OpenEvent.class, "event").bind(btf(), 0, -1, "a record of `events`");
        assertEquals(304, codec.size());
        OpenEvent event = new OpenEvent(4242, "bash", 123_456_789L, -2, "/etc/passwd");
        ByteBuffer bytes = TypedMap.wrap(new byte[codec.size()]);
        codec.encode(event, bytes, 0);
        // the C offsets: ts at 0, pid at 8, ret at 16, comm at 32, fname at 48
        assertEquals(123_456_789L, bytes.getLong(0));
        assertEquals(4242, bytes.getInt(8));
        assertEquals(-2, bytes.getInt(16));
        assertEquals('b', bytes.get(32));
        assertEquals('/', bytes.get(48));
        assertEquals(event, codec.decode(bytes, 0));
    }

    @Test
    void mismatchesNameTheComponentAndTheMember() throws Exception {
        Btf btf = btf();
        var size = assertThrows(IllegalArgumentException.class,
                () -> Codec.record(Wrong.class, "event").bind(btf, 0, -1, "a record of `events`"));
        assertEquals("Wrong.ts (struct event member ts: __u64 at offset 0) is 8 bytes and cannot be read as int (4 bytes)",
                size.getMessage());
        var name = assertThrows(IllegalArgumentException.class,
                () -> Codec.record(Misspelt.class, "event").bind(btf, 0, -1, "a record of `events`"));
        assertTrue(name.getMessage().startsWith("record Misspelt component `pidd` has no member in struct event (a record of `events`);"
                + " its members: ts, pid, uid, ret, flags, mode, _pad, comm, fname"), name.getMessage());
        var type = assertThrows(IllegalArgumentException.class,
                () -> Codec.record(NotAString.class, "event").bind(btf, 0, -1, "a record of `events`"));
        assertTrue(type.getMessage().startsWith("NotAString.comm (struct event member comm: char[16] at offset 32) is 16 bytes"),
                type.getMessage());
        var noStruct = assertThrows(IllegalArgumentException.class,
                () -> Codec.record(OpenEvent.class).bind(btf, 0, -1, "a record of `events`"));
        assertTrue(noStruct.getMessage().contains("the object has no struct open_event to read it as; name the struct: "
                + "Codec.record(OpenEvent.class, \"STRUCT\")"), noStruct.getMessage());
    }

    @Test
    void fixedStringsAndBytesKeepToTheirArrays() {
        Codec<String> comm = Codec.string(16);
        ByteBuffer bytes = TypedMap.wrap(new byte[16]);
        comm.encode("systemd-journal", bytes, 0);
        assertEquals("systemd-journal", comm.decode(bytes, 0));
        var tooLong = assertThrows(IllegalArgumentException.class, () -> comm.encode("systemd-journald", bytes, 0));
        assertEquals("\"systemd-journald\" is 16 bytes; char[16] holds at most 15 and the terminating NUL", tooLong.getMessage());
        Codec<byte[]> mac = Codec.bytes(6);
        ByteBuffer six = TypedMap.wrap(new byte[6]);
        mac.encode(new byte[] {1, 2, 3, 4, 5, 6}, six, 0);
        assertArrayEquals(new byte[] {1, 2, 3, 4, 5, 6}, mac.decode(six, 0));
        assertThrows(IllegalArgumentException.class, () -> mac.encode(new byte[5], six, 0));
    }

    @Test
    void anUnboundRecordCodecSaysHowToBindIt() {
        var e = assertThrows(IllegalStateException.class, () -> Codec.record(OpenEvent.class).size());
        assertTrue(e.getMessage().contains("was not bound to a BTF type yet"), e.getMessage());
    }
}
