// SPDX-License-Identifier: Apache-2.0
/* portfilter: counts TCP/UDP packets per destination port on an interface for a while, then prints them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "portfilter.skel.h"
#include "portfilter.h"

static int usage(const char *argv0, int status)
{
	fprintf(stderr,
		"usage: %s IFNAME [-t SECONDS] [-p PORT[-PORT]] [-d PORT]\n"
		"  Count TCP and UDP packets per destination port arriving on IFNAME (XDP) for SECONDS (default 5),\n"
		"  only ports in the -p range (default 1-65535); drop the packets to port -d.\n",
		argv0);
	return status;
}

static int by_proto_then_port(const void *a, const void *b)
{
	const struct pf_key *x = a, *y = b;

	if (x->proto != y->proto)
		return x->proto - y->proto;
	return x->port - y->port;
}

int main(int argc, char **argv)
{
	struct pf_key keys[MAX_PORTS], key, *prev = NULL;
	unsigned int min_port = 1, max_port = 65535, drop_port = 0;
	struct portfilter_bpf *skel;
	int seconds = 5, n = 0, fd, err;

	if (argc < 2 || argv[1][0] == '-')
		return usage(argv[0], argc < 2 ? 2 : 0);
	for (int i = 2; i < argc; i += 2) {
		const char *opt = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;

		if (!val)
			return usage(argv[0], 2);
		if (!strcmp(opt, "-t"))
			seconds = atoi(val);
		else if (!strcmp(opt, "-d"))
			drop_port = atoi(val);
		else if (!strcmp(opt, "-p") && sscanf(val, "%u-%u", &min_port, &max_port) < 2)
			max_port = min_port;
		else if (strcmp(opt, "-p"))
			return usage(argv[0], 2);
	}
	if (min_port > max_port || max_port > 65535 || drop_port > 65535 || seconds < 0)
		return usage(argv[0], 2);

	skel = portfilter_bpf__open();
	if (!skel) {
		fprintf(stderr, "failed to open the BPF object: %d\n", -errno);
		return 1;
	}
	skel->rodata->min_port = min_port;
	skel->rodata->max_port = max_port;
	skel->rodata->drop_port = drop_port;
	err = portfilter_bpf__load(skel);
	if (err) {
		fprintf(stderr, "failed to load the BPF object: %d\n", err);
		goto out;
	}
	/* an XDP program attaches to the interface named here */
	bpf_set_prog_attach_target(skel->progs.portfilter, argv[1]);
	err = portfilter_bpf__attach(skel);
	if (err) {
		fprintf(stderr, "failed to attach to %s: %d\n", argv[1], err);
		goto out;
	}
	printf("Counting TCP/UDP packets to ports %u-%u on %s for %d s", min_port, max_port, argv[1], seconds);
	if (drop_port)
		printf(", dropping port %u", drop_port);
	printf("...\n");
	fflush(stdout);
	sleep(seconds);

	fd = bpf_map__fd(skel->maps.stats);
	while (n < MAX_PORTS && bpf_map_get_next_key(fd, prev, &key) == 0) {
		keys[n] = key;
		prev = &keys[n++];
	}
	qsort(keys, n, sizeof(keys[0]), by_proto_then_port);
	printf("%-5s %5s %10s %10s  %s\n", "PROTO", "PORT", "PACKETS", "BYTES", "VERDICT");
	for (int i = 0; i < n; i++) {
		struct pf_count s;

		err = bpf_map_lookup_elem(fd, &keys[i], &s);
		if (err) {
			fprintf(stderr, "lookup of port %u failed: %d\n", keys[i].port, err);
			goto out;
		}
		printf("%-5s %5u %10llu %10llu  %s\n", keys[i].proto == 6 ? "TCP" : "UDP", keys[i].port,
		       (unsigned long long)s.packets, (unsigned long long)s.bytes,
		       keys[i].port == drop_port ? "drop" : "pass");
	}
	err = 0;
out:
	portfilter_bpf__destroy(skel);
	return err < 0 ? -err : 0;
}
