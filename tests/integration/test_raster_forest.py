#!/usr/bin/python3
"""redline coverage: forest share from a land-cover raster, against an exact per-cell reference.

Case 7. A 40 × 30 land-cover raster with random classes (10 tree cover, 20 shrubland, 30, 40 and
nodata 0), a pentagon district whose edges cut cells at every angle, and two zones across it:
  a. raster, district and zones in EPSG:4326 (degrees);
  b. raster, district and zones in EPSG:32649 (UTM 49N metres);
  c. raster in EPSG:32649, district and zones in EPSG:4490 (CGCS2000 lon/lat);
  d. --forest-classes 10,20 with the ESA WorldCover table and a --shrub-mask: class 20 counts only
     inside the mask, i.e. weighted by the fraction of the cell inside (unit ∩ mask); (a) and (b).
Reference: for every cell, area(cell ∩ unit) / area(cell) by shapely in the raster's CRS, times
the cell's ellipsoidal area (closed-form quadrangle for degrees; geodesic area of the 4 corners in
lon/lat for metres); forest share = Σ over forest cells / the unit's ellipsoidal vector area.

Run: /usr/bin/python3 test_raster_forest.py --redline build/redline [-v] [TestCase.test_x]
"""
import os
import tempfile

import numpy as np
from shapely.geometry import Polygon

import refcommon as rc
from refcommon import geod_area

SHARE_PP = 0.01    # criterion for raster shares (percentage points)
AREA_REL = 1e-5    # forest / nodata areas, relative to the unit's area

ROWS, COLS = 30, 40
NODATA = 0
CLASSES = np.array([10, 20, 30, 40, NODATA], dtype=np.uint8)
PROBS = [0.40, 0.15, 0.20, 0.15, 0.10]

# (a) degrees: origin and cell size chosen so that no polygon vertex falls on a cell edge.
GT_DEG = (108.6003, 0.0047, 0.0, 29.3007, 0.0, -0.0047)
DISTRICT_DEG = [(108.615, 29.175), (108.700, 29.163), (108.775, 29.200), (108.763, 29.286), (108.641, 29.291)]
ZONES_DEG = [("Z1", [(108.55, 29.10), (108.711, 29.10), (108.683, 29.35), (108.55, 29.35)]),
             ("Z2", [(108.711, 29.10), (108.85, 29.10), (108.85, 29.35), (108.683, 29.35)])]
MASK_DEG = [(108.64, 29.19), (108.74, 29.21), (108.73, 29.27), (108.66, 29.25)]

# (b) metres, UTM 49N (about 108.95° E, 29.2° N).
GT_UTM = (300013.0, 247.0, 0.0, 3235011.0, 0.0, -253.0)
DISTRICT_UTM = [(301100.0, 3229100.0), (306900.0, 3228200.0), (309300.0, 3231500.0), (307600.0, 3234500.0),
                (302200.0, 3234200.0)]
ZONES_UTM = [("Z1", [(299000.0, 3227000.0), (305300.0, 3227000.0), (304100.0, 3236000.0), (299000.0, 3236000.0)]),
             ("Z2", [(305300.0, 3227000.0), (311000.0, 3227000.0), (311000.0, 3236000.0), (304100.0, 3236000.0)])]
MASK_UTM = [(303000.0, 3230000.0), (307500.0, 3230800.0), (306800.0, 3233600.0), (303600.0, 3233000.0)]


def random_classes(seed):
    rng = np.random.default_rng(seed)
    return rng.choice(CLASSES, size=(ROWS, COLS), p=PROBS).astype(np.uint8)


class RasterForest(rc.RedlineTestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="redline_it_raster_")
        cls.dir = cls.tmp.name
        cls.values_deg = random_classes(20261123)
        cls.values_utm = random_classes(20261124)
        rc.write_raster(os.path.join(cls.dir, "lc_deg.tif"), 4326, GT_DEG, cls.values_deg, nodata=NODATA)
        rc.write_raster(os.path.join(cls.dir, "lc_utm.tif"), 32649, GT_UTM, cls.values_utm, nodata=NODATA)

        # Layers for (a): EPSG:4326, edges split every 0.001° so straight and geodesic edges agree.
        cls.d_deg = rc.densify_lonlat(Polygon(DISTRICT_DEG), 0.001)
        cls.z_deg = [(zid, rc.densify_lonlat(Polygon(c), 0.001)) for zid, c in ZONES_DEG]
        cls.m_deg = rc.densify_lonlat(Polygon(MASK_DEG), 0.001)
        cls.write_layers("deg", 4326, cls.d_deg, cls.z_deg, cls.m_deg)
        # (b): EPSG:32649 as drawn (redline splits the edges to 100 m itself).
        cls.d_utm = Polygon(DISTRICT_UTM)
        cls.z_utm = [(zid, Polygon(c)) for zid, c in ZONES_UTM]
        cls.m_utm = Polygon(MASK_UTM)
        cls.write_layers("utm", 32649, cls.d_utm, cls.z_utm, cls.m_utm)
        # (c): the UTM layers taken to CGCS2000 lon/lat, edges split every 0.001°.
        to_ll = lambda g: rc.densify_lonlat(rc.project(rc.densify_lonlat(g, 50.0), 32649, 4490), 0.001)
        cls.d_cgcs = to_ll(cls.d_utm)
        cls.z_cgcs = [(zid, to_ll(z)) for zid, z in cls.z_utm]
        cls.write_layers("cgcs", 4490, cls.d_cgcs, cls.z_cgcs, None)

    @classmethod
    def write_layers(cls, tag, epsg, district, zones, mask):
        rc.write_vector(os.path.join(cls.dir, "district_%s.gpkg" % tag), epsg, [(district, {})])
        rc.write_vector(os.path.join(cls.dir, "zones_%s.gpkg" % tag), epsg,
                        [(z, {"XZQDM": zid}) for zid, z in zones], fields=[("XZQDM", rc.ogr.OFTString)])
        if mask is not None:
            rc.write_vector(os.path.join(cls.dir, "mask_%s.gpkg" % tag), epsg, [(mask, {})])

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    # ---- the reference ---------------------------------------------------------------------

    def units(self, district, zones, layer_crs, raster_crs):
        """[(id, lon/lat geometry for the denominator, geometry in the raster CRS for fractions)]:
        the district and each zone clipped to it. Clipping is done in lon/lat, as redline does."""
        working = rc.geographic_crs_of(layer_crs)
        d_ll = rc.to_lonlat(district, layer_crs, working)
        out = [("district", d_ll)]
        for zid, z in zones:
            out.append((zid, rc.to_lonlat(z, layer_crs, working).intersection(d_ll)))
        result = []
        for uid, g_ll in out:
            if rc.pyproj.CRS.from_user_input(layer_crs) == rc.pyproj.CRS.from_user_input(raster_crs):
                # Same CRS: the drawn geometry itself (for projected layers, redline's round trip
                # through lon/lat only adds points on the drawn edges).
                g_r = district if uid == "district" else dict(zones)[uid].intersection(district)
            else:
                g_r = rc.project(g_ll, working, raster_crs)
            result.append((uid, g_ll, g_r))
        return result, rc.ellipsoid_of_crs(working)

    def reference(self, values, gt, raster_crs, district, zones, layer_crs, mask=None, masked_class=None,
                  full_classes=(10,)):
        units, ellipsoid = self.units(district, zones, layer_crs, raster_crs)
        if rc.pyproj.CRS.from_user_input(raster_crs).is_geographic:
            cell_area = rc.geographic_cell_areas(gt, ROWS, COLS, rc.ellipsoid_of_crs(raster_crs))
        else:
            cell_area = rc.projected_cell_areas(gt, ROWS, COLS, raster_crs)
        if mask is not None:
            working = rc.geographic_crs_of(layer_crs)
            mask_ll = rc.to_lonlat(mask, layer_crs, working)
        ref = {}
        for uid, g_ll, g_r in units:
            frac = rc.fractions_bruteforce(g_r, gt, ROWS, COLS)
            area = geod_area(g_ll, ellipsoid)
            w = frac * cell_area
            forest = float(w[np.isin(values, full_classes)].sum())
            r = {"area": area, "nodata": float(w[values == NODATA].sum()), "frac": frac}
            if mask is not None:
                if rc.pyproj.CRS.from_user_input(layer_crs) == rc.pyproj.CRS.from_user_input(raster_crs):
                    m_r = g_r.intersection(mask)
                else:
                    m_r = rc.project(g_ll.intersection(mask_ll), working, raster_crs)
                wm = rc.fractions_bruteforce(m_r, gt, ROWS, COLS) * cell_area
                counted = float(wm[values == masked_class].sum())
                r["shrub_counted"] = counted
                r["shrub_excluded"] = float(w[values == masked_class].sum()) - counted
                forest += counted
            r["forest"] = forest
            r["share"] = 100.0 * forest / area
            for cls_ in (10, 20, 30, 40):
                r["class_%d" % cls_] = float(w[values == cls_].sum())
            ref[uid] = r
        return ref

    # ---- comparison --------------------------------------------------------------------------

    def compare(self, case, run, ref, shrub=False):
        r = run.report
        got = {"district": r["district"]}
        for z in r["zones"]:
            got[z["id"]] = z
        self.assertEqual(sorted(got), sorted(ref), case + ": units")
        for uid, e in ref.items():
            u = got[uid]
            f = u["forest"]
            self.assert_rel(u["area_m2"], e["area"], 1e-6, case, "%s area_m2" % uid)
            self.assert_abs(f["area_m2"], e["forest"], AREA_REL * e["area"], case,
                            "%s forest.area_m2" % uid, scale=e["area"])
            self.assert_pp(f["share_pct"], e["share"], SHARE_PP, case, "%s forest.share_pct" % uid)
            self.assert_abs(f["nodata_m2"], e["nodata"], AREA_REL * e["area"], case,
                            "%s forest.nodata_m2" % uid, scale=e["area"])
            self.assertAlmostEqual(f["outside_data_m2"], 0.0, delta=1e-6 * e["area"])
            classes = {c["code"]: c["area_m2"] for c in f.get("classes", [])}
            for cls_ in (10, 20, 30, 40):
                self.assert_abs(classes.get(str(cls_), 0.0), e["class_%d" % cls_], AREA_REL * e["area"], case,
                            "%s class %d area" % (uid, cls_), scale=e["area"])
            if shrub:
                self.assert_abs(f["shrub_counted_m2"], e["shrub_counted"], AREA_REL * e["area"], case,
                            "%s shrub_counted_m2" % uid, scale=e["area"])
                self.assert_abs(f["shrub_excluded_m2"], e["shrub_excluded"], AREA_REL * e["area"], case,
                            "%s shrub_excluded_m2" % uid, scale=e["area"])

    def run_case(self, tag, raster, extra=()):
        args = ["--boundary", "district_%s.gpkg" % tag, "--zones", "zones_%s.gpkg" % tag, "--zone-id", "XZQDM",
                "--landcover", raster] + list(extra)
        return rc.run_redline(args, self.dir, json_name="%s_%s.json" % (tag, os.path.basename(raster)))

    # ---- tests -------------------------------------------------------------------------------

    def test_7_quadtree_reference_matches_bruteforce(self):
        """The fast reference used on the São Miguel data equals the cell-by-cell one."""
        for g, gt in ((self.d_deg, GT_DEG), (self.d_utm, GT_UTM), (self.z_utm[0][1].intersection(self.d_utm), GT_UTM)):
            a = rc.fractions_bruteforce(g, gt, ROWS, COLS)
            b = rc.fractions_quadtree(g, gt, ROWS, COLS)
            self.assertLess(float(np.abs(a - b).max()), 1e-9)
            self.assertGreater(int(((a > 0) & (a < 1)).sum()), 20)  # many partial cells

    def test_7a_degrees(self):
        ref = self.reference(self.values_deg, GT_DEG, "EPSG:4326", self.d_deg, self.z_deg, "EPSG:4326")
        self.assertGreater(ref["district"]["nodata"], 0)
        # The case can tell exact fractions from counting cells by their centres: that shortcut
        # would move some unit's share by far more than the tolerance.
        from shapely.geometry import Point
        cell_area = rc.geographic_cell_areas(GT_DEG, ROWS, COLS, rc.WGS84)
        worst = 0.0
        for uid, g_ll, _ in self.units(self.d_deg, self.z_deg, "EPSG:4326", "EPSG:4326")[0]:
            centre = np.array([[1.0 if g_ll.contains(Point(GT_DEG[0] + (c + 0.5) * GT_DEG[1],
                                                            GT_DEG[3] + (r + 0.5) * GT_DEG[5])) else 0.0
                                for c in range(COLS)] for r in range(ROWS)])
            share_centre = 100 * float((centre * cell_area)[self.values_deg == 10].sum()) / ref[uid]["area"]
            worst = max(worst, abs(share_centre - ref[uid]["share"]))
        self.assertGreater(worst, 10 * SHARE_PP)
        run = self.run_case("deg", "lc_deg.tif", ["--forest-classes", "10"])
        self.compare("7a raster EPSG:4326, layers EPSG:4326", run, ref)

    def test_7b_utm(self):
        ref = self.reference(self.values_utm, GT_UTM, "EPSG:32649", self.d_utm, self.z_utm, "EPSG:32649")
        run = self.run_case("utm", "lc_utm.tif", ["--forest-classes", "10"])
        self.compare("7b raster EPSG:32649, layers EPSG:32649", run, ref)

    def test_7c_utm_raster_cgcs2000_layers(self):
        ref = self.reference(self.values_utm, GT_UTM, "EPSG:32649", self.d_cgcs, self.z_cgcs, "EPSG:4490")
        run = self.run_case("cgcs", "lc_utm.tif", ["--forest-classes", "10"])
        self.compare("7c raster EPSG:32649, layers EPSG:4490", run, ref)

    def test_7d_shrub_mask_degrees(self):
        ref = self.reference(self.values_deg, GT_DEG, "EPSG:4326", self.d_deg, self.z_deg, "EPSG:4326",
                             mask=self.m_deg, masked_class=20)
        self.assertGreater(ref["district"]["shrub_counted"], 0)
        self.assertGreater(ref["district"]["shrub_excluded"], 0)
        run = self.run_case("deg", "lc_deg.tif", ["--landcover-table", "esa_worldcover", "--forest-classes", "10,20",
                                                  "--shrub-mask", "mask_deg.gpkg"])
        self.compare("7d shrub mask, EPSG:4326", run, ref, shrub=True)

    def test_7d_shrub_mask_utm(self):
        ref = self.reference(self.values_utm, GT_UTM, "EPSG:32649", self.d_utm, self.z_utm, "EPSG:32649",
                             mask=self.m_utm, masked_class=20)
        run = self.run_case("utm", "lc_utm.tif", ["--landcover-table", "esa_worldcover", "--forest-classes", "10,20",
                                                  "--shrub-mask", "mask_utm.gpkg"])
        self.compare("7d shrub mask, EPSG:32649", run, ref, shrub=True)



# ---------------------------------------------------------------------------------------------
# 7e. a raster that is forest everywhere: every unit is 100 % forest, whatever its shape
# ---------------------------------------------------------------------------------------------

TRIANGLE = [(108.5, 29.0), (109.0, 29.0), (108.75, 29.45)]  # a 48 km east-west edge


class AllForest(rc.RedlineTestCase):
    """The closed-form answer needs no reference at all: forest everywhere = 100 %.

    With the district's edges split every 0.001° this holds. With the bare triangle (3 vertices,
    geodesic edges by redline's own definition) redline gives 99.905 %: the vector area follows the
    geodesics, but the raster pass sees straight lines in lon/lat (the polygon goes to the raster's
    CRS vertex by vertex, segmentized along straight lon/lat lines), and the southern edge's
    geodesic bulges ~25 m north of the straight line over 48 km (1.15 km², 0.095 %).
    redline densifies lon/lat inputs along their geodesics on reading (geodesic_densify.h), so the
    raster pass follows the edges the areas measure; this case guards that."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="redline_it_allforest_")
        cls.dir = cls.tmp.name
        tri = Polygon(TRIANGLE)
        rc.write_vector(os.path.join(cls.dir, "tri.gpkg"), 4490, [(tri, {})])
        rc.write_vector(os.path.join(cls.dir, "tri_dense.gpkg"), 4490, [(rc.densify_lonlat(tri, 0.001), {})])
        rc.write_vector(os.path.join(cls.dir, "tri_utm.gpkg"), 32649, [(rc.project(tri, 4490, 32649), {})])
        forest = np.full((80, 100), 10, dtype=np.uint8)
        rc.write_raster(os.path.join(cls.dir, "all_deg.tif"), 4490, (108.45, 0.0071, 0.0, 29.5, 0.0, -0.0071),
                        forest, nodata=NODATA)
        rc.write_raster(os.path.join(cls.dir, "all_utm.tif"), 32649, (230000.0, 1000.0, 0.0, 3270000.0, 0.0, -1000.0),
                        forest, nodata=NODATA)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def check(self, boundary, raster):
        run = rc.run_redline(["--boundary", boundary, "--landcover", raster, "--forest-classes", "10"], self.dir,
                             json_name="%s_%s.json" % (boundary, raster))
        f = run.report["district"]["forest"]
        case = "7e all forest: %s on %s" % (boundary, raster)
        self.assertAlmostEqual(f["outside_data_m2"], 0.0, delta=1.0)
        self.assert_pp(f["share_pct"], 100.0, SHARE_PP, case, "district.forest.share_pct")

    def test_7e_dense_edges(self):
        for raster in ("all_deg.tif", "all_utm.tif"):
            with self.subTest(raster=raster):
                self.check("tri_dense.gpkg", raster)

    def test_7e_projected_long_edges(self):
        for raster in ("all_deg.tif", "all_utm.tif"):
            with self.subTest(raster=raster):
                self.check("tri_utm.gpkg", raster)
    def test_7e_geographic_long_edges_degree_raster(self):
        self.check("tri.gpkg", "all_deg.tif")
    def test_7e_geographic_long_edges_utm_raster(self):
        self.check("tri.gpkg", "all_utm.tif")


if __name__ == "__main__":
    rc.main()
