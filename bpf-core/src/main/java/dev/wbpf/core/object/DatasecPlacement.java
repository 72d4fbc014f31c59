package dev.wbpf.core.object;

import dev.wbpf.core.BpfFormatException;
import dev.wbpf.core.btf.Btf;
import dev.wbpf.core.btf.BtfType;
import dev.wbpf.core.elf.ElfFile;
import dev.wbpf.core.elf.ElfSection;
import dev.wbpf.core.elf.ElfSymbol;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Where each variable of a DATASEC really is. clang leaves most DATASEC offsets (and the
 * section size) at zero for the loader to fill in; libbpf takes them from the ELF symbols of
 * the same names, and so do we.
 */
final class DatasecPlacement {

    /** A variable of a DATASEC with its offset and size in the ELF section. */
    record PlacedVar(BtfType.Var var, int varTypeId, long offset, long size) {
    }

    private DatasecPlacement() {
    }

    static List<PlacedVar> place(ElfFile elf, ElfSection section, Btf btf, BtfType.DataSec datasec) {
        Map<String, ElfSymbol> symbols = new HashMap<>();
        for (ElfSymbol symbol : elf.symbolsIn(section)) {
            if (symbol.type() != ElfSymbol.STT_SECTION && !symbol.name().isEmpty()) {
                symbols.putIfAbsent(symbol.name(), symbol);
            }
        }
        List<PlacedVar> placed = new ArrayList<>();
        for (BtfType.VarSecInfo info : datasec.vars()) {
            BtfType.Var var = btf.type(info.typeId(), BtfType.Var.class);
            ElfSymbol symbol = symbols.get(var.name());
            long offset = symbol != null ? symbol.value() : info.offset();
            long size = info.size() != 0 ? info.size() : btf.sizeOf(var.typeId());
            if (offset < 0 || size < 0 || offset > section.size() || size > section.size() - offset) {
                throw new BpfFormatException(elf.source(), "variable " + var.name() + " (offset " + offset + ", size "
                        + size + ") does not fit section " + section.name() + " of " + section.size() + " bytes");
            }
            placed.add(new PlacedVar(var, info.typeId(), offset, size));
        }
        return placed;
    }
}
