package dev.wbpf.kernel.feature;

/** BTF kinds newer than the original set, which the loader must rewrite for kernels that lack them. */
public enum BtfKind {
    /** FUNC and FUNC_PROTO (Linux 5.0): needed for func_info and BPF-to-BPF calls with BTF. */
    FUNC,
    /** VAR and DATASEC (5.2): global data sections. */
    DATASEC,
    /** FLOAT (5.13). */
    FLOAT,
    /** DECL_TAG (5.16). */
    DECL_TAG,
    /** TYPE_TAG (5.17), e.g. __user and __percpu pointers. */
    TYPE_TAG,
    /** ENUM64 (6.0). */
    ENUM64
}
