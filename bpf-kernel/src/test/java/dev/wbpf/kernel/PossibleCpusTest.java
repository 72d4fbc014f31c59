package dev.wbpf.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PossibleCpusTest {
    @Test
    void countIsHighestIndexPlusOne() {
        assertEquals(1, PossibleCpus.parse("0\n"));
        assertEquals(2, PossibleCpus.parse("0-1\n"));
        assertEquals(6, PossibleCpus.parse("0,2-5"));
        assertThrows(IllegalArgumentException.class, () -> PossibleCpus.parse("\n"));
    }

    @Test
    void thisMachineHasAtLeastOne() {
        assertTrue(PossibleCpus.count() >= Runtime.getRuntime().availableProcessors());
    }
}
