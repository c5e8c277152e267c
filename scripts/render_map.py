#!/usr/bin/python3
"""Renders a redline output as a PNG map through a real QGIS (PyQGIS, headless).

    scripts/render_map.py OUT.qgz|OUT.gpkg MAP.png [--width 1600] [--dpi 150] [--all-layers]

With a project (.qgz, written beside every GeoPackage redline writes) the map shows the project's
visible layers in its CRS and initial extent, styled; with a GeoPackage alone, every layer with its
default style from layer_styles. Use it to put maps in reports (--all-layers also draws the
project's hidden QA layers).
"""
import argparse
import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

try:
    from qgis.core import (QgsApplication, QgsMapRendererParallelJob, QgsMapSettings, QgsProject,
                           QgsRectangle, QgsVectorLayer)
    from qgis.PyQt.QtCore import QSize
    from qgis.PyQt.QtGui import QColor
    from osgeo import ogr
except ImportError:
    sys.exit("render_map.py needs PyQGIS: scripts/setup.sh --qgis installs it (run it with /usr/bin/python3)")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("source", help="a .qgz/.qgs project or a .gpkg written by redline")
    parser.add_argument("png")
    parser.add_argument("--width", type=int, default=1600)
    parser.add_argument("--dpi", type=int, default=150)
    parser.add_argument("--all-layers", action="store_true", help="draw hidden layers too")
    a = parser.parse_args()

    app = QgsApplication([], False)
    app.initQgis()
    project = QgsProject.instance()
    if a.source.endswith((".qgz", ".qgs")):
        if not project.read(a.source):
            sys.exit(f"{a.source}: QGIS cannot read the project")
        root = project.layerTreeRoot()
        layers = [node.layer() for node in root.findLayers() if a.all_layers or node.isVisible()]
        extent = project.viewSettings().defaultViewExtent()
        crs = project.crs()
    else:
        ds = ogr.Open(a.source)
        if ds is None:
            sys.exit(f"{a.source}: not a GeoPackage GDAL can open")
        names = [ds.GetLayer(i).GetName() for i in range(ds.GetLayerCount())]
        layers = []
        for name in names:
            if name == "layer_styles":
                continue
            layer = QgsVectorLayer(f"{a.source}|layername={name}", name, "ogr")
            if layer.isValid() and layer.featureCount() > 0:
                layers.append(layer)
                project.addMapLayer(layer, False)
        layers.reverse()  # the GeoPackage lists the district first: draw it on top
        if not layers:
            sys.exit(f"{a.source}: no layer with features")
        crs = layers[0].crs()
        extent = QgsRectangle()
        for layer in layers:
            extent.combineExtentWith(layer.extent())
        extent.scale(1.05)
    if extent.isEmpty():
        for layer in layers:
            extent.combineExtentWith(layer.extent())
    settings = QgsMapSettings()
    settings.setLayers(layers)
    settings.setDestinationCrs(crs)
    ratio = extent.height() / extent.width() if extent.width() > 0 else 1.0
    settings.setOutputSize(QSize(a.width, max(200, int(a.width * ratio))))
    settings.setOutputDpi(a.dpi)
    settings.setExtent(extent)
    settings.setBackgroundColor(QColor("white"))
    job = QgsMapRendererParallelJob(settings)
    job.start()
    job.waitForFinished()
    image = job.renderedImage()
    if not image.save(a.png, "PNG"):
        sys.exit(f"{a.png}: cannot write the image")
    print(f"wrote {a.png} ({image.width()} x {image.height()}, {len(layers)} layers)")
    project.clear()
    app.exitQgis()
    return 0


if __name__ == "__main__":
    status = main()
    sys.stdout.flush()
    os._exit(status)  # PyQGIS may crash while Python tears down after exitQgis()
