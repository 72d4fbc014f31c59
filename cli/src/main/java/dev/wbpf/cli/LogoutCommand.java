package dev.wbpf.cli;

import dev.wbpf.registry.WbpfCredentials;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code wbpf logout HOST}: forgets what {@code wbpf login} saved. */
@Command(name = "logout", mixinStandardHelpOptions = true,
        description = "Forget the credentials `wbpf login` saved for a registry (docker's are left alone).")
final class LogoutCommand implements Callable<Integer> {
    @Parameters(paramLabel = "HOST", description = "The registry, host[:port].")
    String host;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        String registryHost = RegistryOptions.registryHost(spec.commandLine(), host);
        WbpfCredentials store = WbpfCredentials.at(WbpfCredentials.defaultFile(Env.get()));
        PrintWriter out = spec.commandLine().getOut();
        out.println(store.erase(registryHost) ? "Removed the credentials for " + registryHost + " from " + store.file()
                : "wbpf had no credentials for " + registryHost);
        out.flush();
        return 0;
    }
}
