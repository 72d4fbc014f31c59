package dev.wbpf.core.backend;

/** An attachment of a program; closing it detaches the program. */
public interface BpfLink extends AutoCloseable {

    /** What is attached where, e.g. {@code handle_exec -> tracepoint syscalls/sys_enter_execve}. */
    String description();

    @Override
    void close();
}
