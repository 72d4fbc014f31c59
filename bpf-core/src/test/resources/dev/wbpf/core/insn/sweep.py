import random, sys
random.seed(int(sys.argv[1]) if len(sys.argv) > 1 else 1)
N = int(sys.argv[2]) if len(sys.argv) > 2 else 40
regs = [0, 1, 2, 10, 11, 12]
offs = [0, 1, -1, 8, 16, 32, 3, 0x7fff, -0x8000]
imms = [0, 1, -1, 16, 32, 64, 5, 0xe1, 0xf1, 0x40, 0x41, 0x50, 0x51, 0xa0, 0xa1, 0x01, 0x7fffffff, -0x80000000, 11, 12, 2]
out = []
for op in range(256):
    combos = set()
    for _ in range(N):
        combos.add((random.choice(regs), random.choice(regs), random.choice(offs), random.choice(imms)))
    combos.add((1, 2, 0, 0)); combos.add((1, 2, 1, 16)); combos.add((1,2,8,32)); combos.add((0,0,0,0))
    for d, s, o, i in sorted(combos):
        b = bytes([op, (s << 4) | d]) + (o & 0xffff).to_bytes(2, 'little') + (i & 0xffffffff).to_bytes(4, 'little')
        out.append(b)
        if op == 0x18:
            out.append(bytes([0,0,0,0]) + random.choice([0, 1, 0xffffffff, 0x80000000]).to_bytes(4, 'little'))
print('\t.section sweep,"ax",@progbits')
print('\t.globl sweep_start\n\t.type sweep_start,@function\nsweep_start:')
for b in out:
    print('\t.byte ' + ', '.join('0x%02x' % x for x in b))
