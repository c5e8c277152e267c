#!/usr/bin/python3
"""Paired runs of two redline binaries on a bench case: is B faster than A, and by how much?

    scripts/bench_paired.py A B [--runs 30] [--threads 1] [--data DIR] [--whole] [--env-b VAR=VALUE ...]

On a virtual machine whose speed drifts by 10-20 % from one minute to the next, the median of
either binary alone moves more than a change of a few milliseconds. Each round here runs both,
in alternating order (A B, then B A), and the report is the median of the per-round differences
B - A, wall and CPU time (user + system), with a bootstrap 90 % interval: a change is real when
the interval excludes zero. Both run `redline coverage` on the bench case in DIR (made by
scripts/bench_coverage.sh; the default case's folder by default), per township or, with
--whole, for the whole district; the JSON reports of the last round are compared (figures must
not change unless the change means them to).
"""
import argparse
import filecmp
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time

DEFAULT_DATA = "/tmp/redline-bench/data-a2400-z30-r550-rv1.45-c10-s7-v1"


def fail(message):
    print("bench_paired: " + message, file=sys.stderr)
    sys.exit(2)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("a", help="the binary before the change")
    ap.add_argument("b", help="the binary after it")
    ap.add_argument("--runs", type=int, default=30, help="rounds (each runs A and B once)")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--data", default=os.environ.get("BENCH_DATA", DEFAULT_DATA),
                    help="a bench case's folder (boundary.gpkg, townships.gpkg, landcover.tif)")
    ap.add_argument("--whole", action="store_true", help="the whole district only, no townships")
    ap.add_argument("--env-b", action="append", default=[], metavar="VAR=VALUE",
                    help="an environment variable for B's runs only (the same binary, another setting)")
    args = ap.parse_args()
    for f in ("boundary.gpkg", "townships.gpkg", "landcover.tif"):
        if not os.path.exists(os.path.join(args.data, f)):
            fail(f"no {f} in {args.data}: run scripts/bench_coverage.sh first, or give --data")
    out = tempfile.mkdtemp(prefix="bench_paired_")
    env_b = dict(os.environ)
    for kv in args.env_b:
        k, _, v = kv.partition("=")
        env_b[k] = v

    def command(binary, json_path):
        c = [binary, "coverage", "--boundary", os.path.join(args.data, "boundary.gpkg")]
        if not args.whole:
            c += ["--zones", os.path.join(args.data, "townships.gpkg"), "--zone-id", "XZQDM"]
        return c + ["--landcover", os.path.join(args.data, "landcover.tif"), "--forest-classes", "10", "-q",
                    "--threads", str(args.threads), "--json", json_path]

    def run(which):
        binary, env = (args.a, os.environ) if which == "a" else (args.b, env_b)
        r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        p = subprocess.run(command(binary, os.path.join(out, which + ".json")), env=env,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        t1 = time.perf_counter()
        r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        if p.returncode not in (0, 1):  # 1: a target missed, a normal outcome
            fail(f"{binary} failed ({p.returncode}): {p.stderr.decode()[-400:]}")
        cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
        return 1e3 * (t1 - t0), 1e3 * cpu

    wall = {"a": [], "b": []}
    cpu = {"a": [], "b": []}
    for i in range(args.runs):
        for which in ("a", "b") if i % 2 == 0 else ("b", "a"):
            w, c = run(which)
            wall[which].append(w)
            cpu[which].append(c)

    def interval(diffs):
        rng = random.Random(1)
        medians = sorted(statistics.median(rng.choices(diffs, k=len(diffs))) for _ in range(2000))
        return medians[100], medians[1899]

    for name, series in (("A", "a"), ("B", "b")):
        print(f"{name} {getattr(args, series)}: wall min {min(wall[series]):.1f} median "
              f"{statistics.median(wall[series]):.1f} ms, CPU median {statistics.median(cpu[series]):.1f} ms")
    for what, data in (("wall", wall), ("CPU", cpu)):
        diffs = [b - a for a, b in zip(data["a"], data["b"])]
        lo, hi = interval(diffs)
        print(f"B - A {what}: median {statistics.median(diffs):+.1f} ms, 90 % interval [{lo:+.1f}, {hi:+.1f}]"
              f"{'' if lo < 0 < hi else '  (excludes zero)'}")
    same = filecmp.cmp(os.path.join(out, "a.json"), os.path.join(out, "b.json"), shallow=False)
    print("JSON reports: " + ("identical" if same else f"DIFFERENT ({out}/a.json, b.json)"))


if __name__ == "__main__":
    main()
