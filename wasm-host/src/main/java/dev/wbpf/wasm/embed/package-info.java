/**
 * Embedding without Wasm: load a BPF object through the backend SPI
 * ({@code Backends.named("kernel"|"vm")} then {@code backend.load(BpfObjectReader.read(path), LoadOptions.defaults())}),
 * attach its programs ({@code object.program(name).attach(target)}), receive ring/perf buffer
 * records ({@link dev.wbpf.wasm.embed.RecordStream}: callbacks, a Flow.Publisher, blocking
 * iterators) and use maps with typed keys and values ({@link dev.wbpf.wasm.embed.TypedMap}).
 */
package dev.wbpf.wasm.embed;
