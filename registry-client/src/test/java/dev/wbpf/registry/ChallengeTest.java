package dev.wbpf.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** WWW-Authenticate parsing (reference parsing is tested with the one Reference, in packaging). */
class ChallengeTest {
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
