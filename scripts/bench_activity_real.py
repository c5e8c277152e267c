#!/usr/bin/python3
"""Scores `redline activity` on real Sentinel-2 image pairs with pixel change labels (OSCD).

    /usr/bin/python3 scripts/bench_activity_real.py --redline build/redline [--data DIR] [--work DIR]
        [--cities a,b,...] [--threads N] [--json FILE] [--check-mean-f1 F1] [--warp-after CRS,RES]
        [-- extra redline activity options]

For each city of the Onera Satellite Change Detection set (Caye Daudt et al., IGARSS 2018; see
../shared/data/README.md) it writes a red-line polygon covering the whole scene, runs

    redline activity --before <city>_<date1>.tif --after <city>_<date2>.tif --redline scene.geojson --out ...

without --sensor or --bands (the files' band descriptions say which band is which), burns the
delivered patches onto the label grid (a cell is "changed" when its centre lies in a patch) and
counts pixel precision, recall and F1 against `<city>_change_mask.tif`. Beside it, the naive
detector every method is compared with: NDVI(before) - NDVI(after) > 0.3.

Cities are split once, by a rule fixed before any tuning (every third city in alphabetical order is
held out: beirut, nantes, saclay_e). Detector development used only the tuning cities; the figures
of the held-out cities say how the detector generalises. Overall figures are the mean of the
cities' F1 (each city counts once) and the F1 of all pixels pooled.

With --warp-after (e.g. EPSG:4490,0.0001), each after image is first warped by GDAL (bilinear)
into that CRS at that cell size, as provincial imagery often comes in CGCS2000 geographic or
Gauss-Krüger coordinates: redline must bring it back onto the before grid without creating change,
so the figures should stay close to the aligned run's. The naive detector keeps the aligned images.

The labels mark urban change only (new buildings, roads, cleared and built land): precision is
counted over the whole scene, so a real but unlabelled change (a harvested field, a river's
sediment) counts against it.

Exit status: 0 done, 2 a redline run failed or the data are missing, 3 the mean F1 fell below
--check-mean-f1 (a regression guard: .ci/run gives the figure measured when the detector last
changed, less a margin).
"""
import argparse
import glob
import json
import os
import subprocess
import sys
import time

import numpy as np
from osgeo import gdal, ogr, osr

gdal.UseExceptions()
ogr.UseExceptions()

HELD_OUT = ["beirut", "nantes", "saclay_e"]
GOAL_MEAN_F1 = 0.45


def city_files(data, city):
    images = sorted(glob.glob(os.path.join(data, city, f"{city}_*_s2l1c_*.tif")))
    mask = os.path.join(data, city, f"{city}_change_mask.tif")
    if len(images) != 2 or not os.path.exists(mask):
        sys.exit(f"bench_activity_real: {data}/{city}: expected two *_s2l1c_*.tif images and a change mask")
    return images[0], images[1], mask


def scene_polygon(path, out):
    """A red-line polygon covering the whole raster @p path, in its CRS (GeoJSON)."""
    ds = gdal.Open(path)
    gt = ds.GetGeoTransform()
    x0, y0 = gt[0], gt[3]
    x1, y1 = x0 + gt[1] * ds.RasterXSize, y0 + gt[5] * ds.RasterYSize
    srs = osr.SpatialReference(wkt=ds.GetProjection())
    drv = ogr.GetDriverByName("GeoJSON")
    if os.path.exists(out):
        drv.DeleteDataSource(out)
    dst = drv.CreateDataSource(out)
    layer = dst.CreateLayer("redline", srs, ogr.wkbPolygon)
    layer.CreateField(ogr.FieldDefn("HXBH", ogr.OFTString))
    f = ogr.Feature(layer.GetLayerDefn())
    f.SetField("HXBH", "scene")
    f.SetGeometry(ogr.CreateGeometryFromWkt(
        f"POLYGON(({x0} {y0},{x1} {y0},{x1} {y1},{x0} {y1},{x0} {y0}))"))
    layer.CreateFeature(f)
    dst = None


def burn(patches_gpkg, layer_name, template):
    """Cells of @p template whose centre lies in a feature of the layer: an array of feature
    numbers (1, 2, ...; 0 none) and the features' (patch_id, confidence) by number."""
    ref = gdal.Open(template)
    mem = gdal.GetDriverByName("MEM").Create("", ref.RasterXSize, ref.RasterYSize, 1, gdal.GDT_Int32)
    mem.SetGeoTransform(ref.GetGeoTransform())
    mem.SetProjection(ref.GetProjection())
    src = ogr.Open(patches_gpkg)
    layer = src.GetLayerByName(layer_name) if src else None
    info = {}
    if layer is not None and layer.GetFeatureCount() > 0:
        tmp = ogr.GetDriverByName("Memory").CreateDataSource("tmp")
        tl = tmp.CreateLayer("p", layer.GetSpatialRef(), ogr.wkbMultiPolygon)
        tl.CreateField(ogr.FieldDefn("k", ogr.OFTInteger))
        for i, feat in enumerate(layer):
            info[i + 1] = (feat.GetField("patch_id"), feat.GetField("confidence"))
            g = ogr.Feature(tl.GetLayerDefn())
            g.SetField("k", i + 1)
            g.SetGeometry(feat.GetGeometryRef().Clone())
            tl.CreateFeature(g)
        gdal.RasterizeLayer(mem, [1], tl, options=["ATTRIBUTE=k"])
    return mem.GetRasterBand(1).ReadAsArray(), info


def patch_truth(labels, info, truth):
    """(confidence, real) of every patch: real when at least half of its cells are labelled changed."""
    counts = np.bincount(labels.ravel(), minlength=len(info) + 1)
    hits = np.bincount(labels.ravel(), weights=truth.ravel().astype(float), minlength=len(info) + 1)
    return [(info[k][1], counts[k] > 0 and hits[k] / counts[k] >= 0.5) for k in info]


def scores(pred, truth):
    tp = int(np.count_nonzero(pred & truth))
    fp = int(np.count_nonzero(pred & ~truth))
    fn = int(np.count_nonzero(~pred & truth))
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"tp": tp, "fp": fp, "fn": fn, "precision": p, "recall": r, "f1": f}


def naive_ndvi_drop(before, after):
    def ndvi(path):
        ds = gdal.Open(path)
        red = ds.GetRasterBand(3).ReadAsArray().astype(np.float64)
        nir = ds.GetRasterBand(4).ReadAsArray().astype(np.float64)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(nir + red > 0, (nir - red) / (nir + red), 0.0)
    return (ndvi(before) - ndvi(after)) > 0.3


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    ap.add_argument("--redline", required=True)
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--data", default=os.path.normpath(os.path.join(here, "..", "..", "shared", "data", "oscd")))
    ap.add_argument("--work", default="/tmp/redline-bench/oscd")
    ap.add_argument("--cities", default="")
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--json", default="")
    ap.add_argument("--check-mean-f1", type=float, default=None, metavar="F1",
                    help="exit 3 when the mean F1 of the cities run falls below F1 (a regression guard for CI)")
    ap.add_argument("--warp-after", default="", metavar="CRS,RES",
                    help="warp each after image into CRS at cell size RES first (e.g. EPSG:4490,0.0001)")
    ap.add_argument("extra", nargs="*", help="more redline activity options (after --)")
    a = ap.parse_args()
    if not os.path.isdir(a.data):
        sys.exit(f"bench_activity_real: no OSCD data at {a.data} (see ../shared/data/README.md); give --data DIR")
    cities = [c for c in a.cities.split(",") if c] or sorted(
        d for d in os.listdir(a.data) if os.path.isdir(os.path.join(a.data, d)))
    os.makedirs(a.work, exist_ok=True)
    rows = []
    for city in cities:
        before, after, mask = city_files(a.data, city)
        work = os.path.join(a.work, city)
        os.makedirs(work, exist_ok=True)
        redline = os.path.join(work, "scene.geojson")
        scene_polygon(before, redline)
        out = os.path.join(work, "patches.gpkg")
        after_run = after
        if a.warp_after:
            crs, res = a.warp_after.rsplit(",", 1)
            after_run = os.path.join(work, "after_warped.tif")
            gdal.Warp(after_run, after, dstSRS=crs, xRes=float(res), yRes=float(res), resampleAlg="bilinear",
                      creationOptions=["COMPRESS=DEFLATE"])
        cmd = [a.redline, "activity", "--before", before, "--after", after_run, "--redline", redline, "--out", out,
               "--json", os.path.join(work, "activity.json"), "--no-chips", "-q", "--threads", str(a.threads)] + a.extra
        t0 = time.perf_counter()
        run = subprocess.run(cmd, capture_output=True, text=True)
        seconds = time.perf_counter() - t0
        if run.returncode not in (0, 1):
            sys.stderr.write(run.stderr)
            sys.exit(f"bench_activity_real: redline failed on {city} (exit {run.returncode}): {' '.join(cmd)}")
        truth = gdal.Open(mask).ReadAsArray() > 0
        delivered, info = burn(out, "activity_patches", mask)
        candidates, info_c = burn(out, "activity_candidates", mask)
        s = scores(delivered > 0, truth)
        s["f1_all"] = scores((delivered > 0) | (candidates > 0), truth)["f1"]
        s["patches"] = patch_truth(delivered, info, truth) + patch_truth(candidates, info_c, truth)
        naive = scores(naive_ndvi_drop(before, after), truth)
        with open(os.path.join(work, "activity.json"), encoding="utf-8") as f:
            season_gap = json.load(f).get("input", {}).get("season_gap_days")
        s.update(city=city, held_out=city in HELD_OUT, seconds=seconds, naive_f1=naive["f1"],
                 pixels=int(truth.size), changed_share=float(truth.mean()), season_gap_days=season_gap)
        rows.append(s)

    def line(name, p, r, f, fa, nf, t, note="", gap=None):
        g = f"{gap:>7.0f}" if gap is not None else " " * 7
        print(f"{name:<22} {p:>9.3f} {r:>7.3f} {f:>7.3f} {fa:>7.3f} {nf:>9.3f} {t:>7.2f} {g}  {note}")

    print(f"redline activity on OSCD (Sentinel-2 L1C, 10 m): pixel scores against the change labels")
    print("  F1: the delivered patches (activity_patches); F1 all: with the low-confidence candidates too")
    print("  season: days between the dates' positions in the year (from the images' metadata)")
    print(f"{'city':<22} {'precision':>9} {'recall':>7} {'F1':>7} {'F1 all':>7} {'naive F1':>9} {'time s':>7} "
          f"{'season':>7}")
    for group, title in ((False, "tuning cities"), (True, "held-out cities (never tuned on)")):
        sel = [r for r in rows if r["held_out"] == group]
        if not sel:
            continue
        print(f"-- {title}")
        for r in sel:
            line(r["city"], r["precision"], r["recall"], r["f1"], r["f1_all"], r["naive_f1"], r["seconds"],
                 "" if r["f1"] > r["naive_f1"] else "below the naive NDVI drop", r["season_gap_days"])
        tp, fp, fn = (sum(r[k] for r in sel) for k in ("tp", "fp", "fn"))
        pooled = scores(np.zeros(0, bool), np.zeros(0, bool))
        p = tp / (tp + fp) if tp + fp else 0.0
        rr = tp / (tp + fn) if tp + fn else 0.0
        pooled = 2 * p * rr / (p + rr) if p + rr else 0.0
        line("  mean F1 / pooled", p, rr, float(np.mean([r["f1"] for r in sel])),
             float(np.mean([r["f1_all"] for r in sel])), float(np.mean([r["naive_f1"] for r in sel])),
             sum(r["seconds"] for r in sel), f"(pooled F1 {pooled:.3f})")
    # Does confidence mean what it says? The share of patches that are real (at least half of their
    # cells labelled changed), per confidence bin.
    for group, title in ((False, "tuning cities"), (True, "held-out cities")):
        pts = [p for r in rows if r["held_out"] == group for p in r["patches"]]
        if not pts:
            continue
        print(f"confidence against the labels, {title} (a patch is real when >= half of its cells are labelled):")
        for lo, hi in ((0, 0.2), (0.2, 0.4), (0.4, 0.6), (0.6, 0.8), (0.8, 1.01)):
            sel = [real for c, real in pts if lo <= c < hi]
            if sel:
                print(f"  {lo:.1f}-{min(hi, 1.0):.1f}: {len(sel):>5} patches, {np.mean(sel):.2f} real")
    for r in rows:
        r.pop("patches")
    mean_all = float(np.mean([r["f1"] for r in rows]))
    print(f"all cities: mean F1 {mean_all:.3f}, naive mean F1 {np.mean([r['naive_f1'] for r in rows]):.3f}; "
          f"cities above the naive detector: {sum(r['f1'] > r['naive_f1'] for r in rows)} of {len(rows)}")
    above = all(r["f1"] > r["naive_f1"] for r in rows)
    met = mean_all >= GOAL_MEAN_F1 and above
    print(f"goal (issue 13): mean F1 >= {GOAL_MEAN_F1} with every city above the naive detector: "
          f"{'met' if met else 'NOT met'}")
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"cities": rows, "mean_f1": mean_all, "goal_met": met}, f, indent=1)
    if a.check_mean_f1 is not None and mean_all < a.check_mean_f1:
        print(f"bench_activity_real: mean F1 {mean_all:.3f} fell below the floor {a.check_mean_f1} (--check-mean-f1)",
              file=sys.stderr)
        sys.exit(3)


if __name__ == "__main__":
    main()
