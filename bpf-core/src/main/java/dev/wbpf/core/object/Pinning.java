package dev.wbpf.core.object;

/** libbpf's {@code pinning} map attribute: {@code LIBBPF_PIN_NONE} or {@code LIBBPF_PIN_BY_NAME}. */
public enum Pinning {
    NONE, BY_NAME;

    public static Pinning ofValue(long value) {
        return value == 1 ? BY_NAME : NONE;
    }
}
