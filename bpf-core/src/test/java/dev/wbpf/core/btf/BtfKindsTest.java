package dev.wbpf.core.btf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wbpf.core.BpfFormatException;
import dev.wbpf.core.btf.BtfType.Member;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every BTF kind, parsed from real clang output (kinds.bpf.c), checked against the C source and bpftool. */
class BtfKindsTest {
    private static Path object;
    private static byte[] section;
    private static Btf btf;

    @BeforeAll
    static void compile() {
        object = BpfTools.compile("kinds");
        section = BpfTools.section(object, ".BTF");
        btf = Btf.parse("kinds.bpf.o", section);
    }

    private static int id(String name, BtfKind kind) {
        return btf.findByNameAndKind(name, kind).orElseThrow();
    }

    private static <T extends BtfType> T named(String name, Class<T> type, BtfKind kind) {
        return btf.type(id(name, kind), type);
    }

    private static Member member(BtfType.Composite owner, String name) {
        return owner.members().stream().filter(m -> m.name().equals(name)).findFirst().orElseThrow();
    }

    private static BtfType.Struct packet() {
        return named("packet", BtfType.Struct.class, BtfKind.STRUCT);
    }

    @Test
    void dumpEqualsBpftoolLineForLine() {
        assertEquals(BpfTools.bpftoolRawDump(object), BtfRawDump.dump(btf).lines().toList());
    }

    @Test
    void reEncodingReproducesTheSectionByteForByte() {
        assertArrayEquals(section, btf.toBytes());
    }

    @Test
    void ints() {
        BtfType.Int i = named("int", BtfType.Int.class, BtfKind.INT);
        assertEquals(new BtfType.Int("int", 4, BtfType.INT_SIGNED, 0, 32), i);
        assertTrue(i.isSigned());
        assertEquals(BtfType.INT_BOOL, named("_Bool", BtfType.Int.class, BtfKind.INT).encoding());
        assertEquals(0, named("unsigned int", BtfType.Int.class, BtfKind.INT).encoding());
    }

    @Test
    void pointersModifiersAndForwardDeclarations() {
        BtfType.Struct packet = packet();
        BtfType.Ptr opaque = btf.type(member(packet, "opaque").typeId(), BtfType.Ptr.class);
        assertEquals(new BtfType.Fwd("undefined_struct", false), btf.type(opaque.typeId()));
        BtfType.Ptr opaque2 = btf.type(member(packet, "opaque2").typeId(), BtfType.Ptr.class);
        assertEquals(new BtfType.Fwd("undefined_union", true), btf.type(opaque2.typeId()));

        BtfType.Volatile counter = btf.type(member(packet, "counter").typeId(), BtfType.Volatile.class);
        assertEquals("int", btf.type(counter.typeId()).name());
        // const char *const name: CONST -> PTR -> CONST -> char
        BtfType.Const outer = btf.type(member(packet, "name").typeId(), BtfType.Const.class);
        BtfType.Ptr ptr = btf.type(outer.typeId(), BtfType.Ptr.class);
        BtfType.Const inner = btf.type(ptr.typeId(), BtfType.Const.class);
        assertEquals("char", btf.type(inner.typeId()).name());
        BtfType.Restrict cursor = btf.type(member(packet, "cursor").typeId(), BtfType.Restrict.class);
        assertInstanceOf(BtfType.Ptr.class, btf.type(cursor.typeId()));

        BtfType.Typedef u64 = named("u64", BtfType.Typedef.class, BtfKind.TYPEDEF);
        assertEquals("unsigned long long", btf.type(u64.typeId()).name());
    }

    @Test
    void arraysIncludingNestedAndFlexible() {
        BtfType.Array rows = btf.type(member(packet(), "matrix").typeId(), BtfType.Array.class);
        assertEquals(2, rows.elementCount());
        BtfType.Array columns = btf.type(rows.elementTypeId(), BtfType.Array.class);
        assertEquals(3, columns.elementCount());
        assertEquals("long", btf.type(columns.elementTypeId()).name());
        assertEquals("__ARRAY_SIZE_TYPE__", btf.type(rows.indexTypeId()).name());

        Member payload = member(packet(), "payload");
        assertEquals(0, btf.type(payload.typeId(), BtfType.Array.class).elementCount());
        assertEquals(1168, payload.bitOffset());
        assertEquals(146, payload.byteOffset());
    }

    @Test
    void structBitfieldsUseTheKindFlagEncoding() {
        BtfType.Struct flags = named("flags", BtfType.Struct.class, BtfKind.STRUCT);
        assertTrue(flags.bitfieldEncoding());
        assertEquals(16, flags.size());
        assertEquals(List.of(
                new Member("a", id("unsigned int", BtfKind.INT), 0, 3),
                new Member("b", id("unsigned int", BtfKind.INT), 3, 5),
                new Member("c", id("int", BtfKind.INT), 8, 9),
                new Member("d", id("unsigned char", BtfKind.INT), 24, 0),
                new Member("e", id("u64", BtfKind.TYPEDEF), 64, 40)), flags.members());
        assertFalse(member(flags, "d").isBitfield());
        assertFalse(packet().bitfieldEncoding());
    }

    @Test
    void unions() {
        BtfType.Union number = named("number", BtfType.Union.class, BtfKind.UNION);
        assertEquals(8, number.size());
        assertEquals(List.of("i", "f", "d", "bytes"), number.members().stream().map(Member::name).toList());
        assertTrue(number.members().stream().allMatch(m -> m.bitOffset() == 0));
    }

    @Test
    void enumsSignedAndUnsigned() {
        BtfType.Enum color = named("color", BtfType.Enum.class, BtfKind.ENUM);
        assertFalse(color.signed());
        assertEquals(List.of(new BtfType.Enumerator("RED", 0), new BtfType.Enumerator("GREEN", 5),
                new BtfType.Enumerator("BLUE", 6)), color.values());
        BtfType.Enum delta = named("delta", BtfType.Enum.class, BtfKind.ENUM);
        assertTrue(delta.signed());
        assertEquals(-3, delta.values().getFirst().value());

        BtfType.Enum64 wide = named("wide", BtfType.Enum64.class, BtfKind.ENUM64);
        assertFalse(wide.signed());
        assertEquals(8, wide.size());
        assertEquals(new BtfType.Enumerator("HUGE", 0x1234567890L), wide.values().get(1));
        BtfType.Enum64 wideSigned = named("wide_signed", BtfType.Enum64.class, BtfKind.ENUM64);
        assertTrue(wideSigned.signed());
        assertEquals(new BtfType.Enumerator("NEG", -0x100000000L), wideSigned.values().getFirst());
    }

    @Test
    void functionsAndPrototypes() {
        BtfType.Func helper = named("helper", BtfType.Func.class, BtfKind.FUNC);
        assertEquals(BtfType.Linkage.STATIC, helper.linkage());
        BtfType.FuncProto proto = btf.type(helper.protoTypeId(), BtfType.FuncProto.class);
        assertEquals(id("int", BtfKind.INT), proto.returnTypeId());
        assertEquals(List.of("p", "n"), proto.params().stream().map(BtfType.Param::name).toList());
        assertEquals(BtfType.Linkage.GLOBAL, named("global_helper", BtfType.Func.class, BtfKind.FUNC).linkage());
        assertEquals(BtfType.Linkage.EXTERN, named("bpf_kfunc_example", BtfType.Func.class, BtfKind.FUNC).linkage());
    }

    @Test
    void variablesAndDataSections() {
        assertEquals(BtfType.Linkage.GLOBAL, named("global_packet", BtfType.Var.class, BtfKind.VAR).linkage());
        assertEquals(BtfType.Linkage.STATIC, named("read_only_config", BtfType.Var.class, BtfKind.VAR).linkage());
        assertEquals(BtfType.Linkage.EXTERN, named("CONFIG_HZ", BtfType.Var.class, BtfKind.VAR).linkage());

        BtfType.DataSec bss = btf.dataSec(".bss").orElseThrow();
        assertEquals(List.of("global_bss", "global_packed", "global_packet", "global_bool"),
                btf.vars(bss).stream().map(BtfType.Var::name).toList());
        BtfType.VarSecInfo packetInfo = bss.vars().get(2);
        assertEquals(152, packetInfo.size());
        // The extern function in .ksyms is a FUNC, not a VAR.
        BtfType.DataSec ksyms = btf.dataSec(".ksyms").orElseThrow();
        assertEquals(1, ksyms.vars().size());
        assertTrue(btf.vars(ksyms).isEmpty());
        assertTrue(btf.dataSec(".nope").isEmpty());
    }

    @Test
    void floats() {
        assertEquals(new BtfType.Float("float", 4), named("float", BtfType.Float.class, BtfKind.FLOAT));
        assertEquals(new BtfType.Float("double", 8), named("double", BtfType.Float.class, BtfKind.FLOAT));
    }

    @Test
    void declarationTagsNameTheirComponent() {
        assertEquals(new BtfType.DeclTag("member_tag", id("packet", BtfKind.STRUCT), 5, false),
                named("member_tag", BtfType.DeclTag.class, BtfKind.DECL_TAG));
        assertEquals("color", packet().members().get(5).name());
        assertEquals(new BtfType.DeclTag("param_tag", id("helper", BtfKind.FUNC), 0, false),
                named("param_tag", BtfType.DeclTag.class, BtfKind.DECL_TAG));
        assertEquals(-1, named("var_tag", BtfType.DeclTag.class, BtfKind.DECL_TAG).componentIndex());
        assertEquals(id("global_helper", BtfKind.FUNC), named("func_tag", BtfType.DeclTag.class, BtfKind.DECL_TAG).typeId());
    }

    @Test
    void typeTags() {
        BtfType.Ptr userPtr = btf.type(member(packet(), "user_ptr").typeId(), BtfType.Ptr.class);
        BtfType.TypeTag tag = btf.type(userPtr.typeId(), BtfType.TypeTag.class);
        assertEquals("user", tag.name());
        assertEquals(id("int", BtfKind.INT), tag.typeId());
    }

    @Test
    void sizesAndAlignmentsFollowLibbpf() {
        assertEquals(152, btf.sizeOf(id("packet", BtfKind.STRUCT)));
        assertEquals(8, btf.alignOf(id("packet", BtfKind.STRUCT)));
        assertEquals(16, btf.sizeOf(id("flags", BtfKind.STRUCT)));
        assertEquals(8, btf.alignOf(id("flags", BtfKind.STRUCT)));
        assertEquals(8, btf.alignOf(id("number", BtfKind.UNION)));
        assertEquals(8, btf.sizeOf(id("xdp_md", BtfKind.STRUCT)));
        assertEquals(4, btf.alignOf(id("xdp_md", BtfKind.STRUCT)));
        assertEquals(5, btf.sizeOf(id("packed_pair", BtfKind.STRUCT)));
        assertEquals(1, btf.alignOf(id("packed_pair", BtfKind.STRUCT)), "packed: member at an unaligned offset");
        int matrix = member(packet(), "matrix").typeId();
        assertEquals(48, btf.sizeOf(matrix));
        assertEquals(8, btf.alignOf(matrix));
        assertEquals(0, btf.sizeOf(member(packet(), "payload").typeId()));
        assertEquals(8, btf.sizeOf(id("u64", BtfKind.TYPEDEF)));
        assertEquals(8, btf.sizeOf(member(packet(), "opaque").typeId()), "pointer");
        assertEquals(4, btf.sizeOf(member(packet(), "counter").typeId()), "volatile int");
        assertEquals(152, btf.sizeOf(id("global_packet", BtfKind.VAR)), "a VAR has its type's size");
        assertEquals(4, btf.sizeOf(id("color", BtfKind.ENUM)));
        assertEquals(8, btf.alignOf(id("wide", BtfKind.ENUM64)));
        assertEquals(8, btf.alignOf(id("double", BtfKind.FLOAT)));

        var noSize = assertThrows(BpfFormatException.class, () -> btf.sizeOf(id("helper", BtfKind.FUNC)));
        assertTrue(noSize.problem().contains("has no size"), noSize.getMessage());
        assertThrows(BpfFormatException.class, () -> btf.sizeOf(0));
        assertThrows(BpfFormatException.class, () -> btf.alignOf(id("undefined_struct", BtfKind.FWD)));
    }

    @Test
    void resolveSkipsModifiersAndTypedefs() {
        assertEquals(id("int", BtfKind.INT), btf.resolve(member(packet(), "counter").typeId()));
        assertEquals(id("unsigned long long", BtfKind.INT), btf.resolve(id("u64", BtfKind.TYPEDEF)));
        int pointer = member(packet(), "opaque").typeId();
        assertEquals(pointer, btf.resolve(pointer), "a pointer is not a modifier");
    }

    @Test
    void lookups() {
        assertEquals(BtfType.Void.INSTANCE, btf.type(0));
        assertEquals(1, btf.firstTypeId());
        assertEquals(btf.types().size() + 1, btf.typeCount());
        assertTrue(btf.findByName("no_such_type").isEmpty());
        assertEquals(List.of(id("int", BtfKind.INT)), btf.findAllByName("int"));
        var wrongKind = assertThrows(BpfFormatException.class, () -> btf.type(id("int", BtfKind.INT), BtfType.Struct.class));
        assertTrue(wrongKind.getMessage().startsWith("kinds.bpf.o: "), wrongKind.getMessage());
        assertThrows(BpfFormatException.class, () -> btf.type(btf.typeCount()));
        assertThrows(BpfFormatException.class, () -> btf.type(-1));
    }
}
