/*
 * A scriptable test guest for wbpf's Wasm host. argv[1..] is a list of commands run in order;
 * each prints one line saying what happened, so the Java tests can assert on stdout.
 *
 *   argv                 print argc and every argument, and stop reading commands
 *   env NAME             print NAME's value or "(unset)"
 *   exit N               exit with status N
 *   trap                 trap inside function crash_here
 *   spin                 loop forever without calling the host (interruption test)
 *   sleep MS             sleep through WASI poll_oneoff
 *   hello                print "hello" to stdout and "oops" to stderr
 *   load PATH            read a BPF object from a preopened directory and load it
 *   attach NAME [TARGET] attach a program of the last loaded object
 *   fd MAP               descriptor of a map of the last object (remembered as "the fd")
 *   lookup K / update K V / delete K   u32 key, u64 value on the fd
 *   next [K]             GET_NEXT_KEY, from the first key without K
 *   opfd N               LOOKUP on descriptor N (someone else's, or made up)
 *   poll MS [STOPAT]     poll the fd's buffer; the callback returns -STOPAT at that record
 *   close                close the last object
 *   oob-load / oob-name / oob-key   pass an out-of-bounds pointer to a host function
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "wasm_bpf_imports.h"

static uint64_t obj;
static int fd = -1;
static int records;
static int stop_at = -1;

__attribute__((noinline)) static void crash_here(void)
{
	__builtin_trap();
}

static int on_record(void *ctx, void *data, size_t size)
{
	records++;
	printf("record %d ctx=%u size=%zu\n", records, (unsigned)(uintptr_t)ctx, size);
	if (records == stop_at)
		return -stop_at;
	return 0;
}

static char *read_file(const char *path, int *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *buf = malloc(n);
	fread(buf, 1, n, f);
	fclose(f);
	*len = (int)n;
	return buf;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	for (int i = 1; i < argc; i++) {
		const char *c = argv[i];
		const char *a = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(c, "argv")) {
			printf("argc=%d\n", argc);
			for (int j = 0; j < argc; j++)
				printf("argv[%d]=%s\n", j, argv[j]);
			break;
		} else if (!strcmp(c, "env")) {
			const char *v = getenv(a);
			printf("%s=%s\n", a, v ? v : "(unset)");
			i++;
		} else if (!strcmp(c, "exit")) {
			exit(atoi(a));
		} else if (!strcmp(c, "trap")) {
			crash_here();
		} else if (!strcmp(c, "spin")) {
			volatile unsigned long n = 0;
			for (;;)
				n++;
		} else if (!strcmp(c, "sleep")) {
			int ms = atoi(a);
			struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
			nanosleep(&ts, NULL);
			printf("slept %d\n", ms);
			i++;
		} else if (!strcmp(c, "hello")) {
			printf("hello\n");
			fprintf(stderr, "oops\n");
		} else if (!strcmp(c, "load")) {
			int len = 0;
			char *buf = read_file(a, &len);
			if (!buf) {
				printf("cannot read %s\n", a);
				return 2;
			}
			obj = wasm_load_bpf_object(buf, len);
			printf("load %s\n", obj ? "ok" : "failed");
			i++;
		} else if (!strcmp(c, "attach")) {
			const char *target = i + 2 < argc && argv[i + 2][0] != '-' && strchr(argv[i + 2], '/') ? argv[i + 2] : NULL;
			printf("attach %s = %d\n", a, wasm_attach_bpf_program(obj, a, target));
			i += target ? 2 : 1;
		} else if (!strcmp(c, "fd")) {
			fd = wasm_bpf_map_fd_by_name(obj, a);
			printf("fd %s = %d\n", a, fd);
			i++;
		} else if (!strcmp(c, "lookup")) {
			uint32_t k = atoi(a);
			uint64_t v[64] = { 0 };
			int rc = wasm_bpf_map_operate(fd, 1, &k, v, NULL, 0);
			printf("lookup %u = %d value=%llu\n", k, rc, (unsigned long long)v[0]);
			i++;
		} else if (!strcmp(c, "update")) {
			uint32_t k = atoi(a);
			uint64_t v[64] = { 0 };
			v[0] = strtoull(argv[i + 2], NULL, 10);
			printf("update %u = %d\n", k, wasm_bpf_map_operate(fd, 2, &k, v, NULL, 0));
			i += 2;
		} else if (!strcmp(c, "delete")) {
			uint32_t k = atoi(a);
			printf("delete %u = %d\n", k, wasm_bpf_map_operate(fd, 3, &k, NULL, NULL, 0));
			i++;
		} else if (!strcmp(c, "next")) {
			uint32_t k = 0, next = 0;
			int have = a && a[0] >= '0' && a[0] <= '9';
			if (have)
				k = atoi(a);
			int rc = wasm_bpf_map_operate(fd, 4, have ? &k : NULL, NULL, &next, 0);
			printf("next = %d key=%u\n", rc, next);
			if (have)
				i++;
		} else if (!strcmp(c, "opfd")) {
			uint32_t k = 0;
			uint64_t v[64];
			printf("opfd %s = %d\n", a, wasm_bpf_map_operate(atoi(a), 1, &k, v, NULL, 0));
			i++;
		} else if (!strcmp(c, "poll")) {
			static char buf[256];
			int ms = atoi(a);
			i++;
			if (i + 1 < argc && argv[i + 1][0] >= '0' && argv[i + 1][0] <= '9')
				stop_at = atoi(argv[++i]);
			int rc = wasm_bpf_buffer_poll(obj, fd, (int32_t)(uintptr_t)on_record, 42, buf, sizeof(buf), ms);
			printf("poll = %d\n", rc);
		} else if (!strcmp(c, "close")) {
			printf("close = %d\n", wasm_close_bpf_object(obj));
		} else if (!strcmp(c, "oob-load")) {
			wasm_load_bpf_object((void *)0xfffffff0u, 4096);
		} else if (!strcmp(c, "oob-name")) {
			wasm_attach_bpf_program(obj, (const char *)0xffffff00u, NULL);
		} else if (!strcmp(c, "oob-key")) {
			uint64_t v[64];
			wasm_bpf_map_operate(fd, 1, (void *)0xfffffffcu, v, NULL, 0);
		} else {
			printf("unknown command %s\n", c);
			return 2;
		}
	}
	return 0;
}
