package dev.wbpf.vm;

/** A bpf-to-bpf call (or a helper callback) would need more stack frames than the kernel allows. */
public final class CallDepthExceeded extends VmException {
    public CallDepthExceeded(int instruction, int maxFrames) {
        super(instruction, "call depth exceeds " + maxFrames + " frames");
    }
}
