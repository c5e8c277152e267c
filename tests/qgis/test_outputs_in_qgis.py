#!/usr/bin/python3
"""Opens what `redline coverage` writes in a real QGIS (PyQGIS, headless) and checks it.

Runs the demo on sample_data/ into a temporary folder, then: the styles check of
styles/check_styles.py (every layer valid, default style from layer_styles, intended renderer and
labels, aliases; a rendered map), the CRS of every layer, feature counts equal to the JSON
report, and Chinese names intact. Exit 77 (CTest: skipped) when PyQGIS is not installed.
"""
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

try:
    from qgis.core import QgsApplication, QgsVectorLayer
except ImportError:
    print("PyQGIS is not installed (scripts/setup.sh --qgis installs it): skipped")
    sys.exit(77)


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
