package dev.wbpf.registry;

import dev.wbpf.packaging.Descriptor;
import dev.wbpf.packaging.Digest;
import dev.wbpf.packaging.MediaTypes;
import dev.wbpf.packaging.PackageStore;
import dev.wbpf.packaging.PackagingException;
import dev.wbpf.packaging.RawManifest;
import dev.wbpf.packaging.Reference;
import dev.wbpf.packaging.StagedBlob;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

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
     * Pulls {@code ref} into {@code store}: every blob is written to a staging file of the store,
     * hashed as it arrives and checked against its digest and size; only when all arrived do they
     * enter the store (blobs, then the manifest), and then the tag is set. A failed pull leaves the
     * store as it was. Returns the stored (tagged, when {@code ref} has a tag) manifest descriptor.
     */
    public static Descriptor pull(RegistryClient client, PackageStore store, Reference ref) throws IOException {
        Map<Digest, Arrival> arrived = new LinkedHashMap<>();
        List<StagedBlob> staged = new ArrayList<>();
        try {
            ContentTarget target = new ContentTarget() {
                @Override
                public boolean contains(Descriptor d) {
                    return store.hasBlob(d.digest()) || arrived.containsKey(d.digest());
                }

                @Override
                public BlobSink sink(Descriptor d) throws IOException {
                    return MediaTypes.isManifest(d.mediaType()) ? manifestSink(store, d, arrived)
                            : blobSink(store, d, arrived, staged);
                }
            };
            RawManifest root = client.pull(ref, target);
            Descriptor stored = null;
            for (Map.Entry<Digest, Arrival> e : arrived.entrySet()) {
                Descriptor put = e.getValue().enter();
                if (e.getKey().equals(root.digest())) {
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
            for (StagedBlob blob : staged) {
                blob.close();
            }
        }
    }

    /** Content of a pull that arrived and was checked, waiting to enter the store. */
    private interface Arrival {
        Descriptor enter() throws IOException;
    }

    /** A blob goes straight to the store's staging file, which hashes it and checks its digest. */
    private static BlobSink blobSink(PackageStore store, Descriptor d, Map<Digest, Arrival> arrived,
                                     List<StagedBlob> staged) throws IOException {
        StagedBlob blob = store.stageBlob(d.mediaType(), d.digest(), d.size());
        staged.add(blob);
        return new BlobSink() {
            @Override
            public OutputStream open() {
                return blob.stream();
            }

            @Override
            public boolean checksDigest() {
                return true;
            }

            @Override
            public void commit() throws IOException {
                blob.verify();
                arrived.put(d.digest(), blob::commit);
            }

            @Override
            public void abort() {
                try {
                    blob.close();
                } catch (IOException ignored) {
                    // best effort: the store's prune removes stale staging files
                }
            }
        };
    }

    /** A manifest (small, and already checked by the client) is kept in memory; the store parses it as it enters. */
    private static BlobSink manifestSink(PackageStore store, Descriptor d, Map<Digest, Arrival> arrived) {
        BlobSink.Bytes bytes = BlobSink.toBytes();
        return new BlobSink() {
            @Override
            public OutputStream open() {
                return bytes.open();
            }

            @Override
            public void commit() {
                bytes.commit();
                arrived.put(d.digest(), () -> store.putManifest(bytes.bytes(), d.mediaType(), d.digest()));
            }

            @Override
            public void abort() {
                bytes.abort();
            }
        };
    }
}
