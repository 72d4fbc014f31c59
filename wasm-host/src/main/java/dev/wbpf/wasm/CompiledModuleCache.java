package dev.wbpf.wasm;

import com.dylibso.chicory.compiler.Cache;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Chicory's compiled classes for a module, kept on disk by module digest, so a module is compiled
 * once rather than on every run (compiling costs a few hundred ms). Default location:
 * {@code $XDG_CACHE_HOME/wbpf/chicory} or {@code ~/.cache/wbpf/chicory}.
 */
public final class CompiledModuleCache implements Cache {
    private final Path dir;

    public CompiledModuleCache(Path dir) {
        this.dir = dir;
    }

    public static CompiledModuleCache defaultLocation() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        // keyed by Chicory's version too: its compiled classes are not stable across versions
        return new CompiledModuleCache(base.resolve("wbpf").resolve("chicory-" + chicoryVersion()));
    }

    private static String chicoryVersion() {
        String v = Cache.class.getPackage().getImplementationVersion();
        return v == null ? "1.7.5" : v;
    }

    public Path directory() {
        return dir;
    }

    private Path file(String key) {
        return dir.resolve(key.replaceAll("[^A-Za-z0-9._-]", "_") + ".bin");
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
        if (Files.exists(target)) {
            return;
        }
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "tmp-", ".bin");
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
