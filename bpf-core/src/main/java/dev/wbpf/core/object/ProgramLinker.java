package dev.wbpf.core.object;

import dev.wbpf.core.BpfFormatException;
import dev.wbpf.core.btf.BtfExt;
import dev.wbpf.core.btf.CoreRelocation;
import dev.wbpf.core.btf.FuncInfo;
import dev.wbpf.core.btf.LineInfo;
import dev.wbpf.core.insn.Instruction;
import dev.wbpf.core.prog.ProgramSection;
import dev.wbpf.core.prog.SectionNames;
import dev.wbpf.core.prog.ProgramType;
import dev.wbpf.core.prog.AttachType;
import dev.wbpf.core.prog.AttachKind;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Links one program: appends every subprogram it reaches (transitively) after its own code,
 * points each call and function address at the appended copy, and re-bases relocations and
 * {@code .BTF.ext} records onto the linked code. This is libbpf's step before BPF_PROG_LOAD,
 * done once here so that both backends load the same code.
 */
final class ProgramLinker {
    private final String source;
    private final String license;
    private final FunctionTable functions;
    private final Map<CodeFunction, List<CodeReference>> references;
    private final BtfExt btfExt;

    ProgramLinker(String source, String license, FunctionTable functions,
                  Map<CodeFunction, List<CodeReference>> references, BtfExt btfExt) {
        this.source = source;
        this.license = license;
        this.functions = functions;
        this.references = references;
        this.btfExt = btfExt;
    }

    ProgramSpec link(CodeFunction entry) {
        // Place the entry, then every function reached, each once, in discovery order.
        Map<CodeFunction, Integer> bases = new LinkedHashMap<>();
        List<CodeFunction> order = new ArrayList<>();
        bases.put(entry, 0);
        order.add(entry);
        int length = entry.length();
        for (int i = 0; i < order.size(); i++) {
            for (CodeReference ref : references.get(order.get(i))) {
                if (ref instanceof CodeReference.Code code) {
                    CodeFunction callee = callee(order.get(i), code);
                    if (!bases.containsKey(callee)) {
                        bases.put(callee, length);
                        order.add(callee);
                        length += callee.length();
                    }
                }
            }
        }

        long[] slots = new long[length];
        List<Relocation> relocations = new ArrayList<>();
        List<FuncInfo> funcInfos = new ArrayList<>();
        List<LineInfo> lineInfos = new ArrayList<>();
        List<CoreRelocation> coreRelocations = new ArrayList<>();
        for (CodeFunction f : order) {
            int base = bases.get(f);
            for (int s = 0; s < f.length(); s++) {
                slots[base + s] = f.section().data().i64((long) (f.start() + s) * Instruction.SIZE, "instruction");
            }
            for (CodeReference ref : references.get(f)) {
                int at = base + ref.slot() - f.start();
                switch (ref) {
                    case CodeReference.Code code -> {
                        CodeFunction callee = callee(f, code);
                        int target = bases.get(callee) + code.targetSlot() - callee.start();
                        Instruction insn = Instruction.fromRaw(slots[at]);
                        slots[at] = Instruction.of(insn.opcode(), insn.dst(),
                                code.call() ? insn.src() : dev.wbpf.core.insn.Opcodes.PSEUDO_FUNC,
                                insn.offset(), target - at - 1).toRaw();
                        relocations.add(code.call()
                                ? new Relocation.SubprogramCall(at, callee.name())
                                : new Relocation.FunctionAddress(at, callee.name()));
                    }
                    case CodeReference.External external -> relocations.add(rebase(external.relocation(), at));
                }
            }
            if (btfExt != null) {
                String section = f.section().name();
                for (FuncInfo info : btfExt.funcInfos(section)) {
                    int slot = info.insnIndex();
                    if (f.contains(slot)) {
                        funcInfos.add(new FuncInfo((base + slot - f.start()) * Instruction.SIZE, info.typeId()));
                    }
                }
                for (LineInfo info : btfExt.lineInfos(section)) {
                    int slot = info.insnIndex();
                    if (f.contains(slot)) {
                        lineInfos.add(new LineInfo((base + slot - f.start()) * Instruction.SIZE, info.fileName(),
                                info.line(), info.lineNumber(), info.column()));
                    }
                }
                for (CoreRelocation relo : btfExt.coreRelocations(section)) {
                    int slot = relo.insnIndex();
                    if (f.contains(slot)) {
                        coreRelocations.add(new CoreRelocation((base + slot - f.start()) * Instruction.SIZE,
                                relo.typeId(), relo.accessString(), relo.kind()));
                    }
                }
            }
        }
        relocations.sort(java.util.Comparator.comparingInt(Relocation::insnIndex));
        byte[] code = new byte[length * Instruction.SIZE];
        for (int i = 0; i < length; i++) {
            for (int b = 0; b < Instruction.SIZE; b++) {
                code[i * Instruction.SIZE + b] = (byte) (slots[i] >>> (8 * b));
            }
        }
        List<ProgramSpec.LinkedFunction> linked = order.stream()
                .map(f -> new ProgramSpec.LinkedFunction(f.name(), bases.get(f), f.length())).toList();
        return new ProgramSpec(entry.name(), entry.section().name(), definition(entry.section().name()), license,
                code, linked, relocations, funcInfos, lineInfos, coreRelocations);
    }

    /** libbpf's meaning of the section name; sections it does not know load as UNSPEC and attach nowhere. */
    static ProgramSection definition(String section) {
        return SectionNames.parse(section).orElseGet(() -> new ProgramSection(section, ProgramType.UNSPEC,
                AttachType.NONE, AttachKind.NONE, "", false, false));
    }

    private CodeFunction callee(CodeFunction caller, CodeReference.Code code) {
        CodeFunction callee = functions.containing(code.targetSection(), code.targetSlot()).orElseThrow(() ->
                new BpfFormatException(source, "function " + caller.name() + ", instruction "
                        + (code.slot() - caller.start()) + ": " + (code.call() ? "call" : "function address")
                        + " points at instruction " + code.targetSlot() + ", outside every function"));
        if (code.call() && callee.start() != code.targetSlot()) {
            throw new BpfFormatException(source, "function " + caller.name() + ", instruction "
                    + (code.slot() - caller.start()) + ": call into the middle of " + callee.name());
        }
        return callee;
    }

    private static Relocation rebase(Relocation relocation, int at) {
        return switch (relocation) {
            case Relocation.MapReference m -> new Relocation.MapReference(at, m.mapName());
            case Relocation.DataReference d -> new Relocation.DataReference(at, d.section(), d.offset(), d.symbol());
            case Relocation.ExternReference e -> new Relocation.ExternReference(at, e.externName());
            case Relocation.SubprogramCall c -> new Relocation.SubprogramCall(at, c.callee());
            case Relocation.FunctionAddress a -> new Relocation.FunctionAddress(at, a.callee());
        };
    }
}
