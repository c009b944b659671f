#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Writes scenarios/data/access-2018-2020.csv: the share of the people in each
age band (0-17, 18-59, 60+) and area (urban, rural, all) who use the mobile
internet themselves, on the reference dates of four CNNIC reports (2018-12-31,
2019-06-30, 2020-03-31, 2020-12-31).

Inputs (constants below, each with its source and reference date): the CNNIC
Statistical Reports on Internet Development in China (中国互联网络发展状况统计报告)
nos. 43, 44, 45 and 47 -- mobile internet users and their share of all users,
overall and urban/rural penetration, age structure of users -- and the
seventh (2020) census bulletins nos. 5 and 7 (population by broad age group,
the population aged 0-15, urban population).  Every figure is marked SEEN
(read in the page named), DERIVED (arithmetic on SEEN figures, shown) or
ASSUMED (not found in a page seen; the value and the reasoning are given).
Only internet-use and demographic figures are used; no e-card figure.

Method (deterministic, standard library only):
 1. Mobile penetration Pm = CNNIC penetration x mobile share of users.  Users
    are CNNIC "网民" (aged 6+, used the internet in the last six months); the
    age and urban/rural structure of mobile users is taken to be that of all
    users (the mobile share is 98.6-99.7%).
 2. Band margins: Pm_b = Pm x s_b / W_b, where s_b is the band's share of
    users and W_b its census-2020 share of the population.  s(0-17) =
    s(<10) + f x s(10-19), f = pop(10-17) / pop(10-19); s(60+) from CNNIC;
    s(18-59) the rest.  Population: census 0-14 and 15-59 and 60+ (bulletin
    no. 5); age 15 = (0-15) - (0-14) from the same bulletin's note; 15-17 =
    3 x age 15 and 18-19 = 2 x age 15 and 10-14 = 1/3 of 0-14 (ASSUMED: equal
    single-year cohorts); so f = 0.8097.  Using CNNIC's own overall
    penetration (not users / census population) keeps sum_b W_b Pm_b = Pm.
 3. Area margins: CNNIC urban and rural penetration x mobile share, then both
    logits shifted by the same amount so that the census urban share (63.89%)
    weights them to Pm.  This keeps CNNIC's urban/rural odds ratio; CNNIC's
    own urban weights (implied 58.6-60.7%) predate the census.
 4. Cells: logit p(b,a) = alpha_b + beta_a (a log-linear model on the odds,
    no band x area interaction), fitted by iterative proportional fitting on
    the odds (alternately solving each alpha_b and each beta_a by bisection)
    until both margins hold to 1e-12, with cell weights W_b x W_a (ASSUMED:
    urban and rural areas have the same age structure; the census bulletins
    seen give no urban/rural age split).

Run:
    python3 tools/derive-access.py > scenarios/data/access-2018-2020.csv
    python3 tools/derive-access.py --table      # readable table and checks
The build does not run this script; its output is committed.
"""
import csv
import math
import sys

# ---------------------------------------------------------------- census 2020
# 第七次全国人口普查公报(第五号) 人口年龄构成, NBS 2021-05-11, reference
# 2020-11-01 00:00.  SEEN (full text reproduced at
# http://zyrm.com/xingming/news/3968.html and
# https://view.inews.qq.com/a/FIN2021051100225000, incl. note [3]).
POP_TOTAL = 1411778724          # 表5-1 总计
POP_0_14 = 253383938            # 0-14
POP_15_59 = 894376020           # 15-59
POP_60P = 264018766             # 60+
POP_0_15 = 268707162            # note [3]: 0-15岁人口为268707162人
# 第七次全国人口普查公报(第七号) 城乡人口, same date.  SEEN
# (http://www.haikuotiankong.com/forum.php?mod=viewthread&tid=3379).
POP_URBAN = 901991162           # 居住在城镇的人口, 63.89%

AGE_15 = POP_0_15 - POP_0_14                    # DERIVED: 15,323,224
POP_15_17 = 3 * AGE_15                          # ASSUMED: ages 16, 17 = age 15
POP_18_19 = 2 * AGE_15                          # ASSUMED: ages 18, 19 = age 15
POP_10_14 = POP_0_14 / 3.0                      # ASSUMED: equal cohorts in 0-14
F_10_17 = (POP_10_14 + POP_15_17) / (POP_10_14 + POP_15_17 + POP_18_19)

BANDS = ("0-17", "18-59", "60+")
BAND_POP = {
    "0-17": POP_0_14 + POP_15_17,
    "18-59": POP_15_59 - POP_15_17,
    "60+": POP_60P,
}
W_BAND = {b: BAND_POP[b] / POP_TOTAL for b in BANDS}
W_URBAN = POP_URBAN / POP_TOTAL
W_AREA = {"urban": W_URBAN, "rural": 1.0 - W_URBAN}

# ---------------------------------------------------------------- CNNIC
# Per report: penetration (%), mobile share of users (%), urban and rural
# penetration (%), and age shares of users (%): under 10, 10-19, 60+.
# Where a report gives users and non-users by area instead of penetration,
# penetration = users / (users + non-users) (DERIVED).
REPORTS = [
    {
        "date": "2018-12-31", "report": "CNNIC 43rd",
        # 第43次报告 (2019-02-28).  SEEN: Xinhua via
        # http://caijing.mnw.cn/top/2134202.html (users 8.29亿, penetration
        # 59.6%, urban 74.6%, rural 38.4%, mobile users 8.17亿 = 98.6%).
        "penetration": 59.6, "mobile_share": 98.6,
        "urban": 74.6, "rural": 38.4,
        # Age (图 网民年龄结构, 2018.12).  SEEN: 10-39 = 67.8%
        # (http://cn.chinadaily.com.cn/a/201902/28/WS5c7893fca31010568bdccb5b.html);
        # 40-49 = 15.6% and 50+ = 12.5% "at end 2018" (44th report text,
        # https://tech.sina.com.cn/i/2019-08-30/doc-iicezzrq2198167.shtml).
        # DERIVED: under 10 = 100 - 67.8 - 15.6 - 12.5 = 4.1.
        # ASSUMED (from memory of the report's figure, not seen): 10-19 =
        # 17.5, 60+ = 6.6 (60+ is bounded by 50+ = 12.5, SEEN).
        "under10": 100.0 - 67.8 - 15.6 - 12.5, "a10_19": 17.5, "a60p": 6.6,
        "assumed": "10-19 and 60+ user shares",
    },
    {
        "date": "2019-06-30", "report": "CNNIC 44th",
        # 第44次报告 (2019-08-30).  SEEN: http://tp.hkcd.com/content/2019-09/05/content_1155273.html
        # users 8.54亿, penetration 61.2%, mobile 99.1%; rural users 2.25亿,
        # urban users 6.30亿; non-users 5.41亿 of which urban 37.2%.
        # DERIVED: urban = 6.30 / (6.30 + 0.372 x 5.41) = 75.8%,
        #          rural = 2.25 / (2.25 + 0.628 x 5.41) = 39.8%.
        "penetration": 61.2, "mobile_share": 99.1,
        "users_area": (6.30, 2.25), "nonusers": 5.41, "nonusers_urban": 37.2,
        # Age.  SEEN (44th report text, sina link above): 10-39 = 65.1%,
        # 20-29 = 24.6%, 40-49 = 17.3%, 50+ = 13.6%.
        # DERIVED: under 10 = 100 - 65.1 - 17.3 - 13.6 = 4.0.
        # ASSUMED (memory, not seen): 10-19 = 16.9 (then 30-39 = 23.6,
        # consistent with 10-39 = 65.1), 60+ = 6.9 (bounded by 50+ = 13.6).
        "under10": 100.0 - 65.1 - 17.3 - 13.6, "a10_19": 16.9, "a60p": 6.9,
        "assumed": "10-19 and 60+ user shares",
    },
    {
        "date": "2020-03-31", "report": "CNNIC 45th",
        # 第45次报告 (2020-04-28).  SEEN: https://shoujiguancha.com/zixun/show-85169.html
        # (users 9.04亿, penetration 64.5%, mobile 99.3%; rural users 2.55亿,
        # urban users 6.49亿); http://digitalhealthexpert.com/internet/50-311394.html
        # (non-users 4.96亿, urban 40.2%); rural penetration 46.2% SEEN
        # (https://tihaiku.com/gongwuyuan/1780374.html, and 52.3 - 6.1 from
        # the 46th report).  DERIVED: urban = 6.49 / (6.49 + 0.402 x 4.96)
        # = 76.5%, rural = 2.55 / (2.55 + 0.598 x 4.96) = 46.2%.
        "penetration": 64.5, "mobile_share": 99.3,
        "users_area": (6.49, 2.55), "nonusers": 4.96, "nonusers_urban": 40.2,
        # Age.  SEEN (https://kq6.cc/news/show-77561.html): 20-29 = 21.5,
        # 30-39 = 20.8, 40-49 = 17.6, 50+ = 16.9.  DERIVED: under 20 = 23.2.
        # ASSUMED (memory, not seen): under 10 = 3.9 (so 10-19 = 19.3),
        # 60+ = 6.7 (bounded by 50+ = 16.9).
        "under10": 3.9, "a10_19": (100.0 - 21.5 - 20.8 - 17.6 - 16.9) - 3.9,
        "a60p": 6.7,
        "assumed": "under-10/10-19 split and 60+ user share",
    },
    {
        "date": "2020-12-31", "report": "CNNIC 47th",
        # 第47次报告 (2021-02-03), reference 2020-12.  SEEN: users 9.89亿,
        # penetration 70.4%, mobile 99.7% (http://ecns.cn/news/society/2021-02-03/detail-ihahfaxh8284262.shtml);
        # urban 79.8%, rural 55.9% (https://www.moseiko.cn/en/tag/cnnic/,
        # https://www.emarketer.com/content/first-time-more-than-half-of-those-living-rural-china-have-internet-access).
        "penetration": 70.4, "mobile_share": 99.7,
        "urban": 79.8, "rural": 55.9,
        # Age (图26).  SEEN: 20-29 = 17.8, 30-39 = 20.5, 40-49 = 18.8, 50+ =
        # 26.3 (https://news.shi-fen.com/internet/202102/54-936544.html);
        # under 40 = 54.9, 60+ = 11.2 (Xinhua via
        # https://www.vanguardngr.com/2021/02/chinas-internet-users-top-989m-in-2020-with-54-9-under-40-report/).
        # DERIVED: under 20 = 54.9 - 17.8 - 20.5 = 16.6.
        # ASSUMED (memory, not seen): under 10 = 3.1 (so 10-19 = 13.5).
        "under10": 3.1, "a10_19": (54.9 - 17.8 - 20.5) - 3.1, "a60p": 11.2,
        "assumed": "under-10/10-19 split",
    },
]


def logit(p):
    return math.log(p / (1.0 - p))


def expit(x):
    return 1.0 / (1.0 + math.exp(-x))


def solve(fn, target, lo=-30.0, hi=30.0):
    """x with fn(x) = target for an increasing fn, by bisection."""
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if fn(mid) < target:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


def area_penetration(r):
    """CNNIC urban and rural penetration (fractions), SEEN or DERIVED."""
    if "urban" in r:
        return r["urban"] / 100.0, r["rural"] / 100.0
    urb, rur = r["users_area"]
    non_u = r["nonusers"] * r["nonusers_urban"] / 100.0
    non_r = r["nonusers"] - non_u
    return urb / (urb + non_u), rur / (rur + non_r)


def derive(r):
    m = r["mobile_share"] / 100.0
    pm = r["penetration"] / 100.0 * m
    s = {
        "0-17": (r["under10"] + F_10_17 * r["a10_19"]) / 100.0,
        "60+": r["a60p"] / 100.0,
    }
    s["18-59"] = 1.0 - s["0-17"] - s["60+"]
    band = {b: pm * s[b] / W_BAND[b] for b in BANDS}
    pu, pr = area_penetration(r)
    raw = {"urban": pu * m, "rural": pr * m}
    shift = solve(lambda d: sum(W_AREA[a] * expit(logit(raw[a]) + d) for a in W_AREA), pm)
    area = {a: expit(logit(raw[a]) + shift) for a in W_AREA}
    # Raking on the odds: logit p(b,a) = alpha_b + beta_a.
    alpha = {b: logit(band[b]) for b in BANDS}
    beta = {a: 0.0 for a in W_AREA}
    for _ in range(10000):
        for b in BANDS:
            alpha[b] = solve(lambda x: sum(W_AREA[a] * expit(x + beta[a]) for a in W_AREA),
                             band[b])
        for a in W_AREA:
            beta[a] = solve(lambda x: sum(W_BAND[b] * expit(alpha[b] + x) for b in BANDS)
                            , area[a])
        err = max(abs(sum(W_AREA[a] * expit(alpha[b] + beta[a]) for a in W_AREA) - band[b])
                  for b in BANDS)
        if err < 1e-12:
            break
    cell = {(b, a): expit(alpha[b] + beta[a]) for b in BANDS for a in W_AREA}
    return {"pm": pm, "s": s, "band": band, "raw": raw, "area": area, "cell": cell,
            "cnnic_area": (pu, pr)}


def rows():
    out = []
    for r in REPORTS:
        d = derive(r)
        for b in BANDS:
            for a in ("urban", "rural"):
                out.append((r["date"], b, a, d["cell"][(b, a)],
                            "%s; log-linear cell (no band x area interaction); assumed: %s"
                            % (r["report"], r["assumed"])))
            out.append((r["date"], b, "all", d["band"][b],
                        "%s; band margin = mobile penetration x user age share / census band share"
                        % r["report"]))
    return out


def table():
    print("census 2020 weights: " + ", ".join("%s %.4f" % (b, W_BAND[b]) for b in BANDS)
          + "; urban %.4f; f(10-17 of 10-19) %.4f" % (W_URBAN, F_10_17))
    for r in REPORTS:
        d = derive(r)
        pu, pr = d["cnnic_area"]
        print()
        print("%s  %s  mobile penetration %.4f (penetration %.1f%% x mobile %.1f%%)"
              % (r["date"], r["report"], d["pm"], r["penetration"], r["mobile_share"]))
        print("  user age shares: 0-17 %.4f  18-59 %.4f  60+ %.4f   (assumed: %s)"
              % (d["s"]["0-17"], d["s"]["18-59"], d["s"]["60+"], r["assumed"]))
        print("  CNNIC urban %.4f rural %.4f; x mobile %.4f %.4f; refit to census urban share"
              " %.4f %.4f" % (pu, pr, d["raw"]["urban"], d["raw"]["rural"],
                              d["area"]["urban"], d["area"]["rural"]))
        print("  %-6s %8s %8s %8s" % ("band", "urban", "rural", "all"))
        for b in BANDS:
            print("  %-6s %8.4f %8.4f %8.4f" % (b, d["cell"][(b, "urban")],
                                               d["cell"][(b, "rural")], d["band"][b]))
        col = {a: sum(W_BAND[b] * d["cell"][(b, a)] for b in BANDS) for a in W_AREA}
        tot = sum(W_AREA[a] * col[a] for a in W_AREA)
        print("  %-6s %8.4f %8.4f %8.4f   (check: = area margins and mobile penetration)"
              % ("all", col["urban"], col["rural"], tot))


def main(argv):
    if len(argv) > 1 and argv[1] == "--table":
        table()
        return 0
    if len(argv) > 1:
        sys.stderr.write("usage: %s [--table]\n" % argv[0])
        return 2
    w = csv.writer(sys.stdout, lineterminator="\n")
    w.writerow(("date", "band", "area", "share", "note"))
    for date, band, area, share, note in rows():
        w.writerow((date, band, area, "%.4f" % share, note))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
