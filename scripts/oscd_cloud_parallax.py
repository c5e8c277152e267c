#!/usr/bin/env python3
"""Clouds among redline's OSCD patches, told by their parallax between Sentinel-2 bands.

A research script for issue 13, not part of redline: it reads the patches that
scripts/bench_activity_real.sh left in its work folder and, for each delivered patch, looks for
the displacement an elevated object shows between Sentinel-2's blue (B02), green (B03) and red
(B04) bands. The MSI images a ground point in B03 about 0.5 s and in B04 about 1.0 s after B02
(Fisser et al. 2022, moving trucks), so its red line of sight looks back along the track: a cloud
h metres up appears in B04 displaced towards the north (north-up grids, descending orbit) by about
h x 0.009 against B02, and in B03 half as far, while the orthorectified ground does not move.
Frantz et al. (2018, RSE 215) use the same effect with B7/B8/B8A (the Cloud Displacement Index).

Rule (fixed from that physics, window size and floor chosen on the tuning cities only):
32 x 32-cell windows at a stride of 16 over the patch; phase correlation (Hann taper, spectrum
normalised with its median as floor) of B02 against B04 and of B02 against B03 in each date; a
window is elevated when B04 is displaced north by at least 0.25 cell with at most half as much
east-west, and B03 north by at least 0.05 cell and no more than B04. A patch with an elevated
window in either date is a cloud (or an aircraft).

    scripts/bench_activity_real.sh --work /tmp/oscd
    /usr/bin/python3 scripts/oscd_cloud_parallax.py /tmp/oscd [city ...]

Measured (2026-12-06, on main's detector): it flags the two cumulus clouds of paris (751 and
2,264 cells; F1 0.061 -> 0.163) and one false patch of beihai, no real patch in any city, and
nothing in the held-out cities. The clouds' shadows are not elevated and stay.
"""
import os
import sys

import numpy as np
from osgeo import gdal

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_activity_real as bench  # noqa: E402

WINDOW, STRIDE, NORTH_MIN = 32, 16, 0.25


def shift(a, b):
    """(dx, dy) of b against a in cells (+x east, +y south), on a 1/20-cell grid."""
    n = a.shape[0]
    taper = np.outer(np.hanning(n), np.hanning(n))
    fa = np.fft.fft2((a - a.mean()) * taper)
    fb = np.fft.fft2((b - b.mean()) * taper)
    r = fb * np.conj(fa)
    mag = np.abs(r)
    r = r / (mag + np.median(mag))
    surface = np.fft.fftshift(np.real(np.fft.ifft2(r)))
    iy, ix = np.unravel_index(np.argmax(surface), surface.shape)
    y0, x0 = iy - n // 2, ix - n // 2
    f = np.fft.fftfreq(n)
    best = (-np.inf, 0.0, 0.0)
    for dy in np.arange(y0 - 1.5, y0 + 1.51, 0.05):
        ey = np.exp(2j * np.pi * f * dy)[:, None]
        for dx in np.arange(x0 - 1.5, x0 + 1.51, 0.05):
            v = np.real((ey * np.exp(2j * np.pi * f * dx)[None, :] * r).sum())
            if v > best[0]:
                best = (v, dx, dy)
    return best[1], best[2]


def elevated(window):
    blue, green, red = window[0], window[1], window[2]
    dx, dy = shift(blue, red)
    if not (dy <= -NORTH_MIN and abs(dx) <= 0.5 * abs(dy)):
        return False
    _, gy = shift(blue, green)
    return -0.05 >= gy >= dy


def main():
    work = sys.argv[1]
    cities = sys.argv[2:] or sorted(os.listdir(work))
    data = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                                         "shared", "data", "oscd"))
    for city in cities:
        before, after, mask = bench.city_files(data, city)
        dates = [gdal.Open(p).ReadAsArray().astype(np.float32) for p in (before, after)]
        truth = gdal.Open(mask).ReadAsArray() > 0
        labels, info = bench.burn(os.path.join(work, city, "patches.gpkg"), "activity_patches", mask)
        rows, cols = truth.shape
        cloud = np.zeros(len(info) + 1, bool)
        for k, (patch_id, _) in info.items():
            ys, xs = np.nonzero(labels == k)
            if len(ys) == 0 or rows < WINDOW or cols < WINDOW:
                continue
            for y in range(ys.min() - WINDOW // 4, ys.max() + 1, STRIDE):
                for x in range(xs.min() - WINDOW // 4, xs.max() + 1, STRIDE):
                    y0 = min(max(y - WINDOW // 4, 0), rows - WINDOW)
                    x0 = min(max(x - WINDOW // 4, 0), cols - WINDOW)
                    core = labels[y0 + WINDOW // 4:y0 + 3 * WINDOW // 4, x0 + WINDOW // 4:x0 + 3 * WINDOW // 4]
                    if not (core == k).any():
                        continue
                    if any(elevated(d[:, y0:y0 + WINDOW, x0:x0 + WINDOW]) for d in dates):
                        cloud[k] = True
                        break
                if cloud[k]:
                    break
            if cloud[k]:
                real = truth[labels == k].mean() >= 0.5
                print(f"{city}: {patch_id} ({len(ys)} cells, {'real' if real else 'not labelled'}) is elevated")
        pred = labels > 0
        f0 = bench.scores(pred, truth)["f1"]
        f1 = bench.scores(pred & ~cloud[labels], truth)["f1"]
        print(f"{city}: F1 {f0:.3f} -> {f1:.3f} without the {int(cloud.sum())} elevated patches")


if __name__ == "__main__":
    main()
