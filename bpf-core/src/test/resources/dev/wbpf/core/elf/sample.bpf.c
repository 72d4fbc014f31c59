typedef unsigned long long u64; typedef unsigned int u32; typedef long long s64; typedef int s32; typedef short s16; typedef signed char s8; typedef unsigned short u16;
#define SEC(x) __attribute__((section(x), used))
struct { int type; int max_entries; } my_map SEC(".maps");
static long (*bpf_trace_printk)(const char *fmt, u32 fmt_size, ...) = (void *) 6;
static void *(*bpf_map_lookup_elem)(void *map, const void *key) = (void *) 1;
u64 counter = 0;
u32 ro_val SEC(".rodata") = 0;
static __attribute__((noinline)) int sub(int x) { return x * 3 + (x >> 2); }
SEC("xdp") int prog1(void *ctx) {
  int key = 0; u64 *v = bpf_map_lookup_elem(&my_map, &key);
  if (!v) return 1;
  __sync_fetch_and_add(v, 1);
  __sync_fetch_and_or(v, 2); __sync_fetch_and_and(v, 5); __sync_fetch_and_add((u32*)v, 1);
  u64 old = __sync_val_compare_and_swap(v, 3, 4);
  old += __sync_lock_test_and_set(v, 7);
  old += __sync_fetch_and_xor(v, 9);
  counter += old;
  char fmt[] = "hi %d\n";
  bpf_trace_printk(fmt, sizeof(fmt), sub((int)old));
  return (int)(old & 0xff) + ro_val;
}
SEC("tc") int prog2(void *ctx) {
  s64 a = *(volatile s64*)ctx; s32 b = *(volatile s32*)(ctx+8); s16 c = *(volatile s16*)(ctx+16); s8 d = *(volatile s8*)(ctx+20);
  u64 r = (u64)a / (u64)(b ? b : 1) + (u64)a % (u64)(c ? c : 3) + d;
  r ^= __builtin_bswap64(r) + __builtin_bswap32((u32)r) + __builtin_bswap16((u16)r);
  if ((s32)r < -5) r = -r;
  if ((u32)r > 100) r <<= 3; else r = (s64)r >> 7;
  for (int i = 0; i < (int)(r & 7); i++) r = r * 17 - i;
  return (int)r;
}
char LICENSE[] SEC("license") = "GPL";
