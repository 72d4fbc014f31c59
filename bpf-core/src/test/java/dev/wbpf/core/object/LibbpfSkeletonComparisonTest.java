package dev.wbpf.core.object;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.wbpf.core.testing.Fixtures;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * libbpf is the oracle for what an object contains: {@code bpftool gen skeleton} opens the object
 * with libbpf and writes down every program and map, internal data maps with libbpf's names.
 * Our spec must list the same, in the same order.
 */
class LibbpfSkeletonComparisonTest {
    private static final Pattern MAP_NAME = Pattern.compile("s->maps\\[\\d+]\\.name = \"([^\"]+)\";");
    private static final Pattern PROG_NAME = Pattern.compile("s->progs\\[\\d+]\\.name = \"([^\"]+)\";");

    /** Every fixture libbpf 1.x opens (it refuses the legacy maps section). */
    static Stream<String> fixtures() {
        return Fixtures.objectNames().stream().filter(name -> !name.equals("legacy_maps"));
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void programsAndMapsMatchLibbpf(String fixture) throws IOException, InterruptedException {
        BpfObjectSpec spec = BpfObjectReader.read(Fixtures.object(fixture));
        String skeleton = bpftoolSkeleton(fixture, spec.objectName());

        List<String> expectedMaps = all(MAP_NAME, skeleton);
        List<String> ourMaps = new ArrayList<>(spec.maps().stream().map(MapSpec::name).toList());
        spec.globals().forEach(g -> ourMaps.add(g.mapName()));
        assertEquals(expectedMaps, ourMaps, "maps of " + fixture);

        assertEquals(all(PROG_NAME, skeleton), spec.programs().stream().map(ProgramSpec::name).toList(),
                "programs of " + fixture);
    }

    private static List<String> all(Pattern pattern, String text) {
        List<String> found = new ArrayList<>();
        Matcher m = pattern.matcher(text);
        while (m.find()) {
            found.add(m.group(1));
        }
        return found;
    }

    private static String bpftoolSkeleton(String fixture, String objectName) throws IOException, InterruptedException {
        Process process;
        try {
            process = new ProcessBuilder("bpftool", "gen", "skeleton", Fixtures.object(fixture).toString(), "name", objectName)
                    .redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IOException("bpftool is needed for this test (Debian package bpftool; scripts/setup installs it)", e);
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, process.waitFor(), "bpftool gen skeleton failed:\n" + output);
        return output;
    }
}
