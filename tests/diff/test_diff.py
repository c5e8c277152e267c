#!/usr/bin/python3
"""`redline diff` against planted truth: two versions of a red line made of lon/lat boxes whose
gained, lost, unchanged and type-changed areas are known in closed form (ellipsoidal quadrangles
on CGCS2000), plus the exit status for "area not decreased, nature not changed".

    test_diff.py --redline PATH
"""
import json
import math
import os
import subprocess
import sys
import tempfile
import unittest

from osgeo import ogr, osr

REDLINE = None
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
A, F = 6378137.0, 1 / 298.257222101
E2 = F * (2 - F)
B = A * (1 - F)


def area_from_equator(lat):
    s = math.sin(math.radians(lat))
    e = math.sqrt(E2)
    return 0.5 * B * B * (s / (1 - E2 * s * s) + math.atanh(e * s) / e)


def quad(lon0, lat0, lon1, lat1):
    """Closed-form ellipsoidal area of a lon/lat box."""
    return abs(math.radians(lon1 - lon0) * (area_from_equator(lat1) - area_from_equator(lat0)))


def box_wkt(lon0, lat0, lon1, lat1, step=0.001):
    """A box densified along parallels and meridians, so geodesic edges follow them."""
    pts = []
    n = max(1, round((lon1 - lon0) / step))
    m = max(1, round((lat1 - lat0) / step))
    pts += [(lon0 + (lon1 - lon0) * i / n, lat0) for i in range(n)]
    pts += [(lon1, lat0 + (lat1 - lat0) * i / m) for i in range(m)]
    pts += [(lon1 - (lon1 - lon0) * i / n, lat1) for i in range(n)]
    pts += [(lon0, lat1 - (lat1 - lat0) * i / m) for i in range(m)]
    pts.append(pts[0])
    return "POLYGON((" + ",".join(f"{x:.9f} {y:.9f}" for x, y in pts) + "))"


def write(path, boxes):
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(4490)
    ds = ogr.GetDriverByName("GPKG").CreateDataSource(path)
    layer = ds.CreateLayer("redline", srs, ogr.wkbPolygon)
    for name in ("HXBH", "HXLX"):
        layer.CreateField(ogr.FieldDefn(name, ogr.OFTString))
    for i, (b, kind) in enumerate(boxes):
        f = ogr.Feature(layer.GetLayerDefn())
        f.SetField("HXBH", f"HX{i:03d}")
        f.SetField("HXLX", kind)
        f.SetGeometry(ogr.CreateGeometryFromWkt(box_wkt(*b)))
        layer.CreateFeature(f)
    ds = None


class Diff(unittest.TestCase):
    def run_diff(self, old, new, *extra):
        with tempfile.TemporaryDirectory(prefix="redline-diff-") as tmp:
            write(os.path.join(tmp, "old.gpkg"), old)
            write(os.path.join(tmp, "new.gpkg"), new)
            done = subprocess.run([REDLINE, "diff", "--old", "old.gpkg", "--new", "new.gpkg", "--json", "d.json",
                                   "--out", "d.gpkg", "--quiet", *extra], cwd=tmp, capture_output=True, text=True,
                                  env=dict(os.environ, REDLINE_DATA_DIR=ROOT))
            self.assertIn(done.returncode, (0, 1), done.stderr)
            with open(os.path.join(tmp, "d.json"), encoding="utf-8") as f:
                report = json.load(f)
            ds = ogr.Open(os.path.join(tmp, "d.gpkg"))
            layers = {ds.GetLayer(i).GetName(): ds.GetLayer(i).GetFeatureCount() for i in range(ds.GetLayerCount())}
            self.assertTrue(os.path.exists(os.path.join(tmp, "d.qgz")))
            return done.returncode, report, layers

    def assert_rel(self, got, want, tol=1e-7):
        self.assertLessEqual(abs(got - want), tol * max(1.0, abs(want)), f"{got} vs {want}")

    def test_enlarged_red_line_passes_and_figures_match_the_closed_form(self):
        # Old: two boxes. New: the first extended east by 0.05°, the second unchanged, a third added.
        old = [((108.5, 29.0, 108.6, 29.1), "水源涵养"), ((108.7, 29.2, 108.8, 29.3), "水土保持")]
        new = [((108.5, 29.0, 108.65, 29.1), "水源涵养"), ((108.7, 29.2, 108.8, 29.3), "水土保持"),
               ((108.9, 29.4, 108.95, 29.45), "生物多样性维护")]
        status, r, layers = self.run_diff(old, new, "--type-field", "HXLX")
        t = r["total"]
        self.assert_rel(t["old_m2"], quad(108.5, 29.0, 108.6, 29.1) + quad(108.7, 29.2, 108.8, 29.3))
        self.assert_rel(t["gained_m2"], quad(108.6, 29.0, 108.65, 29.1) + quad(108.9, 29.4, 108.95, 29.45))
        self.assert_rel(t["lost_m2"], 0.0, 1e-3)
        self.assert_rel(t["unchanged_m2"], t["old_m2"])
        self.assertTrue(t["area_does_not_decrease"])
        self.assertEqual(r["type_changes"], [])
        self.assertEqual(status, 0)
        self.assertEqual(layers["diff_gained"], 2)

    def test_a_loss_and_a_type_change_miss_the_rule(self):
        old = [((108.5, 29.0, 108.6, 29.1), "水源涵养"), ((108.7, 29.2, 108.8, 29.3), "水土保持")]
        # The first box shrinks by its northern half; the second keeps its extent but changes type.
        new = [((108.5, 29.0, 108.6, 29.05), "水源涵养"), ((108.7, 29.2, 108.8, 29.3), "生物多样性维护")]
        status, r, layers = self.run_diff(old, new, "--type-field", "HXLX")
        t = r["total"]
        self.assert_rel(t["lost_m2"], quad(108.5, 29.05, 108.6, 29.1))
        self.assert_rel(t["net_m2"], -quad(108.5, 29.05, 108.6, 29.1))
        self.assertFalse(t["area_does_not_decrease"])
        self.assertEqual(len(r["type_changes"]), 1)
        change = r["type_changes"][0]
        self.assertEqual((change["old_type"], change["new_type"]), ("水土保持", "生物多样性维护"))
        self.assert_rel(change["area_m2"], quad(108.7, 29.2, 108.8, 29.3))
        self.assertEqual(status, 1)
        self.assertEqual(layers["diff_type_changed"], 1)

    def test_overlaps_count_once(self):
        # The new version has the same extent drawn as two overlapping pieces: nothing changed.
        old = [((108.5, 29.0, 108.7, 29.1), "水源涵养")]
        new = [((108.5, 29.0, 108.65, 29.1), "水源涵养"), ((108.6, 29.0, 108.7, 29.1), "水源涵养")]
        status, r, _ = self.run_diff(old, new)
        self.assert_rel(r["total"]["new_m2"], r["total"]["old_m2"])
        self.assertEqual(status, 0)


if __name__ == "__main__":
    REDLINE = os.path.abspath(sys.argv[sys.argv.index("--redline") + 1])
    del sys.argv[sys.argv.index("--redline"):sys.argv.index("--redline") + 2]
    unittest.main(verbosity=2)
