#!/usr/bin/python3
"""Scores `redline activity` patches against the changes PLANTED in a generated scene.

    /usr/bin/python3 tests/activity/evaluate.py --scene DIR --patches OUT.gpkg [--json OUT.json]
        [--min-area M2] [--min-precision 0.9] [--min-recall 0.9] [--strict] [-q]
    /usr/bin/python3 tests/activity/evaluate.py --scene DIR --write-truth-patches FAKE.gpkg [--json FAKE.json]
        (writes the truth itself as an `activity_patches` layer: the evaluator's self-test, P = R = 1)

The scene comes from scripts/make_activity_scene.py (truth.gpkg, redline.gpkg, distractors.gpkg,
landcover.tif, scene.json). Nothing here uses redline's own figures as a reference: the truth is the
planted polygons, the red line is read from the scene's redline.gpkg, areas are measured with pyproj.

Rules
- A patch is a true positive when it overlaps a planted change: area(patch ∩ change) >= 20 % of the
  smaller of the two. Roads (long, 1-2 pixels wide) are matched against the road polygon widened by
  --road-tolerance metres on each side (default 10 m = one pixel).
- ... and when it does not spill over unchanged land: its area farther than --spill-margin (20 m:
  misregistration and mixed pixels) from every planted change must stay <= max(the matched change's
  area, --spill-area 2500 m²). Otherwise it is a false positive, however much of a change it covers: a
  patch over a whole phenology stand or haze plume that happens to hold a clearing outlines nothing a
  field team could use (the 20 %-of-the-smaller rule alone would count it as found).
- A planted change is required when the part of it inside the red line is >= the minimum mapping
  unit (--min-area, else `min_area_m2` from redline's JSON); that part is measured on the CGCS2000
  ellipsoid (pyproj). A change is recalled when a patch matches it. A partial clearing (half bare,
  half grass) is one polygon, so one change. Changes below the unit, or outside the red line, are not
  required, but a patch on them is no error.
- precision = true-positive patches / all patches; recall = recalled required changes / required.
- No patch may lie outside the red line: area(patch - red line) <= 0.01 m² (in the red line's CRS).
- Also reported: area-weighted precision, and patches on the cloud, shadow or nodata corner that
  the after image's SCL marks invalid (such patches fail: those pixels must be left out); false
  patches on unmasked distractors that are no change (phenology stands, haze: distractors.gpkg) are
  counted by kind, and recall by group of optional changes (scene.json change_groups).
- change_type agreement: share of true-positive patches whose change_type is the planted
  change's expected_type (reported).
- Every field of docs/activity.md must exist (missing fields fail); values are checked too (status,
  empty verification fields, area_m2 against the ellipsoidal area of the geometry, lon/lat inside the
  patch, redline_id/name of the polygon that holds the patch, unique patch_id, chips on disk) and
  reported; --strict makes these value problems fail as well.

Exit status: 0 all criteria met, 1 a criterion missed (precision or recall below the bar, a patch
outside the red line or on a masked cloud/shadow/nodata area, a missing field), 2 bad input.
"""
import argparse
import hashlib
import json
import math
import os
import sys

from osgeo import gdal, ogr, osr
from pyproj import Geod, Transformer
from shapely import wkb
from shapely.geometry import MultiPolygon, Point, Polygon
from shapely.ops import unary_union
from shapely.prepared import prep

gdal.UseExceptions()
ogr.UseExceptions()
osr.UseExceptions()

FIELDS = ["patch_id", "redline_id", "redline_name", "zone_id", "zone_name", "area_m2", "lon", "lat",
          "change_type", "ndvi_before", "ndvi_after", "water_before", "water_after", "bare_before",
          "bare_after", "score", "confidence", "status", "verified_by", "verified_on", "verdict",
          "activity_class", "chip_true", "chip_false"]
CHANGE_TYPES = {"vegetation_to_bare", "vegetation_to_water", "water_to_land", "bare_to_water", "bare_land_change",
                "vegetation_change", "other"}
ACTIVITY_CLASSES = {"", "mining", "industry", "energy", "tourism", "transport", "aquaculture_farming",
                    "settlement", "other"}
INDEX_FIELDS = ["ndvi_before", "ndvi_after", "water_before", "water_after", "bare_before", "bare_after"]
GEOD = Geod(ellps="GRS80")   # CGCS2000 ellipsoid
EPSG_UTM = 32649
EPSG_LL = 4490


# ---------------------------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------------------------

def srs_of(epsg_or_srs):
    if isinstance(epsg_or_srs, osr.SpatialReference):
        s = epsg_or_srs.Clone()
    else:
        s = osr.SpatialReference()
        s.ImportFromEPSG(int(epsg_or_srs))
    s.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    return s


def read_layer(path, layer=None, to=None, segment=None):
    """[(attributes, shapely geometry)], layer SRS. @p to: EPSG code / SRS to transform into (after
    splitting segments longer than @p segment, in the source's units)."""
    ds = ogr.Open(path)
    if ds is None:
        raise IOError("cannot open " + path)
    lyr = ds.GetLayerByName(layer) if layer else ds.GetLayer(0)
    if lyr is None:
        raise IOError("%s has no layer %s" % (path, layer))
    src = lyr.GetSpatialRef()
    if src is not None:
        src = srs_of(src)
    ct = None
    if to is not None:
        ct = osr.CoordinateTransformation(src, srs_of(to))
    names = [lyr.GetLayerDefn().GetFieldDefn(i).GetName() for i in range(lyr.GetLayerDefn().GetFieldCount())]
    rows = []
    for f in lyr:
        attrs = {n: f.GetField(n) for n in names}
        attrs["_fid"] = f.GetFID()
        g = f.GetGeometryRef()
        if g is None:
            rows.append((attrs, None))
            continue
        g = g.Clone()
        if ct is not None:
            if segment:
                g.Segmentize(segment)
            g.Transform(ct)
        sg = wkb.loads(bytes(g.ExportToIsoWkb() if hasattr(g, "ExportToIsoWkb") else g.ExportToWkb()))
        if sg.has_z:
            sg = wkb.loads(wkb.dumps(sg, output_dimension=2))
        rows.append((attrs, sg))
    return rows, src, names


def fix(g):
    if g is None or g.is_empty:
        return g
    return g if g.is_valid else g.buffer(0)


def find_key(obj, key):
    """First value of @p key anywhere in a JSON tree."""
    if isinstance(obj, dict):
        if key in obj:
            return obj[key]
        for v in obj.values():
            r = find_key(v, key)
            if r is not None:
                return r
    elif isinstance(obj, list):
        for v in obj:
            r = find_key(v, key)
            if r is not None:
                return r
    return None


def geod_area_ll(geom):
    total = 0.0
    for p in (geom.geoms if geom.geom_type == "MultiPolygon" else [geom]):
        if p.geom_type != "Polygon":
            continue
        x, y = p.exterior.coords.xy
        total += abs(GEOD.polygon_area_perimeter(list(x), list(y))[0])
        for h in p.interiors:
            x, y = h.coords.xy
            total -= abs(GEOD.polygon_area_perimeter(list(x), list(y))[0])
    return total


# ---------------------------------------------------------------------------------------------
# Diagnosis of false positives
# ---------------------------------------------------------------------------------------------

class Diagnoser:
    def __init__(self, scene):
        self.scene = scene
        self.distractors = []
        p = os.path.join(scene, "distractors.gpkg")
        if os.path.exists(p):
            rows, _, _ = read_layer(p, "distractors")
            self.distractors = [(a["kind"], a["description"], fix(g)) for a, g in rows]
        self.lc = None
        p = os.path.join(scene, "landcover.tif")
        if os.path.exists(p):
            ds = gdal.Open(p)
            self.lc = ds.GetRasterBand(1).ReadAsArray()
            self.lc_gt = ds.GetGeoTransform()
        self.class_names = {}
        try:
            with open(os.path.join(scene, "scene.json"), encoding="utf-8") as f:
                meta = json.load(f)
            self.class_names = {c["id"]: c["name"] for c in meta.get("classes", [])}
        except (IOError, ValueError):
            pass

    def on_kinds(self, g, share=0.5):
        """Distractor kinds that cover at least @p share of @p g."""
        out = set()
        for kind, _, dg in self.distractors:
            if dg is not None and not dg.is_empty and g.area > 0 and dg.intersects(g) and \
                    g.intersection(dg).area >= share * g.area:
                out.add(kind)
        return out

    def landcover(self, g):
        if self.lc is None:
            return ""
        gt = self.lc_gt
        minx, miny, maxx, maxy = g.bounds
        c0 = max(0, int((minx - gt[0]) / gt[1]))
        c1 = min(self.lc.shape[1], int((maxx - gt[0]) / gt[1]) + 1)
        r0 = max(0, int((maxy - gt[3]) / gt[5]))
        r1 = min(self.lc.shape[0], int((miny - gt[3]) / gt[5]) + 1)
        pg = prep(g)
        counts = {}
        for r in range(r0, r1):
            for c in range(c0, c1):
                x = gt[0] + (c + 0.5) * gt[1]
                y = gt[3] + (r + 0.5) * gt[5]
                if pg.contains(Point(x, y)):
                    k = int(self.lc[r, c])
                    counts[k] = counts.get(k, 0) + 1
        if not counts:
            return ""
        tot = sum(counts.values())
        top = sorted(counts.items(), key=lambda kv: -kv[1])[:3]
        return ", ".join("%s %.0f%%" % (self.class_names.get(k, k), 100.0 * v / tot) for k, v in top)

    def explain(self, g, truths):
        near = []
        for kind, desc, dg in self.distractors:
            if dg is None or dg.is_empty:
                continue
            d = dg.distance(g)
            if d <= 25.0:
                share = g.intersection(dg).area / g.area if d == 0 and g.area > 0 else 0.0
                near.append("%s (%s)" % (desc, "overlaps %.0f %% of the patch" % (100 * share) if d == 0
                                         else "%.0f m away" % d))
        for t in truths:
            d = t["geom"].distance(g)
            if d <= 40.0:
                near.append("planted %s %s %.0f m away (overlap below the rule)" % (t["kind"], t["change_id"], d))
        lc = self.landcover(g)
        if not near:
            near.append("no planted change or listed distractor nearby: noise / phenology shift / texture / "
                        "misregistration edge")
        return "; ".join(near) + ("; ground before: " + lc if lc else "")


# ---------------------------------------------------------------------------------------------
# Evaluation
# ---------------------------------------------------------------------------------------------

def load_scene(scene):
    truth_rows, _, _ = read_layer(os.path.join(scene, "truth.gpkg"), "changes")
    truths = []
    for a, g in truth_rows:
        t = dict(a)
        t["geom"] = fix(g)
        t["is_road"] = a["kind"] == "road"
        truths.append(t)
    rl_rows, rl_srs, _ = read_layer(os.path.join(scene, "redline.gpkg"), "redline")
    rl_utm_rows, _, _ = read_layer(os.path.join(scene, "redline.gpkg"), "redline", to=EPSG_UTM, segment=10.0)
    return truths, rl_rows, rl_srs, rl_utm_rows


def utm_to_ll(g):
    """EPSG:32649 shapely geometry -> CGCS2000 lon/lat (vertices every 5 m at most)."""
    og = ogr.CreateGeometryFromWkb(g.wkb)
    og.Segmentize(5.0)
    og.Transform(osr.CoordinateTransformation(srs_of(EPSG_UTM), srs_of(EPSG_LL)))
    return wkb.loads(bytes(og.ExportToWkb()))


def ellipsoidal_area(g_utm):
    """Area (m²) on the CGCS2000 ellipsoid of an EPSG:32649 (Multi)Polygon (pyproj's Geod)."""
    if g_utm is None or g_utm.is_empty:
        return 0.0
    parts = [p for p in (g_utm.geoms if hasattr(g_utm, "geoms") else [g_utm]) if p.geom_type == "Polygon"
             and p.area > 0]
    return sum(geod_area_ll(utm_to_ll(p)) for p in parts)


def evaluate(scene, patches_path, json_path=None, min_area=None, layer="activity_patches", overlap=0.2,
             road_tol=10.0, outside_tol=0.01, mmu_margin=1.0, min_precision=0.9, min_recall=0.9,
             strict=False, spill_margin=20.0, spill_area=2500.0):
    """Returns a dict: precision, recall, tp/fp/missed lists, outside, type agreement, field problems,
    ok (bool) and report (list of lines)."""
    rep = []
    truths, rl_rows, rl_srs, rl_utm_rows = load_scene(scene)
    rl_by_id = {a["HXBH"]: (a, fix(g)) for a, g in rl_rows}
    rl_union = unary_union([fix(g) for _, g in rl_rows])
    rl_union_utm = unary_union([fix(g) for _, g in rl_utm_rows])

    report_json = None
    if json_path:
        with open(json_path, encoding="utf-8-sig") as f:
            report_json = json.load(f)
    if min_area is None and report_json is not None:
        v = find_key(report_json, "min_area_m2")
        if v is not None:
            min_area = float(v)
    if min_area is None:
        raise ValueError("no minimum mapping unit: give --min-area or a JSON with min_area_m2")

    # patches: native (for the red-line checks) and in UTM (for matching)
    native, p_srs, names = read_layer(patches_path, layer)
    if p_srs is None:
        raise ValueError("the patch layer has no CRS")
    same_crs = p_srs.IsSame(rl_srs) == 1
    if same_crs:
        in_rl_crs = [(a, fix(g)) for a, g in native]
    else:
        rows, _, _ = read_layer(patches_path, layer, to=rl_srs, segment=(1.0 if p_srs.IsProjected() else 1e-5))
        in_rl_crs = [(a, fix(g)) for a, g in rows]
        rep.append("note: patches are in another CRS than the red line; outside check after reprojection")
    utm_rows, _, _ = read_layer(patches_path, layer, to=EPSG_UTM,
                                segment=(1.0 if p_srs.IsProjected() else 1e-5))
    patches = []
    for (a, g), (_, gu) in zip(in_rl_crs, utm_rows):
        patches.append({"attrs": a, "geom": g, "utm": fix(gu)})

    # --- matching --------------------------------------------------------------------------------
    match_geom = {}
    for t in truths:
        match_geom[t["change_id"]] = t["geom"].buffer(road_tol, join_style=2) if t["is_road"] else t["geom"]
    # land within spill_margin of some planted change: a patch's area beyond it is "spill"
    near_changes = unary_union([g.buffer(spill_margin) for g in match_geom.values()])
    tp, fp = [], []
    recalled = {}
    type_ok = type_n = 0
    for p in patches:
        g = p["utm"]
        best = None
        if g is not None and not g.is_empty:
            for t in truths:
                tg = match_geom[t["change_id"]]
                if not g.intersects(tg):
                    continue
                inter = g.intersection(tg).area
                frac = inter / max(1e-9, min(g.area, tg.area))
                if frac >= overlap and (best is None or frac > best[1]):
                    best = (t, frac)
        if best:
            spill = g.difference(near_changes).area
            if spill > max(match_geom[best[0]["change_id"]].area, spill_area):
                p["oversized"] = (best[0]["change_id"], spill)
                best = None
        if best:
            t = best[0]
            p["match"] = t["change_id"]
            tp.append(p)
            recalled.setdefault(t["change_id"], []).append(p)
            type_n += 1
            if p["attrs"].get("change_type") == t["expected_type"]:
                type_ok += 1
            else:
                p["type_mismatch"] = (p["attrs"].get("change_type"), t["expected_type"])
        else:
            fp.append(p)

    required = []
    for t in truths:
        inside = ellipsoidal_area(t["geom"].intersection(rl_union_utm))
        t["inside_area"] = inside
        if inside >= min_area * mmu_margin:
            required.append(t)
    missed = [t for t in required if t["change_id"] not in recalled]
    n = len(patches)
    precision = len(tp) / n if n else (1.0 if not required else 0.0)
    recall = (len(required) - len(missed)) / len(required) if required else 1.0

    # --- patches on masked / no-data parts of the after image (cloud, shadow, nodata corner) -------
    masked = []
    mpath = os.path.join(scene, "distractors.gpkg")
    if os.path.exists(mpath):
        for a, dg in read_layer(mpath, "distractors")[0]:
            if a["kind"] in ("cloud", "cloud_shadow", "nodata"):
                dg = fix(dg)
                for p in patches:
                    if p["utm"] is not None and p["utm"].intersects(dg) and p["utm"].intersection(dg).area > 0:
                        masked.append((p, a["description"], p["utm"].intersection(dg).area))
    tp_area = sum(p["utm"].area for p in tp)
    all_area = sum(p["utm"].area for p in patches if p["utm"] is not None)
    area_precision = tp_area / all_area if all_area > 0 else 1.0

    # --- outside the red line ---------------------------------------------------------------------
    outside = []
    for p in patches:
        g = p["geom"]
        if g is None or g.is_empty:
            continue
        out_area = g.difference(rl_union).area
        if out_area > outside_tol:
            outside.append((p, out_area))

    # --- fields -----------------------------------------------------------------------------------
    missing = [f for f in FIELDS if f not in names]
    problems = []
    tw = {}
    tp_path = os.path.join(scene, "townships.gpkg")
    if os.path.exists(tp_path):
        for a, _ in read_layer(tp_path, "townships")[0]:
            tw[a["XZQDM"]] = a["XZQMC"]
    to_ll = osr.CoordinateTransformation(srs_of(p_srs), srs_of(EPSG_LL))
    from_ll = Transformer.from_crs("EPSG:%d" % EPSG_LL, p_srs.ExportToWkt(), always_xy=True)
    ids = {}
    gdir = os.path.dirname(os.path.abspath(patches_path))
    for p in patches:
        a = p["attrs"]
        g = p["geom"]
        pid = a.get("patch_id")
        tag = "patch %s" % (pid if pid else "fid %s" % a["_fid"])

        def prob(msg):
            problems.append("%s: %s" % (tag, msg))
        if g is None or g.is_empty:
            prob("no geometry")
            continue
        if not pid:
            prob("empty patch_id")
        else:
            ids.setdefault(pid, 0)
            ids[pid] += 1
        if "redline_id" in names:
            rid = a.get("redline_id")
            if rid not in rl_by_id:
                prob("redline_id %r is not an HXBH of the red line" % rid)
            else:
                ra, rg = rl_by_id[rid]
                if "redline_name" in names and a.get("redline_name") != ra["HXMC"]:
                    prob("redline_name %r is not %r" % (a.get("redline_name"), ra["HXMC"]))
                if g.difference(rg).area > outside_tol + 1e-9 * g.area:
                    prob("not inside its red-line polygon %s (%.2f m² outside it)" % (rid, g.difference(rg).area))
        if "zone_id" in names and a.get("zone_id"):
            if tw and a["zone_id"] not in tw:
                prob("zone_id %r is not a township code" % a["zone_id"])
            elif tw and "zone_name" in names and a.get("zone_name") != tw[a["zone_id"]]:
                prob("zone_name %r is not %r" % (a.get("zone_name"), tw[a["zone_id"]]))
        if "area_m2" in names:
            ogr_g = ogr.CreateGeometryFromWkb(g.wkb)
            if p_srs.IsProjected():
                ogr_g.Segmentize(5.0)
            ogr_g.Transform(to_ll)
            ref = geod_area_ll(wkb.loads(bytes(ogr_g.ExportToWkb())))
            val = a.get("area_m2")
            if val is None or abs(float(val) - ref) > 0.005 * ref + 1.0:
                prob("area_m2 %s differs from the ellipsoidal area of its geometry %.1f m²" % (val, ref))
        if "lon" in names and "lat" in names:
            lon, lat = a.get("lon"), a.get("lat")
            if lon is None or lat is None:
                prob("no lon/lat")
            else:
                x, y = from_ll.transform(float(lon), float(lat))
                d = g.distance(Point(x, y))
                if d > (1.0 if p_srs.IsProjected() else 1e-5):
                    prob("lon/lat (%.6f, %.6f) is %.1f m outside the patch" % (lon, lat, d))
        if "change_type" in names and a.get("change_type") not in CHANGE_TYPES:
            prob("change_type %r not one of %s" % (a.get("change_type"), sorted(CHANGE_TYPES)))
        for k in INDEX_FIELDS:
            if k in names:
                v = a.get(k)
                if v is None or not (-1.5 <= float(v) <= 1.5) or math.isnan(float(v)):
                    prob("%s = %r is not an index mean" % (k, v))
        if "score" in names:
            v = a.get("score")
            if v is None or math.isnan(float(v)) or float(v) <= 0:
                prob("score %r is not positive" % (v,))
        if "confidence" in names:
            v = a.get("confidence")
            if v is None or not (0.0 <= float(v) <= 1.0):
                prob("confidence %r not in 0..1" % (v,))
        if "status" in names and a.get("status") != "to_verify":
            prob("status %r is not 'to_verify'" % (a.get("status"),))
        for k in ("verified_by", "verified_on", "verdict"):
            if k in names and a.get(k) not in (None, ""):
                prob("%s is not empty (%r)" % (k, a.get(k)))
        if "activity_class" in names and (a.get("activity_class") or "") not in ACTIVITY_CLASSES:
            prob("activity_class %r" % a.get("activity_class"))
        for k in ("chip_true", "chip_false"):
            v = a.get(k)
            if k in names and v:
                if os.path.isabs(v):
                    prob("%s is an absolute path %s" % (k, v))
                elif not os.path.isfile(os.path.join(gdir, v)):
                    prob("%s %s does not exist next to the GeoPackage" % (k, v))
    for pid, c in ids.items():
        if c > 1:
            problems.append("patch_id %s is used %d times" % (pid, c))

    # --- report ---------------------------------------------------------------------------------
    diag = Diagnoser(scene)
    # false patches lying (mostly) on distractors that are no change and are not masked
    fp_on = {}
    for p in fp:
        for k in diag.on_kinds(p["utm"]):
            fp_on.setdefault(k, []).append(p)
    groups = {}
    try:
        with open(os.path.join(scene, "scene.json"), encoding="utf-8") as f:
            groups = json.load(f).get("change_groups", {})
    except (IOError, ValueError):
        pass
    tr_ll = Transformer.from_crs("EPSG:%d" % EPSG_UTM, "EPSG:%d" % EPSG_LL, always_xy=True)
    rep.append("scene %s; patches %s" % (scene, patches_path))
    rep.append("minimum mapping unit %.0f m² (x%.2f margin); %d planted changes, %d required "
               "(inside the red line and >= the unit)" % (min_area, mmu_margin, len(truths), len(required)))
    rep.append("patches: %d, true positives %d, false positives %d -> precision %.3f" %
               (n, len(tp), len(fp), precision))
    rep.append("required changes recalled: %d / %d -> recall %.3f" %
               (len(required) - len(missed), len(required), recall))
    req_ids = {t["change_id"] for t in required}
    for grp, ids in sorted(groups.items()):
        r_ids = [i for i in ids if i in req_ids]
        rep.append("  %s: %d / %d required recalled (%s)" % (grp, sum(1 for i in r_ids if i in recalled), len(r_ids),
                                                            ", ".join(i + ("" if i in recalled else " MISSED")
                                                                      for i in r_ids)))
    for k in sorted(fp_on):
        rep.append("  false patches on %s: %d (%.2f km²)" % (k, len(fp_on[k]),
                                                          sum(p["utm"].area for p in fp_on[k]) / 1e6))
    for t in truths:
        hit = recalled.get(t["change_id"], [])
        status = ("REQUIRED " if t in required else "optional ") + ("found" if hit else "MISSED" if t in required
                                                                     else "not found")
        det_area = unary_union([p["utm"] for p in hit]).intersection(match_geom[t["change_id"]]).area if hit else 0.0
        rep.append("  %-4s %-11s %-19s %8.0f m² (inside %8.0f) %-18s patches %d, detected area %.0f m²%s" % (
            t["change_id"], t["kind"], t["expected_type"], t["area_m2"], t["inside_area"], status, len(hit),
            det_area, ("  [" + t["note"] + "]") if t.get("note") else ""))
    for p in fp:
        g = p["utm"]
        c = g.representative_point()
        lon, lat = tr_ll.transform(c.x, c.y)
        over = ""
        if "oversized" in p:
            over = "OVERSIZED: covers planted %s but %.0f m² of it lies > %.0f m from every planted change; " % (
                p["oversized"][0], p["oversized"][1], spill_margin)
        rep.append("  FALSE POSITIVE %s (%s, %.0f m², %s, score %s, confidence %s) at E %.0f N %.0f "
                   "(%.5f, %.5f): %s%s" % (
            p["attrs"].get("patch_id"), p["attrs"].get("redline_id"), g.area, p["attrs"].get("change_type"),
            p["attrs"].get("score"), p["attrs"].get("confidence"), c.x, c.y, lon, lat, over, diag.explain(g, truths)))
    for p in tp:
        if p["utm"].area > 5 * match_geom[p["match"]].area + 2000:
            rep.append("  note: patch %s (%.0f m²) is much larger than planted %s (%.0f m²)" % (
                p["attrs"].get("patch_id"), p["utm"].area, p["match"], match_geom[p["match"]].area))
    rep.append("area-weighted precision (true-positive patch area / all patch area): %.3f" % area_precision)
    rep.append("patches on the masked cloud, cloud shadow or nodata corner of the after image: %d" % len(masked))
    for p, desc, a in masked:
        rep.append("  MASKED %s: %.0f m² on the %s" % (p["attrs"].get("patch_id"), a, desc))
    agreement = type_ok / type_n if type_n else float("nan")
    rep.append("change_type agreement on true positives: %d / %d = %.3f" % (type_ok, type_n, agreement))
    for p in tp:
        if "type_mismatch" in p:
            rep.append("  %s on %s: change_type %s, planted %s" % (p["attrs"].get("patch_id"), p["match"],
                                                                     *p["type_mismatch"]))
    rep.append("patches outside the red line: %d" % len(outside))
    for p, a in outside:
        rep.append("  OUTSIDE %s: %.2f m² outside the red line" % (p["attrs"].get("patch_id"), a))
    rep.append("missing fields: %s" % (", ".join(missing) if missing else "none"))
    rep.append("field value problems: %d" % len(problems))
    for pr in problems[:50]:
        rep.append("  " + pr)
    if len(problems) > 50:
        rep.append("  ... %d more" % (len(problems) - 50))

    failures = []
    if precision < min_precision:
        failures.append("precision %.3f < %.2f" % (precision, min_precision))
    if recall < min_recall:
        failures.append("recall %.3f < %.2f" % (recall, min_recall))
    if outside:
        failures.append("%d patches outside the red line" % len(outside))
    if masked:
        failures.append("%d patches on the masked cloud / shadow / nodata corner" % len({id(m[0]) for m in masked}))
    if missing:
        failures.append("missing fields " + ", ".join(missing))
    if strict and problems:
        failures.append("%d field value problems" % len(problems))
    rep.append("RESULT: " + ("PASS" if not failures else "FAIL: " + "; ".join(failures)))
    return {"precision": precision, "recall": recall, "n_patches": n, "tp": tp, "fp": fp,
            "required": [t["change_id"] for t in required], "missed": [t["change_id"] for t in missed],
            "recalled": sorted(recalled), "outside": outside, "masked": masked, "area_precision": area_precision,
            "type_agreement": agreement, "fp_on": {k: len(v) for k, v in fp_on.items()},
            "oversized": [p for p in fp if "oversized" in p],
            "missing_fields": missing, "problems": problems, "min_area": min_area,
            "failures": failures, "ok": not failures, "report": rep, "json": report_json}


# ---------------------------------------------------------------------------------------------
# Self-test: the truth written as if redline had found it
# ---------------------------------------------------------------------------------------------

def write_truth_patches(scene, out_gpkg, out_json=None, min_area=500.0):
    """Writes the planted changes clipped to (and split by) the red-line polygons as an
    `activity_patches` layer in the red line's CRS with every field of docs/activity.md."""
    truths, rl_rows, rl_srs, _ = load_scene(scene)
    rl_epsg = int(rl_srs.GetAuthorityCode(None))
    to_rl = Transformer.from_crs("EPSG:%d" % EPSG_UTM, "EPSG:%d" % rl_epsg, always_xy=True)
    to_ll = Transformer.from_crs("EPSG:%d" % rl_epsg, "EPSG:%d" % EPSG_LL, always_xy=True)

    def tr(g, t, seg):
        og = ogr.CreateGeometryFromWkb(g.wkb)
        og.Segmentize(seg)
        sg = wkb.loads(bytes(og.ExportToWkb()))

        def ring(cs):
            xs, ys = zip(*[c[:2] for c in cs])
            X, Y = t.transform(xs, ys)
            return list(zip(X, Y))
        ps = sg.geoms if sg.geom_type == "MultiPolygon" else [sg]
        return MultiPolygon([Polygon(ring(p.exterior.coords), [ring(h.coords) for h in p.interiors]) for p in ps])
    if os.path.exists(out_gpkg):
        os.remove(out_gpkg)
    ds = ogr.GetDriverByName("GPKG").CreateDataSource(out_gpkg)
    lyr = ds.CreateLayer("activity_patches", srs_of(rl_srs), ogr.wkbMultiPolygon)
    for f in FIELDS:
        typ = ogr.OFTReal if f in ["area_m2", "lon", "lat", "score", "confidence"] + INDEX_FIELDS else ogr.OFTString
        lyr.CreateField(ogr.FieldDefn(f, typ))
    summary = {}
    for t in truths:
        g_rl = tr(t["geom"], to_rl, 2.0)
        for a, rg in rl_rows:
            piece = g_rl.intersection(fix(rg))
            polys = [q for q in (piece.geoms if hasattr(piece, "geoms") else [piece]) if q.geom_type == "Polygon"
                     and q.area > 0]
            if not polys:
                continue
            mp = MultiPolygon(polys)
            ll = tr(mp, to_ll, 1.0)
            area = geod_area_ll(ll)
            rp = mp.representative_point()
            lon, lat = to_ll.transform(rp.x, rp.y)
            pid = "P%s_%s" % (a["HXBH"], hashlib.sha1(("%.0f,%.0f" % (rp.x, rp.y)).encode()).hexdigest()[:8])
            f = ogr.Feature(lyr.GetLayerDefn())
            vals = {"patch_id": pid, "redline_id": a["HXBH"], "redline_name": a["HXMC"], "zone_id": "",
                    "zone_name": "", "area_m2": area, "lon": lon, "lat": lat, "change_type": t["expected_type"],
                    "ndvi_before": 0.8, "ndvi_after": 0.2, "water_before": -0.5, "water_after": -0.3,
                    "bare_before": -0.3, "bare_after": 0.1, "score": 2.0, "confidence": 0.9,
                    "status": "to_verify", "verified_by": "", "verified_on": "", "verdict": "",
                    "activity_class": "", "chip_true": "", "chip_false": ""}
            for k, v in vals.items():
                f.SetField(k, v)
            f.SetGeometry(ogr.CreateGeometryFromWkb(mp.wkb))
            lyr.CreateFeature(f)
            s = summary.setdefault(a["HXBH"], {"count": 0, "area_m2": 0.0})
            s["count"] += 1
            s["area_m2"] += area
    ds = None
    if out_json:
        with open(out_json, "w", encoding="utf-8") as fj:
            json.dump({"min_area_m2": min_area, "redline": summary, "note": "truth written as patches"}, fj,
                      ensure_ascii=False, indent=1)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scene", required=True)
    ap.add_argument("--patches", help="redline's OUT.gpkg")
    ap.add_argument("--layer", default="activity_patches")
    ap.add_argument("--json", help="redline's --json report (for min_area_m2)")
    ap.add_argument("--min-area", type=float, help="minimum mapping unit m² (default: the JSON's min_area_m2)")
    ap.add_argument("--mmu-margin", type=float, default=1.0,
                    help="require changes whose inside area >= MARGIN x the unit (default 1)")
    ap.add_argument("--overlap", type=float, default=0.2)
    ap.add_argument("--road-tolerance", type=float, default=10.0)
    ap.add_argument("--spill-margin", type=float, default=20.0,
                    help="m around planted changes that a true patch may cover (default 20)")
    ap.add_argument("--spill-area", type=float, default=2500.0,
                    help="m² a true patch may have beyond --spill-margin, at least (default 2500; else the "
                         "matched change's area)")
    ap.add_argument("--min-precision", type=float, default=0.9)
    ap.add_argument("--min-recall", type=float, default=0.9)
    ap.add_argument("--strict", action="store_true", help="field value problems fail too")
    ap.add_argument("--write-truth-patches", metavar="GPKG", help="self-test: write the truth as patches")
    ap.add_argument("-q", "--quiet", action="store_true", help="print only the RESULT line")
    args = ap.parse_args(argv)
    try:
        if args.write_truth_patches:
            write_truth_patches(args.scene, args.write_truth_patches, args.json, args.min_area or 500.0)
            print("wrote %s" % args.write_truth_patches)
            return 0
        if not args.patches:
            ap.error("--patches is required")
        r = evaluate(args.scene, args.patches, args.json, args.min_area, args.layer, args.overlap,
                     args.road_tolerance, mmu_margin=args.mmu_margin, min_precision=args.min_precision,
                     min_recall=args.min_recall, strict=args.strict, spill_margin=args.spill_margin,
                     spill_area=args.spill_area)
    except (IOError, ValueError, RuntimeError) as e:
        sys.stderr.write("evaluate.py: %s\n" % e)
        return 2
    print("\n".join(r["report"][-1:] if args.quiet else r["report"]))
    return 0 if r["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
