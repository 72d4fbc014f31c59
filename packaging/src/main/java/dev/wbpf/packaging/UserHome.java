package dev.wbpf.packaging;

import java.util.Map;

/**
 * The user's home directory as docker and the XDG base directory spec take it: {@code $HOME},
 * else Java's {@code user.home} (which comes from the password file, so it is {@code /nonexistent}
 * for a service user whose HOME is set).
 */
public final class UserHome {
    private UserHome() {
    }

    public static String of(Map<String, String> env) {
        String home = env.get("HOME");
        return home != null && !home.isBlank() ? home : System.getProperty("user.home");
    }
}
