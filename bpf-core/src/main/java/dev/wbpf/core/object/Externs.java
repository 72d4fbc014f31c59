package dev.wbpf.core.object;

import dev.wbpf.core.btf.Btf;
import dev.wbpf.core.btf.BtfType;
import dev.wbpf.core.elf.ElfFile;
import dev.wbpf.core.elf.ElfSymbol;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The object's externs: undefined symbols, described by BTF as variables of the {@code .kconfig}
 * or {@code .ksyms} DATASEC, or as extern functions (kfuncs). Kconfig externs get offsets in the
 * {@code .kconfig} map laid out the way libbpf lays them out (in declaration order, each aligned
 * to its type).
 */
final class Externs {
    static final String KCONFIG = ".kconfig";
    static final String KSYMS = ".ksyms";

    final List<ExternSpec> externs = new ArrayList<>();
    /** The {@code .kconfig} map, if any kconfig extern exists. */
    GlobalDataSpec kconfig;

    static Externs read(ElfFile elf, Btf btf, String objectName) {
        Externs result = new Externs();
        Map<String, ElfSymbol> undefined = new LinkedHashMap<>();
        for (ElfSymbol symbol : elf.symbols()) {
            if (symbol.index() != 0 && symbol.isUndefined() && !symbol.name().isEmpty()
                    && symbol.type() != ElfSymbol.STT_SECTION && symbol.type() != ElfSymbol.STT_FILE) {
                undefined.put(symbol.name(), symbol);
            }
        }
        if (undefined.isEmpty()) {
            return result;
        }
        Map<String, Integer> kconfigVars = new LinkedHashMap<>();
        Map<String, Integer> ksymVars = new LinkedHashMap<>();
        if (btf != null) {
            btf.dataSec(KCONFIG).ifPresent(sec -> collectVars(btf, sec, kconfigVars));
            btf.dataSec(KSYMS).ifPresent(sec -> collectVars(btf, sec, ksymVars));
        }
        // libbpf places kconfig values by descending alignment, then by name.
        List<ElfSymbol> kconfigSymbols = undefined.values().stream()
                .filter(s -> kconfigVars.containsKey(s.name()))
                .sorted(java.util.Comparator.<ElfSymbol>comparingInt(s -> -alignOfVar(btf, kconfigVars.get(s.name())))
                        .thenComparing(ElfSymbol::name))
                .toList();
        int kconfigSize = 0;
        List<GlobalDataSpec.Variable> kconfigLayout = new ArrayList<>();
        for (ElfSymbol symbol : kconfigSymbols) {
            int varId = kconfigVars.get(symbol.name());
            int typeId = btf.type(varId, BtfType.Var.class).typeId();
            long size = btf.sizeOf(typeId);
            int align = alignOfVar(btf, varId);
            // Integers, booleans, tristates and char arrays (string options) are all at most a page.
            if (size <= 0 || size > 4096) {
                throw new dev.wbpf.core.BpfFormatException(elf.source(), "kconfig extern " + symbol.name()
                        + " is " + size + " bytes; kconfig values are 1 to 4096 bytes");
            }
            int offset = (kconfigSize + align - 1) / align * align;
            kconfigSize = offset + (int) size;
            kconfigLayout.add(new GlobalDataSpec.Variable(symbol.name(), offset, (int) size, typeId, true));
            result.externs.add(new ExternSpec(symbol.name(), ExternSpec.Kind.KCONFIG, false,
                    symbol.bind() == ElfSymbol.STB_WEAK, varId, offset, (int) size));
        }
        for (ElfSymbol symbol : undefined.values()) {
            boolean weak = symbol.bind() == ElfSymbol.STB_WEAK;
            String name = symbol.name();
            if (kconfigVars.containsKey(name)) {
                continue;
            } else if (ksymVars.containsKey(name)) {
                result.externs.add(new ExternSpec(name, ExternSpec.Kind.KSYM, false, weak, ksymVars.get(name), 0, 0));
            } else {
                int funcId = btf == null ? 0 : btf.findByNameAndKind(name, dev.wbpf.core.btf.BtfKind.FUNC).orElse(0);
                boolean function = funcId != 0 || symbol.type() == ElfSymbol.STT_FUNC;
                result.externs.add(new ExternSpec(name, ExternSpec.Kind.KSYM, function, weak, funcId, 0, 0));
            }
        }
        if (!kconfigLayout.isEmpty()) {
            int kconfigId = btf.findByNameAndKind(KCONFIG, dev.wbpf.core.btf.BtfKind.DATASEC).orElse(0);
            result.kconfig = new GlobalDataSpec(KCONFIG, GlobalDataSections.mapName(objectName, KCONFIG),
                    GlobalDataSpec.Kind.KCONFIG, new byte[(kconfigSize + 7) / 8 * 8], kconfigLayout, kconfigId);
        }
        return result;
    }

    private static int alignOfVar(Btf btf, int varId) {
        return Math.max(1, btf.alignOf(btf.type(varId, BtfType.Var.class).typeId()));
    }

    private static void collectVars(Btf btf, BtfType.DataSec sec, Map<String, Integer> into) {
        for (BtfType.VarSecInfo info : sec.vars()) {
            BtfType type = btf.type(info.typeId());
            // .ksyms lists kfuncs as FUNC entries and variables as VAR entries.
            if (type instanceof BtfType.Var var) {
                into.put(var.name(), info.typeId());
            }
        }
    }
}
