package dev.wbpf.core.gen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.wbpf.core.btf.Btf;
import dev.wbpf.core.btf.BtfType;
import dev.wbpf.core.elf.ElfFile;
import dev.wbpf.core.object.BpfObjectReader;
import dev.wbpf.core.object.BpfObjectSpec;
import dev.wbpf.core.object.GlobalDataSpec;
import dev.wbpf.core.testing.Fixtures;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Generates skeletons and types headers for the fixtures and compiles them with clang-16 for
 * wasm32 (so the generated static_asserts are checked) together with checks this test writes
 * itself from the BTF; then compiles the same types for BPF and compares the BTF clang writes
 * for them, member by member and bit by bit, with the object's. Needs clang-16 with wasi-libc:
 * a missing compiler fails the test, it does not skip it.
 */
class GeneratorsCompileTest {
    private static final Pattern DEFINITION = Pattern.compile("^(struct|union) (\\w+) \\{", Pattern.MULTILINE);

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"execsnoop", "opensnoop", "runqlat", "xdp_parse", "uprobe", "globals", "misc_maps",
            "percpu", "map_in_map", "ksym", "sockfilter", "subprogs", "legacy_maps"})
    void generatedHeadersCompileForWasm32WithTheBpfLayout(String name) throws Exception {
        Path objectFile = Fixtures.object(name);
        byte[] bytes = Files.readAllBytes(objectFile);
        BpfObjectSpec object = BpfObjectReader.read(objectFile);
        Btf btf = object.btf();

        String types = TypesGenerator.generate(object, new TypesGenerator.Options(List.of(), true));
        String skeleton = SkeletonGenerator.generate(bytes, object, null);
        Files.writeString(dir.resolve(name + ".types.h"), types);
        Files.writeString(dir.resolve(name + ".skel.h"), skeleton);

        // checks written here, from the BTF, independently of the generator's own asserts
        StringBuilder checks = new StringBuilder("#include \"" + name + ".skel.h\"\n#include \"" + name + ".types.h\"\n");
        Set<String> defined = definedComposites(types);
        assertFalse(defined.isEmpty(), "no structs generated for " + name);
        int checked = 0;
        for (String spelling : defined) {
            String[] parts = spelling.split(" ");
            BtfType.Composite c = composite(btf, parts[0], parts[1]);
            checks.append("_Static_assert(sizeof(").append(spelling).append(") == ").append(btf.sizeOf(id(btf, c)))
                    .append(", \"test: size of ").append(spelling).append("\");\n");
            for (BtfType.Member m : c.members()) {
                if (!m.name().isEmpty() && !m.isBitfield()) {
                    checks.append("_Static_assert(__builtin_offsetof(").append(spelling).append(", ").append(m.name())
                            .append(") == ").append(m.byteOffset()).append(", \"test: ").append(spelling).append('.')
                            .append(m.name()).append("\");\n");
                    checked++;
                }
            }
        }
        String prefix = name + "_bpf";
        for (GlobalDataSpec g : object.globals()) {
            String field = g.section().substring(1).replaceAll("[^A-Za-z0-9_]", "_");
            if (!skeleton.contains("struct " + prefix + "__" + field + " {")) {
                continue;
            }
            for (GlobalDataSpec.Variable v : g.variables()) {
                if (v.global() && v.name().matches("[A-Za-z_]\\w*")) {
                    checks.append("_Static_assert(__builtin_offsetof(struct ").append(prefix).append("__").append(field)
                            .append(", ").append(v.name()).append(") == ").append(v.offset()).append(", \"test\");\n");
                    checked++;
                }
            }
        }
        assertTrue(checked > 0);
        // the skeleton's functions must also compile and link into a command module
        checks.append("int main(void) {\n\tstruct ").append(prefix).append(" *s = ").append(prefix)
                .append("__open_and_load();\n\tif (!s) return 1;\n\t").append(prefix).append("__attach(s);\n\t")
                .append(prefix).append("__destroy(s);\n\treturn 0;\n}\n");
        Path main = dir.resolve("check_" + name + ".c");
        Files.writeString(main, checks);
        clang("--target=wasm32-wasi", "--sysroot=/usr", "-O1", "-Wall", "-Werror", "-I" + includeDir(), "-I" + dir,
                "-fuse-ld=lld", "-Wl,--export-table", main.toString(), "-o", dir.resolve(name + ".wasm").toString());

        // the same types compiled for BPF: clang's BTF must place every named member on the same bit
        Path probe = dir.resolve("probe_" + name + ".c");
        StringBuilder probeSource = new StringBuilder("#include \"" + name + ".types.h\"\n");
        int i = 0;
        for (String spelling : defined) {
            probeSource.append(spelling).append(" probe_").append(i++).append(";\n");
        }
        Files.writeString(probe, probeSource);
        Path probeObject = dir.resolve("probe_" + name + ".o");
        clang("-target", "bpf", "-g", "-O2", "-ffreestanding", "-I" + dir, "-c", probe.toString(), "-o",
                probeObject.toString());
        Btf compiled = Btf.parse("probe", ElfFile.parse("probe", Files.readAllBytes(probeObject))
                .section(".BTF").orElseThrow().bytes());
        for (String spelling : defined) {
            String[] parts = spelling.split(" ");
            BtfType.Composite want = composite(btf, parts[0], parts[1]);
            BtfType.Composite got = composite(compiled, parts[0], parts[1]);
            assertEquals(want.size(), got.size(), spelling + " size");
            Map<String, BtfType.Member> gotMembers = new HashMap<>();
            got.members().forEach(m -> gotMembers.put(m.name(), m));
            for (BtfType.Member m : want.members()) {
                if (m.name().isEmpty()) {
                    continue;
                }
                BtfType.Member g = gotMembers.get(m.name());
                assertNotNull(g, spelling + "." + m.name() + " missing");
                assertEquals(m.bitOffset(), g.bitOffset(), spelling + "." + m.name() + " bit offset");
                assertEquals(m.bitfieldSize(), g.bitfieldSize(), spelling + "." + m.name() + " bitfield size");
                if (!m.isBitfield()) {
                    assertEquals(btf.sizeOf(m.typeId()), compiled.sizeOf(g.typeId()), spelling + "." + m.name() + " size");
                }
            }
        }
    }

    private static Set<String> definedComposites(String header) {
        Set<String> out = new LinkedHashSet<>();
        Matcher m = DEFINITION.matcher(header);
        while (m.find()) {
            out.add(m.group(1) + " " + m.group(2));
        }
        return out;
    }

    private static BtfType.Composite composite(Btf btf, String keyword, String name) {
        for (int id : btf.findAllByName(name)) {
            BtfType t = btf.type(id);
            if (keyword.equals("struct") && t instanceof BtfType.Struct s) {
                return s;
            }
            if (keyword.equals("union") && t instanceof BtfType.Union u) {
                return u;
            }
        }
        throw new AssertionError(keyword + " " + name + " not in BTF " + btf.source());
    }

    private static int id(Btf btf, BtfType type) {
        for (int id : btf.findAllByName(type.name())) {
            if (btf.type(id) == type) {
                return id;
            }
        }
        throw new AssertionError(type.name());
    }

    static Path includeDir() {
        Path include = Fixtures.bpfDir().toAbsolutePath().getParent().getParent().resolve("bpf-guest/include");
        assertTrue(Files.isRegularFile(include.resolve("wbpf.h")), "bpf-guest/include/wbpf.h not found at " + include);
        return include;
    }

    static void clang(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add("clang-16");
        command.addAll(List.of(args));
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            fail("clang-16 is needed to check the generated C (Debian: apt-get install clang-16 lld-16 wasi-libc): "
                    + e.getMessage());
            return;
        }
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("clang-16 timed out: " + command);
        }
        assertEquals(0, p.exitValue(), () -> String.join(" ", command) + "\n" + output);
    }
}
