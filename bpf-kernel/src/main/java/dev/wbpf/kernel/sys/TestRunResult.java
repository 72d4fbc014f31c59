package dev.wbpf.kernel.sys;

/** What BPF_PROG_TEST_RUN reports: the program's return value, mean ns per run, and the outputs. */
public record TestRunResult(int returnValue, int durationNanos, byte[] dataOut, byte[] ctxOut) {}
