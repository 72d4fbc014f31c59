package dev.wbpf.cli;

import dev.wbpf.packaging.LayoutArchive;
import dev.wbpf.packaging.Reference;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code wbpf save -o X.tar REF...}. */
@Command(name = "save", mixinStandardHelpOptions = true,
        description = "Write packages to an OCI image-layout tar archive (skopeo's and podman's oci-archive:).")
final class SaveCommand implements Callable<Integer> {
    @Option(names = {"-o", "--output"}, required = true, paramLabel = "X.tar", description = "The archive to write.")
    Path output;

    @Parameters(paramLabel = "REF", arity = "1..*", description = "Packages to save.")
    List<String> refs;

    @Override
    public Integer call() throws IOException {
        List<Reference> parsed = refs.stream().map(Reference::parse).toList();
        LayoutArchive.save(PackageStoreOption.open(), parsed, output);
        return 0;
    }
}
