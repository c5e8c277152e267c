#!/usr/bin/python3
"""redline coverage on real third-party data: forest share of São Miguel's municipalities.

Case 8. CORINE Land Cover 2018 (3840 × 1920 cells of 0.000208333°, EPSG:4326) and the island's 6
municipalities (concelhos.gpkg, EPSG:4326), from exactextractr's test data; see
/work/shared/data/README.md. Classes 23/24/25 (CLC 311/312/313) are forest.
The district is the union of the municipalities, the zones the municipalities themselves.
Reference: the exact fraction of every cell inside each unit (shapely, by a quadtree that gives
whole blocks inside/outside 1/0 and intersects only cells on the boundary), times the cell's
closed-form ellipsoidal area on WGS 84; share = forest / the unit's geodesic area (pyproj).

The data are read from $REDLINE_SHARED_DATA/sao_miguel, else /work/shared/data/sao_miguel, else
../shared/data/sao_miguel next to the source tree; the test is skipped when they are absent.

Run: /usr/bin/python3 test_sao_miguel.py --redline build/redline [-v]
"""
import os
import tempfile
import time

import numpy as np
from shapely import wkb as shapely_wkb
from shapely.ops import unary_union
from shapely.prepared import prep

import refcommon as rc
from refcommon import gdal, geod_area, ogr

SHARE_PP = 0.01  # criterion for raster shares
FOREST = (23, 24, 25)


def data_dir():
    here = os.path.dirname(os.path.abspath(__file__))
    candidates = [os.environ.get("REDLINE_SHARED_DATA", ""), "/work/shared/data",
                  os.path.join(here, "..", "..", "..", "shared", "data")]
    if os.environ.get("REDLINE_DATA_DIR"):
        candidates.append(os.path.join(os.environ["REDLINE_DATA_DIR"], "..", "shared", "data"))
    for c in candidates:
        if c and os.path.exists(os.path.join(c, "sao_miguel", "concelhos.gpkg")):
            return os.path.join(c, "sao_miguel")
    return None


class SaoMiguel(rc.RedlineTestCase):
    @classmethod
    def setUpClass(cls):
        cls.data = data_dir()
        if cls.data is None:
            raise rc.unittest.SkipTest("São Miguel data not found (looked for sao_miguel/concelhos.gpkg under "
                                       "$REDLINE_SHARED_DATA, /work/shared/data and ../shared/data); "
                                       "see /work/shared/data/README.md")
        cls.raster = os.path.join(cls.data, "clc2018_v2020_20u1.tif")
        cls.concelhos = os.path.join(cls.data, "concelhos.gpkg")
        cls.tmp = tempfile.TemporaryDirectory(prefix="redline_it_sm_")
        cls.dir = cls.tmp.name

    @classmethod
    def tearDownClass(cls):
        if getattr(cls, "tmp", None):
            cls.tmp.cleanup()

    def read_municipalities(self):
        ds = ogr.Open(self.concelhos)
        lyr = ds.GetLayer(0)
        out = []
        for f in lyr:
            out.append((f.GetField("name"), shapely_wkb.loads(bytes(f.GetGeometryRef().ExportToWkb()))))
        return out

    def test_8_forest_share_per_municipality(self):
        t0 = time.time()
        run = rc.run_redline(["--boundary", self.concelhos, "--zones", self.concelhos, "--zone-id", "name",
                              "--zone-name", "name", "--landcover", self.raster,
                              "--forest-classes", ",".join(str(c) for c in FOREST)], self.dir)
        t_redline = time.time() - t0

        ds = gdal.Open(self.raster)
        gt = ds.GetGeoTransform()
        values = ds.GetRasterBand(1).ReadAsArray()
        rows, cols = values.shape
        self.assertEqual((rows, cols), (1920, 3840))
        nodata = ds.GetRasterBand(1).GetNoDataValue()
        ellipsoid = rc.WGS84
        row_area = rc.quadrangle_rows_area([gt[3] + r * gt[5] for r in range(rows + 1)], abs(gt[1]), ellipsoid)

        munis = self.read_municipalities()
        self.assertEqual(len(munis), 6)
        district = unary_union([g for _, g in munis])
        pd = prep(district)
        units = [("district", district)]
        for name, g in munis:
            units.append((name, g if pd.contains(g) else g.intersection(district)))

        forest_mask = np.isin(values, FOREST)
        nodata_mask = (values == nodata) if nodata is not None else np.zeros_like(forest_mask)
        t1 = time.time()
        ref = {}
        for uid, g in units:
            r0, c0, frac = rc.fractions_quadtree(g, gt, rows, cols, in_window=True)
            h, w = frac.shape
            weights = frac * row_area[r0:r0 + h, None]
            area = geod_area(g, ellipsoid)
            forest = float(weights[forest_mask[r0:r0 + h, c0:c0 + w]].sum())
            ref[uid] = {"area": area, "forest": forest, "share": 100.0 * forest / area,
                        "nodata": float(weights[nodata_mask[r0:r0 + h, c0:c0 + w]].sum()),
                        "covered": float(weights.sum())}
        t_ref = time.time() - t1

        r = run.report
        got = {"district": r["district"]}
        for z in r["zones"]:
            got[z["id"]] = z
        self.assertEqual(sorted(got), sorted(ref))
        case = "8 São Miguel CLC2018"
        for uid, e in ref.items():
            u = got[uid]
            f = u["forest"]
            # The raster covers the island: the cells' weights add up to the unit's area.
            self.assertAlmostEqual(e["covered"] / e["area"], 1.0, delta=1e-6)
            self.assert_rel(u["area_m2"], e["area"], 1e-6, case, "%s area_m2" % uid)
            self.assert_abs(f["area_m2"], e["forest"], 1e-5 * e["area"], case, "%s forest.area_m2" % uid,
                            scale=e["area"])
            self.assert_pp(f["share_pct"], e["share"], SHARE_PP, case, "%s forest.share_pct" % uid)
            self.assert_abs(f["nodata_m2"], e["nodata"], 1e-5 * e["area"], case, "%s forest.nodata_m2" % uid,
                            scale=e["area"])
        rc.sys.stderr.write("\n  São Miguel: redline %.2f s, reference %.2f s; shares %s\n" % (
            t_redline, t_ref, ", ".join("%s %.4f %%" % (k, v["share"]) for k, v in ref.items())))


if __name__ == "__main__":
    rc.main()
