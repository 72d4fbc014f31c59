package dev.wbpf.wasm.embed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wbpf.core.btf.Btf;
import dev.wbpf.core.object.BpfObjectReader;
import dev.wbpf.core.object.BpfObjectSpec;
import dev.wbpf.core.testing.Fixtures;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Record codecs laid out by BTF, against opensnoop.bpf.c's {@code struct event}. */
class RecordCodecTest {
    private static final Path OPENSNOOP = Fixtures.object("opensnoop");

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

    /** runqlat.bpf.c's {@code struct hist { __u32 slots[26]; char comm[16]; }}. */
    record Hist(int[] slots, String comm) {
    }

    /** globals.bpf.c's {@code struct config}: every scalar size, a bool in a {@code __u8}. */
    record Config(int flags, short port, boolean enabled, byte level, long threshold, String name) {
    }

    /** vmlinux's {@code struct trace_event_raw_sys_enter} (in execsnoop.bpf.o): a nested struct and a {@code long[6]}. */
    record SysEnter(TraceEntry ent, long id, long[] args) {
    }

    record TraceEntry(short type, byte flags, byte preemptCount, int pid) {
    }

    private static <R extends Record> Codec<R> bound(String object, Class<R> type, String struct) throws Exception {
        Btf btf = BpfObjectReader.read(OPENSNOOP.resolveSibling(object)).btfIfPresent().orElseThrow();
        return Codec.record(type, struct).bind(btf, 0, -1, "test");
    }

    @Test
    void arraysScalarsOfEverySizeAndNestedStructs() throws Exception {
        Codec<Hist> hist = bound("runqlat.bpf.o", Hist.class, "hist");
        int[] slots = new int[26];
        slots[3] = 7;
        slots[25] = -1;
        ByteBuffer bytes = TypedMap.wrap(new byte[hist.size()]);
        hist.encode(new Hist(slots, "cc1"), bytes, 0);
        assertEquals(7, bytes.getInt(12));
        assertEquals('c', bytes.get(104));
        Hist back = hist.decode(bytes, 0);
        assertArrayEquals(slots, back.slots());
        assertEquals("cc1", back.comm());
        var shortArray = assertThrows(IllegalArgumentException.class, () -> hist.encode(new Hist(new int[3], "x"), bytes, 0));
        assertEquals("Hist.slots: got 3 elements for an array of 26", shortArray.getMessage());

        Codec<Config> config = bound("globals.bpf.o", Config.class, "config");
        Config c = new Config(0x10, (short) 8080, true, (byte) 3, 1L << 40, "wbpf");
        ByteBuffer cb = TypedMap.wrap(new byte[config.size()]);
        config.encode(c, cb, 0);
        assertEquals((short) 8080, cb.getShort(4));
        assertEquals(1, cb.get(6));
        assertEquals(c, config.decode(cb, 0));

        Codec<SysEnter> sysEnter = bound("execsnoop.bpf.o", SysEnter.class, "trace_event_raw_sys_enter");
        ByteBuffer raw = TypedMap.wrap(new byte[sysEnter.size()]);
        raw.putShort(0, (short) 700).put(3, (byte) 1).putInt(4, 4242).putLong(8, 59).putLong(16, 0x7fff_0000L).putLong(56, 6);
        SysEnter decoded = sysEnter.decode(raw, 0);
        assertEquals(new TraceEntry((short) 700, (byte) 0, (byte) 1, 4242), decoded.ent());
        assertEquals(59, decoded.id());
        assertArrayEquals(new long[] {0x7fff_0000L, 0, 0, 0, 0, 6}, decoded.args());
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
