package dev.wbpf.registry;

import dev.wbpf.packaging.Reference;
import dev.wbpf.packaging.Digest;
import dev.wbpf.packaging.Descriptor;
import dev.wbpf.packaging.MediaTypes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What docker-registry 2.8 does not do (bearer tokens, paged tag lists, redirects to storage,
 * 429/503), served by a small in-test HTTP server that answers the way the specs say.
 */
class FakeRegistryTest {
    HttpServer server;
    String host;
    final List<String> tokenQueries = new CopyOnWriteArrayList<>();
    final Map<String, String> storageAuth = new ConcurrentHashMap<>();
    final AtomicInteger busy = new AtomicInteger();
    static final byte[] MANIFEST = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"layers\":[]}"
            .getBytes(StandardCharsets.UTF_8);
    static final byte[] BLOB = "stored elsewhere".getBytes(StandardCharsets.UTF_8);

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        host = "127.0.0.1:" + server.getAddress().getPort();
        server.createContext("/token", ex -> {
            tokenQueries.add(ex.getRequestURI().getRawQuery());
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            send(ex, 200, Map.of(), ("{\"token\":\"" + (auth == null ? "anon" : "user") + "\",\"expires_in\":300}").getBytes());
        });
        server.createContext("/storage/", ex -> {
            storageAuth.put(ex.getRequestURI().getPath(), String.valueOf(ex.getRequestHeaders().getFirst("Authorization")));
            send(ex, 200, Map.of(), BLOB);
        });
        server.createContext("/v2/", this::v2);
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private void v2(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        String query = ex.getRequestURI().getRawQuery();
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        if (path.startsWith("/v2/private/") || path.startsWith("/v2/public/")) {
            String repo = path.split("/")[2] + "/" + path.split("/")[3];
            boolean ok = path.startsWith("/v2/public/") ? auth != null && auth.startsWith("Bearer ")
                    : "Bearer user".equals(auth);
            if (!ok) {
                send(ex, 401, Map.of("WWW-Authenticate", "Bearer realm=\"http://" + host + "/token\",service=\"fake\",scope=\"repository:"
                        + repo + ":pull\""), "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"authentication required\"}]}".getBytes());
                return;
            }
            send(ex, 200, Map.of("Content-Type", MediaTypes.OCI_MANIFEST, "Docker-Content-Digest", Digest.of(MANIFEST).toString()),
                    MANIFEST);
        } else if (path.equals("/v2/paged/tags/list")) {
            String last = query != null && query.contains("last=") ? query.substring(query.indexOf("last=") + 5) : "";
            List<String> all = List.of("a", "b", "c", "d", "e");
            List<String> page = all.stream().filter(t -> t.compareTo(last) > 0).limit(2).toList();
            Map<String, String> headers = page.getLast().equals("e") ? Map.of()
                    : Map.of("Link", "</v2/paged/tags/list?n=2&last=" + page.getLast() + ">; rel=\"next\"");
            send(ex, 200, headers, ("{\"name\":\"paged\",\"tags\":[\"" + String.join("\",\"", page) + "\"]}").getBytes());
        } else if (path.startsWith("/v2/redirect/blobs/")) {
            send(ex, 307, Map.of("Location", "http://" + host + "/storage/blob-1"), new byte[0]);
        } else if (path.equals("/v2/busy/manifests/v1")) {
            if (busy.incrementAndGet() <= 2) {
                send(ex, 429, Map.of("Retry-After", "0"), "{\"errors\":[{\"code\":\"TOOMANYREQUESTS\",\"message\":\"slow down\"}]}".getBytes());
            } else {
                send(ex, 200, Map.of("Content-Type", MediaTypes.OCI_MANIFEST), MANIFEST);
            }
        } else if (path.equals("/v2/down/manifests/v1")) {
            send(ex, 503, Map.of(), new byte[0]);
        } else {
            send(ex, 404, Map.of(), "{\"errors\":[{\"code\":\"NAME_UNKNOWN\",\"message\":\"repository name not known to registry\"}]}".getBytes());
        }
    }

    private static void send(HttpExchange ex, int status, Map<String, String> headers, byte[] body) throws IOException {
        ex.getRequestBody().readAllBytes();
        headers.forEach((k, v) -> ex.getResponseHeaders().add(k, v));
        boolean noBody = ex.getRequestMethod().equals("HEAD") || body.length == 0;
        ex.sendResponseHeaders(status, noBody ? -1 : body.length);
        if (!noBody) {
            ex.getResponseBody().write(body);
        }
        ex.close();
    }

    private RegistryClient client(CredentialStore creds) throws IOException {
        return RegistryClient.builder().plainHttp(host).credentials(creds)
                .retry(new RetryPolicy(4, Duration.ofMillis(10), Duration.ofMillis(50), Duration.ofSeconds(5))).build();
    }

    private Reference ref(String rest) {
        return Reference.parse(host + "/" + rest);
    }

    @Test
    void anonymousBearerTokenForPublicPullsIsCachedPerScope() throws IOException {
        RegistryClient client = client(CredentialStore.none());
        assertArrayEquals(MANIFEST, client.pullManifest(ref("public/app:v1")).content());
        assertArrayEquals(MANIFEST, client.pullManifest(ref("public/app:v2")).content());
        assertEquals(List.of("service=fake&scope=repository%3Apublic%2Fapp%3Apull"), tokenQueries);
    }

    @Test
    void bearerTokenWithCredentials() throws IOException {
        RegistryClient anonymous = client(CredentialStore.none());
        AuthenticationException e = assertThrows(AuthenticationException.class,
                () -> anonymous.pullManifest(ref("private/app:v1")));
        assertEquals("registry " + host + " asked for credentials: run `wbpf login " + host + "`", e.getMessage());
        RegistryClient client = client(r -> java.util.Optional.of(new Credentials("u", "p")));
        assertArrayEquals(MANIFEST, client.pullManifest(ref("private/app:v1")).content());
    }

    @Test
    void tagsArePagedThroughLinkHeaders() throws IOException {
        assertEquals(List.of("a", "b", "c", "d", "e"), client(CredentialStore.none()).listTags(ref("paged"), 2));
    }

    @Test
    void blobRedirectsAreFollowedWithoutCredentials() throws IOException {
        Descriptor blob = Descriptor.of("application/octet-stream", BLOB);
        BlobSink.Bytes sink = BlobSink.toBytes();
        client(r -> java.util.Optional.of(new Credentials("u", "p"))).pullBlob(ref("redirect"), blob, sink);
        assertArrayEquals(BLOB, sink.bytes());
        assertEquals("null", storageAuth.get("/storage/blob-1"));
    }

    @Test
    void tooManyRequestsIsRetried() throws IOException {
        assertArrayEquals(MANIFEST, client(CredentialStore.none()).pullManifest(ref("busy:v1")).content());
        assertEquals(3, busy.get());
    }

    @Test
    void retriesAreBoundedThenTheStatusIsReported() throws IOException {
        RegistryErrorException e = assertThrows(RegistryErrorException.class,
                () -> client(CredentialStore.none()).pullManifest(ref("down:v1")));
        assertEquals(503, e.status());
        assertTrue(e.getMessage().startsWith("registry " + host + " answered 503"), e.getMessage());
    }
}
