package dev.wbpf.vm.backend;

import dev.wbpf.core.backend.BpfException;
import dev.wbpf.core.backend.BpfLink;
import dev.wbpf.core.backend.BpfProgram;
import dev.wbpf.core.backend.TestRunnable;
import dev.wbpf.core.object.ProgramSpec;
import dev.wbpf.core.prog.ProgramSection;
import dev.wbpf.vm.VmException;
import dev.wbpf.vm.VmProgram;
import dev.wbpf.vm.testrun.TestRun;
import dev.wbpf.vm.testrun.TestRunInput;
import dev.wbpf.vm.testrun.TestRunResult;
import java.util.stream.Collectors;

/** A VM program seen through the SPI: attach to the VM's hooks, or test-run. */
public final class VmBpfProgram implements BpfProgram, TestRunnable {
    private final VmBackend backend;
    private final VmBpfObject object;
    private final String name;

    VmBpfProgram(VmBackend backend, VmBpfObject object, String name) {
        this.backend = backend;
        this.object = object;
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public ProgramSpec spec() {
        return object.spec().program(name).orElseThrow();
    }

    public VmProgram vmProgram() {
        return object.vmObject().program(name).orElseThrow();
    }

    /** The machine that runs this program (shared, thread-safe; each run needs its own {@link dev.wbpf.vm.ExecutionContext}). */
    public dev.wbpf.vm.Machine machine() {
        return object.vmObject().machine(name);
    }

    /** The host environment the program's helpers see. */
    public dev.wbpf.vm.HostEnvironment environment() {
        return object.vmObject().settings().environment();
    }

    /** Virtual CPUs of the object (per-CPU maps hold that many values). */
    public int cpus() {
        return object.vmObject().settings().cpus();
    }

    @Override
    public BpfLink attach(String target) {
        ProgramSection section = spec().definition();
        String where = target == null || target.isEmpty() ? section.target() : target;
        for (VmAttachPoint point : backend.attachPoints()) {
            if (point.accepts(this, where)) {
                BpfLink link = point.attach(this, where);
                object.track(link);
                return link;
            }
        }
        String what = section.kind().displayName() + (where.isEmpty() ? "" : " " + where);
        String offers = backend.attachPoints().isEmpty()
                ? "it has no attach points yet and runs programs only through test-run (`wbpf test-run --backend vm`)"
                : "it offers " + backend.attachPoints().stream().map(VmAttachPoint::description).collect(Collectors.joining("; "));
        throw new BpfException("the VM cannot attach program `" + name + "` to " + what + ": " + offers, BpfException.EOPNOTSUPP);
    }

    @Override
    public Result testRun(Input input) {
        try {
            TestRunResult r = TestRun.run(object.vmObject().machine(name),
                    new TestRunInput(input.data(), input.context(), input.repeat(), 0),
                    object.vmObject().settings().environment());
            return new Result(r.retval(), r.dataOut(), r.contextOut(), r.meanNanos(), r.medianNanos());
        } catch (IllegalArgumentException e) {
            throw new BpfException(e.getMessage(), BpfException.EINVAL, e);
        } catch (VmException e) {
            throw new BpfException("program `" + name + "` failed in the VM: " + e.getMessage(), BpfException.EFAULT, e);
        }
    }

    @Override
    public String toString() {
        return "VmBpfProgram[" + name + "]";
    }
}
