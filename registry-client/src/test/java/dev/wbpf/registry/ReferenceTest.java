package dev.wbpf.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ReferenceTest {
    private static final String HEX = "a".repeat(64);

    @Test
    void hostPortRepositoryTag() {
        Reference r = Reference.parse("127.0.0.1:5000/team/tool:v1");
        assertEquals("127.0.0.1:5000", r.registry());
        assertEquals("team/tool", r.repository());
        assertEquals("v1", r.tag());
        assertNull(r.digest());
        assertEquals("v1", r.identifier());
        assertEquals("127.0.0.1:5000/team/tool:v1", r.toString());
    }

    @Test
    void digestWinsOverTag() {
        Reference r = Reference.parse("ghcr.io/o/x:v1@sha256:" + HEX);
        assertEquals("sha256:" + HEX, r.identifier());
        assertEquals("v1", r.tag());
    }

    @Test
    void dockerHubDefaults() {
        Reference r = Reference.parse("alpine");
        assertEquals("docker.io", r.registry());
        assertEquals("library/alpine", r.repository());
        assertEquals("latest", r.identifier());
        assertEquals("registry-1.docker.io", r.apiHost());
        assertEquals("user/app", Reference.parse("user/app:1").repository());
        assertEquals("localhost:5000", Reference.parse("localhost:5000/app").registry());
        assertEquals("localhost", Reference.parse("localhost/app").registry());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "127.0.0.1:5000/", "127.0.0.1:5000/Upper/case", "host.io/x:bad/tag", "host.io/x:-tag",
            "host.io/x@sha256:short", "host.io/x@md5:" + "a", "host.io//x", "host.io/x/", "ho$t.io:1/x", "x:" })
    void malformedReferencesSayWhy(String text) {
        ReferenceFormatException e = assertThrows(ReferenceFormatException.class, () -> Reference.parse(text));
        assertTrue(e.getMessage().contains("reference"), e.getMessage());
    }

    @Test
    void challengeParsing() {
        Challenge c = Challenge.parse("Bearer realm=\"https://auth.example/token\",service=\"reg.example\","
                + "scope=\"repository:a/b:pull,push\"").orElseThrow();
        assertEquals("bearer", c.scheme());
        assertEquals("https://auth.example/token", c.param("realm"));
        assertEquals("reg.example", c.param("service"));
        assertEquals("repository:a/b:pull,push", c.param("scope"));
        Challenge basic = Challenge.parse("Basic realm=\"wbpf-test\"").orElseThrow();
        assertEquals("basic", basic.scheme());
        assertEquals("wbpf-test", basic.param("realm"));
    }
}
