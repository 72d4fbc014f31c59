package dev.wbpf.cli;

import dev.wbpf.packaging.Descriptor;
import dev.wbpf.packaging.Reference;
import dev.wbpf.registry.PackageTransfer;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code wbpf pull REF}: fetches a package (wbpf or ecli layout) into the local store and tags it. */
@Command(name = "pull", mixinStandardHelpOptions = true, modelTransformer = RegistryOptions.AddedTo.class,
        description = "Fetch a package (wbpf's or ecli's layout) from a registry into the local store.")
final class PullCommand implements Callable<Integer>, RegistryOptions.User {
    @Parameters(paramLabel = "REF", description = "HOST[:PORT]/REPOSITORY[:TAG][@DIGEST]")
    String reference;

    private final RegistryOptions registry = new RegistryOptions();

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public RegistryOptions registry() {
        return registry;
    }

    @Override
    public Integer call() throws IOException {
        Reference ref = RegistryOptions.reference(spec.commandLine(), reference);
        Descriptor d = PackageTransfer.pull(registry.client(ref.registry()), PackageStoreOption.open(), ref);
        PrintWriter out = spec.commandLine().getOut();
        if (registry.quiet()) {
            out.println(d.digest());
        } else {
            out.printf("pulled %s (%s)%n", ref, d.digest());
        }
        out.flush();
        return 0;
    }
}
