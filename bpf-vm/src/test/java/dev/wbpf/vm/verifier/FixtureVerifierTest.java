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
import dev.wbpf.vm.load.LoadException;
import dev.wbpf.vm.load.LoadSettings;
import dev.wbpf.vm.load.VmLoader;
import dev.wbpf.vm.map.MapDefinition;
import dev.wbpf.vm.map.VmMap;
import dev.wbpf.vm.map.VmMaps;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Every program of the repo's fixtures (testdata/bpf/out), each loaded alone by the VM loader as
 * the VM backend loads it (maps, global data, externs, CO-RE against the VM's kernel types, then
 * the verifier). Each has its expected verdict spelled out below: accepted, or refused with a
 * reason the user can act on; a program without a listed verdict fails the test.
 *
 * <p>{@link #translate} is the bare relocation (map references to indexes, no CO-RE) that the
 * mutation test uses to feed fixture programs straight to the verifier.
 */
class FixtureVerifierTest {
    /** Every fixture program -> null (accepted) or a key phrase of the VM's refusal. */
    static final Map<String, String> EXPECTED = new TreeMap<>();

    static {
        EXPECTED.put("atomics/atomic_ops", null);
        EXPECTED.put("atomics/sample_cpu", null); // perf_event: the VM's timers run it
        EXPECTED.put("bench/produce", null);
        EXPECTED.put("bench_alu/bench_alu", null);
        EXPECTED.put("bench_csum/bench_csum", null);
        EXPECTED.put("bench_maps/bench_maps", null);
        EXPECTED.put("cgroup_more/count_connects", "program type sock_ops is not supported by the VM: socket programs");
        EXPECTED.put("cgroup_more/deny_null_read", "program type cgroup_device is not supported by the VM: cgroup programs");
        EXPECTED.put("cgroup_perf/count_egress", "program type cgroup_skb is not supported by the VM: cgroup programs");
        EXPECTED.put("cgroup_perf/count_sock", "program type cgroup_sock is not supported by the VM: cgroup programs");
        EXPECTED.put("cgroup_perf/count_sample", null);
        EXPECTED.put("cpuv4/v4_ops", null);
        EXPECTED.put("cpuv4/v4_loops", null);
        EXPECTED.put("execsnoop/handle_execve", null); // bpf_get_current_task + CO-RE on the VM's task_struct
        EXPECTED.put("execsnoop/handle_exit", null);
        EXPECTED.put("globals/read_globals", null);
        EXPECTED.put("globals/write_globals", null);
        EXPECTED.put("ksym/sample_rq", "kernel symbol `runqueues`, which exists only in the kernel");
        EXPECTED.put("legacy_maps/legacy_count", null);
        EXPECTED.put("links/count_write", null);
        EXPECTED.put("links/count_raw_sys_enter", null);
        EXPECTED.put("links/count_btf_sys_enter", "program type tracing is not supported by the VM: fentry/fexit");
        EXPECTED.put("links/count_udp", null);
        EXPECTED.put("links/drop_marked", null);
        EXPECTED.put("links/on_unlinkat", null);
        EXPECTED.put("map_in_map/lookup_nested", null);
        EXPECTED.put("misc_maps/tail_stage1", null);
        EXPECTED.put("misc_maps/tail_stage2", null);
        EXPECTED.put("misc_maps/dispatch", null);
        EXPECTED.put("misc_maps/misc_switch", "calls kernel function `bpf_task_acquire`, which exists only in the kernel"); // tp_btf + kfuncs
        EXPECTED.put("misc_maps/sk_count", "`sk_store` (sk_storage"); // cgroup_skb on kernel sockets
        EXPECTED.put("opensnoop/tracepoint__syscalls__sys_enter_openat", null);
        EXPECTED.put("opensnoop/tracepoint__syscalls__sys_exit_openat", null);
        EXPECTED.put("percpu/count_switch", null);
        EXPECTED.put("runqlat/sched_wakeup", "program type tracing is not supported by the VM"); // tp_btf; runqlat's raw_tp twins below run in the VM
        EXPECTED.put("runqlat/sched_wakeup_new", "program type tracing is not supported by the VM");
        EXPECTED.put("runqlat/sched_switch", "program type tracing is not supported by the VM");
        EXPECTED.put("runqlat/handle_sched_wakeup", null);
        EXPECTED.put("runqlat/handle_sched_wakeup_new", null);
        EXPECTED.put("runqlat/handle_sched_switch", null);
        EXPECTED.put("sockfilter/socket_count", null);
        EXPECTED.put("sockfilter/socket_flows", null);
        EXPECTED.put("subprogs/prog_a", null);
        EXPECTED.put("subprogs/prog_b", null);
        EXPECTED.put("subprogs/prog_c", null);
        EXPECTED.put("tc_classify/tc_classify", null);
        EXPECTED.put("tracing/enter_unlinkat", "program type tracing is not supported by the VM");
        EXPECTED.put("tracing/exit_unlinkat", "program type tracing is not supported by the VM");
        EXPECTED.put("tracing/check_open", "program type lsm is not supported by the VM: LSM programs hook");
        EXPECTED.put("uprobe/printret", null);
        EXPECTED.put("uprobe/malloc_enter", null);
        EXPECTED.put("uprobe/malloc_exit", null); // bpf_get_attach_cookie
        EXPECTED.put("uprobe/write_enter", null);
        EXPECTED.put("uprobe/write_exit", null);
        EXPECTED.put("uprobe/readline_enter", null);
        EXPECTED.put("uprobe_test/on_entry", null);
        EXPECTED.put("uprobe_test/on_return", null);
        EXPECTED.put("vm_probe/count_request", null);
        EXPECTED.put("vm_probe/usdt_request", null);
        EXPECTED.put("vm_probe/tick", null);
        EXPECTED.put("vm_probe/file_write", null);
        EXPECTED.put("vm_probe/snap_ipv4_headers", null);
        EXPECTED.put("vm_task/read_task", null); // CO-RE on the VM's task_struct, prio behind bpf_core_field_exists
        EXPECTED.put("vm_task/read_prio", "relocates struct task_struct field prio (CO-RE field_byte_offset), which the VM's kernel types");
        EXPECTED.put("xdp_parse/xdp_parse_prog", null);
    }

    static Path testdata() {
        String property = System.getProperty("wbpf.testdata");
        assertTrue(property != null, "system property wbpf.testdata is not set");
        return Path.of(property, "bpf", "out");
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

    /** Loads one program alone, the way the VM backend does (relocation, CO-RE, verifier); its refusal or null. */
    static String loadVerdict(BpfObjectSpec spec, String program) {
        try {
            VmLoader.load(spec, LoadSettings.defaults().withPrograms(program::equals).withLog(line -> { }));
            return null;
        } catch (LoadException e) {
            return e.getMessage();
        }
    }

    @Test void everyFixtureProgramHasItsExpectedVerdict() throws IOException {
        List<Path> objects;
        try (var files = Files.list(testdata())) {
            objects = files.filter(p -> p.toString().endsWith(".bpf.o")).sorted().toList();
        }
        assertTrue(objects.size() >= 10, "fixtures missing: " + objects);
        StringBuilder table = new StringBuilder();
        List<String> mismatches = new ArrayList<>();
        Set<String> seen = new TreeSet<>();
        for (Path object : objects) {
            String objectName = object.getFileName().toString().replace(".bpf.o", "");
            BpfObjectSpec spec = BpfObjectReader.read(object);
            for (ProgramSpec program : spec.programs()) {
                String key = objectName + "/" + program.name();
                seen.add(key);
                String verdict = loadVerdict(spec, program.name());
                table.append(String.format("%-40s %s%n", key, verdict == null ? "ACCEPTED" : "refused: " + verdict));
                if (!EXPECTED.containsKey(key)) {
                    mismatches.add(key + ": no expected verdict listed (" + (verdict == null ? "accepted" : verdict) + ")");
                    continue;
                }
                String expectation = EXPECTED.get(key);
                if (expectation == null ? verdict != null : verdict == null || !verdict.contains(expectation)) {
                    mismatches.add(key + ": expected " + (expectation == null ? "acceptance" : "refusal '" + expectation + "'")
                            + " but " + (verdict == null ? "accepted" : verdict));
                }
            }
        }
        System.out.print(table);
        assertTrue(!table.toString().contains("internal verifier error"), "verifier crashed:\n" + table);
        for (String key : EXPECTED.keySet()) {
            if (!seen.contains(key)) {
                mismatches.add(key + ": listed but no such fixture program");
            }
        }
        assertEquals(List.of(), mismatches);
    }
}
