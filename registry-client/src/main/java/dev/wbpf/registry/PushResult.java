package dev.wbpf.registry;

import dev.wbpf.packaging.Digest;
import java.util.List;

/**
 * What a push did: the manifest's digest, and which blobs it uploaded, found already there, or
 * mounted from another repository.
 */
public record PushResult(Digest manifest, List<Digest> uploaded, List<Digest> existing, List<Digest> mounted) {
    public PushResult {
        uploaded = List.copyOf(uploaded);
        existing = List.copyOf(existing);
        mounted = List.copyOf(mounted);
    }
}
