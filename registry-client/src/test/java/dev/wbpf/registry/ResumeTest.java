package dev.wbpf.registry;

import dev.wbpf.packaging.Reference;
import dev.wbpf.packaging.Descriptor;
import dev.wbpf.packaging.RawManifest;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wbpf.registry.testing.MemoryContent;
import dev.wbpf.registry.testing.RegistryServer;
import dev.wbpf.registry.testing.RegistryTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The registry stopped in the middle of a push. */
@RegistryTest
class ResumeTest {
    @TempDir
    Path dir;
    RegistryServer registry;
    final List<String> requests = Collections.synchronizedList(new ArrayList<>());

    @BeforeEach
    void start() throws IOException {
        registry = RegistryServer.startPlain(dir.resolve("registry"));
    }

    @AfterEach
    void stop() {
        registry.close();
    }

    /** A client that stops the registry right after the {@code stopAfter}-th PATCH was answered. */
    private RegistryClient client(int stopAfter) throws IOException {
        AtomicInteger patches = new AtomicInteger();
        return RegistryClient.builder().plainHttp(registry.address()).chunkSize(1000)
                .retry(new RetryPolicy(2, Duration.ofMillis(20), Duration.ofMillis(50), Duration.ofSeconds(2)))
                .addInterceptor(chain -> {
                    requests.add(chain.request().method() + " " + chain.request().uri().getPath());
                    var response = chain.proceed(chain.request());
                    if (chain.request().method().equals("PATCH") && patches.incrementAndGet() == stopAfter) {
                        registry.stop();
                    }
                    return response;
                }).build();
    }

    private Reference ref(String rest) {
        return Reference.parse(registry.address() + "/" + rest);
    }

    @Test
    void aStoppedRegistryIsAClearErrorAndASecondPushSkipsWhatWasUploaded() throws IOException {
        MemoryContent local = new MemoryContent();
        byte[] small = "small layer".getBytes(StandardCharsets.UTF_8);
        byte[] big = PlainRegistryTest.random(5500, 7);
        RawManifest manifest = local.artifact("application/vnd.wbpf.test", small, big);
        // config and the small layer go up whole; the big one in 6 chunks, and the registry dies after the 2nd.
        RegistryClient first = client(2);
        UploadInterruptedException e = assertThrows(UploadInterruptedException.class,
                () -> first.push(ref("resume/app:v1"), manifest, local, null));
        assertTrue(e.getMessage().startsWith("upload of blob " + manifest.children().get(2).digest() + " to registry "
                + registry.address() + " stopped after 2000 of 5500 bytes: connection refused"), e.getMessage());
        assertTrue(e.getMessage().endsWith("push again to continue"), e.getMessage());

        registry.start();
        requests.clear();
        PushResult second = client(-1).push(ref("resume/app:v1"), manifest, local, null);
        assertEquals(List.of(manifest.children().get(0).digest(), manifest.children().get(1).digest()), second.existing());
        assertEquals(List.of(manifest.children().get(2).digest()), second.uploaded());

        MemoryContent pulled = new MemoryContent();
        client(-1).pull(ref("resume/app:v1"), pulled);
        assertArrayEquals(big, pulled.blobs.get(manifest.children().get(2).digest()));
    }

    @Test
    void anInterruptedUploadResumesFromWhereTheRegistrySaysItGot() throws IOException {
        byte[] content = PlainRegistryTest.random(4500, 8);
        Descriptor blob = Descriptor.of("application/octet-stream", content);
        UploadInterruptedException e = assertThrows(UploadInterruptedException.class,
                () -> client(3).pushBlob(ref("resume/blob"), blob, BlobSource.of(content)));
        assertEquals(3000, e.session().committed());

        registry.start();
        requests.clear();
        client(-1).resumeUpload(e.session(), BlobSource.of(content));
        // GET asks where the upload stands; then only the two chunks left, and the closing PUT.
        assertEquals("GET", requests.getFirst().split(" ")[0], requests.toString());
        assertEquals(2, requests.stream().filter(r -> r.startsWith("PATCH")).count(), requests.toString());
        BlobSink.Bytes sink = BlobSink.toBytes();
        client(-1).pullBlob(ref("resume/blob"), blob, sink);
        assertArrayEquals(content, sink.bytes());
    }
}
