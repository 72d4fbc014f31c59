package dev.wbpf.registry;

import dev.wbpf.packaging.Descriptor;
import dev.wbpf.packaging.RawManifest;
import java.io.IOException;

/** What {@link RegistryClient#push} reads from: a local store, a directory, memory. */
public interface ContentSource {

    /** The bytes of a blob (config, layer) the manifest names. */
    BlobSource blob(Descriptor descriptor) throws IOException;

    /** A manifest an index names (only asked when pushing an index). */
    RawManifest manifest(Descriptor descriptor) throws IOException;
}
