package dev.wbpf.cli;

import dev.wbpf.packaging.Descriptor;
import dev.wbpf.packaging.PackageStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;

/** {@code wbpf images}: what the local store holds. */
@Command(name = "images", mixinStandardHelpOptions = true, description = "List the packages in the local store.")
final class ImagesCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PackageStore store = PackageStoreOption.open();
        TextTable table = new TextTable("REF", "DIGEST", "SIZE", "CREATED").numeric(2);
        Instant now = Instant.now();
        for (PackageStore.Entry e : store.list()) {
            Descriptor d = e.descriptor();
            long size = d.size();
            try {
                var m = store.manifest(d);
                size += m.config().size() + m.layers().stream().mapToLong(Descriptor::size).sum();
            } catch (RuntimeException | IOException unreadable) {
                // listed anyway; inspect says what is wrong
            }
            Instant created = e.created();
            table.add(e.name() == null ? "<none>" : e.name(), d.digest().shortForm(),
                    PackageStoreOption.humanSize(size), created == null ? "-" : ago(Duration.between(created, now)));
        }
        PrintWriter out = spec.commandLine().getOut();
        table.print(out, "");
        out.flush();
        return 0;
    }

    static String ago(Duration d) {
        long s = Math.max(0, d.toSeconds());
        if (s < 60) {
            return plural(s, "second");
        }
        if (s < 3600) {
            return plural(s / 60, "minute");
        }
        if (s < 86400 * 2) {
            return plural(s / 3600, "hour");
        }
        return plural(s / 86400, "day");
    }

    private static String plural(long n, String unit) {
        return n + " " + unit + (n == 1 ? "" : "s") + " ago";
    }
}
