/**
 * wbpf's OCI Distribution Spec v1.1 client.
 *
 * <p>{@link dev.wbpf.registry.RegistryClient} is the entry point: manifests
 * ({@code pullManifest}, {@code headManifest}, {@code pushManifest}, {@code deleteManifest}),
 * blobs ({@code blobExists}, {@code pullBlob} into a {@link dev.wbpf.registry.BlobSink} that is
 * committed only after the digest checks out, {@code pushBlob} monolithic or chunked with
 * cross-repository mounts, {@code resumeUpload}), {@code listTags} with paging,
 * {@code referrers} with the fallback tag schema, and whole-artifact {@code push}/{@code pull}
 * between a {@link dev.wbpf.registry.ContentSource}/{@link dev.wbpf.registry.ContentTarget} (a
 * local store) and a registry.
 *
 * <p>Requests pass through {@link dev.wbpf.registry.Interceptor}s in the OkHttp manner: retries
 * with backoff ({@link dev.wbpf.registry.RetryPolicy}), then authentication (anonymous, Basic,
 * Bearer challenges) with credentials from a {@link dev.wbpf.registry.CredentialStore}
 * ({@link dev.wbpf.registry.WbpfCredentials} written by {@code wbpf login}, and
 * {@link dev.wbpf.registry.DockerConfigCredentials}). Failures are
 * {@link dev.wbpf.registry.RegistryException}s whose messages name the registry and say what to do.
 */
package dev.wbpf.registry;
