package dev.wbpf.registry;

import java.util.regex.Pattern;

/**
 * A reference to content in a registry: {@code [HOST[:PORT]/]REPOSITORY[:TAG][@DIGEST]}, as
 * docker and oras write them. A first path component is a host when it has a dot, a colon or is
 * {@code localhost}; without one the registry is Docker Hub ({@code docker.io}, with
 * {@code library/} in front of one-component names).
 *
 * @param registry  the registry as the user wrote it ({@code 127.0.0.1:5000}, {@code docker.io})
 * @param repository the repository name ({@code team/tool})
 * @param tag       the tag, or null
 * @param digest    the digest, or null
 */
public record Reference(String registry, String repository, String tag, Digest digest) {

    public static final String DOCKER_HUB = "docker.io";

    private static final Pattern COMPONENT = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");
    private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
    private static final Pattern HOST = Pattern.compile(
            "(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*|\\[[0-9A-Fa-f:.]+\\])(?::[0-9]{1,5})?");

    public Reference {
        if (registry == null || repository == null) {
            throw new NullPointerException("registry and repository are required");
        }
    }

    /** Parses a reference, or throws {@link ReferenceFormatException} saying what is wrong. */
    public static Reference parse(String text) {
        if (text == null || text.isBlank()) {
            throw new ReferenceFormatException("empty reference: expected HOST/REPOSITORY[:TAG][@DIGEST]");
        }
        String rest = text;
        Digest digest = null;
        int at = rest.indexOf('@');
        if (at >= 0) {
            try {
                digest = Digest.parse(rest.substring(at + 1));
            } catch (IllegalArgumentException e) {
                throw new ReferenceFormatException("malformed reference `" + text + "`: " + e.getMessage());
            }
            rest = rest.substring(0, at);
        }
        String registry = DOCKER_HUB;
        int slash = rest.indexOf('/');
        if (slash > 0) {
            String first = rest.substring(0, slash);
            if (first.contains(".") || first.contains(":") || first.equals("localhost")) {
                if (!HOST.matcher(first).matches()) {
                    throw new ReferenceFormatException("malformed reference `" + text + "`: `" + first + "` is not a host[:port]");
                }
                registry = first;
                rest = rest.substring(slash + 1);
            }
        }
        String tag = null;
        int colon = rest.lastIndexOf(':');
        if (colon >= 0 && colon > rest.lastIndexOf('/')) {
            tag = rest.substring(colon + 1);
            rest = rest.substring(0, colon);
            if (!TAG.matcher(tag).matches()) {
                throw new ReferenceFormatException("malformed reference `" + text + "`: `" + tag
                        + "` is not a tag (letters, digits, `_`, `.`, `-`, at most 128)");
            }
        }
        if (rest.isEmpty()) {
            throw new ReferenceFormatException("malformed reference `" + text + "`: no repository name");
        }
        for (String component : rest.split("/", -1)) {
            if (!COMPONENT.matcher(component).matches()) {
                throw new ReferenceFormatException("malformed reference `" + text + "`: repository `" + rest
                        + "` must be lowercase letters, digits and separators (`.`, `_`, `-`, `/`)");
            }
        }
        if (registry.equals(DOCKER_HUB) && !rest.contains("/")) {
            rest = "library/" + rest;
        }
        return new Reference(registry, rest, tag, digest);
    }

    /** The host[:port] to send HTTP requests to ({@code registry-1.docker.io} for Docker Hub). */
    public String apiHost() {
        return registry.equals(DOCKER_HUB) ? "registry-1.docker.io" : registry;
    }

    /** What goes after {@code /manifests/}: the digest if there is one, else the tag, else {@code latest}. */
    public String identifier() {
        return digest != null ? digest.toString() : tag != null ? tag : "latest";
    }

    public Reference withTag(String newTag) {
        return new Reference(registry, repository, newTag, null);
    }

    public Reference withDigest(Digest newDigest) {
        return new Reference(registry, repository, null, newDigest);
    }

    /** The same repository in another place, e.g. for a cross-repository mount. */
    public Reference withRepository(String newRepository) {
        return new Reference(registry, newRepository, tag, digest);
    }

    /** "repo x, tag y" for error messages. */
    String describe() {
        return "repo " + repository + (digest != null ? ", digest " + digest : ", tag " + identifier());
    }

    @Override
    public String toString() {
        return registry + "/" + repository + (tag != null ? ":" + tag : "") + (digest != null ? "@" + digest : "");
    }
}
