package dev.wbpf.packaging;

/** The media types wbpf writes and reads: the OCI ones, wbpf's own, and eunomia-bpf ecli's. */
public final class MediaTypes {
    private MediaTypes() {
    }

    // OCI image-spec v1.1
    public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
    public static final String OCI_EMPTY = "application/vnd.oci.empty.v1+json";
    /** Docker's schema 2 manifest: read (registries may serve it), never written. */
    public static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
    public static final String DOCKER_MANIFEST_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";

    // wbpf's package
    /** The manifest's {@code artifactType}. */
    public static final String WBPF_ARTIFACT = "application/vnd.wbpf.package.v1";
    /** The config blob: {@link PackageConfig} as JSON. */
    public static final String WBPF_CONFIG = "application/vnd.wbpf.config.v1+json";
    /** The Wasm module, zstd-compressed. */
    public static final String WBPF_MODULE_ZSTD = "application/vnd.wbpf.module.v1.wasm+zstd";
    /** The Wasm module, uncompressed (read, so that a repackaged module still runs). */
    public static final String WBPF_MODULE = "application/vnd.wbpf.module.v1.wasm";
    /** The package's README (Markdown, uncompressed so that registries' UIs can show it). */
    public static final String WBPF_README = "application/vnd.wbpf.readme.v1+markdown";
    /** An extra file shipped with the package, zstd-compressed; its name is the layer's title annotation. */
    public static final String WBPF_FILE_ZSTD = "application/vnd.wbpf.file.v1+zstd";

    // eunomia-bpf ecli (wasm-to-oci) layout
    public static final String ECLI_CONFIG = "application/vnd.wasm.config.v1+json";
    public static final String ECLI_LAYER = "application/vnd.wasm.content.layer.v1+wasm";

    /** Standard annotation keys (OCI image-spec "Pre-Defined Annotation Keys"). */
    public static final String ANNOTATION_REF_NAME = "org.opencontainers.image.ref.name";
    public static final String ANNOTATION_TITLE = "org.opencontainers.image.title";
    public static final String ANNOTATION_VERSION = "org.opencontainers.image.version";
    public static final String ANNOTATION_SOURCE = "org.opencontainers.image.source";
    public static final String ANNOTATION_CREATED = "org.opencontainers.image.created";
    public static final String ANNOTATION_DESCRIPTION = "org.opencontainers.image.description";
    public static final String ANNOTATION_LICENSES = "org.opencontainers.image.licenses";

    /** What a manifest GET accepts, most wanted first. */
    public static final java.util.List<String> MANIFESTS = java.util.List.of(OCI_MANIFEST, OCI_INDEX, DOCKER_MANIFEST, DOCKER_MANIFEST_LIST);

    public static boolean isManifest(String mediaType) {
        return OCI_MANIFEST.equals(mediaType) || DOCKER_MANIFEST.equals(mediaType);
    }

    public static boolean isIndex(String mediaType) {
        return OCI_INDEX.equals(mediaType) || DOCKER_MANIFEST_LIST.equals(mediaType);
    }
}
