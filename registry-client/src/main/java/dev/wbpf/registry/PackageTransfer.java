package dev.wbpf.registry;

import dev.wbpf.packaging.Descriptor;
import dev.wbpf.packaging.Digest;
import dev.wbpf.packaging.MediaTypes;
import dev.wbpf.packaging.PackageStore;
import dev.wbpf.packaging.PackagingException;
import dev.wbpf.packaging.RawManifest;
import dev.wbpf.packaging.Reference;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Moves packages between the local {@link PackageStore} and a registry: what {@code wbpf push}
 * and {@code wbpf pull} (and {@code wbpf run REF}) do, for any application embedding wbpf.
 */
public final class PackageTransfer {
    private PackageTransfer() {
    }

    /**
     * Pushes the manifest {@code manifest} (in {@code store}) and everything it reaches to
     * {@code ref}: blobs the repository has are skipped, blobs another repository of the same
     * registry has (as the store's tags say) are mounted from it where the registry allows.
     */
    public static PushResult push(RegistryClient client, PackageStore store, Descriptor manifest, Reference ref) throws IOException {
        Set<Digest> reachable = store.reachable(manifest);
        for (Digest d : reachable) {
            if (!store.hasBlob(d)) {
                throw new PackagingException("cannot push " + ref + ": blob " + d + " is missing from the store "
                        + store.root() + " (pull or build the package again)");
            }
        }
        RawManifest root = RawManifest.of(manifest.mediaType(), store.blob(manifest.digest()));
        return client.push(ref, root, source(store), mountFrom(store, ref, reachable));
    }

    /** Another repository of {@code ref}'s registry that the store has a tag of sharing blobs with it, or null. */
    private static String mountFrom(PackageStore store, Reference ref, Set<Digest> blobs) throws IOException {
        for (PackageStore.Entry e : store.list()) {
            Reference other;
            try {
                other = Reference.parse(e.name());
            } catch (PackagingException notOurs) {
                continue;
            }
            if (other.registry().equals(ref.registry()) && !other.repository().equals(ref.repository())
                    && store.reachable(e.descriptor()).stream().anyMatch(blobs::contains)) {
                return other.repository();
            }
        }
        return null;
    }

    /** The store as what a push reads from; blobs are checked against their digests as they are read. */
    public static ContentSource source(PackageStore store) {
        return new ContentSource() {
            @Override
            public BlobSource blob(Descriptor descriptor) {
                return new BlobSource() {
                    @Override
                    public long size() throws IOException {
                        return store.blobSize(descriptor.digest());
                    }

                    @Override
                    public InputStream open() throws IOException {
                        return store.openBlob(descriptor.digest());
                    }
                };
            }

            @Override
            public RawManifest manifest(Descriptor descriptor) throws IOException {
                return new RawManifest(descriptor.mediaType(), store.blob(descriptor.digest()), descriptor.digest());
            }
        };
    }

    /**
     * Pulls {@code ref} into {@code store}: every blob and manifest is fetched into a staging
     * directory and checked against its digest and size; only when all arrived do they enter the
     * store (blobs, then the manifest), and then the tag is set. A failed pull leaves the store as
     * it was. Returns the stored (tagged, when {@code ref} has a tag) manifest descriptor.
     */
    public static Descriptor pull(RegistryClient client, PackageStore store, Reference ref) throws IOException {
        Path staging = Files.createTempDirectory("wbpf-pull-");
        try {
            Map<Descriptor, Path> staged = new LinkedHashMap<>();
            ContentTarget target = new ContentTarget() {
                @Override
                public boolean contains(Descriptor d) {
                    return store.hasBlob(d.digest()) || staged.keySet().stream().anyMatch(s -> s.digest().equals(d.digest()));
                }

                @Override
                public BlobSink sink(Descriptor d) {
                    Path file = staging.resolve(d.digest().encoded());
                    BlobSink inner = BlobSink.toFile(file);
                    return new BlobSink() {
                        @Override
                        public OutputStream open() throws IOException {
                            return inner.open();
                        }

                        @Override
                        public void commit() throws IOException {
                            inner.commit();
                            staged.put(d, file);
                        }

                        @Override
                        public void abort() {
                            inner.abort();
                        }
                    };
                }
            };
            RawManifest root = client.pull(ref, target);
            Descriptor stored = null;
            for (Map.Entry<Descriptor, Path> e : staged.entrySet()) {
                Descriptor d = e.getKey();
                Descriptor put;
                if (MediaTypes.isManifest(d.mediaType())) {
                    put = store.putManifest(Files.readAllBytes(e.getValue()), d.mediaType(), d.digest());
                } else {
                    try (InputStream in = Files.newInputStream(e.getValue())) {
                        put = store.putBlob(d.mediaType(), in, d.digest(), d.size());
                    }
                }
                if (d.digest().equals(root.digest())) {
                    stored = put;
                }
            }
            if (stored == null) {
                stored = root.isIndex() ? root.descriptor() : store.putManifest(root.content(), root.mediaType(), root.digest());
            }
            if (ref.hasTag()) {
                stored = store.tag(ref, stored);
            }
            return stored;
        } finally {
            try (Stream<Path> files = Files.walk(staging)) {
                List<Path> all = new ArrayList<>(files.sorted(Comparator.reverseOrder()).toList());
                for (Path p : all) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }
}
