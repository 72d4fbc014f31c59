package dev.wbpf.core.btf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * .BTF.ext records checked against facts other tools state about the same object: the symbol
 * table (llvm-objdump -t) for func_info, the DWARF line table (llvm-objdump -l) and the source for
 * line_info, and the compiled instructions' local values for CO-RE relocations.
 */
class BtfExtTest {
    private static final String PROGRAM = "kprobe/do_thing";

    record Parsed(Path object, Btf btf, BtfExt ext) {
        static Parsed of(String fixture) {
            Path object = BpfTools.compile(fixture);
            Btf btf = Btf.parse(fixture, BpfTools.section(object, ".BTF"));
            return new Parsed(object, btf, BtfExt.parse(fixture, BpfTools.section(object, ".BTF.ext"), btf));
        }
    }

    @Test
    void funcInfoNamesTheFunctionSymbolAtEachOffset() {
        Parsed kinds = Parsed.of("kinds");
        // "0000000000000030 l     F .text	0000000000000048 helper"
        Pattern symbol = Pattern.compile("^([0-9a-f]{16}) .* F (\\S+)\\s+[0-9a-f]{16} (\\S+)$");
        Map<String, Map<Integer, String>> functions = new HashMap<>();
        for (String line : BpfTools.run("llvm-objdump-16", "-t", kinds.object().toString())) {
            Matcher m = symbol.matcher(line);
            if (m.matches()) {
                functions.computeIfAbsent(m.group(2), _ -> new HashMap<>()).put(Integer.parseInt(m.group(1), 16), m.group(3));
            }
        }
        assertEquals(functions.keySet(), kinds.ext().funcInfos().keySet());
        for (var section : kinds.ext().funcInfos().entrySet()) {
            Map<Integer, String> expected = functions.get(section.getKey());
            Map<Integer, String> actual = new HashMap<>();
            for (FuncInfo info : section.getValue()) {
                actual.put(info.insnOffset(), kinds.btf().type(info.typeId(), BtfType.Func.class).name());
            }
            assertEquals(expected, actual, section.getKey());
        }
        assertEquals(2, kinds.ext().funcInfos(".text").size());
    }

    @Test
    void lineInfoAgreesWithTheDwarfLineTableAndTheSource() throws IOException {
        Parsed core = Parsed.of("core");
        List<String> source = Files.readAllLines(BpfTools.resource("core.bpf.c"));
        Map<Integer, Integer> dwarfLines = dwarfLineByInstruction(core.object());
        List<LineInfo> lines = core.ext().lineInfos(PROGRAM);
        assertFalse(lines.isEmpty());
        // The function's first record is its declaration line (DWARF puts the opening brace there).
        LineInfo entry = lines.getFirst();
        assertEquals(0, entry.insnOffset());
        assertEquals("int core_main(struct task *t)", entry.line());
        for (LineInfo info : lines) {
            assertTrue(info.fileName().endsWith("core.bpf.c"), info.fileName());
            assertEquals(source.get(info.lineNumber() - 1), info.line(), "text of line " + info.lineNumber());
            if (info != entry) {
                assertTrue(info.column() > 0, info.toString());
                assertEquals(dwarfLines.get(info.insnIndex()), info.lineNumber(), "line of instruction " + info.insnIndex());
            }
        }
    }

    /** Instruction index to source line, from llvm-objdump's "; file:LINE" annotations. */
    private static Map<Integer, Integer> dwarfLineByInstruction(Path object) {
        Pattern location = Pattern.compile("^; .*:(\\d+)$");
        Pattern instruction = Pattern.compile("^\\s+(\\d+):\\t.*");
        Map<Integer, Integer> byInstruction = new HashMap<>();
        int current = -1;
        for (String line : BpfTools.run("llvm-objdump-16", "-d", "-l", "--no-show-raw-insn", object.toString())) {
            Matcher l = location.matcher(line);
            Matcher i = instruction.matcher(line);
            if (l.matches()) {
                current = Integer.parseInt(l.group(1));
            } else if (i.matches()) {
                byInstruction.put(Integer.parseInt(i.group(1)), current);
            }
        }
        return byInstruction;
    }

    @Test
    void everyCoreRelocationKindWithItsAccessString() {
        Parsed core = Parsed.of("core");
        List<CoreRelocation> relocations = core.ext().coreRelocations(PROGRAM);
        List<String> actual = new ArrayList<>();
        for (CoreRelocation r : relocations) {
            actual.add(r.kind() + " " + core.btf().type(r.typeId()).name() + " " + r.accessString());
        }
        // In source order; core.bpf.c's last statement reads t->pid, a plain field offset.
        List<String> expected = List.of(
                "FIELD_BYTE_OFFSET task 0:1:0",
                "FIELD_BYTE_SIZE task 0:1:0",
                "FIELD_EXISTS task 0:0",
                "FIELD_SIGNED task 0:1:1",
                "FIELD_LSHIFT_U64 task 0:1:1",
                "FIELD_RSHIFT_U64 task 0:1:1",
                "TYPE_ID_LOCAL task 0",
                "TYPE_ID_TARGET task 0",
                "TYPE_EXISTS task 0",
                "TYPE_SIZE task 0",
                "TYPE_MATCHES task 0",
                "ENUMVAL_EXISTS state 1",
                "ENUMVAL_VALUE state 1",
                "FIELD_BYTE_OFFSET task 0:0");
        assertEquals(expected.stream().sorted().toList(), actual.stream().sorted().toList());
        assertEquals(CoreRelocationKind.values().length, relocations.stream().map(CoreRelocation::kind).distinct().count());
    }

    @Test
    void coreRelocationsPointAtInstructionsHoldingTheLocalAnswer() {
        Parsed core = Parsed.of("core");
        byte[] text = BpfTools.section(core.object(), PROGRAM);
        // The value clang computed against the program's own BTF, which the loader will patch.
        Map<CoreRelocationKind, Long> local = Map.ofEntries(
                Map.entry(CoreRelocationKind.FIELD_BYTE_SIZE, 8L),
                Map.entry(CoreRelocationKind.FIELD_EXISTS, 1L),
                Map.entry(CoreRelocationKind.FIELD_SIGNED, 1L),
                Map.entry(CoreRelocationKind.FIELD_LSHIFT_U64, 60L),
                Map.entry(CoreRelocationKind.FIELD_RSHIFT_U64, 60L),
                Map.entry(CoreRelocationKind.TYPE_ID_LOCAL, (long) core.btf().findByName("task").orElseThrow()),
                Map.entry(CoreRelocationKind.TYPE_ID_TARGET, (long) core.btf().findByName("task").orElseThrow()),
                Map.entry(CoreRelocationKind.TYPE_EXISTS, 1L),
                Map.entry(CoreRelocationKind.TYPE_SIZE, 24L),
                Map.entry(CoreRelocationKind.TYPE_MATCHES, 1L),
                Map.entry(CoreRelocationKind.ENUMVAL_EXISTS, 1L),
                Map.entry(CoreRelocationKind.ENUMVAL_VALUE, 2L));
        for (CoreRelocation r : core.ext().coreRelocations(PROGRAM)) {
            int at = r.insnOffset();
            int opcode = text[at] & 0xff;
            short offset = (short) ((text[at + 2] & 0xff) | (text[at + 3] & 0xff) << 8);
            int imm = (text[at + 4] & 0xff) | (text[at + 5] & 0xff) << 8 | (text[at + 6] & 0xff) << 16 | (text[at + 7] & 0xff) << 24;
            boolean memoryLoad = (opcode & 0x07) == 0x01; // BPF_LDX: the field offset is the insn's offset
            if (r.kind() == CoreRelocationKind.FIELD_BYTE_OFFSET) {
                long expected = r.accessString().equals("0:0") ? 0 : 8;
                assertEquals(expected, memoryLoad ? offset : imm, r.toString());
            } else {
                assertEquals(local.get(r.kind()), (long) imm, r.toString());
            }
        }
    }

    @Test
    void programWithoutCoreHasNoRelocations() {
        Parsed kinds = Parsed.of("kinds");
        assertTrue(kinds.ext().coreRelocations().isEmpty());
        assertFalse(kinds.ext().lineInfos("xdp").isEmpty());
    }
}
