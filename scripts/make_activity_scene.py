#!/usr/bin/python3
"""Synthetic two-date multispectral scene with planted human-activity changes, for `redline activity`.

    /usr/bin/python3 scripts/make_activity_scene.py --out DIR [--seed N] [--size PX]
        [--bands 5|4] [--sensor sentinel2_l2a] [--float]
        [--after-crs EPSG:4490 --after-res 0.0001 [--after-render] [--keep-aligned]]
        [--misregistration DX,DY] [--noise REL,ABS]
        [--variant phenology|phenology_gk8m|haze|all] [--phenology-stands] [--partial-clearings]
        [--small-patches] [--nonveg-changes] [--haze]

Writes into DIR:
  before.tif, after.tif          reflectance x 10000 (UInt16, nodata 0) or 0-1 (Float32 with --float),
                                 10 m pixels, EPSG:32649, tiled 256, DEFLATE. Default 5 bands
                                 blue, green, red, nir, swir1 (S2 B2 B3 B4 B8 B11); --bands 4: without
                                 swir1 (GF-like); --sensor sentinel2_l2a: 12 bands B1..B12 without B10.
  before_scl.tif, after_scl.tif  Sentinel-2 SCL codes (0 nodata, 3 cloud shadow, 4 vegetation,
                                 5 not vegetated, 6 water, 8/9 cloud), same grid as the image.
  landcover.tif                  2 bands: ground class before / after (10 m, class table in scene.json),
                                 for diagnosing false positives; not an input of redline.
  redline.gpkg                   layer redline (EPSG:4545), HXBH, HXMC: 6 polygons (~40 % of the scene),
                                 two sharing an edge, one overlapping another.
  townships.gpkg                 layer townships (EPSG:4490), XZQDM, XZQMC: 3 zones covering the scene.
  truth.gpkg                     layer changes (EPSG:32649): the planted changes (THE TRUTH), fields
                                 change_id, kind, expected_type, area_m2, inside_redline, area_inside_m2,
                                 redline_ids, note.
  distractors.gpkg               layer distractors (EPSG:32649): unchanged features that must NOT be
                                 reported (river, ponds, villages, old roads, rock, old quarry, fallow
                                 fields, cloud, cloud shadow, nodata corner; phenology stands, haze)
                                 for the evaluator's diagnosis.
  scene.json                     parameters, class table, distractors, suggested redline arguments.

How the images are made: the ground is drawn at 5 m (land-cover classes with per-class spectra and
smooth spatial texture, identical in both dates except for the planted changes); each 10 m pixel is
the mean of a blurred 2 x 2 block of it (mixed pixels at every edge). The after image samples the
ground shifted by --misregistration (default 5 m east and 5 m north: half a pixel on both axes, the
georeferencing is NOT corrected), has a phenology/brightness shift (vegetation NIR x0.9, red x1.1,
plus per-band gain and offset), a cloud with its shadow (masked in after_scl.tif) and a nodata corner.
Both images get independent Gaussian noise (2 % of the value + 0.001 by default).

With --after-crs CRS --after-res R the after image and its SCL are warped (bilinear / nearest) from
the 10 m ones to that grid; with --after-render as well they are drawn from the 5 m ground directly on
the CRS's R grid instead (each pixel the mean of 4 x 4 sub-samples of its own footprint, the same
misregistration, cloud and nodata corner, its own noise), as a sensor delivering that grid would record
them: no resampling of the 10 m image is part of the scene.

Optional content (all off by default: without it the scene is the default one, to the byte; each
draws from its own random generator, so that with it everything else stays the same too):
  --phenology-stands   five deciduous stands (0.30-0.72 km²; four inside the red line, one outside)
                       in autumn colours on the after date: red x1.5, NIR x0.8 (smoothly varying +-12 %
                       over ~200 m, a little crown texture, a ~20 m ramp at the edge), i.e. NDVI 0.80
                       -> ~0.66 over the whole stand at once once the scene-wide seasonal shift is
                       taken out (the raw after image reads ~0.58, the evergreen forest 0.84 -> 0.78).
                       NOT a change: distractors.gpkg kind phenology_stand. Kept 100 m clear of every
                       planted change, so that a patch on a stand is a false patch.
  --partial-clearings  C22-C25: forest cleared, half of the polygon bare soil, the other half grass
                       (split by a straight cut); one change each, vegetation_to_bare.
  --small-patches      C26-C29: ~5-pixel changes (500-550 m², above the default 400 m² unit) inside
                       the red line: bare soil in forest, one building with its yard, a pond, a pit.
  --nonveg-changes     C30-C32: changes on land that was not vegetated: a bare lot built over (other),
                       a gravel road across grassland, a quarry floor cut into rock outcrop K4 (other).
                       (water -> land is in every scene: C13.)
  --haze               a thin haze plume (Gaussian, ~1.75 x 1.15 km sigmas, density +-20 %) over the
                       west of the after image, h >= 0.1 on ~27 % of the scene: +0.045 path
                       reflectance in blue at its peak, falling with wavelength to +0.013 NIR, +0.004
                       SWIR1, and the matching transmission loss. NOT masked in after_scl.tif, NOT a
                       change: distractors.gpkg kind haze (its h >= 0.1 outline).
  --variant NAME       the issue's scenes as presets (further options add to them):
                         phenology       --phenology-stands --partial-clearings --small-patches
                                         --nonveg-changes
                         phenology_gk8m  the same, after image in CGCS2000 / 3-degree Gauss-Kruger CM
                                         108E (EPSG:4545) at 8 m: --after-crs EPSG:4545 --after-res 8
                                         --after-render
                         haze            --haze --small-patches --nonveg-changes
                         all             all of the above, after image in EPSG:4545 at 8 m
                       scene.json then names the variant, the options and the groups of optional
                       changes (change_groups).
  e.g.  /usr/bin/python3 scripts/make_activity_scene.py --out /tmp/phenology --variant phenology

Everything is deterministic for a given --seed (the seed moves textures, noise, shapes a little; the
layout of the planted changes is fixed relative to the scene, scaled with --size).
"""

import argparse
import json
import math
import os
import sys

import numpy as np
from scipy import ndimage
from osgeo import gdal, ogr, osr
from pyproj import Transformer
from shapely import affinity
from shapely.wkb import loads as wkb_loads
from shapely.geometry import LineString, MultiPolygon, Polygon, box
from shapely.ops import split, unary_union

gdal.UseExceptions()
ogr.UseExceptions()
osr.UseExceptions()

DEFAULT_SEED = 20260429
PIX = 10.0          # output pixel (m)
HR = 5.0            # ground resolution (m)
F = int(PIX / HR)   # ground pixels per output pixel
MARGIN = 6          # ground pixels around the scene (room for the misregistration shift; more when
                    # --misregistration asks for more than 25 m, see main())
X0 = 272000.0       # scene's west edge, EPSG:32649 (about 108.65 E)
YTOP = 3270000.0    # scene's north edge (about 29.54 N)
EPSG_IMG = 32649
EPSG_REDLINE = 4545
EPSG_LL = 4490

# Sentinel-2 L2A band order of the 12-band stack; every sensor option is a subset of it.
S2_BANDS = ["B1", "B2", "B3", "B4", "B5", "B6", "B7", "B8", "B8A", "B9", "B11", "B12"]
S2_ROLE = {"B1": "coastal", "B2": "blue", "B3": "green", "B4": "red", "B5": "rededge1", "B6": "rededge2",
           "B7": "rededge3", "B8": "nir", "B8A": "nir_narrow", "B9": "water_vapour", "B11": "swir1",
           "B12": "swir2"}
NIR_LIKE = {"B6", "B7", "B8", "B8A", "B9"}

# Land-cover classes of the ground: (id, name, group for SCL, 12-band reflectance B1..B12)
CLASSES = [
    (1, "forest", 4, [.020, .030, .050, .030, .080, .250, .320, .350, .360, .300, .150, .070]),
    (2, "shrub", 4, [.030, .040, .070, .050, .100, .220, .280, .300, .310, .260, .180, .100]),
    (3, "grassland", 4, [.040, .050, .080, .070, .120, .220, .270, .280, .290, .250, .220, .130]),
    (4, "cropland_green", 4, [.035, .045, .080, .050, .110, .280, .360, .400, .410, .350, .200, .100]),
    (5, "cropland_mature", 4, [.050, .060, .090, .100, .130, .200, .240, .260, .270, .230, .260, .170]),
    (6, "cropland_fallow", 5, [.080, .100, .130, .170, .190, .210, .220, .230, .240, .210, .290, .240]),
    (7, "river", 6, [.060, .050, .060, .040, .035, .030, .025, .020, .020, .015, .010, .008]),
    (8, "pond", 6, [.060, .060, .080, .060, .050, .040, .035, .030, .030, .020, .015, .010]),
    (9, "village_roof", 5, [.100, .110, .130, .180, .200, .210, .220, .230, .230, .210, .270, .240]),
    (10, "concrete", 5, [.180, .200, .220, .240, .250, .260, .270, .280, .280, .260, .300, .270]),
    (11, "asphalt_road", 5, [.070, .080, .090, .100, .110, .120, .130, .140, .140, .130, .160, .150]),
    (12, "rock", 5, [.140, .160, .190, .220, .230, .240, .250, .260, .270, .240, .320, .280]),
    (13, "quarry_bare", 5, [.100, .120, .150, .200, .220, .230, .240, .250, .260, .230, .300, .260]),
    (14, "new_roof", 5, [.200, .220, .240, .250, .260, .270, .280, .290, .290, .270, .310, .280]),
    (15, "cleared_soil", 5, [.080, .090, .110, .150, .170, .190, .200, .210, .220, .200, .280, .230]),
    (16, "gravel_road", 5, [.120, .140, .170, .200, .210, .220, .230, .240, .250, .220, .290, .250]),
    (17, "fill", 5, [.110, .130, .160, .200, .210, .220, .230, .240, .250, .220, .300, .260]),
    (18, "graded_soil", 5, [.100, .120, .150, .190, .200, .210, .220, .230, .240, .210, .290, .250]),
]
# Classes that only the optional content below uses (listed in scene.json only when present):
# a deciduous broadleaf stand (summer NDVI ~0.80; autumn colours on the after date with --phenology-stands)
# and the fresh floor of a quarry cut into rock (freshly broken limestone is brighter than weathered rock).
EXTRA_CLASSES = [
    (19, "deciduous_forest", 4, [.022, .032, .055, .036, .085, .235, .300, .330, .340, .285, .160, .075]),
    (20, "quarry_floor_rock", 5, [.200, .230, .270, .300, .310, .320, .330, .340, .350, .320, .380, .330]),
]
CID = {name: cid for cid, name, _, _ in CLASSES + EXTRA_CLASSES}
VEGETATION = [1, 2, 3, 4, 5, 19]
WOODY = [1, 2, 19]
SPECTRA = np.zeros((len(CLASSES) + len(EXTRA_CLASSES) + 1, 12), dtype=np.float32)
SCL_GROUP = np.zeros(len(CLASSES) + len(EXTRA_CLASSES) + 1, dtype=np.uint8)
for _cid, _name, _grp, _sp in CLASSES + EXTRA_CLASSES:
    SPECTRA[_cid] = _sp
    SCL_GROUP[_cid] = _grp

# Distractors applied to the after image.
PHENOLOGY = {"vegetation_red_x": 1.10, "vegetation_nir_x": 0.90, "vegetation_rededge1_x": 1.05,
             "vegetation_swir_x": 1.03}
GAIN = [1.05, 1.04, 1.03, 1.02, 1.01, 0.99, 0.98, 0.97, 0.97, 0.97, 1.02, 1.03]
OFFSET = [.008, .006, .004, .003, .002, .002, .002, .002, .002, .002, -.002, -.002]
CLOUD_SPECTRUM = [.52, .50, .49, .48, .48, .47, .47, .46, .46, .40, .34, .25]

# Autumn colours of a deciduous stand on the after date (factor on the summer reflectance, on top of
# PHENOLOGY; scaled by the stand's smooth autumn strength, ~1 inside): chlorophyll loss raises red and
# green, leaf structure and water loss lower NIR and raise SWIR. Calibrated so that the stand's NDVI,
# measured in the images, falls from ~0.80 (before) to ~0.66 (after) as in the issue.
AUTUMN = [1.05, 1.06, 1.18, 1.50, 1.25, 0.90, 0.84, 0.80, 0.80, 0.80, 1.12, 1.16]
# Thin haze (after date, NOT in the SCL): additive path reflectance at the plume's peak (h = 1), falling
# with wavelength (~lambda^-2: strong in blue/green, weak in NIR, almost none in SWIR), and the matching
# loss of surface signal (transmission 1 - HAZE_LOSS * h).
HAZE_ADD = [.055, .045, .034, .024, .020, .017, .015, .013, .012, .011, .004, .002]
HAZE_LOSS = [.10, .09, .07, .05, .04, .035, .03, .03, .03, .03, .01, .005]

# Red-line polygons (code, name); geometry in the layout below.
REDLINES = [
    ("HX500242001", "武陵山水源涵养生态保护红线（西片）"),
    ("HX500242002", "武陵山水源涵养生态保护红线（东片）"),
    ("HX500242003", "阿蓬江生物多样性维护生态保护红线"),
    ("HX500242004", "阿蓬江水土保持生态保护红线"),
    ("HX500242005", "酉水河岸生态保护红线"),
    ("HX500242006", "毛坝盖森林生态保护红线"),
]
TOWNSHIPS = [("500242001", "钟多街道"), ("500242101", "龙潭镇"), ("500242102", "麻旺镇")]

EXPECTED_TYPE = {"quarry": "vegetation_to_bare", "road": "vegetation_to_bare",
                 "buildings": "vegetation_to_bare", "clearing": "vegetation_to_bare",
                 "pond": "vegetation_to_water", "reclamation": "water_to_land",
                 "partial_clearing": "vegetation_to_bare"}

# Planted changes: (id, kind, area ha (roads: width m), centre / polyline in layout metres
# (10 km scene), before-class of the surroundings, where it should be relative to the red line).
#   where: "in:HX..." inside that polygon, "out" outside every polygon, "straddle:..." across.
CHANGES = [
    ("C01", "quarry", 4.5, (1400, 7800), "forest", "in:1"),
    ("C02", "quarry", 1.2, (8500, 1500), "forest", "in:3"),
    ("C03", "quarry", 0.8, "R1_WEST_EDGE", "forest", "straddle:1|out"),
    ("C04", "road", 20.0, [(900, 6000), (1450, 6150), (2000, 6500)], "forest", "in:1"),
    ("C05", "road", 15.0, [(6100, 1100), (6450, 1250), (6750, 1500)], "forest", "in:3"),
    ("C06", "buildings", 2.5, (3300, 8600), "forest", "in:2"),
    ("C07", "buildings", 0.4, (9150, 4150), "grassland", "in:3&4"),
    ("C08", "clearing", 1.5, (4050, 6000), "forest", "in:2"),
    ("C09", "clearing", 0.3, (9400, 5800), "forest", "in:4"),
    ("C10", "clearing", 0.05, (1800, 5600), "forest", "in:1"),
    ("C11", "clearing", 1.0, "R1R2_SHARED_EDGE", "forest", "straddle:1|2"),
    ("C12", "pond", 1.2, ("RIVER", 3200, 210), "cropland_green", "in:5"),
    ("C13", "reclamation", 0.55, "POND_P1", None, "in:5"),
    ("C14", "buildings", 0.25, ("RIVER", 4300, 170), "cropland_green", "in:5"),
    ("C15", "quarry", 2.0, (2600, 1000), "forest", "out"),
    ("C16", "buildings", 1.5, (6000, 5800), "forest", "out"),
    ("C17", "clearing", 0.8, (900, 1300), "forest", "out"),
    ("C18", "road", 12.0, [(4850, 8000), (5050, 8200), (5300, 8350)], "forest", "out"),
    ("C19", "pond", 0.5, ("RIVER", 5200, 300), "grassland", "out"),
    ("C20", "clearing", 0.15, (7000, 8000), "forest", "in:6"),
    ("C21", "clearing", 0.1, (5500, 9000), "forest", "out"),
]

# Optional planted changes (off by default; each group switched on by its option, see --variant). Same
# fields as CHANGES plus: paint (how the after ground is drawn when not by kind), before (class drawn
# inside the polygon on the before date), expected (expected_type when not the kind's), note.
EXTRA_CHANGES = {
    # --partial-clearings: forest cleared, half of it left bare soil, the other half already grass
    # (regrowth or sown), within one polygon: one change each.
    "partial_clearings": [
        dict(id="C22", kind="partial_clearing", size=0.8, where=(1700, 8900), around="forest", rel="in:1"),
        dict(id="C23", kind="partial_clearing", size=0.35, where=(7250, 1650), around="forest", rel="in:3"),
        dict(id="C24", kind="partial_clearing", size=0.12, where=(9300, 4950), around="forest", rel="in:4"),
        dict(id="C25", kind="partial_clearing", size=0.5, where=(2200, 4300), around="forest", rel="out"),
    ],
    # --small-patches: ~5 pixels (500-550 m² at 10 m), above the default 400 m² minimum mapping unit.
    "small_patches": [
        dict(id="C26", kind="clearing", size=0.05, where=(4200, 8200), around="forest", rel="in:2",
             note="small patch (~5 px): bare soil in forest"),
        dict(id="C27", kind="buildings", size=0.05, where=(6300, 3300), around="grassland", rel="in:3",
             paint="single_building", note="small patch (~5 px): one new building with its yard in grassland"),
        dict(id="C28", kind="pond", size=0.05, where=("RIVER", 2600, 150), around="grassland", rel="in:5",
             note="small patch (~5 px): new pond in grassland"),
        dict(id="C29", kind="quarry", size=0.055, where=(6400, 7800), around="shrub", rel="in:6",
             note="small patch (~5 px): borrow pit in shrub"),
    ],
    # --nonveg-changes: activity on land that was not vegetated (the default scene plants water -> land
    # already: C13): a bare lot built over, a road across grassland, a quarry floor cut into rock.
    "nonveg_changes": [
        dict(id="C30", kind="buildings", size=0.6, where=(3000, 5600), around="grassland", rel="in:2",
             before="cleared_soil", paint="built_on_bare", expected="other",
             note="bare lot built over (bare soil -> concrete and roofs)"),
        dict(id="C31", kind="road", size=8.0, where=[(9000, 6200), (9300, 6350), (9650, 6450)], around="grassland",
             rel="in:4", note="gravel road across grassland"),
        dict(id="C32", kind="quarry", size=0.7, where="ROCK_K4", around=None, rel="in:3", expected="other",
             note="quarry floor cut into the east part of rock outcrop K4 (rock -> fresh quarry floor)"),
    ],
}
# The rock outcrop that C32 cuts into: (id, centre, ha).
ROCK_K4 = ("K4", (8800, 3300), 2.2)

# --phenology-stands: deciduous stands whose after date is in autumn colours (not a change):
# (id, centre, km², elongation). D1 lies in HX500242002, D2 in HX500242006, D4 in HX500242001, D5 in
# HX500242003, D3 outside the red line: four false patches if each stand inside is flagged, enough to
# bring patch precision below 0.9 with the ~26 true patches of the phenology variant.
STANDS = [("D1", (3450, 7250), 0.55, 1.30), ("D2", (7650, 8450), 0.35, 1.20), ("D3", (5350, 6900), 0.72, 1.35),
          ("D4", (1900, 7150), 0.30, 1.20), ("D5", (8100, 3950), 0.30, 1.25)]
# --haze: a Gaussian plume over the west of the scene (centre, sigmas along / across its axis, axis
# angle in degrees from east), all in layout metres; h >= 0.1 covers ~1/4 of the scene.
HAZE_PLUME = {"centre": (3000, 6300), "sigma": (1750, 1150), "angle": 30.0}
HAZE_EXTENT = 0.1

# The options that add content (all off by default).
OPTIONAL = ["phenology_stands", "partial_clearings", "small_patches", "nonveg_changes", "haze", "after_render"]
# --variant NAME: the scenes, as option presets (explicit options are added on top).
VARIANTS = {
    "phenology": dict(phenology_stands=True, partial_clearings=True, small_patches=True, nonveg_changes=True),
    "phenology_gk8m": dict(phenology_stands=True, partial_clearings=True, small_patches=True,
                           nonveg_changes=True, after_crs="EPSG:4545", after_res=8.0, after_render=True),
    "haze": dict(haze=True, small_patches=True, nonveg_changes=True),
    "all": dict(phenology_stands=True, partial_clearings=True, small_patches=True, nonveg_changes=True,
                haze=True, after_crs="EPSG:4545", after_res=8.0, after_render=True),
}


# ---------------------------------------------------------------------------------------------
# Geometry helpers
# ---------------------------------------------------------------------------------------------

class Layout:
    """Layout metres (0..10000 on a 10 km scene, y north from the south edge) -> EPSG:32649."""

    def __init__(self, size_px):
        self.L = size_px * PIX
        self.s = self.L / 10000.0
        self.ybot = YTOP - self.L

    def p(self, x, y):
        return (X0 + x * self.s, self.ybot + y * self.s)

    def poly(self, pts):
        return Polygon([self.p(x, y) for x, y in pts])

    def line(self, pts):
        return LineString([self.p(x, y) for x, y in pts])

    def river_y(self, x):
        """River centreline (layout metres)."""
        return 2600 + 450 * math.sin(2 * math.pi * x / 7000) + 180 * math.sin(2 * math.pi * x / 2300 + 1.0)

    def river_line(self, offset=0.0, x_from=-300, x_to=10300):
        xs = np.arange(x_from, x_to + 1, 20.0)
        return LineString([self.p(x, self.river_y(x) + offset) for x in xs])

    def scene_box(self):
        return box(X0, self.ybot, X0 + self.L, YTOP)


def densify(geom, max_len):
    """Splits every segment of a (Multi)Polygon / LineString into pieces <= max_len."""
    def ring(coords):
        coords = list(coords)
        out = [coords[0]]
        for (x0, y0), (x1, y1) in zip(coords[:-1], coords[1:]):
            n = max(1, int(math.ceil(math.hypot(x1 - x0, y1 - y0) / max_len)))
            for k in range(1, n):
                t = k / n
                out.append((x0 + (x1 - x0) * t, y0 + (y1 - y0) * t))
            out.append((x1, y1))
        return out
    if geom.geom_type == "Polygon":
        return Polygon(ring(geom.exterior.coords), [ring(h.coords) for h in geom.interiors])
    if geom.geom_type == "MultiPolygon":
        return MultiPolygon([densify(g, max_len) for g in geom.geoms])
    if geom.geom_type == "LineString":
        return LineString(ring(geom.coords))
    raise ValueError(geom.geom_type)


def transform_geom(geom, src, dst):
    tr = Transformer.from_crs(src, dst, always_xy=True)

    def ring(coords):
        xs, ys = zip(*[c[:2] for c in coords])
        X, Y = tr.transform(xs, ys)
        return list(zip(X, Y))
    if geom.geom_type == "Polygon":
        return Polygon(ring(geom.exterior.coords), [ring(h.coords) for h in geom.interiors])
    if geom.geom_type == "MultiPolygon":
        return MultiPolygon([transform_geom(g, src, dst) for g in geom.geoms])
    raise ValueError(geom.geom_type)


def blob(rng, centre, area_m2, elong=1.0, angle=0.0, rough=0.12, n=48):
    """Irregular closed shape of exactly @p area_m2 around @p centre (EPSG:32649 metres)."""
    th = np.linspace(0, 2 * math.pi, n, endpoint=False)
    r = np.ones(n)
    for k in (2, 3, 4, 5):
        r += rng.uniform(-rough, rough) / (k - 1) * np.cos(k * th + rng.uniform(0, 2 * math.pi))
    pts = [(math.cos(t) * ri * elong, math.sin(t) * ri / elong) for t, ri in zip(th, r)]
    g = affinity.rotate(Polygon(pts), angle, origin=(0, 0))
    g = affinity.scale(g, math.sqrt(area_m2 / g.area), math.sqrt(area_m2 / g.area), origin=(0, 0))
    return affinity.translate(g, centre[0], centre[1])


def rect(centre, area_m2, aspect, angle):
    a = math.sqrt(area_m2 * aspect)
    b = area_m2 / a
    g = box(-a / 2, -b / 2, a / 2, b / 2)
    return affinity.translate(affinity.rotate(g, angle, origin=(0, 0)), centre[0], centre[1])


def part_by_area(g, area_m2, angle_deg, from_high=False):
    """The part of @p g of @p area_m2 on one side of a straight cut across direction @p angle_deg
    (degrees from east): the low side (west for 0) or, with from_high, the high side."""
    c = g.centroid
    r = affinity.rotate(g, -angle_deg, origin=c)
    minx, miny, maxx, maxy = r.bounds
    lo, hi = minx, maxx

    def side(x):
        return box(x, miny - 1, maxx + 1, maxy + 1) if from_high else box(minx - 1, miny - 1, x, maxy + 1)
    for _ in range(60):
        mid = (lo + hi) / 2
        a = r.intersection(side(mid)).area
        if (a < area_m2) != from_high:
            lo = mid
        else:
            hi = mid
    return affinity.rotate(r.intersection(side((lo + hi) / 2)), angle_deg, origin=c)


def polys(g):
    if g.is_empty:
        return []
    if g.geom_type == "Polygon":
        return [g]
    if g.geom_type in ("MultiPolygon", "GeometryCollection"):
        out = []
        for x in g.geoms:
            out.extend(polys(x))
        return out
    return []


# ---------------------------------------------------------------------------------------------
# Raster helpers
# ---------------------------------------------------------------------------------------------

class Ground:
    """The 5 m ground grid (scene plus MARGIN ground pixels all round)."""

    def __init__(self, size_px):
        self.n = size_px * F + 2 * MARGIN
        self.gt = (X0 - MARGIN * HR, HR, 0.0, YTOP + MARGIN * HR, 0.0, -HR)
        self._srs = osr.SpatialReference()
        self._srs.ImportFromEPSG(EPSG_IMG)

    def burn(self, arr, geoms, value):
        """Sets arr (uint8 / any) to value where the ground pixel's centre is inside geoms."""
        geoms = [g for g in geoms if g is not None and not g.is_empty]
        if not geoms:
            return arr
        mask = self.mask(geoms)
        arr[mask] = value
        return arr

    def mask(self, geoms, all_touched=False):
        ds = gdal.GetDriverByName("MEM").Create("", self.n, self.n, 1, gdal.GDT_Byte)
        ds.SetGeoTransform(self.gt)
        ds.SetProjection(self._srs.ExportToWkt())
        vds = ogr.GetDriverByName("Memory").CreateDataSource("m")
        lyr = vds.CreateLayer("g", self._srs, ogr.wkbUnknown)
        for g in geoms:
            f = ogr.Feature(lyr.GetLayerDefn())
            f.SetGeometry(ogr.CreateGeometryFromWkb(g.wkb))
            lyr.CreateFeature(f)
        opts = ["ALL_TOUCHED=TRUE"] if all_touched else []
        gdal.RasterizeLayer(ds, [1], lyr, burn_values=[1], options=opts)
        return ds.GetRasterBand(1).ReadAsArray().astype(bool)

    def polygons(self, mask):
        """Outline (EPSG:32649, shapely) of the True cells of a ground mask."""
        ds = gdal.GetDriverByName("MEM").Create("", self.n, self.n, 1, gdal.GDT_Byte)
        ds.SetGeoTransform(self.gt)
        ds.SetProjection(self._srs.ExportToWkt())
        ds.GetRasterBand(1).WriteArray(mask.astype(np.uint8))
        vds = ogr.GetDriverByName("Memory").CreateDataSource("m")
        lyr = vds.CreateLayer("p", self._srs, ogr.wkbPolygon)
        lyr.CreateField(ogr.FieldDefn("v", ogr.OFTInteger))
        gdal.Polygonize(ds.GetRasterBand(1), ds.GetRasterBand(1), lyr, 0)
        out = []
        for f in lyr:
            if f.GetField("v") == 1:
                out.append(wkb_loads(bytes(f.GetGeometryRef().ExportToWkb())))
        return unary_union(out)

    def centres(self):
        """Layout-free EPSG:32649 coordinates of ground pixel centres (1-D x, 1-D y)."""
        x = self.gt[0] + (np.arange(self.n) + 0.5) * HR
        y = self.gt[3] - (np.arange(self.n) + 0.5) * HR
        return x, y


def smooth_field(rng, n, scale_px):
    """Zero-mean unit-variance smooth random field of size n x n, correlation length ~scale_px."""
    f = max(1, int(scale_px // 4))
    m = n // f + 8
    w = rng.standard_normal((m, m))
    w = ndimage.gaussian_filter(w, scale_px / f, mode="wrap")
    z = ndimage.zoom(w, f, order=1)[:n, :n]
    z = z - z.mean()
    return (z / (z.std() + 1e-12)).astype(np.float32)


def sample(ground, size_px, dx_m=0.0, dy_m=0.0):
    """10 m pixels from a 5 m ground band: mean of the 2x2 block, the image shifted so that a feature at
    ground position P appears at label P + (dx, dy) (misregistration)."""
    ox = MARGIN - int(round(dx_m / HR))
    oy = MARGIN + int(round(dy_m / HR))
    sub = ground[oy:oy + size_px * F, ox:ox + size_px * F]
    return sub.reshape(size_px, F, size_px, F).mean(axis=(1, 3))


def sample_mode(groups, size_px, codes, dx_m=0.0, dy_m=0.0):
    """Majority of @p codes in each 2x2 block (ties: first code in @p codes)."""
    best = None
    bestc = None
    for c in codes:
        cnt = sample((groups == c).astype(np.float32), size_px, dx_m, dy_m)
        if best is None:
            best = np.full(cnt.shape, c, dtype=np.uint8)
            bestc = cnt
        else:
            upd = cnt > bestc
            best[upd] = c
            bestc = np.where(upd, cnt, bestc)
    return best


def create_tif(path, size_px, nbands, dtype, gt, nodata=0, rows=None, srs_wkt=None):
    """GeoTIFF of size_px x size_px (or size_px columns x @p rows) in EPSG:32649 (or @p srs_wkt)."""
    drv = gdal.GetDriverByName("GTiff")
    ds = drv.Create(path, size_px, rows or size_px, nbands, dtype,
                    ["TILED=YES", "BLOCKXSIZE=256", "BLOCKYSIZE=256", "COMPRESS=DEFLATE", "PREDICTOR=2"
                     if dtype != gdal.GDT_Float32 else "PREDICTOR=3", "INTERLEAVE=BAND"])
    ds.SetGeoTransform(gt)
    if srs_wkt is None:
        srs = osr.SpatialReference()
        srs.ImportFromEPSG(EPSG_IMG)
        srs_wkt = srs.ExportToWkt()
    ds.SetProjection(srs_wkt)
    if nodata is not None:
        for b in range(nbands):
            ds.GetRasterBand(b + 1).SetNoDataValue(nodata)
    return ds


class RenderGrid:
    """The after image's own grid in another CRS and pixel size (--after-render): every pixel is drawn
    from the 5 m ground over its own footprint, as a sensor on that grid would record it, instead of
    resampling the 10 m image (which would blur it twice and make the warp itself part of the test).

    Each pixel is the mean of SS x SS sub-samples of its footprint (bilinear in the PSF-blurred ground);
    the footprint's corners are transformed exactly (PROJ) and the sub-samples placed bilinearly between
    them (the CRS change is affine to far below a millimetre over one pixel)."""
    SS = 4

    def __init__(self, crs, res, lay):
        self.crs = crs
        self.res = float(res)
        srs = osr.SpatialReference()
        srs.SetFromUserInput(crs)
        self.srs_wkt = srs.ExportToWkt()
        fwd = Transformer.from_crs("EPSG:%d" % EPSG_IMG, crs, always_xy=True)
        inv = Transformer.from_crs(crs, "EPSG:%d" % EPSG_IMG, always_xy=True)
        # the scene's outline (every 50 m) in the target CRS -> grid snapped to multiples of res
        t = np.linspace(0.0, 1.0, int(lay.L / 50) + 1)
        x0, y0, x1, y1 = X0, lay.ybot, X0 + lay.L, YTOP
        ex = np.concatenate([x0 + t * (x1 - x0), np.full_like(t, x1), x1 - t * (x1 - x0), np.full_like(t, x0)])
        ey = np.concatenate([np.full_like(t, y0), y0 + t * (y1 - y0), np.full_like(t, y1), y1 - t * (y1 - y0)])
        tx, ty = fwd.transform(ex, ey)
        r = self.res
        gx0 = math.floor(min(tx) / r) * r
        gy1 = math.ceil(max(ty) / r) * r
        self.nx = int(math.ceil((max(tx) - gx0) / r))
        self.ny = int(math.ceil((gy1 - min(ty)) / r))
        self.gt = (gx0, r, 0.0, gy1, 0.0, -r)
        cx = gx0 + np.arange(self.nx + 1) * r
        cy = gy1 - np.arange(self.ny + 1) * r
        CX, CY = np.meshgrid(cx, cy)
        ux, uy = inv.transform(CX.ravel(), CY.ravel())
        self.ux = np.asarray(ux).reshape(CX.shape)     # EPSG:32649 of the pixel corners
        self.uy = np.asarray(uy).reshape(CX.shape)
        mx, my = self.at(0.5, 0.5)                      # pixel centres
        self.centre_x, self.centre_y = mx, my
        self.inside = (mx >= x0) & (mx < x1) & (my >= y0) & (my < y1)

    def at(self, u, v):
        """EPSG:32649 of the point (u, v) of every pixel (u east, v south, 0..1 across the pixel)."""
        A, B = self.ux[:-1, :-1], self.ux[:-1, 1:]
        C, D = self.ux[1:, :-1], self.ux[1:, 1:]
        x = A + u * (B - A) + v * (C - A) + u * v * (A - B - C + D)
        A, B = self.uy[:-1, :-1], self.uy[:-1, 1:]
        C, D = self.uy[1:, :-1], self.uy[1:, 1:]
        y = A + u * (B - A) + v * (C - A) + u * v * (A - B - C + D)
        return x, y

    def render(self, ground_arr, ground_gt, dx_m=0.0, dy_m=0.0):
        """Footprint means of a 5 m ground band; a feature at ground P appears at P + (dx, dy) (the
        misregistration of sample())."""
        acc = np.zeros((self.ny, self.nx), dtype=np.float64)
        offs = (np.arange(self.SS) + 0.5) / self.SS
        for v in offs:
            for u in offs:
                x, y = self.at(u, v)
                col = (x - dx_m - ground_gt[0]) / HR - 0.5
                row = (ground_gt[3] - (y - dy_m)) / HR - 0.5
                acc += ndimage.map_coordinates(ground_arr, [row, col], order=1, mode="nearest")
        return (acc / (self.SS * self.SS)).astype(np.float32)


# ---------------------------------------------------------------------------------------------
# Vector output
# ---------------------------------------------------------------------------------------------

def write_gpkg(path, layer, epsg, fields, rows, geom_type=ogr.wkbMultiPolygon):
    """rows: list of (dict of field values, shapely geometry)."""
    if os.path.exists(path):
        os.remove(path)
    ds = ogr.GetDriverByName("GPKG").CreateDataSource(path)
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(epsg)
    srs.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    lyr = ds.CreateLayer(layer, srs, geom_type)
    for name, typ in fields:
        lyr.CreateField(ogr.FieldDefn(name, typ))
    for vals, geom in rows:
        f = ogr.Feature(lyr.GetLayerDefn())
        for k, v in vals.items():
            f.SetField(k, v)
        g = ogr.CreateGeometryFromWkb(geom.wkb)
        if geom_type == ogr.wkbMultiPolygon and g.GetGeometryType() == ogr.wkbPolygon:
            g = ogr.ForceToMultiPolygon(g)
        f.SetGeometry(g)
        lyr.CreateFeature(f)
    ds = None


# ---------------------------------------------------------------------------------------------
# The scene
# ---------------------------------------------------------------------------------------------

def build_redlines(lay):
    """Red-line polygons in EPSG:32649, densified to 25 m so that the EPSG:4545 copy follows them."""
    both = densify(lay.poly([(600, 5200), (4200, 4900), (4700, 6200), (4500, 9400), (900, 9500), (400, 7300)]),
                   25.0)
    cut = densify(lay.line([(2500, 9900), (2300, 8200), (2600, 7000), (2350, 5800), (2450, 4500)]), 25.0)
    parts = sorted(polys(split(both, cut)), key=lambda g: g.centroid.x)
    assert len(parts) == 2, "red-line split failed"
    r1, r2 = parts
    r3 = densify(lay.poly([(5600, 700), (9300, 900), (9500, 4300), (7600, 4700), (5400, 3900)]), 25.0)
    r4 = densify(lay.poly([(8800, 4000), (9950, 4000), (9950, 6800), (8600, 6600)]), 25.0)
    corridor = lay.river_line(0.0, 500, 5000).buffer(350 * lay.s, cap_style=2, join_style=1)
    r5 = densify(corridor.simplify(2.0), 25.0)
    r6 = densify(lay.poly([(6000, 7300), (8400, 7400), (8600, 8800), (6300, 9300)]), 25.0)
    return [r1, r2, r3, r4, r5, r6]


def build_townships(lay):
    m = 600
    L = 10000
    west = lay.poly([(-m, -m), (3600, -m), (3400, 2600), (3700, 5200), (3500, L + m), (-m, L + m)])
    full = lay.poly([(-m, -m), (L + m, -m), (L + m, L + m), (-m, L + m)])
    east = full.difference(west)
    north_cut = lay.poly([(3000, 5000), (6000, 5300), (8000, 4900), (L + 2 * m, 5200), (L + 2 * m, L + 2 * m),
                          (3000, L + 2 * m)])
    ne = east.intersection(north_cut)
    se = east.difference(north_cut)
    return [densify(west, 50.0), densify(se, 50.0), densify(ne, 50.0)]


def make_changes(lay, rng, redlines, specs=CHANGES):
    """The planted changes: list of dicts with geometry (EPSG:32649) and painting instructions.
    @p specs: CHANGES tuples or EXTRA_CHANGES dicts (the same random draws per change either way)."""
    s = lay.s
    out = []
    for spec in specs:
        if isinstance(spec, tuple):
            spec = dict(zip(("id", "kind", "size", "where", "around", "rel"), spec))
        cid, kind, size, where, around, rel = (spec[k] for k in ("id", "kind", "size", "where", "around", "rel"))
        jitter = rng.uniform(-25, 25, 2) * s
        d = {"change_id": cid, "kind": kind, "around": around, "rel": rel}
        for k in ("paint", "before", "expected", "note"):
            if k in spec:
                d[k] = spec[k]
        if isinstance(where, str):
            if where == "R1_WEST_EDGE":
                a, b = lay.p(400, 7300), lay.p(900, 9500)
                c = ((a[0] + b[0]) / 2, (a[1] + b[1]) / 2)
                d["geom"] = blob(rng, c, size * 1e4, 1.2, rng.uniform(0, 180), 0.15)
                d["note"] = "straddles the west boundary of " + REDLINES[0][0]
            elif where == "R1R2_SHARED_EDGE":
                c = lay.p(2600, 7000)
                d["geom"] = blob(rng, c, size * 1e4, 1.1, rng.uniform(0, 180), 0.12)
                d["note"] = "straddles the shared edge of %s and %s" % (REDLINES[0][0], REDLINES[1][0])
            elif where == "POND_P1":
                d["geom"] = None   # filled in by the pond builder
            elif where == "ROCK_K4":
                d["geom"] = None   # filled in with the rock outcrops
            else:
                raise ValueError(where)
        elif isinstance(where, tuple) and where[0] == "RIVER":
            x = where[1]
            c = lay.p(x, lay.river_y(x) + where[2])
            c = (c[0] + jitter[0], c[1] + jitter[1])
            if kind == "buildings":
                d["geom"] = rect(c, size * 1e4, 1.6, rng.uniform(0, 90))
            else:
                d["geom"] = blob(rng, c, size * 1e4, 1.3, rng.uniform(0, 180), 0.08)
        elif isinstance(where, list):
            pts = [lay.p(x, y) for x, y in where]
            pts = [(x + jitter[0], y + jitter[1]) for x, y in pts]
            d["centerline"] = LineString(pts)
            d["width"] = size
            d["geom"] = LineString(pts).buffer(size / 2.0, cap_style=2, join_style=2)
        else:
            c = lay.p(*where)
            c = (c[0] + jitter[0], c[1] + jitter[1])
            if kind == "quarry":
                d["geom"] = blob(rng, c, size * 1e4, rng.uniform(1.1, 1.5), rng.uniform(0, 180), 0.18)
            elif kind == "buildings":
                d["geom"] = rect(c, size * 1e4, rng.uniform(1.2, 1.8), rng.uniform(0, 90))
            else:
                d["geom"] = blob(rng, c, size * 1e4, rng.uniform(1.0, 1.4), rng.uniform(0, 180), 0.15)
        out.append(d)
    return out


def generate(args):
    rng = np.random.default_rng(args.seed)
    size = args.size
    lay = Layout(size)
    s = lay.s
    ground = Ground(size)
    n = ground.n
    gx, gy = ground.centres()

    redlines = build_redlines(lay)
    rl_union = unary_union(redlines)
    townships = build_townships(lay)
    changes = make_changes(lay, rng, redlines)
    # Optional content draws from its own generators so that everything of the default scene (shapes,
    # textures, noise) stays the same, to the byte, with or without it.
    rng_x = np.random.default_rng(args.seed + 1000)
    extra_specs = [c for grp in ("partial_clearings", "small_patches", "nonveg_changes") if getattr(args, grp)
                   for c in EXTRA_CHANGES[grp]]
    extra_changes = make_changes(lay, rng_x, redlines, extra_specs)
    for d in extra_changes:
        d["extra"] = True
    changes += extra_changes
    stands = []
    if args.phenology_stands:
        rng_p = np.random.default_rng(args.seed + 2000)
        for sid, (x, y), km2, el in STANDS:
            stands.append((sid, blob(rng_p, lay.p(x, y), km2 * 1e6, el, rng_p.uniform(0, 180), 0.16, 72)))

    # --- base vegetation --------------------------------------------------------------------
    E = smooth_field(rng, n, 150 / s if s < 1 else 150)
    Fm = smooth_field(rng, n, 30)
    g = E + 0.45 * Fm
    q10, q32 = np.quantile(g, [0.10, 0.32])
    lc = np.full((n, n), CID["forest"], dtype=np.uint8)
    lc[g < q32] = CID["shrub"]
    lc[g < q10] = CID["grassland"]

    # --- river, cropland ---------------------------------------------------------------------
    river_c = lay.river_line()
    river = river_c.buffer(30.0)
    river_mask = ground.mask([river])
    dist = ndimage.distance_transform_edt(~river_mask) * HR
    E2 = smooth_field(rng, n, 60)
    crop_zone = (dist < (650 + 220 * E2) * max(s, 0.6)) & ~river_mask
    # fields: 90 x 60 m rotated 20 degrees, each green / mature / fallow
    X, Y = np.meshgrid(gx, gy)
    ang = math.radians(20)
    u = (X * math.cos(ang) + Y * math.sin(ang)) / 90.0
    v = (-X * math.sin(ang) + Y * math.cos(ang)) / 60.0
    fid = (np.floor(u).astype(np.int64) * 7919 + np.floor(v).astype(np.int64) * 104729) % 1000003
    lut_rng = np.random.default_rng(args.seed + 1)
    lut = lut_rng.choice([CID["cropland_green"], CID["cropland_mature"], CID["cropland_fallow"]], size=1000003,
                         p=[0.5, 0.3, 0.2]).astype(np.uint8)
    field_gain = lut_rng.uniform(0.9, 1.1, size=1000003).astype(np.float32)
    lc[crop_zone] = lut[fid[crop_zone]]
    fgain = np.ones((n, n), dtype=np.float32)
    fgain[crop_zone] = field_gain[fid[crop_zone]]
    del X, Y, u, v

    # --- planted changes' surroundings (forced before-class) ---------------------------------
    for d in changes:
        if d["geom"] is not None and d["around"]:
            ground.burn(lc, [d["geom"].buffer(20.0)], CID[d["around"]])
        if d["geom"] is not None and d.get("before"):
            ground.burn(lc, [d["geom"]], CID[d["before"]])
    # deciduous stands: one class in both dates (the land cover does not change; its colour does)
    ground.burn(lc, [g for _, g in stands], CID["deciduous_forest"])

    # --- unchanged features (distractors) ----------------------------------------------------
    distractors = [("river", "river", river.intersection(lay.scene_box()))]
    pond_specs = [("P1", 2000, 220, 1.4), ("P2", 1000, 300, 0.8), ("P3", 3800, -380, 1.0),
                  ("P4", 6300, 380, 0.7), ("P5", 8200, -330, 0.9)]
    ponds = {}
    for pid, x, off, ha in pond_specs:
        c = lay.p(x, lay.river_y(x) + off)
        ponds[pid] = blob(rng, c, ha * 1e4, 1.35, rng.uniform(-20, 20), 0.06)
        distractors.append(("pond", "existing pond " + pid, ponds[pid]))
    # reclamation: the west 40 % of pond P1 is filled
    p1 = ponds["P1"]
    minx, miny, maxx, maxy = p1.bounds
    for d in changes:
        if d["kind"] == "reclamation":
            target = [c for c in CHANGES if c[0] == d["change_id"]][0][2] * 1e4
            lo, hi = minx, maxx
            for _ in range(60):
                mid = (lo + hi) / 2
                a = p1.intersection(box(minx - 1, miny - 1, mid, maxy + 1)).area
                lo, hi = (mid, hi) if a < target else (lo, mid)
            d["geom"] = p1.intersection(box(minx - 1, miny - 1, (lo + hi) / 2, maxy + 1))
            d["note"] = "west part of existing pond P1 filled"

    road_main = lay.river_line(-250.0).buffer(4.0)
    br = [(3000, lay.river_y(3000) - 250), (3150, 4200), (3500, 5800), (3800, 7500)]
    road_branch = lay.line(br).buffer(3.5)
    roads_old = [road_main, road_branch]
    distractors += [("old_road", "road along the river (8 m asphalt)", road_main.intersection(lay.scene_box())),
                    ("old_road", "old road to the north (7 m asphalt)", road_branch)]

    villages = []
    roofs = []
    for vid, x, off, ha in [("V1", 1200, -480, 4.0), ("V2", 4300, 450, 3.0), ("V3", 6800, -420, 5.0),
                            ("V4", 8700, 330, 3.5)]:
        c = lay.p(x, lay.river_y(x) + off)
        vg = blob(rng, c, ha * 1e4, 1.3, rng.uniform(0, 180), 0.15)
        villages.append(vg)
        distractors.append(("village", "village " + vid, vg))
        bx0, by0, bx1, by1 = vg.bounds
        for xx in np.arange(bx0, bx1, 22.0):
            for yy in np.arange(by0, by1, 22.0):
                if rng.random() < 0.6:
                    r = rect((xx + rng.uniform(-3, 3), yy + rng.uniform(-3, 3)), rng.uniform(80, 250),
                             rng.uniform(1, 2), rng.uniform(0, 20))
                    if vg.contains(r):
                        roofs.append(r)
    rocks = []
    for rid, x, y, ha, cls in [("K1", 1000, 6800, 1.2, "rock"), ("K2", 7800, 1200, 0.9, "rock"),
                               ("K3", 3800, 9000, 0.6, "rock"), ("Q0", 6700, 3500, 1.5, "quarry_bare")]:
        rg = blob(rng, lay.p(x, y), ha * 1e4, 1.2, rng.uniform(0, 180), 0.2)
        rocks.append((rg, cls))
        distractors.append(("rock" if cls == "rock" else "old_quarry",
                            ("rock outcrop " if cls == "rock" else "old quarry (bare, unchanged) ") + rid, rg))
    for d in changes:
        if d["geom"] is None and d["kind"] == "quarry":
            # the quarry floor is the east part of a new rock outcrop (by area); the rest stays rock
            rid, (x, y), ha = ROCK_K4
            rg = blob(rng_x, lay.p(x, y), ha * 1e4, 1.2, rng_x.uniform(0, 180), 0.2)
            d["geom"] = part_by_area(rg, [c for c in extra_specs if c["id"] == d["change_id"]][0]["size"] * 1e4,
                                     0.0, from_high=True)
            d["in_feature"] = True
            rocks.append((rg, "rock"))
            distractors.append(("rock", "rock outcrop %s (unchanged part; %s cut into its east)" %
                                (rid, d["change_id"]), rg.difference(d["geom"])))

    ground.burn(lc, [river], CID["river"])
    ground.burn(lc, list(ponds.values()), CID["pond"])
    ground.burn(lc, villages, CID["concrete"])
    ground.burn(lc, roofs, CID["village_roof"])
    for rg, cls in rocks:
        ground.burn(lc, [rg], CID[cls])
    ground.burn(lc, roads_old, CID["asphalt_road"])

    # --- after ground: the planted changes ---------------------------------------------------
    lc_after = lc.copy()
    for d in changes:
        k = d["kind"]
        geom = d["geom"]
        r_ = rng_x if d.get("extra") else rng
        paint = d.get("paint")
        if paint == "single_building":
            # one building: its yard (concrete) and the roof, 3 m in from the yard's edge
            ground.burn(lc_after, [geom], CID["concrete"])
            ground.burn(lc_after, [geom.buffer(-3.0, join_style=2)], CID["new_roof"])
        elif k == "partial_clearing":
            # half bare soil, half grass, split across a random direction (same area on both sides)
            ang = r_.uniform(0, 180)
            bare = part_by_area(geom, geom.area / 2.0, ang)
            d["bare_part"] = bare
            d.setdefault("note", "partial clearing: forest -> half bare soil, half grass (bare on the side "
                                 "facing %.0f deg from east)" % ((ang + 180.0) % 360.0))
            ground.burn(lc_after, [geom], CID["grassland"])
            ground.burn(lc_after, [bare], CID["cleared_soil"])
        elif k == "quarry" and d.get("in_feature"):
            ground.burn(lc_after, [geom], CID["quarry_floor_rock"])
        elif k == "quarry":
            ground.burn(lc_after, [geom], CID["quarry_bare"])
        elif k == "road":
            ground.burn(lc_after, [geom], CID["gravel_road"])
        elif k == "clearing":
            ground.burn(lc_after, [geom], CID["cleared_soil"])
        elif k == "pond":
            ground.burn(lc_after, [geom], CID["pond"])
        elif k == "reclamation":
            ground.burn(lc_after, [geom], CID["fill"])
        elif k == "buildings":
            ground.burn(lc_after, [geom], CID["concrete" if paint == "built_on_bare" else "graded_soil"])
            bx0, by0, bx1, by1 = geom.bounds
            cen = geom.centroid
            # roofs on a grid aligned with the footprint
            ang_deg = math.degrees(math.atan2(geom.exterior.coords[1][1] - geom.exterior.coords[0][1],
                                              geom.exterior.coords[1][0] - geom.exterior.coords[0][0]))
            local = affinity.rotate(geom, -ang_deg, origin=cen)
            lx0, ly0, lx1, ly1 = local.bounds
            rr = []
            for xx in np.arange(lx0 + 10, lx1 - 5, 24.0):
                for yy in np.arange(ly0 + 10, ly1 - 5, 22.0):
                    r = box(xx - 7, yy - 6, xx + r_.uniform(5, 9), yy + r_.uniform(4, 8))
                    if local.contains(r):
                        rr.append(affinity.rotate(r, ang_deg, origin=cen))
            ground.burn(lc_after, rr, CID["new_roof"])

    # --- layout checks ------------------------------------------------------------------------
    # (--cloud-parallax: the cloud where it and its shadow, away from the morning sun, both lie in
    # the red line, clear of everything else)
    cloud_c = lay.p(8000, 3500) if args.cloud_parallax else lay.p(7000, 4300)
    cloud_shape = blob(rng, cloud_c, math.pi * 330 ** 2 * s ** 2 if s < 1 else math.pi * 330 ** 2, 1.3, 30, 0.2)
    shadow_off = (-350.0 * min(s, 1), -250.0 * min(s, 1))
    if args.cloud_parallax:
        # As Sentinel-2 sees a cloud: its shadow away from the morning sun (900 m north-west of it
        # here, 29.5 N: a cloud ~700 m up, the sun ~38° high in the south-east), clear of the cloud.
        shadow_off = (-636.0 * min(s, 1), 636.0 * min(s, 1))
    shadow_shape = affinity.translate(cloud_shape, *shadow_off)
    nodata_tri = lay.poly([(17200 - 10000 - 2000, 10000 + 2000), (10000 + 2000, 17200 - 10000 - 2000),
                           (10000 + 2000, 10000 + 2000)])
    obstacles = [river, road_main, road_branch] + villages + [rg for rg, _ in rocks] + \
        [p for k, p in ponds.items() if k != "P1"] + \
        [cloud_shape.buffer(150), shadow_shape.buffer(150), nodata_tri.buffer(150)]
    obstacles_u = unary_union(obstacles)
    problems = []
    for i, d in enumerate(changes):
        gbuf = d["geom"].buffer(40.0)
        if d["kind"] == "reclamation" or d.get("in_feature"):
            pass
        elif gbuf.intersects(obstacles_u):
            problems.append("%s touches an unchanged feature, the cloud or the nodata corner" % d["change_id"])
        if d["kind"] != "reclamation" and gbuf.intersects(p1):
            problems.append("%s touches pond P1" % d["change_id"])
        for e in changes[i + 1:]:
            if gbuf.intersects(e["geom"].buffer(40.0)):
                problems.append("%s and %s are too close" % (d["change_id"], e["change_id"]))
        if not lay.scene_box().buffer(-50).contains(d["geom"]):
            problems.append("%s is not inside the scene" % d["change_id"])
        # relation to the red line
        inside = [j + 1 for j, r in enumerate(redlines) if r.intersection(d["geom"]).area > 1.0]
        rel = d["rel"]
        if rel == "out":
            ok = not inside
        elif rel.startswith("in:"):
            want = sorted(int(t) for t in rel[3:].split("&"))
            ok = inside == want and rl_union.contains(d["geom"])
        elif rel.startswith("straddle:"):
            a, b = rel[9:].split("|")
            ia = redlines[int(a) - 1].intersection(d["geom"]).area / d["geom"].area
            ib = (d["geom"].difference(rl_union).area if b == "out"
                  else redlines[int(b) - 1].intersection(d["geom"]).area) / d["geom"].area
            ok = 0.25 < ia < 0.75 and 0.25 < ib < 0.75
        else:
            ok = False
        if not ok:
            problems.append("%s: expected %s, lies in red-line polygons %s" % (d["change_id"], rel, inside))
    # phenology stands: well clear (100 m) of every planted change, of the cloud, its shadow and the
    # nodata corner, so that a patch on a stand is a false patch and nothing else
    for sid, sg in stands:
        for d in changes:
            if sg.distance(d["geom"]) < 100.0:
                problems.append("stand %s is within 100 m of %s" % (sid, d["change_id"]))
        if sg.intersects(unary_union([cloud_shape.buffer(150), shadow_shape.buffer(150), nodata_tri.buffer(150)])):
            problems.append("stand %s touches the cloud, its shadow or the nodata corner" % sid)
        if not lay.scene_box().contains(sg):
            problems.append("stand %s is not inside the scene" % sid)
    if stands and not any(rl_union.intersection(sg).area > 0.5 * sg.area for _, sg in stands):
        problems.append("no phenology stand lies (mostly) inside the red line")
    if problems:
        raise SystemExit("layout does not fit this --size/--seed:\n  " + "\n  ".join(problems))

    # --- texture ------------------------------------------------------------------------------
    big = smooth_field(rng, n, 40)
    mid = smooth_field(rng, n, 8)
    fine = ndimage.gaussian_filter(rng.standard_normal((n, n)).astype(np.float32), 0.7)
    fine /= fine.std()
    vig = smooth_field(rng, n, 20)
    bright = 1.0 + 0.06 * big + 0.04 * mid
    is_woody = np.isin(lc, WOODY)
    bright_b = bright * np.where(is_woody, 1.0 + 0.06 * fine, 1.0 + 0.025 * fine) * fgain
    is_woody_a = np.isin(lc_after, WOODY)
    bright_a = bright * np.where(is_woody_a, 1.0 + 0.06 * fine, 1.0 + 0.025 * fine) * fgain
    veg_b = np.isin(lc, VEGETATION)
    veg_a = np.isin(lc_after, VEGETATION)

    # --- cloud, shadow, nodata (after image, in its own label frame) --------------------------
    alpha = ground.mask([cloud_shape]).astype(np.float32)
    if args.cloud_parallax:
        # a cumulus as Sentinel-2 shows one: a crisp edge and billows of 15-50 m (its own generator)
        rng_c = np.random.default_rng(args.seed + 4000)
        alpha = ndimage.gaussian_filter(alpha, 2.0)
        alpha = np.clip(alpha * (0.7 + 0.3 * smooth_field(rng_c, n, 3)) * 1.3, 0, 1)
    else:
        alpha = ndimage.gaussian_filter(alpha, 6.0)
        alpha = np.clip(alpha * (0.85 + 0.15 * mid) * 1.3, 0, 1)
    alpha[alpha < 0.003] = 0
    sh = ground.mask([shadow_shape]).astype(np.float32)
    sh = ndimage.gaussian_filter(sh, 6.0)
    sh = np.clip(sh * 1.3, 0, 1)
    sh[sh < 0.003] = 0
    sh = sh * (1 - alpha)

    # --- autumn colours of the deciduous stands (after date) ------------------------------------
    # Strength ~1 over the whole stand at once, varying smoothly (+-12 % over ~200 m: aspect, soil)
    # with a little crown texture, and ramping up over ~20 m inside the stand's edge (mixed crowns).
    autumn = None
    if stands:
        rng_a = np.random.default_rng(args.seed + 2001)
        autumn = ndimage.gaussian_filter(ground.mask([g for _, g in stands]).astype(np.float32), 4.0)
        crown = ndimage.gaussian_filter(rng_a.standard_normal((n, n)).astype(np.float32), 0.7)
        crown /= crown.std()
        autumn = np.clip(autumn * (1.0 + 0.12 * smooth_field(rng_a, n, 40) + 0.04 * crown), 0.0, 1.4)
        autumn[lc_after != CID["deciduous_forest"]] = 0.0
        del crown

    # --- thin haze (after date, not masked) -------------------------------------------------------
    # A broad Gaussian plume with a slowly varying density (+-20 % over ~400 m); the after image gets
    # h * HAZE_ADD of path reflectance and loses h * HAZE_LOSS of the surface signal.
    haze = None
    if args.haze:
        rng_h = np.random.default_rng(args.seed + 3000)
        hx, hy = lay.p(*HAZE_PLUME["centre"])
        sa, sb = HAZE_PLUME["sigma"][0] * s, HAZE_PLUME["sigma"][1] * s
        th = math.radians(HAZE_PLUME["angle"])
        X, Y = np.meshgrid(gx - hx, gy - hy)
        u = X * math.cos(th) + Y * math.sin(th)
        v = -X * math.sin(th) + Y * math.cos(th)
        haze = np.exp(-0.5 * ((u / sa) ** 2 + (v / sb) ** 2)).astype(np.float32)
        haze = np.clip(haze * (1.0 + 0.2 * smooth_field(rng_h, n, 80)), 0.0, 1.2)
        del X, Y, u, v

    # --- bands ----------------------------------------------------------------------------------
    if args.sensor == "sentinel2_l2a":
        bands = list(S2_BANDS)
    elif args.bands == 4:
        bands = ["B2", "B3", "B4", "B8"]
    else:
        bands = ["B2", "B3", "B4", "B8", "B11"]
    dx, dy = args.misregistration
    gt10 = (X0, PIX, 0.0, YTOP, 0.0, -PIX)
    os.makedirs(args.out, exist_ok=True)
    dtype = gdal.GDT_Float32 if args.float else gdal.GDT_UInt16
    after_name = "after_aligned.tif" if args.after_crs else "after.tif"
    after_scl_name = "after_aligned_scl.tif" if args.after_crs else "after_scl.tif"
    ds_b = create_tif(os.path.join(args.out, "before.tif"), size, len(bands), dtype, gt10)
    ds_a = create_tif(os.path.join(args.out, after_name), size, len(bands), dtype, gt10)
    rgrid = ds_r = None
    if args.after_render:
        # the after image drawn from the ground on its own grid (the 10 m one is still made: it is the
        # aligned reference, kept with --keep-aligned)
        rgrid = RenderGrid(args.after_crs, args.after_res, lay)
        ds_r = create_tif(os.path.join(args.out, "after.tif"), rgrid.nx, len(bands), dtype, rgrid.gt,
                          rows=rgrid.ny, srs_wkt=rgrid.srs_wkt)
        nodata_r = ~rgrid.inside | (((rgrid.centre_x - X0) / s + (rgrid.centre_y - lay.ybot) / s) > 17200)
        noise_r = np.random.default_rng(args.seed + 8)

    # nodata corner of the after image, in its label frame (pixel centres)
    cx10 = X0 + (np.arange(size) + 0.5) * PIX
    cy10 = YTOP - (np.arange(size) + 0.5) * PIX
    CX, CY = np.meshgrid((cx10 - X0) / s, (cy10 - lay.ybot) / s)
    nodata_after = (CX + CY) > 17200
    del CX, CY
    noise_rng = np.random.default_rng(args.seed + 7)
    rel_noise, abs_noise = args.noise
    for bi, bname in enumerate(bands):
        k = S2_BANDS.index(bname)
        spec = SPECTRA[:, k]
        refl_b = spec[lc] * bright_b
        refl_a = spec[lc_after] * bright_a
        # vegetation vigour texture (same in both dates where the class is unchanged)
        if bname in NIR_LIKE:
            refl_b = np.where(veg_b, refl_b * (1 + 0.08 * vig), refl_b)
            refl_a = np.where(veg_a, refl_a * (1 + 0.08 * vig), refl_a)
        elif bname in ("B4", "B5"):
            refl_b = np.where(veg_b, refl_b * (1 - 0.08 * vig), refl_b)
            refl_a = np.where(veg_a, refl_a * (1 - 0.08 * vig), refl_a)
        # phenology on the after date (vegetation only)
        ph = 1.0
        if bname == "B4":
            ph = PHENOLOGY["vegetation_red_x"]
        elif bname in NIR_LIKE:
            ph = PHENOLOGY["vegetation_nir_x"]
        elif bname == "B5":
            ph = PHENOLOGY["vegetation_rededge1_x"]
        elif bname in ("B11", "B12"):
            ph = PHENOLOGY["vegetation_swir_x"]
        refl_a = np.where(veg_a, refl_a * ph, refl_a)
        if autumn is not None:
            refl_a = refl_a * (1.0 + autumn * (AUTUMN[k] - 1.0))
        # cloud and shadow (haze between the two: it lies over the shadowed ground, under the cloud)
        refl_a = refl_a * (1 - 0.65 * sh)
        if haze is not None:
            refl_a = refl_a * (1.0 - HAZE_LOSS[k] * haze) + HAZE_ADD[k] * haze
        alpha_k = alpha
        if args.cloud_parallax and bname in ("B3", "B4"):
            # The cloud where this band saw it: B03 ~0.5 s and B04 ~1 s after B02, displaced north
            # (up the ground grid) in proportion; a smooth shift of the smooth cover, in ground cells.
            north_m = args.cloud_parallax * (0.5 if bname == "B3" else 1.0)
            alpha_k = np.clip(ndimage.shift(alpha, (-north_m / HR, 0.0), order=3, mode="constant"), 0.0, 1.0)
        refl_a = refl_a * (1 - alpha_k) + CLOUD_SPECTRUM[k] * alpha_k
        # sensor PSF, then 10 m sampling (after: misregistered)
        refl_b = ndimage.gaussian_filter(refl_b, 0.6)
        refl_a = ndimage.gaussian_filter(refl_a, 0.6)
        b10 = sample(refl_b, size)
        a10 = sample(refl_a, size, dx, dy)
        a10 = a10 * GAIN[k] + OFFSET[k]
        if rgrid is not None:
            ar = rgrid.render(refl_a, ground.gt, dx, dy) * GAIN[k] + OFFSET[k]
            ar = np.clip(ar + noise_r.standard_normal(ar.shape) * (rel_noise * ar + abs_noise), 0.0001, 1.0)
            ar = ar.astype(np.float32) if args.float else np.clip(np.round(ar * 10000), 1, 10000).astype(np.uint16)
            ar[nodata_r] = 0
            band = ds_r.GetRasterBand(bi + 1)
            band.WriteArray(ar)
            band.SetDescription(bname)
            band.SetMetadataItem("role", S2_ROLE[bname])
        b10 = b10 + noise_rng.standard_normal(b10.shape) * (rel_noise * b10 + abs_noise)
        a10 = a10 + noise_rng.standard_normal(a10.shape) * (rel_noise * a10 + abs_noise)
        b10 = np.clip(b10, 0.0001, 1.0)
        a10 = np.clip(a10, 0.0001, 1.0)
        if args.float:
            b10 = b10.astype(np.float32)
            a10 = a10.astype(np.float32)
        else:
            b10 = np.clip(np.round(b10 * 10000), 1, 10000).astype(np.uint16)
            a10 = np.clip(np.round(a10 * 10000), 1, 10000).astype(np.uint16)
        a10[nodata_after] = 0
        for ds, arr in ((ds_b, b10), (ds_a, a10)):
            band = ds.GetRasterBand(bi + 1)
            band.WriteArray(arr)
            band.SetDescription(bname)
            band.SetMetadataItem("role", S2_ROLE[bname])
    for ds in (ds_b, ds_a) + ((ds_r,) if ds_r is not None else ()):
        ds.SetMetadataItem("generator", "scripts/make_activity_scene.py seed=%d" % args.seed)
        ds.SetMetadataItem("reflectance_scale", "1" if args.float else "0.0001")
    ds_b = ds_a = ds_r = None

    # --- SCL ------------------------------------------------------------------------------------
    grp_b = SCL_GROUP[lc]
    grp_a = SCL_GROUP[lc_after]
    scl_b = sample_mode(grp_b, size, [4, 5, 6])
    scl_a = sample_mode(grp_a, size, [4, 5, 6], dx, dy)
    a_cloud = sample(alpha, size, dx, dy)
    a_shadow = sample(sh, size, dx, dy)
    cloud_any = ndimage.binary_dilation(a_cloud > 0.01, iterations=2)
    shadow_any = ndimage.binary_dilation(a_shadow > 0.01, iterations=2)
    scl_a[shadow_any] = 3
    scl_a[cloud_any] = 8
    scl_a[a_cloud > 0.5] = 9
    scl_a[nodata_after] = 0
    for name, arr in (("before_scl.tif", scl_b), (after_scl_name, scl_a)):
        ds = create_tif(os.path.join(args.out, name), size, 1, gdal.GDT_Byte, gt10, nodata=0)
        ds.GetRasterBand(1).WriteArray(arr)
        ds.GetRasterBand(1).SetDescription("SCL")
        ds = None
    lc10 = create_tif(os.path.join(args.out, "landcover.tif"), size, 2, gdal.GDT_Byte, gt10, nodata=None)
    lc10.GetRasterBand(1).WriteArray(lc[MARGIN + 1:MARGIN + 1 + size * F:F, MARGIN + 1:MARGIN + 1 + size * F:F])
    lc10.GetRasterBand(2).WriteArray(lc_after[MARGIN + 1:MARGIN + 1 + size * F:F,
                                              MARGIN + 1:MARGIN + 1 + size * F:F])
    if rgrid is not None:
        # the after SCL on the rendered grid: majority class group and the cloud / shadow cover of each
        # pixel's footprint, drawn from the same ground fields as on the 10 m grid
        best = bestc = None
        for c in (4, 5, 6):
            cnt = rgrid.render((grp_a == c).astype(np.float32), ground.gt, dx, dy)
            if best is None:
                best, bestc = np.full(cnt.shape, c, dtype=np.uint8), cnt
            else:
                upd = cnt > bestc
                best[upd] = c
                bestc = np.where(upd, cnt, bestc)
        r_cloud = rgrid.render(alpha, ground.gt, dx, dy)
        r_shadow = rgrid.render(sh, ground.gt, dx, dy)
        best[ndimage.binary_dilation(r_shadow > 0.01, iterations=2)] = 3
        best[ndimage.binary_dilation(r_cloud > 0.01, iterations=2)] = 8
        best[r_cloud > 0.5] = 9
        best[nodata_r] = 0
        ds = create_tif(os.path.join(args.out, "after_scl.tif"), rgrid.nx, 1, gdal.GDT_Byte, rgrid.gt, nodata=0,
                        rows=rgrid.ny, srs_wkt=rgrid.srs_wkt)
        ds.GetRasterBand(1).WriteArray(best)
        ds.GetRasterBand(1).SetDescription("SCL")
        ds = None
    lc10.GetRasterBand(1).SetDescription("class before (ground, not misregistered)")
    lc10.GetRasterBand(2).SetDescription("class after (ground, not misregistered)")
    lc10 = None

    # --- after image in another CRS / resolution -----------------------------------------------
    if args.after_crs and args.after_render:
        if not args.keep_aligned:
            os.remove(os.path.join(args.out, after_name))
            os.remove(os.path.join(args.out, after_scl_name))
    elif args.after_crs:
        co = ["TILED=YES", "BLOCKXSIZE=256", "BLOCKYSIZE=256", "COMPRESS=DEFLATE"]
        res = args.after_res
        gdal.Warp(os.path.join(args.out, "after.tif"), os.path.join(args.out, after_name),
                  options=gdal.WarpOptions(dstSRS=args.after_crs, xRes=res, yRes=res, resampleAlg="bilinear",
                                           srcNodata=0, dstNodata=0, creationOptions=co, multithread=False))
        gdal.Warp(os.path.join(args.out, "after_scl.tif"), os.path.join(args.out, after_scl_name),
                  options=gdal.WarpOptions(dstSRS=args.after_crs, xRes=res, yRes=res, resampleAlg="near",
                                           srcNodata=0, dstNodata=0, creationOptions=co))
        if not args.keep_aligned:
            os.remove(os.path.join(args.out, after_name))
            os.remove(os.path.join(args.out, after_scl_name))

    # --- vectors --------------------------------------------------------------------------------
    rl_rows = []
    rl_gk = []
    for (code, name), g in zip(REDLINES, redlines):
        gk = transform_geom(g, EPSG_IMG, EPSG_REDLINE)
        rl_gk.append(gk)
        rl_rows.append(({"HXBH": code, "HXMC": name}, gk))
    write_gpkg(os.path.join(args.out, "redline.gpkg"), "redline", EPSG_REDLINE,
               [("HXBH", ogr.OFTString), ("HXMC", ogr.OFTString)], rl_rows)
    tw_rows = []
    for (code, name), g in zip(TOWNSHIPS, townships):
        tw_rows.append(({"XZQDM": code, "XZQMC": name}, transform_geom(g, EPSG_IMG, EPSG_LL)))
    write_gpkg(os.path.join(args.out, "townships.gpkg"), "townships", EPSG_LL,
               [("XZQDM", ogr.OFTString), ("XZQMC", ogr.OFTString)], tw_rows)

    truth_rows = []
    truth_json = []
    for d in changes:
        geom = d["geom"]
        ids = [REDLINES[j][0] for j, r in enumerate(redlines) if r.intersection(geom).area > 0]
        inside_area = rl_union.intersection(geom).area
        vals = {"change_id": d["change_id"], "kind": d["kind"],
                "expected_type": d.get("expected", EXPECTED_TYPE[d["kind"]]),
                "area_m2": round(geom.area, 2), "inside_redline": 1 if ids else 0,
                "area_inside_m2": round(inside_area, 2), "redline_ids": ",".join(ids),
                "width_m": float(d.get("width", 0.0)), "note": d.get("note", "")}
        truth_rows.append((vals, geom))
        truth_json.append(vals)
    write_gpkg(os.path.join(args.out, "truth.gpkg"), "changes", EPSG_IMG,
               [("change_id", ogr.OFTString), ("kind", ogr.OFTString), ("expected_type", ogr.OFTString),
                ("area_m2", ogr.OFTReal), ("inside_redline", ogr.OFTInteger), ("area_inside_m2", ogr.OFTReal),
                ("redline_ids", ogr.OFTString), ("width_m", ogr.OFTReal), ("note", ogr.OFTString)],
               truth_rows, ogr.wkbPolygon)

    fallow = lc == CID["cropland_fallow"]
    distractors.append(("cloud", "cloud (after image, masked by after_scl.tif)",
                        affinity.translate(cloud_shape.buffer(60), dx, dy)))
    distractors.append(("cloud_shadow", "cloud shadow (after image, masked by after_scl.tif)",
                        affinity.translate(shadow_shape.buffer(60), dx, dy)))
    distractors.append(("nodata", "nodata corner of the after image", nodata_tri.intersection(lay.scene_box())))
    for sid, sg in stands:
        distractors.append(("phenology_stand", "deciduous stand %s in autumn colours on the after date (NDVI "
                            "~0.80 -> ~0.66 over the whole stand; not a change)" % sid, sg))
    haze_poly = None
    if haze is not None:
        haze_poly = ground.polygons(haze >= HAZE_EXTENT).intersection(lay.scene_box()).simplify(5.0)
        distractors.append(("haze", "thin haze plume over the after image (h >= %.1f of its peak; NOT masked in "
                            "after_scl.tif; not a change)" % HAZE_EXTENT, haze_poly))
    write_gpkg(os.path.join(args.out, "distractors.gpkg"), "distractors", EPSG_IMG,
               [("kind", ogr.OFTString), ("description", ogr.OFTString)],
               [({"kind": k, "description": t}, g) for k, t, g in distractors])

    # --- scene.json -----------------------------------------------------------------------------
    role_names = {"B2": "blue", "B3": "green", "B4": "red", "B8": "nir", "B11": "swir1", "B12": "swir2"}
    mapping = ",".join("%s=%d" % (role_names[b], i + 1) for i, b in enumerate(bands) if b in role_names)
    if args.sensor == "sentinel2_l2a":
        redline_args = ["--sensor", "sentinel2_l2a"]
    else:
        redline_args = ["--bands", mapping] + ([] if args.float else ["--scale", "0.0001"])
    redline_args += ["--before-mask", "before_scl.tif", "--after-mask", "after_scl.tif"]
    scene_area = lay.L ** 2
    meta = {
        "generator": "scripts/make_activity_scene.py",
        "seed": args.seed,
        "size_px": size,
        "pixel_m": PIX,
        "ground_resolution_m": HR,
        "crs": "EPSG:%d" % EPSG_IMG,
        "geotransform": list(gt10),
        "extent_utm": [X0, lay.ybot, X0 + lay.L, YTOP],
        "dtype": "Float32 (reflectance 0-1)" if args.float else "UInt16 (reflectance x 10000)",
        "nodata": 0,
        "bands": [{"index": i + 1, "s2_band": b, "role": S2_ROLE[b]} for i, b in enumerate(bands)],
        "band_mapping": mapping,
        "has_swir": any(b in ("B11", "B12") for b in bands),
        "sensor": args.sensor or ("4-band (GF-like)" if args.bands == 4 else "5-band"),
        "after_crs": args.after_crs or "EPSG:%d" % EPSG_IMG,
        "after_res": args.after_res if args.after_crs else PIX,
        "redline_args": redline_args,
        "classes": [{"id": c, "name": nme, "scl": grp, "reflectance_B1_B12": sp} for c, nme, grp, sp in CLASSES
                    + [e for e in EXTRA_CLASSES if (lc == e[0]).any() or (lc_after == e[0]).any()]],
        "redline": [{"HXBH": code, "HXMC": name, "area_m2_utm": round(g.area, 1)}
                    for (code, name), g in zip(REDLINES, redlines)],
        "redline_share_of_scene": round(rl_union.intersection(lay.scene_box()).area / scene_area, 4),
        "redline_notes": ["%s and %s share an edge" % (REDLINES[0][0], REDLINES[1][0]),
                          "%s overlaps %s (%.1f ha)" % (REDLINES[3][0], REDLINES[2][0],
                                                        redlines[2].intersection(redlines[3]).area / 1e4)],
        "changes": truth_json,
        "distractors": {
            "phenology": PHENOLOGY,
            "gain": dict(zip(S2_BANDS, GAIN)),
            "offset": dict(zip(S2_BANDS, OFFSET)),
            "noise": {"relative": rel_noise, "absolute": abs_noise, "images": "both, independent"},
            "misregistration_m": {"dx_east": dx, "dy_north": dy,
                                  "meaning": "after image content appears shifted by (dx, dy); not corrected"},
            "cloud": {"centre_utm": list(cloud_shape.centroid.coords[0]), "area_m2": round(cloud_shape.area),
                      "shadow_offset_m": list(shadow_off), "scl": "9 core, 8 edge, 3 shadow (dilated 2 px)"},
            "nodata_corner": "after image: layout x + y > 17200 (north-east triangle), value 0, SCL 0",
            "unchanged_features": [{"kind": k, "description": t, "area_m2": round(g.area)} for k, t, g in distractors
                                   if k not in ("cloud", "cloud_shadow", "nodata")],
            "fallow_fields_share": round(float(fallow.mean()), 4),
        },
    }
    opts = {k: getattr(args, k) for k in OPTIONAL}
    if any(opts.values()):
        # only scenes with optional content say so: the default scene.json stays as it was
        meta["variant"] = args.variant
        meta["options"] = opts
        meta["after_grid"] = ("rendered from the 5 m ground on the after grid" if args.after_render else
                              "warped from the 10 m after image" if args.after_crs else "the before grid")
        dist = meta["distractors"]
        if stands:
            # each stand's mean NDVI on the ground (no noise, no misregistration): summer, and autumn
            # without the scene-wide seasonal shift and gain (what a perfect normalisation would leave)
            kr, kn = S2_BANDS.index("B4"), S2_BANDS.index("B8")
            ndvi_stands = []
            for sid, sg in stands:
                m = ground.mask([sg.buffer(-20.0)]) & (lc == CID["deciduous_forest"])
                red = SPECTRA[CID["deciduous_forest"], kr] * bright_b[m] * (1 - 0.08 * vig[m])
                nir = SPECTRA[CID["deciduous_forest"], kn] * bright_b[m] * (1 + 0.08 * vig[m])
                red_a = red * (1 + autumn[m] * (AUTUMN[kr] - 1))
                nir_a = nir * (1 + autumn[m] * (AUTUMN[kn] - 1))
                ndvi_stands.append((float(np.mean((nir - red) / (nir + red))),
                                    float(np.mean((nir_a - red_a) / (nir_a + red_a)))))
            dist["phenology_stands"] = {
                "autumn_factor": dict(zip(S2_BANDS, AUTUMN)),
                "stands": [{"id": sid, "area_m2": round(sg.area), "inside_redline_m2": round(
                    rl_union.intersection(sg).area), "ndvi_summer": round(nb, 3),
                    "ndvi_autumn_without_seasonal_shift": round(na, 3)}
                    for (sid, sg), (nb, na) in zip(stands, ndvi_stands)]}
        if haze is not None:
            dist["haze"] = {"path_reflectance_at_peak": dict(zip(S2_BANDS, HAZE_ADD)),
                            "transmission_loss_at_peak": dict(zip(S2_BANDS, HAZE_LOSS)),
                            "plume_layout_m": HAZE_PLUME, "extent_level": HAZE_EXTENT,
                            "extent_share_of_scene": round(haze_poly.area / scene_area, 4), "masked": False}
        meta["change_groups"] = {grp: [c["id"] for c in EXTRA_CHANGES[grp]] for grp in EXTRA_CHANGES
                                 if getattr(args, grp)}
    with open(os.path.join(args.out, "scene.json"), "w", encoding="utf-8") as f:
        json.dump(meta, f, ensure_ascii=False, indent=1)
    return meta


def parse_pair(text):
    a, b = text.split(",")
    return (float(a), float(b))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True, help="output folder")
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    ap.add_argument("--size", type=int, default=1000, help="pixels per side at 10 m (default 1000: 10 x 10 km)")
    ap.add_argument("--bands", type=int, choices=(4, 5), default=5,
                    help="5: blue green red nir swir1 (default); 4: without SWIR (GF-like)")
    ap.add_argument("--sensor", choices=("sentinel2_l2a",), help="12-band Sentinel-2 L2A stack B1..B12 (no B10)")
    ap.add_argument("--float", action="store_true", help="Float32 reflectance 0-1 instead of UInt16 x 10000")
    ap.add_argument("--after-crs", help="write the after image (and its SCL) warped to this CRS, e.g. EPSG:4490")
    ap.add_argument("--after-res", type=float, help="pixel size in --after-crs units (default 0.0001)")
    ap.add_argument("--after-render", action="store_true",
                    help="with --after-crs: draw the after image (and its SCL) from the 5 m ground on the "
                         "--after-crs grid instead of warping the 10 m image")
    ap.add_argument("--keep-aligned", action="store_true",
                    help="with --after-crs: keep the aligned after image as after_aligned.tif (+ _scl)")
    ap.add_argument("--phenology-stands", action="store_true",
                    help="deciduous stands (0.30-0.72 km²) in autumn colours on the after date: not a change")
    ap.add_argument("--partial-clearings", action="store_true",
                    help="clearings half bare soil, half grass (C22-C25): changes")
    ap.add_argument("--small-patches", action="store_true",
                    help="~5-pixel changes inside the red line: bare, building, pond, pit (C26-C29)")
    ap.add_argument("--nonveg-changes", action="store_true",
                    help="changes on land that was not vegetated: bare lot built over, road across "
                         "grassland, quarry floor cut into rock (C30-C32)")
    ap.add_argument("--haze", action="store_true",
                    help="thin haze plume over ~1/4 of the after image, not masked: not a change")
    ap.add_argument("--variant", choices=sorted(VARIANTS),
                    help="the issue's scenes: " + "; ".join(
                        "%s = %s" % (k, " ".join("--" + o.replace("_", "-") + ("" if x is True else " %s" % x)
                                                for o, x in v.items())) for k, v in sorted(VARIANTS.items())))
    ap.add_argument("--cloud-parallax", type=float, default=0.0, metavar="METRES",
                    help="draw the after image's cloud METRES further north in B4 than in B2 (B3 half as far), "
                         "as Sentinel-2's band timing shows a cloud, and its shadow north-west of it (a morning sun)")
    ap.add_argument("--misregistration", type=parse_pair, default=(5.0, 5.0),
                    help="DX,DY metres the after image content is shifted east, north (multiples of 5 up to "
                         "100; default 5,5)")
    ap.add_argument("--noise", type=parse_pair, default=(0.02, 0.001),
                    help="REL,ABS Gaussian sensor noise sigma = REL*value + ABS (default 0.02,0.001)")
    args = ap.parse_args(argv)
    global MARGIN
    if args.variant:
        own_grid = args.after_crs is not None   # an explicit --after-crs/--after-res wins over the preset
        for k, v in VARIANTS[args.variant].items():
            if k in ("after_crs", "after_res"):
                if not own_grid:
                    setattr(args, k, v)
            else:
                setattr(args, k, getattr(args, k) or v)
    if args.after_res is None:
        args.after_res = 0.0001
    if args.after_render and not args.after_crs:
        ap.error("--after-render needs --after-crs (and --after-res)")
    for v in args.misregistration:
        if abs(v) % HR != 0 or abs(v) > 100:
            ap.error("--misregistration: multiples of 5 m up to 100 m")
    # Room for the shift around the ground. Scenes within 25 m keep the margin (and so the random
    # fields, which are drawn on the ground grid) they always had.
    MARGIN = max(MARGIN, int(max(abs(v) for v in args.misregistration) / HR) + 1)
    if args.size < 800:
        ap.error("--size: at least 800 pixels (the planted layout needs ~8 km)")
    meta = generate(args)
    n_in = sum(1 for c in meta["changes"] if c["inside_redline"])
    print("scene written to %s: %d x %d px, %d bands, %d planted changes (%d touching the red line), "
          "red line %.1f %% of the scene" % (args.out, args.size, args.size, len(meta["bands"]),
                                             len(meta["changes"]), n_in, 100 * meta["redline_share_of_scene"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
