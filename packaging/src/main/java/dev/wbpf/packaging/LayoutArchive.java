package dev.wbpf.packaging;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * {@code wbpf save} and {@code wbpf load}: an OCI image layout in a tar archive (what skopeo and
 * podman call {@code oci-archive:}), holding the chosen packages and every blob they reach.
 */
public final class LayoutArchive {
    private LayoutArchive() {
    }

    /** Writes {@code refs} (with the names they have in the store) to the tar archive {@code target}, atomically. */
    public static void save(PackageStore store, List<Reference> refs, Path target) throws IOException {
        if (refs.isEmpty()) {
            throw new PackagingException("nothing to save: name at least one package");
        }
        List<Descriptor> manifests = new ArrayList<>();
        TreeSet<String> blobs = new TreeSet<>();
        for (Reference ref : refs) {
            Descriptor d = store.require(ref);
            if (manifests.stream().noneMatch(m -> m.equals(d))) {
                manifests.add(d); // with the name the store has for it
            }
            for (Digest b : store.reachable(d)) {
                if (!store.hasBlob(b)) {
                    throw new NotFoundException("package " + ref + " is incomplete: blob " + b + " is not in the store " + store.root());
                }
                blobs.add(b.encoded());
            }
        }
        Path parent = target.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path temp = Files.createTempFile(parent, "." + target.getFileName() + "-", ".part");
        boolean done = false;
        try {
            try (OutputStream file = new BufferedOutputStream(Files.newOutputStream(temp), 1 << 16);
                 var tar = new Tar.Writer(file, System.currentTimeMillis() / 1000)) {
                tar.file(PackageStore.LAYOUT_FILE, "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
                tar.file(PackageStore.INDEX_FILE, Json.bytes(Index.empty().withManifests(manifests)));
                tar.directory("blobs");
                tar.directory("blobs/sha256");
                for (String hex : blobs) {
                    Digest digest = new Digest(Digest.SHA256, hex);
                    try (InputStream in = store.openBlob(digest)) {
                        tar.file("blobs/sha256/" + hex, store.blobSize(digest), in);
                        in.read(); // reach the end so that the digest is checked
                    }
                }
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            done = true;
        } finally {
            if (!done) {
                Files.deleteIfExists(temp);
            }
        }
    }

    /**
     * Reads a layout archive into the store: every blob is checked against the digest it is named
     * by; only when all the blobs every index entry reaches are present are its tags written.
     * Returns the loaded index entries (with their names as the archive has them).
     */
    public static List<PackageStore.Entry> load(PackageStore store, Path archive) throws IOException {
        Index index = null;
        boolean sawLayout = false;
        try (InputStream file = new BufferedInputStream(Files.newInputStream(archive), 1 << 16)) {
            var tar = new Tar.Reader(file);
            for (Tar.Entry e; (e = tar.next()) != null; ) {
                String name = e.name();
                if (name.equals(PackageStore.LAYOUT_FILE)) {
                    sawLayout = true;
                } else if (name.equals(PackageStore.INDEX_FILE)) {
                    index = Json.read(e.content().readAllBytes(), Index.class, archive + ": index.json");
                } else if (name.startsWith("blobs/sha256/")) {
                    Digest digest;
                    try {
                        digest = new Digest(Digest.SHA256, name.substring("blobs/sha256/".length()));
                    } catch (PackagingException bad) {
                        throw new PackagingException(archive + ": " + name + " is not named by a sha256 digest");
                    }
                    try {
                        store.putBlob("application/octet-stream", e.content(), digest, e.size());
                    } catch (DigestMismatchException mismatch) {
                        throw new DigestMismatchException(digest, archive + ": " + mismatch.getMessage());
                    }
                }
            }
        }
        if (!sawLayout || index == null) {
            throw new PackagingException(archive + " is not an OCI layout archive (it has no " + (sawLayout ? "index.json" : "oci-layout file") + ")");
        }
        List<PackageStore.Entry> loaded = new ArrayList<>();
        for (Descriptor d : index.manifests()) {
            for (Digest b : store.reachable(d)) {
                if (!store.hasBlob(b)) {
                    throw new PackagingException(archive + " is incomplete: " + d.digest() + " needs blob " + b + ", which it does not hold");
                }
            }
        }
        for (Descriptor d : index.manifests()) {
            String name = d.annotation(MediaTypes.ANNOTATION_REF_NAME);
            if (name != null) {
                store.tag(name, d);
            } else {
                store.updateIndex(i -> {
                    boolean present = i.manifests().stream().anyMatch(m -> m.digest().equals(d.digest()));
                    if (present) {
                        return i;
                    }
                    List<Descriptor> list = new ArrayList<>(i.manifests());
                    list.add(d);
                    return i.withManifests(list);
                });
            }
            loaded.add(new PackageStore.Entry(name, d));
        }
        return loaded;
    }
}
