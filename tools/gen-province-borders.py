#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""One-off generator of the province outlines the run report's maps draw
(model/rollout/data/README.md says where its inputs come from).

Reads Natural Earth's 1:50m admin-1 states and provinces (GeoJSON: the 31
provincial-level divisions of the mainland, matched to their GB/T 2260 codes
by their ISO 3166-2 codes and checked against the names of the county list),
the 1:50m admin-0 countries as world-atlas packs them (TopoJSON: the outlines
of Taiwan, Hong Kong and Macao, which the admin-1 layer does not split out of
their own countries), and base/data/counties-2023.csv; simplifies every
outline by Douglas-Peucker along shared arcs (a border two provinces share is
split at its junctions and simplified once, so neighbours keep one common
line and no slivers), and writes into OUTDIR:

  provinces.csv        code,name,short_name,label_lon,label_lat
  province-borders.csv code,ring,lon,lat  (each ring closed: last = first)

Deterministic: the same inputs give the same bytes.  The build does not run
it; tools/gen-borders.sh compiles its output into essc.

    python3 tools/gen-province-borders.py ne_50m_admin_1_states_provinces.geojson \\
        countries-50m.json base/data/counties-2023.csv model/rollout/data [TOLERANCE]
"""
import csv
import json
import math
import sys

# Degrees: about a pixel of the 1280-pixel map of the whole country (some
# 65 degrees of longitude wide), so the simplified line strays from the
# source by at most a pixel there.
TOLERANCE = 0.05

# ISO 3166-2 (as Natural Earth writes it) -> GB/T 2260 code and short name.
MAINLAND = {
    "CN-BJ": (110000, "北京"), "CN-TJ": (120000, "天津"), "CN-HE": (130000, "河北"),
    "CN-SX": (140000, "山西"), "CN-NM": (150000, "内蒙古"), "CN-LN": (210000, "辽宁"),
    "CN-JL": (220000, "吉林"), "CN-HL": (230000, "黑龙江"), "CN-SH": (310000, "上海"),
    "CN-JS": (320000, "江苏"), "CN-ZJ": (330000, "浙江"), "CN-AH": (340000, "安徽"),
    "CN-FJ": (350000, "福建"), "CN-JX": (360000, "江西"), "CN-SD": (370000, "山东"),
    "CN-HA": (410000, "河南"), "CN-HB": (420000, "湖北"), "CN-HN": (430000, "湖南"),
    "CN-GD": (440000, "广东"), "CN-GX": (450000, "广西"), "CN-HI": (460000, "海南"),
    "CN-CQ": (500000, "重庆"), "CN-SC": (510000, "四川"), "CN-GZ": (520000, "贵州"),
    "CN-YN": (530000, "云南"), "CN-XZ": (540000, "西藏"), "CN-SN": (610000, "陕西"),
    "CN-GS": (620000, "甘肃"), "CN-QH": (630000, "青海"), "CN-NX": (640000, "宁夏"),
    "CN-XJ": (650000, "新疆"),
}

# world-atlas ids (ISO 3166-1 numeric) -> GB/T 2260 code, full and short
# name, and the label point: Taiwan's inside it; the two SARs are too small
# to hold a label at the country's scale, so theirs stand in the sea beside
# them (south-east of Hong Kong, south of Macao).
OUTSIDE = {
    "158": (710000, "台湾省", "台湾", (120.95, 23.75)),
    "344": (810000, "香港特别行政区", "香港", (115.15, 21.75)),
    "446": (820000, "澳门特别行政区", "澳门", (113.20, 21.45)),
}


def die(msg):
    sys.exit("gen-province-borders: " + msg)


def key(p):
    """A vertex as integers of 1e-6 degrees, so shared vertices compare equal."""
    return (round(p[0] * 1e6), round(p[1] * 1e6))


def open_ring(ring):
    """The ring's vertices as keys, without the closing repeat and without
    consecutive duplicates."""
    out = []
    for p in ring:
        k = key(p)
        if not out or out[-1] != k:
            out.append(k)
    if len(out) > 1 and out[0] == out[-1]:
        out.pop()
    return out


def dp(points, tol):
    """Douglas-Peucker on an open polyline of keys (endpoints kept)."""
    if len(points) <= 2:
        return list(points)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    t = tol * 1e6
    while stack:
        a, b = stack.pop()
        (ax, ay), (bx, by) = points[a], points[b]
        dx, dy = bx - ax, by - ay
        norm = math.hypot(dx, dy)
        best, at = -1.0, -1
        for i in range(a + 1, b):
            px, py = points[i]
            d = (abs(dx * (ay - py) - dy * (ax - px)) / norm if norm > 0
                 else math.hypot(px - ax, py - ay))
            if d > best:
                best, at = d, i
        if at >= 0 and best > t:
            keep[at] = True
            stack.append((a, at))
            stack.append((at, b))
    return [p for p, k in zip(points, keep) if k]


def simplify_rings(rings, tol):
    """rings: {(code, i): [key, ...]}.  Splits each ring at its junctions
    (vertices with other than two neighbours over all rings), simplifies each
    arc once (the same arc in either direction gives the same line) and
    returns the closed simplified rings, leaving out those that fall below
    three distinct vertices."""
    nbrs = {}
    for pts in rings.values():
        n = len(pts)
        for i, p in enumerate(pts):
            s = nbrs.setdefault(p, set())
            s.add(pts[i - 1])
            s.add(pts[(i + 1) % n])
    cache = {}

    def arc(seq):
        fwd, rev = tuple(seq), tuple(reversed(seq))
        canon = min(fwd, rev)
        if canon not in cache:
            cache[canon] = dp(list(canon), tol)
        out = cache[canon]
        return out if canon == fwd else list(reversed(out))

    out = {}
    for name, pts in sorted(rings.items()):
        fixed = [i for i, p in enumerate(pts) if len(nbrs[p]) != 2]
        if not fixed:
            # A ring no other ring touches: start at its least vertex and
            # split it there and at the vertex farthest from it.
            s = pts.index(min(pts))
            pts = pts[s:] + pts[:s]
            far = max(range(len(pts)), key=lambda i: (pts[i][0] - pts[0][0]) ** 2
                      + (pts[i][1] - pts[0][1]) ** 2)
            fixed = [0, far] if far > 0 else [0]
        simple = []
        for j, a in enumerate(fixed):
            b = fixed[(j + 1) % len(fixed)]
            seq = pts[a:b + 1] if b > a else pts[a:] + pts[:b + 1]
            simple.extend(arc(seq)[:-1])
        if len(set(simple)) >= 3:
            out[name] = simple + [simple[0]]
    return out


def inside(pt, ring):
    """Even-odd rule: whether pt (degrees) is inside the closed ring (keys)."""
    x, y = pt[0] * 1e6, pt[1] * 1e6
    hit = False
    for (ax, ay), (bx, by) in zip(ring, ring[1:]):
        if (ay > y) != (by > y) and x < ax + (y - ay) * (bx - ax) / (by - ay):
            hit = not hit
    return hit


def topo_polygons(topo, geom):
    """The polygons (lists of rings of [lon, lat]) of a TopoJSON geometry."""
    sx, sy = topo["transform"]["scale"]
    tx, ty = topo["transform"]["translate"]
    decoded = []
    for arc in topo["arcs"]:
        x = y = 0
        pts = []
        for dx, dy in arc:
            x += dx
            y += dy
            pts.append([x * sx + tx, y * sy + ty])
        decoded.append(pts)

    def ring(ids):
        pts = []
        for i in ids:
            a = decoded[i] if i >= 0 else list(reversed(decoded[~i]))
            pts.extend(a if not pts else a[1:])
        return pts

    polys = geom["arcs"] if geom["type"] == "MultiPolygon" else [geom["arcs"]]
    return [[ring(r) for r in poly] for poly in polys]


def main():
    if len(sys.argv) not in (5, 6):
        die("usage: gen-province-borders.py ADMIN1.geojson COUNTRIES-50M.json COUNTIES.csv "
            "OUTDIR [TOLERANCE]")
    admin1, countries, counties, outdir = sys.argv[1:5]
    tol = float(sys.argv[5]) if len(sys.argv) == 6 else TOLERANCE

    names = {}
    with open(counties, encoding="utf-8") as f:
        for row in csv.DictReader(f):
            names[int(row["province_code"])] = row["province_name"]

    provinces = {}   # code -> (name, short, label)
    rings = {}       # (code, i) -> keys
    with open(admin1, encoding="utf-8") as f:
        features = json.load(f)["features"]
    for feat in features:
        p = feat["properties"]
        if p.get("adm0_a3") != "CHN":
            continue
        iso = p.get("iso_3166_2")
        if iso not in MAINLAND:
            die("%s (%s): not a mainland province this script knows" % (iso, p.get("name")))
        code, short = MAINLAND[iso]
        if names.get(code) != p.get("name_zh"):
            die("%s: Natural Earth names it %s, the county list %s" % (iso, p.get("name_zh"),
                                                                    names.get(code)))
        if code in provinces:
            die("%s: twice" % iso)
        provinces[code] = (names[code], short, (p["longitude"], p["latitude"]))
        g = feat["geometry"]
        polys = g["coordinates"] if g["type"] == "MultiPolygon" else [g["coordinates"]]
        for poly in polys:
            for r in poly:
                rings[(code, len([k for k in rings if k[0] == code]))] = open_ring(r)
    missing = sorted(set(names) - set(provinces))
    if missing or len(provinces) != 31:
        die("the admin-1 layer lacks %s" % ", ".join(map(str, missing)))

    with open(countries, encoding="utf-8") as f:
        topo = json.load(f)
    for geom in topo["objects"]["countries"]["geometries"]:
        if geom.get("id") not in OUTSIDE:
            continue
        code, name, short, label = OUTSIDE[geom["id"]]
        provinces[code] = (name, short, label)
        n = 0
        for poly in topo_polygons(topo, geom):
            for r in poly:
                rings[(code, n)] = open_ring(r)
                n += 1
    if len(provinces) != 34:
        die("the countries layer lacks one of Taiwan, Hong Kong and Macao")

    simple = simplify_rings(rings, tol)
    # A division smaller than the tolerance (Macao) keeps its largest ring,
    # simplified finely enough to stay a shape.
    for code in sorted(provinces):
        if not any(c == code for c, _ in simple):
            big = max((k for k in rings if k[0] == code), key=lambda k: len(rings[k]))
            fine = tol
            while big not in simple and fine > 1e-4:
                fine /= 10
                simple.update(simplify_rings({big: rings[big]}, fine))
    for code, (name, short, label) in sorted(provinces.items()):
        mine = [r for (c, _), r in simple.items() if c == code]
        if not mine:
            die("%06d: no ring is left after simplifying" % code)
        if code not in (810000, 820000) and not any(inside(label, r) for r in mine):
            die("%06d %s: the label point %s is outside it" % (code, name, label))
        if not name.startswith(short):
            die("%06d: short name %s is not the start of %s" % (code, short, name))

    with open(outdir + "/provinces.csv", "w", encoding="utf-8", newline="") as f:
        f.write("code,name,short_name,label_lon,label_lat\n")
        for code, (name, short, label) in sorted(provinces.items()):
            f.write("%06d,%s,%s,%.3f,%.3f\n" % (code, name, short, label[0], label[1]))
    with open(outdir + "/province-borders.csv", "w", encoding="utf-8", newline="") as f:
        f.write("code,ring,lon,lat\n")
        for code in sorted(provinces):
            mine = [r for (c, _), r in sorted(simple.items()) if c == code]
            for i, r in enumerate(mine):
                for x, y in r:
                    f.write("%06d,%d,%.3f,%.3f\n" % (code, i, x / 1e6, y / 1e6))
    total = sum(len(r) for r in simple.values())
    sys.stderr.write("%d provinces, %d rings (of %d), %d vertices (of %d), tolerance %g\n"
                     % (len(provinces), len(simple), len(rings), total,
                        sum(len(r) + 1 for r in rings.values()), tol))


if __name__ == "__main__":
    main()
