package dev.wbpf.packaging;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.UnaryOperator;

/**
 * The local package store: a standard OCI image-layout directory ({@code oci-layout},
 * {@code index.json}, {@code blobs/sha256/...}) that skopeo, umoci and other OCI tools read.
 *
 * <ul>
 *   <li>Tags are {@code index.json} entries carrying the {@value MediaTypes#ANNOTATION_REF_NAME}
 *       annotation; wbpf writes the full reference ({@code registry/repository:tag}) there.</li>
 *   <li>Every write is atomic: content goes to a temporary file in {@code .wbpf-tmp/} (same file
 *       system), is flushed, then renamed into place.</li>
 *   <li>{@code index.json} is read-modified-written only while holding an exclusive lock on
 *       {@code .wbpf-lock} (a {@link FileChannel#lock() file lock}, plus an in-JVM lock since file
 *       locks are per process), so several wbpf processes and threads may share one store.</li>
 *   <li>Every blob read is checked against its digest; a corrupt blob is an error naming the digest,
 *       and nothing is changed.</li>
 * </ul>
 */
public final class PackageStore {
    public static final String LAYOUT_FILE = "oci-layout";
    public static final String INDEX_FILE = "index.json";
    private static final String LAYOUT_JSON = "{\"imageLayoutVersion\":\"1.0.0\"}";
    private static final String TMP_DIR = ".wbpf-tmp";
    private static final String LOCK_FILE = ".wbpf-lock";
    /** Prune leaves alone unreferenced blobs younger than this: another process may be about to tag them. */
    public static final Duration DEFAULT_PRUNE_GRACE = Duration.ofMinutes(10);
    private static final ConcurrentHashMap<Path, ReentrantLock> JVM_LOCKS = new ConcurrentHashMap<>();

    private final Path root;
    private final Path blobs;
    private final Path tmp;
    private final Path lockFile;
    private final ReentrantLock jvmLock;

    private PackageStore(Path root) {
        this.root = root;
        this.blobs = root.resolve("blobs").resolve(Digest.SHA256);
        this.tmp = root.resolve(TMP_DIR);
        this.lockFile = root.resolve(LOCK_FILE);
        this.jvmLock = JVM_LOCKS.computeIfAbsent(root, r -> new ReentrantLock());
    }

    /**
     * Where the store lives: the {@code wbpf.home} system property, else {@code $WBPF_HOME}, else
     * {@code $XDG_DATA_HOME/wbpf}, else {@code ~/.local/share/wbpf}.
     */
    public static Path defaultRoot() {
        return defaultRoot(System.getenv(), System.getProperty("wbpf.home"), UserHome.of(System.getenv()));
    }

    static Path defaultRoot(Map<String, String> env, String property, String home) {
        if (property != null && !property.isBlank()) {
            return Path.of(property);
        }
        String wbpfHome = env.get("WBPF_HOME");
        if (wbpfHome != null && !wbpfHome.isBlank()) {
            return Path.of(wbpfHome);
        }
        String xdg = env.get("XDG_DATA_HOME");
        if (xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()) {
            return Path.of(xdg, "wbpf");
        }
        return Path.of(home, ".local", "share", "wbpf");
    }

    /** Opens the store at {@link #defaultRoot()}, creating it if needed. */
    public static PackageStore openDefault() throws IOException {
        return open(defaultRoot());
    }

    /** Opens the image layout at {@code dir}, creating an empty one if the directory is absent or empty. */
    public static PackageStore open(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path root = dir.toRealPath();
        PackageStore store = new PackageStore(root);
        Files.createDirectories(store.blobs);
        Files.createDirectories(store.tmp);
        store.locked(() -> {
            Path layout = root.resolve(LAYOUT_FILE);
            if (Files.exists(layout)) {
                String version = Json.MAPPER.readTree(Files.readAllBytes(layout)).path("imageLayoutVersion").asText("");
                if (!version.startsWith("1.")) {
                    throw new PackagingException(root + " is not an OCI image layout wbpf can use: oci-layout says version '" + version + "'");
                }
            } else {
                store.writeAtomically(layout, LAYOUT_JSON.getBytes(StandardCharsets.UTF_8));
            }
            if (!Files.exists(root.resolve(INDEX_FILE))) {
                store.writeAtomically(root.resolve(INDEX_FILE), Json.bytes(Index.empty()));
            }
            return null;
        });
        return store;
    }

    public Path root() {
        return root;
    }

    /** Where the blob with {@code digest} lives (whether or not it is there). */
    public Path blobPath(Digest digest) {
        return blobs.resolve(digest.encoded());
    }

    public boolean hasBlob(Digest digest) {
        return Files.isRegularFile(blobPath(digest));
    }

    /** The size of a stored blob. */
    public long blobSize(Digest digest) throws IOException {
        requireBlob(digest);
        return Files.size(blobPath(digest));
    }

    // ---- writing blobs

    /** Stores {@code data} as a blob and returns its descriptor. */
    public Descriptor putBlob(String mediaType, byte[] data) throws IOException {
        return putBlob(mediaType, new java.io.ByteArrayInputStream(data), null, data.length);
    }

    /**
     * Streams a blob into the store. When {@code expected} is given, content that does not hash to
     * it is refused and the store is left unchanged; likewise when {@code expectedSize >= 0} and the
     * size differs (reading stops as soon as the stream is longer).
     */
    public Descriptor putBlob(String mediaType, InputStream in, Digest expected, long expectedSize) throws IOException {
        try (StagedBlob staged = stageBlob(mediaType, expected, expectedSize)) {
            OutputStream out = staged.stream();
            byte[] buf = new byte[64 * 1024];
            for (int n; (n = in.read(buf)) >= 0; ) {
                out.write(buf, 0, n);
            }
            return staged.commit();
        }
    }

    /**
     * Starts writing a blob that enters the store only when {@link StagedBlob#commit() committed},
     * after its content was checked against {@code expected} (when given) and
     * {@code expectedSize} (when {@code >= 0}).
     */
    public StagedBlob stageBlob(String mediaType, Digest expected, long expectedSize) throws IOException {
        return new StagedBlob(this, Files.createTempFile(tmp, "blob-", ".part"), mediaType, expected, expectedSize);
    }

    /** Stores a manifest (as compact JSON) and returns its descriptor, with the manifest's artifactType. */
    public Descriptor putManifest(Manifest manifest) throws IOException {
        String mediaType = manifest.mediaType() != null ? manifest.mediaType() : MediaTypes.OCI_MANIFEST;
        return putBlob(mediaType, Json.bytes(manifest)).withArtifactType(manifest.artifactType());
    }

    /**
     * Stores a manifest exactly as a registry served it (its digest is over these bytes): checked
     * against {@code expected} (when given) and parsed before it enters the store. Returns its
     * descriptor with {@code mediaType} (else the manifest's own) and its artifactType; tag it
     * with {@link #tag(Reference, Descriptor)} once its blobs are in.
     */
    public Descriptor putManifest(byte[] raw, String mediaType, Digest expected) throws IOException {
        Digest actual = Digest.of(raw);
        if (expected != null && !expected.equals(actual)) {
            throw new DigestMismatchException(expected, "manifest " + expected + " was refused: its content hashes to "
                    + actual + "; the store is unchanged");
        }
        Manifest m = Json.read(raw, Manifest.class, "manifest " + actual);
        String type = mediaType != null ? mediaType : m.mediaType() != null ? m.mediaType() : MediaTypes.OCI_MANIFEST;
        if (!MediaTypes.isManifest(type)) {
            throw new PackagingException("manifest " + actual + " has media type " + type + ", not an image manifest");
        }
        return putBlob(type, raw).withArtifactType(m.artifactType());
    }

    // ---- reading blobs

    /** The blob's bytes, checked against its digest. */
    public byte[] blob(Digest digest) throws IOException {
        requireBlob(digest);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(blobPath(digest));
        } catch (NoSuchFileException e) {
            throw missingBlob(digest);
        }
        Digest actual = Digest.of(bytes);
        if (!actual.equals(digest)) {
            throw corrupt(digest, actual);
        }
        return bytes;
    }

    /**
     * A stream of the blob that checks its digest when the end is reached: reading past the last
     * byte of a corrupt blob throws {@link DigestMismatchException}.
     */
    public InputStream openBlob(Digest digest) throws IOException {
        requireBlob(digest);
        var hashing = new Digest.HashingInputStream(Files.newInputStream(blobPath(digest)));
        return new FilterInputStream(hashing) {
            private boolean checked;

            @Override
            public int read() throws IOException {
                int b = super.read();
                if (b < 0) {
                    check();
                }
                return b;
            }

            @Override
            public int read(byte[] buf, int off, int len) throws IOException {
                int n = super.read(buf, off, len);
                if (n < 0) {
                    check();
                }
                return n;
            }

            private void check() {
                if (!checked) {
                    checked = true;
                    Digest actual = hashing.digest();
                    if (!actual.equals(digest)) {
                        throw corrupt(digest, actual);
                    }
                }
            }
        };
    }

    /** The manifest a descriptor points to. */
    public Manifest manifest(Descriptor descriptor) throws IOException {
        if (MediaTypes.isIndex(descriptor.mediaType())) {
            throw new PackagingException(descriptor.digest() + " is an image index, not a manifest");
        }
        return Json.read(blob(descriptor.digest()), Manifest.class, "manifest " + descriptor.digest());
    }

    /** The manifest a reference points to in this store. */
    public Manifest manifest(Reference ref) throws IOException {
        return manifest(require(ref));
    }

    /** An image index stored as a blob. */
    public Index index(Digest digest) throws IOException {
        return Json.read(blob(digest), Index.class, "image index " + digest);
    }

    private void requireBlob(Digest digest) {
        if (!hasBlob(digest)) {
            throw missingBlob(digest);
        }
    }

    private NotFoundException missingBlob(Digest digest) {
        return new NotFoundException("blob " + digest + " is not in the store " + root);
    }

    private DigestMismatchException corrupt(Digest digest, Digest actual) {
        return new DigestMismatchException(digest, "blob " + digest + " in the store " + root
                + " is corrupt: its content hashes to " + actual
                + "; remove the package (wbpf rmi) and pull or load it again");
    }

    // ---- index.json: tags

    /** The layout's index.json as it is now. */
    public Index readIndex() throws IOException {
        return Json.read(Files.readAllBytes(root.resolve(INDEX_FILE)), Index.class, root.resolve(INDEX_FILE).toString());
    }

    /** A tagged (or untagged: {@code name} null) manifest listed in index.json. */
    public record Entry(String name, Descriptor descriptor) {
        /** When it was created, from the {@value MediaTypes#ANNOTATION_CREATED} annotation; null if absent or unreadable. */
        public Instant created() {
            String c = descriptor.annotation(MediaTypes.ANNOTATION_CREATED);
            try {
                return c == null ? null : Instant.parse(c);
            } catch (java.time.format.DateTimeParseException e) {
                return null;
            }
        }
    }

    /** Everything index.json lists, in its order. */
    public List<Entry> list() throws IOException {
        List<Entry> entries = new ArrayList<>();
        for (Descriptor d : readIndex().manifests()) {
            entries.add(new Entry(d.annotation(MediaTypes.ANNOTATION_REF_NAME), d));
        }
        return entries;
    }

    /** What {@code ref} points to, if the store has it. */
    public Optional<Descriptor> resolve(Reference ref) throws IOException {
        List<Descriptor> manifests = readIndex().manifests();
        if (ref.digest() != null) {
            for (Descriptor d : manifests) {
                if (d.digest().equals(ref.digest())) {
                    return Optional.of(d);
                }
            }
            if (hasBlob(ref.digest())) {
                byte[] bytes = blob(ref.digest());
                String mediaType = Json.MAPPER.readTree(bytes).path("mediaType").asText(MediaTypes.OCI_MANIFEST);
                return Optional.of(new Descriptor(mediaType, ref.digest(), bytes.length));
            }
            return Optional.empty();
        }
        for (Descriptor d : manifests) {
            if (nameMatches(d.annotation(MediaTypes.ANNOTATION_REF_NAME), ref)) {
                return Optional.of(d);
            }
        }
        return Optional.empty();
    }

    /** What {@code ref} points to, or a {@link NotFoundException} that says how to get it. */
    public Descriptor require(Reference ref) throws IOException {
        return resolve(ref).orElseThrow(() -> new NotFoundException("package " + ref + " is not in the store "
                + root + " (wbpf images lists what is there; wbpf pull or wbpf load brings one in)"));
    }

    /** A stored name matches when it is the reference written out, or parses to the same reference. */
    private static boolean nameMatches(String stored, Reference ref) {
        if (stored == null) {
            return false;
        }
        String wanted = ref.withTag(ref.tag()).toString();
        if (stored.equals(wanted)) {
            return true;
        }
        try {
            return Reference.parse(stored).toString().equals(wanted);
        } catch (InvalidReferenceException e) {
            return false;
        }
    }

    /**
     * Points tag {@code ref} at the manifest {@code descriptor} (which must be in the store),
     * replacing what the tag pointed to before.
     */
    public Descriptor tag(Reference ref, Descriptor descriptor) throws IOException {
        if (!ref.hasTag()) {
            throw new PackagingException("cannot tag " + ref + ": give a tag (REPOSITORY:TAG)");
        }
        return tag(ref.withTag(ref.tag()).toString(), descriptor);
    }

    /** Tags with a name as is (names that other tools wrote, kept by {@code load}). */
    Descriptor tag(String name, Descriptor descriptor) throws IOException {
        if (!hasBlob(descriptor.digest())) {
            throw missingBlob(descriptor.digest());
        }
        Descriptor entry = descriptor.withAnnotation(MediaTypes.ANNOTATION_REF_NAME, name);
        updateIndex(index -> {
            List<Descriptor> kept = new ArrayList<>();
            for (Descriptor d : index.manifests()) {
                String n = d.annotation(MediaTypes.ANNOTATION_REF_NAME);
                if (!name.equals(n)) {
                    kept.add(d);
                }
            }
            kept.add(entry);
            return index.withManifests(kept);
        });
        return entry;
    }

    /**
     * Removes the tag {@code ref} (or, for a digest-only reference, every entry of that digest).
     * The blobs stay until {@link #prune}. Returns what was removed; a {@link NotFoundException} if nothing.
     */
    public List<Descriptor> untag(Reference ref) throws IOException {
        List<Descriptor> removed = new ArrayList<>();
        updateIndex(index -> {
            removed.clear();
            List<Descriptor> kept = new ArrayList<>();
            for (Descriptor d : index.manifests()) {
                boolean match = ref.tag() == null ? d.digest().equals(ref.digest())
                        : nameMatches(d.annotation(MediaTypes.ANNOTATION_REF_NAME), ref)
                          && (ref.digest() == null || ref.digest().equals(d.digest()));
                (match ? removed : kept).add(d);
            }
            return index.withManifests(kept);
        });
        if (removed.isEmpty()) {
            throw new NotFoundException("package " + ref + " is not in the store " + root + " (wbpf images lists what is there)");
        }
        return removed;
    }

    /** Applies {@code change} to index.json under the store's lock. */
    public void updateIndex(UnaryOperator<Index> change) throws IOException {
        locked(() -> {
            Index before = readIndex();
            Index after = change.apply(before);
            if (!after.equals(before)) {
                writeAtomically(root.resolve(INDEX_FILE), Json.bytes(after));
            }
            return null;
        });
    }

    // ---- garbage

    /** What {@link #prune} removed. */
    public record PruneResult(List<Digest> removed, long bytes) {
    }

    /** Deletes blobs that no index.json entry reaches, except those younger than {@link #DEFAULT_PRUNE_GRACE}. */
    public PruneResult prune() throws IOException {
        return prune(DEFAULT_PRUNE_GRACE);
    }

    /**
     * Deletes blobs that no index.json entry reaches and that were written more than {@code grace}
     * ago (a writer in another process puts its blobs before it tags them), and stale temporary files.
     */
    public PruneResult prune(Duration grace) throws IOException {
        return locked(() -> {
            Set<Digest> live = reachable();
            Instant cutoff = Instant.now().minus(grace);
            List<Digest> removed = new ArrayList<>();
            long bytes = 0;
            try (DirectoryStream<Path> files = Files.newDirectoryStream(blobs)) {
                for (Path f : files) {
                    Digest d;
                    try {
                        d = new Digest(Digest.SHA256, f.getFileName().toString());
                    } catch (PackagingException notABlob) {
                        continue;
                    }
                    if (live.contains(d) || !Files.getLastModifiedTime(f).toInstant().isBefore(cutoff)) {
                        continue;
                    }
                    long size = Files.size(f);
                    if (Files.deleteIfExists(f)) {
                        removed.add(d);
                        bytes += size;
                    }
                }
            }
            Instant stale = Instant.now().minus(Duration.ofHours(1)).isBefore(cutoff) ? Instant.now().minus(Duration.ofHours(1)) : cutoff;
            try (DirectoryStream<Path> files = Files.newDirectoryStream(tmp)) {
                for (Path f : files) {
                    if (Files.getLastModifiedTime(f).toInstant().isBefore(stale)) {
                        Files.deleteIfExists(f);
                    }
                }
            }
            return new PruneResult(removed, bytes);
        });
    }

    /** Every blob reachable from index.json (manifests, their configs, layers and subjects; nested indexes). */
    public Set<Digest> reachable() throws IOException {
        Set<Digest> seen = new HashSet<>();
        for (Descriptor d : readIndex().manifests()) {
            collect(d, seen);
        }
        return seen;
    }

    /** The blobs reachable from one manifest or index descriptor, itself included. */
    public Set<Digest> reachable(Descriptor descriptor) throws IOException {
        Set<Digest> seen = new HashSet<>();
        collect(descriptor, seen);
        return seen;
    }

    private void collect(Descriptor d, Set<Digest> seen) throws IOException {
        if (!seen.add(d.digest()) || !hasBlob(d.digest())) {
            return;
        }
        if (MediaTypes.isManifest(d.mediaType())) {
            Manifest m = manifest(d);
            seen.add(m.config().digest());
            for (Descriptor layer : m.layers()) {
                seen.add(layer.digest());
            }
            if (m.subject() != null) {
                collect(m.subject(), seen);
            }
        } else if (MediaTypes.isIndex(d.mediaType())) {
            for (Descriptor child : index(d.digest()).manifests()) {
                collect(child, seen);
            }
        }
    }

    // ---- files and locks

    interface IoAction<T> {
        T run() throws IOException;
    }

    /** Runs {@code action} holding the store's lock (in-JVM lock, then the file lock; reentrant within a thread). */
    <T> T locked(IoAction<T> action) throws IOException {
        jvmLock.lock();
        try {
            if (jvmLock.getHoldCount() > 1) {
                return action.run();
            }
            try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                FileLock lock = ch.lock();
                try {
                    return action.run();
                } finally {
                    lock.release();
                }
            }
        } finally {
            jvmLock.unlock();
        }
    }

    /** Writes {@code content} to {@code target} by way of a flushed temporary file and a rename. */
    void writeAtomically(Path target, byte[] content) throws IOException {
        Path temp = Files.createTempFile(tmp, "write-", ".part");
        boolean moved = false;
        try {
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                var buffer = java.nio.ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    ch.write(buffer);
                }
                ch.force(true);
            }
            moveIntoPlace(temp, target);
            moved = true;
        } finally {
            if (!moved) {
                Files.deleteIfExists(temp);
            }
        }
    }

    static void moveIntoPlace(Path temp, Path target) throws IOException {
        Files.createDirectories(target.getParent());
        // Temporary files are created 0600; blobs and index.json are meant to be readable like any layout.
        try {
            Files.setPosixFilePermissions(temp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        } catch (UnsupportedOperationException notPosix) {
            // keep what the file system gives
        }
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("cannot rename atomically into " + target.getParent() + ": " + e.getMessage(), e);
        }
    }
}
