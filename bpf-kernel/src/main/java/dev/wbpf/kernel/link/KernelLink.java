package dev.wbpf.kernel.link;

/**
 * An attached program. Closing it detaches the program (and releases whatever the attachment
 * holds: a BPF link, a perf event, a socket option). One implementation per attach kind.
 */
public interface KernelLink extends AutoCloseable {
    /** What is attached where, for messages, e.g. {@code tracepoint syscalls/sys_enter_write ← count_write}. */
    String describe();

    @Override
    void close();
}
