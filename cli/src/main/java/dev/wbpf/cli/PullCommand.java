package dev.wbpf.cli;

import dev.wbpf.packaging.Descriptor;
import dev.wbpf.packaging.Reference;
import dev.wbpf.registry.PackageTransfer;
import java.io.IOException;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code wbpf pull REF}: fetches a package (wbpf or ecli layout) into the local store and tags it. */
@Command(name = "pull", mixinStandardHelpOptions = true, modelTransformer = RegistryOptions.AddedTo.class,
        description = "Fetch a package (wbpf's or ecli's layout) from a registry into the local store.")
final class PullCommand extends RegistryCommand {
    @Parameters(paramLabel = "REF", description = "HOST[:PORT]/REPOSITORY[:TAG][@DIGEST]")
    String reference;

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
