/* SPDX-License-Identifier: Apache-2.0 */
/* The stats map shared by portfilter.bpf.c and the guest. */
#ifndef PORTFILTER_H
#define PORTFILTER_H

#define MAX_PORTS 1024 /* distinct (protocol, port) pairs counted */

struct pf_key {
	__u16 port;	/* destination port, host order */
	__u8 proto;	/* 6 TCP, 17 UDP */
	__u8 pad;	/* zero */
};

struct pf_count {
	__u64 packets;
	__u64 bytes;	/* frame bytes, from the Ethernet header */
};

#endif
