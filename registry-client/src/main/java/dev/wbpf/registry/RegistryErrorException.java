package dev.wbpf.registry;

import java.util.List;

/**
 * The registry answered with an error status. {@link #errors()} holds the codes of the OCI error
 * body ({@code {"errors":[{"code","message"}]}}), empty when the body had none.
 */
public class RegistryErrorException extends RegistryException {
    /** One entry of an OCI error body. */
    public record Error(String code, String message) {
    }

    private final int status;
    private final List<Error> errors;

    public RegistryErrorException(String message, int status, List<Error> errors) {
        super(message);
        this.status = status;
        this.errors = List.copyOf(errors);
    }

    public int status() {
        return status;
    }

    public List<Error> errors() {
        return errors;
    }

    /** Whether the registry reported this OCI error code (e.g. {@code MANIFEST_UNKNOWN}). */
    public boolean has(String code) {
        return errors.stream().anyMatch(e -> code.equals(e.code()));
    }
}
