package dev.wbpf.cli;

import dev.wbpf.registry.CredentialStore;
import dev.wbpf.packaging.Reference;
import dev.wbpf.packaging.InvalidReferenceException;
import dev.wbpf.registry.RegistryClient;
import dev.wbpf.registry.TerminalProgress;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Options every command that talks to a registry shares, as a picocli mixin built in code (for
 * {@code wbpf run}'s start-up, see {@link RunCommand}). Annotated commands get it through
 * {@link AddedTo}.
 */
final class RegistryOptions {
    private final OptionSpec caFile = OptionSpec.builder("--ca-file").paramLabel("PEM").type(Path.class)
            .description("Also trust the CA certificate(s) in this PEM file (for a registry with a private or self-signed certificate).")
            .build();
    private final OptionSpec plainHttp = ModelParts.flag("--plain-http")
            .description("Talk plain HTTP, without TLS, to the registry (a local test registry).").build();
    private final OptionSpec quiet = ModelParts.flag("-q", "--quiet").description("No progress display.").build();

    /** Adds a {@link RegistryCommand}'s registry options to its annotated model. */
    static final class AddedTo implements CommandLine.IModelTransformer {
        @Override
        public CommandSpec transform(CommandSpec spec) {
            return spec.addMixin("registry", ((RegistryCommand) spec.userObject()).registry.spec());
        }
    }

    /** The mixin to add to a command's model; the parsed values are then this object's. */
    CommandSpec spec() {
        return CommandSpec.create().addOption(caFile).addOption(plainHttp).addOption(quiet);
    }

    boolean quiet() {
        return ModelParts.isSet(quiet);
    }

    RegistryClient client(String registry, CredentialStore credentials) throws IOException {
        RegistryClient.Builder builder = RegistryClient.builder().credentials(credentials)
                .listener(TerminalProgress.forConsole(System.err, quiet()));
        Path ca = caFile.getValue();
        if (ca != null) {
            builder.caFile(ca);
        }
        if (ModelParts.isSet(plainHttp)) {
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
