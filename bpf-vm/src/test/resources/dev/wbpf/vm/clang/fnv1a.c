/* Self-contained (no maps, no relocations) program for the VM tests: FNV-1a 64 over the memory
 * the caller passes in r1 (pointer) and r2 (length), at most 4096 bytes. */
__attribute__((section("vm"), used))
unsigned long long fnv1a(const unsigned char *data, unsigned long len)
{
	unsigned long long hash = 0xcbf29ce484222325ULL;

	if (len > 4096)
		len = 4096;
	for (unsigned long i = 0; i < len; i++) {
		hash ^= data[i];
		hash *= 0x100000001b3ULL;
	}
	return hash;
}
