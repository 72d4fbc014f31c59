package dev.wbpf.registry;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Where credentials for a registry come from. */
@FunctionalInterface
public interface CredentialStore {

    /** Credentials for {@code registry} ({@code host[:port]} as the user writes it), if any. */
    Optional<Credentials> get(String registry) throws IOException;

    static CredentialStore none() {
        return registry -> Optional.empty();
    }

    /** The first store that has credentials for a registry wins. */
    static CredentialStore chain(List<CredentialStore> stores) {
        List<CredentialStore> copy = List.copyOf(stores);
        return registry -> {
            for (CredentialStore store : copy) {
                Optional<Credentials> found = store.get(registry);
                if (found.isPresent()) {
                    return found;
                }
            }
            return Optional.empty();
        };
    }

    /**
     * What wbpf uses by default: its own credentials ({@code wbpf login}) first, then docker's
     * ({@code ~/.docker/config.json}, its helpers and store), so that {@code docker login} just works.
     */
    static CredentialStore defaults(Map<String, String> env) {
        return chain(List.of(WbpfCredentials.at(WbpfCredentials.defaultFile(env)),
                DockerConfigCredentials.fromEnvironment(env)));
    }
}
