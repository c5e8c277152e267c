#!/usr/bin/python3
"""Data generator and helpers for scripts/bench_coverage.sh (the `redline coverage` benchmark).

    /usr/bin/python3 scripts/bench_data.py gen --out DIR [--area-km2 2400 --zones 30
                                                  --redline 550 --cell 10 --seed 7
                                                  --redline-vertices 1]
    /usr/bin/python3 scripts/bench_data.py hist RASTER             # read limit: block-read loop
    /usr/bin/python3 scripts/bench_data.py bincount ZONES.tif LANDCOVER.tif CLASSES OUT.csv
    /usr/bin/python3 scripts/bench_data.py report RESULTS_DIR      # table, ratios, agreement

`gen` writes a synthetic district (all vectors in EPSG:4545, CGCS2000 / 3-degree GK CM 108E):
  boundary.gpkg        the district (one polygon, the union of the townships)
  townships.gpkg       --zones townships partitioning the district exactly (noisy Voronoi cells
                       with shared, wiggly edges); XZQDM (text id), XZQMC, zid (1..N)
  townships_utm.gpkg   the same in the raster's CRS (EPSG:32649) for the cell-centre peers
  redline.shp          --redline smooth blobs, 100-300 vertices each (times --redline-vertices),
                       a few overlapping, a few crossing the boundary, a few with holes
  vectors.gpkg         boundary + townships + redline in one GeoPackage (for ogr2ogr -dialect SQLite)
  landcover.tif        Byte ESA-WorldCover-like classes (10 = tree cover ~62 %), EPSG:32649,
                       --cell metres, tiled 256x256 DEFLATE, nodata 0 (a few "cloud gaps")
  forest.tif           the same grid: 1 forest (class 10), 0 other, 255 nodata
  meta.json            parameters and sizes; written last (marks the data set complete)

The landscape (vectors and the 20 m class fields) depends only on --area-km2/--zones/--redline/
--seed, never on --cell: a finer --cell resamples the same landscape, so runs at several cell
sizes measure the same problem at growing raster sizes. Output is deterministic (fixed seeds,
numpy only, GDAL_PAM_ENABLED=NO, fixed GeoPackage timestamps).
Needs Debian's python3-gdal, python3-numpy, python3-shapely (1.8 or 2.x), python3-pyproj.
"""

import argparse
import csv
import json
import math
import os
import sys
import time

os.environ.setdefault("GDAL_PAM_ENABLED", "NO")
os.environ.setdefault("OGR_CURRENT_DATE", "2026-01-01T00:00:00Z")

import numpy as np  # noqa: E402
from osgeo import gdal, ogr, osr  # noqa: E402

gdal.UseExceptions()
ogr.UseExceptions()
osr.UseExceptions()

EPSG_GK = 4545      # CGCS2000 / 3-degree Gauss-Kruger CM 108E (vectors)
EPSG_UTM = 32649    # WGS 84 / UTM zone 49N (rasters)
CENTRE_LL = (108.75, 29.45)
FOREST_CLASS = 10
# non-forest classes and their share of the non-forest cells (ESA WorldCover codes)
OTHER_CLASSES = [(40, 0.38), (30, 0.24), (20, 0.16), (50, 0.09), (80, 0.05), (90, 0.05), (60, 0.03)]
FOREST_SHARE = 0.62
FIELD_CELL = 20.0   # m, resolution of the class fields (independent of the output cell size)
TILE = 256
GTIFF_OPTS = ["TILED=YES", f"BLOCKXSIZE={TILE}", f"BLOCKYSIZE={TILE}", "COMPRESS=DEFLATE",
              "BIGTIFF=IF_SAFER"]


def log(msg):
    print(f"bench_data: {msg}", file=sys.stderr, flush=True)


def srs(epsg):
    s = osr.SpatialReference()
    s.ImportFromEPSG(epsg)
    s.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    return s


# --------------------------------------------------------------------------------------------
# vectors

def blob_ring(rng, cx, cy, area, n, rough=0.22, kmax=10, elong=1.0, angle=0.0):
    """Star-shaped smooth ring of n vertices and (planar) area `area` around (cx, cy)."""
    k = np.arange(2, kmax + 1)
    amp = rough * rng.standard_normal(k.size) * k ** -1.2
    ph = rng.uniform(0, 2 * np.pi, k.size)
    th = np.linspace(0, 2 * np.pi, n, endpoint=False)
    r = np.exp((amp[:, None] * np.cos(k[:, None] * th[None, :] + ph[:, None])).sum(0))
    x = r * np.cos(th) * math.sqrt(elong)
    y = r * np.sin(th) / math.sqrt(elong)
    ca, sa = math.cos(angle), math.sin(angle)
    x, y = x * ca - y * sa, x * sa + y * ca
    a0 = 0.5 * abs(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1)))
    f = math.sqrt(area / a0)
    return np.column_stack([cx + f * x, cy + f * y])


class Displacement:
    """Smooth planar displacement field (sum of plane waves, total slope < 0.6: a homeomorphism)."""

    def __init__(self, rng, scale_m):
        self.waves = []
        for _ in range(10):
            lam = scale_m * rng.uniform(0.06, 0.5)
            th = rng.uniform(0, 2 * np.pi)
            kx, ky = 2 * np.pi / lam * math.cos(th), 2 * np.pi / lam * math.sin(th)
            a = 0.055 * lam / (2 * np.pi)
            self.waves.append((kx, ky, a, rng.uniform(0, 2 * np.pi), rng.uniform(0, 2 * np.pi)))

    def __call__(self, x, y):
        dx = np.zeros_like(x)
        dy = np.zeros_like(y)
        for kx, ky, a, p1, p2 in self.waves:
            t = kx * x + ky * y
            dx += a * np.cos(t + p1)
            dy += a * np.sin(t + p2)
        return dx, dy

    def inverse(self, x, y):
        px, py = x, y
        for _ in range(30):
            dx, dy = self(px, py)
            px, py = x - dx, y - dy
        return px, py


def densify_line(coords, step):
    out = [coords[0]]
    for (x0, y0), (x1, y1) in zip(coords[:-1], coords[1:]):
        d = math.hypot(x1 - x0, y1 - y0)
        n = max(1, int(math.ceil(d / step)))
        for i in range(1, n + 1):
            out.append((x0 + (x1 - x0) * i / n, y0 + (y1 - y0) * i / n))
    return out


def make_vectors(rng, area_m2, n_zones, n_redline, vertex_factor=1.0):
    from shapely.geometry import LineString, MultiPoint, Point, Polygon, box
    from shapely.ops import polygonize, unary_union, voronoi_diagram
    from shapely.prepared import prep
    from pyproj import Transformer

    cx, cy = Transformer.from_crs(4490, EPSG_GK, always_xy=True).transform(*CENTRE_LL)
    size = math.sqrt(area_m2)
    # district: elongated blob, later displaced like every township edge
    ring = blob_ring(rng, cx, cy, area_m2, 1500, rough=0.28, kmax=12, elong=1.7,
                     angle=rng.uniform(0, np.pi))
    d0 = Polygon(ring)
    assert d0.is_valid
    # township seeds: dart throwing with a minimum spacing
    dp = prep(d0)
    minx, miny, maxx, maxy = d0.bounds
    spacing = 0.7 * math.sqrt(area_m2 / n_zones)
    seeds = []
    tries = 0
    while len(seeds) < n_zones:
        tries += 1
        if tries % 5000 == 0:
            spacing *= 0.9
        p = (rng.uniform(minx, maxx), rng.uniform(miny, maxy))
        if not dp.contains(Point(p)):
            continue
        if all((p[0] - q[0]) ** 2 + (p[1] - q[1]) ** 2 > spacing ** 2 for q in seeds):
            seeds.append(p)
    seeds_a = np.array(seeds)
    # keep the envelope in a variable: shapely 1.8 frees a temporary's GEOS geometry too early
    env = box(minx - size, miny - size, maxx + size, maxy + size)
    vor = voronoi_diagram(MultiPoint(seeds), envelope=env)
    # the cells' boundaries, noded once: every shared edge is one line, displaced once below
    noded = unary_union([c.intersection(d0).boundary for c in vor.geoms])
    disp = Displacement(rng, size)
    lines = []
    for ln in noded.geoms:
        c = densify_line(list(ln.coords), 60.0)
        xy = np.array(c)
        dx, dy = disp(xy[:, 0], xy[:, 1])
        xy = np.round(np.column_stack([xy[:, 0] + dx, xy[:, 1] + dy]), 3)
        lines.append(LineString(xy))
    faces = list(polygonize(lines))
    parts = [[] for _ in range(n_zones)]
    for f in faces:
        rp = f.representative_point()
        x0, y0 = disp.inverse(np.array([rp.x]), np.array([rp.y]))
        i = int(np.argmin((seeds_a[:, 0] - x0[0]) ** 2 + (seeds_a[:, 1] - y0[0]) ** 2))
        parts[i].append(f)
    zones = [unary_union(p) for p in parts]
    # order townships north to south, west to east
    zones.sort(key=lambda g: (-round(g.centroid.y, -3), g.centroid.x))
    district = unary_union(zones)
    if district.geom_type != "Polygon":   # keep the largest part (should not happen)
        district = max(district.geoms, key=lambda g: g.area)
    district = Polygon(district.exterior)
    assert district.is_valid and all(z.is_valid for z in zones)

    # red line: smooth blobs, largest first, mostly disjoint and inside the district
    target = 0.25 * area_m2
    areas = np.exp(rng.normal(0.0, 0.9, n_redline))
    areas = np.sort(areas)[::-1]
    areas = np.clip(areas * target / areas.sum(), 0.02e6, 30e6)
    dprep = prep(district)
    minx, miny, maxx, maxy = district.bounds
    cellsz = 2000.0
    grid = {}
    placed = []
    for i, a in enumerate(areas):
        overlap_ok = rng.random() < 0.05
        crossing_ok = rng.random() < 0.06
        n = int(round(int(rng.integers(100, 301)) * vertex_factor))
        for attempt in range(4000):
            a_try = a if attempt < 2000 else a * 0.5
            px, py = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
            if not dprep.contains(Point(px, py)):
                continue
            r = blob_ring(rng, px, py, a_try, n, rough=0.3, kmax=9,
                          elong=rng.uniform(1.0, 3.0), angle=rng.uniform(0, np.pi))
            g = Polygon(np.round(r, 3))
            if not g.is_valid:
                continue
            if not crossing_ok and not dprep.contains(g):
                continue
            bx0, by0, bx1, by1 = g.bounds
            keys = [(ix, iy) for ix in range(int(bx0 // cellsz) - 1, int(bx1 // cellsz) + 2)
                    for iy in range(int(by0 // cellsz) - 1, int(by1 // cellsz) + 2)]
            if not overlap_ok:
                near = {j for k in keys for j in grid.get(k, ())}
                gb = g.buffer(30.0, 2)
                if any(gb.intersects(placed[j]) for j in near):
                    continue
            if rng.random() < 0.02:   # a hole (an enclave)
                hole = blob_ring(rng, px, py, 0.1 * a_try, 60, rough=0.15)
                h = Polygon(np.round(hole, 3))
                if g.contains(h):
                    g = Polygon(g.exterior.coords, [h.exterior.coords])
            for k in keys:
                grid.setdefault(k, []).append(len(placed))
            placed.append(g)
            break
    return district, zones, placed


def write_layer(path, layer, epsg, gtype, fields, rows, driver="GPKG", append=False):
    from shapely import wkb
    drv = ogr.GetDriverByName(driver)
    if append:
        ds = ogr.Open(path, 1)
    else:
        if os.path.exists(path):
            drv.DeleteDataSource(path)
        ds = drv.CreateDataSource(path)
    lyr = ds.CreateLayer(layer, srs(epsg), gtype,
                         options=["SPATIAL_INDEX=YES"] if driver == "GPKG" else [])
    for name, ftype, width in fields:
        fd = ogr.FieldDefn(name, ftype)
        if width:
            fd.SetWidth(width)
        lyr.CreateField(fd)
    defn = lyr.GetLayerDefn()
    lyr.StartTransaction()
    for geom, attrs in rows:
        f = ogr.Feature(defn)
        for k, v in attrs.items():
            f.SetField(k, v)
        f.SetGeometry(ogr.CreateGeometryFromWkb(wkb.dumps(geom)))
        lyr.CreateFeature(f)
    lyr.CommitTransaction()
    ds = None


# --------------------------------------------------------------------------------------------
# rasters

def gaussian_blur(a, sigma_px):
    fy = np.fft.fftfreq(a.shape[0])[:, None]
    fx = np.fft.rfftfreq(a.shape[1])[None, :]
    k = np.exp(-2.0 * np.pi ** 2 * sigma_px ** 2 * (fx ** 2 + fy ** 2))
    return np.fft.irfft2(np.fft.rfft2(a) * k, s=a.shape)


def smooth_noise(rng, shape, sigma_px):
    pad = int(3 * sigma_px) + 1
    z = rng.standard_normal((shape[0] + 2 * pad, shape[1] + 2 * pad))
    out = gaussian_blur(z, sigma_px)[pad:pad + shape[0], pad:pad + shape[1]]
    out -= out.mean()
    return (out / out.std()).astype(np.float32)


def coarse_field(rng, shape, coarse_px, sigma_coarse):
    """Smooth noise made on a grid `coarse_px` times coarser, bilinearly upsampled to shape."""
    cs = (shape[0] // coarse_px + 3, shape[1] // coarse_px + 3)
    c = smooth_noise(rng, cs, sigma_coarse)
    return bilinear(c, (np.arange(shape[0]) + 0.5) / coarse_px - 0.5,
                    (np.arange(shape[1]) + 0.5) / coarse_px - 0.5)


def bilinear(a, rows, cols):
    """Sample a 2-D array at fractional (row, col) index vectors (separable grid)."""
    rows = np.clip(rows, 0, a.shape[0] - 1)
    cols = np.clip(cols, 0, a.shape[1] - 1)
    r0 = np.minimum(np.floor(rows).astype(np.int64), a.shape[0] - 2)
    c0 = np.minimum(np.floor(cols).astype(np.int64), a.shape[1] - 2)
    wr = (rows - r0).astype(np.float32)[:, None]
    wc = (cols - c0).astype(np.float32)[None, :]
    top = a[r0][:, c0] * (1 - wc) + a[r0][:, c0 + 1] * wc
    bot = a[r0 + 1][:, c0] * (1 - wc) + a[r0 + 1][:, c0 + 1] * wc
    return top * (1 - wr) + bot * wr


def bilinear_points(a, rows, cols):
    """Sample a 2-D array at fractional (row, col) indices given per point (arrays of one shape)."""
    rows = np.clip(rows, 0, a.shape[0] - 1)
    cols = np.clip(cols, 0, a.shape[1] - 1)
    r0 = np.minimum(np.floor(rows).astype(np.int64), a.shape[0] - 2)
    c0 = np.minimum(np.floor(cols).astype(np.int64), a.shape[1] - 2)
    wr = (rows - r0).astype(np.float32)
    wc = (cols - c0).astype(np.float32)
    top = a[r0, c0] * (1 - wc) + a[r0, c0 + 1] * wc
    bot = a[r0 + 1, c0] * (1 - wc) + a[r0 + 1, c0 + 1] * wc
    return top * (1 - wr) + bot * wr


def make_rasters(out, rng, district, cell, seed, raster_epsg=EPSG_UTM, tile=TILE, grid=None):
    from pyproj import Transformer
    tr = Transformer.from_crs(EPSG_GK, EPSG_UTM, always_xy=True)
    ex = np.array(district.exterior.coords)
    ux, uy = tr.transform(ex[:, 0], ex[:, 1])
    margin = 1000.0
    # the field grid (20 m) fixes the landscape; the output grid only resamples it
    fx0 = math.floor((ux.min() - margin) / 1000.0) * 1000.0
    fy1 = math.ceil((uy.max() + margin) / 1000.0) * 1000.0
    fnx = int(math.ceil((ux.max() + margin - fx0) / FIELD_CELL))
    fny = int(math.ceil((fy1 - (uy.min() - margin)) / FIELD_CELL))
    shape = (fny, fnx)
    t0 = time.time()
    # forest score: 2 km and 300 m structure plus 40 m texture
    sf = coarse_field(rng, shape, 5, 20.0) + 0.5 * coarse_field(rng, shape, 5, 3.0) \
        + 0.35 * smooth_noise(rng, shape, 2.0)
    so = coarse_field(rng, shape, 5, 12.0) + 0.6 * coarse_field(rng, shape, 5, 2.5) \
        + 0.35 * smooth_noise(rng, shape, 1.5)
    sub = (slice(None, None, 7), slice(None, None, 7))
    t_forest = float(np.quantile(sf[sub], 1 - FOREST_SHARE))
    cum = np.cumsum([s for _, s in OTHER_CLASSES])[:-1]
    t_other = np.quantile(so[sub], cum).astype(np.float32)
    other_codes = np.array([c for c, _ in OTHER_CLASSES], dtype=np.uint8)
    # cloud gaps (nodata): a few ellipses, about 0.3 % of the area
    n_gaps = max(1, int(round(district.area / 600e6)))
    gaps = []
    for _ in range(n_gaps):
        gx = ux.min() + (ux.max() - ux.min()) * rng.uniform(0.25, 0.75)
        gy = uy.min() + (uy.max() - uy.min()) * rng.uniform(0.25, 0.75)
        ra, rb = rng.uniform(400, 900), rng.uniform(300, 700)
        gaps.append((gx, gy, ra, rb))
    log(f"class fields {fnx}x{fny} @ {FIELD_CELL:g} m in {time.time() - t0:.1f} s")

    geographic = raster_epsg != EPSG_UTM
    if geographic:
        # The same landscape on a longitude/latitude grid: each cell centre is taken to UTM and
        # the fields sampled there (so the classes are those of the UTM raster, resampled).
        if raster_epsg != 4490:
            sys.exit("gen: --raster-epsg takes 32649 or 4490")
        ll = Transformer.from_crs(EPSG_GK, 4490, always_xy=True)
        lon, lat = ll.transform(ex[:, 0], ex[:, 1])
        lat0 = math.radians(0.5 * (lat.min() + lat.max()))
        mlon = margin / (111320.0 * math.cos(lat0))
        mlat = margin / 110574.0
        lon0, lon1 = lon.min() - mlon, lon.max() + mlon
        lat0d, lat1 = lat.min() - mlat, lat.max() + mlat
        if grid:
            nx, ny = grid
            dx, dy = (lon1 - lon0) / nx, (lat1 - lat0d) / ny
        else:
            dx, dy = cell / (111320.0 * math.cos(lat0)), cell / 110574.0
            nx, ny = int(math.ceil((lon1 - lon0) / dx)), int(math.ceil((lat1 - lat0d) / dy))
        x0, y1 = lon0, lat1
        gt = (x0, dx, 0.0, y1, 0.0, -dy)
        to_utm = Transformer.from_crs(4490, EPSG_UTM, always_xy=True)
    else:
        x0 = math.floor((ux.min() - margin) / cell) * cell
        y1 = math.ceil((uy.max() + margin) / cell) * cell
        nx = int(math.ceil((ux.max() + margin - x0) / cell))
        ny = int(math.ceil((y1 - (uy.min() - margin)) / cell))
        gt = (x0, cell, 0.0, y1, 0.0, -cell)
    opts = GTIFF_OPTS if tile == TILE else \
        [o for o in GTIFF_OPTS if not o.startswith("BLOCK")] + [f"BLOCKXSIZE={tile}", f"BLOCKYSIZE={tile}"]
    drv = gdal.GetDriverByName("GTiff")
    dss = []
    for name, nodata in (("landcover.tif", 0), ("forest.tif", 255)):
        p = os.path.join(out, name)
        if os.path.exists(p):
            drv.Delete(p)
        ds = drv.Create(p, nx, ny, 1, gdal.GDT_Byte, options=opts)
        ds.SetGeoTransform(gt)
        ds.SetProjection(srs(raster_epsg).ExportToWkt())
        ds.GetRasterBand(1).SetNoDataValue(nodata)
        dss.append(ds)
    lc_band, fo_band = dss[0].GetRasterBand(1), dss[1].GetRasterBand(1)
    cols = ((x0 + (np.arange(nx) + 0.5) * cell) - fx0) / FIELD_CELL - 0.5
    xs = x0 + (np.arange(nx) + 0.5) * cell
    t0 = time.time()
    counts = np.zeros(256, np.int64)
    for r0 in range(0, ny, tile):
        r1 = min(ny, r0 + tile)
        if geographic:
            lats = y1 - (np.arange(r0, r1) + 0.5) * dy
            lons = x0 + (np.arange(nx) + 0.5) * dx
            px, py = to_utm.transform(*np.meshgrid(lons, lats))
            vf = bilinear_points(sf, (fy1 - py) / FIELD_CELL - 0.5, (px - fx0) / FIELD_CELL - 0.5)
            vo = bilinear_points(so, (fy1 - py) / FIELD_CELL - 0.5, (px - fx0) / FIELD_CELL - 0.5)
        else:
            ys = y1 - (np.arange(r0, r1) + 0.5) * cell
            rows = (fy1 - ys) / FIELD_CELL - 0.5
            vf = bilinear(sf, rows, cols)
            vo = bilinear(so, rows, cols)
        lc = other_codes[np.searchsorted(t_other, vo)]
        lc[vf > t_forest] = FOREST_CLASS
        # salt-and-pepper speckle (1.5 % of cells), like a real 10 m classification
        srng = np.random.default_rng([seed, int(round(cell * 1000)), r0])
        m = srng.random(lc.shape) < 0.015
        pool = np.array([FOREST_CLASS] + list(other_codes), np.uint8)
        lc[m] = pool[srng.integers(0, pool.size, int(m.sum()))]
        for gx, gy, ra, rb in gaps:
            if geographic:
                lc[((px - gx) / ra) ** 2 + ((py - gy) / rb) ** 2 < 1.0] = 0
                continue
            if ys.min() > gy + rb or ys.max() < gy - rb:
                continue
            lc[((xs[None, :] - gx) / ra) ** 2 + ((ys[:, None] - gy) / rb) ** 2 < 1.0] = 0
        fo = (lc == FOREST_CLASS).astype(np.uint8)
        fo[lc == 0] = 255
        lc_band.WriteArray(lc, 0, r0)
        fo_band.WriteArray(fo, 0, r0)
        counts += np.bincount(lc.ravel(), minlength=256)
    dss = None
    log(f"rasters {nx}x{ny} @ {cell:g} m ({nx * ny / 1e6:.1f} Mpix) in {time.time() - t0:.1f} s")
    ground = {}
    if geographic:
        ground = {"cell_dx_m": dx * 111320.0 * math.cos(lat0), "cell_dy_m": dy * 110574.0}
    return {**ground, "nx": nx, "ny": ny, "cell_m": cell, "geotransform": gt, "epsg": raster_epsg, "tile": tile,
            "forest_cells_pct": 100.0 * counts[FOREST_CLASS] / counts.sum(),
            "nodata_cells": int(counts[0])}


def cmd_gen(a):
    os.makedirs(a.out, exist_ok=True)
    meta_path = os.path.join(a.out, "meta.json")
    if os.path.exists(meta_path):
        os.remove(meta_path)
    t_start = time.time()
    rng = np.random.default_rng(a.seed)
    district, zones, redline = make_vectors(rng, a.area_km2 * 1e6, a.zones, a.redline, a.redline_vertices)
    log(f"vectors: {len(zones)} townships, {len(redline)} red-line polygons "
        f"in {time.time() - t_start:.1f} s")
    P = lambda n: os.path.join(a.out, n)  # noqa: E731
    write_layer(P("boundary.gpkg"), "boundary", EPSG_GK, ogr.wkbPolygon,
                [("XZQDM", ogr.OFTString, 6), ("XZQMC", ogr.OFTString, 40)],
                [(district, {"XZQDM": "500199", "XZQMC": "Bench district"})])
    from shapely.geometry import MultiPolygon
    zrows = [(z if z.geom_type == "MultiPolygon" else MultiPolygon([z]),
              {"XZQDM": f"500199{i + 1:03d}", "XZQMC": f"Township {i + 1:02d}", "zid": i + 1})
             for i, z in enumerate(zones)]
    zfields = [("XZQDM", ogr.OFTString, 9), ("XZQMC", ogr.OFTString, 40), ("zid", ogr.OFTInteger, 0)]
    write_layer(P("townships.gpkg"), "townships", EPSG_GK, ogr.wkbMultiPolygon, zfields, zrows)
    rrows = [(g, {"HXBH": f"HX500199-{i + 1:04d}", "MJ": round(g.area, 2)})
             for i, g in enumerate(redline)]
    rfields = [("HXBH", ogr.OFTString, 14), ("MJ", ogr.OFTReal, 0)]
    for ext in (".shp", ".shx", ".dbf", ".prj", ".cpg"):
        if os.path.exists(P("redline" + ext)):
            os.remove(P("redline" + ext))
    write_layer(P("redline.shp"), "redline", EPSG_GK, ogr.wkbPolygon, rfields, rrows,
                driver="ESRI Shapefile")
    with open(P("redline.dbf"), "r+b") as f:   # fixed last-update date (GDAL writes today's)
        f.seek(1)
        f.write(bytes([2026 - 1900, 1, 1]))
    write_layer(P("vectors.gpkg"), "boundary", EPSG_GK, ogr.wkbPolygon,
                [("XZQDM", ogr.OFTString, 6)], [(district, {"XZQDM": "500199"})])
    write_layer(P("vectors.gpkg"), "townships", EPSG_GK, ogr.wkbMultiPolygon, zfields, zrows,
                append=True)
    write_layer(P("vectors.gpkg"), "redline", EPSG_GK, ogr.wkbPolygon, rfields, rrows,
                append=True)
    # the townships in the rasters' CRS, for the peers that want them there
    zones_rcrs = "townships_utm.gpkg" if a.raster_epsg == EPSG_UTM else f"townships_{a.raster_epsg}.gpkg"
    if os.path.exists(P(zones_rcrs)):
        os.remove(P(zones_rcrs))
    gdal.VectorTranslate(P(zones_rcrs), P("townships.gpkg"), dstSRS=f"EPSG:{a.raster_epsg}",
                         layerName="townships")
    grid = tuple(int(v) for v in a.grid.lower().split("x")) if a.grid else None
    rinfo = make_rasters(a.out, rng, district, a.cell, a.seed, a.raster_epsg, a.tile, grid)
    nverts = [len(g.exterior.coords) - 1 for g in redline]
    meta = {
        "params": {"area_km2": a.area_km2, "zones": a.zones, "redline": a.redline,
                   "redline_vertices": a.redline_vertices,
                   "cell_m": a.cell, "seed": a.seed, "raster_epsg": a.raster_epsg, "tile": a.tile,
                   "grid": a.grid},
        "district_planar_km2": district.area / 1e6,
        "district_vertices": len(district.exterior.coords) - 1,
        "townships": len(zones),
        "township_vertices": int(sum(sum(len(p.exterior.coords) - 1 for p in
                                         (z.geoms if z.geom_type == "MultiPolygon" else [z]))
                                     for z in zones)),
        "redline_polygons": len(redline),
        "redline_vertices_min_max": [min(nverts), max(nverts)],
        "redline_vertices_total": int(sum(len(g.exterior.coords) - 1 + sum(len(h.coords) - 1 for h in g.interiors)
                                          for g in redline)),
        "redline_planar_km2": sum(g.area for g in redline) / 1e6,
        "raster": rinfo,
        "zones_raster_crs": zones_rcrs,
        "mpix": rinfo["nx"] * rinfo["ny"] / 1e6,
        "generation_s": time.time() - t_start,
    }
    with open(meta_path + ".tmp", "w") as f:
        json.dump(meta, f, indent=1)
    os.replace(meta_path + ".tmp", meta_path)
    log(f"done in {meta['generation_s']:.1f} s: {out_summary(meta)}")


def out_summary(m):
    r = m["raster"]
    where = f"@ {r['cell_m']:g} m" if r.get("epsg", EPSG_UTM) == EPSG_UTM else \
        f"in EPSG:{r['epsg']} ({r['cell_dx_m']:.1f} x {r['cell_dy_m']:.1f} m cells)"
    return (f"district {m['district_planar_km2']:.0f} km2, {m['townships']} townships, "
            f"{m['redline_polygons']} red-line polygons, raster {r['nx']}x{r['ny']} {where}, "
            f"{r.get('tile', TILE)}x{r.get('tile', TILE)} tiles = {m['mpix']:.1f} Mpix")


# --------------------------------------------------------------------------------------------
# peers' helpers (the timed work)

def cmd_hist(a):
    """Read limit: every block of band 1 read once (ReadAsArray per block) into a histogram."""
    ds = gdal.Open(a.raster)
    b = ds.GetRasterBand(1)
    bx, by = b.GetBlockSize()
    nx, ny = ds.RasterXSize, ds.RasterYSize
    h = np.zeros(256, np.int64)
    for y in range(0, ny, by):
        for x in range(0, nx, bx):
            arr = b.ReadAsArray(x, y, min(bx, nx - x), min(by, ny - y))
            h += np.bincount(arr.ravel(), minlength=256)
    print(json.dumps({str(i): int(c) for i, c in enumerate(h) if c}))


def cmd_bincount(a):
    """Cell-centre zonal shares: township ids burnt on the land-cover grid (gdal_rasterize) and
    the land cover read block by block; bincount of zone*256 + class. Writes per-zone counts."""
    classes = [int(c) for c in a.classes.split(",")]
    zds, lds = gdal.Open(a.zones), gdal.Open(a.landcover)
    if (zds.RasterXSize, zds.RasterYSize) != (lds.RasterXSize, lds.RasterYSize) or \
            any(abs(p - q) > 1e-6 for p, q in zip(zds.GetGeoTransform(), lds.GetGeoTransform())):
        sys.exit("bincount: the zone raster is not on the land-cover grid")
    zb, lb = zds.GetRasterBand(1), lds.GetRasterBand(1)
    nodata = lb.GetNoDataValue()
    bx, by = lb.GetBlockSize()
    nx, ny = lds.RasterXSize, lds.RasterYSize
    nz = int(a.nzones) + 1
    acc = np.zeros(nz * 256, np.int64)
    for y in range(0, ny, by):
        h = min(by, ny - y)
        for x in range(0, nx, bx):
            w = min(bx, nx - x)
            z = zb.ReadAsArray(x, y, w, h).astype(np.int64)
            c = lb.ReadAsArray(x, y, w, h)
            acc += np.bincount((z * 256 + c).ravel(), minlength=nz * 256)
    acc = acc.reshape(nz, 256)
    forest = acc[:, classes].sum(1)
    total = acc.sum(1)
    valid = total - (acc[:, int(nodata)] if nodata is not None else 0)
    with open(a.out, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["zid", "forest", "valid", "total"])
        for i in range(1, nz):
            w.writerow([i, int(forest[i]), int(valid[i]), int(total[i])])


# --------------------------------------------------------------------------------------------
# report

def read_peer_shares(kind, path, zid_to_code):
    """{XZQDM: forest share of the valid cells, in %} from a peer's output."""
    out = {}
    if kind == "bincount":
        with open(path) as f:
            for r in csv.DictReader(f):
                if int(r["valid"]) > 0:
                    out[zid_to_code[int(r["zid"])]] = 100.0 * int(r["forest"]) / int(r["valid"])
    elif kind == "qgis":
        ds = ogr.Open(path)
        lyr = ds.GetLayer(0)
        for feat in lyr:
            mean = feat.GetField("_mean")
            if mean is not None:
                out[feat.GetField("XZQDM")] = 100.0 * float(mean)
    elif kind in ("exactextract", "terra"):
        with open(path) as f:
            for r in csv.DictReader(f):
                key = r.get("XZQDM") or r.get("xzqdm")
                v = r.get("frac")
                if key and v not in (None, "", "nan"):
                    out[key] = 100.0 * float(v)
    return out


def read_sql_shares(path):
    """{XZQDM: red-line share %} from the ogr2ogr -dialect SQLite CSV (planar areas)."""
    out = {}
    with open(path) as f:
        for r in csv.DictReader(f):
            za, ra = float(r["zone_area"]), float(r["rl_area"] or 0.0)
            out[r["XZQDM"]] = 100.0 * ra / za
    return out


def fmt(v, spec):
    w = int(spec.split(".")[0] or 0)
    return "-".rjust(w) if v is None else format(v, spec)


def cmd_report(a):
    rd = a.results
    with open(os.path.join(rd, "meta.json")) as f:
        meta = json.load(f)
    runs = {}
    with open(os.path.join(rd, "runs.tsv")) as f:
        for line in f:
            p = line.rstrip("\n").split("\t")
            if len(p) < 6:
                continue
            key, label, status, wall, rss, mpix = p[:6]
            note = p[6] if len(p) > 6 else ""
            runs[key] = {"label": label, "status": status,
                         "wall": float(wall) if wall else None,
                         "rss": float(rss) / 1024.0 if rss else None,
                         "mpix": float(mpix) if mpix else None, "note": note}
    zid_to_code = {}
    zds = ogr.Open(os.path.join(a.data, "townships.gpkg"))
    for feat in zds.GetLayer(0):
        zid_to_code[feat.GetField("zid")] = feat.GetField("XZQDM")

    def ok(k):
        return k in runs and runs[k]["status"] == "ok" and runs[k]["wall"]

    print()
    print(f"Data: {out_summary(meta)}")
    print(f"      {meta['township_vertices']} township vertices, red-line polygons of "
          f"{meta['redline_vertices_min_max'][0]}-{meta['redline_vertices_min_max'][1]} vertices"
          + (f" ({meta['redline_vertices_total']} in all)" if "redline_vertices_total" in meta else "") + "; "
          f"{a.data}")
    print()
    ref_r = "redline_t0" if ok("redline_t0") else None
    ref_v = "redline_vec" if ok("redline_vec") else None
    def read_limit_of(k):
        """The read-limit row a redline raster row is measured against (same thread count)."""
        if not (k.startswith("redline") or k.startswith("mem")) or k in ("redline_vec", "redline_startup"):
            return None
        if k.startswith("mem"):
            return None   # other rasters: the limit was measured on the bench raster only
        ref = "read_limit_t1" if k.endswith("_t1") else "read_limit_t0"
        return ref if ok(ref) else None

    hdr = f"{'tool':<52} {'wall s':>8} {'peak MB':>8} {'Mpix/s':>8} {'x read':>7} {'x redline':>9}"
    print(hdr)
    print("-" * len(hdr))
    for k, r in runs.items():
        if r["status"] != "ok":
            print(f"{r['label']:<52} {'FAILED' if r['status'] == 'failed' else 'skipped'}: "
                  f"{r['note'].removeprefix('failed ')}")
            continue
        mps = r["mpix"] / r["wall"] if r["mpix"] and r["wall"] > 0 else None
        ref = ref_v if k.endswith("_vec") or k.startswith("vec") else ref_r
        ratio = r["wall"] / runs[ref]["wall"] if ref and k != "qgis_startup" and not k.startswith("redline") \
            and not k.startswith("read_limit") else None
        rl = read_limit_of(k)
        x_read = r["wall"] / runs[rl]["wall"] if rl else None
        print(f"{r['label']:<52} {r['wall']:>8.2f} {fmt(r['rss'], '8.0f')} {fmt(mps, '8.1f')} "
              f"{fmt(x_read, '7.2f')} {fmt(ratio, '9.2f')}" + (f"  {r['note']}" if r["note"] else ""))
    print("(x read = redline's wall time / the read limit's on as many threads: decode every block "
          "once and histogram it, scripts/bench/read_limit.cpp, whole processes both;\n x redline = a peer's "
          "wall time / redline's: raster rows vs 'redline coverage forest, all threads', vector rows vs "
          "'redline coverage red line only')")

    # agreement
    print()
    print("Agreement with redline, per township forest share of the cells with data "
          "(percentage points):")
    rj = os.path.join(rd, "redline_t0.json")
    if not os.path.exists(rj):
        rj = os.path.join(rd, "redline_t1.json")
    red = {}
    if os.path.exists(rj):
        with open(rj) as f:
            rep = json.load(f)
        for z in rep.get("zones", []):
            fo = z.get("forest") or {}
            if "share_of_valid_pct" in fo:
                red[z["id"]] = fo["share_of_valid_pct"]
    peers = [("qgis", "QGIS zonalstatisticsfb (cell centre)", "qgis.gpkg"),
             ("bincount", "gdal_rasterize + numpy bincount (cell centre)", "bincount.csv"),
             ("terra", "terra extract(exact=TRUE) (exact fractions)", "terra.csv"),
             ("exactextract", "exactextract (exact fractions)", "exactextract.csv")]
    agree = {}
    if not red:
        print("  redline JSON missing: no comparison")
    for kind, label, fn in peers:
        p = os.path.join(rd, fn)
        if not os.path.exists(p) or not red:
            continue
        try:
            peer = read_peer_shares(kind, p, zid_to_code)
        except Exception as e:  # noqa: BLE001
            print(f"  {label:<46} unreadable output: {e}")
            continue
        common = [k for k in red if k in peer]
        if not common:
            print(f"  {label:<46} no township ids in common")
            continue
        d = np.array([peer[k] - red[k] for k in common])
        i = int(np.argmax(np.abs(d)))
        agree[kind] = float(np.abs(d).max())
        missing = len(red) - len(common)
        print(f"  {label:<46} max |diff| {np.abs(d).max():.4f}  mean |diff| "
              f"{np.abs(d).mean():.4f}  mean diff {d.mean():+.4f}  (worst {common[i]}: "
              f"redline {red[common[i]]:.3f}, peer {peer[common[i]]:.3f})"
              + (f"  {missing} townships missing" if missing else ""))
    # redline itself: 1 thread vs all threads, and the combined run, must give the same figures
    def forest_areas(name):
        path = os.path.join(rd, name)
        if not os.path.exists(path):
            return None
        with open(path) as f:
            rep = json.load(f)
        return {z["id"]: z["forest"]["area_m2"] for z in rep.get("zones", []) if z.get("forest")}
    base = forest_areas("redline_t1.json")
    for other, label in (("redline_t0.json", "all threads"), ("redline_full.json", "with --redline")):
        oth = forest_areas(other)
        if base and oth:
            d = max(abs(base[k] - oth.get(k, float("nan"))) / max(base[k], 1.0) for k in base)
            agree["self_" + other] = d * 100.0
            print(f"  redline 1 thread vs {label:<26} max relative diff of forest m2 {d:.2e}")
    # the district's forest area, from the per-township run and from the whole-district run
    district_forest = {}
    for name in ("redline_t0.json", "redline_whole.json", "redline_whole_t1.json"):
        path = os.path.join(rd, name)
        if os.path.exists(path):
            with open(path) as f:
                district_forest[name] = (json.load(f).get("district", {}).get("forest") or {}).get("area_m2")
    a, b = district_forest.get("redline_t0.json"), district_forest.get("redline_whole.json")
    if a and b:
        d = abs(a - b) / a
        agree["self_whole"] = d * 100.0
        print(f"  redline per township vs whole district      district forest m2 relative diff {d:.2e}")
    c = district_forest.get("redline_whole_t1.json")
    if b and c:
        agree["self_whole_t1"] = abs(b - c) / b * 100.0
        print(f"  redline whole district, 1 vs all threads    district forest m2 relative diff {abs(b - c) / b:.2e}")
    rv = os.path.join(rd, "redline_vec.json")
    sq = os.path.join(rd, "sqlite.csv")
    if os.path.exists(rv) and os.path.exists(sq):
        with open(rv) as f:
            rep = json.load(f)
        redv = {z["id"]: z["redline"]["share_pct"] for z in rep.get("zones", [])
                if z.get("redline")}
        peer = read_sql_shares(sq)
        common = [k for k in redv if k in peer]
        if common:
            d = np.array([peer[k] - redv[k] for k in common])
            agree["sqlite"] = float(np.abs(d).max())
            print(f"  red-line share vs ogr2ogr SQLite (planar)      max |diff| "
                  f"{np.abs(d).max():.5f}  mean diff {d.mean():+.5f}  ({len(common)} townships)")
    print("  expected: cell-centre peers within a few hundredths of a point (edge cells counted"
          " whole or not at all; fails above 0.5), exact-fraction peers < 0.01 (fails above 0.05),"
          " red-line shares planar vs ellipsoidal ~1e-4 (fails above 0.01)")

    # key ratios
    print()
    print("Key ratios:")

    def ratio_line(name, num, den, what):
        if ok(num) and ok(den):
            print(f"  {name:<44} {runs[num]['wall'] / runs[den]['wall']:7.2f}  ({what})")
        else:
            print(f"  {name:<44}     n/a  ({what}; a run is missing)")
    if ok("exactextract"):
        ratio_line("exactextract / redline (1 thread each)", "exactextract", "redline_t1",
                   ">1: redline faster than the best exact-fraction peer; goal >= 4")
    else:
        print(f"  {'exactextract / redline':<44}     n/a  (set EXACTEXTRACT=/path/to/exactextract)")
    if ok("terra"):
        ratio_line("terra exact / redline (1 thread each)", "terra", "redline_t1",
                   ">1: redline faster than R terra's exact-fraction extract")
    ncpu = os.cpu_count()
    ratio_line("redline per township / read limit, 1 thread", "redline_t1", "read_limit_t1",
               "x the cost of decoding every block once; goal <= 2")
    ratio_line(f"redline per township / read limit, {ncpu} threads", "redline_t0", "read_limit_t0",
               "same thread count; goal <= 2 (<= 1.5 at municipality size)")
    ratio_line("redline whole district / read limit, 1 thread", "redline_whole_t1", "read_limit_t1", "")
    ratio_line(f"redline whole district / read limit, {ncpu} threads", "redline_whole", "read_limit_t0", "")
    ratio_line("read limit 1 thread / all threads", "read_limit_t1", "read_limit_t0",
               "what the second core gives the reading itself")
    ratio_line("gdalinfo -hist / read limit (1 thread)", "read_gdalinfo", "read_limit_t1",
               "why gdalinfo -hist is no read limit")
    ratio_line("QGIS zonalstatisticsfb / redline", "qgis", "redline_t0",
               ">1: redline faster")
    if ok("qgis") and ok("qgis_startup") and ok("redline_t0"):
        net = runs["qgis"]["wall"] - runs["qgis_startup"]["wall"]
        print(f"  {'QGIS less its start-up / redline':<44} {net / runs['redline_t0']['wall']:7.2f}  "
              f"(zonal statistics alone, {net:.2f} s)")
    ratio_line("gdal_rasterize+bincount / redline", "bincount", "redline_t0", ">1: redline faster")
    ratio_line("whole district / per township", "redline_whole", "redline_t0",
               "all threads; <= 1: one large polygon takes no slow path")
    ratio_line("redline 1 thread / all threads", "redline_t1", "redline_t0",
               f"raster-pass speed-up on {os.cpu_count()} cores")
    ratio_line("ogr2ogr SQLite / redline (red line only)", "vec_sqlite", "redline_vec",
               ">1: redline faster")
    if ok("redline_vec") and ok("redline_startup"):
        net = runs["redline_vec"]["wall"] - runs["redline_startup"]["wall"]
        print(f"  {'redline red line only, less its start-up':<44} {net:7.2f}  (s: read, repair, dissolve, "
              f"clip and measure the red line per township; start-up {runs['redline_startup']['wall']:.2f} s)")
    for prefix, what in (("mem_", "GDAL's default block cache"), ("memc_", "GDAL_CACHEMAX=16")):
        mem = [(k, r) for k, r in runs.items() if k.startswith(prefix) and r["status"] == "ok"]
        if len(mem) < 2:
            if prefix == "mem_":
                print(f"  {'peak RSS scale S / scale 1':<44}     n/a  (memory runs skipped)")
            continue
        (k0, r0), (k1, r1) = mem[0], mem[-1]
        name = f"peak RSS scale {k1[len(prefix):]} / scale {k0[len(prefix):]}"
        print(f"  {name:<44} {r1['rss'] / r0['rss']:7.2f}  ({what}: {r0['rss']:.0f} MB at "
              f"{r0['mpix']:.0f} Mpix -> {r1['rss']:.0f} MB at {r1['mpix']:.0f} Mpix, "
              f"{r1['mpix'] / r0['mpix']:.0f}x the cells)")
        if prefix == "mem_" and r1["wall"] > r0["wall"]:
            marg = (r1["mpix"] - r0["mpix"]) / (r1["wall"] - r0["wall"])
            print(f"  {'redline marginal throughput, all threads':<44} {marg:7.1f}  (Mpix/s from "
                  f"scale {k0[len(prefix):]} to {k1[len(prefix):]}: wall {r0['wall']:.2f} -> "
                  f"{r1['wall']:.2f} s; no fixed setup cost, optimistic: finer cells of the same "
                  f"landscape compress better)")
    limits = {"qgis": 0.5, "bincount": 0.5, "exactextract": 0.05, "terra": 0.05, "sqlite": 0.01}
    bad = [k for k, v in agree.items() if v > limits.get(k, 1e-6)]
    if bad:
        print(f"\nWARNING: redline disagrees with {', '.join(bad)} more than expected")
        return 3
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sp = ap.add_subparsers(dest="cmd", required=True)
    g = sp.add_parser("gen")
    g.add_argument("--out", required=True)
    g.add_argument("--area-km2", type=float, default=2400.0)
    g.add_argument("--zones", type=int, default=30)
    g.add_argument("--redline", type=int, default=550)
    g.add_argument("--cell", type=float, default=10.0)
    g.add_argument("--seed", type=int, default=7)
    g.add_argument("--redline-vertices", type=float, default=1.0,
                   help="multiply each red-line polygon's vertex count (same shapes, finer outlines)")
    g.add_argument("--raster-epsg", type=int, default=EPSG_UTM,
                   help=f"CRS of the rasters: {EPSG_UTM} (UTM, default) or 4490 (CGCS2000 longitude/latitude)")
    g.add_argument("--tile", type=int, default=TILE, help="block size of the rasters (square)")
    g.add_argument("--grid", default="",
                   help="NXxNY: exactly this many columns and rows over the district and its margin "
                        "(cells then are not square on the ground); default: cells of --cell metres")
    h = sp.add_parser("hist")
    h.add_argument("raster")
    b = sp.add_parser("bincount")
    b.add_argument("zones")
    b.add_argument("landcover")
    b.add_argument("classes")
    b.add_argument("nzones")
    b.add_argument("out")
    r = sp.add_parser("report")
    r.add_argument("results")
    r.add_argument("data")
    a = ap.parse_args()
    if a.cmd == "gen":
        cmd_gen(a)
    elif a.cmd == "hist":
        cmd_hist(a)
    elif a.cmd == "bincount":
        cmd_bincount(a)
    elif a.cmd == "report":
        sys.exit(cmd_report(a))


if __name__ == "__main__":
    main()
