package dev.wbpf.core.backend;

import dev.wbpf.core.object.BpfObjectSpec;
import java.util.List;
import java.util.Optional;

/**
 * A loaded object: its programs and maps, alive until {@link #close()}, which detaches every
 * link made through its programs and releases every map and program.
 */
public interface BpfObject extends AutoCloseable {

    BpfObjectSpec spec();

    List<? extends BpfProgram> programs();

    default Optional<BpfProgram> program(String name) {
        return programs().stream().filter(p -> p.name().equals(name)).map(p -> (BpfProgram) p).findFirst();
    }

    /** The object's maps, global data maps ({@code .rodata}, {@code .bss}, ...) included. */
    List<? extends BpfMap> maps();

    default Optional<BpfMap> map(String name) {
        return maps().stream().filter(m -> m.name().equals(name)).map(m -> (BpfMap) m).findFirst();
    }

    /** Detaches all links and frees everything; calling it again does nothing. */
    @Override
    void close();
}
