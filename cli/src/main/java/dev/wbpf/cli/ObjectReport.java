package dev.wbpf.cli;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.wbpf.core.btf.Btf;
import dev.wbpf.core.btf.CoreRelocation;
import dev.wbpf.core.insn.Disassembler;
import dev.wbpf.core.insn.Instructions;
import dev.wbpf.core.insn.ObjdumpDialect;
import dev.wbpf.core.object.BpfObjectSpec;
import dev.wbpf.core.object.ExternSpec;
import dev.wbpf.core.object.GlobalDataSpec;
import dev.wbpf.core.object.MapSpec;
import dev.wbpf.core.object.ProgramSpec;
import dev.wbpf.core.object.Relocation;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** What {@code wbpf inspect} shows of an object: one value, printed as text or serialised as JSON. */
@JsonInclude(JsonInclude.Include.NON_NULL)
record ObjectReport(String file, String objectName, String license, Integer btfTypes, List<ProgramReport> programs,
                    List<MapReport> maps, List<VariableReport> globals, List<ExternReport> externs) {

    record ProgramReport(String name, String section, String type, String expectedAttachType, String attachKind,
                         String attachTarget, int instructions, List<String> subprograms,
                         List<RelocationReport> relocations,
                         @JsonInclude(JsonInclude.Include.NON_NULL) List<String> disassembly) {
    }

    record RelocationReport(int insn, String kind, String target) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record MapReport(String name, String type, int keySize, int valueSize, long maxEntries, String flags,
                     String pinning, MapReport innerMap, List<String> initialSlots) {
    }

    record VariableReport(String section, String map, String name, int offset, int size) {
    }

    record ExternReport(String name, String kind, boolean function, boolean weak) {
    }

    static ObjectReport of(BpfObjectSpec spec, boolean disassemble) {
        List<ProgramReport> programs = spec.programs().stream().map(p -> program(spec, p, disassemble)).toList();
        List<MapReport> maps = spec.maps().stream().map(ObjectReport::map).toList();
        List<VariableReport> globals = new ArrayList<>();
        for (GlobalDataSpec data : spec.globals()) {
            for (GlobalDataSpec.Variable v : data.variables()) {
                globals.add(new VariableReport(data.section(), data.mapName(), v.name(), v.offset(), v.size()));
            }
        }
        List<ExternReport> externs = spec.externs().stream()
                .map(e -> new ExternReport(e.name(), e.kind().name().toLowerCase(), e.function(), e.weak())).toList();
        Integer btfTypes = spec.btf() == null ? null : spec.btf().typeCount() - 1;
        return new ObjectReport(spec.source(), spec.objectName(), spec.license(), btfTypes, programs, maps, globals,
                externs);
    }

    private static ProgramReport program(BpfObjectSpec spec, ProgramSpec p, boolean disassemble) {
        List<RelocationReport> relocations = new ArrayList<>();
        for (Relocation r : p.relocations()) {
            relocations.add(switch (r) {
                case Relocation.MapReference m -> new RelocationReport(r.insnIndex(), "map", m.mapName());
                case Relocation.DataReference d -> new RelocationReport(r.insnIndex(), "data",
                        d.section() + "+" + d.offset() + (d.symbol().isEmpty() ? "" : " (" + d.symbol() + ")"));
                case Relocation.SubprogramCall c -> new RelocationReport(r.insnIndex(), "call", c.callee());
                case Relocation.FunctionAddress f -> new RelocationReport(r.insnIndex(), "func", f.callee());
                case Relocation.ExternReference e -> new RelocationReport(r.insnIndex(), "extern", e.externName());
            });
        }
        for (CoreRelocation c : p.coreRelocations()) {
            relocations.add(new RelocationReport(c.insnIndex(), "core",
                    c.kind().name().toLowerCase() + " " + typeName(spec.btf(), c.typeId()) + " " + c.accessString()));
        }
        relocations.sort(Comparator.comparingInt(RelocationReport::insn));
        var definition = p.definition();
        return new ProgramReport(p.name(), p.section(), definition.type().displayName(),
                definition.expectedAttach().displayName(), definition.kind().displayName(), definition.target(),
                p.instructionCount(), p.subprograms(), relocations, disassemble ? disassembly(p) : null);
    }

    private static String typeName(Btf btf, int typeId) {
        if (btf == null) {
            return "type#" + typeId;
        }
        var type = btf.type(typeId);
        String keyword = switch (type) {
            case dev.wbpf.core.btf.BtfType.Struct s -> "struct ";
            case dev.wbpf.core.btf.BtfType.Union u -> "union ";
            case dev.wbpf.core.btf.BtfType.Enum e -> "enum ";
            case dev.wbpf.core.btf.BtfType.Enum64 e -> "enum ";
            default -> "";
        };
        return keyword + (type.name().isEmpty() ? "(anon)" : type.name());
    }

    /** The linked code in llvm-objdump syntax, each function introduced by its name as a label. */
    private static List<String> disassembly(ProgramSpec p) {
        Map<Long, String> labels = new HashMap<>();
        for (ProgramSpec.LinkedFunction f : p.functions()) {
            labels.put((long) f.start() * 8, f.name());
        }
        Instructions code = p.instructions();
        Disassembler disassembler = new Disassembler(ObjdumpDialect.LLVM_19);
        List<String> lines = new ArrayList<>();
        for (int slot = 0; slot < code.size(); slot += code.get(slot).slots()) {
            String label = labels.get((long) slot * 8);
            if (label != null) {
                lines.add("<" + label + ">:");
            }
            lines.add(String.format("%6d: %s", slot, disassembler.format(code, slot, labels::get)));
        }
        return lines;
    }

    private static MapReport map(MapSpec m) {
        return new MapReport(m.name(), m.type().displayName(), m.keySize(), m.valueSize(),
                Integer.toUnsignedLong(m.maxEntries()), "0x" + Integer.toHexString(m.flags()),
                m.pinning().name().toLowerCase(), m.innerMap() == null ? null : map(m.innerMap()),
                m.initialSlots().stream().map(s -> "[" + s.index() + "] = " + s.target()).toList());
    }

    void printText(PrintWriter out) {
        out.println(file + ": object " + objectName + ", license " + (license.isEmpty() ? "(none)" : license)
                + ", " + (btfTypes == null ? "no BTF" : "BTF with " + btfTypes + " types"));

        out.println();
        out.println("Programs (" + programs.size() + ")");
        TextTable table = new TextTable("NAME", "SECTION", "TYPE", "ATTACH", "TARGET", "INSNS").numeric(5);
        for (ProgramReport p : programs) {
            table.add(p.name(), p.section(), p.type(), p.attachKind(), p.attachTarget().isEmpty() ? "-" : p.attachTarget(),
                    p.instructions());
        }
        table.print(out, "  ");

        out.println();
        out.println("Maps (" + maps.size() + ")");
        if (!maps.isEmpty()) {
            TextTable mapTable = new TextTable("NAME", "TYPE", "KEY", "VALUE", "MAX ENTRIES", "FLAGS", "NOTES").numeric(2, 3, 4);
            for (MapReport m : maps) {
                List<String> notes = new ArrayList<>();
                if (!m.pinning().equals("none")) {
                    notes.add("pinned " + m.pinning().replace('_', ' '));
                }
                if (m.innerMap() != null) {
                    notes.add("inner " + m.innerMap().type() + " " + m.innerMap().keySize() + "/" + m.innerMap().valueSize()
                            + " x" + m.innerMap().maxEntries());
                }
                notes.addAll(m.initialSlots());
                mapTable.add(m.name(), m.type(), m.keySize(), m.valueSize(), m.maxEntries(), m.flags(),
                        notes.isEmpty() ? "-" : String.join(", ", notes));
            }
            mapTable.print(out, "  ");
        }

        out.println();
        out.println("Global variables (" + globals.size() + ")");
        if (!globals.isEmpty()) {
            TextTable globalTable = new TextTable("SECTION", "MAP", "VARIABLE", "OFFSET", "SIZE").numeric(3, 4);
            for (VariableReport v : globals) {
                globalTable.add(v.section(), v.map(), v.name(), v.offset(), v.size());
            }
            globalTable.print(out, "  ");
        }

        if (!externs.isEmpty()) {
            out.println();
            out.println("Externs (" + externs.size() + ")");
            TextTable externTable = new TextTable("NAME", "KIND", "WHAT", "WEAK");
            for (ExternReport e : externs) {
                externTable.add(e.name(), e.kind(), e.function() ? "function" : "variable", e.weak() ? "weak" : "-");
            }
            externTable.print(out, "  ");
        }

        out.println();
        out.println("Relocations");
        for (ProgramReport p : programs) {
            out.println("  " + p.name() + (p.subprograms().isEmpty() ? "" : " (with " + String.join(", ", p.subprograms()) + ")")
                    + (p.relocations().isEmpty() ? ": none" : ":"));
            TextTable relocationTable = new TextTable("INSN", "KIND", "TARGET").numeric(0);
            p.relocations().forEach(r -> relocationTable.add(r.insn(), r.kind(), r.target()));
            if (!relocationTable.isEmpty()) {
                relocationTable.print(out, "    ");
            }
        }

        for (ProgramReport p : programs) {
            if (p.disassembly() != null) {
                out.println();
                out.println("Disassembly of " + p.name() + " (" + p.section() + "):");
                p.disassembly().forEach(out::println);
            }
        }
    }
}
