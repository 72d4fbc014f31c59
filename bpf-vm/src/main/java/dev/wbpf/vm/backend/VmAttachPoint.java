package dev.wbpf.vm.backend;

import dev.wbpf.core.backend.BpfLink;

/**
 * A hook of the VM that programs can attach to (packet interfaces, application probes, timers).
 * The backend offers the ones it was built with; attaching anything else fails with a list of them.
 */
public interface VmAttachPoint {
    /** What it offers, for messages, e.g. "raw_tp/PROBE: application probes fired from Java". */
    String description();

    /** Whether this hook serves {@code program} at {@code target} (target already defaulted from the section). */
    boolean accepts(VmBpfProgram program, String target);

    BpfLink attach(VmBpfProgram program, String target);
}
