package dev.wbpf.core.elf;

import dev.wbpf.core.io.ByteSlice;

/**
 * One section header of an ELF64 object, with a bounds-checked view of its contents.
 *
 * @param index     position in the section header table (0 is the null section)
 * @param name      resolved through the section-name string table
 * @param data      the section's bytes; empty for {@link #SHT_NOBITS}, which occupies no file space
 */
public record ElfSection(
        int index,
        String name,
        int type,
        long flags,
        long address,
        long offset,
        long size,
        int link,
        int info,
        long addralign,
        long entsize,
        ByteSlice data) {

    public static final int SHT_NULL = 0;
    public static final int SHT_PROGBITS = 1;
    public static final int SHT_SYMTAB = 2;
    public static final int SHT_STRTAB = 3;
    public static final int SHT_RELA = 4;
    public static final int SHT_NOBITS = 8;
    public static final int SHT_REL = 9;
    public static final int SHT_SYMTAB_SHNDX = 18;

    public static final long SHF_WRITE = 0x1;
    public static final long SHF_ALLOC = 0x2;
    public static final long SHF_EXECINSTR = 0x4;

    /** True for sections holding instructions; {@code llvm-objdump -d} disassembles exactly these. */
    public boolean isExecutable() {
        return (flags & SHF_EXECINSTR) != 0;
    }

    /** A copy of the section contents (empty for SHT_NOBITS). */
    public byte[] bytes() {
        return data.toArray();
    }

    @Override
    public String toString() {
        return "ElfSection[" + index + " " + name + " type=" + type + " flags=0x" + Long.toHexString(flags)
                + " offset=0x" + Long.toHexString(offset) + " size=0x" + Long.toHexString(size) + " link=" + link
                + " info=" + info + "]";
    }
}
