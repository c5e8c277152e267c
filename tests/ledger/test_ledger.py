#!/usr/bin/python3
"""redline ledger in a GeoPackage: three generated campaigns with planted new, expanded, reduced,
unchanged, vanished and reappearing patches (see ledger_scenario.py for the plan), verdicts that
must survive later campaigns, and failures (bad input, a campaign twice, invalid verdicts, SIGINT
and SIGKILL half-way through a merge) that must leave the ledger byte-identical.

Run: /usr/bin/python3 tests/ledger/test_ledger.py --redline build/redline [-v]
"""
import os
import signal
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ledger_scenario as ls  # noqa: E402

ARGS = ls.parse_args()
REDLINE = ARGS["--redline"]


class GeoPackageLedger(unittest.TestCase):
    maxDiff = 4000

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="redline_ledger_")
        self.dir = self.tmp.name

    def tearDown(self):
        self.tmp.cleanup()

    def test_three_campaigns(self):
        ledger = os.path.join(self.dir, "ledger.gpkg")
        ls.run_scenario(self, REDLINE, self.dir, ledger, is_file=True)

    def test_failed_first_merge_leaves_no_ledger(self):
        # The first merge creates the GeoPackage; when it fails, there must be no file at all.
        run = ls.Runner(REDLINE, self.dir, os.path.join(self.dir, "new_ledger.gpkg"), True)
        bad = run.path("duplicates.gpkg")
        ls.write_activity_gpkg(bad, [("P-X", "R1", (0, 0, 50, 50)), ("P-X", "R1", (100, 0, 150, 50))])
        p = run.run("merge", "--ledger", run.ledger, "--patches", bad, "--campaign", "2023Q3")
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertFalse(os.path.exists(run.ledger))
        self.assertEqual([n for n in os.listdir(self.dir) if "new_ledger" in n], [])
        # Interrupted while it writes: no ledger, no temporary file.
        big = run.path("big.gpkg")
        ls.write_activity_gpkg(big, [("PB-%05d" % i, "R1", (3000 + (i % 80) * 30, (i // 80) * 30,
                                                            3000 + (i % 80) * 30 + 20, (i // 80) * 30 + 20))
                                     for i in range(4000)])
        proc = subprocess.Popen([REDLINE, "ledger", "merge", "--ledger", run.ledger, "--patches", big,
                                 "--campaign", "BIG"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for line in proc.stderr:
            if "writing the ledger" in line:
                proc.send_signal(signal.SIGINT)
                break
        _, err = proc.communicate(timeout=300)
        self.assertEqual(proc.returncode, 130, err)
        self.assertEqual([n for n in os.listdir(self.dir) if "new_ledger" in n], [])

    def test_refuses_to_turn_another_geopackage_into_a_ledger(self):
        run = ls.Runner(REDLINE, self.dir, os.path.join(self.dir, "activity.gpkg"), True)
        ls.write_activity_gpkg(run.ledger, [("P-X", "R1", (0, 0, 50, 50))])
        before = ls.sha256(run.ledger)
        p = run.run("merge", "--ledger", run.ledger, "--patches", run.ledger, "--campaign", "2023Q3")
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertIn("no ledger", p.stderr)
        self.assertEqual(ls.sha256(run.ledger), before)

    def test_projected_campaign_into_a_geographic_ledger(self):
        # A campaign in CGCS2000 / Gauss-Krüger merges into a ledger kept in longitude/latitude:
        # the outlines are transformed, so the unchanged patches match again.
        run = ls.Runner(REDLINE, self.dir, os.path.join(self.dir, "ledger.gpkg"), True)
        first = run.path("c1.gpkg")
        ls.write_activity_gpkg(first, [("P1", "R1", (0, 0, 100, 100)), ("P2", "R1", (300, 0, 400, 100))])
        p = run.run("merge", "--ledger", run.ledger, "--patches", first, "--campaign", "C1")
        self.assertEqual(p.returncode, 0, p.stderr)
        second = run.path("c2.gpkg")
        ls.write_activity_gpkg(second, [("P1", "R1", (0, 0, 100, 100)), ("P2", "R1", (300, 0, 450, 100))])
        projected = run.path("c2_4545.gpkg")
        from osgeo import gdal
        gdal.UseExceptions()
        gdal.VectorTranslate(projected, second, dstSRS="EPSG:4545", format="GPKG")
        p = run.run("merge", "--ledger", run.ledger, "--patches", projected, "--campaign", "C2")
        self.assertEqual(p.returncode, 0, p.stderr)
        obs = {r["patch_id"]: r["classification"]
               for r in ls.read_layer(run.ledger, "ledger_observations", geometry=False) if r["campaign"] == "C2"}
        self.assertEqual(obs, {"P1": "unchanged", "P2": "expanded"})


if __name__ == "__main__":
    unittest.main()
