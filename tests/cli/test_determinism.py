#!/usr/bin/python3
"""The same inputs give byte-identical reports whatever the thread count.

Runs `redline coverage` (with the land-cover raster, so the parallel raster pass matters) and
`redline activity` (on a generated scene) with --threads 1 and --threads 2, and compares the JSON
and CSV outputs byte for byte.
"""
import filecmp
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def main():
    redline = os.path.abspath(sys.argv[sys.argv.index("--redline") + 1])
    sample = os.path.join(ROOT, "sample_data")
    env = dict(os.environ, REDLINE_DATA_DIR=ROOT)
    failures = []
    with tempfile.TemporaryDirectory(prefix="redline-determinism-") as tmp:
        for threads in ("1", "2"):
            subprocess.run([redline, "coverage", "--boundary", "boundary.geojson", "--zones", "townships.gpkg",
                            "--redline", "redline.shp", "--protected", "protected.gpkg", "--landcover",
                            "landcover.tif", "--landcover-table", "esa_worldcover", "--shrub-mask", "shrub_mask.gpkg",
                            "--target", "forest=65", "--threads", threads, "--quiet",
                            "--json", f"{tmp}/coverage{threads}.json", "--csv", f"{tmp}/coverage{threads}.csv"],
                           cwd=sample, env=env, check=False, capture_output=True)
        scene = os.path.join(tmp, "scene")
        subprocess.run(["/usr/bin/python3", os.path.join(ROOT, "scripts", "make_activity_scene.py"), "--out", scene,
                        "--size", "800"], check=True, capture_output=True)
        for threads in ("1", "2"):
            subprocess.run([redline, "activity", "--before", "before.tif", "--after", "after.tif", "--bands",
                            "blue=1,green=2,red=3,nir=4,swir1=5", "--before-mask", "before_scl.tif", "--after-mask",
                            "after_scl.tif", "--redline", "redline.gpkg", "--no-chips", "--threads", threads, "--quiet",
                            "--out", f"{tmp}/activity{threads}.gpkg", "--json", f"{tmp}/activity{threads}.json",
                            "--csv", f"{tmp}/activity{threads}.csv"],
                           cwd=scene, env=env, check=True, capture_output=True)
        for name in ("coverage.json", "coverage.csv", "activity.json", "activity.csv"):
            stem, ext = name.split(".")
            a, b = f"{tmp}/{stem}1.{ext}", f"{tmp}/{stem}2.{ext}"
            if not (os.path.exists(a) and os.path.exists(b)):
                failures.append(f"{name}: not written")
            elif not filecmp.cmp(a, b, shallow=False):
                failures.append(f"{name}: differs between --threads 1 and --threads 2")
            else:
                print(f"ok   {name}: identical with 1 and 2 threads ({os.path.getsize(a)} bytes)")
    for f in failures:
        print("FAIL", f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
