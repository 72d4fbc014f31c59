package dev.wbpf.core.elf;

import dev.wbpf.core.BpfFormatException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An immutable, fully validated view of a relocatable little-endian ELF64 BPF object: its
 * sections, its symbol table and its relocations grouped by the section they patch.
 *
 * <p>Everything is checked at {@link #parse} time, so later lookups never fail on corrupt input.
 */
public final class ElfFile {
    private final String source;
    private final List<ElfSection> sections;
    private final List<ElfSymbol> symbols;
    private final Map<Integer, List<ElfRelocation>> relocationsByTarget;
    private final Map<String, ElfSection> sectionsByName;

    ElfFile(String source, List<ElfSection> sections, List<ElfSymbol> symbols,
            Map<Integer, List<ElfRelocation>> relocationsByTarget) {
        this.source = source;
        this.sections = List.copyOf(sections);
        this.symbols = List.copyOf(symbols);
        Map<Integer, List<ElfRelocation>> relocs = new LinkedHashMap<>();
        relocationsByTarget.forEach((target, list) -> relocs.put(target, List.copyOf(list)));
        this.relocationsByTarget = Collections.unmodifiableMap(relocs);
        Map<String, ElfSection> byName = new LinkedHashMap<>();
        for (ElfSection section : this.sections) {
            // The first section of a name wins, like libbpf's lookup by name.
            byName.putIfAbsent(section.name(), section);
        }
        this.sectionsByName = Collections.unmodifiableMap(byName);
    }

    /**
     * Parses and validates an ELF object.
     *
     * @param source names the input in error messages, usually the file name
     * @throws BpfFormatException if the bytes are not a well-formed ELF64 little-endian BPF
     *                            relocatable object
     */
    public static ElfFile parse(String source, byte[] bytes) {
        return new ElfParser(source, bytes).parse();
    }

    public String source() {
        return source;
    }

    /** All sections in header-table order, including the null section at index 0. */
    public List<ElfSection> sections() {
        return sections;
    }

    public ElfSection section(int index) {
        if (index < 0 || index >= sections.size()) {
            throw new IllegalArgumentException("no section " + index + " in " + source + " (" + sections.size() + " sections)");
        }
        return sections.get(index);
    }

    public Optional<ElfSection> section(String name) {
        return Optional.ofNullable(sectionsByName.get(name));
    }

    /** The whole symbol table, index 0 being the null symbol; empty if the object has no SHT_SYMTAB. */
    public List<ElfSymbol> symbols() {
        return symbols;
    }

    public ElfSymbol symbol(int index) {
        if (index < 0 || index >= symbols.size()) {
            throw new IllegalArgumentException("no symbol " + index + " in " + source + " (" + symbols.size() + " symbols)");
        }
        return symbols.get(index);
    }

    /** The symbols defined in {@code section}, in symbol-table order. */
    public List<ElfSymbol> symbolsIn(ElfSection section) {
        List<ElfSymbol> result = new ArrayList<>();
        for (ElfSymbol symbol : symbols) {
            if (symbol.isInSection() && symbol.sectionIndex() == section.index()) {
                result.add(symbol);
            }
        }
        return List.copyOf(result);
    }

    /** The relocations that patch {@code section}, in file order; empty if there are none. */
    public List<ElfRelocation> relocationsFor(ElfSection section) {
        return relocationsByTarget.getOrDefault(section.index(), List.of());
    }

    /** Relocations keyed by the index of the section they patch. */
    public Map<Integer, List<ElfRelocation>> relocations() {
        return relocationsByTarget;
    }

    @Override
    public String toString() {
        return "ElfFile[" + source + ", " + sections.size() + " sections, " + symbols.size() + " symbols]";
    }
}
