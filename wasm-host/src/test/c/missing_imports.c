/* A guest importing functions wbpf does not provide: instantiation must list them all. */
#include <stdint.h>
#include "wasm_bpf_imports.h"

__attribute__((import_module("env"), import_name("not_a_wbpf_function"))) int not_a_wbpf_function(int);
__attribute__((import_module("wasm_bpf"), import_name("wasm_frobnicate"))) int wasm_frobnicate(void);

int main(int argc, char **argv)
{
	(void)argv;
	return not_a_wbpf_function(argc) + wasm_frobnicate() + (int)wasm_load_bpf_object(0, 0);
}
