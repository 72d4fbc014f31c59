package dev.wbpf.core.elf;

import dev.wbpf.core.BpfFormatException;
import dev.wbpf.core.io.ByteSlice;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the ELF64 structures out of untrusted bytes. Every count and size is checked against the
 * file length before anything is allocated, so a corrupt file can only ever produce a
 * {@link BpfFormatException}.
 */
final class ElfParser {
    static final int EM_BPF = 247;
    static final int ET_REL = 1;

    private static final int EHDR_SIZE = 64;
    private static final int SHDR_SIZE = 64;
    private static final int SYM_SIZE = 24;
    private static final int REL_SIZE = 16;
    private static final int RELA_SIZE = 24;
    private static final int ELFCLASS64 = 2;
    private static final int ELFDATA2LSB = 1;
    private static final int ELFDATA2MSB = 2;

    private final String source;
    private final ByteSlice file;

    ElfParser(String source, byte[] bytes) {
        this.source = source;
        this.file = ByteSlice.of(source, bytes);
    }

    ElfFile parse() {
        checkIdent();
        int type = file.u16(16, "ELF header e_type");
        int machine = file.u16(18, "ELF header e_machine");
        if (machine != EM_BPF) {
            throw fail("not a BPF object (machine " + machine + ")");
        }
        if (type != ET_REL) {
            throw fail("not a relocatable object (e_type " + type + "); BPF objects are compiled with -c");
        }
        List<ElfSection> sections = readSections();
        List<ElfSymbol> symbols = readSymbols(sections);
        Map<Integer, List<ElfRelocation>> relocations = readRelocations(sections, symbols.size());
        return new ElfFile(source, sections, symbols, relocations);
    }

    private void checkIdent() {
        if (file.length() < 4 || file.u8(0, "magic") != 0x7f || file.u8(1, "magic") != 'E'
                || file.u8(2, "magic") != 'L' || file.u8(3, "magic") != 'F') {
            throw fail("not an ELF file (bad magic)");
        }
        if (file.length() < EHDR_SIZE) {
            throw fail("truncated ELF header (" + file.length() + " of " + EHDR_SIZE + " bytes)");
        }
        int elfClass = file.u8(4, "EI_CLASS");
        if (elfClass != ELFCLASS64) {
            throw fail("not a 64-bit ELF file (EI_CLASS " + elfClass + "); BPF objects are ELF64");
        }
        int data = file.u8(5, "EI_DATA");
        if (data == ELFDATA2MSB) {
            throw fail("big-endian objects are not supported; compile with -target bpf or bpfel");
        }
        if (data != ELFDATA2LSB) {
            throw fail("unknown byte order (EI_DATA " + data + ")");
        }
    }

    private List<ElfSection> readSections() {
        long shoff = file.i64(40, "ELF header e_shoff");
        int shentsize = file.u16(58, "ELF header e_shentsize");
        long shnum = file.u16(60, "ELF header e_shnum");
        int shstrndx = file.u16(62, "ELF header e_shstrndx");
        if (shoff == 0) {
            throw fail("no section header table");
        }
        if (shentsize != SHDR_SIZE) {
            throw fail("section header size " + shentsize + ", expected " + SHDR_SIZE);
        }
        checkTable(shoff, 1, "section header 0");
        // Extended numbering: with more than 0xff00 sections the real values live in section 0.
        if (shnum == 0) {
            shnum = file.i64(shoff + 32, "section header 0 sh_size");
        }
        if (shstrndx == ElfSymbol.SHN_XINDEX) {
            shstrndx = (int) file.u32(shoff + 40, "section header 0 sh_link");
        }
        checkTable(shoff, shnum, "section header table");
        int count = (int) shnum;
        if (shstrndx <= 0 || shstrndx >= count) {
            throw fail("section-name string table index " + shstrndx + " outside 1.." + (count - 1));
        }

        long[][] raw = new long[count][];
        for (int i = 0; i < count; i++) {
            raw[i] = readSectionHeader(i, shoff + (long) i * SHDR_SIZE);
        }
        long[] strtabHeader = raw[shstrndx];
        if (strtabHeader[1] != ElfSection.SHT_STRTAB) {
            throw fail("section-name table (section " + shstrndx + ") is not SHT_STRTAB");
        }
        ByteSlice names = contents(shstrndx, strtabHeader, "section-name string table");

        List<ElfSection> sections = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            long[] h = raw[i];
            String name = i == 0 ? "" : names.cstring(h[0], "name of section " + i);
            int type = (int) h[1];
            ByteSlice data = contents(i, h, "section " + i + " (" + name + ")");
            sections.add(new ElfSection(i, name, type, h[2], h[3], h[4], h[5], (int) h[6], (int) h[7], h[8], h[9], data));
        }
        return sections;
    }

    /** Returns {name, type, flags, addr, offset, size, link, info, addralign, entsize}. */
    private long[] readSectionHeader(int index, long at) {
        String what = "section header " + index;
        return new long[] {
            file.u32(at, what + " sh_name"),
            file.u32(at + 4, what + " sh_type"),
            file.i64(at + 8, what + " sh_flags"),
            file.i64(at + 16, what + " sh_addr"),
            file.i64(at + 24, what + " sh_offset"),
            file.i64(at + 32, what + " sh_size"),
            file.u32(at + 40, what + " sh_link"),
            file.u32(at + 44, what + " sh_info"),
            file.i64(at + 48, what + " sh_addralign"),
            file.i64(at + 56, what + " sh_entsize"),
        };
    }

    private ByteSlice contents(int index, long[] header, String what) {
        if (index == 0 || header[1] == ElfSection.SHT_NOBITS || header[1] == ElfSection.SHT_NULL) {
            return file.slice(0, 0, what);
        }
        long offset = header[4];
        long size = header[5];
        if (offset < 0 || size < 0 || offset > file.length() || size > file.length() - offset) {
            throw fail(what + ": contents at offset 0x" + Long.toHexString(offset) + " size 0x"
                    + Long.toHexString(size) + " lie outside the " + file.length() + "-byte file");
        }
        return file.slice(offset, size, what);
    }

    private List<ElfSymbol> readSymbols(List<ElfSection> sections) {
        ElfSection symtab = null;
        ElfSection shndxTable = null;
        for (ElfSection section : sections) {
            if (section.type() == ElfSection.SHT_SYMTAB) {
                if (symtab != null) {
                    throw fail("more than one symbol table (sections " + symtab.index() + " and " + section.index() + ")");
                }
                symtab = section;
            } else if (section.type() == ElfSection.SHT_SYMTAB_SHNDX) {
                shndxTable = section;
            }
        }
        if (symtab == null) {
            return List.of();
        }
        String what = "symbol table (section " + symtab.index() + ")";
        if (symtab.entsize() != SYM_SIZE) {
            throw fail(what + ": entry size " + symtab.entsize() + ", expected " + SYM_SIZE);
        }
        if (symtab.size() % SYM_SIZE != 0) {
            throw fail(what + ": size " + symtab.size() + " is not a multiple of " + SYM_SIZE);
        }
        ElfSection strtab = linkedSection(sections, symtab, ElfSection.SHT_STRTAB, what);
        ByteSlice data = symtab.data();
        ByteSlice names = strtab.data();
        int count = (int) (symtab.size() / SYM_SIZE);
        List<ElfSymbol> symbols = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            long at = (long) i * SYM_SIZE;
            String sym = "symbol " + i;
            long nameOffset = data.u32(at, sym + " st_name");
            int info = data.u8(at + 4, sym + " st_info");
            int other = data.u8(at + 5, sym + " st_other");
            int shndx = data.u16(at + 6, sym + " st_shndx");
            long value = data.i64(at + 8, sym + " st_value");
            long size = data.i64(at + 16, sym + " st_size");
            if (shndx == ElfSymbol.SHN_XINDEX) {
                if (shndxTable == null) {
                    throw fail(sym + ": uses SHN_XINDEX but the object has no SHT_SYMTAB_SHNDX section");
                }
                shndx = (int) shndxTable.data().u32((long) i * 4, sym + " extended section index");
                if (shndx <= 0 || shndx >= sections.size()) {
                    throw fail(sym + ": extended section index " + shndx + " outside 1.." + (sections.size() - 1));
                }
            } else if (shndx != ElfSymbol.SHN_UNDEF && shndx < ElfSymbol.SHN_LORESERVE && shndx >= sections.size()) {
                throw fail(sym + ": section index " + shndx + " outside 1.." + (sections.size() - 1));
            }
            String name = names.cstring(nameOffset, "name of " + sym);
            symbols.add(new ElfSymbol(i, name, value, size, info & 0xf, info >>> 4, other & 0x3, shndx));
        }
        return symbols;
    }

    private Map<Integer, List<ElfRelocation>> readRelocations(List<ElfSection> sections, int symbolCount) {
        Map<Integer, List<ElfRelocation>> byTarget = new LinkedHashMap<>();
        for (ElfSection section : sections) {
            boolean rela = section.type() == ElfSection.SHT_RELA;
            if (!rela && section.type() != ElfSection.SHT_REL) {
                continue;
            }
            int entrySize = rela ? RELA_SIZE : REL_SIZE;
            String what = "relocation section " + section.index() + " (" + section.name() + ")";
            if (section.entsize() != entrySize) {
                throw fail(what + ": entry size " + section.entsize() + ", expected " + entrySize);
            }
            if (section.size() % entrySize != 0) {
                throw fail(what + ": size " + section.size() + " is not a multiple of " + entrySize);
            }
            linkedSection(sections, section, ElfSection.SHT_SYMTAB, what);
            long target = section.info() & 0xffff_ffffL;
            if (target <= 0 || target >= sections.size()) {
                throw fail(what + ": target section " + target + " outside 1.." + (sections.size() - 1));
            }
            ElfSection patched = sections.get((int) target);
            ByteSlice data = section.data();
            int count = (int) (section.size() / entrySize);
            List<ElfRelocation> list = byTarget.computeIfAbsent((int) target, k -> new ArrayList<>());
            for (int i = 0; i < count; i++) {
                long at = (long) i * entrySize;
                String rel = what + " entry " + i;
                long offset = data.i64(at, rel + " r_offset");
                long info = data.i64(at + 8, rel + " r_info");
                long addend = rela ? data.i64(at + 16, rel + " r_addend") : 0;
                long symbol = info >>> 32;
                if (symbol >= symbolCount) {
                    throw fail(rel + ": symbol " + symbol + " outside the " + symbolCount + "-entry symbol table");
                }
                if (offset < 0 || offset >= patched.size()) {
                    throw fail(rel + ": offset 0x" + Long.toHexString(offset) + " outside target section "
                            + patched.name() + " (0x" + Long.toHexString(patched.size()) + " bytes)");
                }
                list.add(new ElfRelocation(offset, (int) symbol, (int) info, addend));
            }
        }
        return byTarget;
    }

    private ElfSection linkedSection(List<ElfSection> sections, ElfSection owner, int expectedType, String what) {
        int link = owner.link();
        if (link <= 0 || link >= sections.size()) {
            throw fail(what + ": linked section " + Integer.toUnsignedString(link) + " outside 1.." + (sections.size() - 1));
        }
        ElfSection linked = sections.get(link);
        if (linked.type() != expectedType) {
            throw fail(what + ": linked section " + link + " has type " + linked.type() + ", expected " + expectedType);
        }
        return linked;
    }

    /** Checks that {@code count} section headers at {@code offset} fit in the file. */
    private void checkTable(long offset, long count, String what) {
        if (offset < 0 || count < 0 || offset > file.length() || count > (file.length() - offset) / SHDR_SIZE) {
            throw fail(what + ": " + count + " entries at offset 0x" + Long.toHexString(offset)
                    + " run past the end of the " + file.length() + "-byte file");
        }
    }

    private BpfFormatException fail(String problem) {
        return new BpfFormatException(source, problem);
    }
}
