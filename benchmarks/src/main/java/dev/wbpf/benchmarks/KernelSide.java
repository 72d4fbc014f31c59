package dev.wbpf.benchmarks;

import dev.wbpf.kernel.loader.KernelLoader;
import dev.wbpf.kernel.loader.KernelObject;
import dev.wbpf.kernel.map.KernelMap;
import dev.wbpf.kernel.sys.Bpf;
import dev.wbpf.kernel.sys.TestRunRequest;
import dev.wbpf.kernel.sys.TestRunResult;
import java.util.Map;
import java.util.TreeMap;

/** A fixture object loaded into the kernel, run through BPF_PROG_TEST_RUN. */
public final class KernelSide implements AutoCloseable {
    /** Room for what a program may add to the packet (XDP tail growth, tc). */
    private static final int DATA_OUT_SLACK = 256;

    private final KernelObject object;

    public KernelSide(String fixture) {
        this.object = KernelLoader.load(Fixtures.spec(fixture));
    }

    public Outcome run(String program, byte[] packet) {
        TestRunResult r = run(program, packet, 1);
        return new Outcome(r.returnValue(), r.dataOut());
    }

    public TestRunResult run(String program, byte[] packet, int repeat) {
        int fd = object.program(program).fd().raw();
        return Bpf.progTestRun(new TestRunRequest(fd, packet, packet.length + DATA_OUT_SLACK, null, 0, repeat, 0, 0));
    }

    /** Every map, by {@link MapSnapshots#normalName}. */
    public Map<String, Map<String, String>> maps() {
        Map<String, Map<String, String>> out = new TreeMap<>();
        for (Map.Entry<String, KernelMap> e : object.maps().entrySet()) {
            out.put(MapSnapshots.normalName(e.getKey()), MapSnapshots.of(e.getValue()));
        }
        return out;
    }

    @Override
    public void close() {
        object.close();
    }
}
