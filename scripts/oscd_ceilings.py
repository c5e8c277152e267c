#!/usr/bin/python3
"""How far `redline activity` could go on OSCD by choosing or completing its patches, with the labels.

    /usr/bin/python3 scripts/oscd_ceilings.py [--data DIR] [--work DIR]

Reads what scripts/bench_activity_real.sh left in --work (each city's patches.gpkg: the delivered
patches and the candidates) and the OSCD images and labels in --data, and prints three measures
per city and as means over the tuning cities, the held-out cities (beirut, nantes, saclay_e) and
all nine (docs/activity.md, "Why 0.45 is out of reach"):

1. **Completing the objects** (an oracle): the delivered patches plus every labelled object (8-
   connected cells labelled changed) that a delivered patch touches. What a perfect completion of
   the changes found would score: the share of the misses that lies in objects found in part.
2. **Choosing the patches** (an oracle): among all patches found (delivered and candidates, less
   those withheld as cloud or crop cycle), the set that maximises the city's F1, known from the
   labels (the patches sorted by their labelled share, the best prefix). What a perfect confidence
   could deliver.
3. **What the patches' evidence tells** (no oracle): a logistic model of a patch's labelled share
   (weighted by the root of its cells, each city weighing the same), fitted leaving one tuning city
   out and applied to it, the delivery threshold chosen on those predictions; then fitted on the six
   tuning cities and applied to the held-out three. Once with the features of the present
   confidence model, then with each added feature: the after or before brightness's coefficient of
   variation over the patch, the brightness change, the before brightness, the patch's change
   against the ring of cells around it, its compactness, its index means and their changes.

A cell added to a prediction raises F1 only if more than F1/2 of such cells are real; (1) and (2)
show how much better a selection could be, (3) whether the evidence in the six bands finds it.
"""
import argparse
import math
import os
import sys

import numpy as np
from osgeo import gdal, ogr
from scipy import ndimage as ndi

gdal.UseExceptions()
ogr.UseExceptions()

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from bench_activity_real import HELD_OUT, burn, city_files  # noqa: E402
from fit_activity_confidence import fit_logistic  # noqa: E402

PRESENT = ["log_score", "log_cells", "type=vegetation_change", "type=bare_land_change"]
ADDED = [["cv_after"], ["cv_before"], ["brightness_change"], ["brightness_before"], ["ring_contrast"],
         ["compactness"], ["ndvi_drop", "bare_rise"], ["ndvi_before", "ndvi_after", "water_after", "bare_after"],
         ["cv_after", "cv_before", "brightness_change", "brightness_before", "ring_contrast", "compactness"]]


def f1(tp, predicted, positives):
    return 2.0 * tp / (predicted + positives) if predicted + positives else 0.0


def patch_rows(city, gpkg, before_path, after_path, mask_path, truth):
    """One row per patch found (delivered or candidate, not withheld): its cells, labelled cells and features."""
    before = gdal.Open(before_path).ReadAsArray()[:5].astype(np.float32) / 1e4
    after = gdal.Open(after_path).ReadAsArray()[:5].astype(np.float32) / 1e4
    bright_b, bright_a = before[:4].mean(0), after[:4].mean(0)
    change = np.abs(after - before)
    rows = []
    src = ogr.Open(gpkg)
    for layer in ("activity_patches", "activity_candidates"):
        labels, info = burn(gpkg, layer, mask_path)
        attrs = {}
        for f in src.GetLayerByName(layer):
            g = f.GetGeometryRef()
            boundary = g.Boundary()
            perimeter = boundary.Length() if boundary else 0.0
            attrs[f.GetField("patch_id")] = dict(
                type=f.GetField("change_type"), score=f.GetField("score"), withheld=f.GetField("withheld") or "",
                ndvi_before=f.GetField("ndvi_before"), ndvi_after=f.GetField("ndvi_after"),
                water_after=f.GetField("water_after"), bare_before=f.GetField("bare_before"),
                bare_after=f.GetField("bare_after"),
                compactness=4 * math.pi * g.GetArea() / max(perimeter * perimeter, 1e-30))
        for k, (pid, _confidence) in info.items():
            cells = labels == k
            n = int(cells.sum())
            a = attrs[pid]
            if n == 0 or a["withheld"]:
                continue
            ring = ndi.binary_dilation(cells, np.ones((3, 3)), 2) & ~cells & (labels == 0)
            inner = change[:, cells].mean(1).sum()
            outer = change[:, ring].mean(1).sum() if ring.any() else inner
            rows.append(dict(
                city=city, cells=n, tp=int(truth[cells].sum()),
                real=float(truth[cells].mean()), type=a["type"],
                log_score=math.log(max(a["score"], 1e-3)), log_cells=math.log(n),
                cv_after=float(bright_a[cells].std() / max(bright_a[cells].mean(), 1e-6)),
                cv_before=float(bright_b[cells].std() / max(bright_b[cells].mean(), 1e-6)),
                brightness_change=float(bright_a[cells].mean() - bright_b[cells].mean()),
                brightness_before=float(bright_b[cells].mean()),
                ring_contrast=float(math.log(max(inner, 1e-6) / max(outer, 1e-6))),
                compactness=a["compactness"], ndvi_before=a["ndvi_before"], ndvi_after=a["ndvi_after"],
                ndvi_drop=a["ndvi_before"] - a["ndvi_after"], water_after=a["water_after"],
                bare_after=a["bare_after"], bare_rise=a["bare_after"] - a["bare_before"]))
    return rows


def features(row, names):
    return [(1.0 if row["type"] == n[5:] else 0.0) if n.startswith("type=") else row[n] for n in names]


def model_f1(rows, positives, tuning, held_out, names):
    """Leave-one-tuning-city-out F1 (threshold chosen on those predictions) and the held-out F1."""
    by_city = {c: [r for r in rows if r["city"] == c] for c in positives}

    def fit(cities):
        rs = [r for c in cities for r in by_city[c]]
        X = np.array([features(r, names) for r in rs])
        y = np.array([r["real"] for r in rs])
        w = np.array([math.sqrt(r["cells"]) for r in rs])
        for c in cities:
            m = np.array([r["city"] == c for r in rs])
            w[m] /= w[m].sum()
        intercept, coef = fit_logistic(X, y, w)  # the confidence model's fit; a fractional target works alike
        return lambda X2: 1.0 / (1.0 + np.exp(-(intercept + X2 @ coef)))

    def city_f1(c, p, tau):
        sel = [r for r, q in zip(by_city[c], p) if q >= tau]
        return f1(sum(r["tp"] for r in sel), sum(r["cells"] for r in sel), positives[c])

    loco = {c: fit([d for d in tuning if d != c])(np.array([features(r, names) for r in by_city[c]])) for c in tuning}
    taus = np.arange(0.05, 0.6, 0.025)
    tau = max(taus, key=lambda t: np.mean([city_f1(c, loco[c], t) for c in tuning]))
    model = fit(tuning)
    held = [city_f1(c, model(np.array([features(r, names) for r in by_city[c]])), tau) for c in held_out]
    return np.mean([city_f1(c, loco[c], tau) for c in tuning]), tau, np.mean(held)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    ap.add_argument("--data", default=os.path.normpath(os.path.join(HERE, "..", "..", "shared", "data", "oscd")))
    ap.add_argument("--work", default="/tmp/redline-bench/oscd", help="where bench_activity_real.sh wrote its runs")
    a = ap.parse_args()
    cities = sorted(d for d in os.listdir(a.data) if os.path.isdir(os.path.join(a.data, d)))
    tuning = [c for c in cities if c not in HELD_OUT]
    held_out = [c for c in cities if c in HELD_OUT]
    rows, positives, present, objects, chosen = [], {}, {}, {}, {}
    for city in cities:
        before, after, mask = city_files(a.data, city)
        gpkg = os.path.join(a.work, city, "patches.gpkg")
        if not os.path.exists(gpkg):
            sys.exit(f"oscd_ceilings: no {gpkg}; run scripts/bench_activity_real.sh first")
        truth = gdal.Open(mask).ReadAsArray() > 0
        positives[city] = int(truth.sum())
        delivered = burn(gpkg, "activity_patches", mask)[0] > 0
        present[city] = f1(int((delivered & truth).sum()), int(delivered.sum()), positives[city])
        objects_of, _ = ndi.label(truth, np.ones((3, 3)))
        touched = np.unique(objects_of[delivered & truth])
        completed = delivered | np.isin(objects_of, touched[touched > 0])
        objects[city] = f1(int((completed & truth).sum()), int(completed.sum()), positives[city])
        city_rows = patch_rows(city, gpkg, before, after, mask, truth)
        rows += city_rows
        best, tp, predicted = 0.0, 0, 0
        for r in sorted(city_rows, key=lambda r: -r["real"]):
            tp, predicted = tp + r["tp"], predicted + r["cells"]
            best = max(best, f1(tp, predicted, positives[city]))
        chosen[city] = best
        print(f"{city:10s} present {present[city]:.3f}  objects completed {objects[city]:.3f}  "
              f"patches chosen {chosen[city]:.3f}  ({len(city_rows)} patches)", flush=True)

    def means(d):
        return "tuning {:.3f}  held-out {:.3f}  all {:.3f}".format(
            np.mean([d[c] for c in tuning]), np.mean([d[c] for c in held_out]), np.mean([d[c] for c in cities]))

    print(f"\npresent delivery                     {means(present)}")
    print(f"1. objects completed (oracle)        {means(objects)}")
    print(f"2. patches chosen (oracle)           {means(chosen)}")
    print("3. a model of the patches' evidence (leave one tuning city out; held-out from all six):")
    for extra in [[]] + ADDED:
        loco, tau, held = model_f1(rows, positives, tuning, held_out, PRESENT + extra)
        label = "+ " + ", ".join(extra) if extra else "present features"
        print(f"   {label:80s} tuning {loco:.3f} (deliver from {tau:.3f})  held-out {held:.3f}")


if __name__ == "__main__":
    main()
