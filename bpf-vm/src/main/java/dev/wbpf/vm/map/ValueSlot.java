package dev.wbpf.vm.map;

/**
 * Where a map value lives: {@code length} bytes of {@code array} from {@code offset}. A program's
 * lookup turns it into a memory region, so the program reads and writes the map's own storage
 * (as it does in the kernel) and sees other CPUs' updates.
 */
public record ValueSlot(byte[] array, int offset, int length) {
}
