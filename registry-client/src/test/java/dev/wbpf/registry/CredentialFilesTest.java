package dev.wbpf.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Where credentials are looked for: the variables first, then $HOME as docker does, then Java's user.home. */
class CredentialFilesTest {

    @Test
    void wbpfCredentialsFollowWbpfHomeThenXdgThenHome() {
        assertEquals(Path.of("/w/auth.json"), WbpfCredentials.defaultFile(Map.of("WBPF_HOME", "/w", "HOME", "/h")));
        assertEquals(Path.of("/x/wbpf/auth.json"), WbpfCredentials.defaultFile(Map.of("XDG_CONFIG_HOME", "/x", "HOME", "/h")));
        assertEquals(Path.of("/h/.config/wbpf/auth.json"), WbpfCredentials.defaultFile(Map.of("HOME", "/h")));
        assertEquals(Path.of(System.getProperty("user.home"), ".config/wbpf/auth.json"), WbpfCredentials.defaultFile(Map.of()));
    }
}
