#!/usr/bin/python3
"""Checks that QGIS picks up redline's default styles from a GeoPackage written by `redline coverage`.

    QT_QPA_PLATFORM=offscreen /usr/bin/python3 styles/check_styles.py OUT.gpkg [--render PNG]

For every layer of docs/outputs.md that the GeoPackage has, it opens the layer with QGIS's OGR
provider exactly as QGIS Desktop does (the default style comes from the `layer_styles` table)
and asserts: the layer is valid, the renderer is the intended type (graduatedSymbol on
redline_pct for zones, categorizedSymbol on kind for qa_zones, singleSymbol otherwise), labels
are on where intended and their expression only uses existing fields, and every field has its
Chinese alias. Prints one line per layer and exits 1 on any failure (2 on bad usage).

--render PNG also draws all layers with their styles, a legend and a title into PNG, to look at
(110 dpi; set PREVIEW_DPI=250 for a sharper one).

Needs Debian's python3-qgis (use /usr/bin/python3). Chinese labels need fonts-noto-cjk.
"""

import argparse
import os
import sqlite3
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from qgis.core import (  # noqa: E402
    QgsApplication,
    QgsExpression,
    QgsVectorLayer,
)

# layer -> (renderer type, classification attribute or None, labels enabled)
EXPECTED = {
    "district": ("singleSymbol", None, True),
    "zones": ("graduatedSymbol", "redline_pct", True),
    "redline": ("singleSymbol", None, False),
    "protected": ("singleSymbol", None, False),
    "forest": ("singleSymbol", None, False),
    "qa_outside": ("singleSymbol", None, False),
    "qa_overlap": ("singleSymbol", None, True),
    "qa_repaired": ("singleSymbol", None, True),
    "qa_area_mismatch": ("singleSymbol", None, True),
    "qa_zones": ("categorizedSymbol", "kind", False),
    "activity_patches": ("categorizedSymbol", "change_type", True),
    "activity_candidates": ("singleSymbol", None, True),
    "diff_gained": ("singleSymbol", None, False),
    "diff_lost": ("singleSymbol", None, False),
    "diff_unchanged": ("singleSymbol", None, False),
    "diff_type_changed": ("singleSymbol", None, True),
}
ZONE_BREAKS = [(0, 10), (10, 20), (20, 30), (30, 40), (40, 100)]
QA_ZONE_KINDS = {"gap", "overlap", "outside"}
CATEGORY_VALUES = {"kind": QA_ZONE_KINDS,
                   "change_type": {"vegetation_to_bare", "vegetation_to_water", "water_to_land", "bare_to_water",
                                   "bare_land_change", "vegetation_change", "other"}}

# Drawing order for --render, bottom first.
DRAW_ORDER = ["zones", "forest", "redline", "protected", "district", "qa_zones", "qa_outside",
              "qa_overlap", "qa_area_mismatch", "qa_repaired", "activity_candidates", "activity_patches",
              "diff_unchanged", "diff_gained", "diff_lost", "diff_type_changed"]
TITLES = {
    "district": "区界", "zones": "乡镇 (生态保护红线占比)", "redline": "生态保护红线",
    "protected": "自然保护地", "forest": "森林", "qa_outside": "质检：区界外部分",
    "qa_overlap": "质检：要素重叠", "qa_repaired": "质检：已修复几何",
    "qa_area_mismatch": "质检：面积属性不符", "qa_zones": "质检：乡镇缝隙/重叠/出界",
}


def stored_styles(gpkg):
    """What layer_styles says, straight from SQLite: {layer: [(schema, geom column, default)]}
    and the geometry column of each feature table, for telling *why* QGIS found no style."""
    con = sqlite3.connect(f"file:{gpkg}?mode=ro", uri=True)
    try:
        geoms = dict(con.execute("SELECT table_name, column_name FROM gpkg_geometry_columns"))
        rows = {}
        if con.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='layer_styles'").fetchone():
            for name, schema, column, default in con.execute(
                    "SELECT f_table_name, f_table_schema, f_geometry_column, useAsDefault FROM layer_styles"):
                rows.setdefault(name, []).append((schema, column, default))
        registered = con.execute(
            "SELECT 1 FROM gpkg_contents WHERE table_name='layer_styles'").fetchone() is not None
    finally:
        con.close()
    return geoms, rows, registered


def why_no_style(name, geoms, rows):
    """A hint at why the stored default style of `name` does not match what QGIS looks for."""
    found = rows.get(name)
    if not found:
        return "no layer_styles row with f_table_name='%s'" % name
    hints = []
    for schema, column, default in found:
        if schema != "":
            hints.append(f"f_table_schema is {schema!r}, QGIS wants ''")
        if column != geoms.get(name):
            hints.append(f"f_geometry_column is {column!r}, the layer's is {geoms.get(name)!r}")
        if str(default) not in ("1", "True"):
            hints.append(f"useAsDefault is {default!r}")
    return "; ".join(hints) or "row looks right but QGIS did not load it"


def check_layer(gpkg, name, geoms, rows):
    """Returns (layer or None, problems, summary)."""
    problems = []
    layer = QgsVectorLayer(f"{gpkg}|layername={name}", name, "ogr")
    if not layer.isValid():
        return None, ["layer not valid"], ""
    renderer_type, attribute, labelled = EXPECTED[name]

    renderer = layer.renderer()
    if renderer is None or renderer.type() != renderer_type:
        problems.append(f"renderer {renderer.type() if renderer else None}, want {renderer_type}")
    elif attribute and renderer.classAttribute() != attribute:
        problems.append(f"renderer classifies {renderer.classAttribute()!r}, want {attribute!r}")
    elif renderer_type == "graduatedSymbol":
        breaks = [(r.lowerValue(), r.upperValue()) for r in renderer.ranges()]
        if breaks != ZONE_BREAKS:
            problems.append(f"classes {breaks}, want {ZONE_BREAKS}")
    elif renderer_type == "categorizedSymbol":
        kinds = {c.value() for c in renderer.categories()}
        if kinds != CATEGORY_VALUES[attribute]:
            problems.append(f"categories {sorted(kinds)}, want {sorted(CATEGORY_VALUES[attribute])}")

    names = layer.fields().names()
    if attribute and attribute not in names:
        problems.append(f"field {attribute!r} missing")

    label_text = ""
    def on_off(flag):
        return "on" if flag else "off"

    if layer.labelsEnabled() != labelled:
        problems.append(f"labels {on_off(layer.labelsEnabled())}, want {on_off(labelled)}")
    if labelled and layer.labelsEnabled():
        settings = layer.labeling().settings()
        label_text = settings.fieldName
        expression = QgsExpression(label_text if settings.isExpression
                                   else QgsExpression.quotedColumnRef(label_text))
        if expression.hasParserError():
            problems.append(f"label expression does not parse: {expression.parserErrorString()}")
        missing = sorted(c for c in expression.referencedColumns() if c not in names)
        if missing:
            problems.append(f"label uses missing field(s) {missing}")

    aliases = layer.attributeAliases()
    keys = {names[i] for i in layer.dataProvider().pkAttributeIndexes()}  # the GeoPackage fid
    no_alias = [f for f in names if f not in keys and not aliases.get(f)]
    if no_alias:
        problems.append(f"no alias for {no_alias}")

    if not any(aliases.values()):
        problems.insert(0, "no default style loaded from layer_styles: "
                        + why_no_style(name, geoms, rows))

    classified = renderer is not None and renderer.type() in ("graduatedSymbol", "categorizedSymbol")
    summary = (f"{renderer.type() if renderer else '-'}"
               f"{'(' + renderer.classAttribute() + ')' if classified else ''}, "
               f"labels {on_off(layer.labelsEnabled())}"
               f"{' [' + label_text + ']' if label_text else ''}, "
               f"{sum(1 for f in names if aliases.get(f))}/{len(names)} aliases, "
               f"{layer.featureCount()} features")
    return layer, problems, summary


def render(layers, path):
    """Draws the layers with a legend and a title into a PNG (A4 landscape, 110 dpi)."""
    from osgeo import gdal
    from qgis.PyQt.QtGui import QFont
    from qgis.core import (QgsLayout, QgsLayoutExporter, QgsLayoutItemLabel, QgsLayoutItemLegend,
                           QgsLayoutItemMap, QgsLayoutPoint, QgsLayoutSize, QgsProject,
                           QgsRectangle, QgsUnitTypes, QgsLegendStyle)

    project = QgsProject.instance()
    ordered = [layers[n] for n in reversed(DRAW_ORDER) if n in layers]  # top first
    for layer in reversed(ordered):  # each added layer goes on top of the layer tree
        layer.setName(TITLES.get(layer.name(), layer.name()))
        project.addMapLayer(layer)

    extent = QgsRectangle()
    extent.setMinimal()
    for layer in ordered:
        if layer.featureCount():
            extent.combineExtentWith(layer.extent())
    extent.scale(1.08)

    layout = QgsLayout(project)
    layout.initializeDefaults()
    page = layout.pageCollection().page(0)
    page.setPageSize("A4", page.Landscape)
    mm = QgsUnitTypes.LayoutMillimeters

    title = QgsLayoutItemLabel(layout)
    title.setText("redline 样式预览")
    title.setFont(QFont("Noto Sans CJK SC", 16, QFont.Bold))
    title.attemptMove(QgsLayoutPoint(10, 6, mm))
    title.attemptResize(QgsLayoutSize(200, 12, mm))
    layout.addLayoutItem(title)

    map_item = QgsLayoutItemMap(layout)
    layout.addLayoutItem(map_item)
    map_item.attemptMove(QgsLayoutPoint(10, 20, mm))
    map_item.attemptResize(QgsLayoutSize(200, 180, mm))
    map_item.setKeepLayerSet(True)
    map_item.setLayers(ordered)
    if ordered:
        map_item.setCrs(ordered[0].crs())
    # The map item's own zoomToExtent needs an extent already set; fit the aspect ratio here.
    ratio = 200 / 180
    if extent.width() / extent.height() < ratio:
        grow = (ratio * extent.height() - extent.width()) / 2
        extent = QgsRectangle(extent.xMinimum() - grow, extent.yMinimum(),
                              extent.xMaximum() + grow, extent.yMaximum())
    else:
        grow = (extent.width() / ratio - extent.height()) / 2
        extent = QgsRectangle(extent.xMinimum(), extent.yMinimum() - grow,
                              extent.xMaximum(), extent.yMaximum() + grow)
    map_item.setExtent(extent)
    map_item.setFrameEnabled(True)

    legend = QgsLayoutItemLegend(layout)
    legend.setTitle("图例")
    legend.setLinkedMap(map_item)
    for style in (QgsLegendStyle.Title, QgsLegendStyle.Group, QgsLegendStyle.Subgroup,
                  QgsLegendStyle.SymbolLabel):
        font = QFont("Noto Sans CJK SC", 12 if style == QgsLegendStyle.Title else 9)
        font.setBold(style in (QgsLegendStyle.Title, QgsLegendStyle.Subgroup))
        legend.setStyleFont(style, font)
    legend.attemptMove(QgsLayoutPoint(215, 20, mm))
    layout.addLayoutItem(legend)

    exporter = QgsLayoutExporter(layout)
    settings = QgsLayoutExporter.ImageExportSettings()
    settings.dpi = int(os.environ.get("PREVIEW_DPI", "110"))
    gdal.PushErrorHandler("CPLQuietErrorHandler")  # GDAL can't georeference a PNG in place
    try:
        result = exporter.exportToImage(path, settings)
    finally:
        gdal.PopErrorHandler()
    if result != QgsLayoutExporter.Success:
        raise RuntimeError(f"render failed: {exporter.errorMessage()}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("gpkg")
    parser.add_argument("--render", metavar="PNG", help="also draw all layers into this PNG")
    args = parser.parse_args()
    if not os.path.isfile(args.gpkg):
        print(f"check_styles: no such file: {args.gpkg}", file=sys.stderr)
        return 2

    app = QgsApplication([], False)
    app.initQgis()
    geoms, rows, registered = stored_styles(args.gpkg)
    failed, checked, layers = 0, 0, {}
    for name in EXPECTED:
        if name not in geoms:
            print(f"{name:18s} -    not in the GeoPackage, skipped")
            continue
        checked += 1
        try:
            layer, problems, summary = check_layer(args.gpkg, name, geoms, rows)
        except Exception as e:  # a broken style must be reported, not crash the check
            layer, problems, summary = None, [f"{type(e).__name__}: {e}"], ""
        if problems:
            failed += 1
            print(f"{name:18s} FAIL {'; '.join(problems)}")
        else:
            print(f"{name:18s} ok   {summary}")
        if layer is not None:
            layers[name] = layer
    if not registered and rows:
        print("note: layer_styles is not registered in gpkg_contents (QGIS 3.22 reads it anyway)")
    if checked == 0:
        print("check_styles: none of redline's layers is in this GeoPackage")
        failed += 1
    if args.render:
        render(layers, args.render)
        print(f"rendered {args.render}")
    print(f"{checked - failed if checked else 0} passed, {failed} failed", flush=True)
    # Layers must go before QGIS shuts down, or Python's teardown can crash (exit 139).
    from qgis.core import QgsProject
    QgsProject.instance().clear()
    layers.clear()
    layer = None
    app.exitQgis()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
