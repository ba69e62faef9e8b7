#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Run each libFuzzer target of the target transport (LS and FCP receive
# paths) for about FUZZ_TIME seconds; see fuzz_lib.sh.
. "$(dirname "$0")/fuzz_lib.sh"
fuzz_run nvmet_ls nvmet_ls 4096 2100
fuzz_run nvmet_fcp nvmet_fcp 4096 1900
fuzz_done
