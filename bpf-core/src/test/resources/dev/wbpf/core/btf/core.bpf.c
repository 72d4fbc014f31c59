/* One CO-RE relocation of every kind, for the .BTF.ext parser tests. Self-contained: no system headers. */
#define SEC(name) __attribute__((section(name), used))

enum { FIELD_BYTE_OFFSET, FIELD_BYTE_SIZE, FIELD_EXISTS, FIELD_SIGNED, FIELD_LSHIFT_U64, FIELD_RSHIFT_U64 };
enum { TYPE_ID_LOCAL, TYPE_ID_TARGET };
enum { TYPE_EXISTS, TYPE_SIZE, TYPE_MATCHES = 2 };
enum { ENUMVAL_EXISTS, ENUMVAL_VALUE };

struct task {
	int pid;
	struct {
		long start;
		int flags : 4;
	} times;
} __attribute__((preserve_access_index));

enum state { RUNNING = 1, SLEEPING = 2 };

SEC("kprobe/do_thing")
int core_main(struct task *t)
{
	long r = 0;
	r += __builtin_preserve_field_info(t->times.start, FIELD_BYTE_OFFSET);
	r += __builtin_preserve_field_info(t->times.start, FIELD_BYTE_SIZE);
	r += __builtin_preserve_field_info(t->pid, FIELD_EXISTS);
	r += __builtin_preserve_field_info(t->times.flags, FIELD_SIGNED);
	r += __builtin_preserve_field_info(t->times.flags, FIELD_LSHIFT_U64);
	r += __builtin_preserve_field_info(t->times.flags, FIELD_RSHIFT_U64);
	r += __builtin_btf_type_id(*t, TYPE_ID_LOCAL);
	r += __builtin_btf_type_id(*t, TYPE_ID_TARGET);
	r += __builtin_preserve_type_info(*t, TYPE_EXISTS);
	r += __builtin_preserve_type_info(*t, TYPE_SIZE);
	r += __builtin_preserve_type_info(*t, TYPE_MATCHES);
	r += __builtin_preserve_enum_value(*(enum state *)SLEEPING, ENUMVAL_EXISTS);
	r += __builtin_preserve_enum_value(*(enum state *)SLEEPING, ENUMVAL_VALUE);
	r += t->pid;
	return r;
}

char LICENSE[] SEC("license") = "GPL";
