package dev.wbpf.benchmarks;

import dev.wbpf.core.backend.BpfLink;
import dev.wbpf.core.backend.BpfObject;
import dev.wbpf.core.backend.LoadOptions;
import dev.wbpf.vm.backend.VmBackend;
import dev.wbpf.vm.hook.Pcap;
import dev.wbpf.vm.hook.VmInterface;
import dev.wbpf.vm.hook.VmNetwork;
import java.util.List;

/**
 * A fixture's XDP program attached to the VM's interface {@code lo}, as {@code wbpf run --backend vm}
 * attaches it: packets go in through {@link VmInterface#inject}, the whole path a replayed capture
 * takes (context set-up, interpreter, verdict counting).
 */
public final class VmInterfaceSide implements AutoCloseable {
    private final BpfObject object;
    private final BpfLink link;
    private final VmInterface lo;

    public VmInterfaceSide(String fixture, String program) {
        VmBackend backend = VmBackend.standard();
        this.object = backend.load(Fixtures.spec(fixture), LoadOptions.defaults().withLog(line -> { }));
        this.link = object.program(program).orElseThrow().attach("lo");
        this.lo = backend.attachPoint(VmNetwork.class).orElseThrow().interfaceNamed("lo").orElseThrow();
    }

    /** Injects every packet; returns how many XDP passed, so the work cannot be optimised away. */
    public int inject(List<Pcap.Packet> packets) {
        int passed = 0;
        for (Pcap.Packet p : packets) {
            if (lo.inject(p.data(), p.timestampNanos()) == VmInterface.XdpVerdict.PASS) {
                passed++;
            }
        }
        return passed;
    }

    public VmInterface.Counters counters() {
        return lo.counters();
    }

    @Override
    public void close() {
        link.close();
        object.close();
    }
}
