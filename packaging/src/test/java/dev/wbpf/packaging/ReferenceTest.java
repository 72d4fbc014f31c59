package dev.wbpf.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ReferenceTest {
    private static final String D = "sha256:abababababababababababababababababababababababababababababababab";

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(nullValues = "-", value = {
            // input,                                  registry,         repository,              tag,     digest
            "execsnoop,                                docker.io,        library/execsnoop,       latest,  -",
            "execsnoop:1.0,                            docker.io,        library/execsnoop,       1.0,     -",
            "acme/execsnoop:v2,                        docker.io,        acme/execsnoop,          v2,      -",
            "docker.io/execsnoop,                      docker.io,        library/execsnoop,       latest,  -",
            "index.docker.io/acme/x:1,                 docker.io,        acme/x,                  1,       -",
            "ghcr.io/acme/tools/execsnoop:1.2.3,       ghcr.io,          acme/tools/execsnoop,    1.2.3,   -",
            "localhost/x,                              localhost,        x,                       latest,  -",
            "localhost:5000/x:t,                       localhost:5000,   x,                       t,       -",
            "127.0.0.1:40123/a/b_c__d-e.f:T_1.x-y,     127.0.0.1:40123,  a/b_c__d-e.f,            T_1.x-y, -",
            "[::1]:5000/x:t,                           [::1]:5000,       x,                       t,       -",
            "ghcr.io/acme/x@" + D + ",                 ghcr.io,          acme/x,                  -,       " + D,
            "ghcr.io/acme/x:1@" + D + ",               ghcr.io,          acme/x,                  1,       " + D,
            "my-registry.local:8443/team/pkg,          my-registry.local:8443, team/pkg,          latest,  -",
            "127.0.0.1:5000/team/tool:v1,              127.0.0.1:5000,   team/tool,               v1,      -",
            "user/app:1,                               docker.io,        user/app,                1,       -",
            "localhost:5000/app,                       localhost:5000,   app,                     latest,  -",
    })
    void parses(String input, String registry, String repository, String tag, String digest) {
        Reference r = Reference.parse(input);
        assertEquals(registry, r.registry());
        assertEquals(repository, r.repository());
        assertEquals(tag, r.tag());
        if (digest == null) {
            assertNull(r.digest());
        } else {
            assertEquals(digest, r.digest().toString());
        }
        assertEquals(r, Reference.parse(r.toString()), "the full form parses back to the same reference");
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', value = {
            "''                                | it is empty",
            "'   '                             | it is empty",
            "Execsnoop                         | must be lowercase",
            "ghcr.io/Acme/x                    | must be lowercase",
            "a b                               | whitespace",
            "x:                                | tag '' is not valid",
            "x:-bad                            | tag '-bad' is not valid",
            "ghcr.io/                          | repository name is missing",
            "ghcr.io//x                        | empty path component",
            "a/-b                              | '-b' is not a valid repository path component",
            "localhost:99999/x                 | port '99999'",
            "local_host:5000/x                 | registry 'local_host:5000'",
            "x@sha256:abc                      | 64 lowercase hex",
            "x@md5:0123                        | unsupported digest algorithm",
            "127.0.0.1:5000/                   | repository name is missing",
            "127.0.0.1:5000/Upper/case         | must be lowercase",
            "host.io/x:bad/tag                 | 'x:bad' is not a valid repository path component",
            "host.io/x:-tag                    | tag '-tag' is not valid",
            "host.io/x@sha256:short            | 64 lowercase hex",
            "host.io/x/                        | empty path component",
            "ho$t.io:1/x                       | registry 'ho$t.io:1'",
            ":tag                              | repository name is missing",
    })
    void rejectsWithAReason(String input, String reason) {
        var e = assertThrows(InvalidReferenceException.class, () -> Reference.parse(input));
        assertTrue(e.getMessage().contains(reason), e.getMessage());
        assertTrue(e.getMessage().contains("expected [REGISTRY[:PORT]/]REPOSITORY[:TAG]"), e.getMessage());
        assertEquals(1, e.getMessage().lines().count(), "one line");
    }

    @org.junit.jupiter.api.Test
    void whatTheRegistryClientSends() {
        Reference r = Reference.parse("127.0.0.1:5000/team/tool:v1");
        assertEquals("v1", r.identifier());
        assertEquals("127.0.0.1:5000", r.apiHost());
        assertEquals("127.0.0.1:5000/team/tool:v1", r.toString());
        Reference pinned = Reference.parse("ghcr.io/o/x:v1@" + D);
        assertEquals(D, pinned.identifier(), "the digest wins over the tag");
        assertEquals("v1", pinned.tag());
        Reference hub = Reference.parse("alpine");
        assertEquals("latest", hub.identifier());
        assertEquals("registry-1.docker.io", hub.apiHost());
        assertEquals("acme/other", r.withRepository("acme/other").repository());
    }

    @org.junit.jupiter.api.Test
    void tooLongNameIsRefused() {
        String longName = "ghcr.io/" + "a".repeat(250);
        var e = assertThrows(InvalidReferenceException.class, () -> Reference.parse(longName));
        assertTrue(e.getMessage().contains("longer than 255"), e.getMessage());
    }
}
