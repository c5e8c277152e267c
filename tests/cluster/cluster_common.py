"""Shared by test_slurm.py and test_mpi.py: the demo's coverage command over sample_data/, runs of
redline with a clean environment, and the comparison of merged outputs with a single-process run
(every number equal to 1e-9 relative, every string equal, the same rows, features and keys).

Skips exit 77 (ctest's SKIP_RETURN_CODE), always saying why.
"""
import csv
import json
import math
import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SAMPLE = os.path.join(ROOT, "sample_data")
SKIP = 77
REL = 1e-9

# Every variable `redline run` reads for its shard index or rank: cleared so a test run inside a
# Slurm job, an MPI launch or a Kubernetes pod does not pick up the surrounding index.
INDEX_VARIABLES = ("SLURM_ARRAY_TASK_ID", "JOB_COMPLETION_INDEX", "AWS_BATCH_JOB_ARRAY_INDEX",
                   "PBS_ARRAY_INDEX", "SGE_TASK_ID", "LSB_JOBINDEX", "OMPI_COMM_WORLD_RANK",
                   "OMPI_COMM_WORLD_SIZE", "PMI_RANK", "PMI_SIZE", "SLURM_PROCID", "SLURM_NTASKS")


def parse_args(extra=()):
    """--redline PATH (required) and the options named in extra, as a dict."""
    args, argv = {}, sys.argv[1:]
    keep = [sys.argv[0]]
    i = 0
    while i < len(argv):
        if argv[i] in ("--redline",) + tuple(extra) and i + 1 < len(argv):
            args[argv[i]] = argv[i + 1]
            i += 2
        else:
            keep.append(argv[i])
            i += 1
    sys.argv[:] = keep  # the rest is unittest's (-v, test names)
    if "--redline" not in args:
        sys.exit("usage: %s --redline PATH %s[-v]" % (keep[0], "".join("%s X " % e for e in extra)))
    args["--redline"] = os.path.abspath(args["--redline"])
    return args


def clean_env(**extra):
    env = {k: v for k, v in os.environ.items()
           if k not in INDEX_VARIABLES and not k.startswith(("SLURM_", "OMPI_", "PMI_", "PMIX_"))}
    env["REDLINE_DATA_DIR"] = ROOT
    env.update(extra)
    return env


def coverage_inputs():
    """The demo's coverage options (scripts/demo.sh), inputs as absolute paths, no outputs."""
    s = lambda name: os.path.join(SAMPLE, name)  # noqa: E731
    return ["--boundary", s("boundary.geojson"),
            "--zones", s("townships.gpkg"), "--zone-id", "XZQDM", "--zone-name", "XZQMC",
            "--redline", s("redline.shp"), "--area-field", "MJ",
            "--protected", s("protected.gpkg"), "--protected-area-field", "MJ",
            "--landcover", s("landcover.tif"), "--landcover-table", "esa_worldcover",
            "--shrub-mask", s("shrub_mask.gpkg"),
            "--target", "redline=25.76", "--target", "forest=65", "--target", "protected=17.02",
            "--verify", "redline=25.76", "--reported-area", "redline=616km2",
            "--reported-area", "district=2402km2", "--survey-area"]


def outputs(prefix):
    return {"gpkg": prefix + ".gpkg", "json": prefix + ".json", "csv": prefix + ".csv"}


def output_args(out):
    return ["--out", out["gpkg"], "--json", out["json"], "--csv", out["csv"]]


def run(redline, args, timeout=600, **kw):
    kw.setdefault("env", clean_env())
    t0 = time.monotonic()
    p = subprocess.run([redline] + args, capture_output=True, text=True, timeout=timeout, **kw)
    sys.stderr.write("  $ redline %s -> %d (%.1f s)\n" % (" ".join(args[:4]), p.returncode, time.monotonic() - t0))
    return p


def plan_commands_missing(redline):
    """None when `redline plan/run/missing/merge` exist, else why not."""
    for cmd in ("plan", "run", "missing", "merge"):
        try:
            p = subprocess.run([redline, cmd, "--help"], capture_output=True, text=True, timeout=60, env=clean_env())
        except (OSError, subprocess.TimeoutExpired) as e:
            return "`redline %s --help` could not run: %s" % (cmd, e)
        if p.returncode != 0:
            return ("`redline %s --help` exits %d: this build has no `redline %s` yet (issue 7's plan/run/"
                    "missing/merge); %s" % (cmd, p.returncode, cmd, (p.stderr or p.stdout).strip()[:300]))
    return None


def make_plan(test, redline, plan, shards, inputs=None):
    """`redline plan --plan P --shards N coverage ...`: the shard count, a bare integer on stdout."""
    p = run(redline, ["plan", "--plan", plan, "--shards", str(shards), "coverage"] + (inputs or coverage_inputs()))
    test.assertEqual(p.returncode, 0, "redline plan failed:\n" + p.stderr)
    lines = p.stdout.strip().splitlines()
    test.assertEqual(len(lines), 1, "redline plan's stdout is not a bare shard count: %r" % p.stdout)
    test.assertRegex(lines[0].strip(), r"^[0-9]+$", "redline plan's stdout is not a bare shard count")
    n = int(lines[0])
    test.assertTrue(os.path.isdir(plan), "redline plan wrote no plan directory " + plan)
    test.assertGreaterEqual(n, 2, "a plan over 15 townships with --shards %d has %d shard(s)" % (shards, n))
    test.assertLessEqual(n, shards)
    return n


def missing(test, redline, plan):
    """`redline missing`: (its stdout line, exit status), checked against its convention."""
    p = run(redline, ["missing", "--plan", plan])
    test.assertIn(p.returncode, (0, 1), "redline missing failed:\n" + p.stderr)
    line = p.stdout.strip()
    test.assertEqual(len(p.stdout.strip("\n").splitlines()) if line else 0, 1 if line else 0,
                     "redline missing printed more than one line: %r" % p.stdout)
    test.assertEqual(p.returncode == 0, line == "", "exit %d with %r" % (p.returncode, line))
    if line:
        test.assertRegex(line, r"^[0-9]+(-[0-9]+)?(,[0-9]+(-[0-9]+)?)*$", "not in sbatch --array= form")
    return line, p.returncode


def expand(spec):
    """'1,4-6' -> [1, 4, 5, 6]."""
    out = []
    for part in filter(None, spec.split(",")):
        lo, _, hi = part.partition("-")
        out.extend(range(int(lo), int(hi or lo) + 1))
    return out


def reference(test, redline, workdir):
    """The single-process `redline coverage` on the same inputs: (outputs, exit status)."""
    out = outputs(os.path.join(workdir, "single"))
    p = run(redline, ["coverage"] + coverage_inputs() + output_args(out))
    test.assertIn(p.returncode, (0, 1), "the single-process coverage failed:\n" + p.stderr)
    for path in out.values():
        test.assertTrue(os.path.isfile(path), "the single-process coverage wrote no " + path)
    return out, p.returncode


def number(value):
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value) if value.strip() not in ("", "nan", "inf", "-inf") else None
        except ValueError:
            return None
    return None


def same_number(a, b):
    if a == b:
        return True
    if math.isnan(a) and math.isnan(b):
        return True
    return abs(a - b) <= REL * max(abs(a), abs(b))


def is_number(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def compare_values(a, b, path, diffs):
    if isinstance(a, dict) and isinstance(b, dict):
        for k in a:
            if k not in b:
                diffs.append("%s/%s: missing in the merged output" % (path, k))
            else:
                compare_values(a[k], b[k], "%s/%s" % (path, k), diffs)
        for k in b:
            if k not in a:
                diffs.append("%s/%s: only in the merged output" % (path, k))
    elif isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            diffs.append("%s: %d items, merged %d" % (path, len(a), len(b)))
        for i, (x, y) in enumerate(zip(a, b)):
            compare_values(x, y, "%s[%d]" % (path, i), diffs)
    elif is_number(a) and is_number(b):
        if not same_number(float(a), float(b)):
            diffs.append("%s: single %r, merged %r (relative %.3g)"
                         % (path, a, b, abs(a - b) / max(abs(a), abs(b))))
    elif a != b:
        diffs.append("%s: single %r, merged %r" % (path, a, b))


# Top-level keys of the JSON report that name the program rather than the figures.
JSON_IGNORED = ("tool", "command")


def compare_json(ref_path, got_path):
    with open(ref_path, encoding="utf-8") as f:
        ref = json.load(f)
    with open(got_path, encoding="utf-8") as f:
        got = json.load(f)
    diffs = []
    for k in ref:
        if k in JSON_IGNORED:
            continue
        if k not in got:
            diffs.append("/%s: missing in the merged JSON" % k)
        else:
            compare_values(ref[k], got[k], "/" + k, diffs)
    for k in got:
        if k not in ref and k not in JSON_IGNORED:
            diffs.append("/%s: only in the merged JSON" % k)
    return diffs


def read_csv(path):
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f))


def compare_csv(ref_path, got_path):
    with open(got_path, "rb") as f:
        bom = f.read(3) == b"\xef\xbb\xbf"
    diffs = [] if bom else ["the merged CSV has no UTF-8 BOM"]
    ref, got = read_csv(ref_path), read_csv(got_path)
    if len(ref) != len(got):
        diffs.append("%d rows, merged %d" % (len(ref), len(got)))
    if ref and got and ref[0] != got[0]:
        diffs.append("header differs:\n  %s\n  %s" % (ref[0], got[0]))
        return diffs
    for r, (a, b) in enumerate(zip(ref, got)):
        if len(a) != len(b):
            diffs.append("row %d: %d cells, merged %d" % (r, len(a), len(b)))
        for c, (x, y) in enumerate(zip(a, b)):
            nx, ny = number(x), number(y)
            if nx is not None and ny is not None:
                if not same_number(nx, ny):
                    diffs.append("row %d %s: single %s, merged %s" % (r, ref[0][c] if ref else c, x, y))
            elif x != y:
                diffs.append("row %d %s: single %r, merged %r" % (r, ref[0][c] if ref else c, x, y))
    return diffs


def compare_gpkg(ref_path, got_path):
    """Same layers, the same features in the same order with equal attributes (numbers to 1e-9
    relative) and geometries of equal type and area; layer_styles compared by its style names."""
    from osgeo import ogr
    ogr.UseExceptions()
    diffs = []
    a, b = ogr.Open(ref_path), ogr.Open(got_path)
    names = lambda ds: [ds.GetLayer(i).GetName() for i in range(ds.GetLayerCount())]  # noqa: E731
    if sorted(names(a)) != sorted(names(b)):
        diffs.append("layers: single %s, merged %s" % (names(a), names(b)))
    for name in names(a):
        la, lb = a.GetLayerByName(name), b.GetLayerByName(name)
        if lb is None:
            continue
        if la.GetFeatureCount() != lb.GetFeatureCount():
            diffs.append("%s: %d features, merged %d" % (name, la.GetFeatureCount(), lb.GetFeatureCount()))
            continue
        if name == "layer_styles":
            key = lambda l: sorted((f.GetField("f_table_name"), f.GetField("styleName")) for f in l)  # noqa: E731
            if key(la) != key(lb):
                diffs.append("layer_styles differ")
            continue
        for fa, fb in zip(la, lb):
            where = "%s feature %d" % (name, fa.GetFID())
            da, db = fa.items(), fb.items()
            if set(da) != set(db):
                diffs.append("%s: fields %s, merged %s" % (where, sorted(da), sorted(db)))
                continue
            for k in da:
                x, y = da[k], db[k]
                if is_number(x) and is_number(y):
                    if not same_number(float(x), float(y)):
                        diffs.append("%s %s: single %r, merged %r" % (where, k, x, y))
                elif x != y:
                    diffs.append("%s %s: single %r, merged %r" % (where, k, x, y))
            ga, gb = fa.GetGeometryRef(), fb.GetGeometryRef()
            if (ga is None) != (gb is None):
                diffs.append("%s: geometry only in one" % where)
            elif ga is not None:
                if ga.GetGeometryType() != gb.GetGeometryType():
                    diffs.append("%s: geometry type %s, merged %s" % (where, ga.GetGeometryName(), gb.GetGeometryName()))
                elif not same_number(ga.GetArea(), gb.GetArea()):
                    diffs.append("%s: geometry area %r, merged %r" % (where, ga.GetArea(), gb.GetArea()))
    return diffs


def assert_same_outputs(test, ref, got):
    for kind, compare in (("json", compare_json), ("csv", compare_csv), ("gpkg", compare_gpkg)):
        test.assertTrue(os.path.isfile(got[kind]), "the merge wrote no " + got[kind])
        diffs = compare(ref[kind], got[kind])
        test.assertEqual(diffs, [], "merged %s differs from the single-process run (%d differences):\n%s"
                         % (kind.upper(), len(diffs), "\n".join(diffs[:40])))


def assert_merge_refused(test, redline, plan, workdir, missing_line):
    """While shards are missing, `redline merge` exits 2, names them and writes nothing."""
    out = outputs(os.path.join(workdir, "refused"))
    p = run(redline, ["merge", "--plan", plan] + output_args(out))
    test.assertEqual(p.returncode, 2, "redline merge with shards %s missing exited %d:\n%s"
                     % (missing_line, p.returncode, p.stdout + p.stderr))
    message = p.stdout + p.stderr
    named = missing_line in message or all(
        any(tok == str(k) for tok in _tokens(message)) for k in expand(missing_line))
    test.assertTrue(named, "redline merge's refusal does not name the missing shards %s:\n%s"
                    % (missing_line, message))
    for path in out.values():
        test.assertFalse(os.path.exists(path), "a refused merge wrote " + path)


def _tokens(text):
    import re
    return re.findall(r"[0-9]+", text)
