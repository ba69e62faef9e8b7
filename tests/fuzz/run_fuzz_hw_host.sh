#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Run the hostile-target fuzzer of the software HBA's host side for
# about FUZZ_TIME seconds; see fuzz_lib.sh and fuzz_hw_host.c.
. "$(dirname "$0")/fuzz_lib.sh"
fuzz_run hw_host hw_host 2048 970
fuzz_done
