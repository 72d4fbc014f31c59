package dev.wbpf.cli;

import dev.wbpf.packaging.Descriptor;
import dev.wbpf.packaging.PackageStore;
import dev.wbpf.packaging.Packages;
import dev.wbpf.packaging.Reference;
import dev.wbpf.registry.PackageTransfer;
import dev.wbpf.registry.PushResult;
import java.io.IOException;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code wbpf push REF [--format wbpf|ecli]}: uploads a package of the local store to its registry. */
@Command(name = "push", mixinStandardHelpOptions = true, modelTransformer = RegistryOptions.AddedTo.class,
        description = "Upload a package of the local store to the registry its reference names.")
final class PushCommand extends RegistryCommand {
    enum Format { wbpf, ecli }

    @Parameters(paramLabel = "REF", description = "HOST[:PORT]/REPOSITORY[:TAG], as tagged by wbpf build -t or wbpf pull")
    String reference;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "wbpf",
            description = "wbpf (the package as built) or ecli (the layout eunomia-bpf's ecli pull reads). Default: ${DEFAULT-VALUE}.")
    Format format;

    @Override
    public Integer call() throws IOException {
        Reference ref = RegistryOptions.reference(spec.commandLine(), reference);
        PackageStore store = PackageStoreOption.open();
        Descriptor manifest = format == Format.ecli ? Packages.toEcli(store, ref) : store.require(ref);
        PushResult result = PackageTransfer.push(registry.client(ref.registry()), store, manifest, ref);
        PrintWriter out = spec.commandLine().getOut();
        if (!registry.quiet()) {
            out.printf("pushed %s (%s): %d uploaded, %d already there, %d mounted%n", ref, result.manifest(),
                    result.uploaded().size(), result.existing().size(), result.mounted().size());
        } else {
            out.println(result.manifest());
        }
        out.flush();
        return 0;
    }
}
