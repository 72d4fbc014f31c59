package dev.wbpf.benchmarks;

import dev.wbpf.vm.Engine;
import dev.wbpf.vm.HostEnvironment;
import dev.wbpf.vm.Machine;
import dev.wbpf.vm.load.LoadSettings;
import dev.wbpf.vm.load.VmLoader;
import dev.wbpf.vm.load.VmObject;
import dev.wbpf.vm.map.VmMap;
import dev.wbpf.vm.testrun.TestRun;
import dev.wbpf.vm.testrun.TestRunInput;
import dev.wbpf.vm.testrun.TestRunResult;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/** A fixture object loaded into the VM (verified), run through its test-run. */
public final class VmSide implements AutoCloseable {
    private static final HostEnvironment QUIET = HostEnvironment.ofCurrentProcess().withTraceLog(line -> { });

    private final VmObject object;
    private final Map<String, Machine> machines = new HashMap<>();

    public VmSide(String fixture) {
        this(fixture, Engine.INTERPRETER);
    }

    public VmSide(String fixture, Engine engine) {
        this.object = VmLoader.load(Fixtures.spec(fixture), LoadSettings.defaults().withEnvironment(QUIET).withEngine(engine));
    }

    public Machine machine(String program) {
        return machines.computeIfAbsent(program, object::machine);
    }

    public Outcome run(String program, byte[] packet) {
        TestRunResult r = run(program, packet, 1);
        return new Outcome(r.retval(), r.dataOut());
    }

    public TestRunResult run(String program, byte[] packet, int repeat) {
        return TestRun.run(machine(program), TestRunInput.ofData(packet).withRepeat(repeat), QUIET);
    }

    /** Every map, by {@link MapSnapshots#normalName}. */
    public Map<String, Map<String, String>> maps() {
        Map<String, Map<String, String>> out = new TreeMap<>();
        for (Map.Entry<String, VmMap> e : object.maps().entrySet()) {
            out.put(MapSnapshots.normalName(e.getKey()), MapSnapshots.of(e.getValue()));
        }
        return out;
    }

    @Override
    public void close() {
        object.close();
    }
}
