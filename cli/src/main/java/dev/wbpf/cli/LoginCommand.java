package dev.wbpf.cli;

import dev.wbpf.registry.Credentials;
import dev.wbpf.registry.WbpfCredentials;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code wbpf login HOST}: checks credentials against the registry, then saves them (0600). */
@Command(name = "login", mixinStandardHelpOptions = true, modelTransformer = RegistryOptions.AddedTo.class,
        description = {"Log in to a registry: the credentials are checked against it, then saved for wbpf push/pull"
                + " in $WBPF_HOME/auth.json (else $XDG_CONFIG_HOME/wbpf/auth.json), readable by you only.",
                "Credentials from `docker login` (~/.docker/config.json, credential helpers) are used too, without this."})
final class LoginCommand extends RegistryCommand {
    @Parameters(paramLabel = "HOST", description = "The registry, host[:port].")
    String host;

    @Option(names = {"-u", "--username"}, description = "User name (asked for on a terminal if missing).")
    String username;

    @Option(names = "--password-stdin", description = "Read the password (or token) from standard input.")
    boolean passwordStdin;

    @Override
    public Integer call() throws IOException {
        CommandLine cli = spec.commandLine();
        String registryHost = RegistryOptions.registryHost(cli, host);
        java.io.Console console = System.console();
        boolean terminal = console != null && console.isTerminal();
        String user = username;
        if (user == null) {
            if (!terminal) {
                throw new CommandLine.ParameterException(cli, "no user name: pass -u USER");
            }
            user = console.readLine("Username: ");
        }
        String password;
        if (passwordStdin) {
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line = in.readLine();
            password = line == null ? "" : line.strip();
        } else if (terminal) {
            char[] typed = console.readPassword("Password: ");
            password = typed == null ? "" : new String(typed);
        } else {
            throw new CommandLine.ParameterException(cli, "no terminal to ask for the password on: pass --password-stdin");
        }
        if (user == null || user.isBlank() || password.isEmpty()) {
            throw new CommandLine.ParameterException(cli, "user name and password must not be empty");
        }
        Credentials credentials = new Credentials(user, password);
        registry.client(registryHost, r -> Optional.of(credentials)).ping(registryHost);
        WbpfCredentials store = WbpfCredentials.at(WbpfCredentials.defaultFile(Env.get()));
        store.store(registryHost, credentials);
        PrintWriter out = cli.getOut();
        out.println("Login succeeded: credentials for " + registryHost + " saved in " + store.file());
        out.flush();
        return 0;
    }
}
