package dev.wbpf.cli;

import dev.wbpf.packaging.LayoutArchive;
import dev.wbpf.packaging.PackageStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code wbpf load X.tar}. */
@Command(name = "load", mixinStandardHelpOptions = true,
        description = "Load packages from an OCI image-layout tar archive (from wbpf save, skopeo or podman) into the local store.")
final class LoadCommand implements Callable<Integer> {
    @Parameters(paramLabel = "X.tar", description = "The archive.")
    Path archive;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (!Files.isRegularFile(archive)) {
            throw new NoSuchFileException(archive.toString(), null, "no such file");
        }
        var out = spec.commandLine().getOut();
        for (PackageStore.Entry e : LayoutArchive.load(PackageStoreOption.open(), archive)) {
            out.println("loaded " + (e.name() == null ? "<none>" : e.name()) + " " + e.descriptor().digest());
        }
        out.flush();
        return 0;
    }
}
