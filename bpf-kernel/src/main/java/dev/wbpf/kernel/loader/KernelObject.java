package dev.wbpf.kernel.loader;

import dev.wbpf.core.object.BpfObjectSpec;
import dev.wbpf.kernel.Fd;
import dev.wbpf.kernel.map.KernelMap;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;

/**
 * A loaded object: its programs and maps (declared and global data maps) in the kernel. Closing
 * it closes every descriptor it owns; kernel objects then go away unless pinned or attached.
 */
public final class KernelObject implements AutoCloseable {
    private final BpfObjectSpec spec;
    private final Map<String, KernelProgram> programs;
    private final Map<String, KernelMap> maps;
    private final Fd btf;

    KernelObject(BpfObjectSpec spec, Map<String, KernelProgram> programs, Map<String, KernelMap> maps, Fd btf) {
        this.spec = spec;
        this.programs = Collections.unmodifiableMap(new LinkedHashMap<>(programs));
        this.maps = Collections.unmodifiableMap(new LinkedHashMap<>(maps));
        this.btf = btf;
    }

    public BpfObjectSpec spec() {
        return spec;
    }

    public List<KernelProgram> programs() {
        return List.copyOf(programs.values());
    }

    public KernelProgram program(String name) {
        KernelProgram p = programs.get(name);
        if (p == null) {
            throw new NoSuchElementException("object " + spec.objectName() + " has no program '" + name
                    + "'; it has " + programs.keySet());
        }
        return p;
    }

    /** Maps by their object name (global data maps by libbpf's name, e.g. {@code execsnoo.rodata}). */
    public Map<String, KernelMap> maps() {
        return maps;
    }

    public KernelMap map(String name) {
        KernelMap m = maps.get(name);
        if (m == null) {
            throw new NoSuchElementException("object " + spec.objectName() + " has no map '" + name
                    + "'; it has " + maps.keySet());
        }
        return m;
    }

    /** The object's BTF as loaded into the kernel, empty when the kernel refused it. */
    public Optional<Fd> btf() {
        return Optional.ofNullable(btf);
    }

    @Override
    public void close() {
        List<AutoCloseable> all = new ArrayList<>(programs.values());
        all.addAll(maps.values());
        if (btf != null) {
            all.add(btf);
        }
        Closer.closeAll(all);
    }
}
