#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Run the configuration fuzzer (reader, parser, validator, printer) for
# about FUZZ_TIME seconds with the words of tests/fuzz/conf.dict; see fuzz_lib.sh.
. "$(dirname "$0")/fuzz_lib.sh"
fuzz_run conf conf 8192 8800 -dict="$top_srcdir/tests/fuzz/conf.dict"
fuzz_done
