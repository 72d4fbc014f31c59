/* SPDX-License-Identifier: Apache-2.0 */
/* Keys of the counts map shared by xdp-count.bpf.c and the guest. */
#ifndef XDP_COUNT_H
#define XDP_COUNT_H

/* 0..255: IPv4 protocol / IPv6 next header */
#define KEY_ARP 256
#define KEY_OTHER 257 /* not IP, not ARP */
#define NUM_KEYS 258

struct counter {
	__u64 packets;
	__u64 bytes;
};

#endif
