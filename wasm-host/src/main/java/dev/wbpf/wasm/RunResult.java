package dev.wbpf.wasm;

import java.time.Duration;

/**
 * How a guest run ended.
 *
 * @param exitCode the guest's exit status ({@code proc_exit}, 0 when {@code _start} returned), or
 *                 for a stopped run the status a shell would show (130 for SIGINT, 143 for SIGTERM,
 *                 124 for a timeout)
 * @param outcome  why it ended
 * @param elapsed  wall time of {@code _start}
 */
public record RunResult(int exitCode, Outcome outcome, Duration elapsed) {

    public enum Outcome {
        /** {@code _start} returned or the guest called {@code proc_exit}. */
        EXITED,
        /** {@link WasmBpfModule#stop(StopReason)} was called. */
        STOPPED,
        /** The run's timeout expired. */
        TIMED_OUT
    }
}
