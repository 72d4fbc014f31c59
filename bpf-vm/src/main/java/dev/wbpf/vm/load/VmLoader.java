package dev.wbpf.vm.load;

import dev.wbpf.core.object.BpfObjectSpec;
import dev.wbpf.core.object.ExternSpec;
import dev.wbpf.core.object.GlobalDataSpec;
import dev.wbpf.core.object.MapSpec;
import dev.wbpf.core.object.MapType;
import dev.wbpf.core.object.ProgramSpec;
import dev.wbpf.core.object.Relocation;
import dev.wbpf.core.insn.Instructions;
import dev.wbpf.vm.VmException;
import dev.wbpf.vm.verifier.VerifierException;
import dev.wbpf.vm.VmProgram;
import dev.wbpf.vm.helper.HelperTable;
import dev.wbpf.vm.map.MapDefinition;
import dev.wbpf.vm.map.MapException;
import dev.wbpf.vm.map.MapOfMaps;
import dev.wbpf.vm.map.ProgArrayMap;
import dev.wbpf.vm.map.VmMap;
import dev.wbpf.vm.map.VmMaps;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns a parsed object into a {@link VmObject}, the way libbpf loads one into the kernel:
 * <ol>
 *   <li>creates a VM map for every map the object declares (with its inner-map template) and an
 *       array map for every global data section, filled with the section's bytes ({@code .rodata}
 *       and {@code .kconfig} read-only to programs);</li>
 *   <li>relocates each program: a map reference becomes {@code LDDW src=1} with the index into the
 *       program's own map list (the VM's "fd"), a global-data reference {@code LDDW src=2} (map
 *       value + offset), a kconfig extern a value pointer into {@code .kconfig}; kernel symbols
 *       are refused (a weak ksym variable reads as 0); CO-RE relocations are resolved against the
 *       object's own BTF for the types the VM defines, and against the VM's kernel types for kernel
 *       objects ({@link CoreRelocations}); a poisoned one refused by the verifier is reported by
 *       what it relocates;</li>
 *   <li>prepares each program and hands it to the {@link ProgramVerifier} — the one place the
 *       verifier is called;</li>
 *   <li>fills map-in-map and prog-array slots from their static initialisers.</li>
 * </ol>
 */
public final class VmLoader {
    private VmLoader() {}

    public static VmObject load(BpfObjectSpec spec) {
        return load(spec, LoadSettings.defaults());
    }

    public static VmObject load(BpfObjectSpec spec, LoadSettings settings) {
        List<ProgramSpec> selected = spec.programs().stream().filter(p -> settings.programs().test(p.name())).toList();
        Map<String, String> usedMaps = new LinkedHashMap<>(); // map -> first program using it
        for (ProgramSpec p : selected) {
            for (Relocation r : p.relocations()) {
                if (r instanceof Relocation.MapReference m) {
                    usedMaps.putIfAbsent(m.mapName(), p.name());
                }
            }
        }

        LinkedHashMap<String, VmMap> maps = new LinkedHashMap<>();
        for (MapSpec m : spec.maps()) {
            try {
                maps.put(m.name(), VmMaps.create(MapDefinition.from(m), settings.cpus()));
            } catch (MapException | IllegalArgumentException e) {
                String why = "map `" + m.name() + "` (" + m.type().displayName() + ", key " + m.keySize() + " B, value "
                        + m.valueSize() + " B, " + m.maxEntries() + " entries): the VM cannot create it";
                if (usedMaps.containsKey(m.name())) {
                    throw new LoadException("program `" + usedMaps.get(m.name()) + "` uses " + why + (m.type().displayName().contains("storage")
                            ? " (the VM keeps local storage only for its tasks; it has no sockets, inodes or cgroups)" : ": " + e.getMessage()), e);
                }
                settings.log().accept(why + "; skipped, as no loaded program uses it");
            }
        }

        Map<String, ExternSpec> externs = new LinkedHashMap<>();
        spec.externs().forEach(e -> externs.put(e.name(), e));
        Set<String> missingKconfig = new HashSet<>();
        Map<String, String> globalMapOfSection = new LinkedHashMap<>();
        String kconfigMap = null;
        for (GlobalDataSpec g : spec.globals()) {
            VmMap map = VmMaps.create(MapDefinition.from(g.asMapSpec()), settings.cpus());
            byte[] value = Arrays.copyOf(g.initial(), map.valueSize());
            if (g.kind() == GlobalDataSpec.Kind.KCONFIG) {
                fillKconfig(value, externs.values(), settings.kernelConfig(), missingKconfig);
                kconfigMap = g.mapName();
            }
            map.update(new byte[4], value, 0);
            maps.put(g.mapName(), map);
            globalMapOfSection.put(g.section(), g.mapName());
        }

        LinkedHashMap<String, VmProgram> programs = new LinkedHashMap<>();
        for (ProgramSpec p : selected) {
            byte[] code = p.code();
            List<VmMap> programMaps = new ArrayList<>();
            for (Relocation r : p.relocations()) {
                switch (r) {
                    case Relocation.MapReference m -> {
                        VmMap map = maps.get(m.mapName());
                        if (map == null) {
                            throw new LoadException("program `" + p.name() + "` refers to map `" + m.mapName() + "`, which the object does not define");
                        }
                        setPseudo(code, m.insnIndex(), 1, indexOf(programMaps, map), 0);
                    }
                    case Relocation.DataReference d -> {
                        String mapName = globalMapOfSection.get(d.section());
                        if (mapName == null) {
                            throw new LoadException("program `" + p.name() + "` refers to section " + d.section() + ", which holds no global data");
                        }
                        setPseudo(code, d.insnIndex(), 2, indexOf(programMaps, maps.get(mapName)), (int) d.offset());
                    }
                    case Relocation.ExternReference x -> relocateExtern(p, x, externs.get(x.externName()), code, programMaps,
                            kconfigMap == null ? null : maps.get(kconfigMap), missingKconfig);
                    case Relocation.SubprogramCall c -> { }
                    case Relocation.FunctionAddress f -> { }
                }
            }
            Map<Integer, String> poisoned = CoreRelocations.apply(p, spec.btf(), code);
            VmProgram prepared;
            try {
                prepared = VmProgram.prepare(p.name(), p.definition().type(), Instructions.decode(p.name(), code), programMaps,
                        settings.helpers());
                // The verifier: the single place a program is judged before anyone can run it.
                settings.verifier().verify(prepared, p);
            } catch (VerifierException e) {
                String relocation = poisoned.get(e.instruction());
                if (relocation != null) {
                    // As libbpf does: a refused call to the poison helper is a CO-RE relocation that failed.
                    throw new LoadException("the VM refused program `" + p.name() + "`: insn " + e.instruction() + " relocates "
                            + relocation, e);
                }
                throw new LoadException("the VM refused program `" + p.name() + "`: " + e.getMessage(), e);
            } catch (VmException e) {
                throw new LoadException("the VM refused program `" + p.name() + "`: " + e.getMessage(), e);
            }
            programs.put(p.name(), prepared);
        }

        for (MapSpec m : spec.maps()) {
            VmMap map = maps.get(m.name());
            for (MapSpec.SlotInitializer slot : m.initialSlots()) {
                if (map instanceof ProgArrayMap progArray) {
                    VmProgram target = programs.get(slot.target());
                    if (target == null) {
                        settings.log().accept("prog array `" + m.name() + "` slot " + slot.index() + ": program `" + slot.target() + "` is not loaded; slot left empty");
                    } else {
                        progArray.set(slot.index(), target);
                    }
                } else if (map instanceof MapOfMaps outer) {
                    VmMap inner = maps.get(slot.target());
                    if (inner == null) {
                        throw new LoadException("map `" + m.name() + "` slot " + slot.index() + " names map `" + slot.target() + "`, which was not created");
                    }
                    outer.put(slot.index(), inner);
                }
            }
        }
        return new VmObject(spec, settings, maps, programs);
    }

    private static void relocateExtern(ProgramSpec p, Relocation.ExternReference x, ExternSpec ext, byte[] code,
                                       List<VmMap> programMaps, VmMap kconfig, Set<String> missingKconfig) {
        if (ext == null) {
            throw new LoadException("program `" + p.name() + "` refers to extern `" + x.externName() + "`, which the object does not declare");
        }
        if (ext.kind() == ExternSpec.Kind.KCONFIG) {
            if (missingKconfig.contains(ext.name())) {
                throw new LoadException("program `" + p.name() + "` reads kconfig `" + ext.name() + "`, which the VM has no value for;"
                        + " declare it __weak to read 0, or give it a value in the VM's kernel config");
            }
            setPseudo(code, x.insnIndex(), 2, indexOf(programMaps, kconfig), ext.offset());
            return;
        }
        if (ext.function()) {
            throw new LoadException("program `" + p.name() + "` calls kernel function `" + ext.name() + "`, which exists only in the"
                    + " kernel: the VM has no kfuncs (load it on the kernel backend)");
        }
        if (!ext.weak()) {
            throw new LoadException("program `" + p.name() + "` uses kernel symbol `" + ext.name() + "`, which exists only in the"
                    + " kernel: the VM has no kernel symbols (declare it __weak to read NULL in the VM, or load on the kernel backend)");
        }
        setPseudo(code, x.insnIndex(), 0, 0, 0); // an unresolved weak ksym reads as NULL
    }

    private static void fillKconfig(byte[] value, Iterable<ExternSpec> externs, KernelConfig config, Set<String> missing) {
        for (ExternSpec e : externs) {
            if (e.kind() != ExternSpec.Kind.KCONFIG) {
                continue;
            }
            Object v = config.value(e.name()).orElse(null);
            if (v == null) {
                if (!e.weak()) {
                    missing.add(e.name());
                }
            } else if (v instanceof String s) {
                byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
                System.arraycopy(bytes, 0, value, e.offset(), Math.min(bytes.length, e.size() - 1));
            } else {
                long n = (Long) v;
                for (int i = 0; i < Math.min(8, e.size()); i++) {
                    value[e.offset() + i] = (byte) (n >>> (8 * i));
                }
            }
        }
    }

    private static int indexOf(List<VmMap> programMaps, VmMap map) {
        int i = programMaps.indexOf(map);
        if (i < 0) {
            programMaps.add(map);
            i = programMaps.size() - 1;
        }
        return i;
    }

    /** Rewrites the LDDW at {@code slot}: source register {@code src}, imm, and the second half's imm. */
    private static void setPseudo(byte[] code, int slot, int src, int imm, int nextImm) {
        int at = slot * 8;
        if ((code[at] & 0xff) != 0x18) {
            throw new LoadException(String.format("relocation at instruction %d is not on an LDDW (opcode 0x%02x)", slot, code[at] & 0xff));
        }
        code[at + 1] = (byte) ((code[at + 1] & 0x0f) | src << 4);
        CoreRelocations.writeInt(code, at + 4, imm);
        CoreRelocations.writeInt(code, at + 12, nextImm);
    }
}
