package dev.wbpf.packaging;

import java.nio.file.Path;

/**
 * Run in a second JVM by {@link ConcurrencyTest}: builds {@code count} packages tagged
 * {@code PREFIX-i} into the store at {@code root}, as a second wbpf process would.
 */
public final class StoreWriterMain {
    private StoreWriterMain() {
    }

    public static void main(String[] args) throws Exception {
        PackageStore store = PackageStore.open(Path.of(args[0]));
        String prefix = args[1];
        int count = Integer.parseInt(args[2]);
        for (int i = 0; i < count; i++) {
            Fixtures.build(store, "demo:" + prefix + "-" + i, prefix + " " + i);
        }
        System.out.println("wrote " + count);
    }
}
