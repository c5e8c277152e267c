#!/usr/bin/python3
"""A coverage plan run by Open MPI's mpirun (Debian's openmpi-bin), as docs/cluster.md tells users
to do it: `mpirun -np 2 redline run --plan P`, each rank running the shards r, r+2, ... from
OMPI_COMM_WORLD_RANK/OMPI_COMM_WORLD_SIZE (redline is not an MPI program; mpirun only launches it).

Before that, `redline merge` must refuse (exit 2, naming the missing shards, writing nothing) while
no shard, then only one shard (`redline run --shard 1`), has a result; after it, `redline missing`
reports none and the merged GeoPackage, JSON and CSV equal a single-process `redline coverage` on
the same inputs (every number to 1e-9 relative), with the same exit status.

Exits 77 (skipped), saying why, when Open MPI cannot be installed, or when this build has no
`redline plan` yet.

Run: /usr/bin/python3 tests/cluster/test_mpi.py --redline build/redline [-v]
"""
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cluster_common as cc  # noqa: E402

ARGS = cc.parse_args()
REDLINE = ARGS["--redline"]
MPIRUN = None  # set by main()

# Flags for a container or a laptop: more ranks than cores allowed, no CPU binding (a sandbox may
# refuse it), only the loopback/TCP transports (no shared-memory or InfiniBand probing). redline
# itself sends no MPI messages, so none of this changes what it computes.
MPI_FLAGS = ["--oversubscribe", "--bind-to", "none", "--mca", "btl", "self,tcp"]


def mpi_env():
    env = cc.clean_env()
    if os.geteuid() == 0:  # mpirun refuses root without these (or --allow-run-as-root)
        env.update(OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
    return env


def find_mpirun():
    """mpirun's path, installing Debian's openmpi-bin when missing (as root); else (None, why)."""
    path = shutil.which("mpirun")
    if path:
        return path, None
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        return None, "mpirun is not installed and this user cannot apt-get install openmpi-bin"
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    cmd = ["apt-get", "install", "-y", "-qq", "--no-install-recommends", "openmpi-bin"]
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=900, env=env)
        if p.returncode != 0:
            subprocess.run(["apt-get", "update", "-qq"], capture_output=True, text=True, timeout=600, env=env)
            p = subprocess.run(cmd, capture_output=True, text=True, timeout=900, env=env)
    except (OSError, subprocess.TimeoutExpired) as e:
        return None, "apt-get install openmpi-bin failed: %s" % e
    path = shutil.which("mpirun")
    if not path:
        return None, "apt-get install openmpi-bin failed:\n" + "\n".join((p.stderr or "").strip().splitlines()[-10:])
    return path, None


class Mpi(unittest.TestCase):
    maxDiff = 4000

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="redline_mpi_test_")

    def tearDown(self):
        if getattr(getattr(self, "_outcome", None), "success", True):
            shutil.rmtree(self.dir, ignore_errors=True)
        else:
            sys.stderr.write("(files kept in %s)\n" % self.dir)

    def mpirun(self, n, args):
        t0 = time.monotonic()
        p = subprocess.run([MPIRUN, "-np", str(n)] + MPI_FLAGS + args, capture_output=True, text=True,
                           timeout=600, env=mpi_env(), cwd=self.dir)
        sys.stderr.write("  $ mpirun -np %d %s -> %d (%.1f s)\n" % (n, " ".join(args[:4]), p.returncode, time.monotonic() - t0))
        return p

    def test_mpirun_sees_ranks(self):
        # What redline run relies on: mpirun gives a plain program its rank and the world size.
        p = self.mpirun(2, ["sh", "-c", 'echo "$OMPI_COMM_WORLD_RANK/$OMPI_COMM_WORLD_SIZE"'])
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(sorted(p.stdout.split()), ["0/2", "1/2"], p.stdout + p.stderr)

    def test_merge_refuses_until_mpirun_completes_the_plan(self):
        t0 = time.monotonic()
        ref, ref_status = cc.reference(self, REDLINE, self.dir)
        plan = os.path.join(self.dir, "plan")
        n = cc.make_plan(self, REDLINE, plan, 4)

        line, status = cc.missing(self, REDLINE, plan)
        self.assertEqual((cc.expand(line), status), (list(range(n)), 1), "a new plan has every shard missing")
        cc.assert_merge_refused(self, REDLINE, plan, self.dir, line)

        p = cc.run(REDLINE, ["run", "--plan", plan, "--shard", "1"])
        self.assertEqual(p.returncode, 0, p.stderr)
        line, status = cc.missing(self, REDLINE, plan)
        self.assertEqual((cc.expand(line), status), ([k for k in range(n) if k != 1], 1), "after shard 1")
        cc.assert_merge_refused(self, REDLINE, plan, self.dir, line)

        # Two ranks: rank 0 runs shards 0, 2, ..., rank 1 shards 1, 3, ... (1 is skipped: present).
        p = self.mpirun(2, [REDLINE, "run", "--plan", plan])
        self.assertEqual(p.returncode, 0, "mpirun -np 2 redline run:\n" + p.stdout + p.stderr)
        self.assertEqual(cc.missing(self, REDLINE, plan), ("", 0), "redline missing after mpirun")

        out = cc.outputs(os.path.join(self.dir, "merged"))
        m = cc.run(REDLINE, ["merge", "--plan", plan] + cc.output_args(out))
        self.assertEqual(m.returncode, ref_status,
                         "redline merge exited %d, the single-process coverage %d:\n%s" % (m.returncode, ref_status, m.stderr))
        cc.assert_same_outputs(self, ref, out)

        # Again, with everything present: every rank skips its shards and succeeds.
        p = self.mpirun(2, [REDLINE, "run", "--plan", plan])
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        sys.stderr.write("  MPI test: %.1f s\n" % (time.monotonic() - t0))


def main():
    global MPIRUN
    why = cc.plan_commands_missing(REDLINE)
    if why:
        print("SKIP: " + why)
        return cc.SKIP
    MPIRUN, why = find_mpirun()
    if not MPIRUN:
        print("SKIP: Open MPI could not be installed: " + why)
        return cc.SKIP
    prog = unittest.main(exit=False)
    return 0 if prog.result.wasSuccessful() else 1


if __name__ == "__main__":
    sys.exit(main())
