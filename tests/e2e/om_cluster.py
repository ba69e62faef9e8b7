#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Check the cluster families of `fcnvmectl -o openmetrics stats`.

usage: om_cluster.py OPENMETRICS_FILE NODE [NAME=VALUE ...]

Parses the text with prometheus_client's OpenMetrics parser (which
rejects what breaks the format), then checks that every nvmetfcd_cluster_*
family is there with the type it should have and one sample per node
(or per node and ANA group), all labelled node=NODE, that each group's
stateset has exactly one state set, and the expectations given:
NAME=VALUE for a node-level gauge (member, state_answers, heartbeat_ok,
group_job_running, read_failures: VALUE exact; read_age_seconds and
read_wait_seconds: "<N" or ">=N"), group.G.state=STATE,
group.G.owner=NODE and group.G.epoch=N. Prints what it read and one line
per failure; exit 1 if any.
"""
import sys

from prometheus_client.openmetrics.parser import text_string_to_metric_families

GAUGES = ["member", "state_answers", "heartbeat_ok", "group_job_running",
          "read_failures", "read_age_seconds", "read_wait_seconds"]


def main():
    fams = {f.name: f for f in text_string_to_metric_families(open(sys.argv[1]).read())}
    node = sys.argv[2]
    failures = []
    got = {}
    for g in GAUGES:
        fam = fams.get("nvmetfcd_cluster_" + g)
        if fam is None or fam.type != "gauge" or len(fam.samples) != 1:
            failures.append("nvmetfcd_cluster_%s: not one gauge sample" % g)
            continue
        s = fam.samples[0]
        if s.labels != {"node": node}:
            failures.append("nvmetfcd_cluster_%s: labels %s" % (g, s.labels))
        got[g] = s.value
    for g in ["read_age_seconds", "read_wait_seconds"]:
        fam = fams.get("nvmetfcd_cluster_" + g)
        if fam is not None and fam.unit != "seconds":
            failures.append("nvmetfcd_cluster_%s: unit %r" % (g, fam.unit))
    groups = {}
    fam = fams.get("nvmetfcd_cluster_ana_group_state")
    if fam is None or fam.type != "stateset":
        failures.append("nvmetfcd_cluster_ana_group_state: no stateset")
    else:
        for s in fam.samples:
            grp = s.labels.get("ana_group")
            if s.labels.get("node") != node or grp is None:
                failures.append("ana_group_state labels %s" % s.labels)
                continue
            if s.value == 1:
                if "state" in groups.setdefault(grp, {}):
                    failures.append("group %s: two states set" % grp)
                groups[grp]["state"] = s.labels["nvmetfcd_cluster_ana_group_state"]
            groups.setdefault(grp, {})
    for name, field in [("ana_group_epoch", "epoch"), ("ana_group_owner", "owner")]:
        fam = fams.get("nvmetfcd_cluster_" + name)
        if fam is None or fam.type != ("info" if field == "owner" else "gauge"):
            failures.append("nvmetfcd_cluster_%s: missing or of another type" % name)
            continue
        for s in fam.samples:
            grp = s.labels.get("ana_group")
            if s.labels.get("node") != node or grp not in groups:
                failures.append("%s labels %s" % (name, s.labels))
                continue
            groups[grp][field] = s.labels["owner"] if field == "owner" else int(s.value)
    for grp, g in groups.items():
        if "state" not in g:
            failures.append("group %s: no state set" % grp)
    print("  cluster metrics: %s %s" % (got, groups))
    for want in sys.argv[3:]:
        name, value = want.split("=", 1)
        if name.startswith("group."):
            _, grp, field = name.split(".")
            have = groups.get(grp, {}).get(field)
            ok = str(have) == value
        else:
            have = got.get(name)
            if have is None:
                ok = False
            elif value.startswith("<"):
                ok = have < float(value[1:])
            elif value.startswith(">="):
                ok = have >= float(value[2:])
            else:
                ok = have == float(value)
        if not ok:
            failures.append("%s: %s, want %s" % (name, have, value))
    for f in failures:
        print("  FAIL: " + f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
