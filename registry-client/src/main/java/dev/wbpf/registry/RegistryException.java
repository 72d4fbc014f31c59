package dev.wbpf.registry;

import java.io.IOException;

/**
 * Something went wrong talking to a registry. Messages are written for the user: they name the
 * registry and say what to do where there is something to do.
 */
public class RegistryException extends IOException {
    public RegistryException(String message) {
        super(message);
    }

    public RegistryException(String message, Throwable cause) {
        super(message, cause);
    }
}
