package dev.wbpf.registry;

import dev.wbpf.packaging.Descriptor;
import java.io.IOException;

/**
 * What {@link RegistryClient#pull} writes to. Every blob and manifest, the root manifest too, is
 * written through {@link #sink} and committed only after its digest and size were checked.
 */
public interface ContentTarget {

    /** Whether the target already has this content (then it is not fetched). */
    boolean contains(Descriptor descriptor) throws IOException;

    BlobSink sink(Descriptor descriptor) throws IOException;
}
