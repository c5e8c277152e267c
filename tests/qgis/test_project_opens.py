#!/usr/bin/python3
"""Opens a QGIS project written by redline's project writer (src/io/qgis_project.cpp) in a real
QGIS (PyQGIS, headless) and checks it.

    test_project_opens.py --writer build/tests/test_qgis_project [--keep DIR]

The GoogleTest QgisProject.WritesAProjectForAGeoPackage writes a small GeoPackage (黔江.gpkg:
qa_zones, activity_patches, district, zones, plain, in EPSG:4490, with the fields of their styles)
and 黔江.qgz beside it; REDLINE_QGIS_PROJECT_DIR tells it where. This script copies that folder
elsewhere (to a path with a space and Chinese characters), deletes the original, and opens the
copy, so every check below also proves the paths are relative. It checks: the project reads; the
title, project CRS (EPSG:4545) and measuring ellipsoid; the layer tree (groups, order, visibility,
Chinese titles) and drawing order; every layer valid, from the copied GeoPackage, in EPSG:4490;
the renderers, labels, aliases and value-map widgets of the QML styles; a map canvas restores
the initial extent; re-saving keeps the paths relative; and a rendered map shows the styles
(pixels sampled inside each township differ by class; the unstyled layer is drawn).

Exit 77 (CTest: skipped) when PyQGIS is not installed. --keep DIR leaves the project and the
rendered map (map.png) in DIR to look at.
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
import zipfile

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

try:
    from qgis.core import QgsApplication
except ImportError:
    print("PyQGIS is not installed (scripts/setup.sh --qgis installs it): skipped")
    sys.exit(77)

GPKG = "黔江.gpkg"
PROJECT = "黔江.qgz"
TITLE = "黔江区 生态保护红线 (redline)"
EXTENT = (567000, 3253000, 588000, 3277000)  # in EPSG:4545, as the GoogleTest's spec

# The tree the GoogleTest's spec asks for, top first: (group or None, layer, title, visible).
TREE = [
    ("质检 (QA)", "qa_zones", "质检：乡镇缝隙/重叠/出界 (qa_zones)", False),
    (None, "activity_patches", "疑似人类活动图斑 (activity_patches)", True),
    ("结果 (results)", "district", "区界 (district)", True),
    ("结果 (results)", "zones", "乡镇：生态保护红线占比 (zones)", True),
    (None, "plain", "无样式图层 (plain)", True),
]
# layer -> (renderer, classification field, labels on, feature count)
STYLE = {
    "qa_zones": ("categorizedSymbol", "kind", False, 1),
    "activity_patches": ("categorizedSymbol", "change_type", True, 2),
    "district": ("singleSymbol", None, True, 1),
    "zones": ("graduatedSymbol", "redline_pct", True, 3),
    "plain": ("singleSymbol", None, False, 1),  # no QML: QGIS's default symbol
}
# layer -> {field: (a stored value, what the value map shows for it)}
VALUE_MAPS = {
    "activity_patches": {"status": ("to_verify", "待核查"), "verdict": ("false_alarm", "误报"),
                         "activity_class": ("mining", "矿产开发"),
                         "change_type": ("vegetation_to_bare", "植被→裸地/建设")},
    "zones": {"status": ("fail", "未达标")},
    "qa_zones": {"kind": ("gap", "缝隙")},
}
ALIASES = {"zones": {"redline_pct": "生态保护红线占比 (%)"}, "activity_patches": {"verdict": "核查结论"}}


class Checks:
    def __init__(self):
        self.failures = []

    def expect(self, ok, message):
        if not ok:
            self.failures.append(message)
        return ok


def tree_of(root):
    """[(group or None, layer name in the GeoPackage, title, visible)] top first, and the
    order of the top-level items as [(kind, name)]."""
    from qgis.core import QgsLayerTree
    rows, top = [], []
    for child in root.children():
        if QgsLayerTree.isGroup(child):
            top.append(("group", child.name()))
            for node in child.children():
                rows.append((child.name(), node))
        else:
            top.append(("layer", child.name()))
            rows.append((None, child))
    out = []
    for group, node in rows:
        layer = node.layer()
        name = layer.source().split("layername=")[-1] if layer else None
        out.append((group, name, node.name(), node.itemVisibilityChecked()))
    return out, top


def check_layers(project, folder, c):
    from qgis.core import QgsExpression
    by_name = {}
    for layer in project.mapLayers().values():
        name = layer.source().split("layername=")[-1]
        by_name[name] = layer
    for name, (renderer_type, attribute, labelled, count) in STYLE.items():
        layer = by_name.get(name)
        if not c.expect(layer is not None, f"{name}: not in the project"):
            continue
        if not c.expect(layer.isValid(), f"{name}: not valid (source {layer.source()})"):
            continue
        path = layer.source().split("|")[0]
        c.expect(os.path.realpath(path) == os.path.realpath(os.path.join(folder, GPKG)),
                 f"{name}: source {path}, want the GeoPackage beside the moved project")
        c.expect(layer.crs().authid() == "EPSG:4490", f"{name}: CRS {layer.crs().authid()}, want EPSG:4490")
        c.expect(layer.featureCount() == count, f"{name}: {layer.featureCount()} features, want {count}")
        renderer = layer.renderer()
        c.expect(renderer is not None and renderer.type() == renderer_type,
                 f"{name}: renderer {renderer.type() if renderer else None}, want {renderer_type}")
        if attribute and renderer is not None and hasattr(renderer, "classAttribute"):
            c.expect(renderer.classAttribute() == attribute,
                     f"{name}: classifies {renderer.classAttribute()!r}, want {attribute!r}")
        c.expect(layer.labelsEnabled() == labelled,
                 f"{name}: labels {layer.labelsEnabled()}, want {labelled}")
        if labelled and layer.labelsEnabled():
            settings = layer.labeling().settings()
            expression = QgsExpression(settings.fieldName if settings.isExpression
                                       else QgsExpression.quotedColumnRef(settings.fieldName))
            missing = [f for f in expression.referencedColumns() if f not in layer.fields().names()]
            c.expect(not expression.hasParserError() and not missing,
                     f"{name}: label {settings.fieldName!r} does not work (missing fields {missing})")
        for field, (stored, shown) in VALUE_MAPS.get(name, {}).items():
            index = layer.fields().indexOf(field)
            setup = layer.editorWidgetSetup(index)
            if not c.expect(setup.type() == "ValueMap",
                            f"{name}.{field}: widget {setup.type()!r}, want ValueMap"):
                continue
            pairs = {}
            for entry in setup.config().get("map", []):  # a list of {shown: stored}
                for k, v in entry.items():
                    pairs[v] = k
            c.expect(pairs.get(stored) == shown,
                     f"{name}.{field}: value map shows {pairs.get(stored)!r} for {stored!r}, want {shown!r}")
        for field, alias in ALIASES.get(name, {}).items():
            got = layer.attributeAlias(layer.fields().indexOf(field))
            c.expect(got == alias, f"{name}.{field}: alias {got!r}, want {alias!r}")
    zones = by_name.get("zones")
    if zones is not None and zones.isValid():
        names = sorted(f["unit_name"] for f in zones.getFeatures())
        c.expect(names == sorted(["城东街道", "濯水镇", "马喇镇"]), f"zone names read back as {names}")
    return by_name


def render(project, path, c):
    """Draws the visible layers in the project's order over the initial extent; returns the
    image and its map settings."""
    from qgis.PyQt.QtCore import QSize
    from qgis.PyQt.QtGui import QColor
    from qgis.core import QgsMapRendererSequentialJob, QgsMapSettings
    settings = QgsMapSettings()
    settings.setLayers([layer for layer in project.layerTreeRoot().layerOrder()
                        if project.layerTreeRoot().findLayer(layer.id()).isVisible()])
    settings.setDestinationCrs(project.crs())
    settings.setExtent(project.viewSettings().defaultViewExtent())
    settings.setOutputSize(QSize(700, 800))
    settings.setBackgroundColor(QColor(255, 255, 255))
    job = QgsMapRendererSequentialJob(settings)
    job.start()
    job.waitForFinished()
    image = job.renderedImage()
    c.expect(image.save(path, "PNG"), f"cannot save {path}")
    return image, settings


def pixel_at(image, settings, project, lon, lat):
    from qgis.core import QgsCoordinateReferenceSystem, QgsCoordinateTransform, QgsPointXY
    to_map = QgsCoordinateTransform(QgsCoordinateReferenceSystem("EPSG:4490"), project.crs(), project)
    point = settings.mapToPixel().transform(to_map.transform(QgsPointXY(lon, lat)))
    return image.pixelColor(int(point.x()), int(point.y())).getRgb()[:3]


def run(args, work):
    from qgis.PyQt.QtCore import QSize
    from qgis.core import QgsProject, QgsRectangle, Qgis
    from qgis.gui import QgsMapCanvas

    written = os.path.join(work, "written")
    env = dict(os.environ, REDLINE_QGIS_PROJECT_DIR=written)
    done = subprocess.run([args.writer, "--gtest_filter=QgisProject.WritesAProjectForAGeoPackage"],
                          env=env, capture_output=True, text=True)
    if done.returncode != 0:
        print(done.stdout[-3000:], done.stderr[-2000:])
        return ["the GoogleTest that writes the project failed"]
    c = Checks()
    with zipfile.ZipFile(os.path.join(written, PROJECT)) as z:
        c.expect(z.namelist() == ["project.qgs"], f"the .qgz holds {z.namelist()}")

    # Move the folder: whatever still opens from the copy opened through relative paths.
    folder = os.path.join(work, "moved 文件夹")
    shutil.copytree(written, folder)
    shutil.rmtree(written)

    app = QgsApplication([], True)  # with a GUI, for the map canvas
    app.initQgis()
    messages = []
    QgsApplication.messageLog().messageReceived.connect(
        lambda message, tag, level: messages.append((level, tag, message)))
    canvas = QgsMapCanvas()
    canvas.setObjectName("theMapCanvas")  # the canvas <mapcanvas name="theMapCanvas"> is for
    canvas.resize(QSize(700, 800))
    project = QgsProject.instance()
    try:
        if not c.expect(project.read(os.path.join(folder, PROJECT)),
                        f"QGIS cannot read the project: {project.error()}"):
            return c.failures
        for level, tag, message in messages:
            if level >= Qgis.Warning:
                print(f"QGIS says ({tag}): {message}")
            c.expect(level < Qgis.Critical, f"critical message while reading: {message}")

        c.expect(project.title() == TITLE, f"title {project.title()!r}")
        c.expect(project.crs().authid() == "EPSG:4545", f"project CRS {project.crs().authid()}")
        c.expect(project.ellipsoid() == "EPSG:1024",
                 f"measuring ellipsoid {project.ellipsoid()!r}, want CGCS2000's EPSG:1024")
        absolute, _ = project.readBoolEntry("Paths", "/Absolute", True)
        c.expect(not absolute, "the project stores absolute paths")

        tree, top = tree_of(project.layerTreeRoot())
        c.expect(tree == TREE, "layer tree differs:\n  got  " + "\n       ".join(map(str, tree)))
        c.expect(top == [("group", "质检 (QA)"), ("layer", TREE[1][2]), ("group", "结果 (results)"),
                         ("layer", TREE[4][2])], f"top level {top}")
        order = [layer.name() for layer in project.layerTreeRoot().layerOrder()]
        c.expect(order == [t[2] for t in TREE], f"drawing order {order}")

        check_layers(project, folder, c)

        view = project.viewSettings().defaultViewExtent()
        c.expect(view.crs().authid() == "EPSG:4545" and view == QgsRectangle(*EXTENT),
                 f"default view extent {view.toString()} ({view.crs().authid()})")
        shown = canvas.extent()
        centre = ((EXTENT[0] + EXTENT[2]) / 2, (EXTENT[1] + EXTENT[3]) / 2)
        c.expect(shown.contains(QgsRectangle(*EXTENT)) and abs(shown.center().x() - centre[0]) < 1
                 and abs(shown.center().y() - centre[1]) < 1,
                 f"map canvas shows {shown.toString()}, want {EXTENT} (from <mapcanvas>)")

        image, settings = render(project, os.path.join(folder, "map.png"), c)
        white = (255, 255, 255)
        zone_colours = [pixel_at(image, settings, project, lon, 29.42) for lon in (108.735, 108.805, 108.87)]
        c.expect(white not in zone_colours and len(set(zone_colours)) == 3,
                 f"the three township classes do not show as three colours: {zone_colours}")
        patch = pixel_at(image, settings, project, 108.755, 29.455)
        c.expect(patch != zone_colours[0], f"the activity patch is not drawn over its township ({patch})")
        plain = pixel_at(image, settings, project, 108.695, 29.5)
        c.expect(plain != white, "the unstyled layer is not drawn")
        print(f"rendered {os.path.join(folder, 'map.png')}: townships {zone_colours}, patch {patch}, "
              f"unstyled layer {plain}")

        # Saved again by QGIS, the sources stay relative ("Paths/Absolute" false).
        resaved = os.path.join(folder, "resaved.qgs")
        c.expect(project.write(resaved), "QGIS cannot save the project again")
        sources = [e.text for e in ET.parse(resaved).getroot().iter("datasource") if e.text]
        relative = all(s.startswith("./" + GPKG + "|layername=") for s in sources)
        c.expect(len(sources) == len(TREE) and relative,
                 f"re-saved sources {sources}")
        if args.keep:
            shutil.rmtree(args.keep, ignore_errors=True)
            shutil.copytree(folder, args.keep)
            print(f"kept the project in {args.keep}")
    finally:
        project.clear()
        del canvas
        app.exitQgis()
    return c.failures


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writer", required=True, help="the test_qgis_project GoogleTest executable")
    parser.add_argument("--keep", metavar="DIR", help="leave the project and map.png in DIR")
    args = parser.parse_args()
    args.writer = os.path.abspath(args.writer)
    with tempfile.TemporaryDirectory(prefix="redline-qgis-project-") as work:
        failures = run(args, work)
    for f in failures:
        print("FAIL", f)
    print("ok" if not failures else f"{len(failures)} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    status = main()
    sys.stdout.flush()
    # PyQGIS may crash while Python tears its objects down after exitQgis(); the verdict is in.
    os._exit(status)
