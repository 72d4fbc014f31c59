package dev.wbpf.examples.embedding;

/**
 * {@code struct event} of bpf/embedding.bpf.c, read from the ring buffer by a record codec that
 * checks this layout against the object's BTF (names, sizes, offsets) when the stream is opened.
 *
 * @param kind  {@link #EXEC} or {@link #PROBE}
 * @param value the probe's first argument (0 for execs)
 */
public record Event(int pid, int kind, long value, String comm, String filename, String tag) {
    public static final int EXEC = 1;
    public static final int PROBE = 2;
}
