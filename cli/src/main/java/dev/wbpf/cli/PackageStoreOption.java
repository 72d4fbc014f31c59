package dev.wbpf.cli;

import dev.wbpf.packaging.PackageStore;
import java.io.IOException;

/** Opens the local package store: {@code $WBPF_HOME}, else {@code $XDG_DATA_HOME/wbpf}, else ~/.local/share/wbpf. */
final class PackageStoreOption {
    private PackageStoreOption() {
    }

    static PackageStore open() throws IOException {
        // The commands read the environment through Env (tests override it there); the wbpf.home property wins.
        String home = Env.get().get("WBPF_HOME");
        if (System.getProperty("wbpf.home") == null && home != null && !home.isBlank()) {
            return PackageStore.open(java.nio.file.Path.of(home));
        }
        return PackageStore.openDefault();
    }

    /** Bytes for people: 1536 → "1.5 KB". */
    static String humanSize(long bytes) {
        if (bytes < 1000) {
            return bytes + " B";
        }
        String[] units = {"KB", "MB", "GB", "TB"};
        double v = bytes;
        int u = -1;
        while (v >= 1000 && u < units.length - 1) {
            v /= 1000;
            u++;
        }
        return String.format(java.util.Locale.ROOT, v < 10 ? "%.1f %s" : "%.0f %s", v, units[u]);
    }
}
