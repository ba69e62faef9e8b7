#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Known-answer vectors for tests/unit/check_auth.c, computed with Python's
own hashlib/hmac and integers (independent of libcrypto's HMAC and our C
code) from the definitions in NVMe Base 2.0 section 8.13.5 in the byte
order of Linux (drivers/nvme/host/auth.c nvme_auth_dhchap_setup_host_response
and _ctrl_response, drivers/nvme/common/auth.c nvme_auth_augmented_challenge).
The FFDHE primes are computed from their definition in RFC 7919, Appendix A
(2^b - 2^(b-64) + (floor(2^(b-130) e) + X) 2^64 - 1), not taken from OpenSSL.
Run: python3 tests/unit/gen_auth_kat.py (prints the C tables)."""
import hashlib
import hmac

H = {1: hashlib.sha256, 2: hashlib.sha384, 3: hashlib.sha512}
HOST = b"nqn.2014-08.org.nvmexpress:uuid:h1"
SUB = b"nqn.2014-08.org.nvmexpress:uuid:s1"


def c(b):
    return "".join("\\x%02x" % x for x in b)


def response(h, key, chal, seq, tid, host):
    m = chal + seq.to_bytes(4, "little") + tid.to_bytes(2, "little") + b"\0"
    m += b"HostHost" + HOST + b"\0" + SUB if host else b"Controller" + SUB + b"\0" + HOST
    return hmac.new(key, m, H[h]).digest()


for h in (1, 2, 3):
    hl = H[h]().digest_size
    key = bytes(range(hl))
    chal = bytes((0x80 + i) & 0xFF for i in range(hl))
    print("/* hash %d: key 00.., challenge 80.., seq 0x01020304, tid 0x0a0b */" % h)
    print('"%s",' % c(response(h, key, chal, 0x01020304, 0x0A0B, True)))
    print('"%s",' % c(response(h, key, chal, 0x01020304, 0x0A0B, False)))
    skey = bytes((i * 7) & 0xFF for i in range(256))
    aug = hmac.new(H[h](skey).digest(), chal, H[h]).digest()
    print('/* augmented */ "%s",' % c(aug))

# RFC 7919 Appendix A: X for each group
FFDHE_X = {2048: 560316, 3072: 2625351, 4096: 5736041, 6144: 15705020, 8192: 10965728}


def e_fixed(bits):
    """floor(e * 2^bits) from the series sum 1/k!, with guard bits."""
    guard = bits + 64
    one = 1 << guard
    total, term, k = 0, one, 0
    while term:
        total += term
        k += 1
        term //= k
    return total >> 64


def ffdhe_prime(b):
    return (1 << b) - (1 << (b - 64)) + ((e_fixed(b - 130) + FFDHE_X[b]) << 64) - 1


for g, bits in enumerate((2048, 3072, 4096, 6144, 8192), 1):
    p = ffdhe_prime(bits)
    n = bits // 8
    xa = int.from_bytes(bytes([0x11] * 32), "big")
    xb = int.from_bytes(bytes([0x22] * 32), "big")
    ya, yb = pow(2, xa, p), pow(2, xb, p)
    z = pow(yb, xa, p)
    blob = ya.to_bytes(n, "big") + yb.to_bytes(n, "big") + z.to_bytes(n, "big")
    print('/* ffdhe%d: sha256(ya || yb || z) */ "%s",' % (bits, c(hashlib.sha256(blob).digest())))
