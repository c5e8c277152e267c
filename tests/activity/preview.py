#!/usr/bin/python3
"""False-colour preview of a generated activity scene (before | after), with outlines drawn.

    /usr/bin/python3 tests/activity/preview.py SCENE_DIR OUT.png [--patches OUT.gpkg] [--scale 2]

Colours: NIR / red / green as R / G / B (vegetation red, bare and built grey-cyan, water dark).
Outlines: yellow = red-line polygons, magenta = planted changes (truth), cyan = detected patches.
"""
import argparse
import os
import sys

import numpy as np
from osgeo import gdal, ogr, osr

gdal.UseExceptions()
ogr.UseExceptions()


def stretch(a, lo, hi):
    return np.clip((a - lo) / (hi - lo) * 255, 0, 255).astype(np.uint8)


def band_index(ds, role):
    for i in range(1, ds.RasterCount + 1):
        if ds.GetRasterBand(i).GetMetadataItem("role") == role:
            return i
    return {"green": 2, "red": 3, "nir": 4}[role]


def outline(shape, gt, wkt, path, layer, colour, rgb):
    """Burns the outlines of a layer's polygons (transformed to the image grid) into rgb."""
    ds = gdal.GetDriverByName("MEM").Create("", shape[1], shape[0], 1, gdal.GDT_Byte)
    ds.SetGeoTransform(gt)
    ds.SetProjection(wkt)
    src = ogr.Open(path)
    lyr = src.GetLayerByName(layer) if layer else src.GetLayer(0)
    tgt = osr.SpatialReference(wkt=wkt)
    tgt.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    srs = lyr.GetSpatialRef()
    srs.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    ct = osr.CoordinateTransformation(srs, tgt)
    mem = ogr.GetDriverByName("Memory").CreateDataSource("m")
    ml = mem.CreateLayer("l", tgt, ogr.wkbUnknown)
    for f in lyr:
        g = f.GetGeometryRef()
        if g is None:
            continue
        g = g.Clone()
        g.Transform(ct)
        b = g.GetBoundary()
        nf = ogr.Feature(ml.GetLayerDefn())
        nf.SetGeometry(b)
        ml.CreateFeature(nf)
    gdal.RasterizeLayer(ds, [1], ml, burn_values=[1], options=["ALL_TOUCHED=TRUE"])
    m = ds.GetRasterBand(1).ReadAsArray().astype(bool)
    for k in range(3):
        rgb[k][m] = colour[k]


def render(path, scene, extra, which):
    ds = gdal.Open(path)
    wkt = ds.GetProjection()
    gt = ds.GetGeoTransform()
    nir = ds.GetRasterBand(band_index(ds, "nir")).ReadAsArray().astype(np.float32)
    red = ds.GetRasterBand(band_index(ds, "red")).ReadAsArray().astype(np.float32)
    grn = ds.GetRasterBand(band_index(ds, "green")).ReadAsArray().astype(np.float32)
    k = 10000.0 if ds.GetRasterBand(1).DataType != gdal.GDT_Float32 else 1.0
    rgb = [stretch(nir / k, 0.0, 0.45), stretch(red / k, 0.0, 0.28), stretch(grn / k, 0.0, 0.28)]
    outline(nir.shape, gt, wkt, os.path.join(scene, "redline.gpkg"), "redline", (255, 255, 0), rgb)
    outline(nir.shape, gt, wkt, os.path.join(scene, "truth.gpkg"), "changes", (255, 0, 255), rgb)
    if extra:
        outline(nir.shape, gt, wkt, extra, "activity_patches", (0, 255, 255), rgb)
    return np.stack(rgb)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("scene")
    ap.add_argument("png")
    ap.add_argument("--patches")
    ap.add_argument("--window", help="XOFF,YOFF,SIZE in pixels (crop)")
    args = ap.parse_args()
    b = render(os.path.join(args.scene, "before.tif"), args.scene, args.patches, "before")
    a_path = os.path.join(args.scene, "after.tif")
    a = render(a_path, args.scene, args.patches, "after")
    if a.shape != b.shape:
        sys.exit("after.tif is not on the before grid; preview the aligned scene")
    if args.window:
        x, y, n = [int(v) for v in args.window.split(",")]
        b = b[:, y:y + n, x:x + n]
        a = a[:, y:y + n, x:x + n]
    gap = np.full((3, b.shape[1], 8), 255, dtype=np.uint8)
    img = np.concatenate([b, gap, a], axis=2)
    mem = gdal.GetDriverByName("MEM").Create("", img.shape[2], img.shape[1], 3, gdal.GDT_Byte)
    for i in range(3):
        mem.GetRasterBand(i + 1).WriteArray(img[i])
    gdal.GetDriverByName("PNG").CreateCopy(args.png, mem)
    aux = args.png + ".aux.xml"
    if os.path.exists(aux):
        os.remove(aux)


if __name__ == "__main__":
    main()
