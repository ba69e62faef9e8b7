// SPDX-License-Identifier: Apache-2.0
/*
 * vmport_deq_inject: plays a port server that writes nonsense into the
 * deq ring of a softhba-vmport port whose driver is nvmetfcd
 * (tests/integration/vmport_target.sh). It maps the port's device file,
 * checks it with hw_rdrv_probe and posts: RPORT_ONLINE entries too short,
 * for slots beyond the fabric or without the initiator role; LS requests
 * from slots beyond the fabric, from a slot nobody logged in from, with a
 * length beyond any LS; an LS response for no request with a huge length;
 * RPORT_OFFLINE for unknown slots; a LINK of no known state; seeded random
 * entries (any slot-bearing one aimed beyond the fabric or at slot 62);
 * then one well-formed RPORT_ONLINE for slot 60 (WWPN 0x10000090fbeeeeee,
 * N_Port_ID 0x0abcde) and its RPORT_OFFLINE. A driver must ignore or
 * refuse the nonsense, register and drop the phantom host, and keep
 * serving the real ones. Prints the seed and the number posted.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fcnvme/fc_wire.h>

#include "hw_priv.h"

static unsigned int seed;
static void *base;
static struct hw_bar geo;
static unsigned int posted;

static uint32_t rnd(void)
{
	seed = seed * 1103515245u + 12345u;
	return (seed >> 8) & 0xffffff;
}

static void post(struct hw_eqe *e)
{
	struct hw_bar *bar = base;
	int i;

	for (i = 0; i < 1000; i++) {
		if (hw_ring_post_geo(base, &bar->deq, &geo.deq, e, sizeof(*e)) == 0) {
			posted++;
			return;
		}
		usleep(10000); /* full: the driver drains it on its tick */
	}
	fprintf(stderr, "vmport_deq_inject: deq stays full\n");
	exit(1);
}

static void ev(uint16_t type, uint16_t slot, uint32_t len, uint32_t arg)
{
	struct hw_eqe e;

	memset(&e, 0, sizeof(e));
	e.type = type;
	e.peer_slot = slot;
	e.len = len;
	e.arg = arg;
	e.id = rnd();
	post(&e);
}

static void online(uint16_t slot, uint32_t len, uint64_t wwpn, uint32_t roles)
{
	struct hw_rport_desc d = {
		.wwnn = wwpn + 0x1000000000000000ull,
		.wwpn = wwpn,
		.port_id = 0x0abcde,
		.roles = roles,
		.gen = 7,
	};
	struct hw_eqe e;

	memset(&e, 0, sizeof(e));
	e.type = HW_EQE_RPORT_ONLINE;
	e.peer_slot = slot;
	e.len = len;
	memcpy(e.payload, &d, sizeof(d));
	post(&e);
}

int main(int argc, char **argv)
{
	struct stat st;
	unsigned int i;
	int fd;

	if (argc != 3) {
		fprintf(stderr, "usage: vmport_deq_inject PORT_FILE SEED\n");
		return 2;
	}
	seed = (unsigned int)strtoul(argv[2], NULL, 0);
	fd = open(argv[1], O_RDWR | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st)) {
		perror(argv[1]);
		return 1;
	}
	base = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (base == MAP_FAILED || hw_rdrv_probe(base, (uint64_t)st.st_size, 0, &geo)) {
		fprintf(stderr, "vmport_deq_inject: %s is not a remote-driver port\n", argv[1]);
		return 1;
	}
	online(60, 0, 0x10000090fbeeee01ull, FC_PORT_ROLE_NVME_INITIATOR);  /* too short */
	online(60, 31, 0x10000090fbeeee02ull, FC_PORT_ROLE_NVME_INITIATOR); /* too short */
	online(65535, 32, 0x10000090fbeeee03ull, FC_PORT_ROLE_NVME_INITIATOR);
	online(HW_MAX_PORTS, 32, 0x10000090fbeeee04ull, FC_PORT_ROLE_NVME_INITIATOR);
	online(61, 32, 0x10000090fbeeee05ull, FC_PORT_ROLE_NVME_TARGET); /* no initiator */
	ev(HW_EQE_LS_REQ, 65535, 64, 0);
	ev(HW_EQE_LS_REQ, 62, 64, 0);	 /* nobody logged in there */
	ev(HW_EQE_LS_REQ, 62, 5000, 0);	 /* beyond any LS */
	ev(HW_EQE_LS_RSP, 3, 100000, 0); /* for no request */
	ev(HW_EQE_RPORT_OFFLINE, 65535, 0, 0);
	ev(HW_EQE_RPORT_OFFLINE, 63, 0, 0);
	ev(HW_EQE_LINK, 0, 0, 77); /* no such link state */
	for (i = 0; i < 300; i++) {
		struct hw_eqe e;
		uint8_t *p = (uint8_t *)&e;
		size_t k;

		for (k = 0; k < sizeof(e); k++)
			p[k] = (uint8_t)rnd();
		if (i % 2)
			e.type = (uint16_t)(1 + rnd() % 12); /* the known types too */
		if (e.type == HW_EQE_LINK)
			e.arg = 1000 + rnd();
		else if (e.type == HW_EQE_LS_REQ)
			e.peer_slot = rnd() % 2 ? 62 : (uint16_t)(HW_MAX_PORTS + rnd() % 1000);
		else
			e.peer_slot = (uint16_t)(HW_MAX_PORTS + rnd() % 60000);
		post(&e);
	}
	/* a well-formed phantom host, then its loss */
	online(60, 32, 0x10000090fbeeeeeeull, FC_PORT_ROLE_NVME_INITIATOR);
	ev(HW_EQE_RPORT_OFFLINE, 60, 0, 0);
	printf("vmport_deq_inject: seed %u, %u entries posted\n",
	       (unsigned int)strtoul(argv[2], NULL, 0), posted);
	return 0;
}
