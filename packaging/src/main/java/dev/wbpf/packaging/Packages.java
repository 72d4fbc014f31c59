package dev.wbpf.packaging;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * wbpf packages in a {@link PackageStore}: building one from a module, reading a package's module
 * back (wbpf's own layout and eunomia-bpf ecli's), describing one, and converting to ecli's layout.
 */
public final class Packages {
    /** The largest module wbpf will decompress. */
    public static final long MAX_MODULE_SIZE = 1L << 30;
    private static final byte[] WASM_MAGIC = {0, 'a', 's', 'm'};

    private Packages() {
    }

    /** A file to ship in a package. */
    public record NamedContent(String name, byte[] content) {
    }

    /**
     * What {@link #build} packages.
     *
     * @param module     the Wasm module's bytes
     * @param moduleName its file name (the layer's title), e.g. {@code execsnoop.wasm}
     * @param config     the metadata ({@link Metadata#read} or {@link PackageConfig#named})
     * @param readme     README content (Markdown), or null
     * @param files      extra files
     * @param zstdLevel  compression level for the module and extra files
     * @param created    the creation time written to the annotations (null: now)
     */
    public record BuildRequest(byte[] module, String moduleName, PackageConfig config, byte[] readme,
                               List<NamedContent> files, int zstdLevel, Instant created) {
        public BuildRequest {
            files = files == null ? List.of() : List.copyOf(files);
        }

        public static BuildRequest of(byte[] module, String moduleName, PackageConfig config) {
            return new BuildRequest(module, moduleName, config, null, List.of(), Zstd.DEFAULT_LEVEL, null);
        }
    }

    /** Builds a package into the store and tags it {@code ref}; returns the tagged manifest descriptor. */
    public static Descriptor build(PackageStore store, Reference ref, BuildRequest request) throws IOException {
        if (!ref.hasTag()) {
            throw new PackagingException("wbpf build needs a tag to name the package: " + ref.name() + ":TAG");
        }
        byte[] module = request.module();
        checkWasm(module, request.moduleName());
        Instant created = (request.created() != null ? request.created() : Instant.now()).truncatedTo(ChronoUnit.SECONDS);
        PackageConfig config = request.config().withModule(request.moduleName(), Digest.of(module), module.length);

        List<Descriptor> layers = new ArrayList<>();
        layers.add(store.putBlob(MediaTypes.WBPF_MODULE_ZSTD, Zstd.compress(module, request.zstdLevel()))
                .withAnnotation(MediaTypes.ANNOTATION_TITLE, config.entry()));
        if (request.readme() != null) {
            layers.add(store.putBlob(MediaTypes.WBPF_README, request.readme())
                    .withAnnotation(MediaTypes.ANNOTATION_TITLE, "README.md"));
        }
        for (NamedContent f : request.files()) {
            layers.add(store.putBlob(MediaTypes.WBPF_FILE_ZSTD, Zstd.compress(f.content(), request.zstdLevel()))
                    .withAnnotation(MediaTypes.ANNOTATION_TITLE, f.name()));
        }
        Descriptor configBlob = store.putBlob(MediaTypes.WBPF_CONFIG, Json.bytes(config));

        Map<String, String> annotations = new LinkedHashMap<>();
        annotations.put(MediaTypes.ANNOTATION_TITLE, config.name());
        putIfPresent(annotations, MediaTypes.ANNOTATION_VERSION, config.version());
        putIfPresent(annotations, MediaTypes.ANNOTATION_DESCRIPTION, config.description());
        putIfPresent(annotations, MediaTypes.ANNOTATION_SOURCE, config.source());
        putIfPresent(annotations, MediaTypes.ANNOTATION_LICENSES, config.license());
        annotations.put(MediaTypes.ANNOTATION_CREATED, created.toString());
        Manifest manifest = Manifest.of(MediaTypes.WBPF_ARTIFACT, configBlob, layers, annotations);
        Descriptor descriptor = store.putManifest(manifest)
                .withAnnotation(MediaTypes.ANNOTATION_CREATED, created.toString());
        return store.tag(ref, descriptor);
    }

    private static void putIfPresent(Map<String, String> map, String key, String value) {
        if (value != null && !value.isBlank()) {
            map.put(key, value);
        }
    }

    private static void checkWasm(byte[] module, String what) {
        if (module.length < 8 || !java.util.Arrays.equals(module, 0, 4, WASM_MAGIC, 0, 4)) {
            throw new PackagingException(what + " is not a WebAssembly module (no \\0asm header)");
        }
    }

    /** Which layout a package is in. */
    public enum Layout {
        /** wbpf's own: artifactType {@value MediaTypes#WBPF_ARTIFACT}, zstd module layer. */
        WBPF,
        /** eunomia-bpf ecli / wasm-to-oci: one uncompressed {@value MediaTypes#ECLI_LAYER} layer. */
        ECLI
    }

    /** The layout of a manifest, or a {@link PackagingException} if it is neither. */
    public static Layout layout(Manifest manifest, String what) {
        if (MediaTypes.WBPF_ARTIFACT.equals(manifest.artifactType()) || MediaTypes.WBPF_CONFIG.equals(manifest.config().mediaType())) {
            return Layout.WBPF;
        }
        if (MediaTypes.ECLI_CONFIG.equals(manifest.config().mediaType()) || manifest.layer(MediaTypes.ECLI_LAYER).isPresent()) {
            return Layout.ECLI;
        }
        List<String> types = manifest.layers().stream().map(Descriptor::mediaType).toList();
        throw new PackagingException(what + " is not a wbpf or ecli package: its type is " + manifest.effectiveArtifactType()
                + " with layers " + types);
    }

    /** The Wasm module of the package {@code ref}: decompressed and checked (either layout). */
    public static byte[] module(PackageStore store, Reference ref) throws IOException {
        Descriptor d = store.require(ref);
        if (MediaTypes.isIndex(d.mediaType())) {
            Index index = store.index(d.digest());
            if (index.manifests().isEmpty()) {
                throw new PackagingException(ref + " is an empty image index");
            }
            d = index.manifests().getFirst();
        }
        return module(store, store.manifest(d), ref.toString());
    }

    /** The Wasm module a manifest in the store describes. */
    public static byte[] module(PackageStore store, Manifest manifest, String what) throws IOException {
        byte[] module;
        switch (layout(manifest, what)) {
            case WBPF -> {
                PackageConfig config = Json.read(store.blob(manifest.config().digest()), PackageConfig.class, what + " config");
                var compressed = manifest.layer(MediaTypes.WBPF_MODULE_ZSTD);
                if (compressed.isPresent()) {
                    long limit = config.moduleSize() != null ? config.moduleSize() : MAX_MODULE_SIZE;
                    module = Zstd.decompress(store.blob(compressed.get().digest()), limit, what + " module layer " + compressed.get().digest());
                } else {
                    var plain = manifest.layer(MediaTypes.WBPF_MODULE).orElseThrow(() ->
                            new PackagingException(what + " has no module layer (" + MediaTypes.WBPF_MODULE_ZSTD + ")"));
                    module = store.blob(plain.digest());
                }
                if (config.moduleDigest() != null && !config.moduleDigest().equals(Digest.of(module))) {
                    throw new DigestMismatchException(config.moduleDigest(), what + ": the decompressed module hashes to "
                            + Digest.of(module) + ", its config says " + config.moduleDigest());
                }
            }
            case ECLI -> {
                var layer = manifest.layer(MediaTypes.ECLI_LAYER).orElseThrow(() ->
                        new PackagingException(what + " has no " + MediaTypes.ECLI_LAYER + " layer"));
                module = store.blob(layer.digest());
            }
            default -> throw new IllegalStateException();
        }
        checkWasm(module, what + "'s module");
        return module;
    }

    /** The config of a wbpf package, or null for an ecli package (whose config carries nothing wbpf uses). */
    public static PackageConfig config(PackageStore store, Manifest manifest, String what) throws IOException {
        if (layout(manifest, what) != Layout.WBPF) {
            return null;
        }
        return Json.read(store.blob(manifest.config().digest()), PackageConfig.class, what + " config");
    }

    /** Everything {@code wbpf inspect REF} shows. */
    public record Inspection(String reference, Descriptor descriptor, Layout layout, Manifest manifest,
                             PackageConfig config, long totalSize) {
    }

    public static Inspection inspect(PackageStore store, Reference ref) throws IOException {
        Descriptor d = store.require(ref);
        Manifest manifest = store.manifest(d);
        String what = ref.toString();
        Layout layout = layout(manifest, what);
        PackageConfig config = config(store, manifest, what);
        long total = d.size() + manifest.config().size() + manifest.layers().stream().mapToLong(Descriptor::size).sum();
        String name = d.annotation(MediaTypes.ANNOTATION_REF_NAME);
        return new Inspection(name != null ? name : what, d, layout, manifest, config, total);
    }

    /**
     * Writes the package {@code ref} in ecli's layout (config {@value MediaTypes#ECLI_CONFIG} with
     * {@code {}}, one uncompressed {@value MediaTypes#ECLI_LAYER} layer) into the store, untagged,
     * and returns the new manifest's descriptor: what {@code wbpf push --format ecli} uploads.
     */
    public static Descriptor toEcli(PackageStore store, Reference ref) throws IOException {
        Descriptor d = store.require(ref);
        Manifest source = store.manifest(d);
        if (layout(source, ref.toString()) == Layout.ECLI) {
            return d;
        }
        byte[] module = module(store, source, ref.toString());
        Descriptor layer = store.putBlob(MediaTypes.ECLI_LAYER, module);
        String title = source.layer(MediaTypes.WBPF_MODULE_ZSTD).map(l -> l.annotation(MediaTypes.ANNOTATION_TITLE)).orElse(null);
        if (title != null) {
            layer = layer.withAnnotation(MediaTypes.ANNOTATION_TITLE, title);
        }
        Descriptor config = store.putBlob(MediaTypes.ECLI_CONFIG, "{}".getBytes(StandardCharsets.UTF_8));
        Manifest ecli = new Manifest(2, MediaTypes.OCI_MANIFEST, null, config, List.of(layer), null, source.annotations());
        return store.putManifest(ecli);
    }
}
