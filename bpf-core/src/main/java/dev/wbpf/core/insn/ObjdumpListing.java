package dev.wbpf.core.insn;

import dev.wbpf.core.elf.ElfFile;
import dev.wbpf.core.elf.ElfSection;
import dev.wbpf.core.elf.ElfSymbol;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Renders whole executable sections the way {@code llvm-objdump -d} lays them out: section
 * headers, a header per symbol, one {@code "%8d:\t<bytes>\t<text>"} line per instruction, and
 * {@code "\t\t..."} for runs of zero bytes. The layout rules (which symbols head a block, which
 * label a jump, how zero runs are skipped) follow llvm-objdump's, so output compares byte for byte.
 */
public final class ObjdumpListing {
    private final Disassembler disassembler;

    public ObjdumpListing(ObjdumpDialect dialect) {
        this.disassembler = new Disassembler(dialect);
    }

    /** The complete {@code llvm-objdump -d} output; {@code fileName} is shown in the first line. */
    public String render(String fileName, ElfFile elf) {
        StringBuilder out = new StringBuilder();
        out.append('\n').append(fileName).append(":\tfile format elf64-bpf\n");
        for (ElfSection section : elf.sections()) {
            if (section.isExecutable() && section.type() != ElfSection.SHT_NOBITS && section.size() > 0) {
                renderSection(elf, section, out);
            }
        }
        return out.toString();
    }

    /** One section's part of the output, starting with its blank line and "Disassembly of section". */
    public String renderSection(ElfFile elf, ElfSection section) {
        StringBuilder out = new StringBuilder();
        renderSection(elf, section, out);
        return out.toString();
    }

    private void renderSection(ElfFile elf, ElfSection section, StringBuilder out) {
        out.append("\nDisassembly of section ").append(section.name()).append(":\n");
        byte[] code = section.bytes();
        List<Label> labels = labels(elf, section);
        SymbolLookup lookup = lookup(labels);
        for (int i = 0; i < labels.size(); i++) {
            long start = labels.get(i).address();
            long end = code.length;
            if (i + 1 < labels.size()) {
                end = Math.min(end, labels.get(i + 1).address());
            }
            // Of several symbols at one address only the last in sort order heads the block.
            if (Long.compareUnsigned(start, end) >= 0) {
                continue;
            }
            out.append('\n').append(String.format("%016x", start)).append(" <").append(labels.get(i).name()).append(">:\n");
            int index = (int) start;
            if (isData(labels.get(i))) {
                // A data symbol inside a text section: llvm-objdump shows the bytes, not code.
                dumpData(code, index, (int) end, out);
                continue;
            }
            while (index < end) {
                int zeros = leadingZeros(code, index, (int) end);
                if (zeros >= 8) {
                    // llvm-objdump elides runs of 8+ zero bytes, in multiples of 4.
                    out.append("\t\t...\n");
                    index += zeros & ~3;
                    continue;
                }
                Disassembler.Step step = disassembler.decode(code, index, code.length, index, lookup);
                int size = step.length() == 0 ? 1 : step.length();
                out.append(String.format("%8d:", index / Instruction.SIZE)).append('\t');
                for (int b = index; b < index + size; b++) {
                    if (b > index) {
                        out.append(' ');
                    }
                    out.append(Character.forDigit((code[b] >> 4) & 0xf, 16)).append(Character.forDigit(code[b] & 0xf, 16));
                }
                out.append('\t').append(step.text() == null ? Disassembler.UNKNOWN : step.text()).append('\n');
                index += size;
            }
        }
    }

    /** A name at an address of the section, as llvm-objdump collects them. */
    public record Label(long address, String name, int type) {}

    /**
     * The symbols llvm-objdump considers for {@code section}: every named symbol defined in it
     * except section and file symbols, sorted by address, then name, then type; plus a
     * stand-in named after the section when nothing sits at address 0.
     */
    public static List<Label> labels(ElfFile elf, ElfSection section) {
        List<Label> labels = new ArrayList<>();
        for (ElfSymbol symbol : elf.symbolsIn(section)) {
            if (symbol.name().isEmpty() || symbol.type() == ElfSymbol.STT_SECTION || symbol.type() == ElfSymbol.STT_FILE) {
                continue;
            }
            labels.add(new Label(symbol.value(), symbol.name(), symbol.type()));
        }
        // Observed llvm-objdump-16 behaviour: at a shared address a data symbol never wins over
        // a code symbol; otherwise the last name in byte order does.
        labels.sort(Comparator.comparing(Label::address, Long::compareUnsigned)
                .thenComparing(label -> !isData(label))
                .thenComparing(Label::name, ObjdumpListing::compareBytes)
                .thenComparingInt(Label::type));
        if (labels.isEmpty() || labels.getFirst().address() != 0) {
            labels.addFirst(new Label(0, section.name(), ElfSymbol.STT_NOTYPE));
        }
        return List.copyOf(labels);
    }

    /** Jump labels for a section: the last label at or before the target, plus the displacement. */
    public static SymbolLookup lookup(ElfFile elf, ElfSection section) {
        return lookup(labels(elf, section));
    }

    private static SymbolLookup lookup(List<Label> sorted) {
        long[] addresses = sorted.stream().mapToLong(Label::address).toArray();
        return target -> {
            int lo = 0;
            int hi = addresses.length; // first index whose address is > target
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (Long.compareUnsigned(addresses[mid], target) <= 0) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            if (lo == 0) {
                return null;
            }
            Label label = sorted.get(lo - 1);
            long displacement = target - label.address();
            return displacement == 0 ? label.name() : label.name() + "+0x" + Long.toHexString(displacement);
        };
    }

    private static boolean isData(Label label) {
        return label.type() == ElfSymbol.STT_OBJECT || label.type() == STT_COMMON;
    }

    private static final int STT_COMMON = 5;

    /** llvm-objdump's data dump: up to 8 bytes a line, hex address, hex bytes, then ASCII. */
    private static void dumpData(byte[] code, int index, int end, StringBuilder out) {
        StringBuilder ascii = new StringBuilder();
        for (; index < end; index++) {
            if (ascii.isEmpty()) {
                out.append(String.format("%8x:", index));
            }
            int b = code[index] & 0xff;
            out.append(String.format(" %02x", b));
            ascii.append(b >= 0x20 && b < 0x7f ? (char) b : '.');
            if (ascii.length() == 8 || index == end - 1) {
                out.append(" ".repeat(3 * (8 - ascii.length()))).append("         ").append(ascii).append('\n');
                ascii.setLength(0);
            }
        }
    }

    private static int leadingZeros(byte[] code, int from, int end) {
        int n = 0;
        while (from + n < end && code[from + n] == 0) {
            n++;
        }
        return n;
    }

    /** StringRef ordering: unsigned bytes of the UTF-8 encoding. */
    private static int compareBytes(String a, String b) {
        return Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }
}
