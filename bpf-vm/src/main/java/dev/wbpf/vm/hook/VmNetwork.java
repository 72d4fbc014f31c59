package dev.wbpf.vm.hook;

import dev.wbpf.core.backend.BpfException;
import dev.wbpf.core.backend.BpfLink;
import dev.wbpf.core.prog.AttachKind;
import dev.wbpf.vm.backend.VmAttachPoint;
import dev.wbpf.vm.backend.VmBpfProgram;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The VM's network: named {@link VmInterface}s that XDP, tc/classifier and socket-filter programs
 * attach to by interface name ({@code attach("lo")}). Interfaces are created by the embedding
 * application ({@link #create}); a backend built with {@link dev.wbpf.vm.backend.VmBackend#standard()}
 * starts with {@code lo}.
 */
public final class VmNetwork implements VmAttachPoint {
    private final Map<String, VmInterface> interfaces = new LinkedHashMap<>();

    /** Creates interface {@code name} (or returns it if it exists). */
    public synchronized VmInterface create(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("an interface needs a name");
        }
        return interfaces.computeIfAbsent(name, n -> new VmInterface(n, interfaces.size() + 1));
    }

    public synchronized Optional<VmInterface> interfaceNamed(String name) {
        return Optional.ofNullable(interfaces.get(name));
    }

    public synchronized List<VmInterface> interfaces() {
        return List.copyOf(interfaces.values());
    }

    @Override
    public String description() {
        return "xdp, tc/classifier and socket programs on VM interfaces fed from pcap files or inject() (attach target: interface name, "
                + "e.g. `lo`)";
    }

    @Override
    public boolean accepts(VmBpfProgram program, String target) {
        AttachKind kind = program.spec().definition().kind();
        return kind == AttachKind.XDP || kind == AttachKind.TC || kind == AttachKind.TCX || kind == AttachKind.SOCKET_FILTER;
    }

    @Override
    public BpfLink attach(VmBpfProgram program, String target) {
        VmInterface iface;
        synchronized (this) {
            iface = interfaces.get(target);
            if (iface == null) {
                throw new BpfException("no VM interface `" + target + "` to attach program `" + program.name() + "` to; the VM has "
                        + (interfaces.isEmpty() ? "none" : String.join(", ", interfaces.keySet()))
                        + " (`wbpf run --pcap " + target + "=FILE` creates it and feeds it; embedding code calls VmNetwork.create(\""
                        + target + "\"))", BpfException.ENOENT);
            }
        }
        return iface.attach(program);
    }
}
