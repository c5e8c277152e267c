#!/usr/bin/python3
"""Builds the QGIS 3.22 styles (styles/*.qml) of the layers `redline coverage` writes.

The .qml files are generated, not hand-edited: this script builds each style through the
PyQGIS API on an in-memory layer that has the layer's fields (docs/outputs.md) and saves it
with QgsMapLayer.saveNamedStyle, so the XML is exactly what QGIS itself writes and reads.
Change a style here, rerun, and commit the script together with the .qml files.

    QT_QPA_PLATFORM=offscreen /usr/bin/python3 styles/make_styles.py            # writes styles/*.qml
    QT_QPA_PLATFORM=offscreen /usr/bin/python3 styles/make_styles.py --demo x.gpkg
        # also writes a small made-up GeoPackage with every layer and its default style in
        # layer_styles, laid out the way the C++ writer must do it (see write_layer_styles)

Needs Debian's python3-qgis (use /usr/bin/python3, not another python on PATH). Labels use
the font family "Noto Sans CJK SC" (Debian package fonts-noto-cjk); without it QGIS falls
back to another font and Chinese text may show as boxes.
"""

import argparse
import os
import sqlite3
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Qt writes XML attributes in hash order; a fixed seed keeps the .qml files stable between runs.
os.environ["QT_HASH_SEED"] = "0"

from qgis.PyQt.QtCore import Qt  # noqa: E402
from qgis.PyQt.QtGui import QColor, QFont  # noqa: E402
from qgis.core import (  # noqa: E402
    QgsApplication,
    QgsCategorizedSymbolRenderer,
    QgsClassificationCustom,
    QgsEditorWidgetSetup,
    QgsFillSymbol,
    QgsGradientColorRamp,
    QgsGradientStop,
    QgsGraduatedSymbolRenderer,
    QgsLinePatternFillSymbolLayer,
    QgsLineSymbol,
    QgsMapLayer,
    QgsPalLayerSettings,
    QgsProperty,
    QgsSymbolLayer,
    QgsRendererCategory,
    QgsRendererRange,
    QgsSimpleFillSymbolLayer,
    QgsSimpleLineSymbolLayer,
    QgsSingleSymbolRenderer,
    QgsTextBufferSettings,
    QgsTextFormat,
    QgsUnitTypes,
    QgsVectorLayer,
    QgsVectorLayerSimpleLabeling,
    QgsVectorSimplifyMethod,
    QgsWkbTypes,
)

HERE = os.path.dirname(os.path.abspath(__file__))
FONT = "Noto Sans CJK SC"
MM = QgsUnitTypes.RenderMillimeters

# What a style file stores. Forms is needed for the value maps (pass -> 达标) of the edit
# widgets. Left out on purpose: actions, attribute-table layout, relations, diagrams, 3D,
# temporal, notes: the program's output has none of them.
CATEGORIES = (
    QgsMapLayer.LayerConfiguration
    | QgsMapLayer.Symbology
    | QgsMapLayer.Labeling
    | QgsMapLayer.Fields
    | QgsMapLayer.Forms
    | QgsMapLayer.Rendering
    | QgsMapLayer.MapTips
    | QgsMapLayer.Legend
)

# --------------------------------------------------------------------------------------------
# Layers, their fields (docs/outputs.md) and the Chinese alias of every field.
# --------------------------------------------------------------------------------------------

UNIT_FIELDS = [
    ("unit_id", "string", "单元编码"),
    ("unit_name", "string", "名称"),
    ("area_m2", "double", "面积 (m²)"),
    ("area_km2", "double", "面积 (km²)"),
    ("redline_m2", "double", "生态保护红线面积 (m²)"),
    ("redline_pct", "double", "生态保护红线占比 (%)"),
    ("protected_m2", "double", "自然保护地面积 (m²)"),
    ("protected_pct", "double", "自然保护地占比 (%)"),
    ("forest_m2", "double", "森林面积 (m²)"),
    ("forest_pct", "double", "森林覆盖率 (%)"),
    ("nodata_m2", "double", "无数据面积 (m²)"),
    ("status", "string", "达标情况"),
]
PART_FIELDS = [
    ("part_id", "integer", "图斑编号"),
    ("area_m2", "double", "面积 (m²)"),
    ("area_ha", "double", "面积 (公顷)"),
]

LAYERS = {
    "district": UNIT_FIELDS,
    "zones": UNIT_FIELDS,
    "redline": PART_FIELDS,
    "protected": PART_FIELDS,
    "forest": PART_FIELDS,
    "qa_outside": [
        ("layer", "string", "来源图层"),
        ("area_m2", "double", "区外面积 (m²)"),
    ],
    "qa_overlap": [
        ("layer", "string", "来源图层"),
        ("fid_a", "int8", "要素 A 序号 (FID)"),
        ("fid_b", "int8", "要素 B 序号 (FID)"),
        ("id_a", "string", "要素 A 标识"),
        ("id_b", "string", "要素 B 标识"),
        ("area_m2", "double", "重叠面积 (m²)"),
    ],
    "qa_repaired": [
        ("layer", "string", "来源图层"),
        ("src_fid", "int8", "要素序号 (FID)"),
        ("feature_id", "string", "要素标识"),
        ("reason", "string", "无效原因"),
        ("area_before_m2", "double", "修复前面积 (m²)"),
        ("area_after_m2", "double", "修复后面积 (m²)"),
    ],
    "qa_area_mismatch": [
        ("layer", "string", "来源图层"),
        ("src_fid", "int8", "要素序号 (FID)"),
        ("feature_id", "string", "要素标识"),
        ("attribute_m2", "double", "属性面积 (m²)"),
        ("measured_m2", "double", "量算面积 (m²)"),
        ("difference_m2", "double", "面积差 (m²)"),
        ("ratio", "double", "面积比"),
        ("likely_cause", "string", "可能原因"),
    ],
    "qa_zones": [
        ("kind", "string", "问题类型"),
        ("area_m2", "double", "面积 (m²)"),
    ],
    # redline diff: the red line before and after an adjustment.
    "diff_gained": [("part_id", "integer", "图斑编号"), ("area_m2", "double", "调入面积 (m²)"), ("area_ha", "double", "调入面积 (公顷)")],
    "diff_lost": [("part_id", "integer", "图斑编号"), ("area_m2", "double", "调出面积 (m²)"), ("area_ha", "double", "调出面积 (公顷)")],
    "diff_unchanged": [("part_id", "integer", "图斑编号"), ("area_m2", "double", "保留面积 (m²)"), ("area_ha", "double", "保留面积 (公顷)")],
    "diff_type_changed": [("old_type", "string", "调整前类型"), ("new_type", "string", "调整后类型"), ("area_m2", "double", "面积 (m²)")],
    # redline activity (docs/activity.md): one feature per suspected patch, for field verification.
    "activity_patches": [
        ("patch_id", "string", "图斑编号"),
        ("redline_id", "string", "红线编号"),
        ("redline_name", "string", "红线名称"),
        ("zone_id", "string", "乡镇代码"),
        ("zone_name", "string", "乡镇名称"),
        ("area_m2", "double", "面积 (m²)"),
        ("lon", "double", "经度 (CGCS2000)"),
        ("lat", "double", "纬度 (CGCS2000)"),
        ("change_type", "string", "变化类型"),
        ("ndvi_before", "double", "前时相 NDVI"),
        ("ndvi_after", "double", "后时相 NDVI"),
        ("water_before", "double", "前时相水体指数"),
        ("water_after", "double", "后时相水体指数"),
        ("bare_before", "double", "前时相裸土/建设指数"),
        ("bare_after", "double", "后时相裸土/建设指数"),
        ("score", "double", "变化强度 (阈值倍数)"),
        ("confidence", "double", "置信度"),
        ("status", "string", "核查状态"),
        ("verified_by", "string", "核查人"),
        ("verified_on", "string", "核查日期"),
        ("verdict", "string", "核查结论"),
        ("activity_class", "string", "人类活动类型"),
        ("chip_true", "string", "真彩色影像对比图"),
        ("chip_false", "string", "假彩色影像对比图"),
    ],
}

# Low-confidence changes have the fields of the delivered patches.
LAYERS["activity_candidates"] = LAYERS["activity_patches"]

# Shown instead of the stored code in the attribute table and the identify panel; in edit mode
# the widget is a drop-down, so a field team cannot type a value outside the list.
VALUE_MAPS = {
    "status": [("达标", "pass"), ("未达标", "fail")],
    "kind": [("缝隙", "gap"), ("重叠", "overlap"), ("超出区界", "outside")],
}
# Per layer, where a field name means something else there.
LAYER_VALUE_MAPS = {
    "activity_patches": {
        "change_type": [("植被→裸地/建设", "vegetation_to_bare"), ("植被→水体", "vegetation_to_water"),
                        ("水体→陆地", "water_to_land"), ("裸地/建设→水体", "bare_to_water"),
                        ("裸地/建设用地变化", "bare_land_change"), ("植被变化", "vegetation_change"),
                        ("其他变化", "other")],
        "status": [("待核查", "to_verify"), ("核查中", "in_progress"), ("已核查", "verified")],
        "verdict": [("（未填）", ""), ("确认为人类活动", "confirmed"), ("误报", "false_alarm"),
                    ("允许的有限人为活动", "permitted")],
        "activity_class": [("（未填）", ""), ("矿产开发", "mining"), ("工业开发", "industry"),
                           ("能源设施", "energy"), ("旅游开发", "tourism"), ("交通设施", "transport"),
                           ("养殖/种植", "aquaculture_farming"), ("居民点/建设", "settlement"),
                           ("其他", "other")],
    },
}

# --------------------------------------------------------------------------------------------
# Symbol building blocks (all sizes in millimetres).
# --------------------------------------------------------------------------------------------


def color(hex_rgb, opacity=1.0):
    c = QColor(hex_rgb)
    c.setAlphaF(opacity)
    return c


def fill(hex_rgb, opacity=1.0):
    """A plain fill without outline."""
    layer = QgsSimpleFillSymbolLayer(color(hex_rgb, opacity), Qt.SolidPattern, QColor(0, 0, 0, 0), Qt.NoPen)
    return layer


def outline(hex_rgb, width, dash=None, opacity=1.0):
    """An outline (QGIS "Outline: simple line") of the polygon's rings; dash = [on, off, ...] mm."""
    layer = QgsSimpleLineSymbolLayer(color(hex_rgb, opacity), width, Qt.SolidLine)
    layer.setWidthUnit(MM)
    layer.setPenJoinStyle(Qt.RoundJoin)
    layer.setPenCapStyle(Qt.RoundCap if dash is None else Qt.FlatCap)
    if dash:
        layer.setUseCustomDashPattern(True)
        layer.setCustomDashVector(dash)
        layer.setCustomDashPatternUnit(MM)
    return layer


def hatch(hex_rgb, angle, spacing=2.0, width=0.3, opacity=1.0):
    """Parallel lines at `angle` degrees (counter-clockwise from east), `spacing` mm apart."""
    layer = QgsLinePatternFillSymbolLayer()
    layer.setLineAngle(angle)
    layer.setDistance(spacing)
    layer.setDistanceUnit(MM)
    line = QgsLineSymbol.createSimple(
        {"line_color": color(hex_rgb, opacity).name(QColor.HexArgb), "line_width": str(width),
         "line_width_unit": "MM", "capstyle": "flat"})
    # createSimple reads #AARRGGBB as a plain colour; set it again to keep the alpha.
    line.setColor(color(hex_rgb, opacity))
    layer.setSubSymbol(line)
    layer.setLineWidth(width)
    layer.setLineWidthUnit(MM)
    return layer


def symbol(*layers):
    sym = QgsFillSymbol()
    sym.deleteSymbolLayer(0)
    for layer in layers:
        sym.appendSymbolLayer(layer)
    return sym


def single(sym):
    renderer = QgsSingleSymbolRenderer(sym)
    renderer.setReferenceScale(-1)  # symbols keep their size at every scale
    return renderer


def labels(expression, size, text_color, bold=False, buffer_mm=0.8, priority=5):
    """Horizontal labels over the polygon's centroid (kept inside the polygon) with a halo."""
    settings = QgsPalLayerSettings()
    settings.fieldName = expression
    settings.isExpression = not expression.isidentifier()
    settings.placement = QgsPalLayerSettings.OverPoint
    settings.centroidInside = True
    settings.multilineAlign = QgsPalLayerSettings.MultiCenter
    settings.priority = priority
    settings.displayAll = False
    settings.layerType = QgsWkbTypes.PolygonGeometry

    text = QgsTextFormat()
    font = QFont(FONT)
    font.setBold(bold)
    text.setFont(font)
    text.setNamedStyle("Bold" if bold else "Regular")
    text.setSize(size)
    text.setSizeUnit(QgsUnitTypes.RenderPoints)
    text.setColor(QColor(text_color))
    text.setLineHeight(1.1)

    halo = QgsTextBufferSettings()
    halo.setEnabled(True)
    halo.setSize(buffer_mm)
    halo.setSizeUnit(MM)
    halo.setColor(QColor("#ffffff"))
    halo.setOpacity(0.85)
    halo.setJoinStyle(Qt.RoundJoin)
    text.setBuffer(halo)

    settings.setFormat(text)
    return QgsVectorLayerSimpleLabeling(settings)


# --------------------------------------------------------------------------------------------
# The styles.
# --------------------------------------------------------------------------------------------

# ColorBrewer "Greens", 5 classes: light (little red line) to dark (much red line).
GREENS = ["#edf8e9", "#bae4b3", "#74c476", "#31a354", "#006d2c"]
ZONE_CLASSES = [(0, 10), (10, 20), (20, 30), (30, 40), (40, 100)]
LABEL_FORMAT = "%1 – %2 %"   # QGIS legend format: "10 – 20 %"

UNIT_MAPTIP = (
    '<b>[% "unit_name" %]</b> ([% "unit_id" %])<br>'
    '面积：[% format_number("area_km2", 2) %] km²<br>'
    '生态保护红线占比：[% format_number("redline_pct", 2) %] %<br>'
    '自然保护地占比：[% format_number("protected_pct", 2) %] %<br>'
    '森林覆盖率：[% format_number("forest_pct", 2) %] %<br>'
    '达标情况：[% CASE WHEN "status" = \'pass\' THEN \'达标\' '
    'WHEN "status" = \'fail\' THEN \'未达标\' ELSE \'—\' END %]'
)
PART_MAPTIP = '图斑 [% "part_id" %]：[% format_number("area_ha", 2) %] 公顷'


def style_district(layer):
    # No fill; a dark 0.8 mm boundary over a faint white casing so it reads on any background.
    layer.setRenderer(single(symbol(outline("#ffffff", 1.6, opacity=0.6), outline("#262626", 0.8))))
    layer.setLabeling(labels('"unit_name"', 12, "#1a1a1a", bold=True, buffer_mm=1.0, priority=8))
    layer.setLabelsEnabled(True)
    layer.setDisplayExpression('"unit_name"')
    layer.setMapTipTemplate(UNIT_MAPTIP)


def style_zones(layer):
    ranges = []
    for (low, high), hex_rgb in zip(ZONE_CLASSES, GREENS):
        sym = symbol(fill(hex_rgb), outline("#f0f0f0", 0.26))
        ranges.append(QgsRendererRange(low, high, sym, f"{low} – {high} %"))
    renderer = QgsGraduatedSymbolRenderer("redline_pct", ranges)
    method = QgsClassificationCustom()
    method.setLabelFormat(LABEL_FORMAT)
    method.setLabelPrecision(0)
    method.setLabelTrimTrailingZeroes(True)
    renderer.setClassificationMethod(method)
    renderer.setSourceSymbol(symbol(fill(GREENS[2]), outline("#f0f0f0", 0.26)))
    stops = [QgsGradientStop(i / (len(GREENS) - 1), QColor(c)) for i, c in enumerate(GREENS[1:-1], 1)]
    renderer.setSourceColorRamp(QgsGradientColorRamp(QColor(GREENS[0]), QColor(GREENS[-1]), False, stops))
    renderer.setReferenceScale(-1)
    layer.setRenderer(renderer)
    # Name, then the red-line share; a zone without a share still gets its name.
    layer.setLabeling(labels(
        '"unit_name" || coalesce(\'\\n\' || format_number("redline_pct", 1) || \' %\', \'\')',
        9, "#1a1a1a"))
    layer.setLabelsEnabled(True)
    layer.setDisplayExpression('"unit_name"')
    layer.setMapTipTemplate(UNIT_MAPTIP)


def style_redline(layer):
    layer.setRenderer(single(symbol(fill("#e31a1c", 0.35), outline("#e31a1c", 0.5))))
    layer.setDisplayExpression("'红线图斑 ' || \"part_id\"")
    layer.setMapTipTemplate(PART_MAPTIP)


def style_protected(layer):
    layer.setRenderer(single(symbol(
        fill("#33a02c", 0.15),
        hatch("#33a02c", 135, spacing=2.0, width=0.3),
        outline("#1b5e20", 0.5, dash=[2.5, 1.2]))))
    layer.setDisplayExpression("'保护地图斑 ' || \"part_id\"")
    layer.setMapTipTemplate(PART_MAPTIP)


def style_forest(layer):
    layer.setRenderer(single(symbol(fill("#1b7837", 0.6))))
    layer.setDisplayExpression("'林地图斑 ' || \"part_id\"")
    layer.setMapTipTemplate(PART_MAPTIP)


def style_qa_outside(layer):
    layer.setRenderer(single(symbol(
        hatch("#ff7f00", 45, spacing=1.5, width=0.35), outline("#ff7f00", 0.6))))
    layer.setDisplayExpression('"layer" || \' 区外 \' || format_number("area_m2", 0) || \' m²\'')


def style_qa_overlap(layer):
    layer.setRenderer(single(symbol(
        hatch("#d01c8b", 45, spacing=1.5, width=0.3),
        hatch("#d01c8b", 135, spacing=1.5, width=0.3),
        outline("#d01c8b", 0.8))))
    layer.setLabeling(labels('"fid_a" || \'∩\' || "fid_b"', 8, "#a00f6a", bold=True, priority=9))
    layer.setLabelsEnabled(True)
    layer.setDisplayExpression('"layer" || \' \' || "fid_a" || \'∩\' || "fid_b"')


def style_qa_repaired(layer):
    # Dashed yellow over a thin dark line: the dashes' gaps stay visible on light backgrounds.
    layer.setRenderer(single(symbol(
        outline("#4d4d4d", 0.25), outline("#ffd400", 1.0, dash=[3.0, 1.5]))))
    # GEOS reasons look like "Self-intersection[120.1 30.2]": label the words, not the point.
    layer.setLabeling(labels(
        "trim(regexp_replace(\"reason\", '\\\\[.*$', ''))", 8, "#7a5c00", priority=7))
    layer.setLabelsEnabled(True)
    layer.setDisplayExpression('"layer" || \' \' || "feature_id"')


def style_qa_area_mismatch(layer):
    layer.setRenderer(single(symbol(outline("#6a3d9a", 0.8))))
    layer.setLabeling(labels('"feature_id"', 8, "#6a3d9a", bold=True, priority=7))
    layer.setLabelsEnabled(True)
    layer.setDisplayExpression('"layer" || \' \' || "feature_id"')


def style_qa_zones(layer):
    kinds = [("gap", "#e31a1c", 45, "缝隙 (gap)"),
             ("overlap", "#1f78b4", 135, "重叠 (overlap)"),
             ("outside", "#737373", 45, "超出区界 (outside)")]
    categories = [QgsRendererCategory(value, symbol(hatch(c, angle, spacing=1.5, width=0.3),
                                                    outline(c, 0.5)), text)
                  for value, c, angle, text in kinds]
    renderer = QgsCategorizedSymbolRenderer("kind", categories)
    renderer.setReferenceScale(-1)
    layer.setRenderer(renderer)
    layer.setDisplayExpression('"kind"')


def style_diff_gained(layer):
    layer.setRenderer(single(symbol(fill("#1a9850", 0.55), outline("#006837", 0.4))))
    layer.setDisplayExpression("'调入 ' || \"part_id\"")


def style_diff_lost(layer):
    layer.setRenderer(single(symbol(hatch("#d73027", 45, spacing=1.5, width=0.35), outline("#a50026", 0.6))))
    layer.setDisplayExpression("'调出 ' || \"part_id\"")


def style_diff_unchanged(layer):
    layer.setRenderer(single(symbol(fill("#bdbdbd", 0.45), outline("#969696", 0.2))))
    layer.setDisplayExpression("'保留 ' || \"part_id\"")


LAYER_VALUE_MAPS["activity_candidates"] = LAYER_VALUE_MAPS["activity_patches"]


def style_diff_type_changed(layer):
    layer.setRenderer(single(symbol(hatch("#fd8d3c", 135, spacing=1.5, width=0.35), outline("#d94801", 0.8))))
    layer.setLabeling(labels('"old_type" || \' → \' || "new_type"', 8, "#7f2704"))
    layer.setLabelsEnabled(True)
    layer.setDisplayExpression('"old_type" || \' → \' || "new_type"')


# Change types of redline activity (src/core/change_scoring.cpp), their colours and legend texts.
ACTIVITY_TYPES = [("vegetation_to_bare", "#d95f02", "植被→裸地/建设"),
                  ("vegetation_to_water", "#1f78b4", "植被→水体"),
                  ("water_to_land", "#8c510a", "水体→陆地"),
                  ("bare_to_water", "#41b6c4", "裸地/建设→水体"),
                  ("bare_land_change", "#e7298a", "裸地/建设用地变化"),
                  ("vegetation_change", "#66a61e", "植被变化"),
                  ("other", "#7570b3", "其他变化")]


def style_activity_candidates(layer):
    # Changes below the delivered confidence: outlines only, thin and grey, so that they sit under
    # the delivered patches without competing with them; labelled with their confidence.
    layer.setRenderer(single(symbol(outline("#7f7f7f", 0.35))))
    layer.setLabeling(labels("format_number(\"confidence\", 2)", 6, "#4d4d4d"))
    layer.setLabelsEnabled(True)
    layer.setDisplayExpression('"patch_id"')
    layer.setMapTipTemplate(
        "<b>[% \"patch_id\" %]</b> (低置信度候选)<br>[% \"change_type\" %]，"
        "面积 [% format_number(\"area_m2\", 0) %] m²，置信度 [% \"confidence\" %]")


def style_activity_patches(layer):
    # Fill by change type; the outline says whether the field team has been: dashed while the
    # patch waits for verification, solid once verified.
    types = ACTIVITY_TYPES
    categories = []
    for value, c, text in types:
        edge = outline(c, 0.7)
        edge.setDataDefinedProperty(
            QgsSymbolLayer.PropertyStrokeStyle,
            QgsProperty.fromExpression("CASE WHEN \"status\" = 'verified' THEN 'solid' ELSE 'dash' END"))
        categories.append(QgsRendererCategory(value, symbol(fill(c, 0.45), edge), text))
    renderer = QgsCategorizedSymbolRenderer("change_type", categories)
    renderer.setReferenceScale(-1)
    layer.setRenderer(renderer)
    layer.setLabeling(labels('"patch_id"', 7, "#1a1a1a"))
    layer.setLabelsEnabled(True)
    layer.setDisplayExpression('"patch_id"')
    layer.setMapTipTemplate(
        "<b>[% \"patch_id\" %]</b><br>[% \"redline_name\" %]<br>"
        "面积 [% format_number(\"area_m2\", 0) %] m²，置信度 [% \"confidence\" %]<br>"
        "[% \"lon\" %], [% \"lat\" %]")


STYLES = {
    "district": style_district,
    "zones": style_zones,
    "redline": style_redline,
    "protected": style_protected,
    "forest": style_forest,
    "qa_outside": style_qa_outside,
    "qa_overlap": style_qa_overlap,
    "qa_repaired": style_qa_repaired,
    "qa_area_mismatch": style_qa_area_mismatch,
    "qa_zones": style_qa_zones,
    "activity_patches": style_activity_patches,
    "activity_candidates": style_activity_candidates,
    "diff_gained": style_diff_gained,
    "diff_lost": style_diff_lost,
    "diff_unchanged": style_diff_unchanged,
    "diff_type_changed": style_diff_type_changed,
}


def memory_layer(name):
    fields = "&".join(f"field={f}:{t}" for f, t, _ in LAYERS[name])
    layer = QgsVectorLayer(f"MultiPolygon?crs=EPSG:4490&{fields}", name, "memory")
    assert layer.isValid(), name
    return layer


def build(name):
    """The layer `name` with its complete style applied."""
    layer = memory_layer(name)
    for field, _, alias in LAYERS[name]:
        idx = layer.fields().indexOf(field)
        layer.setFieldAlias(idx, alias)
        value_map = LAYER_VALUE_MAPS.get(name, {}).get(field, VALUE_MAPS.get(field))
        if value_map:
            mapping = [{text: code} for text, code in value_map]
            layer.setEditorWidgetSetup(idx, QgsEditorWidgetSetup("ValueMap", {"map": mapping}))
    simplify = QgsVectorSimplifyMethod()  # QGIS defaults: simplify on the fly, 1 px threshold
    simplify.setSimplifyHints(QgsVectorSimplifyMethod.GeometrySimplification)
    simplify.setThreshold(1.0)
    simplify.setForceLocalOptimization(True)
    simplify.setMaximumScale(1)
    layer.setSimplifyMethod(simplify)
    layer.setScaleBasedVisibility(False)
    layer.setOpacity(1.0)
    STYLES[name](layer)
    return layer


def qml_text(name):
    """The style of `name` as QML text (what saveNamedStyle writes)."""
    layer = build(name)
    path = os.path.join(HERE, f"{name}.qml")
    message, ok = layer.saveNamedStyle(path, CATEGORIES)
    if not ok:
        raise RuntimeError(f"{name}: {message}")
    with open(path, encoding="utf-8") as f:
        return f.read()


# --------------------------------------------------------------------------------------------
# A made-up GeoPackage with every layer and its default style (for the checker and previews).
# --------------------------------------------------------------------------------------------

# Exactly the table QGIS 3.22 creates in a GeoPackage. Its update_time default is ISO 8601:
# with DEFAULT CURRENT_TIMESTAMP ("2024-05-01 08:00:00") GDAL warns "Non-conformant content
# for record N in column update_time" every time QGIS reads the table.
LAYER_STYLES_DDL = (
    'CREATE TABLE "layer_styles" ( "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,'
    ' "f_table_catalog" TEXT(256), "f_table_schema" TEXT(256), "f_table_name" TEXT(256),'
    ' "f_geometry_column" TEXT(256), "styleName" TEXT(30), "styleQML" TEXT, "styleSLD" TEXT,'
    ' "useAsDefault" BOOLEAN, "description" TEXT, "owner" TEXT(30), "ui" TEXT(30),'
    ' "update_time" DATETIME DEFAULT (strftime(\'%Y-%m-%dT%H:%M:%fZ\',\'now\')))')


def write_layer_styles(gpkg, styles):
    """Stores `styles` ({layer: qml}) as each layer's default style, as QGIS 3.22 looks for it
    (QgsOgrProviderMetadata::loadStyle filters with OGR SQL on the layer_styles table):

    - f_table_schema must be '' (an empty string; NULL never matches). f_table_catalog is not
      looked at ('' like QGIS writes it).
    - f_table_name is the layer (table) name, exactly (case-sensitive).
    - f_geometry_column is the layer's geometry column exactly as in gpkg_geometry_columns
      (GDAL's default is "geom"); '' or NULL never matches.
    - useAsDefault = 1 (with several rows for a layer QGIS takes the useAsDefault one, else
      the newest update_time).
    - styleQML is the .qml file's text (UTF-8); styleSLD may be '' or NULL.
    - QGIS finds the table through GDAL whether or not it is in gpkg_contents, but QGIS and
      GDAL register it there as data_type 'attributes', so we do the same.
    """
    con = sqlite3.connect(gpkg)
    with con:
        if not con.execute("SELECT 1 FROM sqlite_master WHERE name='layer_styles'").fetchone():
            con.execute(LAYER_STYLES_DDL)
        con.execute("INSERT OR IGNORE INTO gpkg_contents (table_name, data_type, identifier,"
                    " description, last_change) VALUES ('layer_styles', 'attributes', 'layer_styles',"
                    " '', strftime('%Y-%m-%dT%H:%M:%fZ','now'))")
        for name, qml in styles.items():
            row = con.execute("SELECT column_name FROM gpkg_geometry_columns WHERE table_name=?",
                              (name,)).fetchone()
            geom = row[0] if row else "geom"
            con.execute("DELETE FROM layer_styles WHERE f_table_name=? AND f_geometry_column=?",
                        (name, geom))
            con.execute("INSERT INTO layer_styles (f_table_catalog, f_table_schema, f_table_name,"
                        " f_geometry_column, styleName, styleQML, styleSLD, useAsDefault,"
                        " description, owner, ui) VALUES ('', '', ?, ?, ?, ?, '', 1, ?, '', NULL)",
                        (name, geom, name, qml, f"redline: styles/{name}.qml"))
    con.close()


def write_demo(gpkg, styles):
    """A made-up district (EPSG:4490, near 119.5°E 29.5°N) with six townships and every layer."""
    from osgeo import ogr, osr

    ogr.UseExceptions()
    if os.path.exists(gpkg):
        os.remove(gpkg)
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(4490)
    ds = ogr.GetDriverByName("GPKG").CreateDataSource(gpkg)

    def poly(points):
        return ogr.CreateGeometryFromWkt(
            "POLYGON((" + ",".join(f"{x} {y}" for x, y in points + points[:1]) + "))")

    def blob(cx, cy, r, n=14, wobble=0.25, seed=1):
        import math
        import random
        rnd = random.Random(seed)
        pts = []
        for i in range(n):
            a = 2 * math.pi * i / n
            rr = r * (1 + wobble * (rnd.random() - 0.5) * 2)
            pts.append((cx + rr * math.cos(a) * 1.15, cy + rr * math.sin(a)))
        return poly(pts)

    district = poly([(119.20, 29.30), (119.48, 29.24), (119.78, 29.31), (119.86, 29.52),
                     (119.74, 29.74), (119.50, 29.80), (119.27, 29.71), (119.16, 29.52)])
    names = ["城关镇", "青山乡", "白水镇", "龙潭乡", "石门镇", "云溪乡"]
    cuts = [(119.16, 119.42, 29.20, 29.52), (119.42, 119.62, 29.20, 29.52),
            (119.62, 119.90, 29.20, 29.52), (119.16, 119.40, 29.52, 29.85),
            (119.40, 119.60, 29.52, 29.85), (119.60, 119.90, 29.52, 29.85)]
    pcts = [4.2, 13.7, 26.9, 35.1, 48.6, 61.3]

    def multi(g):
        return ogr.ForceToMultiPolygon(g)

    def create(name, rows):
        fid_column = "ogc_fid" if any(f == "fid" for f, _, _ in LAYERS[name]) else "fid"
        layer = ds.CreateLayer(name, srs, ogr.wkbMultiPolygon, [f"FID={fid_column}"])
        types = {"string": ogr.OFTString, "double": ogr.OFTReal, "integer": ogr.OFTInteger,
                 "int8": ogr.OFTInteger64}
        for field, kind, _ in LAYERS[name]:
            layer.CreateField(ogr.FieldDefn(field, types[kind]))
        for geom, values in rows:
            feature = ogr.Feature(layer.GetLayerDefn())
            feature.SetGeometry(multi(geom))
            for key, value in values.items():
                feature.SetField(key, value)
            layer.CreateFeature(feature)

    def unit_values(uid, name, geom, pct):
        area = geom.GetArea() * 1.0e10  # rough m², good enough for a demo
        return {"unit_id": uid, "unit_name": name, "area_m2": area, "area_km2": area / 1e6,
                "redline_m2": area * pct / 100, "redline_pct": pct,
                "protected_m2": area * pct / 180, "protected_pct": pct / 1.8,
                "forest_m2": area * 0.62, "forest_pct": 62.0, "nodata_m2": 0.0,
                "status": "pass" if pct >= 20 else "fail"}

    create("district", [(district, unit_values("330122", "桐溪县", district, 31.4))])
    zones = []
    for i, ((x0, x1, y0, y1), name, pct) in enumerate(zip(cuts, names, pcts)):
        g = district.Intersection(poly([(x0, y0), (x1, y0), (x1, y1), (x0, y1)]))
        zones.append((g, unit_values(f"330122{101 + i}", name, g, pct)))
    create("zones", zones)

    red = [blob(119.32, 29.66, 0.07, seed=2), blob(119.55, 29.70, 0.05, seed=3),
           blob(119.72, 29.60, 0.09, seed=4), blob(119.70, 29.36, 0.05, seed=5),
           blob(119.47, 29.43, 0.035, seed=6)]
    red = [g.Intersection(district) for g in red]
    create("redline", [(g, {"part_id": i + 1, "area_m2": g.GetArea() * 1e10,
                            "area_ha": g.GetArea() * 1e6}) for i, g in enumerate(red)])
    prot = [blob(119.34, 29.64, 0.045, seed=7), blob(119.75, 29.62, 0.06, seed=8),
            blob(119.58, 29.50, 0.03, seed=9)]
    create("protected", [(g, {"part_id": i + 1, "area_m2": g.GetArea() * 1e10,
                              "area_ha": g.GetArea() * 1e6}) for i, g in enumerate(prot)])
    forest = [blob(119.30, 29.45, 0.06, seed=10), blob(119.52, 29.60, 0.07, seed=11),
              blob(119.65, 29.72, 0.04, seed=12), blob(119.78, 29.45, 0.05, seed=13)]
    forest = [g.Intersection(district) for g in forest]
    create("forest", [(g, {"part_id": i + 1, "area_m2": g.GetArea() * 1e10,
                           "area_ha": g.GetArea() * 1e6}) for i, g in enumerate(forest)])

    outside = blob(119.83, 29.66, 0.05, seed=14).Difference(district)
    create("qa_outside", [(outside, {"layer": "redline", "area_m2": outside.GetArea() * 1e10})])
    a, b = blob(119.58, 29.66, 0.03, seed=15), blob(119.62, 29.68, 0.03, seed=16)
    create("qa_overlap", [(a.Intersection(b), {"layer": "protected", "fid_a": 12, "fid_b": 17,
                                               "id_a": "ZRBHD-012", "id_b": "ZRBHD-017",
                                               "area_m2": 1.2e6})])
    create("qa_repaired", [(blob(119.40, 29.58, 0.025, seed=17),
                            {"layer": "redline", "src_fid": 3, "feature_id": "HX-0003",
                             "reason": "Self-intersection[119.41 29.58]",
                             "area_before_m2": 2.1e6, "area_after_m2": 2.3e6})])
    create("qa_area_mismatch", [(blob(119.25, 29.55, 0.02, seed=18),
                                 {"layer": "redline", "src_fid": 8, "feature_id": "HX-0008",
                                  "attribute_m2": 3.0e6, "measured_m2": 2.0e6,
                                  "difference_m2": 1.0e6, "ratio": 1.5,
                                  "likely_cause": "projected area"})])
    gap = poly([(119.419, 29.30), (119.423, 29.30), (119.423, 29.50), (119.419, 29.50)])
    over = poly([(119.60, 29.56), (119.612, 29.56), (119.612, 29.74), (119.60, 29.74)])
    out = poly([(119.86, 29.45), (119.89, 29.45), (119.89, 29.52), (119.86, 29.52)])
    create("qa_zones", [(gap, {"kind": "gap", "area_m2": gap.GetArea() * 1e10}),
                        (over, {"kind": "overlap", "area_m2": over.GetArea() * 1e10}),
                        (out, {"kind": "outside", "area_m2": out.GetArea() * 1e10})])
    ds = None
    write_layer_styles(gpkg, styles)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--demo", metavar="GPKG",
                        help="also write a made-up GeoPackage with every layer and its default style")
    args = parser.parse_args()

    app = QgsApplication([], False)
    app.initQgis()
    styles = {}
    for name in STYLES:
        styles[name] = qml_text(name)
        print(f"wrote styles/{name}.qml")
    if args.demo:
        write_demo(args.demo, styles)
        print(f"wrote {args.demo}")
    app.exitQgis()
    return 0


if __name__ == "__main__":
    sys.exit(main())
