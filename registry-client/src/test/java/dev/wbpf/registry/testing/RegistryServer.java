package dev.wbpf.registry.testing;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real CNCF distribution registry ({@code docker-registry}) for tests, on a free loopback port
 * with filesystem storage in a directory of the test's: plain HTTP, or TLS with a self-signed
 * certificate made here and htpasswd (bcrypt) Basic auth. It can be stopped and started again on
 * the same port and storage (upload sessions survive: the HTTP secret is fixed).
 */
public final class RegistryServer implements AutoCloseable {
    private final Path dir;
    private final int port;
    private final boolean tls;
    private Process process;

    private RegistryServer(Path dir, int port, boolean tls) {
        this.dir = dir;
        this.port = port;
        this.tls = tls;
    }

    public static boolean required() {
        return "1".equals(System.getenv("WBPF_REQUIRE_REGISTRY"));
    }

    /** The docker-registry binary, or null. */
    public static Path binary() {
        return onPath("docker-registry");
    }

    public static Path onPath(String program) {
        String path = System.getenv().getOrDefault("PATH", "") + File.pathSeparator + "/usr/bin" + File.pathSeparator + "/usr/sbin";
        for (String d : path.split(File.pathSeparator)) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, program))) {
                return Path.of(d, program);
            }
        }
        return null;
    }

    /** A plain-HTTP registry without auth. */
    public static RegistryServer startPlain(Path dir) throws IOException {
        RegistryServer server = new RegistryServer(dir, freePort(), false);
        server.writeConfig(null);
        server.start();
        return server;
    }

    /** A TLS registry (self-signed certificate for 127.0.0.1, see {@link #caFile()}) with one htpasswd user. */
    public static RegistryServer startTls(Path dir, String user, String password) throws IOException {
        RegistryServer server = new RegistryServer(dir, freePort(), true);
        Files.createDirectories(dir);
        run(List.of(tool("openssl"), "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                "-keyout", dir.resolve("key.pem").toString(), "-out", dir.resolve("cert.pem").toString(),
                "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"), null);
        String line = run(List.of(tool("htpasswd"), "-nbB", user, password), null);
        Files.writeString(dir.resolve("htpasswd"), line.trim() + "\n");
        server.writeConfig("""
                  tls:
                    certificate: %s
                    key: %s
                auth:
                  htpasswd:
                    realm: wbpf-test
                    path: %s
                """.formatted(dir.resolve("cert.pem"), dir.resolve("key.pem"), dir.resolve("htpasswd")));
        server.start();
        return server;
    }

    private void writeConfig(String extra) throws IOException {
        Files.createDirectories(dir.resolve("storage"));
        String config = """
                version: 0.1
                log:
                  level: error
                  accesslog:
                    disabled: true
                storage:
                  filesystem:
                    rootdirectory: %s
                  delete:
                    enabled: true
                  maintenance:
                    uploadpurging:
                      enabled: false
                http:
                  addr: 127.0.0.1:%d
                  secret: wbpf-test-secret-that-survives-restarts
                """.formatted(dir.resolve("storage"), port);
        Files.writeString(dir.resolve("config.yml"), config + (extra == null ? "" : extra));
    }

    /** Starts (again) on the same port and storage, and waits until it accepts connections. */
    public synchronized void start() throws IOException {
        Path bin = binary();
        if (bin == null) {
            throw new IllegalStateException("docker-registry is not installed (Debian package docker-registry), and"
                    + " WBPF_REQUIRE_REGISTRY=1 requires the registry tests");
        }
        process = new ProcessBuilder(bin.toString(), "serve", dir.resolve("config.yml").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("registry.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("docker-registry exited: " + Files.readString(dir.resolve("registry.log")));
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
                return;
            } catch (IOException notYet) {
                sleep(50);
            }
        }
        stop();
        throw new IOException("docker-registry did not listen on 127.0.0.1:" + port + " within 20 s");
    }

    /** Stops the registry process (storage stays). */
    public synchronized void stop() {
        if (process != null && process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void close() {
        stop();
    }

    /** {@code 127.0.0.1:PORT}. */
    public String address() {
        return "127.0.0.1:" + port;
    }

    public boolean tls() {
        return tls;
    }

    /** The PEM certificate to trust (TLS registries only). */
    public Path caFile() {
        return dir.resolve("cert.pem");
    }

    public Path storage() {
        return dir.resolve("storage");
    }

    /** Where the registry keeps a blob's bytes (sha256 digests). */
    public Path blobData(String digest) {
        String hex = digest.substring(digest.indexOf(':') + 1);
        return storage().resolve("docker/registry/v2/blobs/sha256").resolve(hex.substring(0, 2)).resolve(hex).resolve("data");
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** A tool the registry tests need: skips the test where it is missing, fails when the tests are required. */
    public static String tool(String name) {
        Path p = onPath(name);
        if (p == null) {
            String why = name + " is not installed (scripts/setup installs what the registry tests need)";
            org.junit.jupiter.api.Assumptions.assumeTrue(required(), why);
            throw new IllegalStateException(why + ", and WBPF_REQUIRE_REGISTRY=1 requires the registry tests");
        }
        return p.toString();
    }

    /** Runs a command, returns its standard output, throws with its output when it fails. */
    public static String run(List<String> command, Path workDir) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(false);
        if (workDir != null) {
            builder.directory(workDir.toFile());
        }
        Process p = builder.start();
        p.getOutputStream().close();
        byte[] out;
        byte[] err;
        try (var o = p.getInputStream(); var e = p.getErrorStream()) {
            // small outputs: read one then the other
            out = o.readAllBytes();
            err = e.readAllBytes();
        }
        try {
            if (p.waitFor() != 0) {
                throw new IOException(String.join(" ", command) + " failed (" + p.exitValue() + "): "
                        + new String(err, StandardCharsets.UTF_8) + new String(out, StandardCharsets.UTF_8));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        return new String(out, StandardCharsets.UTF_8);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
