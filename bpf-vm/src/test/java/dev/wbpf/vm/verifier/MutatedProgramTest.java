package dev.wbpf.vm.verifier;

import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import dev.wbpf.vm.Engine;
import dev.wbpf.vm.Machine;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.wbpf.core.insn.Instruction;
import dev.wbpf.core.insn.Instructions;
import dev.wbpf.core.object.BpfObjectReader;
import dev.wbpf.core.object.BpfObjectSpec;
import dev.wbpf.core.object.MapType;
import dev.wbpf.core.object.ProgramSpec;
import dev.wbpf.core.prog.ProgramType;
import dev.wbpf.vm.HostEnvironment;

import dev.wbpf.vm.MemoryFault;
import dev.wbpf.vm.VmException;
import dev.wbpf.vm.VmInternalError;
import dev.wbpf.vm.VmProgram;
import dev.wbpf.vm.helper.HelperTable;
import dev.wbpf.vm.map.MapDefinition;
import dev.wbpf.vm.map.MapException;
import dev.wbpf.vm.map.VmMap;
import dev.wbpf.vm.map.VmMaps;
import dev.wbpf.vm.testrun.TestRun;
import dev.wbpf.vm.testrun.TestRunInput;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Mostly-valid programs: every fixture program the verifier accepts, and a few hand-written
 * ones, each slightly mutated (an immediate, an offset, a size, a register, a comparison or an
 * ALU operation changed, an instruction turned into a no-op). Many mutants stay valid, so the
 * verifier's acceptance is exercised on realistic code; every accepted mutant runs on random
 * packets or contexts and must never end in a MemoryFault or an internal VM error.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(Engine.class)
class MutatedProgramTest {
    private final Engine engine;

    MutatedProgramTest(Engine engine) {
        this.engine = engine;
    }

    private static final Set<ProgramType> RUNNABLE = Set.of(ProgramType.XDP, ProgramType.SOCKET_FILTER, ProgramType.SCHED_CLS,
            ProgramType.RAW_TRACEPOINT, ProgramType.TRACEPOINT);
    private static final HostEnvironment QUIET = HostEnvironment.ofCurrentProcess().withTraceLog(line -> { });

    record Seed(String name, ProgramType type, Instructions code, List<VmMap> maps) {
    }

    @Test void mutantsThatTheVerifierAcceptsNeverFault() throws IOException {
        List<Seed> seeds = seeds();
        assertTrue(seeds.size() >= 15, "seeds: " + seeds.size());
        Random random = new Random(0x5eed_f00dL);
        long deadline = System.nanoTime() + 25_000_000_000L;
        int generated = 0, accepted = 0, runs = 0, unchanged = 0;
        List<String> bugs = new ArrayList<>();
        while (generated < 20_000 && System.nanoTime() < deadline) {
            Seed seed = seeds.get(random.nextInt(seeds.size()));
            Instructions mutant = mutate(seed.code(), random, 1 + (random.nextInt(4) == 0 ? 1 : 0));
            if (mutant == null) {
                continue;
            }
            generated++;
            try {
                Verifier.verify(seed.name(), seed.type(), mutant, seed.maps(), HelperTable.standard());
            } catch (VerifierException refused) {
                assertTrue(!refused.getMessage().contains("internal verifier error"), refused.getMessage() + " for " + seed.name());
                continue;
            } catch (Throwable t) {
                fail("verifier threw " + t + " for a mutant of " + seed.name(), t);
            }
            accepted++;
            if (mutant.asList().equals(seed.code().asList())) {
                unchanged++;
            }
            VmProgram program;
            try {
                program = VmProgram.prepare(seed.name(), seed.type(), mutant, seed.maps(), HelperTable.standard());
            } catch (VmException e) {
                bugs.add("accepted but prepare refused: " + e.getMessage() + " (" + seed.name() + ")");
                continue;
            }
            Machine machine = engine.machineFor(program);
            for (int run = 0; run < 3; run++) {
                try {
                    TestRun.run(machine, input(seed.type(), random), QUIET);
                    runs++;
                } catch (MemoryFault | VmInternalError e) {
                    bugs.add(e.getMessage() + " in an accepted mutant of " + seed.name() + ": " + diff(seed.code(), mutant));
                } catch (VmException | IllegalArgumentException expected) {
                    // budget, helper refusals, inputs test-run refuses: not memory safety
                }
            }
        }
        System.out.printf("mutated programs: %d seeds, %d mutants verified, %d accepted (%d identical to their seed), %d runs%n",
                seeds.size(), generated, accepted, unchanged, runs);
        assertTrue(accepted >= 500, "too few accepted mutants: " + accepted + " of " + generated);
        assertEquals(List.of(), bugs.stream().distinct().limit(20).toList());
    }

    private static String diff(Instructions a, Instructions b) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < a.size(); i++) {
            if (!a.get(i).equals(b.get(i))) {
                s.append(" insn ").append(i).append(": ").append(a.get(i)).append(" -> ").append(b.get(i));
            }
        }
        return s.toString();
    }

    /** A random packet (often a plausible Ethernet/IPv4 or IPv6 frame) or a random context. */
    private static TestRunInput input(ProgramType type, Random random) {
        switch (type) {
            case XDP, SOCKET_FILTER, SCHED_CLS -> {
                byte[] frame = new byte[14 + random.nextInt(120)];
                random.nextBytes(frame);
                int shape = random.nextInt(4);
                if (shape < 2 && frame.length >= 34) {
                    frame[12] = 0x08;
                    frame[13] = 0x00;
                    frame[14] = 0x45;
                    frame[23] = (byte) (shape == 0 ? 6 : 17);
                    frame[20] = 0;
                    frame[21] = 0;
                } else if (shape == 2 && frame.length >= 54) {
                    frame[12] = (byte) 0x86;
                    frame[13] = (byte) 0xdd;
                }
                return TestRunInput.ofData(frame);
            }
            default -> {
                byte[] ctx = new byte[type == ProgramType.TRACEPOINT ? 128 : 96];
                random.nextBytes(ctx);
                return TestRunInput.ofContext(ctx);
            }
        }
    }

    // ---- mutation ----

    private static final int[] ALU_OPS = {0x00, 0x10, 0x40, 0x50, 0xa0, 0x60, 0x70, 0xc0, 0x20};
    private static final int[] JMP_OPS = {0x10, 0x20, 0x30, 0x40, 0x50, 0x60, 0x70, 0xa0, 0xb0, 0xc0, 0xd0};
    private static final int[] SIZES = {0x00, 0x08, 0x10, 0x18};

    /** {@code count} mutations of instructions that are not LDDW halves or calls; null if none could be made. */
    static Instructions mutate(Instructions code, Random random, int count) {
        List<Instruction> slots = new ArrayList<>(code.asList());
        boolean[] second = new boolean[slots.size()];
        for (int i = 0; i < slots.size(); i++) {
            if (slots.get(i).isImm64Load() && i + 1 < slots.size()) {
                second[i + 1] = true;
                i++;
            }
        }
        int done = 0;
        for (int attempt = 0; attempt < 20 && done < count; attempt++) {
            int at = random.nextInt(slots.size());
            Instruction insn = slots.get(at);
            int op = insn.opcode();
            int cls = op & 0x07;
            if (second[at] || insn.isImm64Load() || op == 0x85 || op == 0x95 || op == 0x8d) {
                continue;
            }
            Instruction changed = switch (random.nextInt(7)) {
                case 0 -> Instruction.of(op, insn.dst(), insn.src(), insn.offset(), insn.imm() + delta(random));
                case 1 -> cls == 0x05 || cls == 0x06
                        ? null // jump offsets stay: the verifier checks targets, but a mutant should look like code
                        : Instruction.of(op, insn.dst(), insn.src(), insn.offset() + delta(random), insn.imm());
                case 2 -> (cls == 0x01 || cls == 0x02 || cls == 0x03) && (op & 0xe0) != 0xc0 && (op & 0xe0) != 0x80
                        ? Instruction.of((op & ~0x18) | SIZES[random.nextInt(4)], insn.dst(), insn.src(), insn.offset(), insn.imm())
                        : null;
                case 3 -> random.nextBoolean() && cls != 0x02
                        ? Instruction.of(op, insn.dst(), (op & 0x08) != 0 || cls == 0x01 || cls == 0x03 ? random.nextInt(11) : insn.src(),
                                insn.offset(), insn.imm())
                        : Instruction.of(op, random.nextInt(10), insn.src(), insn.offset(), insn.imm());
                case 4 -> (cls == 0x05 || cls == 0x06) && (op & 0xf0) != 0x00 && (op & 0xf0) != 0x80 && (op & 0xf0) != 0x90
                        && (op & 0xf0) != 0xe0
                        ? Instruction.of((op & 0x0f) | JMP_OPS[random.nextInt(JMP_OPS.length)], insn.dst(), insn.src(), insn.offset(), insn.imm())
                        : null;
                case 5 -> (cls == 0x04 || cls == 0x07) && isPlainAlu(op)
                        ? Instruction.of((op & 0x0f) | ALU_OPS[random.nextInt(ALU_OPS.length)], insn.dst(), insn.src(), 0,
                                (op & 0x08) == 0 ? insn.imm() & 63 : 0)
                        : null;
                default -> Instruction.of(0x05, 0, 0, 0, 0); // ja +0: a no-op in its place
            };
            if (changed != null) {
                slots.set(at, changed);
                done++;
            }
        }
        return done == 0 ? null : Instructions.of("mutant", slots);
    }

    private static boolean isPlainAlu(int op) {
        int operation = op & 0xf0;
        return operation == 0x00 || operation == 0x10 || operation == 0x20 || operation == 0x40 || operation == 0x50
                || operation == 0x60 || operation == 0x70 || operation == 0xa0 || operation == 0xc0;
    }

    private static int delta(Random random) {
        return switch (random.nextInt(6)) {
            case 0 -> 1;
            case 1 -> -1;
            case 2 -> 2;
            case 3 -> -8;
            case 4 -> 8;
            default -> random.nextInt(64) - 32;
        };
    }

    // ---- seeds ----

    static List<Seed> seeds() throws IOException {
        List<Seed> seeds = new ArrayList<>();
        List<Path> objects;
        try (var files = Files.list(FixtureVerifierTest.testdata())) {
            objects = files.filter(p -> p.toString().endsWith(".bpf.o")).sorted().toList();
        }
        for (Path object : objects) {
            BpfObjectSpec spec = BpfObjectReader.read(object);
            for (ProgramSpec program : spec.programs()) {
                ProgramType type = program.definition().type();
                if (!RUNNABLE.contains(type)) {
                    continue;
                }
                try {
                    FixtureVerifierTest.Loaded loaded = FixtureVerifierTest.translate(spec, program);
                    Verifier.verify(program.name(), type, loaded.code(), loaded.maps(), HelperTable.standard());
                    seeds.add(new Seed(object.getFileName() + "/" + program.name(), type, loaded.code(), loaded.maps()));
                } catch (VerifierException | MapException e) {
                    // not a seed: only accepted programs are mutated
                }
            }
        }
        seeds.addAll(handWritten());
        return seeds;
    }

    /** Small valid programs around the checks mutations are most likely to break. */
    private static List<Seed> handWritten() {
        List<VmMap> maps = List.of(VmMaps.create(MapDefinition.of("a", MapType.ARRAY, 4, 64, 4), 1));
        List<Seed> seeds = new ArrayList<>();
        // raw tp: v = lookup(a, 0); if v: i = args[0] & 63 (then & ~7); *(u64 *)(v + i & 56) += args[1]; r0 = *(u8 *)(v + (i & 63))
        seeds.add(new Seed("hand/map-variable-offset", ProgramType.RAW_TRACEPOINT, Instructions.of("h1", List.of(
                Instruction.of(0xbf, 6, 1, 0, 0),          // r6 = ctx
                Instruction.of(0x62, 10, 0, -4, 0),        // *(u32 *)(fp-4) = 0
                Instruction.of(0xbf, 2, 10, 0, 0),
                Instruction.of(0x07, 2, 0, 0, -4),
                Instruction.of(0x18, 1, 5, 0, 0), Instruction.of(0, 0, 0, 0, 0), // r1 = map 0 (by index)
                Instruction.of(0x85, 0, 0, 0, 1),          // lookup
                Instruction.of(0x15, 0, 0, 11, 0),         // if !r0 goto exit-0
                Instruction.of(0x79, 3, 6, 0, 0),          // r3 = args[0]
                Instruction.of(0x57, 3, 0, 0, 56),         // r3 &= 56
                Instruction.of(0x79, 4, 6, 8, 0),          // r4 = args[1]
                Instruction.of(0xbf, 5, 0, 0, 0),          // r5 = v
                Instruction.of(0x0f, 5, 3, 0, 0),          // r5 += r3
                Instruction.of(0xdb, 5, 4, 0, 0),          // lock *(u64 *)(r5 + 0) += r4
                Instruction.of(0x79, 3, 6, 16, 0),         // r3 = args[2]
                Instruction.of(0x57, 3, 0, 0, 63),         // r3 &= 63
                Instruction.of(0x0f, 0, 3, 0, 0),          // r0 += r3
                Instruction.of(0x71, 0, 0, 0, 0),          // r0 = *(u8 *)(r0 + 0)
                Instruction.of(0x95, 0, 0, 0, 0),
                Instruction.of(0xb7, 0, 0, 0, 0),          // exit-0
                Instruction.of(0x95, 0, 0, 0, 0))), maps));
        // xdp: if data + 34 > data_end: pass; r0 = ip->protocol + (ip->ttl bounded) read at a checked variable offset
        seeds.add(new Seed("hand/packet-bounds", ProgramType.XDP, Instructions.of("h2", List.of(
                Instruction.of(0x61, 2, 1, 0, 0),          // r2 = data
                Instruction.of(0x61, 3, 1, 4, 0),          // r3 = data_end
                Instruction.of(0xbf, 4, 2, 0, 0),
                Instruction.of(0x07, 4, 0, 0, 34),         // r4 = data + 34
                Instruction.of(0x2d, 4, 3, 8, 0),          // if r4 > r3 goto pass
                Instruction.of(0x71, 5, 2, 23, 0),         // r5 = protocol
                Instruction.of(0x57, 5, 0, 0, 15),         // r5 &= 15
                Instruction.of(0xbf, 6, 2, 0, 0),
                Instruction.of(0x0f, 6, 5, 0, 0),          // r6 = data + r5
                Instruction.of(0x71, 0, 6, 14, 0),         // r0 = *(u8 *)(r6 + 14): < 34
                Instruction.of(0x57, 0, 0, 0, 3),
                Instruction.of(0x73, 2, 0, 0, 0),          // *(u8 *)data = r0
                Instruction.of(0x95, 0, 0, 0, 0),
                Instruction.of(0xb7, 0, 0, 0, 2),          // pass
                Instruction.of(0x95, 0, 0, 0, 0))), List.of()));
        // raw tp: a stack buffer written then read at a bounded variable offset
        seeds.add(new Seed("hand/stack", ProgramType.RAW_TRACEPOINT, Instructions.of("h3", List.of(
                Instruction.of(0x7a, 10, 0, -8, 1),
                Instruction.of(0x7a, 10, 0, -16, 2),
                Instruction.of(0x7a, 10, 0, -24, 3),
                Instruction.of(0x7a, 10, 0, -32, 4),
                Instruction.of(0x79, 3, 1, 0, 0),          // r3 = args[0]
                Instruction.of(0x57, 3, 0, 0, 24),         // r3 &= 24
                Instruction.of(0xbf, 4, 10, 0, 0),
                Instruction.of(0x07, 4, 0, 0, -32),
                Instruction.of(0x0f, 4, 3, 0, 0),          // r4 = fp - 32 + (0..24)
                Instruction.of(0x79, 0, 4, 0, 0),          // r0 = *(u64 *)r4
                Instruction.of(0x79, 5, 10, -8, 0),
                Instruction.of(0x0f, 0, 5, 0, 0),
                Instruction.of(0x95, 0, 0, 0, 0))), List.of()));
        return seeds;
    }
}
