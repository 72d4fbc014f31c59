/**
 * Embedding without Wasm: a JVM application loads a BPF object ({@link dev.wbpf.wasm.embed.LoadedObject}),
 * attaches its programs, receives ring/perf buffer records ({@link dev.wbpf.wasm.embed.RecordStream}:
 * callbacks, a {@link java.util.concurrent.Flow.Publisher}, blocking iterators) and uses its maps
 * with typed keys and values ({@link dev.wbpf.wasm.embed.TypedMap}, per-CPU maps included), all
 * through {@link dev.wbpf.wasm.embed.Codec}s: integers, fixed-size strings and byte arrays, and
 * Java records laid out by the object's BTF.
 *
 * <p>Errors: an unknown program or map name is a {@code BpfException} (ENOENT) listing the names
 * there are; a codec that does not fit a map or struct (size, member names, member types) is an
 * {@link java.lang.IllegalArgumentException} when the map or stream is opened; using anything of
 * a closed object is an {@link java.lang.IllegalStateException}.
 *
 * <p>Running a whole Wasm module instead is {@link dev.wbpf.wasm.WasmBpfModule}.
 */
package dev.wbpf.wasm.embed;
