#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Run the hostile-host fuzzer of the software HBA's target side for
# about FUZZ_TIME seconds, then the hostile VM guest's against the port server
# (fuzz_hw_vmport.c); see fuzz_lib.sh and fuzz_hw_peer.c.
. "$(dirname "$0")/fuzz_lib.sh"
fuzz_run hw_peer hw_peer 2048 3300
fuzz_run hw_vmport hw_vmport 2048 1300
fuzz_done
