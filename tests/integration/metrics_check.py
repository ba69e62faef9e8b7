#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Check `fcnvmectl stats -o openmetrics` against `fcnvmectl -j stats`.

usage: metrics_check.py OPENMETRICS_FILE JSON_FILE

Parses the OpenMetrics text with prometheus_client's OpenMetrics parser
(python3-prometheus-client; the parser rejects what breaks the format:
missing # EOF, unsorted or non-cumulative buckets, _count without _sum,
a unit that is not the name's suffix, bad escaping), then checks every
JSON row has its samples with the same counters, a histogram whose
buckets are cumulative and end at +Inf == _count == commands, and a _sum
equal to lat_sum_ns. Prints one line per failure; exit 1 if any.
"""
import json
import sys

try:
    from prometheus_client.openmetrics.parser import text_string_to_metric_families
except ImportError:
    print("FAIL: python3 module prometheus_client missing: "
          "apt-get install python3-prometheus-client (quickstart.sh installs it)")
    sys.exit(1)

KIND = {"port": "port", "subsystem": "subsystem", "namespace": "namespace", "host": "host"}
failures = []


def key(row, name):
    """A JSON key: fcnvmectl's JSON keys are snake_case (a kebab-case key
    is missing, and the comparison that needs it fails)."""
    if "-" in name:
        failures.append("key %s is not snake_case" % name)
    return row.get(name)


def labels_of(row):
    obj = row["object"]
    if obj == "port":
        return {"port": row["name"], "portid": str(key(row, "portid"))}
    if obj == "subsystem":
        return {"subsys_nqn": row["nqn"]}
    if obj == "namespace":
        return {"subsys_nqn": row["nqn"], "nsid": str(row["nsid"])}
    return {"host_nqn": key(row, "host_nqn"), "host_wwpn": row["wwpn"]}


def main():
    text = open(sys.argv[1]).read()
    rows = json.load(open(sys.argv[2]))
    if isinstance(rows, dict):
        rows = [rows]
    fams = {f.name: f for f in text_string_to_metric_families(text)}
    for row in rows:
        kind = KIND[row["object"]]
        want = labels_of(row)
        counters = [("commands", "commands"), ("errors", "errors"),
                    ("aborts", "aborts"), ("read_bytes", "bytes_read"),
                    ("written_bytes", "bytes_written")]
        for port_only in ("refusals", "host_conflicts"):
            if kind == "port":
                counters.append((port_only, port_only))
            elif "nvmetfcd_%s_%s" % (kind, port_only) in fams:
                failures.append("nvmetfcd_%s_%s: a port-only counter" % (kind, port_only))
        for metric, jkey in counters:
            fam = fams.get("nvmetfcd_%s_%s" % (kind, metric))
            if fam is None or fam.type != "counter":
                failures.append("no counter family nvmetfcd_%s_%s" % (kind, metric))
                continue
            got = [s.value for s in fam.samples
                   if s.name.endswith("_total") and s.labels == want]
            if got != [float(key(row, jkey))]:
                failures.append("%s %s %s: %s, JSON %s" % (kind, want, metric, got,
                                                          key(row, jkey)))
        fam = fams.get("nvmetfcd_%s_latency_seconds" % kind)
        if fam is None or fam.type != "histogram" or fam.unit != "seconds":
            failures.append("no histogram nvmetfcd_%s_latency_seconds" % kind)
            continue
        mine = [s for s in fam.samples
                if {k: v for k, v in s.labels.items() if k != "le"} == want]
        buckets = [s for s in mine if s.name.endswith("_bucket")]
        count = [s.value for s in mine if s.name.endswith("_count")]
        total = [s.value for s in mine if s.name.endswith("_sum")]
        les = [float(s.labels["le"]) for s in buckets]
        vals = [s.value for s in buckets]
        if len(buckets) != 26 or les != sorted(les) or les[-1] != float("inf"):
            failures.append("%s %s: bucket bounds %s" % (kind, want, les))
        if vals != sorted(vals):
            failures.append("%s %s: buckets not cumulative: %s" % (kind, want, vals))
        if count != [float(row["commands"])] or not vals or vals[-1] != count[0]:
            failures.append("%s %s: _count %s, +Inf %s, commands %s" %
                            (kind, want, count, vals[-1:], row["commands"]))
        lat_sum = key(row, "lat_sum_ns")
        if lat_sum is None or total != [lat_sum / 1e9]:
            failures.append("%s %s: _sum %s, lat_sum_ns %s" % (kind, want, total, lat_sum))
        # the exact maximum is below the first bound holding every value
        mx = key(row, "lat_max_ns")
        first_all = next((le for le, v in zip(les, vals) if v == vals[-1]), None)
        if row["commands"] and (first_all is None or mx / 1e9 > first_all):
            failures.append("%s %s: max %s ns above bucket %s" % (kind, want, mx, first_all))
    for f in failures:
        print("FAIL:", f)
    print("metrics_check: %d rows, %d failures" % (len(rows), len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
