#!/usr/bin/python3
"""Kill `redline coverage` at random moments and check that no output is ever broken.

    /usr/bin/python3 tests/badinput/kill_test.py --redline build/redline [--rounds 20] [--seed N] [--keep]
        [--require-cleanup]

The run: `redline coverage` on a copy of sample_data/ with every layer and a 4x upsampled copy of
landcover.tif (gdalwarp -tr 7.5 7.5, so the land-cover pass takes a moment), writing
OUT/o.gpkg, OUT/o.json and OUT/o.csv (and OUT/o.qgz, the QGIS project, when redline writes one)
into a folder that already holds a complete previous
output ("old": the same run without --zones and with other targets, so every file differs).

Each SIGKILL round puts the old outputs back, starts the run, kills it with SIGKILL after a
random delay (seeded; a third of the rounds anywhere in the run, two thirds while the outputs are
being written: after the first temporary output appears) and checks each output: it must be the complete old one or the complete new one
(the GeoPackage opens with OGR, passes SQLite's integrity check and has the old or the new layers
with their feature counts; the JSON parses and equals the old or the new; the CSV parses and
equals the old or the new, byte for byte; the .qgz is a whole zip with a .qgs that parses as XML
and equals the old or the new). Hidden temporaries (.o.redline-partial-PID@HOST.*) that
killed runs leave are expected; after the last round one complete run must remove them all.

Each SIGINT round (rounds/4, at least 3) does the same with SIGINT (half during the work, half
while the outputs are written): the run must exit 130 within
10 s (or 0/1 when it had already finished), leave no temporary of its own, and leave each output
old or new.

Exit status 1 when an output is broken or SIGINT misbehaves (exit status other than 130, a hang,
its own temporaries left). Temporaries of killed runs that the next complete run does not remove
are reported (NOT CLEANED) and fail the test only with --require-cleanup.
"""
import argparse
import csv
import io
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import zipfile
from xml.etree import ElementTree

from osgeo import gdal, ogr

gdal.UseExceptions()
ogr.UseExceptions()

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
OUTPUTS = ["o.gpkg", "o.json", "o.csv"]  # and o.qgz, the QGIS project beside the GeoPackage, when redline writes one
MARKER = ".redline-partial-"


def command(redline, sample, landcover, out, old):
    s = lambda name: os.path.join(sample, name)
    args = [redline, "coverage", "--boundary", s("boundary.geojson"),
            "--redline", s("redline.shp"), "--area-field", "MJ",
            "--protected", s("protected.gpkg"), "--protected-area-field", "MJ",
            "--landcover", landcover, "--landcover-table", "esa_worldcover", "--shrub-mask", s("shrub_mask.gpkg"),
            "--out", os.path.join(out, "o.gpkg"), "--json", os.path.join(out, "o.json"),
            "--csv", os.path.join(out, "o.csv"), "-q"]
    if old:
        args += ["--target", "forest=60"]
    else:
        args += ["--zones", s("townships.gpkg"), "--zone-id", "XZQDM", "--zone-name", "XZQMC",
                 "--target", "redline=25.76", "--target", "forest=65", "--target", "protected=17.02"]
    return args


def gpkg_layers(path):
    """{layer: feature count}, or a string saying why the file is broken."""
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            check = con.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            con.close()
        if check != "ok":
            return f"SQLite integrity_check: {check}"
        ds = gdal.OpenEx(path, gdal.OF_VECTOR | gdal.OF_READONLY)
        layers = {}
        for i in range(ds.GetLayerCount()):
            lyr = ds.GetLayer(i)
            layers[lyr.GetName()] = lyr.GetFeatureCount()
        ds = None
        return layers
    except Exception as e:  # sqlite3.DatabaseError, RuntimeError from GDAL
        return f"does not open: {e}"


def state_of(path):
    """A comparable description of one output, or ('broken', why)."""
    if not os.path.lexists(path):
        return ("missing", "")
    if not os.path.isfile(path):
        return ("broken", "not a regular file")
    if path.endswith(".gpkg"):
        layers = gpkg_layers(path)
        return ("broken", layers) if isinstance(layers, str) else ("gpkg", tuple(sorted(layers.items())))
    with open(path, "rb") as f:
        data = f.read()
    if path.endswith(".json"):
        try:
            return ("json", json.dumps(json.loads(data.decode("utf-8")), sort_keys=True))
        except (ValueError, UnicodeDecodeError) as e:
            return ("broken", f"JSON does not parse: {e}")
    if path.endswith(".qgz"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                if z.testzip() is not None:
                    return ("broken", "a member of the zip is damaged")
                projects = [n for n in z.namelist() if n.endswith(".qgs")]
                if not projects:
                    return ("broken", "no .qgs in the .qgz")
                ElementTree.fromstring(z.read(projects[0]))
        except (zipfile.BadZipFile, ElementTree.ParseError) as e:
            return ("broken", f"not a whole QGIS project: {e}")
        return ("qgz", data)
    try:
        rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
        if not rows:
            return ("broken", "CSV is empty")
    except (ValueError, UnicodeDecodeError) as e:
        return ("broken", f"CSV does not parse: {e}")
    return ("csv", data)


def classify(out, refs):
    """{output: 'old' | 'new' | 'BROKEN: why'}."""
    result = {}
    for name in OUTPUTS:
        st = state_of(os.path.join(out, name))
        if st == refs["old"][name]:
            result[name] = "old"
        elif st == refs["new"][name] and st != refs["old"][name]:
            result[name] = "new"
        elif st[0] == "broken":
            result[name] = f"BROKEN: {st[1]}"
        elif st[0] == "missing":
            result[name] = "BROKEN: the output is gone"
        else:
            result[name] = "BROKEN: complete but neither the old nor the new output"
    return result


def partials(out, pid=None):
    names = sorted(n for n in os.listdir(out) if MARKER in n)
    if pid is not None:
        # .NAME.redline-partial-PID@HOST.EXT (files), .NAME.redline-partial-PID (the chips folder)
        names = [n for n in names if f"{MARKER}{pid}@" in n or f"{MARKER}{pid}." in n or n.endswith(f"{MARKER}{pid}")]
    return names


def start(args, env, out, **popen):
    """Starts the run; returns (process, time.monotonic() at start)."""
    return subprocess.Popen(args, env=env, **popen), time.monotonic()


def wait_for_first_temporary(proc, out, limit):
    """Seconds from now until a temporary output appears in out (polling every 0.5 ms), or None
    when the run ends or `limit` s pass first."""
    t0 = time.monotonic()
    while time.monotonic() - t0 < limit:
        if proc.poll() is not None:
            return None
        if partials(out, proc.pid):  # its own: killed runs may have left others
            return time.monotonic() - t0
        time.sleep(0.0005)
    return None


def restore_old(out, ref_dir):
    for name in OUTPUTS:
        shutil.copyfile(os.path.join(ref_dir, "old", name), os.path.join(out, name))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--redline", required=True)
    ap.add_argument("--rounds", type=int, default=20, help="SIGKILL rounds (default 20); SIGINT rounds: a quarter, at least 3")
    ap.add_argument("--seed", type=int, default=20260606)
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder")
    ap.add_argument("--require-cleanup", action="store_true",
                    help="also fail when a complete run leaves the temporaries of killed runs in place")
    a = ap.parse_args()
    redline = os.path.abspath(a.redline)
    rng = random.Random(a.seed)
    env = dict(os.environ, REDLINE_DATA_DIR=ROOT, LC_ALL="C.UTF-8")
    tmp = tempfile.mkdtemp(prefix="redline-kill-")
    failures = []
    try:
        sample = os.path.join(tmp, "sample")
        shutil.copytree(os.path.join(ROOT, "sample_data"), sample)
        landcover = os.path.join(tmp, "landcover_7.5m.tif")
        gdal.Warp(landcover, os.path.join(sample, "landcover.tif"), xRes=7.5, yRes=7.5, resampleAlg="near",
                  creationOptions=["COMPRESS=DEFLATE", "TILED=YES"])
        out = os.path.join(tmp, "out")
        refs_dir = os.path.join(tmp, "refs")
        os.makedirs(out)
        refs = {}
        durations = []
        subprocess.run(command(redline, sample, landcover, out, False), env=env, capture_output=True, timeout=600)
        if os.path.exists(os.path.join(out, "o.qgz")):
            OUTPUTS.append("o.qgz")
        for name in os.listdir(out):
            os.remove(os.path.join(out, name))
        for which in ("old", "new"):
            started = time.monotonic()
            done = subprocess.run(command(redline, sample, landcover, out, which == "old"), env=env,
                                  capture_output=True, text=True, timeout=600)
            durations.append(time.monotonic() - started)
            if done.returncode not in (0, 1):
                print(done.stdout[-2000:] + done.stderr[-2000:])
                raise SystemExit(f"the {which} reference run failed with exit status {done.returncode}")
            os.makedirs(os.path.join(refs_dir, which))
            for name in OUTPUTS:
                shutil.copyfile(os.path.join(out, name), os.path.join(refs_dir, which, name))
            refs[which] = {name: state_of(os.path.join(out, name)) for name in OUTPUTS}
            broken = [n for n, st in refs[which].items() if st[0] in ("broken", "missing")]
            if broken:
                raise SystemExit(f"the {which} reference output is broken: {broken}")
        same = [n for n in OUTPUTS if refs["old"][n] == refs["new"][n] and n != "o.qgz"]  # the project may not change
        if same:
            raise SystemExit(f"old and new outputs must differ, but these are equal: {same}")
        # a second new run, over the old outputs: when do the outputs start being written, how long
        # does writing take (the machine may be busy: the faster of the two runs counts)
        restore_old(out, refs_dir)
        proc, t0 = start(command(redline, sample, landcover, out, False), env, out,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        first = wait_for_first_temporary(proc, out, 600)
        proc.wait()
        run_time = min(durations[1], time.monotonic() - t0)
        if first is None:
            raise SystemExit("no temporary output was seen during the run: does redline write under temporary names?")
        write_time = max(0.01, time.monotonic() - t0 - first)
        print(f"the outputs are written from {first:.2f} s to {first + write_time:.2f} s")
        print(f"reference runs: old {durations[0]:.2f} s, new {run_time:.2f} s; "
              f"new GeoPackage layers: {dict(refs['new']['o.gpkg'][1])}")

        # ---- SIGKILL rounds
        print(f"\n{'round':>5} {'signal':>7} {'delay s':>8} {'exit':>5}  " + "  ".join(f"{n:<8}" for n in OUTPUTS) + "  temporaries left")
        tally = {"old": 0, "new": 0, "mixed": 0, "finished": 0}
        for r in range(1, a.rounds + 1):
            restore_old(out, refs_dir)
            proc, t0 = start(command(redline, sample, landcover, out, False), env, out,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            if r % 3 == 1:  # anywhere in the run
                time.sleep(rng.uniform(0.0, run_time))
            else:  # while the outputs are being written
                extra = rng.uniform(0.0, write_time * 1.1)
                if wait_for_first_temporary(proc, out, 600) is not None:
                    time.sleep(extra)
            delay = time.monotonic() - t0
            finished = proc.poll() is not None
            if not finished:
                proc.send_signal(signal.SIGKILL)
            code = proc.wait()
            states = classify(out, refs)
            left = partials(out, proc.pid)
            kinds = set(states.values())
            if finished:
                tally["finished"] += 1
            elif kinds == {"old"}:
                tally["old"] += 1
            elif kinds == {"new"}:
                tally["new"] += 1
            else:
                tally["mixed"] += 1
            print(f"{r:>5} {'KILL':>7} {delay:8.3f} {code:>5}  " + "  ".join(f"{states[n]:<8}" for n in OUTPUTS) +
                  "  " + (", ".join(left) or "-"))
            for name, st in states.items():
                if st.startswith("BROKEN"):
                    failures.append(f"SIGKILL round {r} (after {delay:.3f} s): {name}: {st}")
            if finished and code not in (0, 1):
                failures.append(f"SIGKILL round {r}: the run finished before the kill with exit status {code}")

        # one complete run must remove what the killed runs left
        before = partials(out)
        done = subprocess.run(command(redline, sample, landcover, out, False), env=env, capture_output=True, timeout=600)
        after = partials(out)
        states = classify(out, refs)
        print(f"\ncomplete run after the kills: exit {done.returncode}; temporaries before {len(before)}, after {len(after)}"
              + (f": {', '.join(after)}" if after else ""))
        problems = []
        if after:
            problems.append(f"NOT CLEANED: the complete run after the kills left {len(after)} temporaries of killed "
                            f"runs (hidden files, not outputs): {', '.join(after)}")
            if a.require_cleanup:
                failures.append(problems[-1])
        if done.returncode not in (0, 1) or set(states.values()) != {"new"}:
            failures.append(f"the complete run after the kills: exit {done.returncode}, outputs {states}")

        # ---- SIGINT rounds
        int_rounds = max(3, a.rounds // 4)
        print(f"\n{'round':>5} {'signal':>7} {'delay s':>8} {'exit':>5}  " + "  ".join(f"{n:<8}" for n in OUTPUTS) + "  exit after signal")
        notes = []
        for r in range(1, int_rounds + 1):
            restore_old(out, refs_dir)
            proc, t0 = start(command(redline, sample, landcover, out, False), env, out,
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            if r % 2:  # during the work
                time.sleep(rng.uniform(0.05, run_time * 0.8))
            else:  # while the outputs are being written
                extra = rng.uniform(0.0, write_time)
                if wait_for_first_temporary(proc, out, 600) is not None:
                    time.sleep(extra)
            delay = time.monotonic() - t0
            finished = proc.poll() is not None
            sent = time.monotonic()
            if not finished:
                proc.send_signal(signal.SIGINT)
            try:
                _, err = proc.communicate(timeout=10)
                code, waited = proc.returncode, time.monotonic() - sent
            except subprocess.TimeoutExpired:
                proc.kill()
                _, err = proc.communicate()
                code, waited = None, None
                failures.append(f"SIGINT round {r}: no exit within 10 s of SIGINT (hang)")
            states = classify(out, refs)
            left = partials(out, proc.pid)
            print(f"{r:>5} {'INT':>7} {delay:8.3f} {str(code):>5}  " + "  ".join(f"{states[n]:<8}" for n in OUTPUTS) +
                  "  " + (f"{waited:.3f} s" if waited is not None else "HANG") + ("" if not left else "  left: " + ", ".join(left)))
            for name, st in states.items():
                if st.startswith("BROKEN"):
                    failures.append(f"SIGINT round {r}: {name}: {st}")
            if left:
                failures.append(f"SIGINT round {r}: temporaries left after exit {code}: {', '.join(left)}")
            if code == -signal.SIGINT and not left:
                # SIGINT before redline installed its handler (while the libraries load): the default
                # action, nothing written; a shell reports it as 130 too
                notes.append(f"SIGINT round {r} (after {delay:.3f} s): the process died of SIGINT before redline "
                             "installed its handler (a shell reports 130 as well; nothing was written)")
            elif code is not None and code < 0:
                failures.append(f"SIGINT round {r}: killed by signal {-code} instead of exiting 130")
            elif code is not None and not (code == 130 or (code in (0, 1) and set(states.values()) == {"new"})):
                failures.append(f"SIGINT round {r}: exit status {code}, expected 130 (outputs {states})")
            if code == 130 and "new" in states.values():
                notes.append(f"SIGINT round {r}: exit 130 after replacing {[n for n, s in states.items() if s == 'new']} "
                             f"(each output is whole, but the message says: "
                             f"{err.decode('utf-8', 'replace').strip().splitlines()[-1] if err else ''})")

        print(f"\nSIGKILL rounds: {a.rounds} (killed with all outputs old: {tally['old']}, all new: {tally['new']}, "
              f"some old some new: {tally['mixed']}; finished before the kill: {tally['finished']}); SIGINT rounds: {int_rounds}")
        for n in notes:
            print("note: " + n)
        for p in problems:
            print(p)
        if failures:
            print("\nFAILURES:")
            for f in failures:
                print("  " + f)
            return 1
        print("every output was always the complete old or the complete new one")
        return 0
    finally:
        if a.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
