package dev.wbpf.wasm;

import com.dylibso.chicory.compiler.Cache;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * Chicory's compiled classes for a module, kept on disk by module digest, so a module is compiled
 * once rather than on every run (compiling costs a few hundred ms). Default location:
 * {@code $XDG_CACHE_HOME/wbpf/chicory-VERSION-LAYOUT} or {@code ~/.cache/wbpf/chicory-VERSION-LAYOUT}.
 *
 * <p>Beside an entry, an empty {@code .whole} file says that every function of the module compiled
 * (none falls back to the interpreter), so a run can skip parsing its function bodies. Under
 * {@code known/}, a copy of each module with its digest lets a run find the digest by comparing
 * bytes instead of hashing them (SHA-256 is ~10 ms of cold code at start-up).
 */
public final class CompiledModuleCache implements Cache {
    /** The layout of entries, markers and known/ described above. */
    private static final int LAYOUT = 2;
    private final Path dir;

    public CompiledModuleCache(Path dir) {
        this.dir = dir;
    }

    public static CompiledModuleCache defaultLocation() {
        return defaultLocation(System.getenv(), System.getProperty("user.home"));
    }

    /** {@code $XDG_CACHE_HOME}, else {@code $HOME/.cache} as the XDG spec says (Java's user.home comes from the password file), else {@code userHome}. */
    static CompiledModuleCache defaultLocation(java.util.Map<String, String> env, String userHome) {
        String xdg = env.get("XDG_CACHE_HOME");
        String home = env.get("HOME");
        Path base = xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute() ? Path.of(xdg)
                : Path.of(home != null && !home.isBlank() ? home : userHome, ".cache");
        // keyed by Chicory's version (its compiled classes are not stable across versions) and by
        // this layout's: entries of layout 1 have no .whole markers, so they would never be used whole
        return new CompiledModuleCache(base.resolve("wbpf").resolve("chicory-" + chicoryVersion() + "-" + LAYOUT));
    }

    private static String chicoryVersion() {
        String v = Cache.class.getPackage().getImplementationVersion();
        return v == null ? "1.7.5" : v;
    }

    /**
     * The default location, if compiled modules can be kept there (it is, or can be made, a
     * writable directory): without a writable home a run compiles every time instead.
     */
    public static java.util.Optional<CompiledModuleCache> defaultIfWritable() {
        return ifWritable(defaultLocation().dir);
    }

    /** A cache in {@code dir} if it is, or can be made, a writable directory. */
    public static java.util.Optional<CompiledModuleCache> ifWritable(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException | SecurityException e) {
            return java.util.Optional.empty();
        }
        return Files.isWritable(dir) ? java.util.Optional.of(new CompiledModuleCache(dir)) : java.util.Optional.empty();
    }

    public Path directory() {
        return dir;
    }

    private Path file(String key) {
        return dir.resolve(fileName(key) + ".bin");
    }

    private Path wholeMarker(String key) {
        return dir.resolve(fileName(key) + ".whole");
    }

    private static String fileName(String key) {
        return key.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    /** Whether the module with this digest is cached. */
    public boolean contains(String key) {
        return Files.exists(file(key));
    }

    /** Whether the module with this digest is cached and compiled whole (see the class comment). */
    public boolean compiledWhole(String key) {
        return Files.exists(wholeMarker(key)) && Files.exists(file(key));
    }

    /** Records that the module cached under {@code key} compiled whole. */
    void markCompiledWhole(String key) throws IOException {
        try {
            Files.createFile(wholeMarker(key));
        } catch (FileAlreadyExistsException e) {
            // another run said so first
        }
    }

    /**
     * The key the module's compiled classes are cached under: Chicory's digest of its bytes, taken
     * from an earlier run's copy of these very bytes where there is one.
     */
    public String digest(byte[] wasm) {
        Path known = dir.resolve("known").resolve(wasm.length + "-" + Long.toHexString(crc32c(wasm)) + ".bin");
        try {
            byte[] entry = Files.readAllBytes(known);
            int newline = indexOf(entry, (byte) '\n');
            if (newline > 0 && Arrays.equals(entry, newline + 1, entry.length, wasm, 0, wasm.length)) {
                return new String(entry, 0, newline, StandardCharsets.US_ASCII);
            }
        } catch (NoSuchFileException e) {
            // not seen before
        } catch (IOException e) {
            // hash it then
        }
        String digest = ModuleParsing.digest(wasm);
        try {
            byte[] line = (digest + "\n").getBytes(StandardCharsets.US_ASCII);
            byte[] entry = Arrays.copyOf(line, line.length + wasm.length);
            System.arraycopy(wasm, 0, entry, line.length, wasm.length);
            writeAtomically(known, entry);
        } catch (IOException e) {
            // the next run hashes again
        }
        return digest;
    }

    private static long crc32c(byte[] bytes) {
        CRC32C crc = new CRC32C();
        crc.update(bytes);
        return crc.getValue();
    }

    private static int indexOf(byte[] bytes, byte b) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CompiledModuleCache other && other.dir.equals(dir);
    }

    @Override
    public int hashCode() {
        return dir.hashCode();
    }

    @Override
    public byte[] get(String key) throws IOException {
        try {
            return Files.readAllBytes(file(key));
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    @Override
    public void putIfAbsent(String key, byte[] data) throws IOException {
        Path target = file(key);
        if (!Files.exists(target)) {
            writeAtomically(target, data);
        }
    }

    /** Writes a whole file or nothing, so a concurrent run never reads half of one. */
    private static void writeAtomically(Path target, byte[] data) throws IOException {
        Files.createDirectories(target.getParent());
        Path tmp = Files.createTempFile(target.getParent(), "tmp-", ".bin");
        try {
            Files.write(tmp, data);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException e) {
            // another process won the race: theirs is as good as ours
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
