/*
 * The other import spellings of the ABI: the six functions from module "env" (guests built before
 * early 2023) and TinyGo's callback-wrapper.wasm_bpf_buffer_poll, which calls the exported
 * go-callback instead of a table entry. Commands as in guest.c: load PATH, fd MAP, poll MS.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ENV(name) __attribute__((import_module("env"), import_name(#name)))
ENV(wasm_load_bpf_object) uint64_t wasm_load_bpf_object(void *obj_buf, int obj_buf_sz);
ENV(wasm_bpf_map_fd_by_name) int wasm_bpf_map_fd_by_name(uint64_t obj, const char *name);
ENV(wasm_close_bpf_object) int wasm_close_bpf_object(uint64_t obj);
__attribute__((import_module("callback-wrapper"), import_name("wasm_bpf_buffer_poll")))
int tinygo_buffer_poll(uint64_t obj, int fd, uint32_t ctx, char *data, int max_size, int timeout_ms);

__attribute__((export_name("go-callback"))) int go_callback(int ctx, int data, int size)
{
	printf("go-callback ctx=%d size=%d\n", ctx, size);
	return 0;
}

int main(int argc, char **argv)
{
	static char buf[64];
	uint64_t obj = 0;
	int fd = -1;
	setvbuf(stdout, NULL, _IONBF, 0);
	for (int i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "load")) {
			FILE *f = fopen(argv[i + 1], "rb");
			if (!f)
				return 2;
			static char elf[1 << 20];
			int n = fread(elf, 1, sizeof(elf), f);
			obj = wasm_load_bpf_object(elf, n);
			printf("load %s\n", obj ? "ok" : "failed");
		} else if (!strcmp(argv[i], "fd")) {
			fd = wasm_bpf_map_fd_by_name(obj, argv[i + 1]);
			printf("fd %s\n", fd > 0 ? "ok" : "failed");
		} else if (!strcmp(argv[i], "poll")) {
			printf("poll = %d\n", tinygo_buffer_poll(obj, fd, 7, buf, sizeof(buf), atoi(argv[i + 1])));
		}
	}
	printf("close = %d\n", wasm_close_bpf_object(obj));
	return 0;
}
