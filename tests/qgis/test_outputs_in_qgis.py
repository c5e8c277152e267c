#!/usr/bin/python3
"""Opens what `redline coverage` and `redline activity` write in a real QGIS (PyQGIS, headless).

Runs the demo on sample_data/ into a temporary folder, then: the styles check of
styles/check_styles.py (every layer valid, default style from layer_styles, intended renderer and
labels, aliases; a rendered map), the CRS of every layer, feature counts equal to the JSON
report, Chinese names intact; the QGIS project beside the GeoPackage opened from a copy of the
folder (relative paths) and rendered through scripts/render_map.py; and the activity patches'
drop-down value maps for the field-verification fields. Exit 77 (CTest: skipped) when PyQGIS is
not installed.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

try:
    from qgis.core import QgsApplication, QgsProject, QgsVectorLayer
except ImportError:
    print("PyQGIS is not installed (scripts/setup.sh --qgis installs it): skipped")
    sys.exit(77)


def non_blank(png):
    """True when the image has more than a handful of colours (a real map, not an empty canvas)."""
    from qgis.PyQt.QtGui import QImage
    image = QImage(png)
    if image.isNull():
        return False
    colours = set()
    for y in range(0, image.height(), 7):
        for x in range(0, image.width(), 7):
            colours.add(image.pixel(x, y))
            if len(colours) > 20:
                return True
    return False


def main():
    redline = os.path.abspath(sys.argv[sys.argv.index("--redline") + 1])
    sample = os.path.join(ROOT, "sample_data")
    with tempfile.TemporaryDirectory(prefix="redline-qgis-") as tmp:
        gpkg, report = os.path.join(tmp, "q.gpkg"), os.path.join(tmp, "q.json")
        done = subprocess.run([redline, "coverage", "--boundary", "boundary.geojson", "--zones", "townships.gpkg",
                               "--redline", "redline.shp", "--area-field", "MJ", "--protected", "protected.gpkg",
                               "--landcover", "landcover.tif", "--landcover-table", "esa_worldcover",
                               "--target", "forest=65", "--quiet", "--out", gpkg, "--json", report],
                              cwd=sample, capture_output=True, text=True)
        if done.returncode not in (0, 1):
            print(done.stderr)
            return 1
        check = subprocess.run([sys.executable, os.path.join(ROOT, "styles", "check_styles.py"), gpkg,
                                "--render", os.path.join(tmp, "map.png")], capture_output=True, text=True)
        print(check.stdout)
        failures = [] if check.returncode == 0 else ["styles/check_styles.py failed:\n" + check.stderr[-2000:]]
        if os.path.getsize(os.path.join(tmp, "map.png")) < 20000:
            failures.append("the rendered map is suspiciously small (blank?)")

        with open(report, encoding="utf-8") as f:
            r = json.load(f)
        app = QgsApplication([], False)
        app.initQgis()
        expected = {
            "zones": len(r["zones"]),
            "district": 1,
            "qa_repaired": r["qa"]["invalid_repaired"],
            "qa_area_mismatch": r["qa"]["redline_area_mismatches"],
            "qa_overlap": len(r["qa"]["layers"]["redline"]["overlaps"]) + len(r["qa"]["layers"]["protected"]["overlaps"]),
        }
        for name, count in expected.items():
            layer = QgsVectorLayer(f"{gpkg}|layername={name}", name, "ogr")
            if not layer.isValid():
                failures.append(f"{name}: QGIS cannot open it")
                continue
            if layer.featureCount() != count:
                failures.append(f"{name}: {layer.featureCount()} features, the JSON report says {count}")
            if layer.crs().authid() != "EPSG:4490":
                failures.append(f"{name}: CRS {layer.crs().authid()}, expected the boundary's EPSG:4490")
        zones = QgsVectorLayer(f"{gpkg}|layername=zones", "zones", "ogr")
        names = sorted(f["unit_name"] for f in zones.getFeatures())
        expected_names = sorted(z["name"] for z in r["zones"])
        if names != expected_names or "濯水镇" not in names:
            failures.append(f"zone names differ in QGIS: {names[:5]} ...")
        del layer, zones

        # The project: moved with its folder, it must still open every layer (relative paths).
        moved = os.path.join(tmp, "moved 副本")
        shutil.copytree(tmp, moved, ignore=shutil.ignore_patterns("moved*"))
        os.remove(gpkg)
        project = QgsProject.instance()
        if not project.read(os.path.join(moved, "q.qgz")):
            failures.append("the QGIS project q.qgz does not open from a moved copy of the folder")
        else:
            layers = list(project.mapLayers().values())
            if len(layers) != 10 or not all(l.isValid() for l in layers):
                failures.append(f"project layers: {[(l.name(), l.isValid()) for l in layers]}")
            if not project.crs().authid().startswith("EPSG:45"):
                failures.append(f"project CRS {project.crs().authid()}, expected a CGCS2000 Gauss-Kruger zone")
        project.clear()
        render = subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "render_map.py"),
                                 os.path.join(moved, "q.qgz"), os.path.join(tmp, "project.png"), "--width", "600"],
                                capture_output=True, text=True)
        if render.returncode != 0 or not non_blank(os.path.join(tmp, "project.png")):
            failures.append(f"render_map.py: {render.stdout} {render.stderr[-500:]}")

        # Activity patches: the field team's drop-downs.
        scene = os.path.join(tmp, "scene")
        subprocess.run(["/usr/bin/python3", os.path.join(ROOT, "scripts", "make_activity_scene.py"), "--out", scene,
                        "--size", "800"], check=True, capture_output=True)
        patches = os.path.join(tmp, "patches.gpkg")
        done = subprocess.run([redline, "activity", "--before", "before.tif", "--after", "after.tif", "--bands",
                               "blue=1,green=2,red=3,nir=4,swir1=5", "--before-mask", "before_scl.tif",
                               "--after-mask", "after_scl.tif", "--redline", "redline.gpkg", "--quiet",
                               "--out", patches], cwd=scene, capture_output=True, text=True)
        if done.returncode != 0:
            failures.append("redline activity failed: " + done.stderr[-500:])
        else:
            layer = QgsVectorLayer(f"{patches}|layername=activity_patches", "patches", "ogr")
            for field in ("status", "verdict", "activity_class", "change_type"):
                widget = layer.editorWidgetSetup(layer.fields().indexOf(field))
                if widget.type() != "ValueMap":
                    failures.append(f"activity_patches.{field}: widget {widget.type()!r}, want a ValueMap drop-down")
            if layer.renderer().type() != "categorizedSymbol":
                failures.append(f"activity_patches renderer {layer.renderer().type()}")
            else:
                # Every change type redline can write has its own legend entry.
                values = {c.value() for c in layer.renderer().categories()}
                wanted = {"vegetation_to_bare", "vegetation_to_water", "water_to_land", "bare_to_water",
                          "bare_land_change", "vegetation_change", "other"}
                if values != wanted:
                    failures.append(f"activity_patches categories {sorted(values)}, want {sorted(wanted)}")
            # The low-confidence changes: their own layer, styled, with the same drop-downs.
            candidates = QgsVectorLayer(f"{patches}|layername=activity_candidates", "candidates", "ogr")
            if not candidates.isValid():
                failures.append("no valid layer activity_candidates")
            else:
                if candidates.renderer().type() != "singleSymbol" or not candidates.labelsEnabled():
                    failures.append(f"activity_candidates renderer {candidates.renderer().type()}, "
                                    f"labels {candidates.labelsEnabled()}: not its default style")
                widget = candidates.editorWidgetSetup(candidates.fields().indexOf("verdict"))
                if widget.type() != "ValueMap":
                    failures.append(f"activity_candidates.verdict: widget {widget.type()!r}, want a ValueMap")
            del candidates
            if not project.read(patches[:-5] + ".qgz"):
                failures.append("patches.qgz does not open")
            elif not project.mapLayersByName("低置信度变化 (activity_candidates)"):
                failures.append("patches.qgz has no layer 低置信度变化 (activity_candidates)")
            project.clear()
            del layer
        app.exitQgis()
    for f in failures:
        print("FAIL", f)
    print("ok" if not failures else f"{len(failures)} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    status = main()
    sys.stdout.flush()
    # PyQGIS may crash while Python tears its objects down after exitQgis(); the verdict is in.
    os._exit(status)
