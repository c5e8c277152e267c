#!/usr/bin/python3
"""A coverage plan run as a Slurm job array on a real single-node Slurm (slurmctld + slurmd +
munged started on loopback by scripts/cluster/slurm_local.sh in a temporary folder, stopped
afterwards whatever happens), as docs/cluster.md tells users to do it:

  1. `redline plan --plan P --shards 4 coverage ...` (the demo's command, scripts/demo.sh);
  2. `sbatch --array=0-3%2` of a job script running `redline run --plan P` (the shard index from
     SLURM_ARRAY_TASK_ID); the job script itself exits 3 for one index on its first attempt, as
     if its node had been lost (redline has no test hooks);
  3. `redline missing --plan P` names exactly that shard (exit 1) and `redline merge` refuses;
  4. `sbatch --array=$(redline missing --plan P)` again, and the merge as a Slurm job that
     depends on it (--dependency=afterok:ID);
  5. the merged GeoPackage, JSON and CSV equal a single-process `redline coverage` on the same
     inputs (every number to 1e-9 relative, every string), with the same exit status.

Then the rank-strided path: `srun -n 2 redline run --plan P2` (SLURM_PROCID/SLURM_NTASKS).

Exits 77 (skipped), saying why, when Slurm cannot be installed or started, or when this build
has no `redline plan` yet.

Run: /usr/bin/python3 tests/cluster/test_slurm.py --redline build/redline \
         [--slurm-script scripts/cluster/slurm_local.sh] [-v]
"""
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cluster_common as cc  # noqa: E402

ARGS = cc.parse_args(("--slurm-script",))
REDLINE = ARGS["--redline"]
SCRIPT = ARGS.get("--slurm-script") or os.path.join(cc.ROOT, "scripts", "cluster", "slurm_local.sh")
SLURM_CONF = None  # set once the cluster runs
JOB_TIMEOUT = 600

SHARD_JOB = """#!/bin/bash
#SBATCH --job-name=redline-shard
# One shard of the plan per array task, its index from SLURM_ARRAY_TASK_ID. Index {fail} fails on
# its first attempt (the marker file does not exist yet), as a task on a lost node would.
set -u
if [[ $SLURM_ARRAY_TASK_ID == {fail} && ! -e {marker} ]]; then
    touch {marker}
    echo "shard $SLURM_ARRAY_TASK_ID: simulated lost node, first attempt" >&2
    exit 3
fi
exec {redline} run --plan {plan}
"""

MERGE_JOB = """#!/bin/bash
#SBATCH --job-name=redline-merge
{redline} merge --plan {plan} --out {gpkg} --json {json} --csv {csv}
status=$?
echo $status >{status_file}
exit $status
"""


def slurm_env():
    return cc.clean_env(SLURM_CONF=SLURM_CONF)


def slurm(args, timeout=120):
    return subprocess.run(args, capture_output=True, text=True, timeout=timeout, env=slurm_env())


def sbatch(args):
    p = slurm(["sbatch", "--parsable", "--export=ALL"] + args)
    if p.returncode != 0:
        raise AssertionError("sbatch %s failed: %s" % (" ".join(args), p.stderr))
    job = p.stdout.strip().split(";")[0]
    sys.stderr.write("  $ sbatch %s -> job %s\n" % (" ".join(args), job))
    return job


def wait_jobs(*jobs, timeout=JOB_TIMEOUT):
    """Until squeue lists none of these jobs (array tasks included); the seconds it took."""
    t0 = time.monotonic()
    while True:
        p = slurm(["squeue", "-h", "-o", "%i %T %r", "-j", ",".join(jobs)])
        # A job purged from slurmctld's memory makes squeue fail with "Invalid job id": done too.
        if p.returncode != 0 or not p.stdout.strip():
            return time.monotonic() - t0
        if time.monotonic() - t0 > timeout:
            raise AssertionError("jobs %s still queued or running after %d s:\n%s" % (jobs, timeout, p.stdout))
        time.sleep(0.5)


def job_states(job):
    """{array task id (or None): (state, exit code)} from `scontrol show job` (records are kept
    MinJobAge = 600 s after the end; there is no accounting database, so no sacct)."""
    p = slurm(["scontrol", "-o", "show", "job", job])
    if p.returncode != 0:
        raise AssertionError("scontrol show job %s: %s" % (job, p.stderr))
    states = {}
    for line in p.stdout.splitlines():
        fields = dict(re.findall(r"(\w+)=(\S*)", line))
        task = fields.get("ArrayTaskId")
        states[int(task) if task and task.isdigit() else task] = (fields.get("JobState"), fields.get("ExitCode"))
    return states


class SlurmArray(unittest.TestCase):
    maxDiff = 4000

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="redline_slurm_test_")
        os.makedirs(os.path.join(self.dir, "logs"))

    def tearDown(self):
        if self._outcome_ok():
            shutil.rmtree(self.dir, ignore_errors=True)
        else:
            logs = os.path.join(self.dir, "logs")
            for name in sorted(os.listdir(logs)):
                with open(os.path.join(logs, name), errors="replace") as f:
                    sys.stderr.write("--- %s\n%s" % (name, f.read()[-3000:]))
            sys.stderr.write("(files kept in %s)\n" % self.dir)

    def _outcome_ok(self):
        return getattr(getattr(self, "_outcome", None), "success", True)

    def write(self, name, text):
        path = os.path.join(self.dir, name)
        with open(path, "w") as f:
            f.write(text)
        os.chmod(path, 0o755)
        return path

    def test_array_with_a_lost_task_resubmitted_then_merged_as_a_dependent_job(self):
        t0 = time.monotonic()
        ref, ref_status = cc.reference(self, REDLINE, self.dir)
        plan = os.path.join(self.dir, "plan")
        n = cc.make_plan(self, REDLINE, plan, 4)
        fail = n // 2
        marker = os.path.join(self.dir, "shard_%d.first_attempt_done" % fail)
        q = shlex.quote
        job = self.write("shard.sh", SHARD_JOB.format(fail=fail, marker=q(marker), redline=q(REDLINE), plan=q(plan)))
        logs = os.path.join(self.dir, "logs")
        out = cc.outputs(os.path.join(self.dir, "merged"))
        status_file = os.path.join(self.dir, "merge.status")
        merge_job = self.write("merge.sh", MERGE_JOB.format(redline=q(REDLINE), plan=q(plan), status_file=q(status_file),
                                                            **{k: q(v) for k, v in out.items()}))

        # The array, two tasks at a time; one task "loses its node".
        array = sbatch(["--array=0-%d%%2" % (n - 1), "--chdir", self.dir,
                        "--output", os.path.join(logs, "run_%A_%a.out"), job])
        took = wait_jobs(array)
        sys.stderr.write("  array of %d shards done in %.1f s\n" % (n, took))
        states = job_states(array)
        self.assertEqual(sorted(states), list(range(n)), states)
        for k, (state, code) in states.items():
            if k == fail:
                self.assertEqual((state, code), ("FAILED", "3:0"), "the task of the lost node")
            else:
                self.assertEqual((state, code), ("COMPLETED", "0:0"), "array task %d" % k)
        self.assertTrue(os.path.exists(marker))

        line, status = cc.missing(self, REDLINE, plan)
        self.assertEqual((line, status), (str(fail), 1), "redline missing after shard %d was lost" % fail)
        cc.assert_merge_refused(self, REDLINE, plan, self.dir, line)

        # Resubmit what is missing, merge once that has succeeded.
        again = sbatch(["--array=" + line, "--chdir", self.dir, "--output", os.path.join(logs, "rerun_%A_%a.out"), job])
        merge = sbatch(["--dependency=afterok:" + again, "--chdir", self.dir,
                        "--output", os.path.join(logs, "merge_%j.out"), merge_job])
        took = wait_jobs(again, merge)
        sys.stderr.write("  resubmission and dependent merge done in %.1f s\n" % took)
        self.assertEqual(job_states(again), {fail: ("COMPLETED", "0:0")}, "the resubmitted task")
        self.assertEqual(cc.missing(self, REDLINE, plan), ("", 0), "redline missing after the resubmission")
        self.assertTrue(os.path.exists(status_file), "the merge job did not run: %s" % (job_states(merge),))
        with open(status_file) as f:
            merge_status = int(f.read())
        self.assertEqual(merge_status, ref_status,
                         "redline merge exited %d, the single-process coverage %d" % (merge_status, ref_status))
        self.assertEqual(job_states(merge)[None], ("FAILED" if merge_status else "COMPLETED", "%d:0" % merge_status))
        cc.assert_same_outputs(self, ref, out)

        # Everything present: a second run of every shard skips them all and succeeds.
        p = cc.run(REDLINE, ["run", "--plan", plan, "--all"])
        self.assertEqual(p.returncode, 0, p.stderr)
        sys.stderr.write("  Slurm array test: %.1f s\n" % (time.monotonic() - t0))

    def test_example_script(self):
        # scripts/cluster/slurm_array.sh as docs/cluster.md shows it: plan, array, dependent merge.
        ref, ref_status = cc.reference(self, REDLINE, self.dir)
        plan = os.path.join(self.dir, "plan3")
        out = cc.outputs(os.path.join(self.dir, "out", "merged3"))
        script = os.path.join(cc.ROOT, "scripts", "cluster", "slurm_array.sh")
        p = subprocess.run(["bash", script, "--redline", REDLINE, "--shards", "4", "--limit", "2"] + cc.output_args(out)
                           + [plan, "coverage"] + cc.coverage_inputs(),
                           capture_output=True, text=True, timeout=600, env=slurm_env(), cwd=self.dir)
        self.assertEqual(p.returncode, 0, p.stderr)
        array, merge = p.stdout.strip().splitlines()[-1].split()
        sys.stderr.write("  slurm_array.sh: array %s, merge %s\n" % (array, merge))
        wait_jobs(array, merge)
        for k, (state, code) in job_states(array).items():
            self.assertEqual((state, code), ("COMPLETED", "0:0"), "array task %s" % k)
        logs = os.path.join(plan + ".logs")
        merge_log = os.path.join(logs, "merge_%s.out" % merge)
        self.assertTrue(os.path.isfile(merge_log), "the merge job did not run: %s %s"
                        % (job_states(merge), sorted(os.listdir(logs))))
        with open(merge_log, errors="replace") as f:
            last = f.read().strip().splitlines()[-1]
        self.assertEqual(last, "redline merge exit status %d" % ref_status)
        cc.assert_same_outputs(self, ref, out)
        # Nothing missing: --resubmit submits nothing.
        p = subprocess.run(["bash", script, "--redline", REDLINE, "--json", out["json"], "--resubmit", plan],
                           capture_output=True, text=True, timeout=120, env=slurm_env(), cwd=self.dir)
        self.assertEqual((p.returncode, p.stdout), (0, ""), p.stderr)
        self.assertIn("nothing to resubmit", p.stderr)

    def test_srun_ranks_share_the_shards(self):
        t0 = time.monotonic()
        ref, ref_status = cc.reference(self, REDLINE, self.dir)
        plan = os.path.join(self.dir, "plan2")
        n = cc.make_plan(self, REDLINE, plan, 4)
        self.assertEqual(cc.expand(cc.missing(self, REDLINE, plan)[0]), list(range(n)))
        # Two tasks of one job step: rank r of 2 runs shards r, r+2, ... (SLURM_PROCID/SLURM_NTASKS).
        p = subprocess.run(["srun", "-n", "2", "--chdir", self.dir, "--job-name", "redline-ranks",
                            REDLINE, "run", "--plan", plan],
                           capture_output=True, text=True, timeout=JOB_TIMEOUT, env=slurm_env())
        self.assertEqual(p.returncode, 0, "srun -n 2 redline run:\n" + p.stdout + p.stderr)
        self.assertEqual(cc.missing(self, REDLINE, plan), ("", 0), "redline missing after srun -n 2")
        out = cc.outputs(os.path.join(self.dir, "merged2"))
        m = cc.run(REDLINE, ["merge", "--plan", plan] + cc.output_args(out))
        self.assertEqual(m.returncode, ref_status, m.stderr)
        cc.assert_same_outputs(self, ref, out)
        sys.stderr.write("  srun test: %.1f s\n" % (time.monotonic() - t0))


def main():
    why = cc.plan_commands_missing(REDLINE)
    if why:
        print("SKIP: " + why)
        return cc.SKIP
    slurm_dir = tempfile.mkdtemp(prefix="redline_slurm_")
    # The daemons outlive this process if it is killed (ctest's timeout sends SIGKILL, so no
    # `finally` runs): a watchdog, detached so that kill does not reach it, stops them once this
    # process is gone. SIGTERM and SIGHUP become KeyboardInterrupt, so `finally` runs for those.
    watchdog = ("while kill -0 %d 2>/dev/null; do sleep 2; done; bash %s stop %s >/dev/null 2>&1; rm -rf %s"
                % (os.getpid(), shlex.quote(SCRIPT), shlex.quote(slurm_dir), shlex.quote(slurm_dir)))
    subprocess.run(["setsid", "bash", "-c", "(%s) </dev/null >/dev/null 2>&1 &" % watchdog], check=False)

    def interrupted(signum, frame):
        raise KeyboardInterrupt("signal %d" % signum)
    signal.signal(signal.SIGTERM, interrupted)
    signal.signal(signal.SIGHUP, interrupted)
    started = False
    try:
        t0 = time.monotonic()
        try:
            p = subprocess.run(["bash", SCRIPT, "start", slurm_dir], capture_output=True, text=True, timeout=1200)
        except (OSError, subprocess.TimeoutExpired) as e:
            p, reason = None, str(e)
        # Whatever it printed, stop what it may have started.
        started = True
        last = p.stdout.strip().splitlines()[-1] if p is not None and p.stdout.strip() else ""
        if p is None or p.returncode != 0 or not last.startswith("export SLURM_CONF="):
            if p is not None:
                reason = "\n".join((p.stderr or "").strip().splitlines()[-20:])
            print("SKIP: Slurm could not be installed or started (%s start %s):\n%s" % (SCRIPT, slurm_dir, reason))
            return cc.SKIP
        global SLURM_CONF
        SLURM_CONF = last.split("=", 1)[1]
        sys.stderr.write("Slurm started in %.1f s: SLURM_CONF=%s\n" % (time.monotonic() - t0, SLURM_CONF))
        prog = unittest.main(exit=False)
        return 0 if prog.result.wasSuccessful() else 1
    finally:
        if started:
            s = subprocess.run(["bash", SCRIPT, "stop", slurm_dir], capture_output=True, text=True, timeout=300)
            if s.returncode != 0:
                sys.stderr.write("slurm_local.sh stop failed:\n%s\n" % s.stderr)
        shutil.rmtree(slurm_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
