/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Small helpers shared by the ctl_<object>.c handlers: send a built reply
 * (turning a put failure into an error), and read optional request values.
 */
#ifndef CTL_REPLY_H
#define CTL_REPLY_H

#include <stddef.h>
#include <stdint.h>

#include "ctl_dispatch.h"

struct nl_msg;

/* Send m if put_rc is 0; otherwise free it. Returns 0 or -errno. */
int ctl_reply_send(struct ctl_req *req, struct nl_msg *m, int put_rc);
/* Send len bytes of text as FCNVME_A_TEXT chunks (config show, reload). */
int ctl_reply_text(struct ctl_req *req, const char *text, size_t len);
/* An optional u8 request attribute (def when absent). */
uint8_t ctl_opt_u8(const struct ctl_req *req, unsigned int attr, uint8_t def);

#endif /* CTL_REPLY_H */
