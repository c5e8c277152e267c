#!/usr/bin/python3
"""redline coverage: vector areas and shares against closed forms and pyproj.

Cases
  1. closed forms: a lon/lat box district and a red-line box inside it (EPSG:4490) against the
     closed-form ellipsoidal quadrangle area Δλ·(F(φ2) − F(φ1)) on the CGCS2000 ellipsoid;
  2. the same district and red line written in EPSG:4490, 4545, 4326, 32649 and 3857 give the same
     figures, each equal to the pyproj reference (edges of projected layers split to 100 m);
     Web Mercator inputs raise a warning;
  3. polygons with holes, rings written in every orientation: area = shell − hole;
  9. --target just below / above the share, --verify with the share rounded to 2 decimals.

Run: /usr/bin/python3 test_vector_areas.py --redline build/redline [-v] [TestCase.test_x]
"""
import os
import tempfile

from shapely.geometry import Polygon
from shapely.ops import unary_union

import refcommon as rc
from refcommon import GRS80_CGCS2000, geod_area, lonlat_box, quadrangle_area

AREA_REL = 1e-6      # vector areas (the criterion is 1e-5; we hold redline to 1e-6)
SHARE_PP = 0.001     # vector shares, percentage points

# Case 1 geometry: whole-degree fractions, so the closed form applies exactly.
DISTRICT_BOX = (108.5, 29.0, 109.0, 29.5)
REDLINE_BOX = (108.6, 29.1, 108.8, 29.3)


def qbox(b, ellipsoid=GRS80_CGCS2000):
    lon1, lat1, lon2, lat2 = b
    return quadrangle_area(lon1, lon2, lat1, lat2, ellipsoid)


class ClosedForms(rc.RedlineTestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="redline_it_vec_")
        cls.dir = cls.tmp.name
        rc.write_vector(os.path.join(cls.dir, "district.gpkg"), 4490,
                        [(lonlat_box(*DISTRICT_BOX), {"XZQDM": "500000", "XZQMC": "box"})],
                        fields=[("XZQDM", rc.ogr.OFTString), ("XZQMC", rc.ogr.OFTString)])
        rc.write_vector(os.path.join(cls.dir, "redline.gpkg"), 4490, [(lonlat_box(*REDLINE_BOX), {})])
        cls.district_m2 = qbox(DISTRICT_BOX)
        cls.redline_m2 = qbox(REDLINE_BOX)
        cls.share = 100.0 * cls.redline_m2 / cls.district_m2

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def base_args(self):
        return ["--boundary", "district.gpkg", "--redline", "redline.gpkg"]

    def test_1_reference_is_sound(self):
        """The densified box's geodesic area equals the closed form: the two references agree."""
        g = geod_area(lonlat_box(*DISTRICT_BOX), GRS80_CGCS2000)
        self.assert_rel(g, self.district_m2, 1e-9, "1 closed form vs pyproj", "district box")

    def test_1_closed_form_district_and_redline(self):
        run = rc.run_redline(self.base_args(), self.dir)
        d = run.report["district"]
        case = "1 closed-form boxes (EPSG:4490)"
        self.assertIn("CGCS2000", run.report["ellipsoid"]["name"])
        self.assertAlmostEqual(run.report["ellipsoid"]["inverse_flattening"], 298.257222101, places=9)
        self.assert_rel(d["area_m2"], self.district_m2, AREA_REL, case, "district.area_m2")
        self.assert_rel(d["redline"]["area_m2"], self.redline_m2, AREA_REL, case, "district.redline.area_m2")
        self.assert_pp(d["redline"]["share_pct"], self.share, SHARE_PP, case, "district.redline.share_pct")
        self.assertAlmostEqual(run.report["qa"]["redline_outside_m2"], 0.0, delta=1e-6 * self.redline_m2)
        self.assertAlmostEqual(run.report["qa"]["redline_overlap_m2"], 0.0, delta=1e-6 * self.redline_m2)

    # ---- 9. targets and exit status ----------------------------------------------------------

    def test_9_target_just_below_passes(self):
        x = self.share - 0.002
        run = rc.run_redline(self.base_args() + ["--target", "redline=%.4f" % x], self.dir)
        self.assertEqual(run.returncode, 0, "share %.6f %% >= target %.4f: expected exit 0\n%s"
                         % (self.share, x, run.describe()))
        self.assertEqual(run.report["district"]["status"], "pass")

    def test_9_target_just_above_fails(self):
        x = self.share + 0.002
        run = rc.run_redline(self.base_args() + ["--target", "redline=%.4f" % x], self.dir)
        self.assertEqual(run.returncode, 1, "share %.6f %% < target %.4f: expected exit 1\n%s"
                         % (self.share, x, run.describe()))
        self.assertEqual(run.report["district"]["status"], "fail")

    def test_9_verify_rounded_share_passes(self):
        published = round(self.share, 2)
        # The case is built so that the rounding is not a near tie (16.0077 -> 16.01).
        self.assertLess(abs(published - self.share), 0.004)
        run = rc.run_redline(self.base_args() + ["--verify", "redline=%.2f" % published], self.dir)
        self.assertEqual(run.returncode, 0, "published %.2f %% for a share of %.6f %%: expected exit 0\n%s"
                         % (published, self.share, run.describe()))

    def test_9_verify_wrong_figure_fails(self):
        wrong = round(self.share, 2) + 0.05
        run = rc.run_redline(self.base_args() + ["--verify", "redline=%.2f" % wrong], self.dir)
        self.assertEqual(run.returncode, 1, "published %.2f %% for a share of %.6f %%: expected exit 1\n%s"
                         % (wrong, self.share, run.describe()))

    def test_9_both_targets_one_missing_fails(self):
        run = rc.run_redline(self.base_args() + ["--target", "redline=%.4f" % (self.share - 0.002),
                                                 "--target", "redline=%.4f" % (self.share + 0.002)], self.dir)
        self.assertEqual(run.returncode, 1, run.describe())


# ---------------------------------------------------------------------------------------------
# 2. the same layers in different CRSs
# ---------------------------------------------------------------------------------------------

CRSS = [4490, 4545, 4326, 32649, 3857]


def district_lonlat():
    """An irregular heptagon around Qianjiang, edges split every 0.001° in lon/lat (so straight
    lines in any of the CRSs and geodesics differ by nothing measurable)."""
    shell = [(108.52, 29.04), (108.83, 29.01), (108.97, 29.18), (108.93, 29.41), (108.74, 29.49),
             (108.55, 29.43), (108.49, 29.22), (108.52, 29.04)]
    return rc.densify_lonlat(Polygon(shell), 0.001)


def redline_lonlat():
    """Three red-line polygons: one inside with a hole, one crossing the district's eastern edge,
    one overlapping the first."""
    a = Polygon([(108.60, 29.10), (108.75, 29.12), (108.72, 29.30), (108.58, 29.26), (108.60, 29.10)],
                [[(108.64, 29.15), (108.69, 29.16), (108.67, 29.22), (108.64, 29.15)]])
    b = Polygon([(108.88, 29.20), (109.05, 29.22), (109.02, 29.35), (108.86, 29.33), (108.88, 29.20)])
    c = Polygon([(108.70, 29.25), (108.80, 29.26), (108.79, 29.38), (108.69, 29.36), (108.70, 29.25)])
    return [rc.densify_lonlat(g, 0.001) for g in (a, b, c)]


class CrsVariants(rc.RedlineTestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="redline_it_crs_")
        cls.dir = cls.tmp.name
        cls.geoms = {}
        d0 = district_lonlat()
        r0 = redline_lonlat()
        for epsg in CRSS:
            d = rc.project(d0, 4490, epsg) if epsg != 4490 else d0
            rl = [rc.project(g, 4490, epsg) if epsg != 4490 else g for g in r0]
            rc.write_vector(os.path.join(cls.dir, "district_%d.gpkg" % epsg), epsg, [(d, {})])
            rc.write_vector(os.path.join(cls.dir, "redline_%d.gpkg" % epsg), epsg, [(g, {}) for g in rl])
            cls.geoms[epsg] = (d, rl)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def reference(self, boundary_epsg, redline_epsg):
        """District area, red line inside the district, share: the layers as written, projected ones
        split to 100 m, transformed to the boundary's lon/lat, dissolved and clipped there."""
        working = rc.geographic_crs_of("EPSG:%d" % boundary_epsg)
        ellipsoid = rc.ellipsoid_of_crs(working)
        d = rc.to_lonlat(self.geoms[boundary_epsg][0], "EPSG:%d" % boundary_epsg, working)
        parts = [rc.to_lonlat(g, "EPSG:%d" % redline_epsg, working) for g in self.geoms[redline_epsg][1]]
        union = unary_union(parts)
        inside = union.intersection(d)
        da = geod_area(d, ellipsoid)
        ia = geod_area(inside, ellipsoid)
        return da, ia, 100.0 * ia / da

    def check(self, boundary_epsg, redline_epsg):
        run = rc.run_redline(["--boundary", "district_%d.gpkg" % boundary_epsg,
                              "--redline", "redline_%d.gpkg" % redline_epsg], self.dir,
                             json_name="r_%d_%d.json" % (boundary_epsg, redline_epsg))
        da, ia, share = self.reference(boundary_epsg, redline_epsg)
        d = run.report["district"]
        case = "2 CRS boundary %d / red line %d" % (boundary_epsg, redline_epsg)
        self.assert_rel(d["area_m2"], da, AREA_REL, case, "district.area_m2")
        self.assert_rel(d["redline"]["area_m2"], ia, AREA_REL, case, "district.redline.area_m2")
        self.assert_pp(d["redline"]["share_pct"], share, SHARE_PP, case, "district.redline.share_pct")
        warnings = " ".join(run.report["qa"].get("warnings", []))
        if 3857 in (boundary_epsg, redline_epsg):
            self.assertIn("Web Mercator", warnings, "no Web Mercator warning in qa.warnings\n" + run.describe())
        else:
            self.assertNotIn("Web Mercator", warnings)
        return d

    def test_2_same_crs_each(self):
        figures = {}
        for epsg in CRSS:
            with self.subTest(crs=epsg):
                figures[epsg] = self.check(epsg, epsg)
        # Across CRSs: the same place, the same figures (WGS 84 vs CGCS2000 ellipsoids differ by
        # ~1e-11 in area, far below the tolerance).
        base = figures.get(4490)
        if base:
            for epsg, d in figures.items():
                case = "2 CRS %d vs 4490" % epsg
                self.assert_rel(d["area_m2"], base["area_m2"], AREA_REL, case, "district.area_m2")
                self.assert_rel(d["redline"]["area_m2"], base["redline"]["area_m2"], AREA_REL, case,
                                "district.redline.area_m2")
                self.assert_pp(d["redline"]["share_pct"], base["redline"]["share_pct"], SHARE_PP, case,
                               "district.redline.share_pct")

    def test_2_mixed_with_cgcs2000_boundary(self):
        for epsg in CRSS:
            if epsg == 4490:
                continue
            with self.subTest(redline_crs=epsg):
                self.check(4490, epsg)

    def test_2_mixed_with_projected_boundary(self):
        for epsg in (4490, 3857, 32649):
            with self.subTest(redline_crs=epsg):
                self.check(4545, epsg)

    def test_2_long_projected_edges_are_densified(self):
        """A triangle district with 50-70 km edges and a red-line quadrilateral across one of them,
        drawn in projected CRSs: only splitting the edges to 100 m before going to lon/lat gives the
        reference (without it the area moves by 4e-6 to 4e-5)."""
        origins = {4545: (550000.0, 3230000.0, 1.0), 3857: (12090000.0, 3400000.0, 1.15),
                   32649: (290000.0, 3230000.0, 1.0)}
        for epsg, (x0, y0, k) in origins.items():
            with self.subTest(crs=epsg):
                tri = Polygon([(x0, y0), (x0 + 60000 * k, y0 + 10000 * k), (x0 + 20000 * k, y0 + 55000 * k)])
                quad = Polygon([(x0 + 30000 * k, y0 + 20000 * k), (x0 + 70000 * k, y0 + 25000 * k),
                                (x0 + 65000 * k, y0 + 45000 * k), (x0 + 28000 * k, y0 + 35000 * k)])
                rc.write_vector(os.path.join(self.dir, "tri_%d.gpkg" % epsg), epsg, [(tri, {})])
                rc.write_vector(os.path.join(self.dir, "quad_%d.gpkg" % epsg), epsg, [(quad, {})])
                crs = "EPSG:%d" % epsg
                working = rc.geographic_crs_of(crs)
                e = rc.ellipsoid_of_crs(working)
                d = rc.to_lonlat(tri, crs, working)
                q = rc.to_lonlat(quad, crs, working)
                da = geod_area(d, e)
                ia = geod_area(q.intersection(d), e)
                oa = geod_area(q.difference(d), e)
                # The reference can tell densified from not densified.
                self.assertGreater(abs(geod_area(rc.project(tri, crs, working), e) / da - 1), 3e-6)
                run = rc.run_redline(["--boundary", "tri_%d.gpkg" % epsg, "--redline", "quad_%d.gpkg" % epsg],
                                     self.dir, json_name="tri_%d.json" % epsg)
                r = run.report
                case = "2 long projected edges %d" % epsg
                self.assert_rel(r["district"]["area_m2"], da, AREA_REL, case, "district.area_m2")
                self.assert_rel(r["district"]["redline"]["area_m2"], ia, AREA_REL, case, "district.redline.area_m2")
                self.assert_pp(r["district"]["redline"]["share_pct"], 100 * ia / da, SHARE_PP, case,
                               "district.redline.share_pct")
                self.assert_rel(r["qa"]["redline_outside_m2"], oa, AREA_REL, case, "qa.redline_outside_m2")


# ---------------------------------------------------------------------------------------------
# 3. holes, any ring orientation
# ---------------------------------------------------------------------------------------------

SHELL = (108.5, 29.0, 109.0, 29.5)
HOLE = (108.7, 29.2, 108.8, 29.3)
RL_SHELL = (108.55, 29.05, 108.68, 29.45)
RL_HOLE = (108.6, 29.1, 108.65, 29.2)
RL_STRADDLE = (108.75, 29.25, 108.85, 29.35)  # overlaps the district's hole


def ring(b, ccw):
    coords = list(lonlat_box(*b).exterior.coords)  # counter-clockwise
    return coords if ccw else coords[::-1]


def polygon_json(shell_box, hole_box, shell_ccw, hole_ccw):
    rings = [ring(shell_box, shell_ccw)]
    if hole_box:
        rings.append(ring(hole_box, hole_ccw))
    return {"type": "Polygon", "coordinates": [[list(c) for c in r] for r in rings]}


class Holes(rc.RedlineTestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="redline_it_holes_")
        cls.dir = cls.tmp.name

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_3_holes_every_orientation(self):
        district = qbox(SHELL) - qbox(HOLE)
        straddle_inside = qbox(RL_STRADDLE) - qbox((108.75, 29.25, 108.8, 29.3))
        redline_inside = qbox(RL_SHELL) - qbox(RL_HOLE) + straddle_inside
        share = 100.0 * redline_inside / district
        for shell_ccw in (True, False):
            for hole_ccw in (True, False):
                name = "%s_%s" % ("ccw" if shell_ccw else "cw", "ccw" if hole_ccw else "cw")
                with self.subTest(shell=("ccw" if shell_ccw else "cw"), hole=("ccw" if hole_ccw else "cw")):
                    rc.write_geojson_text(os.path.join(self.dir, "d_%s.geojson" % name), 4490,
                                          [(polygon_json(SHELL, HOLE, shell_ccw, hole_ccw), {"name": "holey"})])
                    rc.write_geojson_text(os.path.join(self.dir, "r_%s.geojson" % name), 4490,
                                          [(polygon_json(RL_SHELL, RL_HOLE, shell_ccw, hole_ccw), {}),
                                           (polygon_json(RL_STRADDLE, None, not shell_ccw, None), {})])
                    run = rc.run_redline(["--boundary", "d_%s.geojson" % name, "--redline", "r_%s.geojson" % name],
                                         self.dir, json_name="%s.json" % name)
                    d = run.report["district"]
                    case = "3 holes shell %s hole %s" % (("ccw" if shell_ccw else "cw"), ("ccw" if hole_ccw else "cw"))
                    self.assert_rel(d["area_m2"], district, AREA_REL, case, "district.area_m2 = shell - hole")
                    self.assert_rel(d["redline"]["area_m2"], redline_inside, AREA_REL, case,
                                    "district.redline.area_m2")
                    self.assert_pp(d["redline"]["share_pct"], share, SHARE_PP, case, "district.redline.share_pct")
                    # The part of the straddling box over the district's hole is outside the district.
                    self.assert_rel(run.report["qa"]["redline_outside_m2"], qbox((108.75, 29.25, 108.8, 29.3)),
                                    AREA_REL, case, "qa.redline_outside_m2 (over the hole)")



# ---------------------------------------------------------------------------------------------
# 2g. geographic layers with long edges: the edges are geodesics everywhere, clipping included
# ---------------------------------------------------------------------------------------------

TRI_A, TRI_B, TRI_APEX = (108.5, 29.0), (109.0, 29.0), (108.75, 29.45)  # A-B is 48 km long


class GeodesicEdges(rc.RedlineTestCase):
    """Zones W (west of 108.75° E) and E split a lon/lat triangle; the red line is zone W.

    Geographic edges are geodesics (redline's definition, and PROJ's). The meridian 108.75° E is a
    geodesic through the apex, and it cuts the southern edge A-B at the geodesic's midpoint P, a
    little north of 29° N; so the exact zones are the geodesic triangles A-P-apex and P-B-apex, and
    they add up to the district.

    With the edges split every 0.001° redline matches. With the bare triangle it does not: GEOS
    clips in lon/lat as if A-B were straight there (P at 29.0° N exactly), so zone W measures
    A-(108.75, 29.0)-apex, whose southern edges bulge north less than A-B does: W + E exceed the
    district by 5.2e-4 (0.63 km²) and zone W's red-line share is off by 0.05 points.
    redline densifies lon/lat inputs along their geodesics before any overlay (as projected inputs
    are densified to 100 m); this case guards that."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="redline_it_geodesic_")
        cls.dir = cls.tmp.name
        tri = Polygon([TRI_A, TRI_B, TRI_APEX])
        rc.write_vector(os.path.join(cls.dir, "tri.gpkg"), 4490, [(tri, {})])
        rc.write_vector(os.path.join(cls.dir, "tri_dense.gpkg"), 4490, [(rc.densify_lonlat(tri, 0.001), {})])
        west = Polygon([(108.4, 28.9), (108.75, 28.9), (108.75, 29.6), (108.4, 29.6)])
        east = Polygon([(108.75, 28.9), (109.1, 28.9), (109.1, 29.6), (108.75, 29.6)])
        rc.write_vector(os.path.join(cls.dir, "halves.gpkg"), 4490, [(west, {"XZQDM": "W"}), (east, {"XZQDM": "E"})],
                        fields=[("XZQDM", rc.ogr.OFTString)])
        rc.write_vector(os.path.join(cls.dir, "west.gpkg"), 4490, [(west, {})])
        geod = rc.geod_of(GRS80_CGCS2000)
        az, _, dist = geod.inv(TRI_A[0], TRI_A[1], TRI_B[0], TRI_B[1])
        lon, lat, _ = geod.fwd(TRI_A[0], TRI_A[1], az, dist / 2)
        cls.P = (108.75, lat)
        assert abs(lon - 108.75) < 1e-9 and lat > 29.0
        cls.exact = {"district": geod_area(tri, GRS80_CGCS2000),
                     "W": geod_area(Polygon([TRI_A, cls.P, TRI_APEX]), GRS80_CGCS2000),
                     "E": geod_area(Polygon([cls.P, TRI_B, TRI_APEX]), GRS80_CGCS2000)}
        dense = rc.densify_lonlat(tri, 0.001)
        cls.dense = {"district": geod_area(dense, GRS80_CGCS2000),
                     "W": geod_area(dense.intersection(west), GRS80_CGCS2000),
                     "E": geod_area(dense.intersection(east), GRS80_CGCS2000)}

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def check(self, boundary, expected, case):
        run = rc.run_redline(["--boundary", boundary, "--zones", "halves.gpkg", "--zone-id", "XZQDM",
                              "--redline", "west.gpkg"], self.dir, json_name=boundary + ".json")
        r = run.report
        self.assertAlmostEqual(expected["W"] + expected["E"], expected["district"], delta=1e-9 * expected["district"])
        self.assert_rel(r["district"]["area_m2"], expected["district"], AREA_REL, case, "district.area_m2")
        zones = {z["id"]: z for z in r["zones"]}
        for zid in ("W", "E"):
            self.assert_rel(zones[zid]["area_m2"], expected[zid], AREA_REL, case, "zone %s area_m2" % zid)
        self.assert_pp(r["district"]["redline"]["share_pct"], 100 * expected["W"] / expected["district"], SHARE_PP,
                       case, "district.redline.share_pct (red line = zone W)")

    def test_2g_dense_edges(self):
        self.check("tri_dense.gpkg", self.dense, "2g zones across a dense lon/lat triangle")
    def test_2g_long_geodesic_edges(self):
        self.check("tri.gpkg", self.exact, "2g zones across a long-edged lon/lat triangle")


if __name__ == "__main__":
    rc.main()
