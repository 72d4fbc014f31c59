package dev.wbpf.core.btf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wbpf.core.BpfFormatException;
import dev.wbpf.core.btf.BtfType.Member;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Malformed BTF and .BTF.ext: each problem is a BpfFormatException that names the file and says what is wrong. */
class BtfCorruptInputTest {
    private static final String FILE = "bad.btf";
    private static final BtfType INT = new BtfType.Int("int", 4, BtfType.INT_SIGNED, 0, 32);

    private static byte[] btf(BtfType... types) {
        return new BtfWriter().addAll(List.of(types)).toBytes();
    }

    private static byte[] patched(byte[] bytes, Consumer<byte[]> patch) {
        byte[] copy = bytes.clone();
        patch.accept(copy);
        return copy;
    }

    private static void putU32(byte[] b, int at, long v) {
        for (int i = 0; i < 4; i++) {
            b[at + i] = (byte) (v >>> (8 * i));
        }
    }

    /** Asserts the action fails with a BpfFormatException for FILE whose problem contains {@code words}. */
    private static void rejects(String words, Executable action) {
        BpfFormatException e = assertThrows(BpfFormatException.class, action);
        assertEquals(FILE, e.source());
        assertTrue(e.getMessage().startsWith(FILE + ": "), e.getMessage());
        assertTrue(e.problem().contains(words), "expected '" + words + "' in: " + e.problem());
    }

    private static void rejects(String words, byte[] bytes) {
        rejects(words, () -> Btf.parse(FILE, bytes));
    }

    @Test
    void header() {
        byte[] good = btf(INT);
        rejects("BTF magic", new byte[0]);
        rejects("bad BTF magic", patched(good, b -> b[0] = 0));
        rejects("big-endian", patched(good, b -> {
            b[0] = (byte) 0xeb;
            b[1] = (byte) 0x9f;
        }));
        rejects("version 2", patched(good, b -> b[2] = 2));
        rejects("header length 8", patched(good, b -> putU32(b, 4, 8)));
        rejects("header length", patched(good, b -> putU32(b, 4, 1 << 20)));
        rejects("runs past the end", patched(good, b -> putU32(b, 12, 1000)));
        rejects("not 4-byte aligned", patched(good, b -> putU32(b, 8, 2)));
        rejects("overlap", patched(good, b -> putU32(b, 16, 0)));
        rejects("BTF header", java.util.Arrays.copyOf(good, 10));
    }

    @Test
    void stringSection() {
        byte[] good = btf(INT);
        int strings = good.length - 5; // table is "\0int\0"
        rejects("does not start with an empty string", patched(good, b -> b[strings] = 'x'));
        rejects("does not end with NUL", patched(good, b -> b[good.length - 1] = 'x'));
        rejects("type [1]: name: string offset 99", patched(good, b -> putU32(b, 24, 99)));
    }

    @Test
    void indexedBtfChecksTheLayoutAtOnceAndEachTypeWhenFirstUsed() {
        byte[] good = btf(INT);
        rejects("type [1]: unknown BTF kind 20", () -> Btf.parseIndexed(FILE, patched(good, b -> b[24 + 7] = 20)));
        byte[] struct = btf(new BtfType.Struct("s", 4, List.of(), false));
        rejects("type [1]", () -> Btf.parseIndexed(FILE, patched(struct, b -> putU32(b, 24 + 4, 4L << 24 | 0xffff))));
        Btf dangling = Btf.parseIndexed(FILE, btf(INT, new BtfType.Ptr("", 7)));
        assertEquals(INT, dangling.type(1));
        rejects("refers to type [7]", () -> dangling.type(2));
        rejects("refers to type [7]", () -> dangling.type(2)); // a bad type is never kept as if checked
        Btf badFunc = Btf.parseIndexed(FILE, btf(INT, new BtfType.Func("f", 1, BtfType.Linkage.GLOBAL)));
        rejects("not a FUNC_PROTO", () -> badFunc.findByNameAndKind("f", BtfKind.FUNC));
        Btf selfFunc = Btf.parseIndexed(FILE, btf(new BtfType.Func("f", 1, BtfType.Linkage.GLOBAL)));
        rejects("not a FUNC_PROTO", () -> selfFunc.type(1)); // its check finds it, and does not loop
    }

    @Test
    void typeSection() {
        byte[] good = btf(INT);
        rejects("type [1]: unknown BTF kind 20", patched(good, b -> b[24 + 7] = 20));
        rejects("type [1]: unknown BTF kind 0", patched(good, b -> b[24 + 7] = 0));
        // The type section ends right after the INT's header, before its encoding word.
        rejects("type [1]: int encoding", patched(good, b -> putU32(b, 12, 12)));
        // A struct claiming 65535 members in a 12-byte body must fail before allocating for them.
        byte[] struct = btf(new BtfType.Struct("s", 4, List.of(), false));
        rejects("type [1]: members", patched(struct, b -> putU32(b, 24 + 4, 4L << 24 | 0xffff)));
        rejects("refers to type [7]", btf(new BtfType.Ptr("", 7)));
        rejects("type id 4294967295 exceeds", patched(btf(new BtfType.Ptr("", 0)), b -> putU32(b, 24 + 8, 0xffff_ffffL)));
        rejects("not a FUNC_PROTO", btf(INT, new BtfType.Func("f", 1, BtfType.Linkage.GLOBAL)));
        byte[] func = btf(new BtfType.FuncProto("", 0, List.of()), new BtfType.Func("f", 1, BtfType.Linkage.GLOBAL));
        rejects("unknown linkage 3", patched(func, b -> b[24 + 12 + 4] = 3));
        rejects("component index 2", btf(new BtfType.Struct("s", 4, List.of(new Member("a", 0, 0, 0)), false),
                new BtfType.DeclTag("t", 1, 2, false)));
    }

    @Test
    void referenceCyclesAreDetected() {
        Btf typedefLoop = Btf.parse(FILE, btf(new BtfType.Typedef("a", 2), new BtfType.Typedef("b", 1)));
        rejects("cycle", () -> typedefLoop.sizeOf(1));
        rejects("cycle", () -> typedefLoop.alignOf(2));
        rejects("cycle", () -> typedefLoop.resolve(1));
        Btf constLoop = Btf.parse(FILE, btf(new BtfType.Const("", 1)));
        rejects("cycle", () -> constLoop.sizeOf(1));
        Btf arrayOfItself = Btf.parse(FILE, btf(INT, new BtfType.Array("", 2, 1, 4)));
        rejects("cycle", () -> arrayOfItself.sizeOf(2));
        Btf selfContaining = Btf.parse(FILE, btf(INT, new BtfType.Struct("s", 8, List.of(
                new Member("i", 1, 0, 0), new Member("self", 2, 32, 0)), false)));
        rejects("contains itself", () -> selfContaining.alignOf(2));
        Btf huge = Btf.parse(FILE, btf(INT, new BtfType.Array("", 1, 1, 0xffff_ffffL), new BtfType.Array("", 2, 1, 2)));
        rejects("overflows 32 bits", () -> huge.sizeOf(3));
        rejects("overflows 32 bits", () -> huge.sizeOf(2));
    }

    @Test
    void deepOrWideStructGraphsStayBounded() {
        // 2000 structs each embedding the next: deeper than any compiler output; must not overflow the stack.
        List<BtfType> chain = new ArrayList<>(List.of(INT));
        for (int i = 0; i < 2000; i++) {
            int next = i == 1999 ? 1 : i + 3;
            chain.add(new BtfType.Struct("s" + i, 4, List.of(new Member("m", next, 0, 0)), false));
        }
        Btf deep = Btf.parse(FILE, new BtfWriter().addAll(chain).toBytes());
        rejects("nested more than", () -> deep.alignOf(2));
        assertEquals(4, deep.alignOf(1800), "a shallower start is fine");

        // 30 levels of 500 members each pointing at the level below: 500^30 paths, one answer per type.
        List<BtfType> wide = new ArrayList<>(List.of(INT));
        for (int level = 0; level < 30; level++) {
            int below = level == 0 ? 1 : level + 1;
            List<Member> members = new ArrayList<>();
            for (int m = 0; m < 500; m++) {
                members.add(new Member("m" + m, below, 0, 0));
            }
            wide.add(new BtfType.Union("u" + level, 4, members, false));
        }
        Btf fan = Btf.parse(FILE, new BtfWriter().addAll(wide).toBytes());
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> assertEquals(4, fan.alignOf(fan.typeCount() - 1)));
    }

    @Test
    void btfExt() {
        Btf types = Btf.parse(FILE, btf(new BtfType.FuncProto("", 0, List.of()), new BtfType.Func("f", 1, BtfType.Linkage.GLOBAL)));
        // The string table is "\0f\0", so the ELF section is named "f" (offset 1).
        byte[] good = ext(8, 1, 1, 0, 2);
        assertEquals(List.of(new FuncInfo(0, 2)), BtfExt.parse(FILE, good, types).funcInfos("f"));
        rejects("bad BTF.ext magic", () -> BtfExt.parse(FILE, patched(good, b -> b[0] = 1), types));
        rejects("header length", () -> BtfExt.parse(FILE, patched(good, b -> putU32(b, 4, 4)), types));
        rejects("record size 4", () -> BtfExt.parse(FILE, ext(4, 1, 1, 0, 2), types));
        rejects("record size 6", () -> BtfExt.parse(FILE, ext(6, 1, 1, 0, 2), types));
        rejects("has no records", () -> BtfExt.parse(FILE, ext(8, 1, 0, 0, 2), types));
        rejects("records of section 'f'", () -> BtfExt.parse(FILE, ext(8, 1, 0x7fff_ffff, 0, 2), types));
        rejects("type id 9", () -> BtfExt.parse(FILE, ext(8, 1, 1, 0, 9), types));
        rejects("not a multiple of 8", () -> BtfExt.parse(FILE, ext(8, 1, 1, 4, 2), types));
        rejects("section name", () -> BtfExt.parse(FILE, ext(8, 500, 1, 0, 2), types));
    }

    /** A .BTF.ext with a 32-byte header and one func_info sub-section of one section. */
    private static byte[] ext(long recordSize, long sectionName, long count, long insnOffset, long typeId) {
        byte[] b = new byte[32 + 4 + 8 + 8];
        b[0] = (byte) 0x9f;
        b[1] = (byte) 0xeb;
        b[2] = 1;
        putU32(b, 4, 32);
        putU32(b, 8, 0); // func_info at body offset 0
        putU32(b, 12, 20);
        putU32(b, 32, recordSize);
        putU32(b, 36, sectionName);
        putU32(b, 40, count);
        putU32(b, 44, insnOffset);
        putU32(b, 48, typeId);
        return b;
    }
}
