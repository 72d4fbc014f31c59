package dev.wbpf.cli;

import java.util.HashMap;
import java.util.Map;

/** The environment the commands read ({@code WBPF_HOME}, {@code DOCKER_CONFIG}, ...); tests set overrides. */
final class Env {
    private static final Map<String, String> OVERRIDES = new java.util.concurrent.ConcurrentHashMap<>();

    private Env() {
    }

    static Map<String, String> get() {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.putAll(OVERRIDES);
        return env;
    }

    /** For tests: pretend {@code name} is set to {@code value} (null removes the pretence). */
    static void override(String name, String value) {
        if (value == null) {
            OVERRIDES.remove(name);
        } else {
            OVERRIDES.put(name, value);
        }
    }
}
