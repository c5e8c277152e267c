#!/usr/bin/python3
"""Helpers for scripts/bench_shards.sh (sharded `redline plan/run/merge` benchmark).

    bench_shards_data.py stamp LOG -- COMMAND...     run COMMAND, its stderr and stdout lines into LOG,
                                                     each prefixed with seconds since the start
    bench_shards_data.py report RESULTS_DIR          table, ratios, checks (exit 3 when a check fails)

`report` reads what bench_shards.sh leaves in RESULTS_DIR:
  info.json                 parameters (shard counts, workers, data sets, load averages)
  runs.tsv                  key, label, status, best wall s, peak RSS KB, CPU s (user+sys) of the
                            best run, best repetition, note
  KEY.repI/shard-K.time     /usr/bin/time "%e %M %U %S" of shard K in repetition I of an array KEY
  CASE_plan.json            the plan (shards with first/end tile and weight = cells)
  CASE_plan_stamped.log     a plan run with timestamped progress (phases: before hashing, hashing)
  CASE_*/ outputs           single runs and merges (JSON, CSV), compared here
Only the standard library is used.
"""
import json
import os
import statistics
import subprocess
import sys
import threading
import time


# --------------------------------------------------------------------------------------------
# stamp

def cmd_stamp(argv):
    if len(argv) < 3 or argv[1] != "--":
        sys.exit("usage: bench_shards_data.py stamp LOG -- COMMAND...")
    log, cmd = argv[0], argv[2:]
    t0 = time.monotonic()
    lock = threading.Lock()
    with open(log, "w", encoding="utf-8") as out:
        p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)

        def pump(stream, tag):
            for raw in iter(stream.readline, b""):
                t = time.monotonic() - t0
                with lock:
                    out.write("%.3f\t%s\t%s\n" % (t, tag, raw.decode("utf-8", "replace").rstrip("\n")))
        threads = [threading.Thread(target=pump, args=(p.stdout, "out")),
                   threading.Thread(target=pump, args=(p.stderr, "err"))]
        for t in threads:
            t.start()
        rc = p.wait()
        for t in threads:
            t.join()
        out.write("%.3f\tend\texit %d\n" % (time.monotonic() - t0, rc))
    return rc


def plan_phases(log_path):
    """Phases of a stamped plan log: {"phases": [(label, seconds)], "hash": s, "before_hash": s, "total": s}.
    A phase runs from its progress line ("[ 6%] reading the zones") to the next; every "hashing FILE" line
    belongs to one phase, SHA-256, which ends at the "redline plan:" summary."""
    if not os.path.exists(log_path):
        return None
    marks, end = [], None
    with open(log_path, encoding="utf-8") as f:
        for line in f:
            p = line.rstrip("\n").split("\t", 2)
            if len(p) < 3:
                continue
            t, tag, text = float(p[0]), p[1], p[2]
            if tag == "end":
                end = t
            elif tag != "err":
                continue
            elif text.startswith("hashing "):
                marks.append((t, "SHA-256"))
            elif text.startswith("redline plan:"):
                marks.append((t, None))
            elif text.startswith("[") and "]" in text:
                marks.append((t, text.split("]", 1)[1].strip()))
    phases = []
    for (t, label), (t2, _) in zip(marks, marks[1:]):
        if label is None:
            continue
        if phases and phases[-1][0] == label:
            phases[-1][1] += t2 - t
        else:
            phases.append([label, t2 - t])
    hashing = sum(d for lab, d in phases if lab == "SHA-256")
    first_hash = next((t for t, lab in marks if lab == "SHA-256"), None)
    if first_hash is None:
        return None
    return {"phases": [tuple(x) for x in phases], "hash": hashing, "before_hash": first_hash, "total": end}


# --------------------------------------------------------------------------------------------
# report

def load_json(path):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def read_runs(rd):
    runs = {}
    with open(os.path.join(rd, "runs.tsv"), encoding="utf-8") as f:
        for line in f:
            p = line.rstrip("\n").split("\t")
            if len(p) < 3:
                continue
            p += [""] * (8 - len(p))
            key, label, status, wall, rss, cpu, rep, note = p[:8]
            runs[key] = {"label": label, "status": status, "wall": float(wall) if wall else None,
                         "rss": float(rss) / 1024.0 if rss else None, "cpu": float(cpu) if cpu else None,
                         "rep": int(rep) if rep else None, "note": note}
    return runs


def shard_times(rd, key, rep):
    """{shard: (wall, rss MB, cpu)} of repetition @p rep of array @p key."""
    d = os.path.join(rd, "%s.rep%d" % (key, rep))
    out = {}
    if not os.path.isdir(d):
        return out
    for name in os.listdir(d):
        if not (name.startswith("shard-") and name.endswith(".time")):
            continue
        k = int(name[6:-5])
        with open(os.path.join(d, name)) as f:
            vals = None
            for line in f:
                p = line.split()
                if len(p) == 4:
                    try:
                        vals = [float(x) for x in p]
                    except ValueError:
                        pass
        if vals:
            out[k] = (vals[0], vals[1] / 1024.0, vals[2] + vals[3])
    return out


def fmt(v, spec, none="-"):
    return none if v is None else format(v, spec)


def linfit(xs, ys):
    """least-squares y = a + b x; None when x does not vary enough."""
    n = len(xs)
    if n < 3:
        return None
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    if sxx <= 0 or (max(xs) - min(xs)) < 0.2 * mx:
        return None
    b = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sxx
    return my - b * mx, b


FIGURE_KEYS = ("area", "share", "_m2", "_km2", "_ha", "_pct")


def leaves(x, path=""):
    if isinstance(x, dict):
        for k, v in x.items():
            yield from leaves(v, path + "/" + k)
    elif isinstance(x, list):
        for i, v in enumerate(x):
            yield from leaves(v, "%s[%d]" % (path, i))
    else:
        yield path, x


def is_figure(path, value):
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    last = path.rsplit("/", 1)[-1].split("[")[0]
    return any(s in last for s in FIGURE_KEYS)


def compare_json(ref, other):
    """(figures compared, figure differences, other differences) between two JSON reports."""
    a, b = dict(leaves(ref)), dict(leaves(other))
    figs = [p for p, v in a.items() if is_figure(p, v)]
    fig_diff = [p for p in figs if p not in b or b[p] != a[p]]
    fig_diff += [p for p, v in b.items() if is_figure(p, v) and p not in a]
    other_diff = [p for p in set(a) | set(b) if p not in figs and a.get(p) != b.get(p)]
    return len(figs), fig_diff, sorted(other_diff)


def same_bytes(p, q):
    try:
        with open(p, "rb") as f, open(q, "rb") as g:
            return f.read() == g.read()
    except OSError:
        return None


def case_report(rd, info, runs, case):
    """Prints one case's table and ratios; returns (check failed?, summary dict)."""
    c = info[case]
    S, W = c["shards"], info["workers"]
    plan = load_json(os.path.join(rd, case + "_plan.json")) or {}
    shards = plan.get("shards", [])
    cells = sum(s.get("weight", 0) for s in shards) or None
    tiles = (plan.get("tiling") or {}).get("tiles")
    mpix = cells / 1e6 if cells else None
    bytes_in = sum(fi.get("bytes", 0) for i in plan.get("inputs", []) for fi in i.get("files", []))
    phases = plan_phases(os.path.join(rd, case + "_plan_stamped.log"))

    def r(k):
        x = runs.get(case + "_" + k)
        return x if x and x["status"] == "ok" and x["wall"] is not None else None

    def w(k):
        x = r(k)
        return x["wall"] if x else None

    def cpu(k):
        x = r(k)
        return x["cpu"] if x else None

    print()
    print("== %s: %s" % (case, c["what"]))
    print("   %s cells read (%s tiles), %d shards, inputs %.1f MB; workers 1 and %d, 1 thread per shard"
          % (fmt(mpix, ".1f") + " M" if mpix else "?", tiles if tiles is not None else "?", S, bytes_in / 1e6, W))
    hdr = "%-52s %8s %7s %6s %8s %8s" % ("run", "wall s", "CPU s", "cores", "peak MB", "Mpix/s")
    print(hdr)
    print("-" * len(hdr))
    order = ["t1", "tW", "plan", "arr1", "arrW", "merge", "plan1", "run1", "merge1", "sha256sum"]
    for k in order:
        x = runs.get(case + "_" + k)
        if not x:
            continue
        if x["status"] != "ok":
            print("%-52s %s: %s" % (x["label"], x["status"].upper(), x["note"]))
            continue
        per_s = mpix / x["wall"] if mpix and k in ("t1", "tW", "arr1", "arrW", "run1") and x["wall"] > 0 else None
        cores = x["cpu"] / x["wall"] if x["cpu"] is not None and x["wall"] > 0 else None
        print("%-52s %8.2f %7s %6s %8s %8s" % (x["label"], x["wall"], fmt(x["cpu"], "7.2f"), fmt(cores, "6.2f"),
                                                fmt(x["rss"], "8.0f"), fmt(per_s, "8.1f")))
    if phases:
        parts = []
        for lab, d in phases["phases"]:
            if lab == "SHA-256":
                parts.append("SHA-256 of %.1f MB %.2f s (%s MB/s)" % (
                    bytes_in / 1e6, d, fmt(bytes_in / 1e6 / d, ".0f") if d > 0 else "?"))
            else:
                parts.append("%s %.2f s" % (lab, d))
        print("  plan phases (one more plan, progress timestamped; %.2f s in all): %s" % (
            phases["total"] or 0, "; ".join(parts)))
    print("  (best of %d runs; CPU s = user + sys of the best run, for arrays summed over the shards; cores = CPU s /"
          " wall s, the CPUs the run got: below %d for a %d-worker array means other processes took the rest;"
          " peak MB = max RSS of any process of the run; Mpix/s = cells read / wall s; 1-shard plan and merge: 1 run)"
          % (info["repeat"], info["workers"], info["workers"]))

    summ = {"mpix": mpix, "tiles": tiles, "shards": S, "bytes": bytes_in}
    # per-shard figures
    per = {}
    for k in ("arr1", "arrW"):
        x = r(k)
        if x and x["rep"] is not None:
            per[k] = shard_times(rd, case + "_" + k, x["rep"])
    p1 = per.get("arr1") or {}
    if p1:
        walls = [v[0] for v in p1.values()]
        rss = [v[1] for v in p1.values()]
        cpus = [v[2] for v in p1.values()]
        print("  per shard (1 worker, best run): wall min/median/max %.2f/%.2f/%.2f s; CPU %.2f/%.2f/%.2f s; "
              "peak RSS %.0f/%.0f/%.0f MB" % (min(walls), statistics.median(walls), max(walls), min(cpus),
                                              statistics.median(cpus), max(cpus), min(rss), statistics.median(rss),
                                              max(rss)))
        summ.update(shard_wall_median=statistics.median(walls), shard_cpu_median=statistics.median(cpus),
                    shard_rss_max=max(rss), shard_cpu_sum=sum(cpus))
    pw = per.get("arrW") or {}
    if pw:
        walls = [v[0] for v in pw.values()]
        print("  per shard (%d workers, best run): wall min/median/max %.2f/%.2f/%.2f s; peak RSS max %.0f MB"
              % (W, min(walls), statistics.median(walls), max(walls), max(v[1] for v in pw.values())))

    # ratios
    print("  ratios:")

    def line(name, v, what):
        print("    %-58s %s  (%s)" % (name, fmt(v, "7.2f", "    n/a"), what))
    a1, aw = w("arr1"), w("arrW")
    line("speed-up, %d workers over 1 (array of %d shards)" % (W, S), a1 / aw if a1 and aw else None,
         "wall, 1 worker / %d workers; %d is ideal" % (W, W))
    c1, cw = cpu("arr1"), cpu("arrW")
    line("  CPU, %d workers / 1 worker" % W, cw / c1 if c1 and cw else None,
         "> 1: the workers slow each other (memory bandwidth, page cache, other load)")
    st1, stw = w("t1"), w("tW")
    line("speed-up, single run %d threads over 1 thread" % W, st1 / stw if st1 and stw else None, "for comparison")
    pl, mg = w("plan"), w("merge")
    tot1 = pl + a1 + mg if pl and a1 and mg else None
    totw = pl + aw + mg if pl and aw and mg else None
    summ.update(plan=pl, merge=mg, arr1=a1, arrW=aw, t1=st1, tW=stw, total1=tot1, totalW=totw,
                t1_cpu=cpu("t1"), tW_cpu=cpu("tW"), arr1_cpu=c1, arrW_cpu=cw)
    if tot1 and st1:
        line("sharded total, 1 worker / single run 1 thread", tot1 / st1,
             "plan %.1f + array %.1f + merge %.1f = %.1f s vs %.1f s" % (pl, a1, mg, tot1, st1))
    if totw and stw:
        line("sharded total, %d workers / single run %d threads" % (W, W), totw / stw,
             "plan %.1f + array %.1f + merge %.1f = %.1f s vs %.1f s" % (pl, aw, mg, totw, stw))
    pc, mc, t1c_ = cpu("plan"), cpu("merge"), cpu("t1")
    if pc is not None and mc is not None and c1 and t1c_:
        line("sharded total CPU, 1 worker / single run 1 thread", (pc + c1 + mc) / t1c_,
             "CPU s (steadier on a busy machine): %.1f + %.1f + %.1f = %.1f vs %.1f" % (pc, c1, mc, pc + c1 + mc, t1c_))
        summ["total1_cpu"] = pc + c1 + mc
    if pl and st1:
        line("plan / single run 1 thread", pl / st1, "checks, tiling, SHA-256%s" % (
            ", normalisation and thresholds" if case == "activity" else ""))
    if mg and st1:
        line("merge / single run 1 thread", mg / st1, "reads the shards' results, %s" % (
            "joins components, builds patches, writes outputs" if case == "activity" else
            "zone geometry and vector work, writes outputs"))
    # fixed overhead per shard
    t1c = cpu("t1")
    if c1 and t1c:
        ov_cpu = (c1 - t1c) / S
        ov_wall = (a1 - st1) / S
        line("per-shard overhead, CPU s", ov_cpu, "(sum of shard CPU - single run CPU) / %d shards" % S)
        line("per-shard overhead, wall s", ov_wall, "(1-worker array - single run 1 thread) / %d shards" % S)
        summ.update(overhead_cpu=ov_cpu, overhead_wall=ov_wall)
    if p1 and shards:
        xs = [float(s["weight"]) for s in shards if s["index"] in p1]
        ys = [p1[s["index"]][2] for s in shards if s["index"] in p1]
        fit = linfit(xs, ys)
        if fit:
            a, b = fit
            line("per-shard overhead, CPU s (fit: CPU = a + b x cells)", a,
                 "intercept; slope %.3f CPU s per Mpix = %.0f Mpix/s per core" % (b * 1e6, 1 / (b * 1e6) if b > 0 else 0))
            summ.update(fit_a=a, fit_b=b)
        else:
            print("    %-58s     n/a  (shards of nearly equal cells: no fit)" % "per-shard overhead (fit on cells)")
    if t1c and mpix:
        line("throughput per core, single run 1 thread (Mpix / CPU s)", mpix / t1c,
             "cells read / CPU s, its fixed costs included")
        summ["mpix_per_cpu_s"] = mpix / t1c
    r1 = w("run1")
    if r1 and st1:
        line("1-shard plan: its shard / single run 1 thread", r1 / st1,
             "%.2f s vs %.2f s (%+.2f s): the shard does the raster pass, the merge the rest" % (r1, st1, r1 - st1))
        summ["run1"] = r1
    p1s, m1s = w("plan1"), w("merge1")
    if r1 and p1s and m1s and st1:
        line("1-shard plan + shard + merge / single run 1 thread", (p1s + r1 + m1s) / st1,
             "%.1f + %.1f + %.1f s" % (p1s, r1, m1s))
        cs = [cpu(k) for k in ("plan1", "run1", "merge1")]
        if all(v is not None for v in cs) and t1c:
            line("  the same in CPU s", sum(cs) / t1c, "%.1f + %.1f + %.1f = %.1f vs %.1f: the cost of the "
                 "plan/run/merge path itself" % (cs[0], cs[1], cs[2], sum(cs), t1c))
            summ["one_shard_cpu"] = sum(cs)
    rs1, rsW = r("t1"), r("tW")
    if p1 and rs1:
        mx = max(v[1] for v in p1.values())
        line("peak RSS, largest shard / single run 1 thread", mx / rs1["rss"],
             "%.0f MB vs %.0f MB%s" % (mx, rs1["rss"], "; %d threads: %.0f MB" % (W, rsW["rss"]) if rsW else ""))
        for k, name in (("plan", "plan"), ("merge", "merge")):
            x = r(k)
            if x:
                line("peak RSS, %s / single run 1 thread" % name, x["rss"] / rs1["rss"],
                     "%.0f MB" % x["rss"])
    if phases and bytes_in and phases["hash"] > 0:
        summ["hash_mb_s"] = bytes_in / 1e6 / phases["hash"]
        summ["plan_phases"] = phases

    # checks
    print("  checks:")
    failed = False
    ref_dir = os.path.join(rd, case + "_t1")
    others = [("tW", "single run, %d threads" % W), ("m1", "merge after the 1-worker array"),
              ("mW", "merge after the %d-worker array" % W), ("m1s", "merge of the 1-shard plan")]
    if case == "coverage":
        ref = load_json(os.path.join(ref_dir, "out.json"))
        if ref is None:
            print("    FAIL the single run's JSON is missing (%s)" % ref_dir)
            return True, summ
        for k, name in others:
            d = os.path.join(rd, case + "_" + k)
            o = load_json(os.path.join(d, "out.json"))
            if o is None:
                print("    FAIL %s: no JSON (%s)" % (name, d))
                failed = True
                continue
            n, fd, od = compare_json(ref, o)
            js = same_bytes(os.path.join(ref_dir, "out.json"), os.path.join(d, "out.json"))
            cs = same_bytes(os.path.join(ref_dir, "out.csv"), os.path.join(d, "out.csv"))
            if fd or n == 0:
                failed = True
                print("    FAIL %s: %d of %d areas/shares differ from the single run's: %s" % (
                    name, len(fd), n, ", ".join(fd[:5])))
            else:
                print("    PASS %s: all %d areas/shares in the JSON identical to the single run's (1 thread); "
                      "JSON file %s, CSV %s" % (name, n, "byte-identical" if js else "differs",
                                               "byte-identical" if cs else "differs"))
            if od:
                print("         other JSON fields differing (not figures): %s" % ", ".join(od[:6]))
    else:
        ref_csv = os.path.join(ref_dir, "patches.csv")
        if not os.path.exists(ref_csv):
            print("    FAIL the single run's CSV is missing (%s)" % ref_csv)
            return True, summ
        with open(ref_csv, "rb") as f:
            npatch = max(0, f.read().count(b"\n") - 1)
        for k, name in others:
            d = os.path.join(rd, case + "_" + k)
            s = same_bytes(ref_csv, os.path.join(d, "patches.csv"))
            js = same_bytes(os.path.join(ref_dir, "patches.json"), os.path.join(d, "patches.json"))
            if not s:
                failed = True
                print("    FAIL %s: the patch CSV %s the single run's" % (
                    name, "is missing, unlike" if s is None else "differs from"))
            else:
                print("    PASS %s: patch CSV (%d patches) byte-identical to the single run's (1 thread); JSON %s"
                      % (name, npatch, "byte-identical" if js else "differs"))
        summ["patches"] = npatch
    return failed, summ


def cmd_report(argv):
    rd = argv[0]
    info = load_json(os.path.join(rd, "info.json"))
    runs = read_runs(rd)
    status = 0
    summary = {}
    for case in info["cases"]:
        failed, summ = case_report(rd, info, runs, case)
        summary[case] = summ
        if failed:
            status = 3
    with open(os.path.join(rd, "summary.json"), "w", encoding="utf-8") as f:
        json.dump(summary, f, indent=1, sort_keys=True)
    print()
    print("checks: %s" % ("PASS" if status == 0 else "FAIL (exit 3)"))
    return status


def main():
    if len(sys.argv) < 2 or sys.argv[1] not in ("stamp", "report"):
        sys.exit(__doc__)
    if sys.argv[1] == "stamp":
        return cmd_stamp(sys.argv[2:])
    return cmd_report(sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
