"""The ledger scenario shared by test_ledger.py (GeoPackage) and test_ledger_postgis.py (PostGIS).

Three monitoring campaigns of `redline activity` output are generated with OGR, with patches
planted to be new, expanded, reduced, unchanged, vanished, reappearing, split in two and merged
into one. The PLAN below says what each patch is and what the ledger must make of it; every
check compares the ledger with the PLAN (or with verdicts the test itself entered), never with
another output of redline. Areas are measured independently with pyproj's Geod.

The scenario, in order (run_scenario):
  1. campaign 1 into a new ledger: every patch new, ids L2023Q3-0001... in patch_id order;
  2. verdicts entered in the ledger's CSV export and imported;
  3. failures that must change nothing: garbage and broken patch files, the same campaign again,
     an earlier date, an invalid verdict, an unknown ledger id, a merge interrupted by SIGINT and
     one killed by SIGKILL half-way;
  4. campaign 2; verdicts imported from the activity CSV (keyed by patch_id) and from the
     ledger's GeoPackage export; campaign 3;
  5. after each step, every classification, id and verdict against the PLAN; at the end the
     summary's counts and areas per campaign and red-line polygon.
"""
import csv
import hashlib
import os
import signal
import subprocess
import sys

import pyproj
from osgeo import ogr, osr

ogr.UseExceptions()
osr.UseExceptions()

GEOD = pyproj.Geod(a=6378137.0, f=1.0 / 298.257222101)  # CGCS2000 (GRS 80)

# Red-line polygons: id, name, and the south-west corner (lon, lat) the patch boxes are laid from.
REDLINES = {
    "R1": ("HX500114-01", "仙女山生态保护红线", 108.60, 29.10),
    "R2": ("HX500114-02", "阿蓬江生态保护红线", 108.70, 29.10),
}

# Each campaign: name, date, patches as (lineage, patch_id, red line, box in metres from the red
# line's corner (x0, y0, x1, y1), expected classification), and the lineages expected to vanish.
# A lineage is one ledger patch: the same letter in two campaigns must keep the same ledger_id.
PLAN = [
    ("2023Q3", "2023-09-30", [
        ("A", "P1-A", "R1", (0, 0, 100, 100), "new"),
        ("B", "P1-B", "R1", (200, 0, 300, 100), "new"),
        ("C", "P1-C", "R1", (400, 0, 500, 100), "new"),
        ("D", "P1-D", "R1", (600, 0, 700, 100), "new"),
        ("M", "P1-M", "R1", (800, 0, 900, 100), "new"),
        ("G", "P1-G", "R2", (0, 0, 100, 100), "new"),
        ("H", "P1-H", "R2", (200, 0, 260, 100), "new"),
        ("I", "P1-I", "R2", (270, 0, 330, 100), "new"),
        ("K", "P1-K", "R2", (400, 0, 500, 100), "new"),
        ("N", "P1-N", "R2", (600, 0, 700, 100), "new"),
    ], []),
    ("2024Q1", "2024-03-31", [
        ("A", "P2-A", "R1", (0, 0, 130, 100), "expanded"),      # +30 %
        ("B", "P2-B", "R1", (200, 0, 250, 100), "reduced"),     # -50 %
        ("C", "P2-C", "R1", (400, 0, 500, 103), "unchanged"),   # +3 %
        ("E", "P2-E", "R1", (1000, 0, 1080, 100), "new"),
        # G splits in two: the larger part keeps G's id (and shrank by 35 %), the other is new.
        ("G", "P2-G1", "R2", (0, 0, 65, 100), "reduced"),
        ("G2", "P2-G2", "R2", (67, 0, 100, 100), "new"),
        # H and I merge into one that shares more with I: it continues I (grown), H vanishes.
        ("I", "P2-HI", "R2", (205, 0, 330, 100), "expanded"),
        ("K", "P2-K", "R2", (410, 0, 510, 100), "unchanged"),   # moved 10 m
        ("N", "P2-N", "R2", (600, 0, 700, 100), "unchanged"),
    ], ["D", "M", "H"]),
    ("2024Q3", "2024-09-30", [
        ("A", "P3-A", "R1", (0, 0, 180, 100), "expanded"),      # 1.3 ha -> 1.8 ha
        ("C", "P3-C", "R1", (400, 0, 560, 103), "expanded"),
        ("E", "P2-E", "R1", (1000, 0, 1080, 100), "unchanged"), # same patch_id as in 2024Q1, as activity gives
        ("M", "P3-M", "R1", (800, 0, 900, 100), "reappeared"),  # vanished in 2024Q1, back
        ("F", "P3-F", "R1", (1200, 0, 1300, 100), "new"),
        ("G", "P3-G1", "R2", (0, 0, 65, 100), "unchanged"),
        ("G2", "P3-G2", "R2", (67, 0, 100, 100), "unchanged"),
        ("I", "P3-HI", "R2", (205, 0, 330, 100), "unchanged"),
        ("K", "P3-K", "R2", (410, 0, 510, 100), "unchanged"),
        # N moved away: only 10 % of it is shared, below the 20 % that makes two patches one.
        ("N2", "P3-N2", "R2", (690, 0, 790, 100), "new"),
    ], ["B", "N"]),
]

# Verdicts the field teams enter (the test's own truth), by lineage, and the step that enters them.
VERDICTS_AFTER_1 = {  # in the ledger's CSV export, keyed by ledger_id
    "A": {"status": "verified", "verdict": "confirmed", "verified_by": "张三", "verified_on": "2023-10-15",
          "activity_class": "mining"},
    "B": {"verdict": "false_alarm", "verified_by": "李四", "verified_on": "2023-10-16"},
    "C": {"status": "verified", "verdict": "permitted", "reason_code": "6", "verified_by": "李四",
          "verified_on": "2023-10-16", "activity_class": "transport"},
    "D": {"status": "verified", "verdict": "confirmed", "verified_by": "张三", "verified_on": "2023-10-17",
          "activity_class": "settlement"},
    "M": {"status": "in_progress", "verified_by": "王五"},
}
VERDICTS_AFTER_2_CSV = {  # in the activity CSV of 2024Q1, keyed by patch_id
    "E": {"status": "verified", "verdict": "confirmed", "verified_by": "王五", "verified_on": "2024-04-10",
          "activity_class": "industry"},
    "G2": {"status": "verified", "verdict": "permitted", "reason_code": "2", "verified_by": "王五",
           "verified_on": "2024-04-11", "activity_class": "aquaculture_farming"},
}
VERDICTS_AFTER_2_GPKG = {  # in the ledger's GeoPackage export, keyed by ledger_id
    "K": {"status": "verified", "verdict": "false_alarm", "verified_by": "赵六", "verified_on": "2024-04-12"},
}

VERIFICATION_FIELDS = ["status", "verdict", "reason_code", "verified_by", "verified_on", "activity_class"]
ACTIVITY_FIELDS = [  # docs/activity.md
    ("patch_id", ogr.OFTString), ("redline_id", ogr.OFTString), ("redline_name", ogr.OFTString),
    ("zone_id", ogr.OFTString), ("zone_name", ogr.OFTString), ("area_m2", ogr.OFTReal), ("lon", ogr.OFTReal),
    ("lat", ogr.OFTReal), ("change_type", ogr.OFTString), ("ndvi_before", ogr.OFTReal),
    ("ndvi_after", ogr.OFTReal), ("water_before", ogr.OFTReal), ("water_after", ogr.OFTReal),
    ("bare_before", ogr.OFTReal), ("bare_after", ogr.OFTReal), ("score", ogr.OFTReal),
    ("confidence", ogr.OFTReal), ("status", ogr.OFTString), ("verified_by", ogr.OFTString),
    ("verified_on", ogr.OFTString), ("verdict", ogr.OFTString), ("activity_class", ogr.OFTString),
    ("chip_true", ogr.OFTString), ("chip_false", ogr.OFTString),
]
CLASSES = ["new", "expanded", "reduced", "unchanged", "vanished", "reappeared"]


# ---- generation ----------------------------------------------------------------------------------

def box_lonlat(redline, b):
    """The box (metres east/north of the red line's corner) as a lon/lat ring, a vertex every 10 m
    so that its edges stay on the parallels and meridians as geodesics."""
    _, _, lon0, lat0 = REDLINES[redline]
    m_per_deg_lat = 110574.0
    m_per_deg_lon = 111320.0 * 0.8733  # cos(29.1°)
    x0, y0, x1, y1 = b

    def pt(x, y):
        return (lon0 + x / m_per_deg_lon, lat0 + y / m_per_deg_lat)

    ring = []
    n = max(1, int((x1 - x0) / 10))
    ring += [pt(x0 + (x1 - x0) * i / n, y0) for i in range(n)]
    n = max(1, int((y1 - y0) / 10))
    ring += [pt(x1, y0 + (y1 - y0) * i / n) for i in range(n)]
    n = max(1, int((x1 - x0) / 10))
    ring += [pt(x1 - (x1 - x0) * i / n, y1) for i in range(n)]
    n = max(1, int((y1 - y0) / 10))
    ring += [pt(x0, y1 - (y1 - y0) * i / n) for i in range(n)]
    ring.append(ring[0])
    return ring


def ring_area(ring):
    lons, lats = zip(*ring)
    return abs(GEOD.polygon_area_perimeter(lons, lats)[0])


def write_activity_gpkg(path, patches, srs_epsg=4490, drop_field=None, layer_name="activity_patches"):
    """patches: list of (patch_id, red line, box); written the way `redline activity` writes them."""
    if os.path.exists(path):
        os.remove(path)
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(srs_epsg)
    srs.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    ds = ogr.GetDriverByName("GPKG").CreateDataSource(path)
    layer = ds.CreateLayer(layer_name, srs, ogr.wkbMultiPolygon, options=["GEOMETRY_NAME=geom", "FID=fid"])
    for name, t in ACTIVITY_FIELDS:
        if name != drop_field:
            layer.CreateField(ogr.FieldDefn(name, t))
    layer.StartTransaction()
    for patch_id, redline, b in patches:
        rid, rname, _, _ = REDLINES[redline]
        ring = box_lonlat(redline, b)
        f = ogr.Feature(layer.GetLayerDefn())
        values = {"patch_id": patch_id, "redline_id": rid, "redline_name": rname, "zone_id": "", "zone_name": "",
                  "area_m2": round(ring_area(ring), 2), "lon": ring[0][0], "lat": ring[0][1],
                  "change_type": "vegetation_to_bare", "ndvi_before": 0.7, "ndvi_after": 0.1, "water_before": 0,
                  "water_after": 0, "bare_before": 0.1, "bare_after": 0.5, "score": 2.0, "confidence": 0.9,
                  "status": "to_verify", "verified_by": "", "verified_on": "", "verdict": "", "activity_class": "",
                  "chip_true": "", "chip_false": ""}
        for k, v in values.items():
            if k != drop_field:
                f.SetField(k, v)
        poly = ogr.Geometry(ogr.wkbPolygon)
        r = ogr.Geometry(ogr.wkbLinearRing)
        for x, y in ring:
            r.AddPoint_2D(x, y)
        poly.AddGeometry(r)
        mp = ogr.Geometry(ogr.wkbMultiPolygon)
        mp.AddGeometry(poly)
        f.SetGeometry(mp)
        layer.CreateFeature(f)
    layer.CommitTransaction()
    ds = None


def write_activity_csv(path, rows):
    """rows: list of dicts over the activity fields (no geometry), UTF-8 with BOM like redline's CSV,
    with the reason_code column a field team adds for permitted activities."""
    names = [n for n, _ in ACTIVITY_FIELDS] + ["reason_code"]
    with open(path, "w", newline="", encoding="utf-8-sig") as out:
        w = csv.DictWriter(out, fieldnames=names)
        w.writeheader()
        for r in rows:
            w.writerow({k: r.get(k, "") for k in names})


def read_csv(path):
    with open(path, newline="", encoding="utf-8-sig") as f:
        return list(csv.DictReader(f))


def write_csv(path, rows, fieldnames):
    with open(path, "w", newline="", encoding="utf-8-sig") as out:
        w = csv.DictWriter(out, fieldnames=fieldnames)
        w.writeheader()
        for r in rows:
            w.writerow(r)


# ---- reading the ledger --------------------------------------------------------------------------

def read_layer(target, name, geometry=True, skip=()):
    ds = ogr.Open(target)
    layer = ds.GetLayerByName(name)
    defn = layer.GetLayerDefn()
    names = [defn.GetFieldDefn(i).GetName() for i in range(defn.GetFieldCount())]
    rows = []
    for f in layer:
        row = {n: f.GetField(n) for n in names if n not in skip}
        if geometry:
            g = f.GetGeometryRef()
            row["geom"] = g.ExportToIsoWkb().hex() if g is not None else None
        rows.append(row)
    ds = None
    return rows


def dump(target, skip=()):
    """Everything the ledger holds (FIDs aside), in a canonical order, for equality checks."""
    out = {}
    for name in ("ledger_patches", "ledger_observations", "ledger_campaigns"):
        rows = read_layer(target, name, geometry=(name != "ledger_campaigns"), skip=skip)
        out[name] = sorted((tuple(sorted((k, "" if v is None else v) for k, v in r.items())) for r in rows),
                           key=repr)
    return out


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


# ---- the scenario ---------------------------------------------------------------------------------

class Runner:
    def __init__(self, redline, workdir, ledger, is_file):
        self.redline = redline
        self.workdir = workdir
        self.ledger = ledger
        self.is_file = is_file

    def run(self, *args, timeout=600):
        return subprocess.run([self.redline, "ledger"] + list(args), capture_output=True, text=True, timeout=timeout)

    def path(self, name):
        return os.path.join(self.workdir, name)


def expected_ids():
    """lineage -> ledger_id, by the documented rule: 'L' + the campaign that found it + '-' + its
    rank among that campaign's new patches in patch_id order, on 4 digits."""
    ids = {}
    for campaign, _, patches, _ in PLAN:
        new = sorted((pid, lineage) for lineage, pid, _, _, cls in patches if cls == "new")
        for i, (_, lineage) in enumerate(new, 1):
            ids[lineage] = "L%s-%04d" % (campaign, i)
    return ids


def planted_areas():
    """(campaign, patch_id) -> area measured here with pyproj."""
    return {(c, pid): ring_area(box_lonlat(r, b)) for c, _, patches, _ in PLAN for _, pid, r, b, _ in patches}


def merge_campaign(t, run, index):
    campaign, date, patches, _ = PLAN[index]
    path = run.path("activity_%s.gpkg" % campaign)
    write_activity_gpkg(path, [(pid, r, b) for _, pid, r, b, _ in patches])
    p = run.run("merge", "--ledger", run.ledger, "--patches", path, "--campaign", campaign, "--date", date)
    t.assertEqual(p.returncode, 0, "merge %s failed:\n%s\n%s" % (campaign, p.stdout, p.stderr))
    return p


def check_after_campaign(t, run, upto):
    """Every campaign merged so far against the PLAN: observations, ids, latest outline and area."""
    ids = expected_ids()
    areas = planted_areas()
    obs = read_layer(run.ledger, "ledger_observations", geometry=False)
    patches = {r["ledger_id"]: r for r in read_layer(run.ledger, "ledger_patches", geometry=False)}
    latest = {}   # lineage -> (campaign, patch_id, red line, box)
    vanished = set()
    for index in range(upto + 1):
        campaign, date, planted, gone = PLAN[index]
        got = [r for r in obs if r["campaign"] == campaign]
        want = {}
        for lineage, pid, redline, b, cls in planted:
            want[ids[lineage]] = (cls, pid, redline)
            latest[lineage] = (campaign, pid, redline, b)
            vanished.discard(lineage)
        for lineage in gone:
            want[ids[lineage]] = ("vanished", None, None)
            vanished.add(lineage)
        got_map = {r["ledger_id"]: r for r in got}
        t.assertEqual(len(got), len(got_map), "%s: one observation per ledger patch" % campaign)
        t.assertEqual(sorted(got_map), sorted(want), "%s: the ledger patches observed" % campaign)
        for lid, (cls, pid, redline) in want.items():
            r = got_map[lid]
            t.assertEqual(r["classification"], cls, "%s, %s (%s): classification" % (campaign, lid, pid))
            t.assertEqual(r["campaign_date"], date)
            if cls != "vanished":
                t.assertEqual(r["patch_id"], pid, "%s, %s: patch_id" % (campaign, lid))
                t.assertEqual(r["redline_id"], REDLINES[redline][0])
                t.assertAlmostEqual(r["area_m2"], areas[(campaign, pid)], delta=0.01)
    # The ledger patches: one per lineage, outline and area of the latest observation.
    t.assertEqual(sorted(patches), sorted(ids[l] for l in latest), "ledger patches after %s" % PLAN[upto][0])
    for lineage, (campaign, pid, redline, b) in latest.items():
        p = patches[ids[lineage]]
        t.assertEqual(p["patch_id"], pid, "%s: latest patch_id" % lineage)
        t.assertAlmostEqual(p["area_m2"], areas[(campaign, pid)], delta=0.01)
        t.assertEqual(p["last_seen"], campaign)
        t.assertEqual(p["classification"] == "vanished", lineage in vanished, "%s: vanished or not" % lineage)
        first = next(c for c, _, pl, _ in PLAN if any(x[0] == lineage for x in pl))
        t.assertEqual(p["first_campaign"], first)


def expected_verification(steps_done):
    """lineage -> verification dict after the import steps named in steps_done."""
    state = {}
    for lineage, _ in expected_ids().items():
        state[lineage] = {"status": "to_verify", "verdict": None, "reason_code": None, "verified_by": None,
                          "verified_on": None, "activity_class": None}
    for step, entered in (("csv1", VERDICTS_AFTER_1), ("csv2", VERDICTS_AFTER_2_CSV), ("gpkg2", VERDICTS_AFTER_2_GPKG)):
        if step in steps_done:
            for lineage, values in entered.items():
                for k, v in values.items():
                    state[lineage][k] = int(v) if k == "reason_code" else v
                if values.get("verdict") and "status" not in values:
                    state[lineage]["status"] = "verified"
    return state


def check_verification(t, run, steps_done, context):
    ids = expected_ids()
    want = expected_verification(steps_done)
    patches = {r["ledger_id"]: r for r in read_layer(run.ledger, "ledger_patches", geometry=False)}
    for lineage, values in want.items():
        lid = ids[lineage]
        if lid not in patches:
            continue
        got = {k: (patches[lid][k] if patches[lid][k] != "" else None) for k in VERIFICATION_FIELDS}
        t.assertEqual(got, values, "%s: verification of %s (%s)" % (context, lineage, lid))


def import_after_campaign_1(t, run):
    ids = expected_ids()
    exported = run.path("field_2023Q3.csv")
    p = run.run("export", "--ledger", run.ledger, "--out", exported)
    t.assertEqual(p.returncode, 0, p.stderr)
    rows = read_csv(exported)
    t.assertEqual(len(rows), len(PLAN[0][2]))
    fieldnames = list(rows[0].keys())
    by_id = {ids[l]: l for l in VERDICTS_AFTER_1}
    for r in rows:
        lineage = by_id.get(r["ledger_id"])
        if lineage:
            r.update(VERDICTS_AFTER_1[lineage])
    write_csv(exported, rows, fieldnames)
    p = run.run("import", "--ledger", run.ledger, "--from", exported)
    t.assertEqual(p.returncode, 0, "import:\n%s\n%s" % (p.stdout, p.stderr))
    check_verification(t, run, {"csv1"}, "after the import of 2023Q3's verdicts")


def import_after_campaign_2(t, run):
    ids = expected_ids()
    campaign, _, planted, _ = PLAN[1]
    # The activity CSV of 2024Q1 as the field team returns it: every row still says to_verify
    # (as redline activity wrote it) except the ones they verified.
    rows = []
    for lineage, pid, redline, b, _ in planted:
        row = {"patch_id": pid, "redline_id": REDLINES[redline][0], "status": "to_verify"}
        row.update(VERDICTS_AFTER_2_CSV.get(lineage, {}))
        rows.append(row)
    path = run.path("activity_2024Q1_verified.csv")
    write_activity_csv(path, rows)
    p = run.run("import", "--ledger", run.ledger, "--from", path)
    t.assertEqual(p.returncode, 0, "import by patch_id:\n%s\n%s" % (p.stdout, p.stderr))
    check_verification(t, run, {"csv1", "csv2"}, "after the import of the activity CSV")

    # The ledger's GeoPackage export, edited in QGIS (here with OGR).
    gpkg = run.path("field_2024Q1.gpkg")
    p = run.run("export", "--ledger", run.ledger, "--out", gpkg)
    t.assertEqual(p.returncode, 0, p.stderr)
    ds = ogr.Open(gpkg, update=1)
    layer = ds.GetLayerByName("ledger_patches")
    for f in layer:
        for lineage, values in VERDICTS_AFTER_2_GPKG.items():
            if f.GetField("ledger_id") == ids[lineage]:
                for k, v in values.items():
                    f.SetField(k, v)
                layer.SetFeature(f)
    ds = None
    p = run.run("import", "--ledger", run.ledger, "--from", gpkg)
    t.assertEqual(p.returncode, 0, "import from the GeoPackage export:\n%s\n%s" % (p.stdout, p.stderr))
    check_verification(t, run, {"csv1", "csv2", "gpkg2"}, "after the import of the GeoPackage export")


def snapshot(run):
    return (sha256(run.ledger) if run.is_file else None, dump(run.ledger))


def assert_unchanged(t, run, before, context):
    after = snapshot(run)
    if run.is_file:
        t.assertEqual(after[0], before[0], "%s: the ledger file changed (bytes)" % context)
    t.assertEqual(after[1], before[1], "%s: the ledger's content changed" % context)


def failures_change_nothing(t, run):
    """Bad input, a campaign twice, bad verdicts, an interrupted and a killed merge."""
    before = snapshot(run)

    garbage = run.path("garbage.gpkg")
    with open(garbage, "wb") as f:
        f.write(b"SQLite format 3\x00" + os.urandom(3000))
    p = run.run("merge", "--ledger", run.ledger, "--patches", garbage, "--campaign", "2024Q1")
    t.assertEqual(p.returncode, 2, p.stderr)
    t.assertIn("--patches", p.stderr)
    assert_unchanged(t, run, before, "merge of a garbage file")

    missing = run.path("no_patch_id.gpkg")
    write_activity_gpkg(missing, [("P9-X", "R1", (0, 0, 50, 50))], drop_field="patch_id")
    p = run.run("merge", "--ledger", run.ledger, "--patches", missing, "--campaign", "2024Q1")
    t.assertEqual(p.returncode, 2, p.stderr)
    t.assertIn("patch_id", p.stderr)
    assert_unchanged(t, run, before, "merge of a layer without patch_id")

    twice = run.path("duplicate_ids.gpkg")
    write_activity_gpkg(twice, [("P9-X", "R1", (0, 0, 50, 50)), ("P9-X", "R1", (100, 0, 150, 50))])
    p = run.run("merge", "--ledger", run.ledger, "--patches", twice, "--campaign", "2024Q1")
    t.assertEqual(p.returncode, 2, p.stderr)
    t.assertIn("P9-X", p.stderr)
    assert_unchanged(t, run, before, "merge of duplicate patch ids")

    first = run.path("activity_%s.gpkg" % PLAN[0][0])
    p = run.run("merge", "--ledger", run.ledger, "--patches", first, "--campaign", PLAN[0][0])
    t.assertEqual(p.returncode, 2, p.stderr)
    t.assertIn("already holds campaign " + PLAN[0][0], p.stderr)
    assert_unchanged(t, run, before, "the same campaign merged twice")

    p = run.run("merge", "--ledger", run.ledger, "--patches", first, "--campaign", "2023Q2", "--date", "2023-06-30")
    t.assertEqual(p.returncode, 2, p.stderr)
    t.assertIn("date order", p.stderr)
    assert_unchanged(t, run, before, "a campaign earlier than one merged")

    # A verdict outside the list, in the second data row (line 3): refused, naming row and values.
    ids = expected_ids()
    bad = run.path("bad_verdict.csv")
    write_csv(bad, [{"ledger_id": ids["A"], "verdict": "confirmed"}, {"ledger_id": ids["B"], "verdict": "maybe"}],
              ["ledger_id", "verdict"])
    p = run.run("import", "--ledger", run.ledger, "--from", bad)
    t.assertEqual(p.returncode, 2, p.stderr)
    for text in ("row 2 (line 3", ids["B"], "'maybe'", "confirmed, false_alarm, permitted"):
        t.assertIn(text, p.stderr)
    assert_unchanged(t, run, before, "an import with an invalid verdict")

    bad_code = run.path("bad_reason.csv")
    write_csv(bad_code, [{"ledger_id": ids["C"], "verdict": "permitted", "reason_code": "11"}],
              ["ledger_id", "verdict", "reason_code"])
    p = run.run("import", "--ledger", run.ledger, "--from", bad_code)
    t.assertEqual(p.returncode, 2, p.stderr)
    t.assertIn("reason_code '11'", p.stderr)
    t.assertIn("1 to 10", p.stderr)
    assert_unchanged(t, run, before, "an import with reason code 11")

    unknown = run.path("unknown_id.csv")
    write_csv(unknown, [{"ledger_id": "L1999Q1-0001", "verdict": "confirmed"}], ["ledger_id", "verdict"])
    p = run.run("import", "--ledger", run.ledger, "--from", unknown)
    t.assertEqual(p.returncode, 2, p.stderr)
    t.assertIn("L1999Q1-0001", p.stderr)
    assert_unchanged(t, run, before, "an import of an unknown ledger id")

    # A large campaign interrupted while it writes: SIGINT (Ctrl-C) rolls back, exit 130; SIGKILL
    # leaves the transaction to the database, which discards it.
    big = run.path("big.gpkg")
    grid = [("PB-%05d" % i, "R1", (3000 + (i % 80) * 30, (i // 80) * 30, 3000 + (i % 80) * 30 + 20,
                                   (i // 80) * 30 + 20)) for i in range(4000)]
    write_activity_gpkg(big, grid)
    for sig, code in ((signal.SIGINT, 130), (signal.SIGKILL, -signal.SIGKILL)):
        proc = subprocess.Popen([run.redline, "ledger", "merge", "--ledger", run.ledger, "--patches", big,
                                 "--campaign", "BIG"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        seen = ""
        for line in proc.stderr:
            seen += line
            # Past the first tenth of the writes (the progress line after "[ 40%]"), with
            # thousands of features still to go.
            if "writing the ledger" in line and not line.startswith("[ 40%]"):
                proc.send_signal(sig)
                break
        out, err = proc.communicate(timeout=300)
        t.assertEqual(proc.returncode, code, "merge interrupted by %s: %s%s" % (sig.name, seen, err))
        if sig == signal.SIGINT:
            t.assertIn("Interrupted", err)
        elif run.is_file:
            # SQLite's rollback journal is left beside the GeoPackage. When pages had already
            # gone to the file, the journal is hot and SQLite lets no one read before a
            # connection that may write rolls it back: the next redline run does, even a reader.
            t.assertTrue(os.path.exists(run.ledger + "-journal"), "no journal: was the merge killed too late?")
            p = run.run("summary", "--ledger", run.ledger)
            t.assertEqual(p.returncode, 0, p.stderr)
        assert_unchanged(t, run, before, "a merge stopped by %s" % sig.name)


def check_summary(t, run):
    ids = expected_ids()
    areas = planted_areas()
    js_path, csv_path = run.path("summary.json"), run.path("summary.csv")
    p = run.run("summary", "--ledger", run.ledger, "--json", js_path, "--csv", csv_path)
    t.assertEqual(p.returncode, 0, p.stderr)
    import json
    with open(js_path, encoding="utf-8") as f:
        s = json.load(f)
    verdicts = expected_verification({"csv1", "csv2", "gpkg2"})
    t.assertEqual([c["campaign"] for c in s["campaigns"]], [c for c, _, _, _ in PLAN])
    last_area = {}
    csv_rows = {(r["campaign"], r["redline_id"]): r for r in read_csv(csv_path)}
    for (campaign, date, planted, gone), got in zip(PLAN, s["campaigns"]):
        t.assertEqual(got["date"], date)
        want = {}
        for lineage, pid, redline, b, cls in planted:
            for key in (REDLINES[redline][0], "*"):
                w = want.setdefault(key, {"patches": [0, 0.0], "cls": {c: [0, 0.0] for c in CLASSES},
                                          "verdict": {v: [0, 0.0] for v in ("confirmed", "false_alarm", "permitted",
                                                                            "unverified")}})
                a = areas[(campaign, pid)]
                w["patches"][0] += 1
                w["patches"][1] += a
                w["cls"][cls][0] += 1
                w["cls"][cls][1] += a
                v = verdicts[lineage]["verdict"] or "unverified"
                w["verdict"][v][0] += 1
                w["verdict"][v][1] += a
        for lineage in gone:
            redline, a = last_area[lineage]
            for key in (REDLINES[redline][0], "*"):
                w = want.setdefault(key, {"patches": [0, 0.0], "cls": {c: [0, 0.0] for c in CLASSES},
                                          "verdict": {v: [0, 0.0] for v in ("confirmed", "false_alarm", "permitted",
                                                                            "unverified")}})
                w["cls"]["vanished"][0] += 1
                w["cls"]["vanished"][1] += a
        for lineage, pid, redline, b, cls in planted:
            last_area[lineage] = (redline, areas[(campaign, pid)])
        got_rows = {r["redline_id"]: r for r in got["redlines"]}
        got_rows["*"] = got["total"]
        t.assertEqual(sorted(got_rows), sorted(want), "%s: red-line polygons in the summary" % campaign)
        for key, w in want.items():
            g = got_rows[key]
            ctx = "summary %s, %s" % (campaign, key)
            t.assertEqual(g["patches"], w["patches"][0], ctx)
            t.assertAlmostEqual(g["area_m2"], w["patches"][1], delta=0.05, msg=ctx)
            for c in CLASSES:
                t.assertEqual(g["classification"][c]["count"], w["cls"][c][0], "%s: %s" % (ctx, c))
                t.assertAlmostEqual(g["classification"][c]["area_m2"], w["cls"][c][1], delta=0.05,
                                    msg="%s: %s area" % (ctx, c))
                t.assertEqual(int(csv_rows[(campaign, key)][c]), w["cls"][c][0], "%s (CSV): %s" % (ctx, c))
            for v, (n, a) in w["verdict"].items():
                t.assertEqual(g["verdict"][v]["count"], n, "%s: verdict %s" % (ctx, v))
                t.assertAlmostEqual(g["verdict"][v]["area_m2"], a, delta=0.05, msg="%s: verdict %s area" % (ctx, v))
    total = s["patches"]
    t.assertEqual(total["total"], len(ids))
    vanished_now = {"B", "D", "H", "N"}
    t.assertEqual(total["vanished"], len(vanished_now))
    t.assertEqual(total["verdict"]["permitted"]["count"], 2)
    t.assertEqual(total["permitted_by_reason_code"]["6"], 1)
    t.assertEqual(total["permitted_by_reason_code"]["2"], 1)
    t.assertIn("Campaign 2024Q3", p.stdout)


def run_scenario(t, redline, workdir, ledger, is_file):
    run = Runner(redline, workdir, ledger, is_file)
    p = merge_campaign(t, run, 0)
    t.assertIn("10 patches", p.stdout)
    check_after_campaign(t, run, 0)
    check_verification(t, run, set(), "after 2023Q3")
    import_after_campaign_1(t, run)
    failures_change_nothing(t, run)
    check_verification(t, run, {"csv1"}, "after the failed merges and imports")

    merge_campaign(t, run, 1)
    check_after_campaign(t, run, 1)
    check_verification(t, run, {"csv1"}, "after merging 2024Q1")
    import_after_campaign_2(t, run)

    merge_campaign(t, run, 2)
    check_after_campaign(t, run, 2)
    check_verification(t, run, {"csv1", "csv2", "gpkg2"}, "after merging 2024Q3")
    check_summary(t, run)
    return run


def parse_args(extra=()):
    """Takes --redline PATH (and the options in extra) out of sys.argv before unittest sees it."""
    found = {}
    argv = sys.argv[:1]
    rest = sys.argv[1:]
    i = 0
    names = ("--redline",) + tuple(extra)
    while i < len(rest):
        a = rest[i]
        key = next((n for n in names if a == n or a.startswith(n + "=")), None)
        if key and a == key and i + 1 < len(rest):
            found[key] = rest[i + 1]
            i += 2
            continue
        if key and a.startswith(key + "="):
            found[key] = a.split("=", 1)[1]
            i += 1
            continue
        argv.append(a)
        i += 1
    sys.argv = argv
    if "--redline" not in found:
        found["--redline"] = os.environ.get("REDLINE_BIN", "")
    if not found["--redline"] or not os.access(found["--redline"], os.X_OK):
        sys.stderr.write("usage: %s --redline PATH/TO/redline [unittest options]\n" % sys.argv[0])
        sys.exit(2)
    found["--redline"] = os.path.abspath(found["--redline"])
    return found
