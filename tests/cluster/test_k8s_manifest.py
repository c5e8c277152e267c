#!/usr/bin/python3
"""scripts/cluster/k8s_indexed_job.yaml, checked without a Kubernetes cluster (none can run here):
the manifest parses, its objects are what docs/cluster.md says (a ReadWriteMany claim mounted at
/data by every pod, an Indexed Job whose completions the documented sed replaces, plan and merge
Jobs), and its containers' commands work: run here with /data replaced by a temporary folder
holding sample_data/ as /data/input, the plan Job's command, then the run Job's command once per
index with JOB_COMPLETION_INDEX set as Kubernetes sets it, then the merge Job's command, whose
outputs must equal a single-process `redline coverage` with the manifest's options.

This exercises the manifest's commands and redline's JOB_COMPLETION_INDEX path, not Kubernetes.
Exits 77 (skipped) when this build has no `redline plan` yet.

Run: /usr/bin/python3 tests/cluster/test_k8s_manifest.py --redline build/redline [-v]
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cluster_common as cc  # noqa: E402

ARGS = cc.parse_args()
REDLINE = ARGS["--redline"]
MANIFEST = os.path.join(cc.ROOT, "scripts", "cluster", "k8s_indexed_job.yaml")


def load(text):
    return {d["metadata"]["labels"]["redline/step"]: d for d in yaml.safe_load_all(text) if d}


def container(doc):
    spec = doc["spec"]["template"]["spec"]
    assert len(spec["containers"]) == 1, doc["metadata"]["name"]
    return spec["containers"][0], spec


class Manifest(unittest.TestCase):
    maxDiff = 4000

    def setUp(self):
        with open(MANIFEST) as f:
            self.text = f.read()
        self.docs = load(self.text)
        self.dir = tempfile.mkdtemp(prefix="redline_k8s_test_")

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def test_objects(self):
        self.assertEqual(sorted(self.docs), ["merge", "plan", "run", "storage"])
        claim = self.docs["storage"]
        self.assertEqual(claim["kind"], "PersistentVolumeClaim")
        self.assertIn("ReadWriteMany", claim["spec"]["accessModes"])
        for step in ("plan", "run", "merge"):
            job = self.docs[step]
            self.assertEqual((job["apiVersion"], job["kind"]), ("batch/v1", "Job"), step)
            c, spec = container(job)
            self.assertEqual(spec["restartPolicy"], "Never", step)
            self.assertIn({"name": "data", "mountPath": "/data"}, c["volumeMounts"], step)
            self.assertEqual(spec["volumes"], [{"name": "data", "persistentVolumeClaim":
                                                {"claimName": claim["metadata"]["name"]}}], step)
            self.assertEqual(job["spec"]["template"]["metadata"]["labels"]["redline/step"], step)
        run = self.docs["run"]["spec"]
        self.assertEqual(run["completionMode"], "Indexed")
        self.assertIsInstance(run["completions"], int)
        self.assertIsInstance(run["parallelism"], int)
        self.assertEqual(container(self.docs["run"])[0]["command"], ["redline", "run", "--plan", "/data/plan"])

    def test_commands_run_as_kubernetes_runs_them(self):
        data = os.path.join(self.dir, "data")
        shutil.copytree(cc.SAMPLE, os.path.join(data, "input"))
        os.makedirs(os.path.join(data, "out"))
        bindir = os.path.join(self.dir, "bin")  # `redline` on PATH, as in the image
        os.makedirs(bindir)
        os.symlink(REDLINE, os.path.join(bindir, "redline"))
        env = cc.clean_env(PATH=bindir + os.pathsep + os.environ.get("PATH", "/usr/bin:/bin"))
        local = lambda words: [w.replace("/data", data) for w in words]  # noqa: E731

        def pod(doc, index=None):
            c, _ = container(doc)
            e = dict(env)
            if index is not None:
                e["JOB_COMPLETION_INDEX"] = str(index)  # what the Indexed Job sets in pod k
            return subprocess.run(local(c["command"] + c.get("args", [])), capture_output=True, text=True,
                                  timeout=600, env=e, cwd=self.dir)

        # The single-process reference: the plan Job's coverage options, other outputs.
        c, _ = container(self.docs["plan"])
        options = [a for a in local(c["args"]) if not a.startswith(("--out=", "--json=", "--csv="))]
        ref = cc.outputs(os.path.join(self.dir, "single"))
        r = cc.run(REDLINE, ["coverage"] + options + cc.output_args(ref), env=env)
        self.assertIn(r.returncode, (0, 1), r.stderr)

        p = pod(self.docs["plan"])
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        found = re.findall(r"^shards: ([0-9]+)$", p.stdout + p.stderr, re.M)
        self.assertEqual(len(found), 1, "the plan pod's log has no 'shards: N' line:\n" + p.stdout)
        n = int(found[0])
        self.assertGreaterEqual(n, 1)

        # The documented sed sets the run Job's completions to N.
        text = re.sub(r"completions: 16 *#.*", "completions: %d" % n, self.text)
        run_job = load(text)["run"]
        self.assertEqual(run_job["spec"]["completions"], n)
        line, status = cc.missing(self, REDLINE, os.path.join(data, "plan"))
        self.assertEqual(cc.expand(line), list(range(n)))

        m = pod(self.docs["merge"])
        self.assertNotEqual(m.returncode, 0, "the merge pod succeeded before any shard ran:\n" + m.stdout + m.stderr)
        self.assertIn("redline merge: exit status 2", m.stdout)

        for k in range(run_job["spec"]["completions"]):
            p = pod(run_job, index=k)
            self.assertEqual(p.returncode, 0, "pod %d of the run Job:\n%s" % (k, p.stderr))
        self.assertEqual(cc.missing(self, REDLINE, os.path.join(data, "plan")), ("", 0))

        m = pod(self.docs["merge"])
        self.assertEqual(m.returncode, 0, "the merge pod failed:\n" + m.stdout + m.stderr)
        self.assertIn("redline merge: exit status %d" % r.returncode, m.stdout)
        got = {kind: os.path.join(data, "out", "coverage." + kind) for kind in ("gpkg", "json", "csv")}
        cc.assert_same_outputs(self, ref, got)


def main():
    why = cc.plan_commands_missing(REDLINE)
    if why:
        print("SKIP: " + why)
        return cc.SKIP
    prog = unittest.main(exit=False)
    return 0 if prog.result.wasSuccessful() else 1


if __name__ == "__main__":
    sys.exit(main())
