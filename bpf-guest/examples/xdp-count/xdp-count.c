// SPDX-License-Identifier: Apache-2.0
/* xdp-count: counts packets per protocol on an interface; prints the counts every second. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "xdp-count.skel.h"
#include "xdp-count.h"

static const char *proto_name(uint32_t key, char *buf, size_t len)
{
	switch (key) {
	case 1: return "ICMP";
	case 2: return "IGMP";
	case 6: return "TCP";
	case 17: return "UDP";
	case 47: return "GRE";
	case 50: return "ESP";
	case 58: return "ICMPv6";
	case 132: return "SCTP";
	case KEY_ARP: return "ARP";
	case KEY_OTHER: return "other";
	default:
		snprintf(buf, len, "proto %u", key);
		return buf;
	}
}

int main(int argc, char **argv)
{
	struct xdp_count_bpf *skel;
	struct counter prev[NUM_KEYS];
	int seconds = 0, fd, err;
	uint32_t key;

	if (argc < 2 || argv[1][0] == '-') {
		fprintf(stderr, "usage: %s IFNAME [SECONDS]\n  Count packets per protocol arriving on IFNAME (XDP).\n",
			argv[0]);
		return argc < 2 ? 2 : 0;
	}
	if (argc > 2)
		seconds = atoi(argv[2]);

	skel = xdp_count_bpf__open_and_load();
	if (!skel) {
		fprintf(stderr, "failed to open and load the BPF object: %d\n", -errno);
		return 1;
	}
	/* an XDP program attaches to the interface named here */
	bpf_set_prog_attach_target(skel->progs.xdp_count, argv[1]);
	err = xdp_count_bpf__attach(skel);
	if (err) {
		fprintf(stderr, "failed to attach to %s: %d\n", argv[1], err);
		goto out;
	}

	memset(prev, 0, sizeof(prev));
	fd = bpf_map__fd(skel->maps.counts);
	printf("Counting packets on %s... Hit Ctrl-C to end.\n", argv[1]);
	fflush(stdout);
	for (int t = 0; seconds == 0 || t < seconds; t++) {
		sleep(1);
		printf("%-10s %12s %12s %10s\n", "PROTO", "PACKETS", "BYTES", "PKT/S");
		for (key = 0; key < NUM_KEYS; key++) {
			struct counter c;
			char buf[16];

			err = bpf_map_lookup_elem(fd, &key, &c);
			if (err) {
				fprintf(stderr, "lookup of key %u failed: %d\n", key, err);
				goto out;
			}
			if (!c.packets)
				continue;
			printf("%-10s %12llu %12llu %10llu\n", proto_name(key, buf, sizeof(buf)),
			       (unsigned long long)c.packets, (unsigned long long)c.bytes,
			       (unsigned long long)(c.packets - prev[key].packets));
			prev[key] = c;
		}
		printf("\n");
		fflush(stdout);
	}
	err = 0;
out:
	xdp_count_bpf__destroy(skel);
	return err < 0 ? -err : 0;
}
