#!/usr/bin/python3
"""redline ledger in PostGIS: the scenario of test_ledger.py (ledger_scenario.py) against a real
PostgreSQL + PostGIS started on loopback by scripts/postgis.sh, with the same classifications,
ids and verdict survival asserted against the plan, the same failures changing nothing (a
PostgreSQL transaction instead of SQLite's), and, at the end, a GeoPackage ledger built from the
same inputs holding exactly what the PostGIS one holds.

Exits 77 (skipped) with the reason when PostgreSQL/PostGIS cannot be installed or started.

Run: /usr/bin/python3 tests/ledger/test_ledger_postgis.py --redline build/redline \
         --postgis-script scripts/postgis.sh [-v]
"""
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ledger_scenario as ls  # noqa: E402
from osgeo import ogr  # noqa: E402

ARGS = ls.parse_args(("--postgis-script",))
REDLINE = ARGS["--redline"]
SCRIPT = ARGS.get("--postgis-script") or os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                                                       "scripts", "postgis.sh")
CONNECTION = None  # set once the server runs


def ledger_tables(connection):
    ds = ogr.Open(connection)
    names = [n for n in ("ledger_patches", "ledger_observations", "ledger_campaigns")
             if ds.GetLayerByName(n) is not None]
    ds = None
    return names


class PostgisLedger(unittest.TestCase):
    maxDiff = 4000

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="redline_ledger_pg_")
        self.dir = self.tmp.name

    def tearDown(self):
        self.tmp.cleanup()

    def test_three_campaigns_as_in_a_geopackage(self):
        # A first merge interrupted half-way leaves no ledger tables: they are created inside
        # the merge's transaction.
        run = ls.Runner(REDLINE, self.dir, CONNECTION, False)
        big = run.path("big_first.gpkg")
        ls.write_activity_gpkg(big, [("PB-%05d" % i, "R1", (3000 + (i % 80) * 30, (i // 80) * 30,
                                                            3000 + (i % 80) * 30 + 20, (i // 80) * 30 + 20))
                                     for i in range(4000)])
        proc = subprocess.Popen([REDLINE, "ledger", "merge", "--ledger", CONNECTION, "--patches", big,
                                 "--campaign", "BIG"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for line in proc.stderr:
            if "writing the ledger" in line:
                proc.send_signal(signal.SIGINT)
                break
        _, err = proc.communicate(timeout=300)
        self.assertEqual(proc.returncode, 130, err)
        self.assertEqual(ledger_tables(CONNECTION), [], "an interrupted first merge left tables behind")

        pg = ls.run_scenario(self, REDLINE, self.dir, CONNECTION, is_file=False)

        # The same inputs into a GeoPackage: the same ledger, field by field and outline by outline
        # (FIDs, merge times and source paths aside).
        gdir = os.path.join(self.dir, "gpkg")
        os.mkdir(gdir)
        gpkg = ls.run_scenario(self, REDLINE, gdir, os.path.join(gdir, "ledger.gpkg"), is_file=True)
        skip = ("merged_on", "source")
        a, b = ls.dump(pg.ledger, skip=skip), ls.dump(gpkg.ledger, skip=skip)
        for layer in a:
            self.assertEqual(len(a[layer]), len(b[layer]), layer)
            self.assertEqual(a[layer], b[layer], "%s differs between PostGIS and GeoPackage" % layer)


def main():
    global CONNECTION
    pgdir = tempfile.mkdtemp(prefix="redline_pg_")  # directly under /tmp: the postgres user can reach it
    started = False
    try:
        try:
            p = subprocess.run(["bash", SCRIPT, "start", pgdir], capture_output=True, text=True, timeout=1200)
        except (OSError, subprocess.TimeoutExpired) as e:
            p = None
            reason = str(e)
        if p is None or p.returncode != 0 or not p.stdout.strip():
            if p is not None:
                reason = "\n".join((p.stderr or "").strip().splitlines()[-15:])
            print("SKIP: PostgreSQL + PostGIS could not be installed or started (%s start %s):\n%s"
                  % (SCRIPT, pgdir, reason))
            return 77
        started = True
        CONNECTION = p.stdout.strip().splitlines()[-1]
        sys.stderr.write("PostGIS: %s\n" % CONNECTION)
        prog = unittest.main(exit=False)
        return 0 if prog.result.wasSuccessful() else 1
    finally:
        if started:
            subprocess.run(["bash", SCRIPT, "stop", pgdir], capture_output=True, text=True, timeout=120)
        shutil.rmtree(pgdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
