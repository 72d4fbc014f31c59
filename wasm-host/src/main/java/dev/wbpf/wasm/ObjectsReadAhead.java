package dev.wbpf.wasm;

import com.dylibso.chicory.wasm.WasmModule;
import dev.wbpf.core.object.BpfObjectSpec;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The BPF objects embedded in a module's data segments (where a skeleton header puts them), read
 * on another thread while the guest is still starting: reading one is ~20 ms of cold code that
 * would otherwise delay the guest's first load. A guest that changes the bytes before loading
 * them (setting {@code const volatile} configuration) gets them read again, as any other object.
 */
final class ObjectsReadAhead {
    private final CompletableFuture<Map<ByteBuffer, BpfObjectSpec>> specs = new CompletableFuture<>();

    /** Nothing read ahead. */
    static ObjectsReadAhead none() {
        ObjectsReadAhead none = new ObjectsReadAhead();
        none.specs.complete(Map.of());
        return none;
    }

    /** Reads the module's embedded objects (call once, on the thread that should do the work). */
    void readFrom(WasmModule module) {
        Map<ByteBuffer, BpfObjectSpec> read = new HashMap<>();
        try {
            var segments = module.dataSection().dataSegments();
            for (int s = 0; s < segments.length; s++) {
                for (ModuleContents.EmbeddedObject object : ModuleContents.embeddedObjects(s, segments[s].data())) {
                    try {
                        read.put(ByteBuffer.wrap(object.bytes()), WasmBpfHost.readObject(object.bytes()));
                    } catch (RuntimeException | StackOverflowError e) { // BpfFormatException, or a bug
                        // the guest's load of these bytes reads them again and reports what is wrong
                    }
                }
            }
        } finally {
            specs.complete(read);
        }
    }

    /** What {@link WasmBpfHost#readObject} makes of {@code elf}, if these very bytes were read ahead (waits for the reading). */
    Optional<BpfObjectSpec> specFor(byte[] elf) {
        return Optional.ofNullable(specs.join().get(ByteBuffer.wrap(elf)));
    }
}
