/**
 * The backend SPI: what every backend (the Linux kernel, the in-JVM VM) offers to the Wasm host
 * and to embedding applications. A backend turns a {@link dev.wbpf.core.object.BpfObjectSpec}
 * into a live {@link dev.wbpf.core.backend.BpfObject}; callers never see which backend it is.
 * Backends are found with {@link java.util.ServiceLoader} through {@link BpfBackendProvider}.
 */
package dev.wbpf.core.backend;
