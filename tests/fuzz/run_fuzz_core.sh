#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Run the NVMe target core's command fuzzer for about FUZZ_TIME seconds; see
# fuzz_lib.sh.
. "$(dirname "$0")/fuzz_lib.sh"
fuzz_run core_cmd core_cmd 4096 1300
fuzz_done
