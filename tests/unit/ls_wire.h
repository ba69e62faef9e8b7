/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The LS codec suites' shared wire bytes (ls_wire.c): hand-written
 * requests, ACCs and an RJT as Linux's nvme-fc host and nvmet-fc target
 * put them on the wire, the parameters they encode, and two helpers to
 * compare and patch them.
 */
#ifndef LS_WIRE_H
#define LS_WIRE_H

#include <stddef.h>
#include <stdint.h>

#include <fcnvme/ls.h>

#define HOSTNQN	 "nqn.2014-08.org.nvmexpress:uuid:0f01fb42-9f7f-4856-b0b3-51e60b8de349"
#define SUBNQN	 "nqn.2024-01.io.example:sub1"
#define ASSOC	 0x1234567890ab0000ULL
#define ACCID	 0xa1b2c3d4e5f60000ULL
#define NROWS(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* Fail at the first differing byte, naming its offset. */
void ls_wire_expect_bytes(const void *got, const void *exp, size_t n);
/* Store val big-endian in width bytes at off of buf (width 0: nothing;
 * width 256: fill a 256-byte string field with 'x'). */
void ls_wire_patch(uint8_t *buf, size_t size, int off, int width, uint32_t val);
/* The Create Association parameters of ls_wire_cra(). */
void ls_wire_fill_cra(struct fcnvme_ls_cr_assoc_params *p);
/* The Create Association request of ls_wire_fill_cra(), 1024 bytes. */
void ls_wire_cra(uint8_t exp[1024]);

extern const uint8_t ls_wire_crc[80];	     /* Create Connection, ASSOC, qid 3 */
extern const uint8_t ls_wire_disc_assoc[48]; /* Disconnect Association of ASSOC */
extern const uint8_t ls_wire_disc_conn[40];  /* Disconnect Connection */
extern const uint8_t ls_wire_rjt[40];	     /* RJT of a Create Connection */
extern const uint8_t ls_wire_cra_acc[56];    /* ACC of a Create Association, ACCID */
extern const uint8_t ls_wire_crc_acc[40];    /* ACC of a Create Connection, ACCID | 2 */
extern const uint8_t ls_wire_disc_acc[24];   /* ACC of a Disconnect Association */

#endif /* LS_WIRE_H */
