package dev.wbpf.core.elf;

/**
 * One entry of the symbol table.
 *
 * @param index        position in the symbol table; relocations refer to symbols by this number
 * @param sectionIndex the raw st_shndx (already resolved through SHT_SYMTAB_SHNDX when it was
 *                     SHN_XINDEX), so the reserved values {@link #SHN_UNDEF}, {@link #SHN_ABS} and
 *                     {@link #SHN_COMMON} stay visible to callers
 */
public record ElfSymbol(
        int index, String name, long value, long size, int type, int bind, int visibility, int sectionIndex) {

    public static final int SHN_UNDEF = 0;
    public static final int SHN_LORESERVE = 0xff00;
    public static final int SHN_ABS = 0xfff1;
    public static final int SHN_COMMON = 0xfff2;
    public static final int SHN_XINDEX = 0xffff;

    public static final int STT_NOTYPE = 0;
    public static final int STT_OBJECT = 1;
    public static final int STT_FUNC = 2;
    public static final int STT_SECTION = 3;
    public static final int STT_FILE = 4;

    public static final int STB_LOCAL = 0;
    public static final int STB_GLOBAL = 1;
    public static final int STB_WEAK = 2;

    public static final int STV_DEFAULT = 0;
    public static final int STV_INTERNAL = 1;
    public static final int STV_HIDDEN = 2;
    public static final int STV_PROTECTED = 3;

    public boolean isUndefined() {
        return sectionIndex == SHN_UNDEF;
    }

    /** True when the symbol lives in a real section, not in one of the reserved pseudo-sections. */
    public boolean isInSection() {
        return sectionIndex != SHN_UNDEF && sectionIndex < SHN_LORESERVE;
    }
}
