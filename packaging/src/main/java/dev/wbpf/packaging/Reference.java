package dev.wbpf.packaging;

import java.util.regex.Pattern;

/**
 * A package reference, {@code [REGISTRY/]REPOSITORY[:TAG][@sha256:DIGEST]}, parsed the way
 * docker and the distribution project's reference grammar read it: the first path component is a
 * registry when it has a dot or a port or is {@code localhost}; otherwise the registry is
 * {@code docker.io} and a single-component repository gets {@code library/} in front. Without tag
 * and digest the tag is {@code latest}.
 *
 * @param registry   host[:port], e.g. {@code ghcr.io}, {@code localhost:5000}, {@code docker.io}
 * @param repository the lowercase path, e.g. {@code acme/execsnoop}
 * @param tag        the tag, or null when only a digest is given
 * @param digest     the manifest digest, or null
 */
public record Reference(String registry, String repository, String tag, Digest digest) {
    public static final String DEFAULT_REGISTRY = "docker.io";
    public static final String DEFAULT_TAG = "latest";
    private static final String USAGE = "expected [REGISTRY[:PORT]/]REPOSITORY[:TAG][@sha256:DIGEST], e.g. ghcr.io/acme/execsnoop:1.0";
    private static final Pattern COMPONENT = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");
    private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
    private static final Pattern HOST = Pattern.compile(
            "(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*|\\[[0-9A-Fa-f:.]+]");
    private static final int MAX_NAME = 255;

    public Reference {
        if (tag == null && digest == null) {
            tag = DEFAULT_TAG;
        }
    }

    /** Parses {@code text}; a malformed reference is an {@link InvalidReferenceException} saying what is wrong. */
    public static Reference parse(String text) {
        if (text == null || text.isBlank()) {
            throw invalid(text, "it is empty");
        }
        if (!text.equals(text.strip()) || text.chars().anyMatch(Character::isWhitespace)) {
            throw invalid(text, "it contains whitespace");
        }
        String rest = text;
        Digest digest = null;
        int at = rest.indexOf('@');
        if (at >= 0) {
            String d = rest.substring(at + 1);
            rest = rest.substring(0, at);
            try {
                digest = Digest.parse(d);
            } catch (PackagingException e) {
                throw invalid(text, e.getMessage());
            }
        }
        String tag = null;
        int colon = rest.lastIndexOf(':');
        if (colon > rest.lastIndexOf('/')) {
            tag = rest.substring(colon + 1);
            rest = rest.substring(0, colon);
            if (!TAG.matcher(tag).matches()) {
                throw invalid(text, "tag '" + tag + "' is not valid (letters, digits, '_', '.', '-'; at most 128; not starting with '.' or '-')");
            }
        }
        if (rest.isEmpty()) {
            throw invalid(text, "the repository name is missing");
        }
        String registry = DEFAULT_REGISTRY;
        String repository = rest;
        int slash = rest.indexOf('/');
        if (slash >= 0) {
            String first = rest.substring(0, slash);
            if (first.contains(".") || first.contains(":") || first.equals("localhost")) {
                registry = first;
                repository = rest.substring(slash + 1);
                checkRegistry(text, registry);
            }
        }
        if (registry.equals("index.docker.io") || registry.equals("registry-1.docker.io")) {
            registry = DEFAULT_REGISTRY;
        }
        if (repository.isEmpty()) {
            throw invalid(text, "the repository name is missing after the registry");
        }
        for (String component : repository.split("/", -1)) {
            if (component.isEmpty()) {
                throw invalid(text, "the repository has an empty path component");
            }
            if (!COMPONENT.matcher(component).matches()) {
                if (COMPONENT.matcher(component.toLowerCase(java.util.Locale.ROOT)).matches()) {
                    throw invalid(text, "repository names must be lowercase ('" + component + "')");
                }
                throw invalid(text, "'" + component + "' is not a valid repository path component"
                        + " (lowercase letters and digits, separated by '.', '_', '__' or '-')");
            }
        }
        if (registry.equals(DEFAULT_REGISTRY) && !repository.contains("/")) {
            repository = "library/" + repository;
        }
        if (registry.length() + 1 + repository.length() > MAX_NAME) {
            throw invalid(text, "the name is longer than " + MAX_NAME + " characters");
        }
        return new Reference(registry, repository, tag, digest);
    }

    private static void checkRegistry(String text, String registry) {
        String host = registry;
        int portColon = registry.lastIndexOf(':');
        if (portColon > registry.lastIndexOf(']')) {
            String port = registry.substring(portColon + 1);
            host = registry.substring(0, portColon);
            if (!port.matches("[0-9]{1,5}") || Integer.parseInt(port) > 65535 || Integer.parseInt(port) == 0) {
                throw invalid(text, "registry port '" + port + "' is not a port number");
            }
        }
        if (host.isEmpty() || !HOST.matcher(host).matches()) {
            throw invalid(text, "registry '" + registry + "' is not a valid host[:port]");
        }
    }

    private static InvalidReferenceException invalid(String text, String why) {
        return new InvalidReferenceException("invalid package reference '" + text + "': " + why + "; " + USAGE);
    }

    /** {@code registry/repository}. */
    public String name() {
        return registry + "/" + repository;
    }

    /** The same name with another tag and no digest. */
    public Reference withTag(String newTag) {
        return new Reference(registry, repository, newTag, null);
    }

    /** The same name pinned to {@code newDigest}, without a tag. */
    public Reference withDigest(Digest newDigest) {
        return new Reference(registry, repository, null, newDigest);
    }

    /** The same repository in another place, e.g. for a cross-repository mount. */
    public Reference withRepository(String newRepository) {
        return new Reference(registry, newRepository, tag, digest);
    }

    /** The host[:port] to send HTTP requests to ({@code registry-1.docker.io} for Docker Hub). */
    public String apiHost() {
        return registry.equals(DEFAULT_REGISTRY) ? "registry-1.docker.io" : registry;
    }

    /** What goes after {@code /manifests/}: the digest if there is one, else the tag. */
    public String identifier() {
        return digest != null ? digest.toString() : tag;
    }

    /** "repo x, tag y" for error messages. */
    public String describe() {
        return "repo " + repository + (digest != null ? ", digest " + digest : ", tag " + tag);
    }

    public boolean hasTag() {
        return tag != null;
    }

    /** The full form, {@code registry/repository[:tag][@digest]}: what the store records as the ref name. */
    @Override
    public String toString() {
        StringBuilder s = new StringBuilder(name());
        if (tag != null) {
            s.append(':').append(tag);
        }
        if (digest != null) {
            s.append('@').append(digest);
        }
        return s.toString();
    }
}
