package dev.wbpf.core.object;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wbpf.core.testing.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code llvm-objdump -dr} is the oracle for where relocations are and what symbol they name:
 * for a program alone in its section, linked without subprograms, its map, data and extern
 * relocations must sit on exactly the instructions objdump shows, naming the same symbols.
 */
class ObjdumpRelocationComparisonTest {
    private static final Pattern SECTION = Pattern.compile("^Disassembly of section (.+):$");
    private static final Pattern RELOCATION = Pattern.compile("^\\s+([0-9a-f]+):\\s+R_BPF_\\w+\\s+(\\S+)$");

    static Stream<String> fixtures() {
        return Fixtures.objectNames().stream();
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void relocationsSitWhereObjdumpShowsThem(String fixture) throws IOException {
        Map<String, List<String>> golden = new HashMap<>();
        String section = null;
        for (String line : Files.readAllLines(Fixtures.golden(fixture + ".objdump-r.txt"))) {
            Matcher s = SECTION.matcher(line);
            if (s.matches()) {
                section = s.group(1);
                continue;
            }
            Matcher r = RELOCATION.matcher(line);
            if (r.matches() && section != null) {
                golden.computeIfAbsent(section, k -> new ArrayList<>())
                        .add(Long.parseLong(r.group(1), 16) / 8 + " " + r.group(2));
            }
        }

        BpfObjectSpec spec = BpfObjectReader.read(Fixtures.object(fixture));
        int compared = 0;
        for (ProgramSpec program : spec.programs()) {
            boolean aloneInSection = spec.programs().stream().filter(p -> p.section().equals(program.section())).count() == 1;
            if (!aloneInSection || !program.subprograms().isEmpty()) {
                continue;
            }
            TreeSet<String> ours = new TreeSet<>();
            for (Relocation relocation : program.relocations()) {
                String name = switch (relocation) {
                    case Relocation.MapReference m -> m.mapName();
                    case Relocation.DataReference d -> d.symbol().isEmpty() ? d.section() : d.symbol();
                    case Relocation.ExternReference e -> e.externName();
                    case Relocation.SubprogramCall c -> c.callee();
                    case Relocation.FunctionAddress f -> f.callee();
                };
                ours.add(relocation.insnIndex() + " " + name);
            }
            assertEquals(new TreeSet<>(golden.getOrDefault(program.section(), List.of())), ours,
                    fixture + " " + program.name());
            compared++;
        }
        assertTrue(compared > 0 || spec.programs().stream().allMatch(p -> !p.subprograms().isEmpty()
                        || spec.programs().stream().filter(q -> q.section().equals(p.section())).count() > 1),
                "no program of " + fixture + " could be compared");
    }
}
