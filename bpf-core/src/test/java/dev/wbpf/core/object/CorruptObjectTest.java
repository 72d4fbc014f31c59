package dev.wbpf.core.object;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.wbpf.core.BpfFormatException;
import dev.wbpf.core.testing.Fixtures;
import dev.wbpf.core.elf.ElfFile;
import dev.wbpf.core.elf.ElfSection;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Bad input must end in {@link BpfFormatException} naming the file and the problem, never in
 * any other exception, an OutOfMemoryError or a hang.
 */
class CorruptObjectTest {
    private static final String FILE = "broken.bpf.o";
    private static ExecutorService worker;

    @BeforeAll
    static void startWorker() {
        worker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "corrupt-object-reader");
            t.setDaemon(true);
            return t;
        });
    }

    @AfterAll
    static void stopWorker() {
        worker.shutdownNow();
    }

    @Test
    void truncatedFileNamesTheFile() {
        byte[] bytes = Arrays.copyOf(Fixtures.objectBytes("xdp_parse"), 40);
        BpfFormatException e = assertThrows(BpfFormatException.class, () -> BpfObjectReader.read(FILE, bytes));
        assertTrue(e.getMessage().startsWith(FILE + ": "), e.getMessage());
    }

    @Test
    void notAnElfFile() {
        byte[] bytes = "#!/bin/sh\necho this is not an object\n".repeat(4).getBytes();
        BpfFormatException e = assertThrows(BpfFormatException.class, () -> BpfObjectReader.read(FILE, bytes));
        assertTrue(e.problem().toLowerCase().contains("elf"), e.getMessage());
    }

    @Test
    void wrongMachineIsNamed() {
        byte[] bytes = Fixtures.objectBytes("xdp_parse");
        bytes[18] = 62; // EM_X86_64
        bytes[19] = 0;
        BpfFormatException e = assertThrows(BpfFormatException.class, () -> BpfObjectReader.read(FILE, bytes));
        assertTrue(e.problem().contains("not a BPF object"), e.getMessage());
    }

    @Test
    void bigEndianObjectsAreRefusedClearly() {
        byte[] bytes = Fixtures.objectBytes("xdp_parse");
        bytes[5] = 2; // ELFDATA2MSB
        BpfFormatException e = assertThrows(BpfFormatException.class, () -> BpfObjectReader.read(FILE, bytes));
        assertTrue(e.problem().contains("big-endian"), e.getMessage());
    }

    @Test
    void mapsWithoutBtfAreExplained() {
        byte[] bytes = Fixtures.objectBytes("execsnoop");
        ElfFile elf = ElfFile.parse(FILE, bytes);
        renameSection(bytes, elf, ".BTF", ".XTF");
        BpfFormatException e = assertThrows(BpfFormatException.class, () -> BpfObjectReader.read(FILE, bytes));
        assertTrue(e.problem().contains("no .BTF"), e.getMessage());
    }

    @Test
    void danglingRelocationIsNamed() {
        byte[] bytes = Fixtures.objectBytes("execsnoop");
        ElfFile elf = ElfFile.parse(FILE, bytes);
        ElfSection rel = elf.sections().stream().filter(s -> s.name().equals(".reltp/syscalls/sys_enter_execve"))
                .findFirst().orElseThrow();
        // Point the first relocation's symbol index past the end of the symbol table.
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long info = buf.getLong((int) rel.offset() + 8);
        buf.putLong((int) rel.offset() + 8, (info & 0xffffffffL) | ((long) 0x7fff_0000 << 32));
        BpfFormatException e = assertThrows(BpfFormatException.class, () -> BpfObjectReader.read(FILE, bytes));
        assertTrue(e.problem().contains("symbol"), e.getMessage());
    }

    /**
     * Thousands of random variants of every fixture: byte flips anywhere, bytes inside one
     * section, header and section-header fields set to extreme values, truncation. Each variant
     * gets two seconds; the count is fixed so the test does the same work everywhere.
     */
    @Test
    void randomCorruptionOnlyEverRaisesBpfFormatException() throws Exception {
        Random random = new Random(0x5eed_b9f);
        int variants = 0;
        int rejected = 0;
        for (String name : Fixtures.objectNames()) {
            byte[] original = Fixtures.objectBytes(name);
            List<ElfSection> sections = ElfFile.parse(name, original).sections();
            int perFixture = original.length > 100_000 ? 600 : 1500;
            for (int i = 0; i < perFixture; i++) {
                byte[] variant = mutate(original, sections, random);
                variants++;
                Future<?> parse = worker.submit(() -> BpfObjectReader.read(FILE, variant));
                try {
                    parse.get(2, TimeUnit.SECONDS);
                } catch (java.util.concurrent.ExecutionException e) {
                    Throwable cause = e.getCause();
                    if (!(cause instanceof BpfFormatException)) {
                        throw new AssertionError(name + " variant " + i + " escaped with " + cause, cause);
                    }
                    assertTrue(cause.getMessage().startsWith(FILE + ": "), cause.getMessage());
                    rejected++;
                } catch (TimeoutException e) {
                    parse.cancel(true);
                    fail(name + " variant " + i + " did not finish within 2 s");
                }
            }
        }
        System.out.printf("corrupt-object test: %d variants, %d rejected with BpfFormatException, %d still parsed%n",
                variants, rejected, variants - rejected);
        assertTrue(variants >= 10_000);
        assertTrue(rejected > variants / 10, "the mutations must actually break files: " + rejected);
    }

    private static byte[] mutate(byte[] original, List<ElfSection> sections, Random random) {
        byte[] b = original.clone();
        switch (random.nextInt(5)) {
            case 0 -> { // flip a few bytes anywhere
                for (int k = 1 + random.nextInt(8); k > 0; k--) {
                    b[random.nextInt(b.length)] ^= (byte) (1 + random.nextInt(255));
                }
            }
            case 1 -> { // scribble inside one section's contents
                ElfSection s = sections.get(random.nextInt(sections.size()));
                if (s.type() != ElfSection.SHT_NOBITS && s.size() > 0 && s.offset() + s.size() <= b.length) {
                    for (int k = 1 + random.nextInt(4); k > 0; k--) {
                        b[(int) (s.offset() + random.nextLong(s.size()))] = (byte) random.nextInt(256);
                    }
                }
            }
            case 2 -> { // an extreme value in a section header field
                ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
                long shoff = buf.getLong(0x28);
                int index = random.nextInt(sections.size());
                int field = 4 * random.nextInt(16);
                buf.putInt((int) shoff + index * 64 + field, extreme(random));
            }
            case 3 -> { // an extreme value in the ELF header
                ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
                buf.putInt(16 + 4 * random.nextInt(12), extreme(random));
            }
            default -> { // truncate
                return Arrays.copyOf(b, random.nextInt(b.length));
            }
        }
        return b;
    }

    private static int extreme(Random random) {
        int[] values = {0, 1, -1, 0x7fffffff, 0x80000000, 0xffff, 0x10000, 63, 64, 4096};
        return random.nextBoolean() ? values[random.nextInt(values.length)] : random.nextInt();
    }

    private static void renameSection(byte[] bytes, ElfFile elf, String from, String to) {
        assertEquals(from.length(), to.length());
        ElfSection shstrtab = elf.sections().get(ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getShort(0x3e));
        byte[] needle = (from + "\0").getBytes();
        int start = (int) shstrtab.offset();
        for (int i = start; i < start + shstrtab.size() - needle.length; i++) {
            if (Arrays.equals(bytes, i, i + needle.length, needle, 0, needle.length)) {
                System.arraycopy(to.getBytes(), 0, bytes, i, to.length());
                return;
            }
        }
        fail("no section name " + from);
    }
}
