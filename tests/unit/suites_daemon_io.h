/* SPDX-License-Identifier: Apache-2.0 */
/* Suites of the daemon's threading glue (io_ring, inbox, io_thread). */
#ifndef SUITES_DAEMON_IO_H
#define SUITES_DAEMON_IO_H

#include <check.h>

Suite *io_ring_suite(void);

#endif
