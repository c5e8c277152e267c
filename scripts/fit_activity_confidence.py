#!/usr/bin/python3
"""Fits the confidence model of `redline activity` (layers/models/activity_confidence.txt).

    /usr/bin/python3 scripts/fit_activity_confidence.py --redline build/redline [--data DIR] [--work DIR]
        [--scenes DIR,...] [--write layers/models/activity_confidence.txt]

Confidence is meant to be read by a field team as "the share of patches like this one that are
real". So it is fitted, and checked, on patches whose truth is known:

- the OSCD tuning cities (real Sentinel-2 pairs with change labels; ../shared/data/oscd, the same
  split as scripts/bench_activity_real.py: beirut, nantes and saclay_e are never used here). A
  patch is real when at least half of its cells are labelled changed. The labels mark urban
  change only, so a real quarry or clearing there counts as false: on red-line land, where every
  change of this kind is activity, confidence errs low rather than high.
- generated scenes (scripts/make_activity_scene.py --variant ...) given with --scenes: a patch is
  real when it matches a planted change (tests/activity/evaluate.py's rule).

Every patch redline finds at --min-confidence 0 is a sample; features as ConfidenceModel reads
them (src/core/patch_confidence.h). The model is a logistic regression fitted by Newton's method
(numpy only), with a small ridge penalty, samples weighted so that each data set counts as much as
the others. It prints the reliability of the fit per confidence bin, and writes the model file with
--write.
"""
import argparse
import glob
import json
import math
import os
import subprocess
import sys

import numpy as np
from osgeo import gdal, ogr

gdal.UseExceptions()
ogr.UseExceptions()

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from bench_activity_real import HELD_OUT, city_files, scene_polygon  # noqa: E402

FEATURES = ["log_score", "log_cells", "type=vegetation_change", "type=bare_land_change"]
TYPES = ["other", "vegetation_to_bare", "vegetation_to_water", "water_to_land", "bare_to_water", "bare_land_change",
         "vegetation_change"]


def feature_row(p):
    f = {
        "log_score": math.log(max(p["score"], 1e-3)),
        "log_cells": math.log(max(p["cells"], 1)),
        "strong_share": p["strong_share"],
        "ndvi_before": p["ndvi_before"],
        "ndvi_drop": p["ndvi_before"] - p["ndvi_after"],
        "water_after": p["water_after"],
        "bare_rise": p["bare_after"] - p["bare_before"],
    }
    for t in TYPES:
        f["type=" + t] = 1.0 if p["change_type"] == t else 0.0
    return [f[k] for k in FEATURES]


def run_redline(redline, before, after, redline_path, out_dir, extra=()):
    os.makedirs(out_dir, exist_ok=True)
    out = os.path.join(out_dir, "patches.gpkg")
    js = os.path.join(out_dir, "activity.json")
    cmd = [redline, "activity", "--before", before, "--after", after, "--redline", redline_path, "--out", out,
           "--json", js, "--no-chips", "-q", "--min-confidence", "0"] + list(extra)
    run = subprocess.run(cmd, capture_output=True, text=True)
    if run.returncode not in (0, 1):
        sys.stderr.write(run.stderr)
        sys.exit(f"fit_activity_confidence: redline failed: {' '.join(cmd)}")
    with open(js) as f:
        return out, json.load(f)


def labelled_cells(gpkg, mask_path):
    """patch_id -> (cells, labelled cells) (cells whose centres lie inside the patch), and the
    number of labelled cells in the scene."""
    ref = gdal.Open(mask_path)
    truth = ref.ReadAsArray() > 0
    src = ogr.Open(gpkg)
    layer = src.GetLayerByName("activity_patches")
    mem = gdal.GetDriverByName("MEM").Create("", ref.RasterXSize, ref.RasterYSize, 1, gdal.GDT_Int32)
    mem.SetGeoTransform(ref.GetGeoTransform())
    mem.SetProjection(ref.GetProjection())
    ids = {}
    # Burn each patch's index + 1 (patches do not overlap).
    for i, feat in enumerate(layer):
        ids[i + 1] = feat.GetField("patch_id")
    layer.ResetReading()
    drv = ogr.GetDriverByName("Memory")
    tmp = drv.CreateDataSource("tmp")
    tl = tmp.CreateLayer("p", layer.GetSpatialRef(), ogr.wkbMultiPolygon)
    tl.CreateField(ogr.FieldDefn("k", ogr.OFTInteger))
    for i, feat in enumerate(layer):
        g = ogr.Feature(tl.GetLayerDefn())
        g.SetField("k", i + 1)
        g.SetGeometry(feat.GetGeometryRef().Clone())
        tl.CreateFeature(g)
    gdal.RasterizeLayer(mem, [1], tl, options=["ATTRIBUTE=k"])
    lab = mem.GetRasterBand(1).ReadAsArray()
    counts = np.bincount(lab.ravel(), minlength=len(ids) + 1)
    hits = np.bincount(lab.ravel(), weights=truth.ravel().astype(float), minlength=len(ids) + 1)
    return {ids[k]: (float(counts[k]), float(hits[k])) for k in ids}, float(truth.sum())


def oscd_samples(args):
    """Feature rows, labels and groups, and per city the patches' (cells, labelled cells) and its
    labelled cells, for the pixel F1 at each delivery threshold."""
    rows, ys, groups = [], [], []
    pixels = {}
    cities = sorted(d for d in os.listdir(args.data) if os.path.isdir(os.path.join(args.data, d)))
    for city in cities:
        if city in HELD_OUT:
            continue
        before, after, mask = city_files(args.data, city)
        work = os.path.join(args.work, "fit", city)
        os.makedirs(work, exist_ok=True)
        rl = os.path.join(work, "scene.geojson")
        scene_polygon(before, rl)
        gpkg, js = run_redline(args.redline, before, after, rl, work, args.extra)
        cells, labelled = labelled_cells(gpkg, mask)
        pixels[city] = ([], labelled)
        for p in js["patches"] + js.get("candidates", []):
            n, hits = cells.get(p["patch_id"], (0.0, 0.0))
            rows.append(feature_row(p))
            ys.append(1.0 if n and hits / n >= 0.5 else 0.0)
            groups.append("oscd:" + city)
            pixels[city][0].append((len(rows) - 1, n, hits))
    return rows, ys, groups, pixels


def scene_args(scene, meta):
    """The scene's suggested redline options, with its files made absolute."""
    out = []
    for a in meta.get("redline_args", []):
        out.append(os.path.join(scene, a) if os.path.exists(os.path.join(scene, a)) else a)
    return out


def scene_samples(args):
    rows, ys, groups = [], [], []
    sys.path.insert(0, os.path.join(HERE, "..", "tests", "activity"))
    import evaluate  # noqa: E402
    for scene in [s for s in args.scenes.split(",") if s]:
        with open(os.path.join(scene, "scene.json")) as f:
            meta = json.load(f)
        name = os.path.basename(os.path.normpath(scene))
        work = os.path.join(args.work, "fit", "scene-" + name)
        gpkg, js = run_redline(args.redline, os.path.join(scene, "before.tif"), os.path.join(scene, "after.tif"),
                               os.path.join(scene, "redline.gpkg"), work, scene_args(scene, meta))
        result = evaluate.evaluate(scene, gpkg, json_path=os.path.join(work, "activity.json"))
        real = {p["attrs"]["patch_id"] for p in result["tp"]}
        for p in js["patches"] + js.get("candidates", []):
            rows.append(feature_row(p))
            ys.append(1.0 if p["patch_id"] in real else 0.0)
            groups.append("scene:%s(seed %s)" % (meta.get("variant") or "default", meta.get("seed", "?")))
    return rows, ys, groups


def fit_logistic(X, y, w, ridge=1.0, iterations=50):
    """Weighted logistic regression by Newton's method on standardised features."""
    mu = X.mean(0)
    sd = X.std(0)
    sd[sd == 0] = 1
    Z = np.hstack([np.ones((len(X), 1)), (X - mu) / sd])
    beta = np.zeros(Z.shape[1])
    penalty = np.full(Z.shape[1], ridge)
    penalty[0] = 0
    for _ in range(iterations):
        p = 1 / (1 + np.exp(-Z @ beta))
        g = Z.T @ (w * (p - y)) + penalty * beta
        H = (Z * (w * p * (1 - p))[:, None]).T @ Z + np.diag(penalty)
        step = np.linalg.solve(H, g)
        beta -= step
        if np.abs(step).max() < 1e-9:
            break
    # Back to the raw features.
    coef = beta[1:] / sd
    intercept = beta[0] - (coef * mu).sum()
    return intercept, coef


def reliability(conf, y, title):
    print(title)
    print(f"  {'confidence':<12} {'patches':>8} {'share real':>10}")
    edges = [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0001]
    for lo, hi in zip(edges[:-1], edges[1:]):
        sel = (conf >= lo) & (conf < hi)
        if sel.any():
            print(f"  {lo:.1f}-{min(hi, 1):.1f}     {int(sel.sum()):>8} {y[sel].mean():>10.2f}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    ap.add_argument("--redline", required=True)
    ap.add_argument("--data", default=os.path.normpath(os.path.join(HERE, "..", "..", "shared", "data", "oscd")))
    ap.add_argument("--work", default="/tmp/redline-bench/oscd")
    ap.add_argument("--scenes", default="")
    ap.add_argument("--deliver-from", type=float, default=0.2)
    ap.add_argument("--write", default="")
    ap.add_argument("extra", nargs="*", help="more redline activity options for the OSCD runs (after --)")
    a = ap.parse_args()
    rows, ys, groups, pixels = oscd_samples(a)
    if a.scenes:
        r2, y2, g2 = scene_samples(a)
        rows += r2
        ys += y2
        groups += g2
    X = np.array(rows, float)
    y = np.array(ys, float)
    g = np.array(groups)
    # Each data set (city or scene) counts as much as the others.
    w = np.zeros(len(y))
    for name in set(groups):
        sel = g == name
        w[sel] = 1.0 / sel.sum()
    w *= len(y) / w.sum()
    intercept, coef = fit_logistic(X, y, w)
    conf = 1 / (1 + np.exp(-(intercept + X @ coef)))
    reliability(conf, y, "Reliability on the fitting data (all patches):")
    for name in sorted(set(groups)):
        sel = g == name
        print(f"  {name:<24} patches {int(sel.sum()):>5}, real {y[sel].mean():.2f}, mean confidence {conf[sel].mean():.2f}")
    # What each delivery threshold would give: OSCD pixel F1 (mean over the tuning cities) and the
    # scenes' patch precision and recall of real patches.
    print("Delivery threshold: OSCD tuning cities' mean pixel F1, scenes' patch precision / share of real patches kept")
    for cut in (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6):
        f1s = []
        for city, (plist, labelled) in pixels.items():
            tp = sum(h for i, n, h in plist if conf[i] >= cut)
            fp = sum(n - h for i, n, h in plist if conf[i] >= cut)
            p = tp / (tp + fp) if tp + fp else 0.0
            r = tp / labelled if labelled else 0.0
            f1s.append(2 * p * r / (p + r) if p + r else 0.0)
        scene = np.array([x.startswith("scene:") for x in groups])
        kept = scene & (conf >= cut)
        prec = y[kept].mean() if kept.any() else float("nan")
        real_kept = (y[kept] == 1).sum() / max(1, (y[scene] == 1).sum())
        print(f"  {cut:.1f}: OSCD mean F1 {np.mean(f1s):.3f}; scenes precision {prec:.3f}, real kept {real_kept:.3f}")
    text = ["# Confidence of a suspected activity patch: P(real) = 1 / (1 + exp(-(intercept + sum of weight x feature))).",
            "# Fitted by scripts/fit_activity_confidence.py on every patch redline found (--min-confidence 0) in",
            "# the OSCD tuning cities (real: >= half of the cells labelled changed; beirut, nantes, saclay_e never",
            "# used) and generated scenes of another seed than the tests' (real: matches a planted change):",
            "#   " + ", ".join(sorted(set(groups))),
            "# Patches below deliver_from go to the layer activity_candidates; see docs/activity.md.",
            "name: activity_confidence",
            "title: logistic model of the probability that a suspected patch is real",
            f"intercept: {intercept:.4f}"]
    for k, c in zip(FEATURES, coef):
        text.append(f"weight: {k}, {c:.4f}")
    text.append(f"deliver_from: {a.deliver_from}")
    print("\n".join(text))
    if a.write:
        with open(a.write, "w") as f:
            f.write("\n".join(text) + "\n")


if __name__ == "__main__":
    main()
