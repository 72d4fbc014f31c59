package dev.wbpf.core.prog;

/**
 * What an ELF section name says about a program, following libbpf's section conventions.
 *
 * @param section        the full section name, e.g. {@code tp/syscalls/sys_enter_execve}
 * @param type           the program type to load with
 * @param expectedAttach the expected attach type passed at load time ({@link AttachType#NONE} if none)
 * @param kind           how the program is attached
 * @param target         the attach target spelled in the section after the prefix, e.g.
 *                       {@code syscalls/sys_enter_execve} or {@code /bin/bash:readline}; empty if none
 * @param sleepable      a {@code .s} section (sleepable program, {@code BPF_F_SLEEPABLE})
 * @param fragments      an {@code xdp.frags} section ({@code BPF_F_XDP_HAS_FRAGS})
 */
public record ProgramSection(String section, ProgramType type, AttachType expectedAttach, AttachKind kind,
                             String target, boolean sleepable, boolean fragments) {

    /** True when the section names a target, so the program can be attached without one given. */
    public boolean hasTarget() {
        return !target.isEmpty();
    }
}
