package dev.wbpf.core.object;

import dev.wbpf.core.elf.ElfSection;

/**
 * A function symbol in an executable section: a program entry point, or a subprogram in
 * {@code .text}. Positions count 8-byte slots within the section.
 */
record CodeFunction(String name, ElfSection section, int start, int length, boolean global) {

    boolean contains(int slot) {
        return slot >= start && slot < start + length;
    }

    boolean isSubprogram() {
        return section.name().equals(".text");
    }
}
