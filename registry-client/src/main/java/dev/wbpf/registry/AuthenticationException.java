package dev.wbpf.registry;

/** The registry wants credentials we don't have, or refused the ones we sent. */
public final class AuthenticationException extends RegistryErrorException {
    public AuthenticationException(String message, int status) {
        super(message, status, java.util.List.of());
    }
}
