# SPDX-License-Identifier: Apache-2.0
"""Replays what a daemon sent to its NOTIFY_SOCKET as systemd's watchdog
would: would it ever have fired?

  watchdog_listen.py SOCKET LOG      (the listener)
  watchdog_listen.py SOCKET -m NAME  (a mark: the datagram MARK=NAME)
  watchdog_check.py LOG BASE_USEC [NAME MIN_USEC]   (this checker)

LOG has one line per datagram: the monotonic time in microseconds, a tab,
the datagram with its newlines as "\\n". From the first WATCHDOG=1 to
STOPPING=1 (or the last datagram), at every datagram the time since the
last ping must be within the interval in force (BASE_USEC, or what the last
WATCHDOG_USEC= set). Prints the raises seen, the longest gap between pings
and, for each, the interval it was allowed; exits 1 when the watchdog
would have fired, when no raise was seen, or when the interval is not BASE
again at the end. With NAME and MIN_USEC, a raise to at least MIN_USEC
must also come between the marks NAME-begin and NAME-end (the wait the
test caused raised it, not another one before); with MIN_USEC 0, no raise
may come between them and the pings must go on (two at least): nothing
the test caused there waited on the thread that feeds the watchdog.
"""
import sys


def main():
    log, base = sys.argv[1], int(sys.argv[2])
    mark, need = (sys.argv[3], int(sys.argv[4])) if len(sys.argv) > 4 else (None, 0)
    inside, marked, pings_inside = False, None, 0
    events = []
    with open(log) as f:
        for line in f:
            t, _, msg = line.rstrip("\n").partition("\t")
            events.append((int(t), msg.split("\\n")))
    interval, last_ping, worst, raises, bad = base, None, (0, base), [], []
    for t, fields in events:
        if last_ping is not None and t - last_ping > interval:
            bad.append("at +%d ms: %d ms since the last ping, interval %d ms" %
                       ((t - events[0][0]) // 1000, (t - last_ping) // 1000, interval // 1000))
        if last_ping is not None and t - last_ping > worst[0]:
            worst = (t - last_ping, interval)
        if "STOPPING=1" in fields:
            break
        for fld in fields:
            if fld == "WATCHDOG=1":
                last_ping = t
                pings_inside += inside
            elif fld.startswith("WATCHDOG_USEC="):
                interval = int(fld.split("=", 1)[1])
                if interval != base:
                    raises.append(interval)
                if inside and interval != base:  # a restore to BASE is no raise
                    marked = max(marked or 0, interval)
            elif mark and fld == "MARK=%s-begin" % mark:
                inside, marked, pings_inside = True, 0, 0
            elif mark and fld == "MARK=%s-end" % mark:
                inside = False
    print("watchdog: %d raise(s) %s; the longest gap between pings %d ms (allowed %d ms)" %
          (len(raises), [r // 1000 for r in raises], worst[0] // 1000, worst[1] // 1000))
    for b in bad:
        print("  it would have fired %s" % b)
    ok = not bad and raises and interval == base and last_ping is not None
    if mark and need:
        print("  between the marks %s: the highest raise %s ms (at least %d ms wanted)" %
              (mark, "none" if marked is None else marked // 1000, need // 1000))
        ok = ok and marked is not None and marked >= need
    elif mark:
        print("  between the marks %s: %s, %d ping(s) (no raise and two pings wanted)" %
              (mark, "no raise" if marked == 0 else "none" if marked is None
               else "a raise to %d ms" % (marked // 1000), pings_inside))
        ok = ok and marked == 0 and pings_inside >= 2
    if interval != base:
        print("  the interval is %d ms at the end, not %d" % (interval // 1000, base // 1000))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
