#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Run the DH-HMAC-CHAP parser fuzzer for about FUZZ_TIME seconds; see fuzz_lib.sh.
. "$(dirname "$0")/fuzz_lib.sh"
fuzz_run auth auth_msg 1300 570000
fuzz_done
