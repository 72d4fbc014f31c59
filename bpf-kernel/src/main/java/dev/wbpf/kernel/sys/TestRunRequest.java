package dev.wbpf.kernel.sys;

/**
 * The inputs of BPF_PROG_TEST_RUN. {@code dataOutCapacity}/{@code ctxOutCapacity} of 0 mean the
 * caller does not want that output back; {@code data}/{@code ctx} may be {@code null}.
 */
public record TestRunRequest(
        int programFd, byte[] data, int dataOutCapacity, byte[] ctx, int ctxOutCapacity, int repeat, int flags, int cpu) {

    public static TestRunRequest ofPacket(int programFd, byte[] packet, int repeat) {
        return new TestRunRequest(programFd, packet, packet.length, null, 0, repeat, 0, 0);
    }
}
