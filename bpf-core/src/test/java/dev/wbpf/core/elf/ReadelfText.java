package dev.wbpf.core.elf;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses the parts of {@code llvm-readelf -S -s -r} output the tests compare against. */
record ReadelfText(List<Section> sections, List<Symbol> symbols, Map<String, List<Relocation>> relocations) {

    record Section(int index, String name, String type, long address, long offset, long size, int entsize,
                   String flags, int link, int info, long align) {}

    record Symbol(int index, long value, long size, String type, String bind, String visibility, String ndx, String name) {}

    record Relocation(long offset, long info, String type, String symbolName) {}

    private static final Pattern SECTION = Pattern.compile(
            "^\\s*\\[\\s*(\\d+)\\]\\s(.*?)\\s+(\\S+)\\s+([0-9a-f]{16}) ([0-9a-f]+) ([0-9a-f]+) ([0-9a-f]{2}) ([ A-Za-z]{3})\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)$");
    private static final Pattern SYMBOL = Pattern.compile(
            "^\\s*(\\d+): ([0-9a-f]{16})\\s+(\\d+) (\\S+)\\s+(\\S+)\\s+(\\S+)\\s+(\\S+) ?(.*)$");
    private static final Pattern RELOCATION_HEADER = Pattern.compile("^Relocation section '(.*)' at offset .*$");
    private static final Pattern RELOCATION = Pattern.compile(
            "^([0-9a-f]{16})\\s+([0-9a-f]{16})\\s+(\\S+)\\s+([0-9a-f]{16})\\s+(.*)$");

    static ReadelfText parse(String text) {
        List<Section> sections = new ArrayList<>();
        List<Symbol> symbols = new ArrayList<>();
        Map<String, List<Relocation>> relocations = new LinkedHashMap<>();
        List<Relocation> current = null;
        for (String line : text.split("\n")) {
            Matcher m;
            if ((m = SECTION.matcher(line)).matches()) {
                sections.add(new Section(Integer.parseInt(m.group(1)), m.group(2), m.group(3), hex(m.group(4)), hex(m.group(5)),
                        hex(m.group(6)), (int) hex(m.group(7)), m.group(8).trim(), Integer.parseInt(m.group(9)),
                        Integer.parseInt(m.group(10)), Long.parseLong(m.group(11))));
            } else if ((m = SYMBOL.matcher(line)).matches()) {
                symbols.add(new Symbol(Integer.parseInt(m.group(1)), hex(m.group(2)), Long.parseLong(m.group(3)), m.group(4),
                        m.group(5), m.group(6), m.group(7), m.group(8)));
            } else if ((m = RELOCATION_HEADER.matcher(line)).matches()) {
                current = new ArrayList<>();
                relocations.put(m.group(1), current);
            } else if (current != null && (m = RELOCATION.matcher(line)).matches()) {
                current.add(new Relocation(hex(m.group(1)), Long.parseUnsignedLong(m.group(2), 16), m.group(3), m.group(5)));
            }
        }
        return new ReadelfText(sections, symbols, relocations);
    }

    private static long hex(String s) {
        return Long.parseUnsignedLong(s, 16);
    }
}
