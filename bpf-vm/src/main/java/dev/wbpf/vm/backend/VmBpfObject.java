package dev.wbpf.vm.backend;

import dev.wbpf.core.backend.BpfLink;
import dev.wbpf.core.backend.BpfObject;
import dev.wbpf.core.object.BpfObjectSpec;
import dev.wbpf.vm.load.VmObject;
import java.util.ArrayList;
import java.util.List;

/** A {@link VmObject} seen through the SPI. */
public final class VmBpfObject implements BpfObject {
    private final VmObject object;
    private final List<VmBpfProgram> programs;
    private final List<VmBpfMap> maps;
    private final List<BpfLink> links = new ArrayList<>();
    private boolean closed;

    VmBpfObject(VmBackend backend, VmObject object) {
        this.object = object;
        this.programs = object.programs().keySet().stream().map(name -> new VmBpfProgram(backend, this, name)).toList();
        this.maps = object.maps().values().stream().map(VmBpfMap::new).toList();
    }

    /** The VM object underneath, for embedding applications and tests that need VM-only operations. */
    public VmObject vmObject() {
        return object;
    }

    @Override
    public BpfObjectSpec spec() {
        return object.spec();
    }

    @Override
    public List<VmBpfProgram> programs() {
        return programs;
    }

    @Override
    public List<VmBpfMap> maps() {
        return maps;
    }

    synchronized void track(BpfLink link) {
        links.add(link);
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (BpfLink link : links.reversed()) {
            link.close();
        }
        links.clear();
        object.close();
    }
}
