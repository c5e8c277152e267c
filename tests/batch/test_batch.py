#!/usr/bin/python3
"""`redline batch` as GIS staff use it: several units, one broken; figures equal to the
single-unit command; interruptions (SIGINT, SIGKILL) and re-runs; the HTML report in a real
headless Chromium.

    test_batch.py --redline PATH
"""
import csv
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SAMPLE = os.path.join(ROOT, "sample_data")
REDLINE = None
ENV = dict(os.environ, REDLINE_DATA_DIR=ROOT)

JOB = """
[defaults]
checks = coverage
redline = {sample}/redline.shp
protected = {sample}/protected.gpkg
landcover = {sample}/landcover.tif
landcover-table = esa_worldcover
target = forest=65

[unit.qianjiang]
boundary = {sample}/boundary.geojson
zones = {sample}/townships.gpkg
target = redline=25.76
target = forest=65

[unit.chengdong]
boundary = {sample}/townships.gpkg
boundary-where = XZQDM = '500114001'

[unit.broken]
boundary = {sample}/no_such_boundary.gpkg

[unit.zhuoshui]
boundary = {sample}/townships.gpkg
boundary-where = XZQDM = '500114107'
"""


def run(args, **kw):
    return subprocess.run([REDLINE] + args, capture_output=True, text=True, env=ENV, **kw)


class Batch(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="redline-batch-")
        self.job = os.path.join(self.tmp, "job.ini")
        with open(self.job, "w", encoding="utf-8") as f:
            f.write(JOB.format(sample=SAMPLE))
        self.out = os.path.join(self.tmp, "out")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def summary(self):
        with open(os.path.join(self.out, "summary.json"), encoding="utf-8") as f:
            return {u["unit"]: u for u in json.load(f)["units"]}

    def test_a_broken_unit_is_named_and_the_others_complete(self):
        done = run(["batch", "--config", self.job, "--out-dir", self.out, "--jobs", "2", "--quiet"])
        self.assertEqual(done.returncode, 2, done.stdout + done.stderr)
        units = self.summary()
        self.assertEqual(set(units), {"qianjiang", "chengdong", "broken", "zhuoshui"})
        self.assertEqual(units["broken"]["status"], "failed")
        self.assertIn("no_such_boundary.gpkg", units["broken"]["error"])
        self.assertIn("no such file", units["broken"]["error"])
        for name in ("qianjiang", "chengdong", "zhuoshui"):
            self.assertEqual(units[name]["status"], "done", units[name])
            for output in units[name]["outputs"]:
                self.assertTrue(os.path.exists(os.path.join(self.out, output)), output)
        with open(os.path.join(self.out, "summary.csv"), encoding="utf-8-sig") as f:
            rows = list(csv.DictReader(f))
        self.assertEqual({r["unit"] for r in rows}, set(units))
        self.assertIn("broken", done.stdout)

    def test_the_worst_failure_class_wins(self):
        # The disk "fills" at 200 kB a file (RLIMIT_FSIZE; SIGXFSZ ignored, so a write beyond fails
        # with EFBIG as one fails with ENOSPC): every unit's GeoPackage fails (exit status 3 each),
        # the broken unit stays bad input (2), the small summary files are written; the batch
        # exits 3, the worst class.
        def limit():
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (200000, 200000))
        done = run(["batch", "--config", self.job, "--out-dir", self.out, "--quiet"], preexec_fn=limit)
        self.assertEqual(done.returncode, 3, done.stdout + done.stderr)
        units = self.summary()
        self.assertEqual(units["broken"]["status"], "failed")
        self.assertEqual(units["broken"]["exit_status"], 2)
        for name in ("qianjiang", "chengdong", "zhuoshui"):
            self.assertEqual(units[name]["status"], "failed", units[name])
            self.assertEqual(units[name]["exit_status"], 3, units[name])
            self.assertIn("coverage.gpkg", units[name]["error"])
        with open(os.path.join(self.out, "summary.json"), encoding="utf-8") as f:
            self.assertEqual(json.load(f)["exit_status"], 3)
        leftovers = [n for _, _, fs in os.walk(self.out) for n in fs if "redline-partial" in n]
        self.assertEqual(leftovers, [])
        # Without the limit, the batch redoes the failed units: only the broken one is left (2).
        again = run(["batch", "--config", self.job, "--out-dir", self.out, "--quiet"])
        self.assertEqual(again.returncode, 2, again.stdout + again.stderr)
        self.assertEqual(self.summary()["qianjiang"]["exit_status"], 1)  # a target missed

    def test_figures_equal_the_single_unit_command(self):
        run(["batch", "--config", self.job, "--out-dir", self.out, "--quiet"])
        units = self.summary()
        single = os.path.join(self.tmp, "single.json")
        done = run(["coverage", "--boundary", f"{SAMPLE}/boundary.geojson", "--zones", f"{SAMPLE}/townships.gpkg",
                    "--redline", f"{SAMPLE}/redline.shp", "--protected", f"{SAMPLE}/protected.gpkg", "--landcover",
                    f"{SAMPLE}/landcover.tif", "--landcover-table", "esa_worldcover", "--target", "redline=25.76",
                    "--target", "forest=65", "--quiet", "--json", single])
        self.assertIn(done.returncode, (0, 1), done.stderr)
        with open(single, encoding="utf-8") as f:
            s = json.load(f)
        q = units["qianjiang"]
        self.assertAlmostEqual(q["area_m2"], s["district"]["area_m2"], places=2)
        self.assertAlmostEqual(q["redline_pct"], s["district"]["redline"]["share_pct"], places=6)
        self.assertAlmostEqual(q["forest_pct"], s["district"]["forest"]["share_pct"], places=6)
        self.assertEqual([(t["key"], t["pass"]) for t in q["targets"]],
                         [(t["key"], t["pass"]) for t in s["targets"]])
        # The batch's own per-unit JSON is the single-unit command's JSON, byte for byte.
        with open(os.path.join(self.out, "qianjiang", "coverage.json"), encoding="utf-8") as f:
            self.assertEqual(json.load(f)["district"], s["district"])

    def test_a_planned_batch_equals_the_batch(self):
        # redline plan/run/merge of a batch (a cluster's tiles are the units) gives the batch's
        # summary: every unit's status, class, figures and targets; the merge exits with the worst
        # class. (The plan checks every input first, so the job leaves out the broken unit.)
        with open(self.job, "w", encoding="utf-8") as f:
            f.write(JOB.format(sample=SAMPLE).replace("[unit.broken]\nboundary = %s/no_such_boundary.gpkg\n" % SAMPLE, ""))
        done = run(["batch", "--config", self.job, "--out-dir", self.out, "--quiet"])
        self.assertEqual(done.returncode, 1, done.stderr)  # a target missed
        single = self.summary()
        self.assertEqual(set(single), {"qianjiang", "chengdong", "zhuoshui"})
        plan = os.path.join(self.tmp, "plan")
        self.out = os.path.join(self.tmp, "out_planned")
        env = {k: v for k, v in ENV.items() if not k.startswith(("SLURM_", "OMPI_", "PMI_"))}
        planned = subprocess.run([REDLINE, "plan", "--plan", plan, "--shards", "2", "-q", "batch", "--config",
                                  self.job, "--out-dir", self.out], capture_output=True, text=True, env=env)
        self.assertEqual(planned.returncode, 0, planned.stderr)
        self.assertEqual(planned.stdout.strip().splitlines()[-1], "2")
        ran = subprocess.run([REDLINE, "run", "--plan", plan, "--all", "-q"], capture_output=True, text=True, env=env)
        self.assertEqual(ran.returncode, 0, ran.stderr)
        merged = subprocess.run([REDLINE, "merge", "--plan", plan, "-q"], capture_output=True, text=True, env=env)
        self.assertEqual(merged.returncode, 1, merged.stderr)
        units = self.summary()
        self.assertEqual(list(units), list(single))
        keys = ("status", "exit_status", "area_m2", "redline_pct", "forest_pct", "targets")
        for name, u in units.items():
            self.assertEqual({k: u.get(k) for k in keys}, {k: single[name].get(k) for k in keys}, name)
            for output in u["outputs"]:
                self.assertTrue(os.path.exists(os.path.join(self.out, output)), output)
        self.assertTrue(os.path.exists(os.path.join(self.out, "report.html")))

    def test_rerun_skips_unchanged_units_and_force_redoes_them(self):
        run(["batch", "--config", self.job, "--out-dir", self.out, "--quiet"])
        again = run(["batch", "--config", self.job, "--out-dir", self.out, "--quiet"])
        units = self.summary()
        self.assertEqual(units["qianjiang"]["status"], "skipped", again.stdout)
        self.assertEqual(units["broken"]["status"], "failed")  # failures are always retried
        forced = run(["batch", "--config", self.job, "--out-dir", self.out, "--quiet", "--force"])
        self.assertEqual(self.summary()["qianjiang"]["status"], "done", forced.stdout)

    def interrupt_and_finish(self, sig):
        # A slower job: the district unit twice with the land cover upsampled 3x.
        big = os.path.join(self.tmp, "lc.tif")
        subprocess.run(["gdalwarp", "-q", "-tr", "10", "10", "-co", "TILED=YES", "-co", "COMPRESS=DEFLATE",
                        f"{SAMPLE}/landcover.tif", big], check=True)
        with open(self.job, "a", encoding="utf-8") as f:
            f.write(f"\n[unit.fine]\nboundary = {SAMPLE}/boundary.geojson\nzones = {SAMPLE}/townships.gpkg\n"
                    f"landcover = {big}\n\n[unit.fine2]\nboundary = {SAMPLE}/boundary.geojson\nlandcover = {big}\n")
        proc = subprocess.Popen([REDLINE, "batch", "--config", self.job, "--out-dir", self.out, "--quiet",
                                 "--jobs", "1"], env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        # The signal comes once the first unit has finished (its stamp is written) and a moment
        # into the units after it, so that it lands in the middle of the batch on a fast machine
        # too: a fixed delay (1.2 s) came after the whole batch (0.8 s) on this project's machines,
        # or, at a slow moment, while the summary was being written.
        first_stamp = os.path.join(self.out, "qianjiang", ".redline-stamp.json")
        deadline = time.monotonic() + 60
        while proc.poll() is None and not os.path.exists(first_stamp) and time.monotonic() < deadline:
            time.sleep(0.005)
        time.sleep(0.05)
        interrupted = proc.poll() is None
        proc.send_signal(sig)
        proc.wait(timeout=60)
        self.assertTrue(interrupted, "the batch ended before the signal: nothing was interrupted")
        if sig == signal.SIGINT:
            self.assertIn(proc.returncode, (130, 2, 1))
        # Whatever was written is whole: no temporaries left by an orderly stop, and every
        # unit folder's outputs are complete JSON where present.
        for dirpath, _, files in os.walk(self.out):
            for name in files:
                if sig == signal.SIGINT:
                    self.assertNotIn("redline-partial", name, os.path.join(dirpath, name))
                if name.endswith(".json") and "redline-partial" not in name:
                    with open(os.path.join(dirpath, name), encoding="utf-8") as f:
                        json.load(f)
        done = run(["batch", "--config", self.job, "--out-dir", self.out, "--quiet", "--jobs", "2"])
        self.assertEqual(done.returncode, 2, done.stdout + done.stderr)  # the broken unit
        units = self.summary()
        for name in ("qianjiang", "chengdong", "zhuoshui", "fine", "fine2"):
            self.assertIn(units[name]["status"], ("done", "skipped"), units[name])
        leftovers = [n for _, _, fs in os.walk(self.out) for n in fs if "redline-partial" in n]
        self.assertEqual(leftovers, [], "temporaries of the killed run were not cleaned up")

    def test_sigint_stops_cleanly_and_a_rerun_completes(self):
        self.interrupt_and_finish(signal.SIGINT)

    def test_sigkill_leaves_no_corrupt_output_and_a_rerun_completes(self):
        self.interrupt_and_finish(signal.SIGKILL)

    def test_report_opens_in_chromium_with_its_maps(self):
        chromium = shutil.which("chromium")
        if not chromium:
            self.skipTest("chromium is not installed (scripts/setup.sh --all installs it)")
        run(["batch", "--config", self.job, "--out-dir", self.out, "--quiet"])
        report = os.path.join(self.out, "report.html")
        shot = os.path.join(self.tmp, "report.png")
        profile = os.path.join(self.tmp, "chromium-profile")
        flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 f"--user-data-dir={profile}"]
        subprocess.run([chromium] + flags + ["--window-size=1200,2000", f"--screenshot={shot}", "file://" + report],
                       capture_output=True, timeout=120)
        self.assertTrue(os.path.exists(shot) and os.path.getsize(shot) > 50000, "no screenshot")
        # Every map image the report references loads: ask Chromium for the page after load and
        # count images with a natural width.
        js = ("<script>window.onload=function(){var n=0,t=document.images.length;"
              "for(var i=0;i<t;i++){if(document.images[i].naturalWidth>0)n++;}"
              "document.title='images '+n+'/'+t;}</script>")
        probe = os.path.join(self.out, "probe.html")
        with open(report, encoding="utf-8") as f:
            page = f.read()
        with open(probe, "w", encoding="utf-8") as f:
            f.write(page.replace("</body>", js + "</body>"))
        dom = subprocess.run([chromium] + flags + ["--dump-dom", "file://" + probe], capture_output=True, text=True,
                             timeout=120).stdout
        self.assertIn("<title>images 3/3</title>", dom)  # the three units that were computed
        self.assertIn("生态保护红线", dom)


if __name__ == "__main__":
    REDLINE = os.path.abspath(sys.argv[sys.argv.index("--redline") + 1])
    del sys.argv[sys.argv.index("--redline"):sys.argv.index("--redline") + 2]
    unittest.main(verbosity=2)
