#!/usr/bin/python3
"""Data and peers for scripts/bench_activity.sh (`redline activity` benchmark).

    bench_activity_data.py gen --scene SCENE_DIR --out DIR --rows R --cols C
    bench_activity_data.py read FILE...                     (read limit: every block once, numpy)
    bench_activity_data.py ndvi DATA_DIR OUT.json [--threshold 0.2]   (naive NDVI-differencing peer)
    bench_activity_data.py copies DATA_DIR SCENE_PATCHES.json MOSAIC_PATCHES.json OUT.json
    bench_activity_data.py report RESULTS_DIR DATA_DIR

gen: a mosaic of R x C shifted copies of one scene of scripts/make_activity_scene.py (10 x 10 km,
1000 x 1000 px at 10 m). Copy (r, c) is placed r x 10 km south and c x 10 km east of the scene's
own position (EPSG:32649), so the mosaic keeps the scene's north-west corner. Rasters are first
assembled as a VRT (one SimpleSource per copy), then written with gdal.Translate as
TILED=YES 256 x 256, COMPRESS=DEFLATE, PREDICTOR=2 (images), BIGTIFF=IF_SAFER:
  before.tif, after.tif           UInt16, 5 bands (blue green red nir swir1), x 10000, nodata 0
  before_scl.tif, after_scl.tif   Sentinel-2 SCL codes
  landcover.tif                   the generator's ground classes (for the evaluator's diagnosis)
The vector layers are copied too, each copy shifted by the same offset:
  redline.gpkg      layer redline, EPSG:4545 (segmentised to 20 m in EPSG:4545, transformed to
                    EPSG:32649, shifted, transformed back); HXBH = scene id + "-RrrCcc" (unique)
  truth.gpkg        layer changes (EPSG:32649), change_id = scene id + "-RrrCcc"
  distractors.gpkg  layer distractors (EPSG:32649)
  scene.json        the scene's, with the mosaic's size and geotransform
  meta.json         mosaic parameters (written last: its presence marks a complete data set)
So tests/activity/evaluate.py --scene DIR works on the mosaic as on one scene.
"""
import argparse
import json
import os
import sys
import time
from xml.sax.saxutils import escape as xml_escape

import numpy as np
from osgeo import gdal, ogr, osr

gdal.UseExceptions()
ogr.UseExceptions()
osr.UseExceptions()

TIFF_CO = ["TILED=YES", "BLOCKXSIZE=256", "BLOCKYSIZE=256", "COMPRESS=DEFLATE", "BIGTIFF=IF_SAFER",
           "NUM_THREADS=ALL_CPUS", "INTERLEAVE=BAND"]
S2_SCL_INVALID = (0, 1, 3, 8, 9, 10)
GEN_VERSION = 1   # bump when `gen` writes different data (part of bench_activity.sh's cache key)   # layers/masks s2_scl: nodata, saturated, shadow, clouds, cirrus


def log(msg):
    sys.stderr.write("bench_activity_data: " + msg + "\n")
    sys.stderr.flush()


def srs(epsg):
    s = osr.SpatialReference()
    s.ImportFromEPSG(epsg)
    s.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    return s


def copy_tag(r, c):
    return "-R%02dC%02d" % (r, c)


# --------------------------------------------------------------------------------------------
# gen

def mosaic_raster(src, dst, rows, cols, image):
    """Writes @p dst: @p rows x @p cols copies of @p src side by side (VRT, then GTiff)."""
    ds = gdal.Open(src)
    nx, ny, nb = ds.RasterXSize, ds.RasterYSize, ds.RasterCount
    gt = ds.GetGeoTransform()
    b1 = ds.GetRasterBand(1)
    dtype = gdal.GetDataTypeName(b1.DataType)
    bx, by = b1.GetBlockSize()
    src_abs = os.path.abspath(src)
    lines = ['<VRTDataset rasterXSize="%d" rasterYSize="%d">' % (nx * cols, ny * rows),
             "  <SRS>%s</SRS>" % xml_escape(ds.GetProjection()),
             "  <GeoTransform>%r, %r, 0, %r, 0, %r</GeoTransform>" % (gt[0], gt[1], gt[3], gt[5])]
    for b in range(1, nb + 1):
        band = ds.GetRasterBand(b)
        lines.append('  <VRTRasterBand dataType="%s" band="%d">' % (dtype, b))
        nd = band.GetNoDataValue()
        if nd is not None:
            lines.append("    <NoDataValue>%r</NoDataValue>" % nd)
        desc = band.GetDescription()
        if desc:
            lines.append("    <Description>%s</Description>" % xml_escape(desc))
        for r in range(rows):
            for c in range(cols):
                lines.append(
                    '    <SimpleSource><SourceFilename relativeToVRT="0">%s</SourceFilename>'
                    "<SourceBand>%d</SourceBand>"
                    '<SourceProperties RasterXSize="%d" RasterYSize="%d" DataType="%s" BlockXSize="%d" '
                    'BlockYSize="%d"/><SrcRect xOff="0" yOff="0" xSize="%d" ySize="%d"/>'
                    '<DstRect xOff="%d" yOff="%d" xSize="%d" ySize="%d"/></SimpleSource>'
                    % (src_abs, b, nx, ny, dtype, bx, by, nx, ny, c * nx, r * ny, nx, ny))
        lines.append("  </VRTRasterBand>")
    lines.append("</VRTDataset>")
    vrt = dst + ".vrt"
    with open(vrt, "w") as f:
        f.write("\n".join(lines) + "\n")
    co = list(TIFF_CO)
    if image:
        co.append("PREDICTOR=2")
    tmp = dst + ".tmp.tif"
    gdal.Translate(tmp, vrt, format="GTiff", creationOptions=co)
    os.replace(tmp, dst)
    os.remove(vrt)
    return nx, ny, nb, gt


def read_rows(path, layer, to_epsg=None, segment=None):
    ds = ogr.Open(path)
    lyr = ds.GetLayerByName(layer)
    defn = lyr.GetLayerDefn()
    fields = [(defn.GetFieldDefn(i).GetName(), defn.GetFieldDefn(i).GetType())
              for i in range(defn.GetFieldCount())]
    s = lyr.GetSpatialRef().Clone()
    s.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    rows = []
    for f in lyr:
        g = f.GetGeometryRef().Clone()
        if segment:
            g.Segmentize(segment)
        rows.append(({n: f.GetField(n) for n, _ in fields}, g))
    epsg = int(s.GetAuthorityCode(None))
    return rows, fields, epsg, lyr.GetGeomType()


def write_copies(src_path, dst_path, layer, rows, cols, step_x, step_y, id_fields, via_utm, segment=None):
    """Copies every feature of @p layer rows x cols times, shifted by (c * step_x, -r * step_y)
    metres in EPSG:32649; @p id_fields get the copy tag appended."""
    feats, fields, epsg, gtype = read_rows(src_path, layer, segment=segment)
    to_utm = from_utm = None
    if via_utm and epsg != 32649:
        to_utm = osr.CoordinateTransformation(srs(epsg), srs(32649))
        from_utm = osr.CoordinateTransformation(srs(32649), srs(epsg))
    if os.path.exists(dst_path):
        os.remove(dst_path)
    ds = ogr.GetDriverByName("GPKG").CreateDataSource(dst_path)
    lyr = ds.CreateLayer(layer, srs(epsg), gtype)
    for n, t in fields:
        lyr.CreateField(ogr.FieldDefn(n, t))
    base = []
    for attrs, g in feats:
        g = g.Clone()
        if to_utm:
            g.Transform(to_utm)
        base.append((attrs, g))
    lyr.StartTransaction()
    n = 0
    for r in range(rows):
        for c in range(cols):
            dx, dy = c * step_x, -r * step_y
            tag = copy_tag(r, c)
            for attrs, g in base:
                gg = g.Clone()
                shift_geom(gg, dx, dy)
                if from_utm:
                    gg.Transform(from_utm)
                f = ogr.Feature(lyr.GetLayerDefn())
                for k, v in attrs.items():
                    if v is None:
                        continue
                    if k in id_fields:
                        v = ";".join(x + tag for x in str(v).split(";")) if v else v
                    elif k == "HXMC":
                        v = "%s（%d-%d）" % (v, r + 1, c + 1)
                    f.SetField(k, v)
                f.SetGeometry(gg)
                lyr.CreateFeature(f)
                n += 1
    lyr.CommitTransaction()
    ds = None
    return n, len(feats)


def shift_geom(g, dx, dy):
    """Translates an OGR geometry in place."""
    n = g.GetGeometryCount()
    if n:
        for i in range(n):
            shift_geom(g.GetGeometryRef(i), dx, dy)
        return
    for i in range(g.GetPointCount()):
        x, y = g.GetX(i), g.GetY(i)
        g.SetPoint_2D(i, x + dx, y + dy)


def cmd_gen(a):
    t0 = time.time()
    scene, out = a.scene, a.out
    os.makedirs(out, exist_ok=True)
    meta_path = os.path.join(out, "meta.json")
    if os.path.exists(meta_path):
        os.remove(meta_path)
    with open(os.path.join(scene, "scene.json"), encoding="utf-8") as f:
        sj = json.load(f)
    rows, cols = a.rows, a.cols
    info = {}
    for name, image in (("before.tif", True), ("after.tif", True), ("before_scl.tif", False),
                        ("after_scl.tif", False), ("landcover.tif", False)):
        ts = time.time()
        nx, ny, nb, gt = mosaic_raster(os.path.join(scene, name), os.path.join(out, name), rows, cols, image)
        info[name] = {"bands": nb, "bytes": os.path.getsize(os.path.join(out, name))}
        log("%s: %d x %d copies of %d x %d px, %d band(s), %.0f MB, %.1f s" % (
            name, rows, cols, nx, ny, nb, info[name]["bytes"] / 1e6, time.time() - ts))
    step_x, step_y = nx * gt[1], ny * -gt[5]
    n_rl, n_rl_scene = write_copies(os.path.join(scene, "redline.gpkg"), os.path.join(out, "redline.gpkg"),
                                    "redline", rows, cols, step_x, step_y, {"HXBH"}, True, segment=20.0)
    n_tr, n_tr_scene = write_copies(os.path.join(scene, "truth.gpkg"), os.path.join(out, "truth.gpkg"),
                                    "changes", rows, cols, step_x, step_y, {"change_id", "redline_ids"}, True)
    write_copies(os.path.join(scene, "distractors.gpkg"), os.path.join(out, "distractors.gpkg"),
                 "distractors", rows, cols, step_x, step_y, set(), True)

    # planted changes per copy, as the evaluator counts them (inside area >= the unit)
    truth_rows, _, _, _ = read_rows(os.path.join(scene, "truth.gpkg"), "changes")
    min_area = 400.0
    inside = [t for t, _ in truth_rows if (t.get("area_inside_m2") or 0) > 0]
    required = [t for t, _ in truth_rows if (t.get("area_inside_m2") or 0) >= min_area]

    # red-line share of the image (planar, EPSG:32649)
    rl, _, _, _ = read_rows(os.path.join(scene, "redline.gpkg"), "redline")
    ct = osr.CoordinateTransformation(srs(4545), srs(32649))
    u = None
    for _, g in rl:
        g = g.Clone()
        g.Segmentize(20.0)
        g.Transform(ct)
        u = g if u is None else u.Union(g)
    rl_share = u.GetArea() / (step_x * step_y)

    sj = dict(sj)
    sj["mosaic"] = {"rows": rows, "cols": cols, "of_scene": os.path.abspath(scene)}
    sj["size_px"] = [nx * cols, ny * rows]
    sj["extent_utm"] = [gt[0], gt[3] - step_y * rows, gt[0] + step_x * cols, gt[3]]
    with open(os.path.join(out, "scene.json"), "w", encoding="utf-8") as f:
        json.dump(sj, f, ensure_ascii=False, indent=1)
    meta = {
        "generator": "scripts/bench_activity_data.py gen (copies of scripts/make_activity_scene.py)",
        "scene": os.path.abspath(scene), "seed": sj.get("seed"),
        "rows": rows, "cols": cols, "copies": rows * cols,
        "scene_px": [nx, ny], "nx": nx * cols, "ny": ny * rows,
        "pixel_m": gt[1], "mpix": nx * cols * ny * rows / 1e6,
        "area_km2": step_x * step_y * rows * cols / 1e6,
        "bands": info["before.tif"]["bands"],
        "redline_polygons": n_rl, "redline_polygons_per_copy": n_rl_scene,
        "redline_share": rl_share,
        "planted_per_copy": n_tr_scene, "planted_touching_redline_per_copy": len(inside),
        "planted_required_per_copy": len(required), "min_area_m2": min_area,
        "redline_args": sj.get("redline_args", []),
        "bytes": {k: v["bytes"] for k, v in info.items()},
        "generation_s": time.time() - t0,
    }
    with open(meta_path + ".tmp", "w") as f:
        json.dump(meta, f, indent=1)
    os.replace(meta_path + ".tmp", meta_path)
    log("done in %.1f s: %s" % (meta["generation_s"], summary(meta)))


def summary(m):
    return ("%d x %d copies = %.0f km², %d x %d px = %.1f Mpix x %d bands x 2 dates, "
            "%d red-line polygons (%.0f %% of the area), %d planted changes inside the red line per copy" % (
                m["rows"], m["cols"], m["area_km2"], m["nx"], m["ny"], m["mpix"], m["bands"],
                m["redline_polygons"], 100 * m["redline_share"], m["planted_required_per_copy"]))


# --------------------------------------------------------------------------------------------
# peers (the timed work)

def cmd_read(a):
    """Read limit: every block of every band of every file read once with ReadAsArray."""
    total = 0
    for path in a.files:
        ds = gdal.Open(path)
        nx, ny = ds.RasterXSize, ds.RasterYSize
        for b in range(1, ds.RasterCount + 1):
            band = ds.GetRasterBand(b)
            bx, by = band.GetBlockSize()
            for y in range(0, ny, by):
                h = min(by, ny - y)
                for x in range(0, nx, bx):
                    arr = band.ReadAsArray(x, y, min(bx, nx - x), h)
                    total += int(arr[0, 0])
        ds = None
    print(json.dumps({"checksum": total}))


def redline_mask(data, nx, ny, gt, proj):
    """The red line burnt on the image grid (cell centre rule), after reprojection to the image CRS."""
    src = ogr.Open(os.path.join(data, "redline.gpkg"))
    lyr = src.GetLayerByName("redline")
    s = lyr.GetSpatialRef().Clone()
    s.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    dst_srs = osr.SpatialReference()
    dst_srs.ImportFromWkt(proj)
    dst_srs.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    ct = osr.CoordinateTransformation(s, dst_srs)
    mem = ogr.GetDriverByName("Memory").CreateDataSource("m")
    ml = mem.CreateLayer("rl", dst_srs, ogr.wkbMultiPolygon)
    for f in lyr:
        g = f.GetGeometryRef().Clone()
        g.Segmentize(20.0)
        g.Transform(ct)
        o = ogr.Feature(ml.GetLayerDefn())
        o.SetGeometry(g)
        ml.CreateFeature(o)
    rds = gdal.GetDriverByName("MEM").Create("", nx, ny, 1, gdal.GDT_Byte)
    rds.SetGeoTransform(gt)
    rds.SetProjection(proj)
    gdal.RasterizeLayer(rds, [1], ml, burn_values=[1])
    return rds


def cmd_ndvi(a):
    """Naive change detector: NDVI of both dates, difference, fixed threshold, block by block;
    counts changed cells inside the red line (cells valid in both SCL masks) and the 8-connected
    blobs of >= min-cells cells."""
    from scipy import ndimage
    t0 = time.time()
    d = a.data
    with open(os.path.join(d, "scene.json"), encoding="utf-8") as f:
        sj = json.load(f)
    roles = {b["role"]: b["index"] for b in sj["bands"]}
    bef, aft = gdal.Open(os.path.join(d, "before.tif")), gdal.Open(os.path.join(d, "after.tif"))
    bscl, ascl = gdal.Open(os.path.join(d, "before_scl.tif")), gdal.Open(os.path.join(d, "after_scl.tif"))
    nx, ny = bef.RasterXSize, bef.RasterYSize
    rl_ds = redline_mask(d, nx, ny, bef.GetGeoTransform(), bef.GetProjection())   # keep: owns the band
    rl = rl_ds.GetRasterBand(1)
    t_mask = time.time() - t0
    br, bn = bef.GetRasterBand(roles["red"]), bef.GetRasterBand(roles["nir"])
    ar, an = aft.GetRasterBand(roles["red"]), aft.GetRasterBand(roles["nir"])
    bm, am = bscl.GetRasterBand(1), ascl.GetRasterBand(1)
    bx, by = br.GetBlockSize()
    invalid = np.zeros(256, bool)
    invalid[list(S2_SCL_INVALID)] = True
    changed_map = np.zeros((ny, nx), bool)
    n_changed = n_inside = 0

    def ndvi(r, n):
        r = r.astype(np.float32)
        n = n.astype(np.float32)
        s = n + r
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(s > 0, (n - r) / s, 0.0), s > 0
    for y in range(0, ny, by):
        h = min(by, ny - y)
        for x in range(0, nx, bx):
            w = min(bx, nx - x)
            inside = rl.ReadAsArray(x, y, w, h).astype(bool)
            if not inside.any():
                continue
            nb, vb = ndvi(br.ReadAsArray(x, y, w, h), bn.ReadAsArray(x, y, w, h))
            na, va = ndvi(ar.ReadAsArray(x, y, w, h), an.ReadAsArray(x, y, w, h))
            ok = inside & vb & va & ~invalid[bm.ReadAsArray(x, y, w, h)] & ~invalid[am.ReadAsArray(x, y, w, h)]
            ch = ok & (np.abs(na - nb) > a.threshold)
            n_inside += int(ok.sum())
            n_changed += int(ch.sum())
            changed_map[y:y + h, x:x + w] = ch
    lab, n = ndimage.label(changed_map, structure=np.ones((3, 3), bool))
    sizes = np.bincount(lab.ravel())[1:]
    blobs = int((sizes >= a.min_cells).sum())
    res = {"threshold_abs_dndvi": a.threshold, "cells_valid_inside": n_inside, "cells_changed": n_changed,
           "blobs": int(n), "blobs_min_cells": blobs, "min_cells": a.min_cells,
           "redline_rasterize_s": t_mask, "total_s": time.time() - t0}
    with open(a.out, "w") as f:
        json.dump(res, f, indent=1)


# --------------------------------------------------------------------------------------------
# checks

def cmd_copies(a):
    """Patches of the mosaic per copy (the -RrrCcc tag of their red-line id) against the patches
    of the single scene (count, and area matched patch by patch, within --area-tol/--cell-tol), and
    against the first copy (count, and area within --copy-area-tol: the copies share one
    calibration, so they differ only by where they lie on the ellipsoid). The scene's tolerance is
    wider because its calibration is its own: the normalisation, the strata's noise and the
    threshold are fitted on each image's samples, which moves the cells at a patch's margin."""
    with open(os.path.join(a.data, "meta.json")) as f:
        meta = json.load(f)
    with open(a.scene_json, encoding="utf-8") as f:
        ref = json.load(f).get("patches", [])
    with open(a.mosaic_json, encoding="utf-8") as f:
        mos = json.load(f).get("patches", [])
    ref_by_rl = {}
    for p in ref:
        ref_by_rl.setdefault(p["redline_id"], []).append(p)
    per_copy = {}
    untagged = 0
    for p in mos:
        rid = p.get("redline_id", "")
        if len(rid) > 7 and rid[-7:-5] == "-R" and rid[-3] == "C":
            per_copy.setdefault(rid[-7:], []).append(p)
        else:
            untagged += 1
    tags = [copy_tag(r, c) for r in range(meta["rows"]) for c in range(meta["cols"])]
    diffs, copy_diffs = [], []
    worst_area = worst_cells = worst_copy = 0.0
    cell = meta["pixel_m"] ** 2
    for t in tags:
        ps = per_copy.get(t, [])
        mine = {}
        for p in ps:
            mine.setdefault(p["redline_id"][:-7], []).append(p)
        problems = []
        for rid in sorted(set(ref_by_rl) | set(mine)):
            ra = sorted(float(p["area_m2"]) for p in ref_by_rl.get(rid, []))
            ma = sorted(float(p["area_m2"]) for p in mine.get(rid, []))
            if len(ra) != len(ma):
                problems.append("%s: %d patches (scene: %d)" % (rid, len(ma), len(ra)))
                continue
            for x, y in zip(ra, ma):
                worst_area = max(worst_area, abs(x - y) / max(x, 1.0))
                worst_cells = max(worst_cells, abs(x - y) / cell)
                if abs(x - y) > max(a.area_tol * x, a.cell_tol * cell):
                    problems.append("%s: patch of %.0f m² (scene: %.0f m²)" % (rid, y, x))
        if problems:
            diffs.append({"copy": t, "patches": len(ps), "problems": problems})
        # against the first copy
        first = {}
        for p in per_copy.get(tags[0], []):
            first.setdefault(p["redline_id"][:-7], []).append(p)
        mismatch = []
        for rid in sorted(set(first) | set(mine)):
            fa = sorted(float(p["area_m2"]) for p in first.get(rid, []))
            ma = sorted(float(p["area_m2"]) for p in mine.get(rid, []))
            if len(fa) != len(ma):
                mismatch.append("%s: %d patches (first copy: %d)" % (rid, len(ma), len(fa)))
                continue
            for x, y in zip(fa, ma):
                worst_copy = max(worst_copy, abs(x - y) / max(x, 1.0))
                if abs(x - y) > a.copy_area_tol * x:
                    mismatch.append("%s: patch of %.0f m² (first copy: %.0f m²)" % (rid, y, x))
        if mismatch:
            copy_diffs.append({"copy": t, "patches": len(ps), "problems": mismatch})
    counts = [len(per_copy.get(t, [])) for t in tags]
    res = {"copies": len(tags), "scene_patches": len(ref), "mosaic_patches": len(mos),
           "expected_patches": len(ref) * len(tags), "per_copy_min": min(counts), "per_copy_max": max(counts),
           "untagged": untagged, "copies_differing": diffs, "worst_area_rel_diff": worst_area,
           "worst_area_diff_cells": worst_cells, "area_tol": a.area_tol, "cell_tol": a.cell_tol,
           "copies_differing_from_the_first": copy_diffs, "worst_copy_area_rel_diff": worst_copy,
           "copy_area_tol": a.copy_area_tol}
    with open(a.out, "w") as f:
        json.dump(res, f, indent=1, ensure_ascii=False)


# --------------------------------------------------------------------------------------------
# report

def fmt(v, spec):
    w = int(spec.split(".")[0] or 0)
    return "-".rjust(w) if v is None else format(v, spec)


def load_json(path):
    if not os.path.exists(path):
        return None
    with open(path, encoding="utf-8-sig") as f:
        return json.load(f)


def cmd_report(a):
    rd = a.results
    meta = load_json(os.path.join(a.data, "meta.json"))
    runs = {}
    with open(os.path.join(rd, "runs.tsv")) as f:
        for line in f:
            p = line.rstrip("\n").split("\t")
            if len(p) < 6:
                continue
            key, label, status, wall, rss, mpix = p[:6]
            runs[key] = {"label": label, "status": status, "wall": float(wall) if wall else None,
                         "rss": float(rss) / 1024.0 if rss else None, "mpix": float(mpix) if mpix else None,
                         "note": p[6] if len(p) > 6 else "",
                         "cpu": float(p[7]) if len(p) > 7 and p[7] else None}

    def ok(k):
        return k in runs and runs[k]["status"] == "ok" and runs[k]["wall"]

    print()
    print("Data: " + summary(meta))
    print("      " + a.data)
    print()
    ref = "redline_t0" if ok("redline_t0") else None
    hdr = "%-60s %8s %7s %8s %8s %9s" % ("run", "wall s", "CPU s", "peak MB", "Mpix/s", "x redline")
    print(hdr)
    print("-" * len(hdr))
    for k, r in runs.items():
        if r["status"] != "ok":
            print("%-60s %s: %s" % (r["label"], "FAILED" if r["status"] == "failed" else "skipped",
                                    r["note"].removeprefix("failed ")))
            continue
        mps = r["mpix"] / r["wall"] if r["mpix"] and r["wall"] > 0 else None
        ratio = r["wall"] / runs[ref]["wall"] if ref and not k.startswith(("mem", "redline_scene")) else None
        print("%-60s %8.2f %7s %8s %8s %9s" % (r["label"], r["wall"], fmt(r["cpu"], "7.1f"), fmt(r["rss"], "8.0f"),
                                                fmt(mps, "8.1f"), fmt(ratio, "9.2f"))
              + ("  " + r["note"] if r["note"] else ""))
    print("(CPU s = user + sys of the fastest run; Mpix/s = image cells (one date) / wall s; x redline = wall / "
          "'redline activity, all threads, --no-chips'; memory rows: one run each)")

    status = 0
    # --- results -------------------------------------------------------------------------------
    print()
    print("Results:")
    req = meta["planted_required_per_copy"] * meta["copies"]
    t0 = load_json(os.path.join(rd, "redline_t0.json"))
    t1 = load_json(os.path.join(rd, "redline_t1.json"))
    sc = load_json(os.path.join(rd, "redline_scene.json"))
    if sc:
        print("  single scene (1 copy): %d patches for %d planted changes inside the red line "
              "(a change straddling two red-line polygons gives one patch per polygon)" % (
                  sc["overall"]["patches"], meta["planted_required_per_copy"]))
    if t0:
        n = t0["overall"]["patches"]
        exp = sc["overall"]["patches"] * meta["copies"] if sc else None
        print("  mosaic: %d patches, %.1f ha; expected %s (%d copies x the single scene), planted changes "
              "inside the red line %d" % (n, t0["overall"]["area_m2"] / 1e4, "-" if exp is None else exp, meta["copies"], req))
        if exp is not None and n != exp:
            print("  WARNING: the mosaic's patch count differs from copies x the single scene's")
            status = 3
    cp = load_json(os.path.join(rd, "copies.json"))
    if cp:
        print("  per copy: %d-%d patches (single scene %d); copies differing from the single scene: %d; "
              "largest patch-area difference %.2f %% / %.1f cells (tolerance: the larger of %g %% and %g cells)" % (
                  cp["per_copy_min"], cp["per_copy_max"], cp["scene_patches"], len(cp["copies_differing"]),
                  100 * cp["worst_area_rel_diff"], cp["worst_area_diff_cells"], 100 * cp["area_tol"],
                  cp["cell_tol"]))
        for d in cp["copies_differing"][:8]:
            print("    %s: %d patches; %s" % (d["copy"], d["patches"], "; ".join(d["problems"][:4])))
        if len(cp["copies_differing"]) > 8:
            print("    ... %d more copies" % (len(cp["copies_differing"]) - 8))
        if "copies_differing_from_the_first" in cp:
            print("  copies against the first copy: %d differing; largest patch-area difference %.3f %% (tolerance %g %%)" % (
                len(cp["copies_differing_from_the_first"]), 100 * cp["worst_copy_area_rel_diff"],
                100 * cp["copy_area_tol"]))
            for d in cp["copies_differing_from_the_first"][:8]:
                print("    %s: %d patches; %s" % (d["copy"], d["patches"], "; ".join(d["problems"][:4])))
        if cp["copies_differing"] or cp["untagged"] or cp.get("copies_differing_from_the_first"):
            status = 3
    if t0 and t1:
        a0 = sorted(round(float(p["area_m2"]), 2) for p in t0.get("patches", []))
        a1 = sorted(round(float(p["area_m2"]), 2) for p in t1.get("patches", []))
        same = a0 == a1 and [p.get("patch_id") for p in t0["patches"]] == [p.get("patch_id") for p in t1["patches"]]
        print("  1 thread vs all threads: %s (%d vs %d patches)" % (
            "identical patches and ids" if same else "DIFFERENT", len(a1), len(a0)))
        if not same:
            status = 3
    ev = os.path.join(rd, "evaluate.txt")
    if os.path.exists(ev):
        with open(ev) as f:
            lines = f.read().splitlines()
        keep = [ln for ln in lines if ln.startswith(("patches:", "required changes", "area-weighted",
                                                      "patches on the masked", "change_type agreement",
                                                      "patches outside", "missing fields", "field value",
                                                      "RESULT"))]
        print("  tests/activity/evaluate.py on the mosaic (planted truth, all copies):")
        for ln in keep:
            print("    " + ln)
        missed = [ln.split()[0] for ln in lines if "REQUIRED MISSED" in ln]
        if missed:
            print("    missed: " + ", ".join(missed[:20]) + (" ..." if len(missed) > 20 else ""))
        if not any(ln.startswith("RESULT: PASS") for ln in lines):
            status = 3
    elif "evaluate" in runs:
        print("  evaluate.py: " + runs["evaluate"]["note"])
    nd = load_json(os.path.join(rd, "ndvi.json"))
    if nd:
        print("  naive NDVI differencing (|dNDVI| > %.2f, no normalisation, fixed threshold): %d changed cells "
              "of %d valid inside the red line, %d blobs of >= %d cells (%d blobs in all) vs %d planted changes" % (
                  nd["threshold_abs_dndvi"], nd["cells_changed"], nd["cells_valid_inside"], nd["blobs_min_cells"],
                  nd["min_cells"], nd["blobs"], req))

    # --- ratios --------------------------------------------------------------------------------
    print()
    print("Key ratios:")

    def ratio_line(name, num, den, what):
        if ok(num) and ok(den):
            print("  %-46s %7.2f  (%s)" % (name, runs[num]["wall"] / runs[den]["wall"], what))
        else:
            print("  %-46s     n/a  (%s; a run is missing)" % (name, what))
    best_read = None
    for k in ("read_gdalinfo", "read_numpy"):
        if ok(k) and (best_read is None or runs[k]["wall"] < runs[best_read]["wall"]):
            best_read = k
    if best_read:
        ratio_line("redline 1 thread / read limit", "redline_t1", best_read,
                   "x the cost of decoding every block once: " + runs[best_read]["label"].split(": ", 1)[-1])
        ratio_line("redline all threads / read limit", "redline_t0", best_read, "same, all cores")
    ratio_line("redline 1 thread / all threads", "redline_t1", "redline_t0",
               "speed-up on %d cores" % os.cpu_count())
    if ok("redline_t1") and ok("redline_t0") and runs["redline_t1"]["cpu"] and runs["redline_t0"]["cpu"]:
        print("  %-46s %7.2f  (CPU s %.1f -> %.1f: extra work done by the threads; 1.0 = none)" % (
            "redline CPU time, all threads / 1 thread", runs["redline_t0"]["cpu"] / runs["redline_t1"]["cpu"],
            runs["redline_t1"]["cpu"], runs["redline_t0"]["cpu"]))
        if runs["redline_t0"]["wall"] > runs["redline_t1"]["wall"]:
            print("  note: all threads were slower than 1 thread: other processes on the CPUs, and/or the extra "
                  "CPU time of the threads above")
    ratio_line("redline with chips / without", "redline_chips", "redline_t0", "cost of the PNG chips")
    ratio_line("naive NDVI peer / redline (all threads)", "ndvi", "redline_t0", ">1: redline faster")
    ratio_line("naive NDVI peer / redline 1 thread", "ndvi", "redline_t1", "both single-threaded")
    for k in ("redline_t1", "redline_t0"):
        if ok(k):
            print("  %-46s %7.1f  (Mpix/s, %s)" % ("throughput " + ("1 thread" if k == "redline_t1" else
                                                                    "all threads"),
                                                  runs[k]["mpix"] / runs[k]["wall"], runs[k]["label"]))
    mem = sorted(((float(k[4:]), r) for k, r in runs.items() if k.startswith("mem_") and r["status"] == "ok"),
                 key=lambda t: t[0])
    if len(mem) >= 2:
        (s0, r0), (s1, r1) = mem[0], mem[-1]
        print("  %-46s %7.2f  (%.0f MB at %.0f Mpix -> %.0f MB at %.0f Mpix, %gx the rows)" % (
            "peak RSS scale %g / scale %g" % (s1, s0), r1["rss"] / r0["rss"], r0["rss"], r0["mpix"], r1["rss"],
            r1["mpix"], s1 / s0))
        if r1["wall"] > r0["wall"]:
            print("  %-46s %7.1f  (Mpix/s from scale %g to %g: wall %.2f -> %.2f s)" % (
                "marginal throughput, all threads", (r1["mpix"] - r0["mpix"]) / (r1["wall"] - r0["wall"]),
                s0, s1, r0["wall"], r1["wall"]))
        ctl = [(float(k[6:]), r) for k, r in runs.items() if k.startswith("memrl_") and r["status"] == "ok"]
        if ctl:
            s2, r2 = ctl[-1]
            cj = load_json(os.path.join(rd, "memrl_%g.json" % s2))
            extra = ", %d patches" % cj["overall"]["patches"] if cj else ""
            print("  %-46s %7.2f  (%.0f MB at %.0f Mpix -> %.0f MB at %.0f Mpix with scale %g's red line%s: "
                  "the image size alone)" % ("peak RSS scale %g, same red line / scale %g" % (s2, s0),
                                             r2["rss"] / r0["rss"], r0["rss"], r0["mpix"], r2["rss"], r2["mpix"],
                                             s0, extra))
        if r1["rss"] / r0["rss"] > 1.5:
            print("  WARNING: peak RSS grows with the number of rows")
    else:
        print("  %-46s     n/a  (memory runs skipped)" % "peak RSS scale S / scale 1")
    return status


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sp = ap.add_subparsers(dest="cmd", required=True)
    g = sp.add_parser("gen")
    g.add_argument("--scene", required=True)
    g.add_argument("--out", required=True)
    g.add_argument("--rows", type=int, required=True)
    g.add_argument("--cols", type=int, required=True)
    r = sp.add_parser("read")
    r.add_argument("files", nargs="+")
    n = sp.add_parser("ndvi")
    n.add_argument("data")
    n.add_argument("out")
    n.add_argument("--threshold", type=float, default=0.2)
    n.add_argument("--min-cells", type=int, default=4)
    c = sp.add_parser("copies")
    c.add_argument("data")
    c.add_argument("scene_json")
    c.add_argument("mosaic_json")
    c.add_argument("out")
    c.add_argument("--area-tol", type=float, default=0.1,
                   help="relative area tolerance against the single scene (default 0.1)")
    c.add_argument("--cell-tol", type=float, default=10,
                   help="absolute area tolerance against the single scene, in cells (default 10)")
    c.add_argument("--copy-area-tol", type=float, default=0.005,
                   help="relative area tolerance between copies (default 0.005: the ellipsoid alone)")
    p = sp.add_parser("report")
    p.add_argument("results")
    p.add_argument("data")
    a = ap.parse_args()
    if a.cmd == "gen":
        cmd_gen(a)
    elif a.cmd == "read":
        cmd_read(a)
    elif a.cmd == "ndvi":
        cmd_ndvi(a)
    elif a.cmd == "copies":
        cmd_copies(a)
    elif a.cmd == "report":
        sys.exit(cmd_report(a))


if __name__ == "__main__":
    main()
