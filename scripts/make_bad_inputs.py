#!/usr/bin/python3
"""Generate the corpus of bad inputs that tests/badinput/ feeds to redline.

    /usr/bin/python3 scripts/make_bad_inputs.py --out DIR [--sample sample_data]

Every file is made from sample_data/ with GDAL/OGR, or written as raw text, or cut/overwritten
byte by byte from a copy made here; nothing is hand-edited and no binary is committed. The run
is deterministic (fixed seeds, OGR_CURRENT_DATE, DBF dates, GDAL_PAM_ENABLED=NO) and takes a few
seconds. DIR must be new, empty, or a corpus made before (with its MANIFEST.txt), which is
emptied first. DIR/MANIFEST.txt lists each file and what is wrong with it.

Two files get unusual permissions: unreadable.geojson (mode 000) and readonly_dir/ (mode 555).
The root user reads and writes them anyway, so the tests skip the cases that need them when they
run as root. Run `chmod -R u+rwX DIR` before deleting DIR by hand if you are not root.

Needs Debian's python3-gdal, python3-numpy, python3-shapely (1.8 or 2.x) and python3-pyproj:
use /usr/bin/python3.
"""

import argparse
import json
import math
import os
import shutil
import sqlite3
import zipfile

import numpy as np
from osgeo import gdal, ogr, osr
from pyproj import Transformer
from shapely import wkb
from shapely.affinity import translate
from shapely.geometry import LineString, box, mapping
from shapely.ops import unary_union

gdal.UseExceptions()
ogr.UseExceptions()
osr.UseExceptions()

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
FIXED_DATE = "2026-01-01T00:00:00Z"
SEED = 20260606

MANIFEST = []


def note(name, what):
    MANIFEST.append((name, what))


# --------------------------------------------------------------------------------------------
# helpers

def srs_of(epsg):
    s = osr.SpatialReference()
    s.ImportFromEPSG(epsg)
    s.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    return s


def read_layer(path, layer=None):
    """(features as [(shapely geometry, {field: value})], fields [(name, ogr type)], EPSG or SRS)."""
    ds = ogr.Open(path)
    lyr = ds.GetLayerByName(layer) if layer else ds.GetLayer(0)
    defn = lyr.GetLayerDefn()
    fields = [(defn.GetFieldDefn(i).GetName(), defn.GetFieldDefn(i).GetType()) for i in range(defn.GetFieldCount())]
    srs = lyr.GetSpatialRef().Clone()
    srs.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    feats = []
    for f in lyr:
        g = f.GetGeometryRef()
        feats.append((wkb.loads(bytes(g.ExportToIsoWkb())) if g else None,
                      {name: f.GetField(name) for name, _ in fields}))
    return feats, fields, srs


def write_layer(path, layer, feats, fields, srs, driver="GPKG", geom_type=ogr.wkbUnknown, raw_ogr=False, options=None):
    """Writes features with OGR. feats: [(geometry, attrs)], geometry a shapely geometry, an
    ogr.Geometry (raw_ogr, written exactly as built) or None."""
    drv = ogr.GetDriverByName(driver)
    if os.path.exists(path):
        drv.DeleteDataSource(path)
    ds = drv.CreateDataSource(path)
    lyr = ds.CreateLayer(layer, srs, geom_type, options=options or [])
    for name, ftype in fields:
        lyr.CreateField(ogr.FieldDefn(name, ftype))
    for geom, attrs in feats:
        f = ogr.Feature(lyr.GetLayerDefn())
        for k, v in attrs.items():
            if v is not None:
                f.SetField(k, v)
        if geom is not None:
            f.SetGeometryDirectly(geom.Clone() if raw_ogr else ogr.CreateGeometryFromWkb(geom.wkb))
        lyr.CreateFeature(f)
    ds = None
    if driver == "ESRI Shapefile":
        fix_dbf_date(path[:-4] + ".dbf")


def fix_dbf_date(dbf):
    with open(dbf, "r+b") as f:
        f.seek(1)
        f.write(bytes([126, 1, 1]))  # 2026-01-01


def copy_shapefile(src, dst, exts=(".shp", ".shx", ".dbf", ".prj", ".cpg")):
    for ext in exts:
        if os.path.exists(src[:-4] + ext):
            shutil.copyfile(src[:-4] + ext, dst[:-4] + ext)


def transform_geom(geom, tr):
    from shapely.ops import transform
    return transform(lambda x, y, z=None: tr.transform(x, y), geom)


def swap_xy(geom):
    from shapely.ops import transform
    return transform(lambda x, y, z=None: (y, x), geom)


def geojson_text(features, crs_name=None, raw_coords=None):
    """GeoJSON FeatureCollection text; raw_coords replaces the coordinates text of the single
    feature (for rings and numbers JSON writers would not produce)."""
    doc = {"type": "FeatureCollection", "name": "layer"}
    if crs_name:
        doc["crs"] = {"type": "name", "properties": {"name": crs_name}}
    doc["features"] = [{"type": "Feature", "properties": props, "geometry": geom} for props, geom in features]
    text = json.dumps(doc, ensure_ascii=False, indent=1)
    if raw_coords is not None:
        text = text.replace('"@COORDS@"', raw_coords)
    return text + "\n"


def write_text(path, text, encoding="utf-8"):
    with open(path, "w", encoding=encoding, newline="\n") as f:
        f.write(text)


def write_bytes(path, data):
    with open(path, "wb") as f:
        f.write(data)


def ring_text(points):
    return "[" + ", ".join("[%r, %r]" % p for p in points) + "]"


# --------------------------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True, help="corpus folder (emptied first)")
    ap.add_argument("--sample", default=os.path.join(ROOT, "sample_data"), help="the good sample data")
    a = ap.parse_args()
    gdal.SetConfigOption("OGR_CURRENT_DATE", FIXED_DATE)
    gdal.SetConfigOption("GDAL_PAM_ENABLED", "NO")
    gdal.SetConfigOption("CPL_LOG", "/dev/null")
    out = os.path.abspath(a.out)
    sample = os.path.abspath(a.sample)
    if os.path.isdir(out) and os.listdir(out) and not os.path.exists(os.path.join(out, "MANIFEST.txt")):
        raise SystemExit(f"{out} is not empty and holds no MANIFEST.txt (not a corpus made by this script): "
                         "give a new or empty folder")
    if os.path.isdir(out):
        for dirpath, dirnames, _ in os.walk(out):
            for d in dirnames:
                os.chmod(os.path.join(dirpath, d), 0o755)
        for name in os.listdir(out):
            p = os.path.join(out, name)
            if os.path.isdir(p) and not os.path.islink(p):
                shutil.rmtree(p)
            else:
                os.remove(p)
    os.makedirs(out, exist_ok=True)
    os.chdir(out)
    rng = np.random.default_rng(SEED)

    S = lambda name: os.path.join(sample, name)
    boundary, b_fields, b_srs = read_layer(S("boundary.geojson"))
    towns, t_fields, t_srs = read_layer(S("townships.gpkg"))
    red, r_fields, r_srs = read_layer(S("redline.shp"))
    district = unary_union([g for g, _ in boundary])            # EPSG:4490, lon/lat
    centre = district.representative_point()
    cx, cy = centre.x, centre.y
    ll = srs_of(4490)
    gk = srs_of(4545)
    to_gk = Transformer.from_crs(4490, 4545, always_xy=True)
    to_3857 = Transformer.from_crs(4490, 3857, always_xy=True)
    to_ll_from_gk = Transformer.from_crs(4545, 4490, always_xy=True)
    one_field = [("HXBH", ogr.OFTString)]

    def small_square(dx, dy, size=0.01):
        """A square of `size` degrees inside the district, offset from its inner point."""
        return box(cx + dx, cy + dy, cx + dx + size, cy + dy + size)

    # ---- good copies, referenced by option files and output-equals-input cases
    shutil.copyfile(S("boundary.geojson"), "good_boundary.geojson")
    shutil.copyfile(S("townships.gpkg"), "good_townships.gpkg")
    note("good_boundary.geojson, good_townships.gpkg", "unchanged copies of the sample data (for option files and output-equals-input cases)")
    os.symlink("good_boundary.geojson", "link_to_boundary.geojson")
    note("link_to_boundary.geojson", "symbolic link to good_boundary.geojson (an output must not replace it)")

    # ---- files that cannot be read
    shutil.copyfile(S("boundary.geojson"), "unreadable.geojson")
    os.chmod("unreadable.geojson", 0)
    note("unreadable.geojson", "mode 000 (root reads it anyway)")
    os.mkdir("empty_dir")
    note("empty_dir/", "an empty directory, given where a file is expected")
    os.mkdir("readonly_dir")
    os.chmod("readonly_dir", 0o555)
    note("readonly_dir/", "mode 555: outputs cannot be written in it (root writes anyway)")
    for name in ("zero_bytes.gpkg", "zero_bytes.shp", "zero_bytes.geojson", "zero_bytes.tif"):
        write_bytes(name, b"")
    note("zero_bytes.gpkg, zero_bytes.shp, zero_bytes.geojson, zero_bytes.tif", "0-byte files (a failed copy)")
    write_bytes("random.gpkg", rng.integers(0, 256, 65536, dtype=np.uint8).tobytes())
    note("random.gpkg", "64 KiB of random bytes with a .gpkg extension")
    sqlite = sqlite3.connect("plain_sqlite.gpkg")
    sqlite.execute("CREATE TABLE t (a INTEGER, b TEXT)")
    sqlite.execute("INSERT INTO t VALUES (1, 'x')")
    sqlite.commit()
    sqlite.close()
    note("plain_sqlite.gpkg", "an SQLite database with one plain table, not a GeoPackage")
    text = open(S("boundary.geojson"), encoding="utf-8").read()
    write_text("truncated.geojson", text[: len(text) // 2])
    note("truncated.geojson", "the sample boundary cut in the middle of its JSON text")

    # ---- layers
    write_layer("two_layers.gpkg", "redline_a", [(small_square(0, 0), {"HXBH": "A1"})], one_field, ll)
    ds = ogr.Open("two_layers.gpkg", 1)
    lyr = ds.CreateLayer("redline_b", ll, ogr.wkbUnknown)
    lyr.CreateField(ogr.FieldDefn("HXBH", ogr.OFTString))
    f = ogr.Feature(lyr.GetLayerDefn())
    f.SetField("HXBH", "B1")
    f.SetGeometry(ogr.CreateGeometryFromWkb(small_square(0.02, 0).wkb))
    lyr.CreateFeature(f)
    ds = None
    note("two_layers.gpkg", "layers redline_a and redline_b, no layer named on the command line")
    write_layer("empty_layer.gpkg", "redline", [], r_fields, gk, geom_type=ogr.wkbMultiPolygon)
    note("empty_layer.gpkg", "layer redline with the red line's fields and no feature")
    write_layer("empty_boundary.gpkg", "boundary", [], b_fields, ll, geom_type=ogr.wkbMultiPolygon)
    note("empty_boundary.gpkg", "layer boundary with no feature")
    write_layer("null_geometry.gpkg", "redline",
                [(None, {"HXBH": "N1"}), (small_square(0, 0), {"HXBH": "N2"})], one_field, ll)
    note("null_geometry.gpkg", "2 red-line features, the first (HXBH N1, fid 1) without geometry")
    write_layer("empty_geometry.gpkg", "redline",
                [(ogr.Geometry(ogr.wkbPolygon), {"HXBH": "E1"}),
                 (ogr.CreateGeometryFromWkb(small_square(0, 0).wkb), {"HXBH": "E2"})], one_field, ll, raw_ogr=True)
    note("empty_geometry.gpkg", "2 red-line features, the first (HXBH E1, fid 1) an empty polygon")

    # ---- geometry types
    write_layer("points.gpkg", "redline", [(g.representative_point(), a) for g, a in red], r_fields, r_srs,
                geom_type=ogr.wkbPoint)
    note("points.gpkg", "the red line's 50 features as points")
    write_layer("lines.gpkg", "redline", [(LineString(g.exterior.coords) if g.geom_type == "Polygon"
                                           else LineString(g.geoms[0].exterior.coords), a) for g, a in red],
                r_fields, r_srs, geom_type=ogr.wkbLineString)
    note("lines.gpkg", "the red line's 50 features as their outer rings (LineStrings)")
    gc = ogr.Geometry(ogr.wkbGeometryCollection)
    for dx in (0.0, 0.02):
        sq = small_square(dx, 0)
        gc.AddGeometry(ogr.CreateGeometryFromWkb(LineString(sq.exterior.coords).wkb))
    write_layer("gc_lines.gpkg", "redline", [(gc, {"HXBH": "GC1"})], one_field, ll, raw_ogr=True)
    note("gc_lines.gpkg", "one feature (HXBH GC1): a GeometryCollection of two closed LineStrings")
    mixed = [(small_square(0, 0), {"HXBH": "M1"}), (small_square(0.02, 0).centroid, {"HXBH": "M2"}),
             (small_square(0.04, 0), {"HXBH": "M3"})]
    write_layer("mixed_polygon_point.gpkg", "redline", mixed, one_field, ll)
    note("mixed_polygon_point.gpkg", "polygons M1, M3 and a stray point M2 (fid 2) in one layer")

    # ---- invalid polygons (inside the district, EPSG:4490)
    x0, y0, d = cx, cy, 0.02
    bowtie = ogr.CreateGeometryFromWkt(
        f"POLYGON(({x0} {y0},{x0 + d} {y0 + d},{x0 + d} {y0},{x0} {y0 + d},{x0} {y0}))")
    loop = ogr.CreateGeometryFromWkt(  # a ring that crosses itself twice (a loop)
        f"POLYGON(({x0 - 0.05} {y0},{x0 - 0.02} {y0},{x0 - 0.02} {y0 + 0.03},{x0 - 0.035} {y0 + 0.03},"
        f"{x0 - 0.035} {y0 - 0.01},{x0 - 0.045} {y0 - 0.01},{x0 - 0.045} {y0 + 0.02},{x0 - 0.05} {y0 + 0.02},"
        f"{x0 - 0.05} {y0}))")
    good = ogr.CreateGeometryFromWkb(small_square(0.03, 0.03).wkb)
    write_layer("bowtie.gpkg", "redline", [(bowtie, {"HXBH": "BT1"}), (loop, {"HXBH": "SI2"}),
                                           (good, {"HXBH": "OK3"})], one_field, ll, raw_ogr=True)
    note("bowtie.gpkg", "red line: BT1 a bow-tie, SI2 a self-crossing ring, OK3 valid (EPSG:4490)")
    hole_out = ogr.CreateGeometryFromWkt(  # hole outside its shell
        f"POLYGON(({x0} {y0},{x0 + d} {y0},{x0 + d} {y0 + d},{x0} {y0 + d},{x0} {y0}),"
        f"({x0 + 2 * d} {y0},{x0 + 3 * d} {y0},{x0 + 3 * d} {y0 + d},{x0 + 2 * d} {y0}))")
    write_layer("hole_outside_shell.gpkg", "redline", [(hole_out, {"HXBH": "H1"})], one_field, ll, raw_ogr=True)
    note("hole_outside_shell.gpkg", "red line H1: a polygon whose hole lies outside its shell")

    # unclosed rings and short rings: raw text (GeoJSON) and OGR-built WKB (GeoPackage)
    sq = [(x0, y0), (x0 + d, y0), (x0 + d, y0 + d), (x0, y0 + d)]
    write_text("unclosed_ring.geojson", geojson_text([({"HXBH": "U1"}, "@COORDS@")],
               raw_coords='{"type": "Polygon", "coordinates": [' + ring_text(sq) + "]}"))
    note("unclosed_ring.geojson", "red line U1: a Polygon whose ring is not closed (raw GeoJSON text)")
    write_layer("unclosed_ring.gpkg", "redline",
                [(ogr.CreateGeometryFromWkt("POLYGON((" + ",".join(f"{x} {y}" for x, y in sq) + "))"),
                  {"HXBH": "U1"})], one_field, ll, raw_ogr=True)
    note("unclosed_ring.gpkg", "red line U1: a Polygon whose ring is not closed (WKB written by OGR)")
    write_text("short_ring.geojson", geojson_text([({"HXBH": "R3"}, "@COORDS@")],
               raw_coords='{"type": "Polygon", "coordinates": [' + ring_text([sq[0], sq[2], sq[0]]) + "]}"))
    note("short_ring.geojson", "red line R3: a Polygon ring of 3 points (2 distinct)")
    write_layer("short_ring.gpkg", "redline",
                [(ogr.CreateGeometryFromWkt(f"POLYGON(({x0} {y0},{x0 + d} {y0 + d},{x0} {y0}))"), {"HXBH": "R3"}),
                 (ogr.CreateGeometryFromWkt(f"POLYGON(({x0} {y0},{x0} {y0}))"), {"HXBH": "R2"}),
                 (good, {"HXBH": "OK3"})], one_field, ll, raw_ogr=True)
    note("short_ring.gpkg", "red line: R3 a ring of 3 points, R2 a ring of 2 points, OK3 valid")

    # NaN / Inf / huge coordinates: OGR would refuse to index them, so the layer is written with a
    # placeholder and its geometry blob replaced byte by byte (GeoPackage header kept, WKB swapped).
    def poly_with(xbad, ybad, ox=x0, oy=y0, dd=d):
        g = ogr.Geometry(ogr.wkbPolygon)
        r = ogr.Geometry(ogr.wkbLinearRing)
        for x, y in [(ox, oy), (ox + dd, oy), (xbad, ybad), (ox, oy + dd), (ox, oy)]:
            r.AddPoint_2D(x, y)
        g.AddGeometry(r)
        return g

    def write_with_bad_vertex(path, hxbh, xbad, ybad, srs, metres=False):
        placeholder, good_one = small_square(0, 0), small_square(0.03, 0.03)
        if metres:
            placeholder, good_one = transform_geom(placeholder, to_gk), transform_geom(good_one, to_gk)
        write_layer(path, "redline", [(placeholder, {"HXBH": hxbh}), (good_one, {"HXBH": "OK2"})], one_field, srs,
                    options=["SPATIAL_INDEX=NO"])
        con = sqlite3.connect(path)
        blob = con.execute("SELECT geom FROM redline WHERE fid = 1").fetchone()[0]
        header = bytearray(blob[:8])  # magic, version, flags, srs_id; the envelope is dropped
        header[3] = blob[3] & ~0x0E
        ox, oy = to_gk.transform(x0, y0) if metres else (x0, y0)
        bad = poly_with(xbad, ybad, ox, oy, 2000.0 if metres else d)
        con.execute("UPDATE redline SET geom = ? WHERE fid = 1", (bytes(header) + bytes(bad.ExportToIsoWkb(ogr.wkbNDR)),))
        con.commit()
        con.close()

    write_with_bad_vertex("nan_coords.gpkg", "NAN1", float("nan"), float("nan"), ll)
    note("nan_coords.gpkg", "red line NAN1 (fid 1): one vertex is (NaN, NaN)")
    write_with_bad_vertex("inf_coords.gpkg", "INF1", float("inf"), y0 + d, ll)
    note("inf_coords.gpkg", "red line INF1 (fid 1): one vertex has x = +Inf")
    write_with_bad_vertex("huge_coords.gpkg", "BIG1", 1e300, 1e300, ll)
    note("huge_coords.gpkg", "red line BIG1 (fid 1): one vertex is (1e300, 1e300) in EPSG:4490")
    write_with_bad_vertex("huge_coords_gk.gpkg", "BIG1", 1e300, 1e300, gk, metres=True)
    note("huge_coords_gk.gpkg", "red line BIG1 (fid 1) in EPSG:4545 (metres): one vertex is (1e300, 1e300)")
    ring = [(x0, y0), (x0 + d, y0), (1e300, 1e300), (x0, y0 + d), (x0, y0)]
    write_text("huge_coords.geojson", geojson_text([({"HXBH": "BIG1"}, "@COORDS@")],
               raw_coords='{"type": "Polygon", "coordinates": [' + ring_text(ring) + "]}"))
    note("huge_coords.geojson", "red line BIG1: one vertex (1e300, 1e300), raw GeoJSON text")
    write_text("nan_coords.geojson", geojson_text([({"HXBH": "NAN1"}, "@COORDS@")],
               raw_coords='{"type": "Polygon", "coordinates": [' +
               ring_text(ring).replace("1e+300, 1e+300", "NaN, NaN") + "]}"))
    note("nan_coords.geojson", "red line NAN1: one vertex written as the bare token NaN (not JSON)")

    # ---- CRS
    write_layer("nocrs.shp", "nocrs", boundary, b_fields, ll, driver="ESRI Shapefile", options=["ENCODING=UTF-8"])
    os.remove("nocrs.prj")
    note("nocrs.shp", "the sample boundary as a Shapefile without its .prj")
    write_layer("garbage_prj.shp", "garbage_prj", boundary, b_fields, ll, driver="ESRI Shapefile",
                options=["ENCODING=UTF-8"])
    write_text("garbage_prj.prj", "Xian 1980 / our district grid, see the survey office\n")
    note("garbage_prj.shp", "the sample boundary as a Shapefile whose .prj holds a sentence, not a CRS")
    geo = [(b_attrs, mapping(g)) for g, b_attrs in boundary]
    write_text("unknown_crs.geojson", geojson_text(geo, crs_name="urn:ogc:def:crs:EPSG::999999"))
    note("unknown_crs.geojson", "the sample boundary with crs name urn:ogc:def:crs:EPSG::999999 (no such code)")
    write_text("local_crs.geojson", geojson_text(geo, crs_name="Qianjiang local grid 1987"))
    note("local_crs.geojson", "the sample boundary with crs name 'Qianjiang local grid 1987'")
    swapped = [(a, mapping(swap_xy(g))) for g, a in boundary]
    write_text("boundary_yx.geojson", geojson_text(swapped, crs_name="urn:ogc:def:crs:EPSG::4490"))
    note("boundary_yx.geojson", "the sample boundary in EPSG:4490 with x = latitude (29.x), y = longitude (108.x)")
    write_layer("boundary_yx.gpkg", "boundary", [(swap_xy(g), at) for g, at in boundary], b_fields, ll)
    note("boundary_yx.gpkg", "same, as a GeoPackage (EPSG:4490, x = 29.x, y = 108.x)")
    red_ll = [(transform_geom(g, to_ll_from_gk), at) for g, at in red]
    write_layer("redline_yx.gpkg", "redline", [(swap_xy(g), at) for g, at in red_ll], r_fields, ll)
    note("redline_yx.gpkg", "the sample red line in EPSG:4490, x and y swapped")
    write_layer("webmercator.gpkg", "boundary", [(transform_geom(g, to_3857), at) for g, at in boundary],
                b_fields, srs_of(3857))
    note("webmercator.gpkg", "the sample boundary reprojected to Web Mercator (EPSG:3857)")
    write_layer("redline_metres_as_degrees.gpkg", "redline", red, r_fields, ll)
    note("redline_metres_as_degrees.gpkg", "the red line's Gauss-Krüger metre coordinates labelled EPSG:4490")
    copy_shapefile(S("redline.shp"), "redline_wrong_zone.shp")
    write_text("redline_wrong_zone.prj", srs_of(4546).ExportToWkt() + "\n")
    note("redline_wrong_zone.shp", "the sample red line (Gauss-Krüger CM 108E) labelled CM 111E (EPSG:4546)")

    # ---- layers that do not overlap the district
    write_layer("redline_far.gpkg", "redline", [(translate(g, 500000, 0), at) for g, at in red], r_fields, gk)
    note("redline_far.gpkg", "the sample red line moved 500 km east")

    # ---- zones
    tg = [(g, at) for g, at in towns]
    grown = [(g.buffer(1000) if i == 0 else g, at) for i, (g, at) in enumerate(tg)]
    write_layer("zones_overlap.gpkg", "townships", grown, t_fields, t_srs)
    note("zones_overlap.gpkg", f"townships: zone {tg[0][1]['XZQDM']} grown by 1 km (overlaps its neighbours)")
    write_layer("zones_gap.gpkg", "townships", tg[1:], t_fields, t_srs)
    note("zones_gap.gpkg", f"townships without zone {tg[0][1]['XZQDM']} (a gap in the district)")
    dup = [(g, dict(at, XZQDM=tg[0][1]["XZQDM"]) if i == 1 else at) for i, (g, at) in enumerate(tg)]
    write_layer("zones_dupid.gpkg", "townships", dup, t_fields, t_srs)
    note("zones_dupid.gpkg", f"townships: zones 1 and 2 share XZQDM {tg[0][1]['XZQDM']}")
    write_layer("zones_gbk.gpkg", "townships", tg, t_fields, t_srs)
    name = tg[2][1]["XZQMC"]
    ds = gdal.OpenEx("zones_gbk.gpkg", gdal.OF_VECTOR | gdal.OF_UPDATE)  # GDAL's SQL functions serve the triggers
    ds.ExecuteSQL(f"UPDATE townships SET XZQMC = CAST(X'{name.encode('gbk').hex()}' AS TEXT) WHERE fid = 3")
    ds = None
    note("zones_gbk.gpkg", f"townships: XZQMC of fid 3 ({name}) stored as GBK bytes, not UTF-8")
    copy_shapefile(S("redline.shp"), "redline_gbk_nocpg.shp", exts=(".shp", ".shx", ".dbf", ".prj"))
    note("redline_gbk_nocpg.shp", "the sample red line (GBK text) without its .cpg")

    # ---- Shapefiles with missing parts
    copy_shapefile(S("redline.shp"), "noshx.shp", exts=(".shp", ".dbf", ".prj", ".cpg"))
    note("noshx.shp", "the sample red line without its .shx")
    copy_shapefile(S("redline.shp"), "nodbf.shp", exts=(".shp", ".shx", ".prj", ".cpg"))
    note("nodbf.shp", "the sample red line without its .dbf")
    with zipfile.ZipFile("redline_noshx.shp.zip", "w", zipfile.ZIP_DEFLATED) as z:
        for ext in (".shp", ".dbf", ".prj", ".cpg"):
            info = zipfile.ZipInfo("redline" + ext, date_time=(2026, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, open(S("redline" + ext), "rb").read())
    note("redline_noshx.shp.zip", "a zip of the sample red line without its .shx")

    # ---- rasters
    lc = gdal.Open(S("landcover.tif"))
    gt = lc.GetGeoTransform()
    data = open(S("landcover.tif"), "rb").read()
    write_bytes("landcover_truncated.tif", data[: len(data) // 2])
    note("landcover_truncated.tif", "the sample land cover cut at half its size")
    arr = lc.GetRasterBand(1).ReadAsArray()
    nodata = lc.GetRasterBand(1).GetNoDataValue()

    def write_raster(path, array, gtf, wkt_text, dtype=gdal.GDT_Byte, nodata_value=None):
        drv = gdal.GetDriverByName("GTiff")
        ds = drv.Create(path, array.shape[1], array.shape[0], 1, dtype,
                        options=["COMPRESS=DEFLATE", "TILED=YES"])
        if gtf is not None:
            ds.SetGeoTransform(gtf)
        if wkt_text:
            ds.SetProjection(wkt_text)
        band = ds.GetRasterBand(1)
        if nodata_value is not None:
            band.SetNoDataValue(nodata_value)
        band.WriteArray(array)
        ds = None

    write_raster("landcover_nogeo.tif", arr, None, None, nodata_value=nodata)
    note("landcover_nogeo.tif", "the sample land cover without geotransform or CRS")
    write_raster("landcover_nocrs.tif", arr, gt, None, nodata_value=nodata)
    note("landcover_nocrs.tif", "the sample land cover with its geotransform but no CRS")
    rot = math.radians(10)
    rgt = (gt[0], gt[1] * math.cos(rot), -gt[1] * math.sin(rot), gt[3], gt[1] * math.sin(rot), gt[5] * math.cos(rot))
    write_raster("landcover_rotated.tif", arr, rgt, lc.GetProjection(), nodata_value=nodata)
    note("landcover_rotated.tif", "the sample land cover with a geotransform rotated by 10°")
    write_raster("landcover_far.tif", arr, (gt[0] + 500000,) + gt[1:], lc.GetProjection(), nodata_value=nodata)
    note("landcover_far.tif", "the sample land cover moved 500 km east")
    coarse = arr.shape[0] // 10, arr.shape[1] // 10  # 300 m cells: random floats do not compress
    cont = (rng.random(coarse) * 0.9).astype(np.float32)
    write_raster("landcover_float.tif", cont, (gt[0], gt[1] * 10, 0, gt[3], 0, gt[5] * 10), lc.GetProjection(),
                 dtype=gdal.GDT_Float32, nodata_value=-9999)
    note("landcover_float.tif", "a continuous Float32 raster (values 0-0.9, like NDVI, 300 m cells) over the district")
    write_raster("landcover_float_codes.tif", arr.astype(np.float32), gt, lc.GetProjection(),
                 dtype=gdal.GDT_Float32, nodata_value=nodata)
    note("landcover_float_codes.tif", "the sample land-cover classes stored as Float32 (whole numbers)")
    with open("landcover_flipped_bytes.tif", "wb") as f:  # a damaged copy: bytes overwritten past the header
        damaged = bytearray(data)
        start = len(damaged) // 3
        damaged[start:start + 4096] = rng.integers(0, 256, 4096, dtype=np.uint8).tobytes()
        f.write(bytes(damaged))
    note("landcover_flipped_bytes.tif", "the sample land cover with 4 KiB of its compressed tiles overwritten")
    lc = None

    # ---- activity: a small two-date scene (5 bands, 10 m, EPSG:32649) and a red line inside it
    make_scene(rng, to_gk)

    # ---- option files
    write_text("job_unknown_key.ini", "boundary = good_boundary.geojson\nredlin = good_townships.gpkg\n")
    note("job_unknown_key.ini", "option file with the key 'redlin' (typo of redline)")
    write_text("job_typo_value.ini", "boundary = good_boundary.geojson\nzones = good_townships.gpkg\n"
                                     "target = forest=6O\n")
    note("job_typo_value.ini", "option file with 'target = forest=6O' (letter O for zero)")
    write_text("job_no_equals.ini", "boundary = good_boundary.geojson\nzones good_townships.gpkg\n")
    note("job_no_equals.ini", "option file whose second line has no '='")
    write_text("job_dashes.ini", "--boundary = good_boundary.geojson\n")
    note("job_dashes.ini", "option file whose key is written with its leading '--'")
    write_bytes("job_utf16.ini", "boundary = good_boundary.geojson\n".encode("utf-16"))
    note("job_utf16.ini", "a valid option file saved as UTF-16 (Windows Notepad's 'Unicode')")

    with open("MANIFEST.txt", "w", encoding="utf-8") as f:
        f.write("# Bad inputs for redline, made by scripts/make_bad_inputs.py (see tests/badinput/expected.txt)\n")
        for name, what in MANIFEST:
            f.write(f"{name}: {what}\n")
    print(f"{len(MANIFEST)} entries written to {out}")


def make_scene(rng, to_gk):
    """scene_before.tif / scene_after.tif: 5-band UInt16 reflectance x 10000, 300 x 300 cells of
    10 m in EPSG:32649, with a few planted clearings; scene_redline.gpkg (EPSG:4545) inside it."""
    n = 300
    x0, y0 = 272000.0, 3270000.0
    gt = (x0, 10.0, 0.0, y0, 0.0, -10.0)
    utm = srs_of(32649)
    yy, xx = np.mgrid[0:n, 0:n]
    field = (np.sin(xx / 17.0) + np.cos(yy / 23.0) + np.sin((xx + yy) / 31.0)) / 3.0
    veg = (field > -0.3)
    spectra_veg = np.array([300, 600, 350, 3500, 1600])
    spectra_bare = np.array([900, 1100, 1300, 1800, 2600])

    def image(vegmask, noise_seed_rng, gain):
        bands = []
        for b in range(5):
            v = np.where(vegmask, spectra_veg[b], spectra_bare[b]).astype(np.float64)
            v *= 1.0 + 0.05 * field
            v *= gain[b]
            v *= 1.0 + 0.02 * noise_seed_rng.standard_normal((n, n))
            bands.append(np.clip(v, 1, 10000).astype(np.uint16))
        return bands

    before = image(veg, rng, [1.0] * 5)
    after_veg = veg.copy()
    for (r, c, s) in [(60, 70, 8), (150, 200, 6), (220, 100, 10)]:
        after_veg[r:r + s, c:c + s] = False
    after = image(after_veg, rng, [1.02, 1.0, 0.98, 0.95, 1.01])

    def write(path, bands, gtf):
        ds = gdal.GetDriverByName("GTiff").Create(path, n, n, len(bands), gdal.GDT_UInt16,
                                                  options=["COMPRESS=DEFLATE", "TILED=YES", "INTERLEAVE=BAND"])
        ds.SetGeoTransform(gtf)
        ds.SetProjection(utm.ExportToWkt())
        for i, b in enumerate(bands, 1):
            ds.GetRasterBand(i).SetNoDataValue(0)
            ds.GetRasterBand(i).WriteArray(b)
        ds = None

    write("scene_before.tif", before, gt)
    note("scene_before.tif", "a good before image: 5 bands (blue green red nir swir1) UInt16 x 10000, 10 m, EPSG:32649")
    with open("scene_before.tif", "rb") as f:
        data = f.read()
    write_bytes("scene_before_truncated.tif", data[: len(data) * 2 // 5])
    note("scene_before_truncated.tif", "the before image cut at 40 % of its size")
    write("scene_after.tif", after, gt)
    note("scene_after.tif", "the good after image on the same grid, 3 planted clearings")
    write("scene_after_far.tif", after, (x0 + 100000,) + gt[1:])
    note("scene_after_far.tif", "the after image moved 100 km east: it does not overlap the before image")
    write("scene_after_3bands.tif", after[:3], gt)
    note("scene_after_3bands.tif", "the after image with only its first 3 bands (no nir, no swir1)")
    scl = np.full((n // 2, n // 2), 4, np.uint8)
    ds = gdal.GetDriverByName("GTiff").Create("scene_mask_wrong_grid.tif", n // 2, n // 2, 1, gdal.GDT_Byte)
    ds.SetGeoTransform((x0 + 50000, 20.0, 0.0, y0, 0.0, -20.0))
    ds.SetProjection(utm.ExportToWkt())
    ds.GetRasterBand(1).WriteArray(scl)
    ds = None
    note("scene_mask_wrong_grid.tif", "an SCL-like mask 50 km east of the scene (does not cover it)")
    tr_gk = Transformer.from_crs(32649, 4545, always_xy=True)
    from shapely.ops import transform
    polys = [box(x0 + 300, y0 - 2700, x0 + 1800, y0 - 300), box(x0 + 1200, y0 - 2800, x0 + 2800, y0 - 1200)]
    feats = [(transform(lambda x, y, z=None: tr_gk.transform(x, y), p), {"HXBH": f"HXS{i + 1}", "HXMC": f"scene red line {i + 1}"})
             for i, p in enumerate(polys)]
    write_layer("scene_redline.gpkg", "redline", feats, [("HXBH", ogr.OFTString), ("HXMC", ogr.OFTString)], srs_of(4545))
    note("scene_redline.gpkg", "a good red line for the scene: 2 polygons (EPSG:4545) inside the images")
    far = [(translate(g, 0, 300000), at) for g, at in feats]
    write_layer("scene_redline_far.gpkg", "redline", far, [("HXBH", ogr.OFTString), ("HXMC", ogr.OFTString)], srs_of(4545))
    note("scene_redline_far.gpkg", "the scene red line moved 300 km north (outside the images)")


if __name__ == "__main__":
    main()
