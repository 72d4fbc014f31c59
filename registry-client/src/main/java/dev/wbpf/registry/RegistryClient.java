package dev.wbpf.registry;

import dev.wbpf.packaging.Reference;
import dev.wbpf.packaging.Digest;
import dev.wbpf.packaging.Descriptor;
import dev.wbpf.packaging.RawManifest;
import dev.wbpf.packaging.MediaTypes;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;

/**
 * An OCI Distribution Spec v1.1 client. Immutable and thread-safe once built; every call goes
 * through the interceptors (retry, then auth, then any the caller added) to {@link HttpClient}.
 * Content from a registry is checked against its digest before anyone sees it.
 */
public final class RegistryClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_MANIFEST = 4 << 20;
    private static final int MAX_REDIRECTS = 5;
    private static final int MAX_RESUMES = 3;
    private static final Pattern LINK_NEXT = Pattern.compile("<([^>]+)>\\s*;\\s*rel=\"?next\"?");
    private static final Pattern RANGE = Pattern.compile("^(?:bytes=)?0-(\\d+)$");

    private final Transport transport;
    private final Set<String> plainHttp;
    private final long chunkSize;
    private final TransferListener listener;

    private RegistryClient(Builder b) throws IOException {
        HttpClient.Builder http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(b.connectTimeout);
        if (b.caFile != null) {
            http.sslContext(TrustedCertificates.sslContext(b.caFile));
        } else if (b.sslContext != null) {
            http.sslContext(b.sslContext);
        }
        List<Interceptor> chain = new ArrayList<>();
        chain.add(new RetryInterceptor(b.retry));
        chain.add(new AuthInterceptor(b.credentials));
        chain.addAll(b.interceptors);
        this.transport = new Transport(http.build(), chain);
        this.plainHttp = Set.copyOf(b.plainHttp);
        this.chunkSize = b.chunkSize;
        this.listener = b.listener;
    }

    public static Builder builder() {
        return new Builder();
    }

    // ---------------------------------------------------------------- checks

    /** {@code GET /v2/}: whether the registry answers and accepts our credentials (what login checks). */
    public void ping(String registry) throws IOException {
        Reference probe = new Reference(registry, "-", null, null);
        expect(send(request(URI.create(base(probe) + "/v2/")).GET().build(), registry), probe, "ping", 200);
    }

    // ---------------------------------------------------------------- manifests

    /** Fetches a manifest or index by tag or digest, checking its digest. */
    public RawManifest pullManifest(Reference ref) throws IOException {
        HttpRequest req = manifestRequest(ref).GET().build();
        HttpResponse<InputStream> response = send(req, ref.registry());
        byte[] body = readLimited(response, MAX_MANIFEST);
        if (response.statusCode() != 200) {
            throw error(response, body, ref, "pull manifest");
        }
        String mediaType = contentType(response).orElse(null);
        RawManifest manifest = RawManifest.of(mediaType, body);
        Digest expected = ref.digest() != null ? ref.digest()
                : response.headers().firstValue("Docker-Content-Digest").map(Digest::parse).orElse(null);
        if (expected != null) {
            MessageDigest md = expected.newMessageDigest();
            md.update(body);
            if (!expected.matches(md)) {
                throw new DigestMismatchException("manifest " + ref + " from registry " + ref.registry()
                        + " does not match digest " + expected + " (it hashes to " + manifest.digest() + ")", expected);
            }
            if (!expected.algorithm().equals("sha256")) {
                manifest = new RawManifest(manifest.mediaType(), body, expected);
            }
        }
        return manifest;
    }

    /** {@code HEAD} of a manifest: its descriptor if it exists. */
    public Optional<Descriptor> headManifest(Reference ref) throws IOException {
        HttpRequest req = manifestRequest(ref).HEAD().build();
        HttpResponse<InputStream> response = send(req, ref.registry());
        Transport.discard(response);
        if (response.statusCode() == 404) {
            return Optional.empty();
        }
        if (response.statusCode() != 200) {
            throw error(response, new byte[0], ref, "check manifest");
        }
        Digest digest = response.headers().firstValue("Docker-Content-Digest").map(Digest::parse)
                .orElse(ref.digest());
        if (digest == null) {
            // the registry did not say; fetch it to know
            return Optional.of(pullManifest(ref).descriptor());
        }
        long size = response.headers().firstValueAsLong("Content-Length").orElse(0);
        return Optional.of(new Descriptor(contentType(response).orElse(null), digest, size));
    }

    /**
     * Uploads a manifest under {@code ref}'s tag (or digest). A manifest with a {@code subject} on
     * a registry without the referrers API is also added to the fallback tag {@code sha256-HEX}.
     */
    public Digest pushManifest(Reference ref, RawManifest manifest) throws IOException {
        HttpRequest req = manifestRequest(ref).header("Content-Type", manifest.mediaType())
                .PUT(HttpRequest.BodyPublishers.ofByteArray(manifest.content())).build();
        HttpResponse<InputStream> response = expect(send(req, ref.registry()), ref, "push manifest", 201, 200);
        Optional<Digest> said = response.headers().firstValue("Docker-Content-Digest").map(Digest::parse);
        if (said.isPresent() && said.get().algorithm().equals("sha256") && !said.get().equals(manifest.digest())) {
            throw new DigestMismatchException("registry " + ref.registry() + " stored manifest " + ref + " as "
                    + said.get() + ", but its content hashes to " + manifest.digest(), manifest.digest());
        }
        Optional<Descriptor> subject = manifest.subject();
        if (subject.isPresent() && response.headers().firstValue("OCI-Subject").isEmpty()) {
            addToReferrersTag(ref, subject.get().digest(), manifest.descriptor());
        }
        return manifest.digest();
    }

    /** Deletes a manifest; a tag is first resolved to its digest (registries delete by digest). */
    public void deleteManifest(Reference ref) throws IOException {
        Reference target = ref;
        if (ref.digest() == null) {
            target = ref.withDigest(headManifest(ref).orElseThrow(() -> new RegistryErrorException(
                    "registry " + ref.registry() + " has no manifest " + ref + " to delete", 404, List.of())).digest());
        }
        expect(send(manifestRequest(target).DELETE().build(), ref.registry()), target, "delete manifest", 202, 200);
    }

    // ---------------------------------------------------------------- blobs

    /** {@code HEAD} of a blob: whether the repository has it. */
    public boolean blobExists(Reference repo, Digest digest) throws IOException {
        HttpRequest req = request(blobUri(repo, digest)).HEAD().build();
        HttpResponse<InputStream> response = send(req, repo.registry());
        Transport.discard(response);
        return switch (response.statusCode()) {
            case 200 -> true;
            case 404 -> false;
            default -> throw error(response, new byte[0], repo.withDigest(digest), "check blob");
        };
    }

    /**
     * Streams a blob into {@code sink}, following redirects to storage, and commits it only when
     * its size and digest are right; otherwise aborts the sink and throws.
     */
    public void pullBlob(Reference repo, Descriptor blob, BlobSink sink) throws IOException {
        URI uri = blobUri(repo, blob.digest());
        HttpResponse<InputStream> response = null;
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            response = send(request(uri).GET().build(), repo.registry());
            int status = response.statusCode();
            if (status != 301 && status != 302 && status != 303 && status != 307 && status != 308) {
                break;
            }
            Optional<String> location = response.headers().firstValue("Location");
            Transport.discard(response);
            if (location.isEmpty()) {
                throw new RegistryException("registry " + repo.registry() + " redirected blob " + blob.digest()
                        + " without a Location");
            }
            uri = uri.resolve(location.get());
        }
        if (response.statusCode() != 200) {
            throw error(response, readLimited(response, 1 << 16), repo.withDigest(blob.digest()), "pull blob");
        }
        listener.started("pull", blob);
        // hashed once: here, or by a sink that checks the digest on commit
        MessageDigest md = sink.checksDigest() ? null : blob.digest().newMessageDigest();
        String from = "blob " + blob.digest() + " from registry " + repo.registry() + " (" + repo.repository() + ")";
        boolean ok = false;
        try {
            long total = 0;
            try (InputStream in = response.body(); OutputStream out = sink.open()) {
                byte[] buffer = new byte[256 * 1024];
                for (int n; (n = in.read(buffer)) > 0; ) {
                    total += n;
                    if (total > blob.size()) {
                        throw new DigestMismatchException(from + " is larger than its " + blob.size()
                                + " bytes; nothing was kept", blob.digest());
                    }
                    if (md != null) {
                        md.update(buffer, 0, n);
                    }
                    out.write(buffer, 0, n);
                    listener.progress(blob, total);
                }
            }
            if (total != blob.size()) {
                throw new DigestMismatchException(from + " ended after " + total + " of " + blob.size()
                        + " bytes; nothing was kept", blob.digest());
            }
            if (md != null && !blob.digest().matches(md)) {
                throw tampered(from, blob);
            }
            try {
                sink.commit();
            } catch (dev.wbpf.packaging.DigestMismatchException e) {
                throw tampered(from, blob);
            }
            ok = true;
        } catch (IOException e) {
            if (e instanceof RegistryException) {
                throw e;
            }
            throw new RegistryException("pulling blob " + blob.digest() + " from registry " + repo.registry()
                    + " failed: " + describe(e), e);
        } finally {
            if (!ok) {
                sink.abort();
                listener.finished(blob, "failed");
            }
        }
        listener.finished(blob, "pulled");
    }

    private static DigestMismatchException tampered(String from, Descriptor blob) {
        return new DigestMismatchException(from + " does not match its digest: the content is corrupt or tampered with;"
                + " nothing was kept", blob.digest());
    }

    /** How a blob got into the repository. */
    public enum BlobOutcome { EXISTED, MOUNTED, UPLOADED }

    /** Uploads a blob unless the repository has it already. */
    public BlobOutcome pushBlob(Reference repo, Descriptor blob, BlobSource source) throws IOException {
        return pushBlob(repo, blob, source, null);
    }

    /**
     * Uploads a blob unless the repository has it already; with {@code mountFrom} (another
     * repository on the same registry), asks the registry to mount it from there first.
     */
    public BlobOutcome pushBlob(Reference repo, Descriptor blob, BlobSource source, String mountFrom) throws IOException {
        if (blobExists(repo, blob.digest())) {
            listener.finished(blob, "exists");
            return BlobOutcome.EXISTED;
        }
        String query = mountFrom == null ? "" : "?mount=" + enc(blob.digest().toString()) + "&from=" + enc(mountFrom);
        URI start = repositoryUri(repo, "blobs/uploads/" + query);
        // 201: the registry mounted the blob instead of opening an upload
        int[] expected = mountFrom == null ? new int[] {202} : new int[] {202, 201};
        HttpResponse<InputStream> response = expect(send(request(start).POST(HttpRequest.BodyPublishers.noBody()).build(),
                repo.registry()), repo.withDigest(blob.digest()), "start upload", expected);
        if (response.statusCode() == 201) {
            listener.finished(blob, "mounted");
            return BlobOutcome.MOUNTED;
        }
        UploadSession session = new UploadSession(repo, blob, location(response, start), 0);
        upload(session, source);
        return BlobOutcome.UPLOADED;
    }

    /**
     * Continues an upload that stopped ({@link UploadInterruptedException#session()}): asks the
     * registry how far it got and sends the rest.
     */
    public void resumeUpload(UploadSession session, BlobSource source) throws IOException {
        upload(status(session), source);
    }

    private void upload(UploadSession session, BlobSource source) throws IOException {
        Descriptor blob = session.blob();
        listener.started("push", blob);
        boolean ok = false;
        try (BlobBodies bodies = new BlobBodies(source, blob, listener)) {
            if (blob.size() <= chunkSize && session.committed() == 0) {
                finishUpload(session, bodies.part(0, blob.size()), "upload blob");
            } else {
                finishUpload(putChunks(session, bodies), HttpRequest.BodyPublishers.noBody(), "finish upload");
            }
            ok = true;
        } finally {
            listener.finished(blob, ok ? "pushed" : "failed");
        }
    }

    /** The closing {@code PUT ?digest=}, with the whole blob (a monolithic upload) or nothing after chunks. */
    private void finishUpload(UploadSession session, HttpRequest.BodyPublisher body, String action) throws IOException {
        HttpRequest req = request(withDigest(session.location(), session.blob().digest()))
                .header("Content-Type", "application/octet-stream").PUT(body).build();
        HttpResponse<InputStream> response = duringUpload(session, () -> transport.execute(req));
        expect(response, session.repository().withDigest(session.blob().digest()), action, 201);
    }

    /**
     * PATCHes the rest of the blob in chunks; after a failure asks the registry where it got and
     * goes on from there, up to {@value #MAX_RESUMES} times. Returns the session after the last chunk.
     */
    private UploadSession putChunks(UploadSession start, BlobBodies bodies) throws IOException {
        UploadSession session = start;
        int resumes = 0;
        while (session.committed() < session.blob().size()) {
            try {
                session = patch(session, bodies);
                continue;
            } catch (RegistryErrorException e) {
                if (e.status() != 416 || ++resumes > MAX_RESUMES) {
                    throw e;
                }
            } catch (RegistryException e) {
                throw e;
            } catch (IOException e) {
                if (++resumes > MAX_RESUMES) {
                    throw interrupted(session, e);
                }
            }
            UploadSession stopped = session;
            session = duringUpload(stopped, () -> status(stopped));
        }
        return session;
    }

    /** One chunk from where the session stands. */
    private UploadSession patch(UploadSession session, BlobBodies bodies) throws IOException {
        Descriptor blob = session.blob();
        long offset = session.committed();
        long length = Math.min(chunkSize, blob.size() - offset);
        HttpRequest req = request(session.location())
                .header("Content-Type", "application/octet-stream")
                .header("Content-Range", offset + "-" + (offset + length - 1))
                .method("PATCH", bodies.part(offset, length)).build();
        HttpResponse<InputStream> response = expect(transport.execute(req),
                session.repository().withDigest(blob.digest()), "upload chunk", 202);
        return new UploadSession(session.repository(), blob, location(response, session.location()), offset + length);
    }

    /** {@code GET} of an upload session: where it stands. */
    private UploadSession status(UploadSession session) throws IOException {
        HttpResponse<InputStream> response = expect(transport.execute(request(session.location()).GET().build()),
                session.repository().withDigest(session.blob().digest()), "query upload", 204, 202);
        long committed = response.headers().firstValue("Range").map(r -> {
            Matcher m = RANGE.matcher(r.trim());
            // "0-0" is ambiguous (nothing, or one byte): start over from 0, which is always safe
            return m.matches() && Long.parseLong(m.group(1)) > 0 ? Long.parseLong(m.group(1)) + 1 : 0L;
        }).orElse(0L);
        return new UploadSession(session.repository(), session.blob(), location(response, session.location()), committed);
    }

    /** Deletes a blob from a repository. */
    public void deleteBlob(Reference repo, Digest digest) throws IOException {
        expect(send(request(blobUri(repo, digest)).DELETE().build(), repo.registry()), repo.withDigest(digest),
                "delete blob", 202, 200);
    }

    // ---------------------------------------------------------------- listings

    /** All tags of a repository, page by page ({@code n=pageSize}) following {@code Link} headers. */
    public List<String> listTags(Reference repo, int pageSize) throws IOException {
        List<String> tags = new ArrayList<>();
        URI uri = repositoryUri(repo, "tags/list" + (pageSize > 0 ? "?n=" + pageSize : ""));
        Set<URI> seen = new HashSet<>();
        while (uri != null && seen.add(uri)) {
            HttpResponse<InputStream> response = send(request(uri).GET().build(), repo.registry());
            byte[] body = readLimited(response, 16 << 20);
            if (response.statusCode() != 200) {
                throw error(response, body, repo, "list tags");
            }
            JsonNode json = JSON.readTree(body);
            json.path("tags").forEach(t -> tags.add(t.asText()));
            URI current = uri;
            uri = response.headers().allValues("Link").stream()
                    .map(LINK_NEXT::matcher).filter(Matcher::find).findFirst()
                    .map(m -> current.resolve(m.group(1))).orElse(null);
        }
        return tags;
    }

    public List<String> listTags(Reference repo) throws IOException {
        return listTags(repo, 0);
    }

    /**
     * The manifests that refer to {@code subject} (optionally only those of one artifact type):
     * from the referrers API, or where the registry has none, from the fallback tag
     * {@code ALG-HEX}.
     */
    public List<Descriptor> referrers(Reference repo, Digest subject, String artifactType) throws IOException {
        URI uri = repositoryUri(repo, "referrers/" + subject + (artifactType != null ? "?artifactType=" + enc(artifactType) : ""));
        HttpResponse<InputStream> response = send(request(uri).header("Accept", MediaTypes.OCI_INDEX).GET().build(),
                repo.registry());
        byte[] body = readLimited(response, MAX_MANIFEST);
        List<Descriptor> found = new ArrayList<>();
        if (response.statusCode() == 200 && contentType(response).map(MediaTypes::isIndex).orElse(true)) {
            JSON.readTree(body).path("manifests").forEach(d -> found.add(Descriptor.fromJson(d)));
        } else if (response.statusCode() == 404 || response.statusCode() == 200) {
            Optional<RawManifest> index = fallbackIndex(repo, subject);
            index.ifPresent(m -> found.addAll(m.children()));
        } else {
            throw error(response, body, repo.withDigest(subject), "list referrers");
        }
        if (artifactType != null) {
            found.removeIf(d -> !artifactType.equals(d.artifactType()));
        }
        return found;
    }

    private Optional<RawManifest> fallbackIndex(Reference repo, Digest subject) throws IOException {
        try {
            return Optional.of(pullManifest(repo.withTag(referrersTag(subject))));
        } catch (RegistryErrorException e) {
            if (e.status() == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** The referrers fallback tag of a digest: {@code sha256-HEX}. */
    public static String referrersTag(Digest subject) {
        return subject.algorithm() + "-" + subject.encoded();
    }

    private void addToReferrersTag(Reference ref, Digest subject, Descriptor referrer) throws IOException {
        Reference tagRef = ref.withTag(referrersTag(subject));
        Optional<RawManifest> existing = fallbackIndex(ref, subject);
        ObjectNode index;
        if (existing.isPresent() && existing.get().isIndex()) {
            index = (ObjectNode) existing.get().json();
        } else {
            index = JSON.createObjectNode();
            index.put("schemaVersion", 2);
            index.put("mediaType", MediaTypes.OCI_INDEX);
            index.putArray("manifests");
        }
        ArrayNode manifests = index.withArray("manifests");
        for (JsonNode d : manifests) {
            if (referrer.digest().toString().equals(d.path("digest").asText())) {
                return;
            }
        }
        manifests.add(referrer.toJson());
        pushManifest(tagRef, RawManifest.of(MediaTypes.OCI_INDEX, JSON.writeValueAsBytes(index)));
    }

    // ---------------------------------------------------------------- whole artifacts

    /**
     * Pushes a manifest and everything it names (an index's manifests recursively, a manifest's
     * config and layers), skipping blobs the repository has; with {@code mountFrom}, blobs are
     * mounted from that repository where the registry allows it.
     */
    public PushResult push(Reference ref, RawManifest manifest, ContentSource source, String mountFrom) throws IOException {
        List<Digest> uploaded = new ArrayList<>();
        List<Digest> existing = new ArrayList<>();
        List<Digest> mounted = new ArrayList<>();
        pushTree(ref, manifest, source, mountFrom, uploaded, existing, mounted);
        Digest digest = pushManifest(ref, manifest);
        return new PushResult(digest, uploaded, existing, mounted);
    }

    private void pushTree(Reference ref, RawManifest manifest, ContentSource source, String mountFrom,
                          List<Digest> uploaded, List<Digest> existing, List<Digest> mounted) throws IOException {
        Set<Digest> done = new LinkedHashSet<>();
        for (Descriptor child : manifest.children()) {
            if (!done.add(child.digest())) {
                continue;
            }
            if (manifest.isIndex()) {
                RawManifest sub = source.manifest(child);
                if (headManifest(ref.withDigest(child.digest())).isPresent()) {
                    existing.add(child.digest());
                    continue;
                }
                pushTree(ref, sub, source, mountFrom, uploaded, existing, mounted);
                pushManifest(ref.withDigest(child.digest()), sub);
                uploaded.add(child.digest());
            } else {
                switch (pushBlob(ref, child, source.blob(child), mountFrom)) {
                    case EXISTED -> existing.add(child.digest());
                    case MOUNTED -> mounted.add(child.digest());
                    case UPLOADED -> uploaded.add(child.digest());
                }
            }
        }
    }

    /**
     * Pulls a manifest and everything it names into {@code target}, skipping what it has; every
     * piece is checked against its digest before it is committed. Returns the root manifest.
     */
    public RawManifest pull(Reference ref, ContentTarget target) throws IOException {
        RawManifest root = pullManifest(ref);
        pullTree(ref, root, target);
        writeManifest(root, target);
        return root;
    }

    private void pullTree(Reference ref, RawManifest manifest, ContentTarget target) throws IOException {
        for (Descriptor child : manifest.children()) {
            if (manifest.isIndex()) {
                RawManifest sub = pullManifest(ref.withDigest(child.digest()));
                pullTree(ref, sub, target);
                writeManifest(sub, target);
            } else if (!target.contains(child)) {
                pullBlob(ref, child, target.sink(child));
            }
        }
    }

    private static void writeManifest(RawManifest manifest, ContentTarget target) throws IOException {
        Descriptor d = manifest.descriptor();
        if (target.contains(d)) {
            return;
        }
        BlobSink sink = target.sink(d);
        try (OutputStream out = sink.open()) {
            out.write(manifest.content());
        } catch (IOException e) {
            sink.abort();
            throw e;
        }
        sink.commit();
    }

    // ---------------------------------------------------------------- plumbing

    private String base(Reference ref) {
        String host = ref.apiHost();
        return (plainHttp.contains(ref.registry()) || plainHttp.contains(host) ? "http://" : "https://") + host;
    }

    /** {@code PATH} under the repository's API root, {@code /v2/REPOSITORY/PATH}. */
    private URI repositoryUri(Reference repo, String path) {
        return URI.create(base(repo) + "/v2/" + repo.repository() + "/" + path);
    }

    private URI blobUri(Reference repo, Digest digest) {
        return repositoryUri(repo, "blobs/" + digest);
    }

    /** A request for a manifest, accepting every manifest and index type. */
    private HttpRequest.Builder manifestRequest(Reference ref) {
        return request(repositoryUri(ref, "manifests/" + ref.identifier()))
                .header("Accept", String.join(", ", MediaTypes.MANIFESTS));
    }

    private static URI withDigest(URI location, Digest digest) {
        String s = location.toString();
        return URI.create(s + (s.contains("?") ? "&" : "?") + "digest=" + enc(digest.toString()));
    }

    private static URI location(HttpResponse<?> response, URI base) throws RegistryException {
        return base.resolve(response.headers().firstValue("Location").orElseThrow(() ->
                new RegistryException("registry " + base.getRawAuthority() + " answered an upload without a Location")));
    }

    private static HttpRequest.Builder request(URI uri) {
        return HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(10)).header("User-Agent", "wbpf");
    }

    /** Sends a request; failures to reach the registry become one clear message. */
    private HttpResponse<InputStream> send(HttpRequest request, String registry) throws IOException {
        try {
            return transport.execute(request);
        } catch (RegistryException | InterruptedIOException e) {
            throw e;
        } catch (IOException e) {
            throw new RegistryException("cannot reach registry " + registry + ": " + describe(e)
                    + " (" + request.method() + " " + request.uri().getRawPath() + ")", e);
        }
    }

    /** A step of an upload that needs the network. */
    private interface UploadStep<T> {
        T run() throws IOException;
    }

    /** Runs an upload step; not reaching the registry becomes an error saying how far the upload got. */
    private static <T> T duringUpload(UploadSession session, UploadStep<T> step) throws IOException {
        try {
            return step.run();
        } catch (RegistryException e) {
            throw e;
        } catch (IOException e) {
            throw interrupted(session, e);
        }
    }

    private static UploadInterruptedException interrupted(UploadSession session, IOException e) {
        return new UploadInterruptedException("upload of blob " + session.blob().digest() + " to registry "
                + session.repository().registry() + " stopped after " + session.committed() + " of "
                + session.blob().size() + " bytes: " + describe(e) + "; push again to continue", session, e);
    }

    static String describe(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConnectException) {
                return "connection refused";
            }
            if (t instanceof java.net.http.HttpTimeoutException) {
                return "timed out";
            }
            if (t instanceof javax.net.ssl.SSLHandshakeException) {
                return "TLS handshake failed (" + t.getMessage() + "; pass the registry's CA certificate with --ca-file)";
            }
        }
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }

    private static Optional<String> contentType(HttpResponse<?> response) {
        return response.headers().firstValue("Content-Type").map(t -> {
            int semi = t.indexOf(';');
            return (semi < 0 ? t : t.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
        }).filter(t -> !t.isEmpty());
    }

    /**
     * Reads a response whose body only matters when it is an error: returns the response if its
     * status is one of {@code expected}, else throws the registry's error about {@code action}.
     */
    private static HttpResponse<InputStream> expect(HttpResponse<InputStream> response, Reference ref, String action,
                                                    int... expected) throws IOException {
        byte[] body = readLimited(response, 1 << 16);
        for (int status : expected) {
            if (response.statusCode() == status) {
                return response;
            }
        }
        throw error(response, body, ref, action);
    }

    private static byte[] readLimited(HttpResponse<InputStream> response, int limit) throws IOException {
        try (InputStream in = response.body()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buffer = new byte[16 * 1024];
            for (int n; (n = in.read(buffer)) > 0; ) {
                if (out.size() + n > limit) {
                    throw new RegistryException("registry answered more than " + limit + " bytes to "
                            + response.request().method() + " " + response.uri().getRawPath());
                }
                out.write(buffer, 0, n);
            }
            return out.toByteArray();
        }
    }

    /** An error status as a message: "registry H says CODE: message (repo x, tag y)". */
    private static RegistryErrorException error(HttpResponse<?> response, byte[] body, Reference ref, String action) {
        int status = response.statusCode();
        String host = ref.registry();
        List<RegistryErrorException.Error> errors = new ArrayList<>();
        try {
            JSON.readTree(body).path("errors").forEach(e ->
                    errors.add(new RegistryErrorException.Error(e.path("code").asText("UNKNOWN"), e.path("message").asText(""))));
        } catch (IOException | RuntimeException ignored) {
            // not an OCI error body
        }
        if (status == 401) {
            return AuthInterceptor.needCredentials(host);
        }
        String what = "(" + ref.describe() + ")";
        if (errors.isEmpty()) {
            String text = switch (status) {
                case 403 -> "403 Forbidden: the credentials may not " + action;
                case 404 -> "404 Not Found";
                case 405 -> "405 Method Not Allowed: the registry does not allow " + action;
                default -> String.valueOf(status);
            };
            return new RegistryErrorException("registry " + host + " answered " + text + " to " + action + " " + what,
                    status, errors);
        }
        StringBuilder message = new StringBuilder("registry " + host + " says ");
        for (int i = 0; i < errors.size(); i++) {
            RegistryErrorException.Error e = errors.get(i);
            message.append(i == 0 ? "" : "; ").append(e.code()).append(e.message().isEmpty() ? "" : ": " + e.message());
        }
        // A 404 says so, whatever the error code: "not found" is what a user looks for.
        String where = status == 404 ? "(404 Not Found; " + ref.describe() + ")" : what;
        return new RegistryErrorException(message + " " + where, status, errors);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** Configures a {@link RegistryClient}. */
    public static final class Builder {
        private CredentialStore credentials = CredentialStore.none();
        private final Set<String> plainHttp = new HashSet<>();
        private Path caFile;
        private SSLContext sslContext;
        private RetryPolicy retry = RetryPolicy.defaults();
        private long chunkSize = 64L << 20;
        private TransferListener listener = TransferListener.NONE;
        private Duration connectTimeout = Duration.ofSeconds(30);
        private final List<Interceptor> interceptors = new ArrayList<>();

        private Builder() {
        }

        public Builder credentials(CredentialStore store) {
            this.credentials = store;
            return this;
        }

        /** Talks plain HTTP (no TLS) to this registry ({@code host:port}). */
        public Builder plainHttp(String registry) {
            plainHttp.add(registry);
            return this;
        }

        /** Trusts the CA certificates in this PEM file, besides the JDK's. */
        public Builder caFile(Path pem) {
            this.caFile = pem;
            return this;
        }

        public Builder sslContext(SSLContext context) {
            this.sslContext = context;
            return this;
        }

        public Builder retry(RetryPolicy policy) {
            this.retry = policy;
            return this;
        }

        /**
         * Blobs up to this size go up in one PUT, larger ones in chunks of this size that an
         * interrupted push resumes from. The default, 64 MiB, is large enough that the cost of a
         * request per chunk vanishes, yet below the 100 MB request limit of common proxies.
         */
        public Builder chunkSize(long bytes) {
            if (bytes < 1) {
                throw new IllegalArgumentException("chunk size must be positive");
            }
            this.chunkSize = bytes;
            return this;
        }

        public Builder listener(TransferListener listener) {
            this.listener = listener;
            return this;
        }

        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = timeout;
            return this;
        }

        /** Adds an interceptor after retry and auth (nearest the network). */
        public Builder addInterceptor(Interceptor interceptor) {
            interceptors.add(interceptor);
            return this;
        }

        public RegistryClient build() throws IOException {
            return new RegistryClient(this);
        }
    }
}
