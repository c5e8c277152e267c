#!/usr/bin/python3
"""Generate redline's synthetic demo data set ("Qianjiang-like" district) in sample_data/.

    /usr/bin/python3 scripts/make_sample_data.py [--out DIR]

Everything is synthetic: the shapes only imitate Qianjiang District, Chongqing (adcode 500114).
The output is deterministic (fixed seed, fixed GDAL options, fixed GeoPackage timestamps) and
the figures printed at the end are measured by reading the written files back, transforming
them to CGCS2000 longitude/latitude and measuring with pyproj.Geod(ellps='GRS80').

Needs Debian's python3-gdal, python3-numpy, python3-shapely (1.8 or 2.x) and python3-pyproj;
only numpy is used for the raster fields (no scipy), so every machine takes the same code path.
See sample_data/README.md for what is planted in the data.
"""

import argparse
import math
import os
import sys

import numpy as np
from osgeo import gdal, ogr, osr
from pyproj import Geod, Proj, Transformer
from shapely import wkb
from shapely.geometry import LineString, MultiPoint, MultiPolygon, Point, Polygon
from shapely.geometry.polygon import orient
from shapely.ops import substring, unary_union, voronoi_diagram
from shapely.affinity import translate
from shapely.prepared import prep
from shapely.validation import make_valid

gdal.UseExceptions()
ogr.UseExceptions()
osr.UseExceptions()

SEED = 20261123
GEOD = Geod(ellps="GRS80")
FIXED_DATE = "2026-01-01T00:00:00Z"

EPSG_LL = 4490      # CGCS2000 geographic
EPSG_GK = 4545      # CGCS2000 / 3-degree Gauss-Kruger CM 108E
EPSG_UTM = 32649    # WGS 84 / UTM zone 49N (land-cover raster)

DISTRICT_CODE = "500114"
DISTRICT_NAME = "黔江区"
DISTRICT_AREA_M2 = 2395.0e6          # target ellipsoidal area of the synthetic district
CITY_LL = (108.772, 29.528)         # synthetic city centre (lon, lat)

TR = {
    (EPSG_GK, EPSG_LL): Transformer.from_crs(EPSG_GK, EPSG_LL, always_xy=True),
    (EPSG_LL, EPSG_GK): Transformer.from_crs(EPSG_LL, EPSG_GK, always_xy=True),
    (EPSG_GK, EPSG_UTM): Transformer.from_crs(EPSG_GK, EPSG_UTM, always_xy=True),
    (EPSG_UTM, EPSG_GK): Transformer.from_crs(EPSG_UTM, EPSG_GK, always_xy=True),
    (EPSG_LL, EPSG_UTM): Transformer.from_crs(EPSG_LL, EPSG_UTM, always_xy=True),
}

WORLDCOVER_COLOURS = {
    10: (0, 100, 0), 20: (255, 187, 34), 30: (255, 255, 76), 40: (240, 150, 255),
    50: (250, 0, 0), 60: (180, 180, 180), 70: (240, 240, 240), 80: (0, 100, 200),
    90: (0, 150, 160), 95: (0, 207, 117), 100: (250, 230, 160),
}
WORLDCOVER_NAMES = {
    10: "tree cover", 20: "shrubland", 30: "grassland", 40: "cropland", 50: "built-up",
    60: "bare / sparse", 80: "permanent water", 90: "herbaceous wetland",
}

# GB/T 21010-2017 (Third National Land Survey) codes used in DLTB.
DLBM_NAMES = {
    "0101": "水田", "0103": "旱地", "0202": "茶园", "0301": "乔木林地", "0302": "竹林地",
    "0305": "灌木林地", "0307": "其他林地", "0404": "其他草地", "0601": "工业用地",
    "0602": "采矿用地", "0701": "城镇住宅用地", "0702": "农村宅基地", "1101": "河流水面",
    "1103": "水库水面", "1108": "沼泽地", "1207": "裸岩石砾地",
}


# --------------------------------------------------------------------------------------------
# geometry helpers (shapely 1.8 and 2.x compatible: no shapely 2-only functions)

def polygons(geom):
    """The polygons of a Polygon / MultiPolygon / GeometryCollection."""
    if geom.is_empty:
        return []
    if geom.geom_type == "Polygon":
        return [geom]
    if geom.geom_type in ("MultiPolygon", "GeometryCollection"):
        out = []
        for g in geom.geoms:
            out.extend(polygons(g))
        return out
    return []


def as_multi(geom):
    return MultiPolygon(polygons(geom))


def map_coords(geom, fn):
    """Apply fn(xs, ys) -> (xs, ys) (numpy arrays) to every ring of a (multi)polygon."""
    def ring(r):
        xy = np.array(r.coords)
        x, y = fn(xy[:, 0], xy[:, 1])
        return list(zip(np.asarray(x).tolist(), np.asarray(y).tolist()))

    def poly(p):
        return Polygon(ring(p.exterior), [ring(i) for i in p.interiors])

    if geom.geom_type == "Polygon":
        return poly(geom)
    if geom.geom_type == "MultiPolygon":
        return MultiPolygon([poly(p) for p in geom.geoms])
    raise ValueError(geom.geom_type)


def reproject(geom, src, dst):
    tr = TR[(src, dst)]
    return map_coords(geom, lambda x, y: tr.transform(x, y))


def round_coords(geom, ndigits):
    return map_coords(geom, lambda x, y: (np.round(x, ndigits), np.round(y, ndigits)))


def densify(geom, max_len):
    """Insert vertices so that no edge is longer than max_len (like shapely 2's segmentize)."""
    def fn(x, y):
        xs, ys = [x[0]], [y[0]]
        for i in range(1, len(x)):
            d = math.hypot(x[i] - x[i - 1], y[i] - y[i - 1])
            n = max(1, int(math.ceil(d / max_len)))
            t = np.arange(1, n + 1) / n
            xs.extend((x[i - 1] + t * (x[i] - x[i - 1])).tolist())
            ys.extend((y[i - 1] + t * (y[i] - y[i - 1])).tolist())
        return np.array(xs), np.array(ys)
    return map_coords(geom, fn)


def ring_area_ll(coords):
    xy = np.array(coords)
    a, _ = GEOD.polygon_area_perimeter(xy[:, 0], xy[:, 1])
    return a


def ell_area_ll(geom):
    """Ellipsoidal (GRS80) area of a valid lon/lat (multi)polygon, m²."""
    total = 0.0
    for p in polygons(geom):
        p = orient(p, 1.0)
        total += GEOD.geometry_area_perimeter(p)[0]
    return total


def ell_area_gk(geom):
    return ell_area_ll(reproject(geom, EPSG_GK, EPSG_LL))


# --------------------------------------------------------------------------------------------
# random shapes

def radius_fn(rng, rough, kmax, power, elong=1.0, angle=0.0):
    """r(theta) of a smooth random star-shaped blob (ellipse times exp of a Fourier series)."""
    ks = np.arange(2, kmax + 1, dtype=float)
    amp = rough * rng.standard_normal(len(ks)) / ks ** power
    ph = rng.uniform(0.0, 2.0 * np.pi, len(ks))

    def f(theta):
        r = np.exp((amp[:, None] * np.cos(ks[:, None] * theta[None, :] + ph[:, None])).sum(0))
        c, s = np.cos(theta - angle), np.sin(theta - angle)
        return r / np.sqrt((c / elong) ** 2 + s ** 2)
    return f


def blob(fn, area, spacing, cx=0.0, cy=0.0, min_vertices=48):
    """Polygon of the star-shaped r(theta) scaled to a planar area, vertices ~spacing apart."""
    def ring(n):
        th = (np.arange(n) + 0.5) * (2.0 * np.pi / n)
        r = fn(th)
        x, y = r * np.cos(th), r * np.sin(th)
        a = 0.5 * abs(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1)))
        s = math.sqrt(area / a)
        return s * x, s * y

    x, y = ring(512)
    per = np.hypot(np.diff(np.r_[x, x[:1]]), np.diff(np.r_[y, y[:1]])).sum()
    n = max(min_vertices, int(math.ceil(per / spacing)))
    x, y = ring(n)
    return Polygon(zip(np.round(cx + x, 3), np.round(cy + y, 3)))


def bisect(f, lo, hi, target, iters=40):
    """t in [lo, hi] with f(t) ~ target, f increasing."""
    for _ in range(iters):
        mid = 0.5 * (lo + hi)
        if f(mid) < target:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


def random_point_in(rng, region_prep, bounds):
    minx, miny, maxx, maxy = bounds
    while True:
        x, y = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
        if region_prep.contains(Point(x, y)):
            return x, y


def far_from(geom, others, gap):
    for o in others:
        if geom.distance(o) < gap:
            return False
    return True


# --------------------------------------------------------------------------------------------
# OGR writing

def srs(epsg):
    s = osr.SpatialReference()
    s.ImportFromEPSG(epsg)
    s.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    return s


def remove(path):
    for p in (path, path + ".aux.xml"):
        if os.path.exists(p):
            os.remove(p)


def write_layer(path, driver, layer_name, epsg, geom_type, fields, rows,
                dsco=None, lco=None):
    """rows: list of (shapely geometry, {field: value})."""
    drv = ogr.GetDriverByName(driver)
    if driver == "ESRI Shapefile":
        base = os.path.splitext(path)[0]
        for ext in (".shp", ".shx", ".dbf", ".prj", ".cpg", ".qix", ".sbn", ".sbx"):
            remove(base + ext)
    else:
        remove(path)
    ds = drv.CreateDataSource(path, options=dsco or [])
    lyr = ds.CreateLayer(layer_name, srs(epsg), geom_type, options=lco or [])
    for name, ftype, width, prec in fields:
        fd = ogr.FieldDefn(name, ftype)
        if width:
            fd.SetWidth(width)
        if prec:
            fd.SetPrecision(prec)
        lyr.CreateField(fd)
    defn = lyr.GetLayerDefn()
    for geom, attrs in rows:
        feat = ogr.Feature(defn)
        for k, v in attrs.items():
            feat.SetField(k, v)
        feat.SetGeometry(ogr.CreateGeometryFromWkb(wkb.dumps(geom)))
        lyr.CreateFeature(feat)
        feat = None
    lyr = None
    ds = None


def read_layer(path, layer=None):
    ds = ogr.Open(path)
    lyr = ds.GetLayerByName(layer) if layer else ds.GetLayer(0)
    epsg = lyr.GetSpatialRef().GetAuthorityCode(None)
    out = []
    for f in lyr:
        g = wkb.loads(bytes(f.GetGeometryRef().ExportToWkb()))
        out.append((g, {k: f.GetField(k) for k in f.keys()}))
    return int(epsg) if epsg else None, out


# --------------------------------------------------------------------------------------------
# raster helpers (numpy only)

def smooth_noise(rng, shape, sigma_px):
    """Unit-variance Gaussian-blurred white noise (FFT blur on a padded grid)."""
    pad = int(3 * sigma_px) + 1
    big = (shape[0] + 2 * pad, shape[1] + 2 * pad)
    z = rng.standard_normal(big)
    out = gaussian_blur(z, sigma_px)[pad:pad + shape[0], pad:pad + shape[1]]
    out = out - out.mean()
    return out / out.std()


def gaussian_blur(a, sigma_px):
    fy = np.fft.fftfreq(a.shape[0])[:, None]
    fx = np.fft.rfftfreq(a.shape[1])[None, :]
    k = np.exp(-2.0 * np.pi ** 2 * sigma_px ** 2 * (fx ** 2 + fy ** 2))
    return np.fft.irfft2(np.fft.rfft2(a) * k, s=a.shape)


def upsample(coarse, factor, shape):
    """Bilinear upsampling of a coarse grid (cell i covers fine cells i*factor..) to shape."""
    def axis(n_fine, n_coarse):
        c = (np.arange(n_fine) + 0.5) / factor - 0.5
        c = np.clip(c, 0, n_coarse - 1)
        i0 = np.minimum(np.floor(c).astype(int), n_coarse - 2)
        return i0, (c - i0).astype(np.float32)
    y0, wy = axis(shape[0], coarse.shape[0])
    x0, wx = axis(shape[1], coarse.shape[1])
    c = coarse.astype(np.float32)
    top = c[y0][:, x0] * (1 - wx) + c[y0][:, x0 + 1] * wx
    bot = c[y0 + 1][:, x0] * (1 - wx) + c[y0 + 1][:, x0 + 1] * wx
    return top * (1 - wy[:, None]) + bot * wy[:, None]


def rasterize(geoms, epsg, gt, shape, all_touched=False):
    """Byte mask (1 inside) of shapely geometries on a north-up grid."""
    mem = gdal.GetDriverByName("MEM").Create("", shape[1], shape[0], 1, gdal.GDT_Byte)
    mem.SetGeoTransform(gt)
    mem.SetProjection(srs(epsg).ExportToWkt())
    vds = ogr.GetDriverByName("Memory").CreateDataSource("m")
    lyr = vds.CreateLayer("m", srs(epsg), ogr.wkbUnknown)
    for g in geoms:
        f = ogr.Feature(lyr.GetLayerDefn())
        f.SetGeometry(ogr.CreateGeometryFromWkb(wkb.dumps(g)))
        lyr.CreateFeature(f)
    opts = ["ALL_TOUCHED=TRUE"] if all_touched else []
    gdal.RasterizeLayer(mem, [1], lyr, burn_values=[1], options=opts)
    return mem.GetRasterBand(1).ReadAsArray().astype(bool)


def assign_top(lc, score, free_in, n, code, free_all):
    """Give `code` to the n highest-scoring free district cells (and, with the same threshold,
    to free cells in the margin outside the district)."""
    if n <= 0:
        return
    vals = score[free_in]
    n = min(n, vals.size)
    thr = np.partition(vals, vals.size - n)[vals.size - n]
    sel = free_all & (score >= thr)
    lc[sel] = code
    free_all &= ~sel
    free_in &= ~sel


# --------------------------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--out", default=os.path.join(os.path.dirname(here), "sample_data"),
                    help="output directory (default: sample_data/ next to scripts/)")
    args = ap.parse_args()
    out = args.out
    os.makedirs(out, exist_ok=True)

    gdal.SetConfigOption("OGR_CURRENT_DATE", FIXED_DATE)   # gpkg_contents.last_change
    gdal.SetConfigOption("GDAL_PAM_ENABLED", "NO")          # no .aux.xml side files

    rng = np.random.default_rng(SEED)

    def P(name):
        return os.path.join(out, name)

    city_gk = TR[(EPSG_LL, EPSG_GK)].transform(*CITY_LL)

    # ---------------------------------------------------------------- 1. district boundary
    fn = radius_fn(rng, rough=0.16, kmax=110, power=1.0, elong=2.3, angle=np.pi / 2 + 0.06)
    cx, cy = city_gk[0] - 7500.0, city_gk[1] - 5000.0
    area = DISTRICT_AREA_M2
    for _ in range(3):   # scale planar area until the ellipsoidal area hits the target
        d_gk = blob(fn, area, 300.0, cx, cy)
        area *= DISTRICT_AREA_M2 / ell_area_gk(d_gk)
    d_gk = densify(blob(fn, area, 300.0, cx, cy), 400.0)
    # The lon/lat polygon (rounded to 1e-9 degrees, as written) is the master boundary.
    d_ll = round_coords(reproject(d_gk, EPSG_GK, EPSG_LL), 9)
    d_gk = reproject(d_ll, EPSG_LL, EPSG_GK)
    assert d_ll.is_valid and d_gk.is_valid
    path = P("boundary.geojson")
    write_layer(path, "GeoJSON", "boundary", EPSG_LL, ogr.wkbPolygon,
                [("XZQDM", ogr.OFTString, 6, 0), ("XZQMC", ogr.OFTString, 50, 0)],
                [(d_ll, {"XZQDM": DISTRICT_CODE, "XZQMC": DISTRICT_NAME})],
                lco=["RFC7946=NO", "COORDINATE_PRECISION=9", "WRITE_BBOX=NO"])

    d_prep = prep(d_gk)
    bounds = d_gk.bounds

    # ---------------------------------------------------------------- 2. townships
    streets = ["城东街道", "城南街道", "城西街道", "正阳街道", "舟白街道", "冯家街道"]
    towns = ["阿蓬江镇", "石会镇", "黑溪镇", "黄溪镇", "黎水镇", "金溪镇", "马喇镇", "濯水镇", "鹅池镇"]
    # street seeds around the city centre (east, south, west, north, north-east, south-west)
    street_dirs = {"城东街道": 0, "城南街道": 270, "城西街道": 180, "正阳街道": 100,
                   "舟白街道": 30, "冯家街道": 220}
    env = Polygon([(bounds[0] - 20000, bounds[1] - 20000), (bounds[2] + 20000, bounds[1] - 20000),
                   (bounds[2] + 20000, bounds[3] + 20000), (bounds[0] - 20000, bounds[3] + 20000)])
    names = streets + towns
    inner3 = prep(d_gk.buffer(-4000))
    for attempt in range(200):   # redraw until every township has at least 30 km²
        seeds = {}
        for name in streets:
            a = math.radians(street_dirs[name] + rng.uniform(-15, 15))
            r = rng.uniform(2500, 4500)
            seeds[name] = (city_gk[0] + r * math.cos(a), city_gk[1] + r * math.sin(a))
        for name in towns:
            for _ in range(10000):
                x, y = random_point_in(rng, inner3, bounds)
                if math.hypot(x - city_gk[0], y - city_gk[1]) < 13000:
                    continue
                if all(math.hypot(x - sx, y - sy) > 14000 for sx, sy in seeds.values()):
                    break
            seeds[name] = (x, y)
        cells = list(voronoi_diagram(MultiPoint([seeds[n] for n in names]), envelope=env).geoms)
        township_rows = []
        for i, name in enumerate(names):
            pt = Point(seeds[name])
            cell = [c for c in cells if c.contains(pt)][0]
            geom = as_multi(cell.intersection(d_gk))
            code = DISTRICT_CODE + ("%03d" % (i + 1) if i < len(streets) else "%03d" % (100 + i - len(streets)))
            assert geom.is_valid
            township_rows.append((geom, {"XZQDM": code, "XZQMC": name}))
        if min(g.area for g, _ in township_rows) >= 30.0e6:
            break
    else:
        raise RuntimeError("could not draw townships")
    write_layer(P("townships.gpkg"), "GPKG", "townships", EPSG_GK, ogr.wkbMultiPolygon,
                [("XZQDM", ogr.OFTString, 9, 0), ("XZQMC", ogr.OFTString, 50, 0)],
                township_rows)

    # ---------------------------------------------------------------- 3. red line
    d_in = d_gk.buffer(-1200)
    d_in_prep = prep(d_in)
    placed = []        # shapely polygons already placed (for spacing)
    features = []      # dicts: geom, tags
    GAP = 300.0

    def rl_fn():
        return radius_fn(rng, rough=0.35, kmax=18, power=1.3, elong=rng.uniform(1.0, 2.6),
                         angle=rng.uniform(0, np.pi))

    def free_spot(shape, region_prep=d_in_prep, others=None, tries=3000):
        others = placed if others is None else others
        for _ in range(tries):
            x, y = random_point_in(rng, region_prep, bounds)
            g = translate(shape, x, y)
            if region_prep.contains(g) and far_from(g, others, GAP):
                return g
        raise RuntimeError("could not place a shape")

    # (c) a polygon with a hole (an enclave left out of the red line)
    outer = free_spot(blob(radius_fn(rng, 0.2, 10, 1.3, 1.3, rng.uniform(0, np.pi)), 30.0e6, 120.0))
    c = outer.centroid
    hole = blob(radius_fn(rng, 0.2, 8, 1.3, 1.2, 0.3), 1.6e6, 100.0, c.x, c.y)
    assert outer.buffer(-300).contains(hole)
    g = Polygon(outer.exterior.coords, [hole.exterior.coords])
    placed.append(g)
    features.append({"geom": g, "tag": "hole"})

    # (d) a multipart feature: two blobs 700 m apart
    p1 = free_spot(blob(rl_fn(), 6.5e6, 120.0))
    shape2 = blob(rl_fn(), 4.2e6, 120.0)
    for _ in range(1000):
        a = rng.uniform(0, 2 * np.pi)
        ux, uy = math.cos(a), math.sin(a)
        c1 = p1.centroid
        t = bisect(lambda t: p1.distance(translate(shape2, c1.x + t * ux, c1.y + t * uy)),
                   0.0, 15000.0, 700.0)
        p2 = translate(shape2, c1.x + t * ux, c1.y + t * uy)
        if d_in_prep.contains(p2) and far_from(p2, placed, GAP):
            break
    else:
        raise RuntimeError("could not place the multipart feature")
    g = MultiPolygon([p1, p2])
    placed.append(g)
    features.append({"geom": g, "tag": "multipart"})

    # (b) polygons crossing the district boundary: (planar area, planar area outside)
    centroid = d_gk.centroid
    crossers = [(12.0e6, 2.4e6, 0.12), (9.0e6, 1.6e6, 0.47), (6.0e6, 1.0e6, 0.78)]
    ext = d_gk.exterior
    for area_, outside, frac in crossers:
        shape = blob(rl_fn(), area_, 120.0)
        for k in range(200):
            bp = ext.interpolate((frac + 0.01 * k) % 1.0, normalized=True)
            ux, uy = bp.x - centroid.x, bp.y - centroid.y
            n = math.hypot(ux, uy)
            ux, uy = ux / n, uy / n
            t = bisect(lambda t: translate(shape, bp.x + t * ux, bp.y + t * uy).difference(d_gk).area,
                       -8000.0, 8000.0, outside)
            g = translate(shape, bp.x + t * ux, bp.y + t * uy)
            inside = g.intersection(d_gk)
            if len(polygons(inside)) == 1 and far_from(g, placed, GAP):
                break
        else:
            raise RuntimeError("could not place a boundary-crossing feature")
        placed.append(g)
        features.append({"geom": g, "tag": "outside"})

    # (a) overlapping pairs: (area A, area B, planar overlap)
    pairs = [(14.0e6, 9.0e6, 3.6e6), (20.0e6, 6.0e6, 2.6e6), (11.0e6, 7.0e6, 2.4e6), (16.0e6, 5.0e6, 1.6e6)]
    for aa, bb, ov in pairs:
        for _ in range(1000):
            A = free_spot(blob(rl_fn(), aa, 120.0))
            shapeB = blob(rl_fn(), bb, 120.0)
            a = rng.uniform(0, 2 * np.pi)
            ux, uy = math.cos(a), math.sin(a)
            cA = A.centroid
            t = bisect(lambda t: -translate(shapeB, cA.x + t * ux, cA.y + t * uy).intersection(A).area,
                       0.0, 15000.0, -ov)
            B = translate(shapeB, cA.x + t * ux, cA.y + t * uy)
            if d_in_prep.contains(B) and far_from(B, placed, GAP) and \
                    len(polygons(A.difference(B))) == 1 and len(polygons(B.difference(A))) == 1:
                break
        else:
            raise RuntimeError("could not place an overlapping pair")
        placed.extend([A, B])
        features.append({"geom": A, "tag": "overlap"})
        features.append({"geom": B, "tag": "overlap"})

    # the rest: non-overlapping blobs, sizes 1..40 km², total of all parts ~616 km²
    planted = sum(f["geom"].area for f in features)
    rest = 616.0e6 - planted
    m = 37
    sizes = np.exp(rng.normal(math.log(9.0), 0.85, m))
    for _ in range(50):
        sizes = np.clip(sizes * (rest / 1e6 / sizes.sum()), 1.0, 40.0)
    sizes = np.sort(sizes)[::-1] * 1e6
    sizes[-1] += rest - sizes.sum()
    for s in sizes:
        g = free_spot(blob(rl_fn(), float(s), 120.0))
        placed.append(g)
        features.append({"geom": g, "tag": ""})

    # order north to south, give ids, types, names and area attributes
    features.sort(key=lambda f: (-round(f["geom"].centroid.y, -2), f["geom"].centroid.x))
    kinds = ["水源涵养", "生物多样性维护", "水土保持"]
    counters = {k: 0 for k in kinds}
    for i, f in enumerate(features):
        assert f["geom"].is_valid, i
        f["HXBH"] = "HX%s-%03d" % (DISTRICT_CODE, i + 1)
        kind = kinds[int(rng.choice(3, p=[0.45, 0.33, 0.22]))]
        counters[kind] += 1
        f["HXLX"] = kind
        f["HXMC"] = "%s%s生态保护红线%02d" % (DISTRICT_NAME, kind, counters[kind])
        f["ell"] = ell_area_gk(f["geom"])
        f["MJ"] = round(f["ell"], 2)
        f["error"] = ""
    plain = [f for f in features if not f["tag"]]
    # planar Gauss-Krüger area on the feature farthest from the central meridian
    f = max(plain, key=lambda f: abs(f["geom"].centroid.x - 500000.0))
    f["MJ"], f["error"] = round(f["geom"].area, 2), "planar"
    rest_plain = [f for f in plain if not f["error"]]
    pick = rng.choice(len(rest_plain), 2, replace=False)
    f = rest_plain[int(pick[0])]
    f["MJ"], f["error"] = round(f["ell"] / 666.6667, 2), "mu"
    f = rest_plain[int(pick[1])]
    f["MJ"], f["error"] = round(f["ell"] * 1.12, 2), "plus12"

    write_layer(P("redline.shp"), "ESRI Shapefile", "redline", EPSG_GK, ogr.wkbPolygon,
                [("HXBH", ogr.OFTString, 20, 0), ("HXMC", ogr.OFTString, 80, 0),
                 ("HXLX", ogr.OFTString, 30, 0), ("MJ", ogr.OFTReal, 18, 2)],
                [(f["geom"], {k: f[k] for k in ("HXBH", "HXMC", "HXLX", "MJ")}) for f in features],
                lco=["ENCODING=GBK"])
    patch_dbf_date(P("redline.dbf"))

    # ---------------------------------------------------------------- rivers (used below)
    def river_line(p0, p1, amp, kmax, step=100.0):
        (x0, y0), (x1, y1) = p0, p1
        L = math.hypot(x1 - x0, y1 - y0)
        ux, uy = (x1 - x0) / L, (y1 - y0) / L
        s = np.linspace(0, L, int(L / step) + 1)
        off = np.zeros_like(s)
        for k in range(1, kmax + 1):
            off += amp * rng.standard_normal() / k ** 1.2 * np.sin(k * np.pi * s / L)
        return LineString(zip(x0 + s * ux - off * uy, y0 + s * uy + off * ux))

    main_river = river_line((bounds[2] + 4000, bounds[3] - 22000), (bounds[0] - 4000, bounds[1] + 26000),
                            2500.0, 40)
    trib_end = main_river.interpolate(main_river.project(Point(city_gk[0] - 3000, city_gk[1] - 12000)))
    tributary = river_line((city_gk[0] + 2500, bounds[3] + 3000), (trib_end.x, trib_end.y), 1200.0, 30)

    # ---------------------------------------------------------------- 4. protected areas
    pa_placed = []
    pa = []
    # wetland park along the main river, crossing the district boundary where the river leaves
    inter = main_river.intersection(d_gk)
    exit_s = max(main_river.project(Point(pt)) for ln in (inter.geoms if hasattr(inter, "geoms") else [inter])
                 for pt in (ln.coords[0], ln.coords[-1]))
    seg = substring(main_river, exit_s - 33000.0, exit_s + 4000.0)
    wet = seg.buffer(380.0, resolution=8)
    wet = Polygon(wet.exterior.coords)
    pa_placed.append(wet)
    pa.append((wet, "重庆阿蓬江国家湿地公园", "湿地公园"))

    def pa_blob(area_):
        return blob(radius_fn(rng, 0.3, 16, 1.2, rng.uniform(1.0, 2.0), rng.uniform(0, np.pi)),
                    area_, 150.0)

    d_in2 = prep(d_gk.buffer(-1500))
    geo = free_spot(pa_blob(88.0e6), d_in2, pa_placed)
    pa_placed.append(geo)
    pa.append((geo, "重庆小南海国家地质公园", "地质公园"))
    scenic = free_spot(pa_blob(112.0e6), d_in2, pa_placed)
    pa_placed.append(scenic)
    pa.append((scenic, "黔江濯水风景名胜区", "风景名胜区"))
    # a forest park entirely inside the scenic area
    sc = scenic.centroid
    fp = pa_blob(22.0e6)
    fp = translate(fp, sc.x, sc.y)
    k = 1.0
    while not scenic.buffer(-200).contains(fp):
        k *= 0.93
        fp = translate(blob(radius_fn(rng, 0.2, 10, 1.3), 22.0e6 * k, 150.0), sc.x, sc.y)
    pa.append((fp, "黔江灰千梁子森林公园", "森林公园"))
    nr = free_spot(pa_blob(100.0e6), d_in2, pa_placed)
    pa_placed.append(nr)
    pa.append((nr, "重庆黔江麒麟盖自然保护区", "自然保护区"))
    # a forest park overlapping the nature reserve by ~3 km²
    shape = pa_blob(45.0e6)
    for _ in range(1000):
        a = rng.uniform(0, 2 * np.pi)
        ux, uy = math.cos(a), math.sin(a)
        c0 = nr.centroid
        t = bisect(lambda t: -translate(shape, c0.x + t * ux, c0.y + t * uy).intersection(nr).area,
                   0.0, 30000.0, -3.0e6)
        g = translate(shape, c0.x + t * ux, c0.y + t * uy)
        if d_in2.contains(g) and far_from(g, [p for p in pa_placed if p is not nr], GAP):
            break
    else:
        raise RuntimeError("could not place the overlapping forest park")
    pa_placed.append(g)
    pa.append((g, "黔江八面山森林公园", "森林公园"))
    yt = free_spot(pa_blob(16.0e6), d_in2, pa_placed)
    pa_placed.append(yt)
    pa.append((yt, "黔江仰头山森林公园", "森林公园"))
    # the bow-tie: a figure-8 ring crossing itself once (invalid; two lobes of ~10 km²)
    n = 400
    t = (np.arange(n) + 0.5) * (2 * np.pi / n)
    mod = radius_fn(rng, 0.12, 6, 1.0)(t)
    L, W = 4200.0, 3400.0
    bx, by = L * mod * np.cos(t), W * mod * np.sin(t) * np.cos(t)
    rot = rng.uniform(0, np.pi)
    rx, ry = bx * math.cos(rot) - by * math.sin(rot), bx * math.sin(rot) + by * math.cos(rot)
    bow0 = Polygon(zip(np.round(rx, 3), np.round(ry, 3)))
    hull = bow0.convex_hull
    spot = free_spot(hull, d_in2, pa_placed)
    off = (spot.centroid.x - hull.centroid.x, spot.centroid.y - hull.centroid.y)
    bow = translate(bow0, *off)
    assert not bow.is_valid
    pa_placed.append(spot)
    pa.append((bow, "黔江神龟峡风景名胜区", "风景名胜区"))

    pa_rows = []
    type_codes = {"自然保护区": "ZRBHQ", "森林公园": "SLGY", "风景名胜区": "FJMSQ",
                  "湿地公园": "SDGY", "地质公园": "DZGY"}
    for i, (g, name, kind) in enumerate(pa):
        g_ll = reproject(densify(g, 300.0), EPSG_GK, EPSG_LL)
        if g is bow:
            mj = ell_area_ll(make_valid(g_ll))
        else:
            assert g.is_valid and g_ll.is_valid, name
            mj = ell_area_ll(g_ll)
        pa_rows.append((as_multi(g_ll) if g is not bow else MultiPolygon([g_ll]),
                        {"BHDBM": "%s%s%02d" % (DISTRICT_CODE, type_codes[kind], i + 1),
                         "BHDMC": name, "BHDLX": kind, "MJ": round(mj, 2)}))
    write_layer(P("protected.gpkg"), "GPKG", "protected_areas", EPSG_LL, ogr.wkbMultiPolygon,
                [("BHDBM", ogr.OFTString, 20, 0), ("BHDMC", ogr.OFTString, 50, 0),
                 ("BHDLX", ogr.OFTString, 20, 0), ("MJ", ogr.OFTReal, 0, 0)],
                pa_rows)

    # ---------------------------------------------------------------- 7. shrub mask
    shrub = []
    d_in5 = prep(d_gk.buffer(-6000))
    for area_ in (330.0e6, 260.0e6, 215.0e6):
        shape = blob(radius_fn(rng, 0.25, 14, 1.2, rng.uniform(1.0, 1.8), rng.uniform(0, np.pi)),
                     area_, 250.0)
        for _ in range(5000):
            x, y = random_point_in(rng, d_in5, bounds)
            g = translate(shape, x, y)
            if far_from(g, shrub, 500.0) and g.intersection(d_gk).area > 0.93 * area_:
                break
        else:
            raise RuntimeError("could not place a shrub-mask polygon")
        shrub.append(g)
    shrub_rows = []
    for i, g in enumerate(shrub):
        g_ll = reproject(densify(g, 300.0), EPSG_GK, EPSG_LL)
        assert g_ll.is_valid
        shrub_rows.append((as_multi(g_ll), {"BH": "GTGML-%02d" % (i + 1),
                                            "MC": "国家特别规定灌木林地范围%d" % (i + 1)}))
    write_layer(P("shrub_mask.gpkg"), "GPKG", "shrub_mask", EPSG_LL, ogr.wkbMultiPolygon,
                [("BH", ogr.OFTString, 20, 0), ("MC", ogr.OFTString, 50, 0)], shrub_rows)

    # ---------------------------------------------------------------- 5. land cover raster
    d_utm = reproject(d_gk, EPSG_GK, EPSG_UTM)
    minx, miny, maxx, maxy = d_utm.bounds
    res, margin = 30.0, 1500.0
    x0 = math.floor((minx - margin) / res) * res
    y1 = math.ceil((maxy + margin) / res) * res
    ncol = int(math.ceil((maxx + margin - x0) / res))
    nrow = int(math.ceil((y1 - (miny - margin)) / res))
    gt = (x0, res, 0.0, y1, 0.0, -res)
    shape = (nrow, ncol)
    F = 3  # coarse grid factor for the smooth fields (90 m)
    cshape = (nrow // F + 2, ncol // F + 2)
    cgt = (x0, res * F, 0.0, y1, 0.0, -res * F)

    def field(sigma_m, w=1.0):
        return smooth_noise(rng, cshape, sigma_m / (res * F)) * w

    elev = field(7000) + field(2500, 0.6) + field(800, 0.3) + field(250, 0.12)
    river_utm = [reproject(Polygon(main_river.buffer(60.0, resolution=4).exterior.coords), EPSG_GK, EPSG_UTM),
                 reproject(Polygon(tributary.buffer(25.0, resolution=4).exterior.coords), EPSG_GK, EPSG_UTM)]
    cr = rasterize(river_utm, EPSG_UTM, cgt, cshape, all_touched=True).astype(float)
    near_river = gaussian_blur(cr, 1500.0 / (res * F))
    near_river /= near_river.max()
    elev -= 2.2 * near_river
    # city and villages: distance kernels on the coarse grid
    cxs = cgt[0] + (np.arange(cshape[1]) + 0.5) * cgt[1]
    cys = cgt[3] + (np.arange(cshape[0]) + 0.5) * cgt[5]
    CX, CY = np.meshgrid(cxs, cys)
    tr = TR[(EPSG_GK, EPSG_UTM)]
    city = np.zeros(cshape)
    for name, sigma, w in (("城西街道", 1100.0, 0.8), ("城东街道", 1100.0, 0.8)):
        ux, uy = tr.transform(*seeds[name])
        city += w * np.exp(-((CX - ux) ** 2 + (CY - uy) ** 2) / (2 * sigma ** 2))
    ux, uy = tr.transform(*city_gk)
    city += 1.0 * np.exp(-((CX - ux) ** 2 + (CY - uy) ** 2) / (2 * 1500.0 ** 2))
    villages = np.zeros(cshape)
    for name in towns + ["正阳街道", "舟白街道", "冯家街道", "城南街道"]:
        ux, uy = tr.transform(*seeds[name])
        villages += np.exp(-((CX - ux) ** 2 + (CY - uy) ** 2) / (2 * 700.0 ** 2))
    for _ in range(90):   # hamlets, preferably along the rivers
        ln = main_river if rng.random() < 0.6 else tributary
        p = ln.interpolate(rng.uniform(0, ln.length))
        ux, uy = tr.transform(p.x + rng.normal(0, 2500), p.y + rng.normal(0, 2500))
        villages += rng.uniform(0.4, 0.9) * np.exp(-((CX - ux) ** 2 + (CY - uy) ** 2) / (2 * 300.0 ** 2))
    built_s = 1.1 * city + 1.0 * villages + 0.25 * near_river + 0.22 * field(250) + 0.1 * field(1000)
    wet_s = near_river + 0.35 * field(300) - 0.15 * elev
    crop_s = -0.8 * elev + 0.7 * field(600) + 0.35 * field(200) + 0.6 * np.minimum(city + villages, 1.0)
    bare_s = elev + 0.6 * field(300)
    grass_s = 0.5 * elev + field(900) + 0.4 * field(250)
    shrub_s = 0.3 * elev + field(1200) + 0.5 * field(250)

    inside = rasterize([d_utm], EPSG_UTM, gt, shape)
    n_in = int(inside.sum())
    lc = np.zeros(shape, dtype=np.uint8)
    free_all = np.ones(shape, dtype=bool)
    # cloud gaps (nodata, 0), ~0.5 % of the district
    d_utm_in = prep(d_utm.buffer(-3000))
    clouds = []
    for area_ in (4.8e6, 4.0e6, 3.2e6):
        cshape_ = blob(radius_fn(rng, 0.3, 10, 1.2, 1.5, rng.uniform(0, np.pi)), area_, 100.0)
        clouds.append(_place_utm(rng, cshape_, d_utm_in, d_utm.bounds, clouds))
    cl = rasterize(clouds, EPSG_UTM, gt, shape)
    free_all &= ~cl
    free_in = free_all & inside
    # water: rivers and two reservoirs
    reservoirs = []
    for area_ in (1.6e6, 0.9e6):
        rs = blob(radius_fn(rng, 0.35, 10, 1.2, 2.2, rng.uniform(0, np.pi)), area_, 60.0)
        reservoirs.append(_place_utm(rng, rs, d_utm_in, d_utm.bounds, clouds + reservoirs))
    water = rasterize(river_utm + reservoirs, EPSG_UTM, gt, shape) & free_all
    lc[water] = 80
    free_all &= ~water
    free_in &= ~water

    def up(a):
        return upsample(a, F, shape)

    assign_top(lc, up(built_s), free_in, int(0.030 * n_in), 50, free_all)
    assign_top(lc, up(wet_s), free_in, int(0.005 * n_in), 90, free_all)
    assign_top(lc, up(crop_s), free_in, int(0.150 * n_in), 40, free_all)
    assign_top(lc, up(bare_s), free_in, int(0.010 * n_in), 60, free_all)
    assign_top(lc, up(grass_s), free_in, int(0.093 * n_in), 30, free_all)
    assign_top(lc, up(shrub_s), free_in, int(0.060 * n_in), 20, free_all)
    lc[free_all] = 10

    path = P("landcover.tif")
    remove(path)
    ds = gdal.GetDriverByName("GTiff").Create(
        path, ncol, nrow, 1, gdal.GDT_Byte,
        options=["TILED=YES", "BLOCKXSIZE=256", "BLOCKYSIZE=256", "COMPRESS=DEFLATE",
                 "PREDICTOR=2", "ZLEVEL=9"])
    ds.SetGeoTransform(gt)
    ds.SetProjection(srs(EPSG_UTM).ExportToWkt())
    band = ds.GetRasterBand(1)
    band.SetNoDataValue(0)
    ct = gdal.ColorTable()
    ct.SetColorEntry(0, (0, 0, 0, 0))
    for code, rgb in WORLDCOVER_COLOURS.items():
        ct.SetColorEntry(code, rgb + (255,))
    band.SetColorTable(ct)
    band.WriteArray(lc)
    band = None
    ds = None

    # ---------------------------------------------------------------- 6. land-use parcels (DLTB)
    pts = []
    while len(pts) < 360:
        pts.append(random_point_in(rng, d_prep, bounds))
    while len(pts) < 540:
        x, y = city_gk[0] + rng.normal(0, 4500), city_gk[1] + rng.normal(0, 4500)
        if d_prep.contains(Point(x, y)):
            pts.append((x, y))
    rivers_in = [main_river, tributary]
    while len(pts) < 660:
        ln = rivers_in[int(rng.random() < 0.3)]
        p = ln.interpolate(rng.uniform(0, ln.length))
        x, y = p.x + rng.normal(0, 900), p.y + rng.normal(0, 900)
        if d_prep.contains(Point(x, y)):
            pts.append((x, y))
    pts = np.array(pts)
    # class shares per parcel: sample the raster every 120 m and give each sample to its
    # nearest seed (= its Voronoi cell)
    sx = np.arange(bounds[0] + 60, bounds[2], 120.0)
    sy = np.arange(bounds[1] + 60, bounds[3], 120.0)
    SX, SY = np.meshgrid(sx, sy)
    SX, SY = SX.ravel(), SY.ravel()
    ux, uy = tr.transform(SX, SY)
    col = np.floor((np.asarray(ux) - gt[0]) / res).astype(int)
    row = np.floor((np.asarray(uy) - gt[3]) / -res).astype(int)
    ok = inside[row, col]
    SX, SY, cls = SX[ok], SY[ok], lc[row[ok], col[ok]]
    nearest = np.empty(SX.size, dtype=int)
    for i in range(0, SX.size, 20000):
        d2 = (SX[i:i + 20000, None] - pts[None, :, 0]) ** 2 + (SY[i:i + 20000, None] - pts[None, :, 1]) ** 2
        nearest[i:i + 20000] = d2.argmin(1)
    counts = np.zeros((len(pts), 256))
    np.add.at(counts, (nearest, cls), 1)
    weight = np.zeros(256)
    for code, w in ((10, 1.0), (20, 1.7), (30, 1.7), (40, 1.5), (50, 3.0), (60, 3.0), (80, 6.0), (90, 4.0)):
        weight[code] = w
    cells = list(voronoi_diagram(MultiPoint([tuple(p) for p in pts]), envelope=env).geoms)
    cell_of = {}
    for c in cells:
        rp = c.representative_point()
        d2 = (pts[:, 0] - rp.x) ** 2 + (pts[:, 1] - rp.y) ** 2
        cell_of[int(d2.argmin())] = c
    dltb = []
    for i in range(len(pts)):
        geom = cell_of[i].intersection(d_gk)
        geom = as_multi(geom)
        if geom.is_empty:
            continue
        assert geom.is_valid
        c = counts[i] * weight
        code = int(c.argmax()) if c.sum() > 0 else 10
        if code == 0:
            code = 10
        u = rng.random()
        cxy = geom.representative_point()
        dist_city = math.hypot(cxy.x - city_gk[0], cxy.y - city_gk[1])
        if code == 10:
            dlbm = "0302" if u < 0.10 else "0307" if u < 0.16 else "0301"
        elif code == 20:
            dlbm = "0305"
        elif code == 30:
            dlbm = "0404"
        elif code == 40:
            near = min(main_river.distance(cxy), tributary.distance(cxy)) < 1500
            dlbm = "0202" if u < 0.08 else "0101" if (near or u < 0.25) else "0103"
        elif code == 50:
            dlbm = "0701" if dist_city < 5000 else "0601" if u < 0.15 else "0702"
        elif code == 60:
            dlbm = "0602" if u < 0.3 else "1207"
        elif code == 80:
            dlbm = "1103" if any(r.distance(Point(*TR[(EPSG_GK, EPSG_UTM)].transform(cxy.x, cxy.y))) < 500
                                 for r in reservoirs) else "1101"
        else:
            dlbm = "1108"
        dltb.append((geom, dlbm))
    dltb_rows = []
    for i, (geom, dlbm) in enumerate(dltb):
        dltb_rows.append((geom, {"BSM": i + 1, "DLBM": dlbm, "DLMC": DLBM_NAMES[dlbm],
                                 "TBMJ": round(ell_area_gk(geom), 2)}))
    write_layer(P("landuse.gpkg"), "GPKG", "DLTB", EPSG_GK, ogr.wkbMultiPolygon,
                [("BSM", ogr.OFTInteger, 0, 0), ("DLBM", ogr.OFTString, 5, 0),
                 ("DLMC", ogr.OFTString, 20, 0), ("TBMJ", ogr.OFTReal, 0, 0)], dltb_rows)

    report(out, features)
    return 0


def _place_utm(rng, shape, region_prep, bounds, others):
    for _ in range(5000):
        x, y = random_point_in(rng, region_prep, bounds)
        g = translate(shape, x, y)
        if region_prep.contains(g) and far_from(g, others, 500.0):
            return g
    raise RuntimeError("could not place a shape")


def patch_dbf_date(path):
    """Pin the DBF header's last-update date (bytes 1-3) to FIXED_DATE for reproducible files."""
    y, mo, d = (int(v) for v in FIXED_DATE[:10].split("-"))
    with open(path, "r+b") as fh:
        fh.seek(1)
        fh.write(bytes([y - 1900, mo, d]))


# --------------------------------------------------------------------------------------------
# independent figures, measured from the written files

def to_ll(geom, epsg):
    return geom if epsg == EPSG_LL else reproject(geom, epsg, EPSG_LL)


def report(out, features):
    def P(name):
        return os.path.join(out, name)

    km2 = 1e-6
    print("== files")
    for name in sorted(os.listdir(out)):
        if name != "README.md":
            print("  %-22s %9d bytes" % (name, os.path.getsize(P(name))))

    epsg, rows = read_layer(P("boundary.geojson"))
    district = unary_union([g for g, _ in rows])
    d_area = ell_area_ll(district)
    minx, miny, maxx, maxy = district.bounds
    print("== district (boundary.geojson, EPSG:%s)" % epsg)
    print("  area %.3f km², vertices %d, bbox %.4f..%.4f E, %.4f..%.4f N"
          % (d_area * km2, len(district.exterior.coords) - 1, minx, maxx, miny, maxy))

    epsg, rows = read_layer(P("townships.gpkg"), "townships")
    tw = [(to_ll(g, epsg), a) for g, a in rows]
    tw_union = unary_union([g for g, _ in tw])
    tw_sum = sum(ell_area_ll(g) for g, _ in tw)
    print("== townships (EPSG:%s): %d zones, sum %.3f km², union %.3f km², gaps %.6f km², "
          "overlaps %.6f km², outside %.6f km²"
          % (epsg, len(tw), tw_sum * km2, ell_area_ll(tw_union) * km2,
             ell_area_ll(district.difference(tw_union)) * km2,
             (tw_sum - ell_area_ll(tw_union)) * km2, ell_area_ll(tw_union.difference(district)) * km2))

    def overlay(name, geoms_ll):
        parts = sum(ell_area_ll(g) for g in geoms_ll)
        diss = unary_union(geoms_ll)
        d_all = ell_area_ll(diss)
        d_in = ell_area_ll(diss.intersection(district))
        print("== %s" % name)
        print("  sum of parts        %10.3f km²" % (parts * km2))
        print("  dissolved           %10.3f km²" % (d_all * km2))
        print("  overlap (sum-diss.) %10.3f km²" % ((parts - d_all) * km2))
        print("  dissolved outside   %10.3f km²" % ((d_all - d_in) * km2))
        print("  dissolved inside    %10.3f km²  = %.3f %% of the district" % (d_in * km2, 100 * d_in / d_area))
        return diss.intersection(district)

    epsg, rows = read_layer(P("redline.shp"))
    rl = [(to_ll(g, epsg), a) for g, a in rows]
    print("== redline.shp: EPSG:%s, %d features, invalid %d, multipart %s, with holes %s"
          % (epsg, len(rl), sum(not g.is_valid for g, _ in rl),
             [a["HXBH"] for g, a in rl if len(polygons(g)) > 1],
             [a["HXBH"] for g, a in rl if any(len(p.interiors) for p in polygons(g))]))
    rl_in = overlay("red line", [g for g, _ in rl])
    print("  MJ mismatches (|MJ/area - 1| > 0.0001):")
    for g, a in rl:
        area = ell_area_ll(g)
        if abs(a["MJ"] / area - 1) > 1e-4:
            print("    %s  MJ %.2f  area %.2f  ratio %.6f" % (a["HXBH"], a["MJ"], area, a["MJ"] / area))
    worst = max(abs(a["MJ"] / ell_area_ll(g) - 1) for g, a in rl if abs(a["MJ"] / ell_area_ll(g) - 1) <= 1e-4)
    print("  largest |MJ/area - 1| of the others: %.2e" % worst)
    crossing = [a["HXBH"] for g, a in rl if not g.within(district)]
    print("  features crossing the boundary: %s" % crossing)
    ov = []
    for i in range(len(rl)):
        for j in range(i + 1, len(rl)):
            if rl[i][0].intersects(rl[j][0]):
                a = ell_area_ll(rl[i][0].intersection(rl[j][0]))
                if a > 0:
                    ov.append("%s×%s %.3f" % (rl[i][1]["HXBH"], rl[j][1]["HXBH"], a * km2))
    print("  overlapping pairs (km²): %s" % ", ".join(ov))

    epsg, rows = read_layer(P("protected.gpkg"), "protected_areas")
    pa = [(to_ll(g, epsg), a) for g, a in rows]
    print("== protected.gpkg: EPSG:%s, %d features" % (epsg, len(pa)))
    fixed = []
    for g, a in pa:
        if not g.is_valid:
            raw = sum(ring_area_ll(p.exterior.coords) for p in polygons(g))
            mv = make_valid(g)
            print("  invalid: %s %s; raw signed ring area %.3f km², MakeValid %.3f km² (%d parts), MJ %.3f km²"
                  % (a["BHDBM"], a["BHDMC"], raw * km2, ell_area_ll(mv) * km2, len(polygons(mv)), a["MJ"] * km2))
            g = as_multi(mv)
        fixed.append((g, a))
    pa_in = overlay("protected areas (invalid one repaired with MakeValid)", [g for g, _ in fixed])
    print("  features crossing the boundary: %s" % [a["BHDBM"] for g, a in fixed if not g.within(district)])
    for i in range(len(fixed)):
        for j in range(i + 1, len(fixed)):
            if fixed[i][0].intersects(fixed[j][0]):
                a = ell_area_ll(fixed[i][0].intersection(fixed[j][0]))
                if a > 0:
                    print("  overlap %s × %s: %.3f km²" % (fixed[i][1]["BHDMC"], fixed[j][1]["BHDMC"], a * km2))

    epsg, rows = read_layer(P("shrub_mask.gpkg"), "shrub_mask")
    shrub = unary_union([to_ll(g, epsg) for g, _ in rows])
    shrub_in = shrub.intersection(district)
    print("== shrub_mask.gpkg: EPSG:%s, %d polygons, %.3f km², inside the district %.3f km² (%.2f %%)"
          % (epsg, len(rows), ell_area_ll(shrub) * km2, ell_area_ll(shrub_in) * km2,
             100 * ell_area_ll(shrub_in) / d_area))

    epsg, rows = read_layer(P("landuse.gpkg"), "DLTB")
    lu = [(to_ll(g, epsg), a) for g, a in rows]
    lu_sum = sum(ell_area_ll(g) for g, _ in lu)
    lu_union = unary_union([g for g, _ in lu])
    print("== landuse.gpkg DLTB: EPSG:%s, %d parcels, sum %.3f km², union %.3f km², sum TBMJ %.3f km²"
          % (epsg, len(lu), lu_sum * km2, ell_area_ll(lu_union) * km2, sum(a["TBMJ"] for _, a in lu) * km2))
    by = {}
    for g, a in lu:
        by.setdefault(a["DLBM"], [0, 0.0])
        by[a["DLBM"]][0] += 1
        by[a["DLBM"]][1] += a["TBMJ"]
    for code in sorted(by):
        print("  %s %-8s %4d parcels %9.3f km² %6.2f %%"
              % (code, DLBM_NAMES[code], by[code][0], by[code][1] * km2, 100 * by[code][1] / d_area))
    forest = [g for g, a in lu if a["DLBM"] in ("0301", "0302", "0307")]
    shrubland = unary_union([g for g, a in lu if a["DLBM"] == "0305"])
    forest_area = sum(ell_area_ll(g) for g in forest)
    shrub_in_mask = ell_area_ll(shrubland.intersection(shrub))
    print("  forest land 0301+0302+0307 %.3f km²; 0305 inside the shrub mask %.3f km²; "
          "total %.3f km² = %.2f %%" % (forest_area * km2, shrub_in_mask * km2,
                                        (forest_area + shrub_in_mask) * km2,
                                        100 * (forest_area + shrub_in_mask) / d_area))

    ds = gdal.Open(P("landcover.tif"))
    gt = ds.GetGeoTransform()
    lc = ds.GetRasterBand(1).ReadAsArray()
    print("== landcover.tif: EPSG:%s, %d x %d cells of %.0f m, nodata %s"
          % (osr.SpatialReference(ds.GetProjection()).GetAuthorityCode(None), ds.RasterXSize,
             ds.RasterYSize, gt[1], ds.GetRasterBand(1).GetNoDataValue()))
    d_utm = reproject(densify(reproject(district, EPSG_LL, EPSG_GK), 300.0), EPSG_GK, EPSG_UTM)
    inside = rasterize([d_utm], EPSG_UTM, gt, lc.shape)
    # ellipsoidal cell areas: 900 m² / areal scale factor of UTM 49N, on a coarse lookup
    rows_i = np.arange(0, lc.shape[0], 64)
    cols_i = np.arange(0, lc.shape[1], 64)
    XX, YY = np.meshgrid(gt[0] + (cols_i + 32) * gt[1], gt[3] + (rows_i + 32) * gt[5])
    inv = Transformer.from_crs(EPSG_UTM, EPSG_LL, always_xy=True)
    lon, lat = inv.transform(XX, YY)
    scale = Proj("EPSG:32649").get_factors(lon, lat).areal_scale
    cell = (gt[1] * -gt[5]) / np.asarray(scale)
    cell_full = cell[np.arange(lc.shape[0])[:, None] // 64, np.arange(lc.shape[1])[None, :] // 64]
    total = cell_full[inside].sum()
    print("  district by cell centres: %.3f km² (polygon %.3f km²)" % (total * km2, d_area * km2))
    for code in [0] + sorted(WORLDCOVER_NAMES):
        a = cell_full[inside & (lc == code)].sum()
        print("  %3d %-20s %9.3f km² %6.2f %%" % (code, WORLDCOVER_NAMES.get(code, "nodata"), a * km2, 100 * a / total))

    print("== per township (ellipsoidal km²): area, red line inside, protected inside")
    for g, a in tw:
        print("  %s %-6s %9.3f %9.3f %9.3f" % (a["XZQDM"], a["XZQMC"], ell_area_ll(g) * km2,
                                              ell_area_ll(rl_in.intersection(g)) * km2,
                                              ell_area_ll(pa_in.intersection(g)) * km2))


if __name__ == "__main__":
    sys.exit(main())
