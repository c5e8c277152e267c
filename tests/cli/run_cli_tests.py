#!/usr/bin/python3
"""Golden tests of redline's command-line behaviour.

Each file in cases/ describes one invocation, PROJ-test style:

    # what the case shows
    setup: shell command run first in the case's temporary directory (optional, repeatable)
    args: coverage --boundary {sample}/boundary.geojson ...
    exit: 2
    stdout: text that must appear in stdout (repeatable)
    stderr: text that must appear in stderr (repeatable)
    not-stdout: text that must not appear (repeatable)
    golden-stdout: golden/NAME.txt     (stdout must equal the file)
    json: FILE key.path=value          (a JSON output's field equals value; numbers within 1e-9 relative)
    json: FILE key.path~value±tol      (a number within tol: for figures computed independently)

{sample} is sample_data/, {tmp} the case's temporary directory, {root} the source tree, {redline}
the binary (for setup lines). Scheduler variables (SLURM_*, OMPI_*, ...) are removed from the
environment, so cases behave the same inside a cluster job. Run with
--update to rewrite the golden files from the current output (then review the diff).
"""
import argparse
import json
import os
import shlex
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


SCHEDULER_PREFIXES = ("SLURM_", "OMPI_", "PMI_", "PMIX_", "JOB_COMPLETION_INDEX", "AWS_BATCH_", "PBS_", "SGE_",
                      "LSB_")


def parse_case(path):
    case = {"setup": [], "stdout": [], "stderr": [], "not-stdout": [], "json": [], "exit": "0"}
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            key, sep, value = line.partition(":")
            if not sep:
                raise SystemExit(f"{path}:{number}: expected 'key: value'")
            key, value = key.strip(), value.strip()
            if key in ("setup", "stdout", "stderr", "not-stdout", "json"):
                case[key].append(value)
            elif key in ("args", "exit", "golden-stdout"):
                case[key] = value
            else:
                raise SystemExit(f"{path}:{number}: unknown key '{key}'")
    if "args" not in case:
        raise SystemExit(f"{path}: no 'args:' line")
    return case


def lookup(data, dotted):
    for part in dotted.split("."):
        data = data[int(part)] if isinstance(data, list) else data[part]
    return data


def run_case(redline, path, update):
    case = parse_case(path)
    name = os.path.splitext(os.path.basename(path))[0]
    failures = []
    with tempfile.TemporaryDirectory(prefix=f"redline-cli-{name}-") as tmp:
        subst = {"sample": os.path.join(ROOT, "sample_data"), "tmp": tmp, "root": ROOT, "redline": redline}
        env = {k: v for k, v in os.environ.items() if not k.startswith(SCHEDULER_PREFIXES)}
        env.update(REDLINE_DATA_DIR=ROOT, LC_ALL="C.UTF-8")
        for command in case["setup"]:
            done = subprocess.run(command.format(**subst), shell=True, cwd=tmp, capture_output=True, text=True, env=env)
            if done.returncode != 0:
                return [f"setup failed: {command}\n{done.stderr}"]
        args = [a.format(**subst) for a in shlex.split(case["args"])]
        done = subprocess.run([redline] + args, cwd=tmp, capture_output=True, text=True, env=env, timeout=300)
        out = done.stdout.replace(tmp, "{tmp}").replace(subst["sample"], "{sample}")
        err = done.stderr.replace(tmp, "{tmp}").replace(subst["sample"], "{sample}")
        if str(done.returncode) != case["exit"]:
            failures.append(f"exit status {done.returncode}, expected {case['exit']}\nstderr: {err[-2000:]}")
        for text in case["stdout"]:
            if text not in out:
                failures.append(f"stdout lacks: {text}\nstdout: {out[-3000:]}")
        for text in case["not-stdout"]:
            if text in out:
                failures.append(f"stdout has: {text}")
        for text in case["stderr"]:
            if text not in err:
                failures.append(f"stderr lacks: {text}\nstderr: {err[-2000:]}")
        if "golden-stdout" in case:
            golden = os.path.join(HERE, case["golden-stdout"])
            if update:
                with open(golden, "w", encoding="utf-8") as f:
                    f.write(out)
            else:
                with open(golden, encoding="utf-8") as f:
                    expected = f.read()
                if out != expected:
                    import difflib
                    diff = "".join(difflib.unified_diff(expected.splitlines(True), out.splitlines(True),
                                                        "golden", "actual"))
                    failures.append(f"stdout differs from {case['golden-stdout']}:\n{diff[:4000]}")
        for spec in case["json"]:
            file, _, check = spec.partition(" ")
            approx = "~" in check and ("=" not in check or check.index("~") < check.index("="))
            key, _, expected = check.partition("~" if approx else "=")
            try:
                with open(os.path.join(tmp, file), encoding="utf-8") as f:
                    actual = lookup(json.load(f), key)
            except Exception as e:  # missing file or key
                failures.append(f"json {file} {key}: {e}")
                continue
            try:
                if approx:
                    value, _, tol = expected.partition("±")
                    ok = abs(float(actual) - float(value)) <= float(tol)
                else:
                    ok = abs(float(actual) - float(expected)) <= 1e-9 * max(1.0, abs(float(expected)))
            except (TypeError, ValueError):
                ok = str(actual).lower() == expected.lower()
            if not ok:
                failures.append(f"json {file} {key} = {actual}, expected {expected}")
    return failures


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--redline", required=True)
    parser.add_argument("--update", action="store_true", help="rewrite golden files")
    parser.add_argument("cases", nargs="*", help="case names (default: all)")
    a = parser.parse_args()
    names = a.cases or sorted(f[:-5] for f in os.listdir(os.path.join(HERE, "cases")) if f.endswith(".case"))
    failed = 0
    for name in names:
        failures = run_case(os.path.abspath(a.redline), os.path.join(HERE, "cases", name + ".case"), a.update)
        print(f"{'ok  ' if not failures else 'FAIL'} {name}")
        for f in failures:
            print("     " + f.replace("\n", "\n     "))
        failed += bool(failures)
    print(f"{len(names) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
