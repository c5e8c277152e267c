"""Shared helpers for redline's integration tests: independent reference computations.

Nothing here calls redline's code or reads redline's outputs to make a reference. Areas come
from pyproj's Geod (Karney's geodesic polygons) or from the closed-form ellipsoidal quadrangle;
raster fractions come from shapely intersections of each cell square with the polygon.
Test data are written with GDAL/OGR (or as GeoJSON text, to control ring orientation).

The test scripts import this module from their own directory (Python puts a script's directory
first on sys.path) and are run as `/usr/bin/python3 test_x.py --redline PATH [unittest args]`.
"""
import json
import math
import os
import subprocess
import sys
import unittest

import numpy as np
import pyproj
from osgeo import gdal, ogr, osr
from shapely.geometry import GeometryCollection, MultiPolygon, Polygon, box
from shapely.prepared import prep

gdal.UseExceptions()
ogr.UseExceptions()
osr.UseExceptions()

# CGCS2000 and WGS 84 ellipsoids: (a, f).
GRS80_CGCS2000 = (6378137.0, 1.0 / 298.257222101)
WGS84 = (6378137.0, 1.0 / 298.257223563)

REDLINE = None  # path of the redline binary, set by parse_redline_arg()


def parse_redline_arg():
    """Takes `--redline PATH` (or `--redline=PATH`) out of sys.argv before unittest sees it."""
    global REDLINE
    argv = sys.argv[:1]
    rest = sys.argv[1:]
    i = 0
    while i < len(rest):
        a = rest[i]
        if a == "--redline" and i + 1 < len(rest):
            REDLINE = rest[i + 1]
            i += 2
            continue
        if a.startswith("--redline="):
            REDLINE = a.split("=", 1)[1]
            i += 1
            continue
        argv.append(a)
        i += 1
    if REDLINE is None:
        REDLINE = os.environ.get("REDLINE_BIN")
    if not REDLINE:
        sys.stderr.write("usage: %s --redline PATH/TO/redline [unittest options]\n" % sys.argv[0])
        sys.exit(2)
    REDLINE = os.path.abspath(REDLINE)
    if not os.access(REDLINE, os.X_OK):
        sys.stderr.write("--redline %s: not an executable file\n" % REDLINE)
        sys.exit(2)
    sys.argv[:] = argv
    return REDLINE


# ---------------------------------------------------------------------------------------------
# Running redline
# ---------------------------------------------------------------------------------------------

class RedlineRun:
    def __init__(self, args, returncode, stdout, stderr, report):
        self.args = args
        self.returncode = returncode
        self.stdout = stdout
        self.stderr = stderr
        self.report = report

    def describe(self):
        return "redline %s\nexit %d\nstdout:\n%s\nstderr:\n%s" % (
            " ".join(self.args), self.returncode, self.stdout, self.stderr)


def run_redline(args, workdir, json_name="report.json", expect=(0, 1)):
    """Runs `redline coverage ARGS --json workdir/json_name -q`; returns a RedlineRun.

    Raises AssertionError (with redline's output) when the exit status is not in @p expect."""
    json_path = os.path.join(workdir, json_name)
    if os.path.exists(json_path):
        os.remove(json_path)
    full = ["coverage"] + list(args) + ["--json", json_path, "-q"]
    p = subprocess.run([REDLINE] + full, cwd=workdir, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=300)
    out = p.stdout.decode("utf-8", "replace")
    err = p.stderr.decode("utf-8", "replace")
    report = None
    if os.path.exists(json_path):
        with open(json_path, encoding="utf-8") as f:
            report = json.load(f)
    run = RedlineRun(full, p.returncode, out, err, report)
    if expect is not None and p.returncode not in expect:
        raise AssertionError("unexpected exit status\n" + run.describe())
    if expect is not None and report is None:
        raise AssertionError("redline wrote no JSON report\n" + run.describe())
    return run


# ---------------------------------------------------------------------------------------------
# Ellipsoids and areas
# ---------------------------------------------------------------------------------------------

def ellipsoid_of_crs(crs):
    """(a, f) of a CRS's ellipsoid, from PROJ's database."""
    e = pyproj.CRS.from_user_input(crs).ellipsoid
    return (e.semi_major_metre, 1.0 / e.inverse_flattening)


def geod_of(ellipsoid):
    a, f = ellipsoid
    return pyproj.Geod(a=a, f=f)


def quadrangle_area(lon1, lon2, lat1, lat2, ellipsoid):
    """Closed-form area of the ellipsoidal quadrangle bounded by two meridians and two parallels:
    Δλ·(F(φ2) − F(φ1)), F(φ) = (b²/2)[sinφ/(1 − e² sin²φ) + atanh(e sinφ)/e]."""
    a, f = ellipsoid
    b = a * (1.0 - f)
    e2 = f * (2.0 - f)
    e = math.sqrt(e2)

    def F(lat_deg):
        s = math.sin(math.radians(lat_deg))
        return (b * b / 2.0) * (s / (1.0 - e2 * s * s) + math.atanh(e * s) / e)

    return abs(math.radians(lon2 - lon1) * (F(lat2) - F(lat1)))


def quadrangle_rows_area(lat_edges, dlon_deg, ellipsoid):
    """Vectorised quadrangle areas for rows between consecutive latitudes in @p lat_edges."""
    a, f = ellipsoid
    b = a * (1.0 - f)
    e2 = f * (2.0 - f)
    e = math.sqrt(e2)
    s = np.sin(np.radians(np.asarray(lat_edges, dtype=float)))
    F = (b * b / 2.0) * (s / (1.0 - e2 * s * s) + np.arctanh(e * s) / e)
    return np.abs(math.radians(dlon_deg) * np.diff(F))


def _polygons(geom):
    if geom is None or geom.is_empty:
        return []
    if isinstance(geom, Polygon):
        return [geom]
    if isinstance(geom, MultiPolygon):
        return list(geom.geoms)
    if isinstance(geom, GeometryCollection):
        out = []
        for g in geom.geoms:
            out.extend(_polygons(g))
        return out
    return []  # points and lines have no area


def ring_geod_area(geod, coords):
    xs = [c[0] for c in coords]
    ys = [c[1] for c in coords]
    if len(xs) > 1 and xs[0] == xs[-1] and ys[0] == ys[-1]:
        xs, ys = xs[:-1], ys[:-1]
    if len(xs) < 3:
        return 0.0
    area, _ = geod.polygon_area_perimeter(xs, ys)
    return abs(area)


def geod_area(geom, ellipsoid):
    """Ellipsoidal area of a lon/lat (Multi)Polygon with geodesic edges: each shell's |area| minus
    its holes' |area|, whatever the rings' orientation."""
    geod = geod_of(ellipsoid)
    total = 0.0
    for p in _polygons(geom):
        total += ring_geod_area(geod, p.exterior.coords)
        for hole in p.interiors:
            total -= ring_geod_area(geod, hole.coords)
    return total


# ---------------------------------------------------------------------------------------------
# Densification and reprojection (the reference's own, not GDAL's segmentize)
# ---------------------------------------------------------------------------------------------

def densify_coords(coords, max_len):
    """Splits every segment longer than max_len into equal pieces no longer than max_len."""
    coords = [tuple(c[:2]) for c in coords]
    out = [coords[0]]
    for (x0, y0), (x1, y1) in zip(coords[:-1], coords[1:]):
        n = int(math.ceil(math.hypot(x1 - x0, y1 - y0) / max_len - 1e-9))
        for k in range(1, max(n, 1)):
            t = k / n
            out.append((x0 + (x1 - x0) * t, y0 + (y1 - y0) * t))
        out.append((x1, y1))
    return out


def map_rings(geom, fn):
    """Applies fn(list of (x, y)) -> list of (x, y) to every ring of a (Multi)Polygon."""
    polys = []
    for p in _polygons(geom):
        shell = fn(list(p.exterior.coords))
        holes = [fn(list(h.coords)) for h in p.interiors]
        polys.append(Polygon(shell, holes))
    if isinstance(geom, Polygon) and len(polys) == 1:
        return polys[0]
    return MultiPolygon(polys)


def transformer(src, dst):
    return pyproj.Transformer.from_crs(pyproj.CRS.from_user_input(src), pyproj.CRS.from_user_input(dst),
                                       always_xy=True)


def geographic_crs_of(crs):
    """The geographic CRS (same datum) of a CRS, as redline's working CRS."""
    c = pyproj.CRS.from_user_input(crs)
    return c if c.is_geographic else c.geodetic_crs


def to_lonlat(geom, src_crs, working_crs, step_m=100.0):
    """What redline measures: projected edges split to <= 100 m (in the source CRS's unit), then
    every vertex transformed to the working lon/lat CRS. Geographic sources: vertices transformed
    as they are (their edges are geodesics)."""
    src = pyproj.CRS.from_user_input(src_crs)
    t = transformer(src, working_crs)
    if src.is_geographic:
        fn = lambda coords: list(zip(*t.transform([c[0] for c in coords], [c[1] for c in coords])))
    else:
        unit = src.axis_info[0].unit_conversion_factor
        step = step_m / unit

        def fn(coords):
            d = densify_coords(coords, step)
            xs, ys = t.transform([c[0] for c in d], [c[1] for c in d])
            return list(zip(xs, ys))
    return map_rings(geom, fn)


def project(geom, src_crs, dst_crs):
    """Transforms every vertex (no densification)."""
    t = transformer(src_crs, dst_crs)
    return map_rings(geom, lambda coords: list(zip(*t.transform([c[0] for c in coords], [c[1] for c in coords]))))


def lonlat_box(lon1, lat1, lon2, lat2, step=0.001):
    """A lon/lat box, counter-clockwise, with vertices every @p step degrees along the parallels
    (so its geodesic edges follow the parallels closely) and none needed along the meridians."""
    n = int(round((lon2 - lon1) / step))
    lons = [lon1 + (lon2 - lon1) * k / n for k in range(n + 1)]
    south = [(x, lat1) for x in lons]
    north = [(x, lat2) for x in reversed(lons)]
    return Polygon(south + north + [south[0]])


def densify_lonlat(geom, step=0.001):
    return map_rings(geom, lambda coords: densify_coords(coords, step))


# ---------------------------------------------------------------------------------------------
# Writing inputs
# ---------------------------------------------------------------------------------------------

def srs_of(epsg):
    s = osr.SpatialReference()
    s.ImportFromEPSG(int(epsg))
    s.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    return s


def write_vector(path, epsg, features, fields=(), driver=None, layer_name=None, layer_options=None,
                 geom_type=ogr.wkbMultiPolygon):
    """Writes features [(shapely geometry, {field: value})] with OGR. fields: [(name, ogr type)]."""
    if driver is None:
        ext = os.path.splitext(path)[1].lower()
        driver = {".gpkg": "GPKG", ".shp": "ESRI Shapefile", ".geojson": "GeoJSON", ".json": "GeoJSON"}[ext]
    drv = ogr.GetDriverByName(driver)
    if os.path.exists(path):
        drv.DeleteDataSource(path)
    ds = drv.CreateDataSource(path)
    name = layer_name or os.path.splitext(os.path.basename(path))[0]
    lyr = ds.CreateLayer(name, srs_of(epsg), geom_type, options=list(layer_options or []))
    for fname, ftype in fields:
        fd = ogr.FieldDefn(fname, ftype)
        if ftype == ogr.OFTString:
            fd.SetWidth(80)
        lyr.CreateField(fd)
    for geom, props in features:
        f = ogr.Feature(lyr.GetLayerDefn())
        for k, v in (props or {}).items():
            f.SetField(k, v)
        g = ogr.CreateGeometryFromWkb(geom.wkb)
        if geom_type == ogr.wkbMultiPolygon and g.GetGeometryType() == ogr.wkbPolygon:
            g = ogr.ForceToMultiPolygon(g)
        f.SetGeometry(g)
        lyr.CreateFeature(f)
    ds = None
    return path


def geojson_text(epsg, features):
    """A GeoJSON FeatureCollection written as text, rings exactly as given (orientation kept).

    features: [(geometry dict {"type": ..., "coordinates": ...}, {props})]."""
    def fmt(obj):
        if isinstance(obj, float):
            return repr(obj)
        if isinstance(obj, (list, tuple)):
            return "[" + ", ".join(fmt(o) for o in obj) + "]"
        return json.dumps(obj, ensure_ascii=False)

    parts = []
    for geometry, props in features:
        parts.append('{ "type": "Feature", "properties": %s, "geometry": { "type": %s, "coordinates": %s } }'
                     % (json.dumps(props or {}, ensure_ascii=False), json.dumps(geometry["type"]),
                        fmt(geometry["coordinates"])))
    return ('{\n"type": "FeatureCollection",\n'
            '"crs": { "type": "name", "properties": { "name": "urn:ogc:def:crs:EPSG::%d" } },\n'
            '"features": [\n%s\n]\n}\n' % (int(epsg), ",\n".join(parts)))


def write_geojson_text(path, epsg, features):
    with open(path, "w", encoding="utf-8") as f:
        f.write(geojson_text(epsg, features))
    return path


def write_raster(path, epsg, geotransform, array, nodata=None, gdal_type=gdal.GDT_Byte, options=()):
    rows, cols = array.shape
    drv = gdal.GetDriverByName("GTiff")
    ds = drv.Create(path, cols, rows, 1, gdal_type, options=list(options))
    ds.SetGeoTransform(geotransform)
    ds.SetProjection(srs_of(epsg).ExportToWkt())
    band = ds.GetRasterBand(1)
    if nodata is not None:
        band.SetNoDataValue(nodata)
    band.WriteArray(array)
    band = None
    ds = None
    return path


# ---------------------------------------------------------------------------------------------
# Exact cell fractions
# ---------------------------------------------------------------------------------------------

def cell_box(gt, row, col):
    x0, dx, _, y0, _, dy = gt
    xa, xb = x0 + col * dx, x0 + (col + 1) * dx
    ya, yb = y0 + row * dy, y0 + (row + 1) * dy
    return box(min(xa, xb), min(ya, yb), max(xa, xb), max(ya, yb))


def fractions_bruteforce(poly, gt, rows, cols):
    """Fraction of every cell inside @p poly (raster CRS): area(cell ∩ poly) / area(cell)."""
    out = np.zeros((rows, cols))
    if poly is None or poly.is_empty:
        return out
    pp = prep(poly)
    for r in range(rows):
        for c in range(cols):
            cb = cell_box(gt, r, c)
            if not pp.intersects(cb):
                continue
            out[r, c] = cb.intersection(poly).area / cb.area
    return out


def window_of(poly, gt, rows, cols):
    """Rows/cols [r0, r1) x [c0, c1) of the cells the polygon's bounding box touches."""
    x0, dx, _, y0, _, dy = gt
    minx, miny, maxx, maxy = poly.bounds
    c0 = int(math.floor((minx - x0) / dx)) - 1
    c1 = int(math.floor((maxx - x0) / dx)) + 2
    r0 = int(math.floor((maxy - y0) / dy)) - 1  # dy < 0: north-up
    r1 = int(math.floor((miny - y0) / dy)) + 2
    return max(r0, 0), min(r1, rows), max(c0, 0), min(c1, cols)


def fractions_quadtree(poly, gt, rows, cols, in_window=False):
    """Same as fractions_bruteforce, fast for large rasters: a block of cells wholly inside the
    polygon gets 1, wholly outside 0, otherwise it is split in four with the polygon clipped to it,
    down to single cells, whose fraction is an exact intersection area.

    Returns a dense (rows, cols) array, or with @p in_window (r0, c0, array) for the cells of the
    polygon's bounding box only."""
    x0, dx, _, y0, _, dy = gt
    if poly is None or poly.is_empty:
        return (0, 0, np.zeros((0, 0))) if in_window else np.zeros((rows, cols))
    r0, r1, c0, c1 = window_of(poly, gt, rows, cols)
    out = np.zeros((max(r1 - r0, 0), max(c1 - c0, 0)))

    def block_box(ra, rb, ca, cb):
        xa, xb = x0 + ca * dx, x0 + cb * dx
        ya, yb = y0 + ra * dy, y0 + rb * dy
        return box(min(xa, xb), min(ya, yb), max(xa, xb), max(ya, yb))

    def rec(piece, ra, rb, ca, cb):
        if ra >= rb or ca >= cb or piece.is_empty:
            return
        bb = block_box(ra, rb, ca, cb)
        if rb - ra == 1 and cb - ca == 1:
            out[ra - r0, ca - c0] = piece.intersection(bb).area / bb.area
            return
        pp = prep(piece)
        if pp.contains(bb):
            out[ra - r0:rb - r0, ca - c0:cb - c0] = 1.0
            return
        if not pp.intersects(bb):
            return
        clipped = piece.intersection(bb)
        if clipped.is_empty or clipped.area == 0.0:
            return
        rm = (ra + rb) // 2 if rb - ra > 1 else rb
        cm = (ca + cb) // 2 if cb - ca > 1 else cb
        for (a, b) in ((ra, rm), (rm, rb)):
            for (c, d) in ((ca, cm), (cm, cb)):
                if a < b and c < d:
                    rec(clipped, a, b, c, d)

    if r1 > r0 and c1 > c0:
        rec(poly, r0, r1, c0, c1)
    if in_window:
        return r0, c0, out
    dense = np.zeros((rows, cols))
    dense[r0:r1, c0:c1] = out
    return dense


def geographic_cell_areas(gt, rows, cols, ellipsoid):
    """Ellipsoidal cell areas of a north-up lon/lat grid, closed form per row."""
    x0, dx, _, y0, _, dy = gt
    lat_edges = [y0 + r * dy for r in range(rows + 1)]
    row_areas = quadrangle_rows_area(lat_edges, abs(dx), ellipsoid)
    return np.repeat(row_areas[:, None], cols, axis=1)


def projected_cell_areas(gt, rows, cols, crs, ellipsoid=None):
    """Ellipsoidal cell areas of a projected grid: each cell's 4 corners to lon/lat (the CRS's own
    datum), geodesic polygon area. Corners only: the cells are small."""
    x0, dx, _, y0, _, dy = gt
    geo = geographic_crs_of(crs)
    t = transformer(crs, geo)
    geod = geod_of(ellipsoid or ellipsoid_of_crs(geo))
    xs = x0 + np.arange(cols + 1) * dx
    ys = y0 + np.arange(rows + 1) * dy
    X, Y = np.meshgrid(xs, ys)
    LON, LAT = t.transform(X, Y)
    out = np.zeros((rows, cols))
    for r in range(rows):
        for c in range(cols):
            lons = [LON[r, c], LON[r, c + 1], LON[r + 1, c + 1], LON[r + 1, c]]
            lats = [LAT[r, c], LAT[r, c + 1], LAT[r + 1, c + 1], LAT[r + 1, c]]
            out[r, c] = abs(geod.polygon_area_perimeter(lons, lats)[0])
    return out


# ---------------------------------------------------------------------------------------------
# Assertions with a record of the agreement reached
# ---------------------------------------------------------------------------------------------

class Agreement:
    """Collects (case, quantity, measured, reference, error) for the summary printed at the end."""
    rows = []

    @classmethod
    def add(cls, case, what, actual, expected, kind):
        if kind == "rel":
            err = abs(actual - expected) / abs(expected) if expected else abs(actual)
        else:
            err = abs(actual - expected)
        cls.rows.append((case, what, actual, expected, kind, err))
        return err

    @classmethod
    def summary(cls):
        if not cls.rows:
            return ""
        worst = {}
        for case, what, a, e, kind, err in cls.rows:
            key = (case, kind)
            if key not in worst or err > worst[key][1]:
                worst[key] = (what, err)
        lines = ["agreement with the independent references (worst per case):"]
        for (case, kind), (what, err) in sorted(worst.items()):
            unit = {"rel": "relative", "pp": "percentage points", "of-unit": "of the unit's area"}.get(kind, "absolute")
            lines.append("  %-44s %-9s %.3e %s (%s)" % (case, kind, err, unit, what))
        return "\n".join(lines)


class RedlineTestCase(unittest.TestCase):
    maxDiff = None

    @classmethod
    def tearDownClass(cls):
        pass

    def assert_rel(self, actual, expected, rel, case, what):
        err = Agreement.add(case, what, actual, expected, "rel")
        self.assertLessEqual(err, rel, "%s / %s: redline %.6f, reference %.6f, relative error %.3e > %.1e"
                             % (case, what, actual, expected, err, rel))

    def assert_pp(self, actual, expected, tol, case, what):
        err = Agreement.add(case, what, actual, expected, "pp")
        self.assertLessEqual(err, tol, "%s / %s: redline %.6f %%, reference %.6f %%, off by %.3e points > %.1e"
                             % (case, what, actual, expected, err, tol))

    def assert_abs(self, actual, expected, tol, case, what, scale=None):
        """|actual - expected| <= tol; with @p scale (e.g. the unit's area) the error is recorded
        relative to it, so the summary reads as a fraction of the unit."""
        if scale:
            err = Agreement.add(case, what, actual / scale, expected / scale, "of-unit") * scale
        else:
            err = Agreement.add(case, what, actual, expected, "abs")
        self.assertLessEqual(err, tol, "%s / %s: redline %.6f, reference %.6f, off by %.3e > %.1e"
                             % (case, what, actual, expected, err, tol))


def main():
    parse_redline_arg()
    prog = unittest.main(exit=False, verbosity=2)
    s = Agreement.summary()
    if s:
        sys.stderr.write("\n" + s + "\n")
    result = prog.result
    if not result.wasSuccessful():
        sys.exit(1)
    # Everything skipped (e.g. third-party data absent): 77, which CTest's SKIP_RETURN_CODE reports.
    if result.skipped and result.testsRun <= len(result.skipped):
        sys.exit(77)
    sys.exit(0)
