#!/usr/bin/python3
"""redline coverage: dissolving, clipping, repair and encodings against independent references.

Cases
  4. overlapping red-line polygons (a triple overlap, an exact duplicate) and parts across the
     district's edge: red line inside = area(union ∩ district), overlap = Σparts − area(union),
     outside = area(union − district), pairwise overlaps, per-zone red line. The reference is the
     closed-form quadrangle area over an exact decomposition of the boxes into elementary cells,
     cross-checked with shapely + pyproj;
  5. a bow-tie (self-intersecting) polygon in the protected layer: one repair reported, and the
     repaired area equals the area of its two triangles, built by hand;
  6. a Shapefile of zones with Chinese names in GBK: with a .cpg, with only the DBF code-page
     byte, with neither (redline must guess GBK), and a UTF-8 one with neither (must stay UTF-8).

Run: /usr/bin/python3 test_vector_qa.py --redline build/redline [-v] [TestCase.test_x]
"""
import itertools
import os
import tempfile

from shapely.geometry import Polygon
from shapely.ops import unary_union

import refcommon as rc
from refcommon import GRS80_CGCS2000, geod_area, lonlat_box, ogr, quadrangle_area

AREA_REL = 1e-6
SHARE_PP = 0.001

DISTRICT = (108.5, 29.0, 109.0, 29.5)
# Red-line boxes (lon1, lat1, lon2, lat2); every coordinate on the 0.001° lattice of the
# densified box edges, so the dissolved outlines keep vertices on the same lattice.
PARTS = [
    (108.60, 29.10, 108.70, 29.20),  # P1
    (108.65, 29.15, 108.75, 29.25),  # P2 overlaps P1
    (108.68, 29.05, 108.72, 29.30),  # P3 overlaps P1 and P2: a triple overlap
    (108.95, 29.30, 109.05, 29.40),  # P4 across the eastern edge
    (108.45, 29.45, 108.55, 29.55),  # P5 across the north-western corner
    (109.10, 29.10, 109.20, 29.20),  # P6 wholly outside
    (108.65, 29.15, 108.75, 29.25),  # P7 an exact duplicate of P2
]
ZONES = [("Z1", "west", (108.5, 29.0, 108.7, 29.5)), ("Z2", "east", (108.7, 29.0, 109.0, 29.5))]


def qbox(b):
    return quadrangle_area(b[0], b[2], b[1], b[3], GRS80_CGCS2000)


def clip_box(a, b):
    lon1, lat1 = max(a[0], b[0]), max(a[1], b[1])
    lon2, lat2 = min(a[2], b[2]), min(a[3], b[3])
    return (lon1, lat1, lon2, lat2) if lon1 < lon2 and lat1 < lat2 else None


def union_area(boxes, clip=None, outside=None):
    """Closed-form area of a union of lon/lat boxes: split the plane at every box edge into
    elementary quadrangles; sum those covered by a box (and inside @p clip / outside @p outside)."""
    lons = sorted({b[0] for b in boxes} | {b[2] for b in boxes})
    lats = sorted({b[1] for b in boxes} | {b[3] for b in boxes})
    for extra in (clip, outside):
        if extra:
            lons = sorted(set(lons) | {extra[0], extra[2]})
            lats = sorted(set(lats) | {extra[1], extra[3]})
    total = 0.0
    for (x1, x2), (y1, y2) in itertools.product(zip(lons, lons[1:]), zip(lats, lats[1:])):
        cx, cy = (x1 + x2) / 2, (y1 + y2) / 2
        if not any(b[0] < cx < b[2] and b[1] < cy < b[3] for b in boxes):
            continue
        if clip and not (clip[0] < cx < clip[2] and clip[1] < cy < clip[3]):
            continue
        if outside and (outside[0] < cx < outside[2] and outside[1] < cy < outside[3]):
            continue
        total += quadrangle_area(x1, x2, y1, y2, GRS80_CGCS2000)
    return total


class Dissolve(rc.RedlineTestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="redline_it_qa_")
        cls.dir = cls.tmp.name
        rc.write_vector(os.path.join(cls.dir, "district.gpkg"), 4490, [(lonlat_box(*DISTRICT), {})])
        rc.write_vector(os.path.join(cls.dir, "redline.gpkg"), 4490,
                        [(lonlat_box(*b), {"HXBH": "P%d" % (i + 1)}) for i, b in enumerate(PARTS)],
                        fields=[("HXBH", ogr.OFTString)])
        rc.write_vector(os.path.join(cls.dir, "zones.gpkg"), 4490,
                        [(lonlat_box(*b), {"XZQDM": zid, "XZQMC": name}) for zid, name, b in ZONES],
                        fields=[("XZQDM", ogr.OFTString), ("XZQMC", ogr.OFTString)])

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_4_reference_is_sound(self):
        """The closed-form decomposition and shapely + pyproj agree on the dissolved figures."""
        polys = [lonlat_box(*b) for b in PARTS]
        d = lonlat_box(*DISTRICT)
        u = unary_union(polys)
        case = "4 closed form vs shapely+pyproj"
        self.assert_rel(geod_area(u, GRS80_CGCS2000), union_area(PARTS), 1e-9, case, "union")
        self.assert_rel(geod_area(u.intersection(d), GRS80_CGCS2000), union_area(PARTS, clip=DISTRICT), 1e-9,
                        case, "union ∩ district")
        self.assert_rel(geod_area(u.difference(d), GRS80_CGCS2000), union_area(PARTS, outside=DISTRICT), 1e-9,
                        case, "union − district")

    def test_4_overlaps_and_outside(self):
        run = rc.run_redline(["--boundary", "district.gpkg", "--redline", "redline.gpkg", "--redline-id", "HXBH",
                              "--zones", "zones.gpkg", "--zone-id", "XZQDM"], self.dir)
        r = run.report
        case = "4 overlaps/outside (EPSG:4490 boxes)"
        district = qbox(DISTRICT)
        parts_sum = sum(qbox(b) for b in PARTS)
        union = union_area(PARTS)
        inside = union_area(PARTS, clip=DISTRICT)
        outside = union_area(PARTS, outside=DISTRICT)
        self.assert_rel(r["district"]["area_m2"], district, AREA_REL, case, "district.area_m2")
        self.assert_rel(r["district"]["redline"]["area_m2"], inside, AREA_REL, case, "district.redline.area_m2")
        self.assert_pp(r["district"]["redline"]["share_pct"], 100 * inside / district, SHARE_PP, case,
                       "district.redline.share_pct")
        qa = r["qa"]
        self.assert_rel(qa["redline_sum_of_parts_m2"], parts_sum, AREA_REL, case, "qa.redline_sum_of_parts_m2")
        self.assert_rel(qa["redline_dissolved_m2"], union, AREA_REL, case, "qa.redline_dissolved_m2")
        self.assert_rel(qa["redline_overlap_m2"], parts_sum - union, 1e-5, case, "qa.redline_overlap_m2")
        self.assertLessEqual(abs(qa["redline_overlap_m2"] - (parts_sum - union)), AREA_REL * parts_sum)
        self.assert_rel(qa["redline_outside_m2"], outside, AREA_REL, case, "qa.redline_outside_m2")
        layer = qa["layers"]["redline"]
        self.assertEqual(layer["features"], len(PARTS))
        self.assertEqual(layer["invalid_repaired"], 0)
        self.assert_rel(layer["inside_m2"], inside, AREA_REL, case, "qa.layers.redline.inside_m2")

        # Every pair of boxes sharing area, with the area they share (GPKG FIDs start at 1).
        expected_pairs = {}
        for i, j in itertools.combinations(range(len(PARTS)), 2):
            c = clip_box(PARTS[i], PARTS[j])
            if c:
                expected_pairs[(i + 1, j + 1)] = qbox(c)
        got_pairs = {}
        for o in layer["overlaps"]:
            key = tuple(sorted((o["fid_a"], o["fid_b"])))
            got_pairs[key] = o["area_m2"]
        self.assertEqual(sorted(got_pairs), sorted(expected_pairs), "pairs of overlapping red-line features")
        for key, area in expected_pairs.items():
            self.assert_rel(got_pairs[key], area, AREA_REL, case, "overlap pair %s" % (key,))

        # Per zone: the dissolved red line inside each zone.
        zones = {z["id"]: z for z in r["zones"]}
        self.assertEqual(sorted(zones), [z[0] for z in ZONES])
        for zid, _, zb in ZONES:
            za = qbox(zb)
            zi = union_area(PARTS, clip=zb)
            self.assert_rel(zones[zid]["area_m2"], za, AREA_REL, case, "zone %s area_m2" % zid)
            self.assert_rel(zones[zid]["redline"]["area_m2"], zi, AREA_REL, case, "zone %s redline.area_m2" % zid)
            self.assert_pp(zones[zid]["redline"]["share_pct"], 100 * zi / za, SHARE_PP, case,
                           "zone %s redline.share_pct" % zid)


# ---------------------------------------------------------------------------------------------
# 5. a bow-tie repaired
# ---------------------------------------------------------------------------------------------

A, B, C, D = (108.6, 29.1), (108.8, 29.3), (108.8, 29.1), (108.6, 29.3)


def _geodesic_crossing():
    """Where the geodesics A-B and C-D cross. The two are mirror images about the meridian 108.7°,
    so they cross on it: walk along A-B (pyproj, GRS 80/CGCS2000) until the longitude is 108.7°.
    Edges are geodesics in redline (and GeographicLib), so this, not the crossing of straight
    lon/lat lines (108.7, 29.2), is where the ring really crosses itself."""
    from pyproj import Geod
    g = Geod(a=6378137.0, f=1 / 298.257222101)
    az, _, dist = g.inv(A[0], A[1], B[0], B[1])
    lo, hi = 0.0, dist
    for _ in range(100):
        mid = 0.5 * (lo + hi)
        lon, lat, _ = g.fwd(A[0], A[1], az, mid)
        lo, hi = (mid, hi) if lon < 108.7 else (lo, mid)
    lon, lat, _ = g.fwd(A[0], A[1], az, 0.5 * (lo + hi))
    return (108.7, lat)


X = _geodesic_crossing()
VALID_BOX = (108.52, 29.02, 108.56, 29.06)


class BowTie(rc.RedlineTestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="redline_it_bowtie_")
        cls.dir = cls.tmp.name
        rc.write_vector(os.path.join(cls.dir, "district.gpkg"), 4490, [(lonlat_box(*DISTRICT), {})])
        # The bow-tie as GeoJSON text: OGR would not touch it anyway, but this way nothing can.
        bowtie = {"type": "Polygon", "coordinates": [[list(A), list(B), list(C), list(D), list(A)]]}
        valid = {"type": "Polygon", "coordinates": [[list(c) for c in lonlat_box(*VALID_BOX).exterior.coords]]}
        rc.write_geojson_text(os.path.join(cls.dir, "protected.geojson"), 4490,
                              [(valid, {"BHDBM": "OK1"}), (bowtie, {"BHDBM": "BOWTIE"})])

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_5_bowtie_repaired_to_two_triangles(self):
        # The repair the issue asks for keeps both lobes: triangles A-X-D and X-B-C, geodesic edges.
        # (shapely's buffer(0) would drop one lobe, so the expected geometry is built by hand.)
        west = Polygon([A, X, D, A])
        east = Polygon([X, B, C, X])
        lobes = geod_area(west, GRS80_CGCS2000) + geod_area(east, GRS80_CGCS2000)
        valid = quadrangle_area(VALID_BOX[0], VALID_BOX[2], VALID_BOX[1], VALID_BOX[3], GRS80_CGCS2000)
        district = qbox(DISTRICT)

        run = rc.run_redline(["--boundary", "district.gpkg", "--protected", "protected.geojson",
                              "--protected-id", "BHDBM"], self.dir)
        r = run.report
        case = "5 bow-tie repair"
        self.assertEqual(r["qa"]["invalid_repaired"], 1, run.describe())
        layer = r["qa"]["layers"]["protected"]
        self.assertEqual(layer["invalid_repaired"], 1)
        self.assertEqual(len(layer["repaired"]), 1)
        rep = layer["repaired"][0]
        self.assertEqual(rep["id"], "BOWTIE")
        self.assert_rel(rep["area_repaired_m2"], lobes, AREA_REL, case, "repaired area = two triangles")
        self.assertEqual(r["qa"]["layers"]["boundary"]["invalid_repaired"], 0)
        self.assert_rel(r["district"]["protected"]["area_m2"], lobes + valid, AREA_REL, case,
                        "district.protected.area_m2")
        self.assert_pp(r["district"]["protected"]["share_pct"], 100 * (lobes + valid) / district, SHARE_PP, case,
                       "district.protected.share_pct")
        self.assertTrue(any("repaired" in w for w in r["qa"]["warnings"]), "no warning about the repair")


# ---------------------------------------------------------------------------------------------
# 6. GBK Shapefiles
# ---------------------------------------------------------------------------------------------

# 喆 is in GBK but not in GB2312; 濯 and 鹅 are rare in GB2312's second level.
GBK_ZONES = [("500114107", "濯水镇", (108.5, 29.0, 108.7, 29.5)),
             ("500114108", "鹅池镇·喆", (108.7, 29.0, 108.85, 29.5)),
             ("500114006", "冯家街道", (108.85, 29.0, 109.0, 29.5))]


class GbkShapefile(rc.RedlineTestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="redline_it_gbk_")
        cls.dir = cls.tmp.name
        rc.write_vector(os.path.join(cls.dir, "district.gpkg"), 4490, [(lonlat_box(*DISTRICT), {})])

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def write_zones(self, name, encoding, keep_cpg, ldid=None):
        path = os.path.join(self.dir, name + ".shp")
        rc.write_vector(path, 4490,
                        [(lonlat_box(*b), {"XZQDM": code, "XZQMC": n}) for code, n, b in GBK_ZONES],
                        fields=[("XZQDM", ogr.OFTString), ("XZQMC", ogr.OFTString)],
                        layer_options=["ENCODING=%s" % encoding])
        dbf = os.path.join(self.dir, name + ".dbf")
        with open(dbf, "rb") as f:
            raw = f.read()
        # The fixture is what it claims to be: names stored in the code page's bytes.
        py_codec = {"CP936": "gbk", "UTF-8": "utf-8"}[encoding]
        for _, n, _ in GBK_ZONES:
            self.assertIn(n.encode(py_codec), raw, "fixture: %r not written as %s" % (n, encoding))
        if encoding == "CP936":
            self.assertNotIn(GBK_ZONES[0][1].encode("utf-8"), raw)
        if ldid is not None:
            with open(dbf, "r+b") as f:
                f.seek(29)
                f.write(bytes([ldid]))
        cpg = os.path.join(self.dir, name + ".cpg")
        if not keep_cpg and os.path.exists(cpg):
            os.remove(cpg)
        return name + ".shp"

    def check_names(self, shp, case, extra_args=()):
        run = rc.run_redline(["--boundary", "district.gpkg", "--zones", shp, "--zone-id", "XZQDM",
                              "--zone-name", "XZQMC"] + list(extra_args), self.dir, json_name=case + ".json")
        got = {z["id"]: z["name"] for z in run.report["zones"]}
        want = {code: n for code, n, _ in GBK_ZONES}
        self.assertEqual(got, want, "%s: zone names\n%s" % (case, run.describe()))
        for z in run.report["zones"]:
            b = [g[2] for g in GBK_ZONES if g[0] == z["id"]][0]
            self.assert_rel(z["area_m2"], qbox(b), AREA_REL, "6 GBK shapefile " + case, "zone %s area_m2" % z["id"])
        return run

    # Regression guard: a Shapefile that declares its code page (.cpg, or the DBF language-driver
    # byte) must be decoded as declared. redline once passed ENCODING="" to GDAL for such files,
    # which means "do not recode", and the GBK names came out as mojibake.

    def test_6_gbk_without_cpg(self):
        """No .cpg and no code-page byte in the DBF: redline has to recognise GBK by itself."""
        run = self.check_names(self.write_zones("gbk_bare", "CP936", keep_cpg=False, ldid=0), "without_cpg")
        warnings = " ".join(run.report["qa"].get("warnings", []))
        self.assertTrue("GBK" in warnings or "CP936" in warnings,
                        "no warning that the encoding was guessed:\n" + run.describe())
    def test_6_gbk_without_cpg_with_ldid(self):
        """No .cpg, but the DBF's language-driver byte says 0x4D (code page 936)."""
        self.check_names(self.write_zones("gbk_ldid", "CP936", keep_cpg=False, ldid=0x4D), "without_cpg_ldid_936")

    def test_6_gbk_without_cpg_explicit_encoding(self):
        self.check_names(self.write_zones("gbk_opt", "CP936", keep_cpg=False, ldid=0), "encoding_option",
                         extra_args=["--encoding", "GBK"])

    def test_6_utf8_without_cpg_stays_utf8(self):
        self.check_names(self.write_zones("utf8_bare", "UTF-8", keep_cpg=False, ldid=0), "utf8_without_cpg")


if __name__ == "__main__":
    rc.main()
