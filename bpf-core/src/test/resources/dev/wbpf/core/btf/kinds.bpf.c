/* Exercises every BTF kind clang can emit, for the BTF parser and dumper tests. */
/* Self-contained on purpose: no system headers, so the BTF does not depend on the host. */
#define SEC(name) __attribute__((section(name), used))
#define __ksym __attribute__((section(".ksyms")))

struct xdp_md { unsigned int data, data_end; };

#define __tag(x) __attribute__((btf_decl_tag(x)))
#define __user __attribute__((btf_type_tag("user")))

typedef unsigned long long u64;

struct undefined_struct;           /* FWD struct */
union undefined_union;             /* FWD union */

enum color { RED, GREEN = 5, BLUE };                /* ENUM, unsigned */
enum delta { MINUS = -3, ZERO = 0, PLUS = 3 };       /* ENUM, signed */
enum wide { SMALL = 1, HUGE = 0x1234567890ULL };     /* ENUM64, unsigned */
enum wide_signed { NEG = -0x100000000LL, POS = 7 };  /* ENUM64, signed */

struct flags {
	unsigned int a : 3;
	unsigned int b : 5;
	int c : 9;
	unsigned char d;
	u64 e : 40;
};

union number {
	int i;
	float f;
	double d;
	char bytes[8];
};

struct packet {
	volatile int counter;
	const char *const name;
	int *restrict cursor;
	struct undefined_struct *opaque;
	union undefined_union *opaque2;
	enum color color __tag("member_tag");
	enum delta delta;
	enum wide wide;
	enum wide_signed wide_signed;
	struct flags flags;
	union number number;
	int __user *user_ptr;
	long matrix[2][3];
	unsigned short len;
	char payload[];                 /* flexible array */
};

struct packed_pair {
	char c;
	int i;
} __attribute__((packed));

struct packet global_packet __tag("var_tag");
struct packed_pair global_packed;
static volatile const int read_only_config = 42;
float global_float = 1.5f;  // FLOAT
double global_double = 2.5;
_Bool global_bool;
int global_bss;

extern int bpf_kfunc_example(int x) __ksym;
extern unsigned int CONFIG_HZ __attribute__((section(".kconfig"), weak));  /* VAR linkage=extern */

static __attribute__((noinline)) int helper(struct packet *p __tag("param_tag"), int n)
{
	return p->len + n + (int)p->flags.b;
}

__attribute__((noinline)) int global_helper(union number *n) __tag("func_tag")
{
	return n->i + n->bytes[1];
}

SEC("xdp")
int kinds_main(struct xdp_md *ctx)
{
	global_bss++;
	global_packed.i++;
	return helper(&global_packet, read_only_config) + global_helper(&global_packet.number) +
	       (int)sizeof(global_float) + (int)sizeof(global_double) + global_bool + bpf_kfunc_example(1) +
	       (int)CONFIG_HZ;
}

char LICENSE[] SEC("license") = "GPL";
