/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the two files of fuzz_hw_host share: the ports (set up once by
 * fuzz_hw_host.c), the sizes, and the hostile target's records
 * (fuzz_hw_host_forge.c).
 */
#ifndef FUZZ_HW_HOST_H
#define FUZZ_HW_HOST_H

#define FUZZ_HW_NAME "fuzz_hw_host"
#include "fuzz_hw.h"
#include "hw_host_priv.h"
#include "hw_tgt_priv.h"

#define NR_HWQ	2
#define DEPTH	16
#define CMD_BUF 8192u  /* largest fuzz command */
#define TGT_BUF 32768u /* the hostile target's local data */

/* Bytes 2 and 3 of a forged LS_RSP that names another slot than the
 * target's (which its request went to): no LS request may complete with
 * them (the honest target's echo has zeros there). */
#define LS_OTHER_SLOT_2 0xa5
#define LS_OTHER_SLOT_3 0x5a

extern struct hw_tgt_port *tp;	/* the target, hostile or honest */
extern struct hw_host_port *hp; /* the host under test */
extern struct hw_dev *host;	/* &hp->dev */

/* The hostile target's view of the host's region (its mapping, the
 * geometry it took), or NULL. */
const struct hw_peer_view *tgt_view(void);

/* fuzz_hw_host_forge.c: its buffers (at setup), and one record each. */
void forge_init(void);
void rec_cqe(struct in *in);
void rec_eqe(struct in *in);
void rec_xri(struct in *in);
void rec_ring(struct in *in);
void rec_tgtop(struct in *in);
void rec_fault(struct in *in);
void rec_wqe(struct in *in);

#endif
