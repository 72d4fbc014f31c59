package dev.wbpf.vm.verifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wbpf.core.insn.Instruction;
import dev.wbpf.core.insn.Instructions;
import dev.wbpf.core.insn.Opcodes;
import dev.wbpf.core.object.BpfObjectReader;
import dev.wbpf.core.object.BpfObjectSpec;
import dev.wbpf.core.object.GlobalDataSpec;
import dev.wbpf.core.object.MapSpec;
import dev.wbpf.core.object.ProgramSpec;
import dev.wbpf.core.object.Relocation;
import dev.wbpf.vm.helper.HelperTable;
import dev.wbpf.vm.map.MapDefinition;
import dev.wbpf.vm.map.MapException;
import dev.wbpf.vm.map.VmMap;
import dev.wbpf.vm.map.VmMaps;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Every program of the repo's fixtures (testdata/bpf/out) through the verifier, with maps created
 * from the object's definitions and LDDW map / global-data references rewritten to map indexes
 * (the translation the VM loader does). The expected verdicts are spelled out below: programs that
 * only use what the VM supports are accepted; the others are refused with a reason, never a crash.
 */
class FixtureVerifierTest {
    /** object/program -> null (accepted) or a key phrase of the refusal. */
    static final Map<String, String> EXPECTED = new TreeMap<>();

    static {
        EXPECTED.put("atomics/atomic_ops", null);
        EXPECTED.put("atomics/sample_cpu", null); // perf_event: the VM's timers run it
        EXPECTED.put("cpuv4/v4_ops", null);
        EXPECTED.put("cpuv4/v4_loops", null);
        EXPECTED.put("globals/", null); // every program
        EXPECTED.put("sockfilter/", null);
        EXPECTED.put("subprogs/prog_a", null);
        EXPECTED.put("subprogs/prog_b", null);
        EXPECTED.put("subprogs/prog_c", null);
        EXPECTED.put("tc_classify/", null);
        EXPECTED.put("bench_alu/", null);
        EXPECTED.put("bench_csum/", null);
        EXPECTED.put("bench_maps/", null);
        EXPECTED.put("xdp_parse/", null);
    }

    record Verdict(String program, String refusal) {
    }

    static Path testdata() {
        String property = System.getProperty("wbpf.testdata");
        assertTrue(property != null, "system property wbpf.testdata is not set");
        return Path.of(property, "bpf", "out");
    }

    /** Verifies every program of one object; the refusal message (or null) per program. */
    static Map<String, String> verifyObject(Path file) throws IOException {
        BpfObjectSpec spec = BpfObjectReader.read(file);
        Map<String, String> verdicts = new LinkedHashMap<>();
        for (ProgramSpec program : spec.programs()) {
            String verdict;
            try {
                Loaded loaded = translate(spec, program);
                Verifier.verify(program.name(), program.definition().type(), loaded.code(), loaded.maps(), HelperTable.standard());
                verdict = null;
            } catch (VerifierException e) {
                verdict = e.getMessage();
            } catch (MapException e) {
                verdict = "map: " + e.getMessage();
            }
            verdicts.put(program.name(), verdict);
        }
        return verdicts;
    }

    record Loaded(Instructions code, List<VmMap> maps) {
    }

    /** Rewrites map and global-data references to VM map indexes; extern references become ksym loads. */
    static Loaded translate(BpfObjectSpec spec, ProgramSpec program) {
        List<Instruction> slots = new ArrayList<>(program.instructions().asList());
        List<VmMap> maps = new ArrayList<>();
        Map<String, Integer> index = new LinkedHashMap<>();
        for (Relocation relocation : program.relocations()) {
            int at = relocation.insnIndex();
            Instruction insn = slots.get(at);
            switch (relocation) {
                case Relocation.MapReference m -> {
                    int i = index.computeIfAbsent(m.mapName(), name -> {
                        MapSpec ms = spec.map(name).orElseThrow();
                        maps.add(VmMaps.create(MapDefinition.from(ms), 2));
                        return maps.size() - 1;
                    });
                    slots.set(at, Instruction.of(insn.opcode(), insn.dst(), Opcodes.PSEUDO_MAP_IDX, 0, i));
                }
                case Relocation.DataReference d -> {
                    GlobalDataSpec g = spec.global(d.section()).orElseThrow();
                    int i = index.computeIfAbsent("section:" + d.section(), name -> {
                        maps.add(VmMaps.create(MapDefinition.from(g.asMapSpec()), 2));
                        return maps.size() - 1;
                    });
                    slots.set(at, Instruction.of(insn.opcode(), insn.dst(), Opcodes.PSEUDO_MAP_IDX_VALUE, 0, i));
                    slots.set(at + 1, Instruction.of(0, 0, 0, 0, (int) d.offset()));
                }
                case Relocation.ExternReference e -> {
                    if (insn.isImm64Load()) {
                        slots.set(at, Instruction.of(insn.opcode(), insn.dst(), Opcodes.PSEUDO_BTF_ID, 0, 0));
                    } else {
                        slots.set(at, Instruction.of(insn.opcode(), insn.dst(), Opcodes.PSEUDO_KFUNC_CALL, 0, 0));
                    }
                }
                default -> { }
            }
        }
        return new Loaded(Instructions.of(program.name(), slots), maps);
    }

    @Test void everyFixtureProgramIsAcceptedOrRefusedWithAReason() throws IOException {
        List<Path> objects;
        try (var files = Files.list(testdata())) {
            objects = files.filter(p -> p.toString().endsWith(".bpf.o")).sorted().toList();
        }
        assertTrue(objects.size() >= 10, "fixtures missing: " + objects);
        StringBuilder table = new StringBuilder();
        List<String> mismatches = new ArrayList<>();
        for (Path object : objects) {
            String objectName = object.getFileName().toString().replace(".bpf.o", "");
            for (var e : verifyObject(object).entrySet()) {
                String key = objectName + "/" + e.getKey();
                String verdict = e.getValue();
                table.append(String.format("%-40s %s%n", key, verdict == null ? "ACCEPTED" : "refused: " + verdict));
                String expectation = EXPECTED.containsKey(key) ? EXPECTED.get(key) : EXPECTED.get(objectName + "/");
                boolean listed = EXPECTED.containsKey(key) || EXPECTED.containsKey(objectName + "/");
                if (!listed) {
                    continue; // out of scope: only "refused with a reason, no crash" (checked below)
                }
                if (expectation == null ? verdict != null : verdict == null || !verdict.contains(expectation)) {
                    mismatches.add(key + ": expected " + (expectation == null ? "acceptance" : "refusal '" + expectation + "'")
                            + " but " + (verdict == null ? "accepted" : verdict));
                }
            }
        }
        System.out.print(table);
        assertTrue(!table.toString().contains("internal verifier error"), "verifier crashed:\n" + table);
        assertEquals(List.of(), mismatches);
    }
}
