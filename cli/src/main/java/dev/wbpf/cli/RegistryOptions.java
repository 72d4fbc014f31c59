package dev.wbpf.cli;

import dev.wbpf.registry.CredentialStore;
import dev.wbpf.packaging.Reference;
import dev.wbpf.packaging.InvalidReferenceException;
import dev.wbpf.registry.RegistryClient;
import dev.wbpf.registry.TerminalProgress;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** Options every command that talks to a registry shares. */
final class RegistryOptions {
    @Option(names = "--ca-file", paramLabel = "PEM",
            description = "Also trust the CA certificate(s) in this PEM file (for a registry with a private or self-signed certificate).")
    Path caFile;

    @Option(names = "--plain-http", description = "Talk plain HTTP, without TLS, to the registry (a local test registry).")
    boolean plainHttp;

    @Option(names = {"-q", "--quiet"}, description = "No progress display.")
    boolean quiet;

    RegistryClient client(String registry, CredentialStore credentials) throws IOException {
        RegistryClient.Builder builder = RegistryClient.builder().credentials(credentials)
                .listener(TerminalProgress.forConsole(System.err, quiet));
        if (caFile != null) {
            builder.caFile(caFile);
        }
        if (plainHttp) {
            builder.plainHttp(registry);
        }
        return builder.build();
    }

    RegistryClient client(String registry) throws IOException {
        return client(registry, CredentialStore.defaults(Env.get()));
    }

    /** Parses a reference, or reports a usage error naming the parameter. */
    static Reference reference(CommandLine cli, String text) {
        try {
            return Reference.parse(text);
        } catch (InvalidReferenceException e) {
            throw new CommandLine.ParameterException(cli, e.getMessage());
        }
    }

    /** A registry host as the user may type it (with a scheme or a trailing slash), checked. */
    static String registryHost(CommandLine cli, String text) {
        String host = text.trim().replaceFirst("^https?://", "").replaceFirst("/+$", "");
        Reference probe = reference(cli, host + "/probe");
        if (!probe.registry().equals(host)) {
            throw new CommandLine.ParameterException(cli, "`" + text + "` is not a registry host[:port]");
        }
        return host;
    }
}
