package dev.wbpf.core.backend;

/**
 * Registers a backend with {@link java.util.ServiceLoader} ({@code META-INF/services}), so the
 * Wasm host and embedding applications find backends without depending on their classes.
 */
public interface BpfBackendProvider {
    /** The name users select it by: {@code kernel} or {@code vm}. */
    String name();

    /** Preference when several can run programs here; higher wins ({@code --backend auto}). */
    int priority();

    /** Creates the backend; cheap, with no kernel or file access until it is used. */
    BpfBackend create();
}
