/* SPDX-License-Identifier: Apache-2.0 */
/* Compatibility name: guests written for wasm-bpf include "libbpf-wasm.h". */
#ifndef WBPF_LIBBPF_WASM_H
#define WBPF_LIBBPF_WASM_H
#include "wbpf.h"
#endif
