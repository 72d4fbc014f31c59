package dev.wbpf.core.object;

/**
 * An {@code extern} the program expects the loader to supply.
 *
 * @param kind      {@link Kind#KCONFIG} (a value from the kernel config, in the {@code .kconfig} map)
 *                  or {@link Kind#KSYM} (a kernel symbol's address or a kfunc)
 * @param function  true for a kfunc (called), false for a variable
 * @param weak      an {@code __weak} extern may stay unresolved (it reads as zero)
 * @param btfTypeId the VAR or FUNC type id in the object's BTF, 0 if none
 * @param offset    for KCONFIG: the offset in the {@code .kconfig} map value
 * @param size      for KCONFIG: the size in bytes of the value
 */
public record ExternSpec(String name, Kind kind, boolean function, boolean weak, int btfTypeId, int offset, int size) {

    public enum Kind { KCONFIG, KSYM }
}
