package dev.wbpf.cli;

import dev.wbpf.packaging.Descriptor;
import dev.wbpf.packaging.PackageStore;
import dev.wbpf.packaging.Reference;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code wbpf rmi REF...}: untag; {@code wbpf prune} frees the blobs. */
@Command(name = "rmi", mixinStandardHelpOptions = true,
        description = "Remove packages (tags) from the local store; wbpf prune then frees their blobs.")
final class RmiCommand implements Callable<Integer> {
    @Parameters(paramLabel = "REF", arity = "1..*", description = "A package reference (REPOSITORY:TAG, or NAME@sha256:... for every tag of a digest).")
    List<String> refs;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PackageStore store = PackageStoreOption.open();
        var out = spec.commandLine().getOut();
        for (String r : refs) {
            for (Descriptor d : store.untag(Reference.parse(r))) {
                String name = d.annotation(dev.wbpf.packaging.MediaTypes.ANNOTATION_REF_NAME);
                out.println("untagged " + (name == null ? "<none>" : name) + " " + d.digest());
            }
        }
        out.flush();
        return 0;
    }
}
