package dev.wbpf.vm.load;

import dev.wbpf.core.object.BpfObjectSpec;
import dev.wbpf.vm.Machine;
import dev.wbpf.vm.VmProgram;
import dev.wbpf.vm.map.VmMap;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An object loaded into the VM: its maps (declared maps first, then global data maps, by the
 * names libbpf gives them) and its prepared programs, each with a {@link Machine} to run it.
 * Thread-safe; maps live as long as the object is referenced.
 */
public final class VmObject implements AutoCloseable {
    private final BpfObjectSpec spec;
    private final LoadSettings settings;
    private final Map<String, VmMap> maps;
    private final Map<String, VmProgram> programs;
    private final Map<String, Machine> machines = new ConcurrentHashMap<>();

    VmObject(BpfObjectSpec spec, LoadSettings settings, LinkedHashMap<String, VmMap> maps, LinkedHashMap<String, VmProgram> programs) {
        this.spec = spec;
        this.settings = settings;
        this.maps = Collections.unmodifiableMap(maps);
        this.programs = Collections.unmodifiableMap(programs);
    }

    public BpfObjectSpec spec() {
        return spec;
    }

    public LoadSettings settings() {
        return settings;
    }

    /** Every map, by name, in creation order. */
    public Map<String, VmMap> maps() {
        return maps;
    }

    public Optional<VmMap> map(String name) {
        return Optional.ofNullable(maps.get(name));
    }

    /** Every loaded program, by name, in the object's order. */
    public Map<String, VmProgram> programs() {
        return programs;
    }

    public Optional<VmProgram> program(String name) {
        return Optional.ofNullable(programs.get(name));
    }

    /** The machine that runs {@code program}, on the engine of the load settings. */
    public Machine machine(String program) {
        VmProgram prepared = programs.get(program);
        if (prepared == null) {
            throw new IllegalArgumentException("no program `" + program + "` loaded; the object has " + programs.keySet());
        }
        return machines.computeIfAbsent(program, name -> settings.engine().machineFor(prepared));
    }

    /** Nothing to release: VM maps and programs are ordinary Java objects. */
    @Override
    public void close() {
    }
}
