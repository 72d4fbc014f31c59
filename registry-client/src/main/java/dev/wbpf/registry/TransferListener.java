package dev.wbpf.registry;

import dev.wbpf.packaging.Descriptor;
/** Hears about blob transfers, e.g. to show progress. Called on the transferring thread. */
public interface TransferListener {

    TransferListener NONE = new TransferListener() {
    };

    /** {@code verb} is "push" or "pull". */
    default void started(String verb, Descriptor blob) {
    }

    default void progress(Descriptor blob, long bytesDone) {
    }

    /** {@code outcome}: "pushed", "pulled", "exists", "mounted", or "failed". */
    default void finished(Descriptor blob, String outcome) {
    }
}
