#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Run the control-message validator fuzzer for about FUZZ_TIME seconds; see
# fuzz_lib.sh.
. "$(dirname "$0")/fuzz_lib.sh"
fuzz_run ctl ctl_validate 16400 310000
fuzz_done
