# SPDX-License-Identifier: Apache-2.0
"""A stand-in for systemd's notification socket that stamps each datagram
with the monotonic time: watchdog_listen.py SOCKET LOG appends, per
datagram, the time in microseconds, a tab and the datagram (newlines as
"\\n") to LOG, until killed. watchdog_listen.py SOCKET -m NAME sends the
datagram MARK=NAME to it (a test's marks between the daemon's messages).
watchdog_check.py reads LOG."""
import socket
import sys
import time

s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
if sys.argv[2] == "-m":
    s.sendto(("MARK=" + sys.argv[3]).encode(), sys.argv[1])
    sys.exit(0)
s.bind(sys.argv[1])
with open(sys.argv[2], "a") as out:
    while True:
        m = s.recv(4096).decode(errors="replace")
        out.write("%d\t%s\n" % (time.monotonic_ns() // 1000, m.rstrip("\n").replace("\n", "\\n")))
        out.flush()
