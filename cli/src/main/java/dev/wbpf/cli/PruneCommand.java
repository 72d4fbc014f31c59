package dev.wbpf.cli;

import dev.wbpf.packaging.PackageStore;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code wbpf prune}: deletes blobs no package reaches. */
@Command(name = "prune", mixinStandardHelpOptions = true,
        description = {"Delete blobs in the local store that no package reaches.",
                "Blobs written in the last 10 minutes are kept (another wbpf may be about to tag them) unless --all."})
final class PruneCommand implements Callable<Integer> {
    @Option(names = "--all", description = "Also delete unreferenced blobs written in the last 10 minutes.")
    boolean all;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PackageStore store = PackageStoreOption.open();
        var result = store.prune(all ? Duration.ZERO : PackageStore.DEFAULT_PRUNE_GRACE);
        var out = spec.commandLine().getOut();
        out.println("deleted " + result.removed().size() + " blobs, " + PackageStoreOption.humanSize(result.bytes()) + " freed");
        out.flush();
        return 0;
    }
}
