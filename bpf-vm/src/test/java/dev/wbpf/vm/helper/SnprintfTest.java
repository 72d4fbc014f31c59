package dev.wbpf.vm.helper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.wbpf.vm.memory.Memory;
import dev.wbpf.vm.memory.RegionKind;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** bpf_snprintf's format rules (the kernel's bpf_bprintf_prepare). */
class SnprintfTest {
    private final Memory memory = new Memory();

    private String fmt(String format, long... args) {
        byte[] out = Snprintf.format(memory, 0, format.getBytes(StandardCharsets.ISO_8859_1), args);
        return out == null ? null : new String(out, StandardCharsets.ISO_8859_1);
    }

    @Test void integers() {
        assertEquals("-1 -1 4294967295 ffffffff FFFFFFFF", fmt("%d %i %u %x %X", -1, -1, -1, -1, -1));
        assertEquals("-1 18446744073709551615 ffffffffffffffff", fmt("%ld %lu %lx", -1, -1, -1));
        assertEquals("-5 18446744073709551611 fffffffffffffffb", fmt("%lld %llu %llx", -5, -5, -5));
        assertEquals("7", fmt("%d", 0x1_0000_0007L)); // int conversions take the low 32 bits
    }

    @Test void flagsAndWidth() {
        assertEquals("[   42][42   ][00042][+42][ 42][-0042]", fmt("[%5d][%-5d][%05d][%+d][% d][%05d]", 42, 42, 42, 42, 42, -42));
        assertEquals("[  ab]", fmt("[%4x]", 0xab));
    }

    @Test void charsStringsPointersAndPercent() {
        long s = memory.add(RegionKind.HELPER_MEMORY, "s", "hello\0junk".getBytes(StandardCharsets.ISO_8859_1), 0, 10, false, null);
        assertEquals("c=A s=hello|hello p=00000000deadbeef px=0000000000000010 100%", fmt("c=%c s=%s|%pks p=%p px=%px 100%%",
                'A', s, s, 0xdeadbeefL, 16));
        assertEquals("[]", fmt("[%s]", 0x1234)); // unreadable string: empty, not an error
        assertEquals("[   hi]", fmt("[%5s]", memory.add(RegionKind.HELPER_MEMORY, "t", new byte[] {'h', 'i', 0}, 0, 3, false, null)));
    }

    @Test void whatTheKernelRefuses() {
        assertNull(fmt("%d %d", 1));            // more conversions than arguments
        assertNull(fmt("%hd", 1));              // no h
        assertNull(fmt("%.3d", 1));             // no precision
        assertNull(fmt("%f", 1));
        assertNull(fmt("%n", 1));
        assertNull(fmt("%pB", 1));              // pointer extensions the VM does not offer
        assertNull(fmt("%pxy", 1));
        assertNull(fmt("bell\u0007", new long[0])); // non-printable character
        assertNull(fmt("%", 1));                // trailing %
        assertEquals("ok\n", fmt("ok\n"));
    }
}
