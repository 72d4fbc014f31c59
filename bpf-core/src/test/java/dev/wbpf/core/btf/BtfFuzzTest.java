package dev.wbpf.core.btf;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.wbpf.core.BpfFormatException;
import java.time.Duration;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Random corruption of real clang output. The only acceptable failure is BpfFormatException;
 * anything else (index out of bounds, negative array size, out of memory, stack overflow, a hang)
 * is a bug. Parsed survivors are also walked: dump, layout of every type, re-encoding.
 */
class BtfFuzzTest {
    private static final int ROUNDS = 20_000;

    @Test
    void mutatedBtfAndBtfExtOnlyEverFailWithBpfFormatException() {
        var object = BpfTools.compile("core");
        byte[] btf = BpfTools.section(object, ".BTF");
        byte[] ext = BpfTools.section(object, ".BTF.ext");
        SplittableRandom random = new SplittableRandom(0x5eed);
        assertTimeoutPreemptively(Duration.ofMinutes(2), () -> {
            for (int round = 0; round < ROUNDS; round++) {
                boolean mutateExt = random.nextBoolean();
                byte[] b = mutateExt ? btf : mutate(btf, random);
                byte[] e = mutateExt ? mutate(ext, random) : ext;
                exercise(b, e);
            }
            for (int length = 0; length < btf.length; length++) {
                exercise(Arrays.copyOf(btf, length), ext);
            }
            for (int length = 0; length < ext.length; length++) {
                exercise(btf, Arrays.copyOf(ext, length));
            }
        });
    }

    private static byte[] mutate(byte[] original, SplittableRandom random) {
        byte[] b = original.clone();
        int edits = 1 + random.nextInt(8);
        for (int i = 0; i < edits; i++) {
            int at = random.nextInt(b.length);
            switch (random.nextInt(4)) {
                case 0 -> b[at] = (byte) random.nextInt(256);
                case 1 -> b[at] ^= (byte) (1 << random.nextInt(8));
                case 2 -> b[at] = (byte) (random.nextBoolean() ? 0xff : 0);
                default -> { // a small type id or count, the values most likely to create loops
                    b[at] = (byte) random.nextInt(16);
                }
            }
        }
        return b;
    }

    private static void exercise(byte[] btfBytes, byte[] extBytes) {
        Btf btf;
        try {
            btf = Btf.parse("fuzz.btf", btfBytes);
        } catch (BpfFormatException expected) {
            return;
        }
        for (int id = 0; id < btf.typeCount(); id++) {
            int current = id;
            tolerate(() -> btf.sizeOf(current));
            tolerate(() -> btf.alignOf(current));
            tolerate(() -> btf.resolve(current));
        }
        tolerate(() -> BtfRawDump.dump(btf));
        tolerate(btf::toBytes);
        tolerate(() -> BtfExt.parse("fuzz.btf.ext", extBytes, btf));
    }

    private static void tolerate(Runnable action) {
        try {
            action.run();
        } catch (BpfFormatException expected) {
            // fine: corrupt input, reported as such
        }
    }
}
