import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassFileVersion;
import java.lang.classfile.ClassHierarchyResolver;
import java.lang.classfile.ClassTransform;
import java.lang.classfile.CodeTransform;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/**
 * Build step of the CLI (run by the cli pom on target/lib, with the JDK's java launcher): rewrites
 * class files older than Java 6 (picocli and ASM ship Java 5 ones) as Java 8 class files, with the
 * stack maps the JDK computes. The JDK's AOT cache leaves such old classes out, so each run would
 * load them from their jars and check them with the slow old verifier; the bytecode is unchanged.
 * Jars without old classes are left alone, so running it twice is harmless.
 *
 * <p>Usage: {@code java UpgradeClassFiles.java DIRECTORY} (every jar in it)
 */
public final class UpgradeClassFiles {
    private static final int FIRST_WITH_STACK_MAPS = ClassFile.JAVA_6_VERSION;

    private record Jar(Path path, Manifest manifest, Map<String, byte[]> entries) {
    }

    public static void main(String[] args) throws IOException {
        Map<String, byte[]> allClasses = new HashMap<>();
        java.util.List<Jar> jars = new java.util.ArrayList<>();
        try (var files = Files.list(Path.of(args[0]))) {
            for (Path path : files.filter(p -> p.toString().endsWith(".jar")).sorted().toList()) {
                Jar jar = read(path);
                jars.add(jar);
                jar.entries().forEach((name, bytes) -> allClasses.putIfAbsent(name, bytes));
            }
        }
        // stack maps name the common superclass of merging types, which may live in another jar
        ClassHierarchyResolver libraries = ClassHierarchyResolver.ofResourceParsing(desc -> {
            String descriptor = desc.descriptorString();
            byte[] bytes = allClasses.get(descriptor.substring(1, descriptor.length() - 1) + ".class");
            return bytes == null ? null : new ByteArrayInputStream(bytes);
        });
        ClassFile classFile = ClassFile.of(ClassFile.ClassHierarchyResolverOption.of(
                libraries.orElse(ClassHierarchyResolver.defaultResolver())));
        for (Jar jar : jars) {
            upgrade(jar, classFile);
        }
    }

    private static Jar read(Path path) throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (JarInputStream in = new JarInputStream(Files.newInputStream(path), false)) {
            for (JarEntry e; (e = in.getNextJarEntry()) != null; ) {
                entries.put(e.getName(), in.readAllBytes());
            }
            return new Jar(path, in.getManifest(), entries);
        }
    }

    private static void upgrade(Jar jar, ClassFile classFile) throws IOException {
        ClassTransform toJava8 = ClassTransform.transformingMethodBodies(CodeTransform.ACCEPT_ALL)
                .andThen((builder, element) -> {
                    if (element instanceof ClassFileVersion) {
                        builder.withVersion(ClassFile.JAVA_8_VERSION, 0);
                    } else {
                        builder.with(element);
                    }
                });
        int upgraded = 0;
        for (Map.Entry<String, byte[]> e : jar.entries().entrySet()) {
            if (e.getKey().endsWith(".class") && !e.getKey().startsWith("META-INF/")
                    && majorVersion(e.getValue()) < FIRST_WITH_STACK_MAPS) {
                e.setValue(classFile.transformClass(classFile.parse(e.getValue()), toJava8));
                upgraded++;
            }
        }
        if (upgraded == 0) {
            return;
        }
        Path tmp = Files.createTempFile(jar.path().getParent(), jar.path().getFileName().toString(), ".tmp");
        try (OutputStream file = Files.newOutputStream(tmp);
             JarOutputStream out = jar.manifest() == null ? new JarOutputStream(file) : new JarOutputStream(file, jar.manifest())) {
            for (Map.Entry<String, byte[]> e : jar.entries().entrySet()) {
                out.putNextEntry(new JarEntry(e.getKey()));
                out.write(e.getValue());
                out.closeEntry();
            }
        }
        Files.setPosixFilePermissions(tmp, Files.getPosixFilePermissions(jar.path()));
        Files.move(tmp, jar.path(), StandardCopyOption.REPLACE_EXISTING);
        System.out.println("UpgradeClassFiles: " + jar.path().getFileName() + ": " + upgraded + " classes rewritten as Java 8 class files");
    }

    /** Bytes 6-7 of a class file, read without parsing the rest (most jars have no old classes). */
    private static int majorVersion(byte[] classFile) {
        return classFile.length < 8 ? Integer.MAX_VALUE : (classFile[6] & 0xff) << 8 | classFile[7] & 0xff;
    }
}
