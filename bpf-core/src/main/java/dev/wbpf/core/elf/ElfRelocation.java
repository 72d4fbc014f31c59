package dev.wbpf.core.elf;

/**
 * One relocation entry from an SHT_REL or SHT_RELA section.
 *
 * @param offset      byte offset inside the target section (the section named by the
 *                    relocation section's sh_info)
 * @param symbolIndex index into the object's symbol table
 * @param type        machine-specific relocation type (R_BPF_*)
 * @param addend      explicit addend for SHT_RELA; 0 for SHT_REL, whose addend lives in the
 *                    relocated bytes themselves
 */
public record ElfRelocation(long offset, int symbolIndex, int type, long addend) {

    public static final int R_BPF_NONE = 0;
    public static final int R_BPF_64_64 = 1;
    public static final int R_BPF_64_ABS64 = 2;
    public static final int R_BPF_64_ABS32 = 3;
    public static final int R_BPF_64_NODYLD32 = 4;
    public static final int R_BPF_64_32 = 10;
}
