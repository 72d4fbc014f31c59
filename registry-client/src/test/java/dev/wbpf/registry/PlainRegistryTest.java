package dev.wbpf.registry;

import dev.wbpf.packaging.Reference;
import dev.wbpf.packaging.Digest;
import dev.wbpf.packaging.Descriptor;
import dev.wbpf.packaging.RawManifest;
import dev.wbpf.packaging.MediaTypes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wbpf.registry.testing.MemoryContent;
import dev.wbpf.registry.testing.RegistryServer;
import dev.wbpf.registry.testing.RegistryTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client against a real plain-HTTP distribution registry. */
@RegistryTest
class PlainRegistryTest {
    @TempDir
    static Path dir;
    static RegistryServer registry;

    @BeforeAll
    static void start() throws IOException {
        registry = RegistryServer.startPlain(dir.resolve("registry"));
    }

    @AfterAll
    static void stop() {
        if (registry != null) {
            registry.close();
        }
    }

    private final List<String> requests = Collections.synchronizedList(new ArrayList<>());

    private RegistryClient client(long chunkSize) throws IOException {
        return RegistryClient.builder().plainHttp(registry.address()).chunkSize(chunkSize)
                .retry(RetryPolicy.none())
                .addInterceptor(chain -> {
                    requests.add(chain.request().method() + " " + chain.request().uri().getPath());
                    return chain.proceed(chain.request());
                }).build();
    }

    private Reference ref(String rest) {
        return Reference.parse(registry.address() + "/" + rest);
    }

    static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    @Test
    void pushThenPullRoundTripsManifestAndBlobs() throws IOException {
        RegistryClient client = client(1 << 20);
        MemoryContent local = new MemoryContent();
        RawManifest manifest = local.artifact("application/vnd.wbpf.test", random(3000, 1), "readme".getBytes(StandardCharsets.UTF_8));
        PushResult pushed = client.push(ref("round/trip:v1"), manifest, local, null);
        assertEquals(manifest.digest(), pushed.manifest());
        assertEquals(3, pushed.uploaded().size());

        MemoryContent pulledInto = new MemoryContent();
        RawManifest pulled = client.pull(ref("round/trip:v1"), pulledInto);
        assertEquals(manifest.digest(), pulled.digest());
        assertEquals(MediaTypes.OCI_MANIFEST, pulled.mediaType());
        for (Descriptor d : manifest.children()) {
            assertArrayEquals(local.blobs.get(d.digest()), pulledInto.blobs.get(d.digest()), d.toString());
        }
        assertTrue(pulledInto.blobs.containsKey(manifest.digest()), "the manifest is written to the target too");

        // By digest, and HEAD.
        assertEquals(manifest.digest(), client.pullManifest(ref("round/trip@" + manifest.digest())).digest());
        assertEquals(manifest.digest(), client.headManifest(ref("round/trip:v1")).orElseThrow().digest());

        // A second push skips every blob (HEAD says they are there).
        requests.clear();
        PushResult again = client.push(ref("round/trip:v1"), manifest, local, null);
        assertEquals(List.of(), again.uploaded());
        assertEquals(3, again.existing().size());
        assertFalse(requests.stream().anyMatch(r -> r.startsWith("POST")), requests.toString());
    }

    @Test
    void anIndexAndItsManifestsRoundTrip() throws IOException {
        RegistryClient client = client(1 << 20);
        MemoryContent local = new MemoryContent();
        RawManifest amd64 = local.artifact("application/vnd.wbpf.test", "amd64".getBytes(StandardCharsets.UTF_8));
        RawManifest arm64 = local.artifact("application/vnd.wbpf.test", "arm64".getBytes(StandardCharsets.UTF_8));
        String json = """
                {"schemaVersion":2,"mediaType":"%s","manifests":[%s,%s]}""".formatted(MediaTypes.OCI_INDEX,
                MemoryContent.json(amd64.descriptor()), MemoryContent.json(arm64.descriptor()));
        RawManifest index = RawManifest.of(MediaTypes.OCI_INDEX, json.getBytes(StandardCharsets.UTF_8));
        PushResult pushed = client.push(ref("multi/arch:v1"), index, local, null);
        // both manifests, their shared config and their two layers
        assertEquals(5, pushed.uploaded().size(), pushed.toString());
        assertTrue(pushed.uploaded().containsAll(List.of(amd64.digest(), arm64.digest())), pushed.toString());

        MemoryContent pulled = new MemoryContent();
        RawManifest got = client.pull(ref("multi/arch:v1"), pulled);
        assertEquals(MediaTypes.OCI_INDEX, got.mediaType());
        assertEquals(index.digest(), got.digest());
        for (RawManifest m : List.of(amd64, arm64)) {
            assertArrayEquals(m.content(), pulled.blobs.get(m.digest()));
            for (Descriptor d : m.children()) {
                assertArrayEquals(local.blobs.get(d.digest()), pulled.blobs.get(d.digest()));
            }
        }
    }

    @Test
    void chunkedUploadOfALargerBlob() throws IOException {
        RegistryClient client = client(4096);
        byte[] content = random(50_000, 2);
        Descriptor blob = Descriptor.of("application/octet-stream", content);
        Reference repo = ref("chunked/blob");
        requests.clear();
        assertEquals(RegistryClient.BlobOutcome.UPLOADED, client.pushBlob(repo, blob, BlobSource.of(content)));
        assertEquals(13, requests.stream().filter(r -> r.startsWith("PATCH")).count(), requests.toString());
        BlobSink.Bytes sink = BlobSink.toBytes();
        client.pullBlob(repo, blob, sink);
        assertArrayEquals(content, sink.bytes());
    }

    /**
     * Chunks stream from one open source, so a store's blob is read (and checked) once; a body
     * read twice (here by an interceptor that reads it, as a signing one would) reopens the source.
     */
    @Test
    void uploadBodiesStreamFromOneOpenSourceAndABodyReadTwiceReopensIt() throws Exception {
        byte[] content = random(50_000, 9);
        Descriptor blob = Descriptor.of("application/octet-stream", content);
        AtomicInteger opens = new AtomicInteger();
        BlobSource source = new BlobSource() {
            @Override
            public long size() {
                return content.length;
            }

            @Override
            public InputStream open() {
                opens.incrementAndGet();
                return new ByteArrayInputStream(content);
            }
        };
        AtomicInteger patches = new AtomicInteger();
        List<byte[]> readByInterceptor = new ArrayList<>();
        RegistryClient client = RegistryClient.builder().plainHttp(registry.address()).chunkSize(4096)
                .retry(RetryPolicy.none())
                .addInterceptor(chain -> {
                    HttpRequest request = chain.request();
                    if (request.method().equals("PATCH") && patches.incrementAndGet() == 5) {
                        readByInterceptor.add(body(request));
                    }
                    return chain.proceed(request);
                }).build();
        assertEquals(RegistryClient.BlobOutcome.UPLOADED, client.pushBlob(ref("bodies/chunked"), blob, source));
        assertEquals(13, patches.get());
        assertArrayEquals(Arrays.copyOfRange(content, 4 * 4096, 5 * 4096), readByInterceptor.getFirst());
        assertEquals(2, opens.get(), "opened once for all chunks, once more for the chunk read twice");
        BlobSink.Bytes sink = BlobSink.toBytes();
        client.pullBlob(ref("bodies/chunked"), blob, sink);
        assertArrayEquals(content, sink.bytes());

        opens.set(0);
        byte[] small = random(3000, 10);
        Descriptor smallBlob = Descriptor.of("application/octet-stream", small);
        requests.clear();
        client(4096).pushBlob(ref("bodies/whole"), smallBlob, BlobSource.of(small));
        assertEquals(List.of("HEAD", "POST", "PUT"), requests.stream().map(r -> r.split(" ")[0]).toList(),
                "a blob up to the chunk size goes up in one PUT");
    }

    /** Reads a request's body the way the HTTP client does, by subscribing to its publisher. */
    private static byte[] body(HttpRequest request) throws IOException {
        CompletableFuture<byte[]> done = new CompletableFuture<>();
        request.bodyPublisher().orElseThrow().subscribe(new Flow.Subscriber<ByteBuffer>() {
            private final java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();

            @Override
            public void onSubscribe(Flow.Subscription subscription) {
                subscription.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(ByteBuffer item) {
                byte[] b = new byte[item.remaining()];
                item.get(b);
                out.writeBytes(b);
            }

            @Override
            public void onError(Throwable throwable) {
                done.completeExceptionally(throwable);
            }

            @Override
            public void onComplete() {
                done.complete(out.toByteArray());
            }
        });
        try {
            return done.get(10, TimeUnit.SECONDS);
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            throw new IOException("reading the request body failed", e);
        }
    }

    @Test
    void crossRepositoryMount() throws IOException {
        RegistryClient client = client(1 << 20);
        byte[] content = random(1000, 3);
        Descriptor blob = Descriptor.of("application/octet-stream", content);
        client.pushBlob(ref("mount/source"), blob, BlobSource.of(content));
        assertEquals(RegistryClient.BlobOutcome.MOUNTED,
                client.pushBlob(ref("mount/target"), blob, BlobSource.of(content), "mount/source"));
        assertTrue(client.blobExists(ref("mount/target"), blob.digest()));
    }

    @Test
    void tamperedBlobFailsOnItsDigestAndNothingIsWritten() throws IOException {
        RegistryClient client = client(1 << 20);
        byte[] content = random(2000, 4);
        Descriptor blob = Descriptor.of("application/octet-stream", content);
        client.pushBlob(ref("tamper/me"), blob, BlobSource.of(content));
        Path data = registry.blobData(blob.digest().toString());
        byte[] evil = content.clone();
        evil[100] ^= 1;
        Files.write(data, evil);

        Path target = dir.resolve("pulled/blob");
        DigestMismatchException e = assertThrows(DigestMismatchException.class,
                () -> client.pullBlob(ref("tamper/me"), blob, BlobSink.toFile(target)));
        assertTrue(e.getMessage().contains(blob.digest().toString()), e.getMessage());
        assertFalse(Files.exists(target));
        try (var left = Files.list(target.getParent())) {
            assertEquals(List.of(), left.toList(), "no partial file left behind");
        }
    }

    @Test
    void unknownTagIsA404WithTheRegistrysMessage() throws IOException {
        RegistryClient client = client(1 << 20);
        MemoryContent local = new MemoryContent();
        client.push(ref("known/repo:v1"), local.artifact("application/vnd.wbpf.test", new byte[] {1}), local, null);
        RegistryErrorException e = assertThrows(RegistryErrorException.class,
                () -> client.pullManifest(ref("known/repo:nope")));
        assertEquals(404, e.status());
        assertEquals("registry " + registry.address() + " says MANIFEST_UNKNOWN: manifest unknown (404 Not Found; repo known/repo, tag nope)",
                e.getMessage());
        assertTrue(client.headManifest(ref("known/repo:nope")).isEmpty());
        RegistryErrorException unknownRepo = assertThrows(RegistryErrorException.class,
                () -> client.pullManifest(ref("never/pushed:v1")));
        assertEquals(404, unknownRepo.status());
        assertTrue(unknownRepo.getMessage().contains("(404 Not Found; repo never/pushed, tag v1)"), unknownRepo.getMessage());
    }

    @Test
    void tagListingWithAPageSizeListsEveryTag() throws IOException {
        RegistryClient client = client(1 << 20);
        MemoryContent local = new MemoryContent();
        RawManifest manifest = local.artifact("application/vnd.wbpf.test", new byte[] {2});
        List<String> tags = IntStream.range(0, 7).mapToObj(i -> "t" + i).toList();
        for (String tag : tags) {
            client.push(ref("many/tags:" + tag), manifest, local, null);
        }
        // docker-registry 2.8 answers all tags at once whatever n says (pagination of tags came
        // with distribution 3); FakeRegistryTest covers Link-header paging.
        assertEquals(tags, client.listTags(ref("many/tags"), 3).stream().sorted().toList());
        assertEquals(tags, client.listTags(ref("many/tags")).stream().sorted().toList());
    }

    @Test
    void referrersThroughTheFallbackTag() throws IOException {
        RegistryClient client = client(1 << 20);
        MemoryContent local = new MemoryContent();
        RawManifest subject = local.artifact("application/vnd.wbpf.test", new byte[] {3});
        client.push(ref("refs/repo:v1"), subject, local, null);
        Descriptor config = local.add(MediaTypes.OCI_EMPTY, "{}".getBytes(StandardCharsets.UTF_8));
        String sig = """
                {"schemaVersion":2,"mediaType":"%s","artifactType":"application/vnd.wbpf.signature","config":%s,\
                "layers":[%s],"subject":{"mediaType":"%s","digest":"%s","size":%d}}""".formatted(MediaTypes.OCI_MANIFEST,
                MemoryContent.json(config), MemoryContent.json(config), subject.mediaType(), subject.digest(),
                subject.content().length);
        RawManifest signature = RawManifest.of(MediaTypes.OCI_MANIFEST, sig.getBytes(StandardCharsets.UTF_8));
        client.push(ref("refs/repo@" + signature.digest()), signature, local, null);

        List<Descriptor> referrers = client.referrers(ref("refs/repo"), subject.digest(), null);
        assertEquals(List.of(signature.digest()), referrers.stream().map(Descriptor::digest).toList());
        assertEquals("application/vnd.wbpf.signature", referrers.getFirst().artifactType());
        assertEquals(1, client.referrers(ref("refs/repo"), subject.digest(), "application/vnd.wbpf.signature").size());
        assertEquals(0, client.referrers(ref("refs/repo"), subject.digest(), "application/other").size());
        assertTrue(client.listTags(ref("refs/repo")).contains(RegistryClient.referrersTag(subject.digest())));
    }

    @Test
    void deleteManifestAndBlob() throws IOException {
        RegistryClient client = client(1 << 20);
        MemoryContent local = new MemoryContent();
        RawManifest manifest = local.artifact("application/vnd.wbpf.test", new byte[] {4, 4});
        client.push(ref("del/repo:v1"), manifest, local, null);
        client.deleteManifest(ref("del/repo:v1"));
        assertTrue(client.headManifest(ref("del/repo@" + manifest.digest())).isEmpty());
        Digest layer = manifest.children().get(1).digest();
        client.deleteBlob(ref("del/repo"), layer);
        assertFalse(client.blobExists(ref("del/repo"), layer));
    }

    @Test
    void unreachableRegistryIsOneClearMessage() throws IOException {
        RegistryClient client = RegistryClient.builder().plainHttp("127.0.0.1:1").retry(RetryPolicy.none()).build();
        RegistryException e = assertThrows(RegistryException.class,
                () -> client.pullManifest(Reference.parse("127.0.0.1:1/x:y")));
        assertEquals("cannot reach registry 127.0.0.1:1: connection refused (GET /v2/x/manifests/y)", e.getMessage());
    }
}
