#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Writes the simulator's channel catalogue (scenarios/data/channels.csv).

The catalogue follows the published channel counts of the milestones file
(58 live on 2019-01-23, 137 on 2019-06-23 and the notice's 138 by mid-2019,
363 on 2020-06-30, 417 on 2020-11-20; of the 417, 25 national, 300+ HRSS and
other government, 100+ bank and social).  Only national channels with
well-known public names carry real names (generated=0); every other entry is
generated (generated=1) with a neutral name, spread over the provinces and
the most populous cities of scenarios/data/cities-2020.csv.  Go-live dates
are modelled to match the counts, not the channels' actual dates.  The
output is deterministic (no randomness): run
    python3 tools/gen-channels.py scenarios/data/cities-2020.csv > scenarios/data/channels.csv
The build does not run this script; its output is committed.
"""
import csv
import datetime
import sys

D = datetime.date.fromisoformat

# (name, class): real public names, tier 1, national, live before 2019-01-23.
REAL = [
    ("国家社会保险公共服务平台", "hrss"),
    ("掌上12333", "hrss"),
    ("中国工商银行", "bank"),
    ("中国建设银行", "bank"),
    ("中国农业银行", "bank"),
    ("中国银行", "bank"),
    ("交通银行", "bank"),
    ("招商银行", "bank"),
    ("中国邮政储蓄银行", "bank"),
    ("支付宝", "partner"),
    ("微信", "partner"),
    ("云闪付", "partner"),
]
# Generated national channels: 13, by class.
GEN_NATIONAL = ["bank"] * 4 + ["government"] * 3 + ["medical"] * 2 + ["social"] * 2 + ["partner"] * 2

# Cohorts: (first go-live date, last go-live date, count).  Cumulative counts
# 58, 137, 138, 363, 417 at the cohorts' last dates.
COHORTS = [
    (D("2018-04-16"), D("2019-01-23"), 58),
    (D("2019-01-24"), D("2019-06-23"), 79),
    (D("2019-06-28"), D("2019-06-28"), 1),
    (D("2019-07-01"), D("2020-06-30"), 225),
    (D("2020-07-01"), D("2020-11-20"), 54),
]
LATE_PROVINCES = 5  # provinces whose HRSS channel goes live after 2019-01-23


def entry(name, klass, reach, tier=1, parent=None, generated=1):
    return {"name": name, "class": klass, "reach": reach, "tier": tier,
            "parent": parent, "generated": generated}


def main():
    cities = list(csv.DictReader(open(sys.argv[1], encoding="utf-8")))
    provinces = []
    for c in cities:
        if (c["province_code"], c["province"]) not in provinces:
            provinces.append((c["province_code"], c["province"]))
    # Cities that are not themselves a province (municipalities), largest first.
    big = sorted((c for c in cities if c["code"] != c["province_code"]),
                 key=lambda c: (-int(c["population"]), c["code"]))

    real = [entry(n, k, "national", generated=0) for n, k in REAL]
    wechat, alipay = real[10], real[9]
    gen_nat = [entry("Generated national channel %02d" % (i + 1), k, "national")
               for i, k in enumerate(GEN_NATIONAL)]
    prov_hrss = {code: entry(name + "人社服务渠道 (generated)", "hrss", code)
                 for code, name in provinces}
    prov_gov = {code: entry(name + "政务服务渠道 (generated)", "government", code)
                for code, name in provinces}

    pool = list(gen_nat[2:]) + list(prov_gov.values())
    for rank, c in enumerate(big[:207]):
        tier2 = rank % 2 == 1
        pool.append(entry(c["name"] + "人社服务渠道 (generated)", "hrss", c["code"],
                          tier=2 if tier2 else 1,
                          parent=prov_hrss[c["province_code"]] if tier2 else None))
    for rank, c in enumerate(big[:30]):
        tier2 = rank % 2 == 0
        pool.append(entry(c["name"] + "政务服务渠道 (generated)", "government", c["code"],
                          tier=2 if tier2 else 1,
                          parent=prov_gov[c["province_code"]] if tier2 else None))
    for i in range(40):
        code, name = provinces[i % len(provinces)]
        pool.append(entry("%s银行服务渠道 %02d (generated)" % (name, i // len(provinces) + 1),
                          "bank", code))
    for c in big[:21]:
        pool.append(entry(c["name"] + "银行服务渠道 (generated)", "bank", c["code"]))
    for i in range(15):
        code, name = provinces[(7 * i) % len(provinces)]
        pool.append(entry(name + "社会服务渠道 (generated)", "social", code, tier=2,
                          parent=wechat if i % 2 == 0 else alipay))
    for i, c in enumerate(big[:15]):
        pool.append(entry(c["name"] + "社会服务渠道 (generated)", "social", c["code"], tier=2,
                          parent=alipay if i % 2 == 0 else wechat))
    by_pop = sorted(provinces, key=lambda p: -sum(int(c["population"]) for c in cities
                                                  if c["province_code"] == p[0]))
    for code, name in by_pop[:2]:
        pool.append(entry(name + "医疗服务渠道 (generated)", "medical", code, tier=2,
                          parent=prov_hrss[code]))

    # Interleave the pool so that classes and places mix over time: a fixed
    # stride walk (417 entries, stride coprime with the pool size).
    n = len(pool)
    stride = next(s for s in range(97, n) if gcd(s, n) == 1)
    pool = [pool[(i * stride) % n] for i in range(n)]

    early = [prov_hrss[code] for code, _ in provinces[:-LATE_PROVINCES]]
    late = [prov_hrss[code] for code, _ in provinces[-LATE_PROVINCES:]]
    seeds = real + gen_nat[:2] + early
    rest = COHORTS[0][2] - len(seeds)
    sequence = seeds + pool[:rest] + late + pool[rest:]

    # Place each entry after its parent: children wait for their parent.
    placed, ordered, waiting = set(), [], {}
    for e in sequence:
        p = e["parent"]
        if p is not None and id(p) not in placed:
            waiting.setdefault(id(p), []).append(e)
            continue
        stack = [e]
        while stack:
            x = stack.pop(0)
            ordered.append(x)
            placed.add(id(x))
            stack.extend(waiting.pop(id(x), []))
    assert not waiting and len(ordered) == 417, (len(ordered), waiting)

    i = 0
    for first, last, count in COHORTS:
        span = (last - first).days
        for k in range(count):
            step = 0 if count == 1 else (k * span + (count - 1) // 2) // (count - 1)
            ordered[i]["golive"] = first + datetime.timedelta(days=step)
            i += 1
    for k, e in enumerate(ordered):
        e["id"] = "CH%06d" % (k + 1)

    names = [e["name"] for e in ordered]
    assert len(set(names)) == len(names), "duplicate names"
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(["id", "name", "class", "tier", "parent", "reach", "golive", "generated"])
    for e in ordered:
        out.writerow([e["id"], e["name"], e["class"], e["tier"],
                      e["parent"]["id"] if e["parent"] else "", e["reach"],
                      e["golive"].isoformat(), e["generated"]])


def gcd(a, b):
    while b:
        a, b = b, a % b
    return a


if __name__ == "__main__":
    main()
