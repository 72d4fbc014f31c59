package dev.wbpf.packaging;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Several writers on one store: no tag may be lost and index.json must always parse. */
class ConcurrencyTest {
    private static final int PER_WRITER = 25;

    @TempDir
    Path dir;

    @Test
    void threadsTaggingAtOnceLoseNothing() throws Exception {
        PackageStore.open(dir);
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                String prefix = "t" + t;
                futures.add(pool.submit((Callable<Void>) () -> {
                    // Each thread opens its own PackageStore, as separate callers in one JVM would.
                    PackageStore store = PackageStore.open(dir);
                    for (int i = 0; i < PER_WRITER; i++) {
                        Fixtures.build(store, "demo:" + prefix + "-" + i, prefix + " " + i);
                        store.readIndex(); // readers never see a half-written index.json
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        PackageStore store = PackageStore.open(dir);
        assertEquals(threads * PER_WRITER, store.list().size());
        assertArrayEquals(Fixtures.module("t3 7"), Packages.module(store, Reference.parse("demo:t3-7")));
    }

    @Test
    void twoJvmsTaggingAtOnceLoseNothing() throws Exception {
        PackageStore store = PackageStore.open(dir);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path cpFile = dir.resolve("cp.txt");
        Files.writeString(cpFile, "-cp \"" + classpath.replace("\\", "\\\\") + "\"");
        Process other = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "@" + cpFile,
                StoreWriterMain.class.getName(), store.root().toString(), "jvm2", String.valueOf(PER_WRITER * 2))
                .redirectErrorStream(true).start();
        // This JVM writes at the same time, with two threads.
        ExecutorService pool = Executors.newFixedThreadPool(2);
        List<Future<Void>> mine = new ArrayList<>();
        for (String prefix : List.of("jvm1a", "jvm1b")) {
            mine.add(pool.submit(() -> {
                StoreWriterMain.main(new String[] {store.root().toString(), prefix, String.valueOf(PER_WRITER)});
                return null;
            }));
        }
        for (Future<Void> f : mine) {
            f.get(120, TimeUnit.SECONDS);
        }
        pool.shutdown();
        String out = new String(other.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(other.waitFor(120, TimeUnit.SECONDS), "second JVM did not finish");
        assertEquals(0, other.exitValue(), "second JVM failed:\n" + out);
        assertTrue(out.contains("wrote " + PER_WRITER * 2), out);

        Set<String> names = new HashSet<>();
        for (var e : store.list()) {
            names.add(e.name());
        }
        assertEquals(PER_WRITER * 4, names.size(), "every tag from both processes is in index.json");
        assertTrue(names.contains("docker.io/library/demo:jvm2-" + (PER_WRITER * 2 - 1)));
        assertTrue(names.contains("docker.io/library/demo:jvm1b-0"));
        assertArrayEquals(Fixtures.module("jvm2 3"), Packages.module(store, Reference.parse("demo:jvm2-3")));
    }
}
