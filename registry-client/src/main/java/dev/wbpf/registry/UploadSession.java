package dev.wbpf.registry;

import dev.wbpf.packaging.Reference;
import dev.wbpf.packaging.Descriptor;
import java.net.URI;

/**
 * An open blob upload: where to send the next chunk, and how many bytes the registry has
 * acknowledged so far.
 */
public record UploadSession(Reference repository, Descriptor blob, URI location, long committed) {
}
