package dev.wbpf.core.backend;

import dev.wbpf.core.object.ProgramSpec;

/** A loaded program, ready to attach. */
public interface BpfProgram {

    /** The program's function name. */
    String name();

    ProgramSpec spec();

    /** Attaches where its section name says (libbpf's auto-attach). */
    default BpfLink attach() {
        return attach("");
    }

    /**
     * Attaches to an explicit target; empty means "where the section name says". The target's
     * meaning depends on the program: an interface name for XDP, a cgroup path for cgroup
     * programs, {@code PATH:SYMBOL[+OFFSET]} for uprobes, a tracepoint {@code CATEGORY/NAME}.
     *
     * @throws BpfException naming what cannot be attached and why (e.g. the backend lacks that hook)
     */
    BpfLink attach(String target);
}
