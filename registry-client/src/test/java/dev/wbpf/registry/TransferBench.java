package dev.wbpf.registry;

import dev.wbpf.packaging.Descriptor;
import dev.wbpf.packaging.MediaTypes;
import dev.wbpf.packaging.PackageStore;
import dev.wbpf.packaging.Reference;
import dev.wbpf.registry.testing.RegistryServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * Prints how long pushing and pulling a one-layer package takes against a local docker-registry:
 * {@link PackageTransfer} (what {@code wbpf push}/{@code pull} run, in a warm JVM) beside curl
 * (POST + monolithic PUT, and a GET of the blob) and skopeo copy. Not a test: a benchmark that
 * prints numbers; run it with {@code registry-client/src/bench/run.sh}.
 */
public final class TransferBench {
    private static final long MIB = 1 << 20;
    private static final String LOCAL_TAG = "latest";

    private final Path dir;
    private final RegistryServer registry;
    private final RegistryClient client;
    private final String curl = RegistryServer.onPath("curl") == null ? null : RegistryServer.onPath("curl").toString();
    private final String skopeo = RegistryServer.onPath("skopeo") == null ? null : RegistryServer.onPath("skopeo").toString();
    private int serial;

    private TransferBench(Path dir) throws IOException {
        this.dir = dir;
        this.registry = RegistryServer.startPlain(dir.resolve("registry"));
        RegistryClient.Builder builder = RegistryClient.builder().plainHttp(registry.address());
        Long chunkSize = Long.getLong("bench.chunkSize"); // to compare upload chunk sizes
        this.client = (chunkSize == null ? builder : builder.chunkSize(chunkSize)).build();
    }

    public static void main(String[] args) throws Exception {
        int reps = Integer.parseInt(System.getenv().getOrDefault("REPS", "5"));
        List<Long> sizes = new ArrayList<>();
        for (String a : args.length > 0 ? args : new String[] {"1", "16", "128"}) {
            sizes.add(Long.parseLong(a) * MIB);
        }
        Path dir = Files.createTempDirectory("wbpf-transfer-bench-");
        TransferBench bench = new TransferBench(dir);
        try {
            System.out.println("docker-registry on " + bench.registry.address() + "; median of " + reps
                    + " runs (min in brackets), fresh content each run; ms");
            for (int i = 0; i < 3; i++) {
                bench.wbpf(4 * MIB); // JIT warm-up
            }
            System.out.printf("%-8s %-20s %-20s %-20s %-20s %-20s %-20s%n", "layer", "wbpf push", "curl push",
                    "skopeo push", "wbpf pull", "curl pull", "skopeo pull");
            for (long size : sizes) {
                List<long[]> runs = new ArrayList<>();
                for (int r = 0; r < reps; r++) {
                    long[] wbpf = bench.wbpf(size);
                    long[] curl = bench.curl(size);
                    long[] skopeo = bench.skopeo(size);
                    runs.add(new long[] {wbpf[0], curl[0], skopeo[0], wbpf[1], curl[1], skopeo[1]});
                }
                StringBuilder line = new StringBuilder(String.format("%-8s", size / MIB + " MiB"));
                for (int column = 0; column < 6; column++) {
                    int c = column;
                    long[] values = runs.stream().mapToLong(v -> v[c]).sorted().toArray();
                    line.append(String.format(Locale.ROOT, " %-20s", values[0] < 0 ? "-"
                            : ms(values[values.length / 2]) + " (" + ms(values[0]) + ")"));
                }
                System.out.println(line);
            }
        } finally {
            bench.registry.close();
            delete(dir);
        }
    }

    /** Push then pull with {@link PackageTransfer}, each into a fresh store: nanoseconds of each. */
    private long[] wbpf(long size) throws IOException {
        Path work = Files.createDirectories(dir.resolve("wbpf-" + ++serial));
        PackageStore source = PackageStore.open(work.resolve("source"));
        Reference ref = Reference.parse(registry.address() + "/bench/wbpf:" + serial);
        Descriptor manifest = onePackage(source, work.resolve("layer"), size);
        long t0 = System.nanoTime();
        PackageTransfer.push(client, source, manifest, ref);
        long t1 = System.nanoTime();
        PackageTransfer.pull(client, PackageStore.open(work.resolve("pulled")), ref);
        long t2 = System.nanoTime();
        delete(work);
        return new long[] {t1 - t0, t2 - t1};
    }

    /** curl: POST + monolithic PUT of the blob, then a GET of it into a file (no digest check). */
    private long[] curl(long size) throws IOException {
        if (curl == null) {
            return new long[] {-1, -1};
        }
        Path work = Files.createDirectories(dir.resolve("curl-" + ++serial));
        Path layer = work.resolve("layer");
        Descriptor blob = writeLayer(layer, size);
        String base = "http://" + registry.address() + "/v2/bench/curl/blobs/";
        long t0 = System.nanoTime();
        String headers = RegistryServer.run(List.of(curl, "-sSf", "-o", "/dev/null", "-D", "-", "-X", "POST",
                base + "uploads/"), null);
        String location = headers.lines().filter(l -> l.toLowerCase(Locale.ROOT).startsWith("location:"))
                .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElseThrow();
        if (location.startsWith("/")) {
            location = "http://" + registry.address() + location;
        }
        RegistryServer.run(List.of(curl, "-sSf", "-o", "/dev/null", "-T", layer.toString(), "-H",
                "Content-Type: application/octet-stream", location + (location.contains("?") ? "&" : "?")
                        + "digest=" + blob.digest()), null);
        long t1 = System.nanoTime();
        RegistryServer.run(List.of(curl, "-sSf", "-o", work.resolve("pulled").toString(), base + blob.digest()), null);
        long t2 = System.nanoTime();
        if (Files.size(work.resolve("pulled")) != size) {
            throw new IOException("curl pulled " + Files.size(work.resolve("pulled")) + " bytes, not " + size);
        }
        delete(work);
        return new long[] {t1 - t0, t2 - t1};
    }

    /** skopeo copy from an OCI layout (a wbpf store) to the registry, and back into a fresh layout. */
    private long[] skopeo(long size) throws IOException {
        if (skopeo == null) {
            return new long[] {-1, -1};
        }
        Path work = Files.createDirectories(dir.resolve("skopeo-" + ++serial));
        PackageStore source = PackageStore.open(work.resolve("source"));
        onePackage(source, work.resolve("layer"), size);
        String remote = "docker://" + registry.address() + "/bench/skopeo:" + serial;
        long t0 = System.nanoTime();
        RegistryServer.run(List.of(skopeo, "--insecure-policy", "copy", "-q", "--preserve-digests",
                "--dest-tls-verify=false", "oci:" + source.root() + ":" + LOCAL_TAG, remote), null);
        long t1 = System.nanoTime();
        RegistryServer.run(List.of(skopeo, "--insecure-policy", "copy", "-q", "--preserve-digests",
                "--src-tls-verify=false", remote, "oci:" + work.resolve("pulled") + ":" + LOCAL_TAG), null);
        long t2 = System.nanoTime();
        delete(work);
        return new long[] {t1 - t0, t2 - t1};
    }

    /** A package with one layer of {@code size} fresh random bytes, tagged {@value #LOCAL_TAG} in the layout. */
    private Descriptor onePackage(PackageStore store, Path layerFile, long size) throws IOException {
        writeLayer(layerFile, size);
        Descriptor layer;
        try (InputStream in = Files.newInputStream(layerFile)) {
            layer = store.putBlob("application/vnd.oci.image.layer.v1.tar", in, null, size);
        }
        Files.delete(layerFile);
        Descriptor config = store.putBlob("application/vnd.oci.image.config.v1+json", ("{\"architecture\":\"amd64\","
                + "\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" + layer.digest() + "\"]}}")
                .getBytes(StandardCharsets.UTF_8));
        String json = "{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"config\":"
                + descriptorJson(config) + ",\"layers\":[" + descriptorJson(layer) + "]}";
        Descriptor manifest = store.putManifest(json.getBytes(StandardCharsets.UTF_8), MediaTypes.OCI_MANIFEST, null);
        // skopeo finds a layout's image by its org.opencontainers.image.ref.name
        store.updateIndex(index -> index.withManifests(List.of(
                manifest.withAnnotation(MediaTypes.ANNOTATION_REF_NAME, LOCAL_TAG))));
        return manifest;
    }

    private static String descriptorJson(Descriptor d) {
        return "{\"mediaType\":\"" + d.mediaType() + "\",\"digest\":\"" + d.digest() + "\",\"size\":" + d.size() + "}";
    }

    private Descriptor writeLayer(Path file, long size) throws IOException {
        SplittableRandom random = new SplittableRandom(System.nanoTime() + serial);
        byte[] buffer = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long left = size; left > 0; left -= buffer.length) {
                random.nextBytes(buffer);
                out.write(buffer, 0, (int) Math.min(buffer.length, left));
            }
        }
        try (InputStream in = Files.newInputStream(file)) {
            var hashing = new dev.wbpf.packaging.Digest.HashingInputStream(in);
            hashing.transferTo(OutputStream.nullOutputStream());
            return new Descriptor("application/octet-stream", hashing.digest(), size);
        }
    }

    private static String ms(long nanos) {
        return String.format(Locale.ROOT, "%.0f", nanos / 1e6);
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
