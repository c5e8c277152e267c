#!/usr/bin/python3
"""Run redline on the corpus of bad inputs and check what it says and what it leaves behind.

    /usr/bin/python3 tests/badinput/run_bad_inputs.py --redline build/redline [CASE...] [--keep] [-v]

Generates the corpus (scripts/make_bad_inputs.py) into a temporary folder, from a copy of
sample_data/ (so no case can touch the repository's files), then runs every case of expected.txt
(its header documents the format and every check) with a 30 s timeout, and prints a table:

    PASS   the case behaves as expected.txt says
    FAIL   it does not (or it crashed, hung, or modified an input)
    KNOWN  a known failure (a 'known:' line): reported with its note, does not fail the run,
           unless redline crashed or hung
    XPASS  a known failure that now passes: remove its 'known:' line
    SKIP   needs a non-root user (root reads and writes files whatever their mode)

Exit status 1 when a case FAILs, else 0.
"""
import argparse
import csv
import hashlib
import json
import os
import re
import resource
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
TIMEOUT = 30
PARTIAL_MARKERS = (".redline-partial-", ".redline-work-")
OUTPUT_OPTIONS = ("--out", "--json", "--csv")


# ---------------------------------------------------------------------------------- expected.txt

def parse_cases(path):
    cases, case = [], None
    multi = ("stderr", "stdout", "output", "stderr~", "stdout~", "output~", "not-output", "setup")
    with open(path, encoding="utf-8") as f:
        for number, raw in enumerate(f, 1):
            line = raw.rstrip("\n")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            if line.startswith("[") and line.rstrip().endswith("]"):
                case = {"name": line.strip()[1:-1], "line": number, "exit": None, "args": None,
                        "requires": [], "known": None, "file-size-limit": None, **{k: [] for k in multi}}
                cases.append(case)
                continue
            key, sep, value = line.partition(":")
            key, value = key.strip(), value.strip()
            if case is None or not sep:
                raise SystemExit(f"{path}:{number}: expected '[name]' or 'key: value'")
            if key in multi:
                case[key].append(value)
            elif key == "requires":
                case["requires"].append(value)
            elif key in ("args", "exit", "known"):
                case[key] = value
            elif key == "file-size-limit":
                if not value.isdigit():
                    raise SystemExit(f"{path}:{number}: file-size-limit takes a number of bytes")
                case[key] = int(value)
            else:
                raise SystemExit(f"{path}:{number}: unknown key '{key}'")
    for c in cases:
        if not c["args"] or not c["exit"]:
            raise SystemExit(f"{path}:{c['line']}: case {c['name']} needs 'args:' and 'exit:'")
    names = [c["name"] for c in cases]
    dup = {n for n in names if names.count(n) > 1}
    if dup:
        raise SystemExit(f"{path}: duplicate case names: {', '.join(sorted(dup))}")
    return cases


# ---------------------------------------------------------------------------------- file trees

def file_md5(path):
    h = hashlib.md5()
    try:
        with open(path, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                h.update(block)
    except PermissionError:
        return "unreadable"
    return h.hexdigest()


def tree_state(top):
    """{relative path: what it is} for everything under top (symbolic links not followed)."""
    state = {}
    for dirpath, dirnames, filenames in os.walk(top):
        for name in dirnames + filenames:
            p = os.path.join(dirpath, name)
            rel = os.path.relpath(p, top)
            if os.path.islink(p):
                state[rel] = "link -> " + os.readlink(p)
                if name in dirnames:
                    dirnames.remove(name)
            elif os.path.isdir(p):
                state[rel] = "dir"
            else:
                state[rel] = "file " + file_md5(p)
    return state


def tree_changes(before, after):
    changes = []
    for rel in sorted(set(before) | set(after)):
        if rel not in after:
            changes.append(f"removed {rel}")
        elif rel not in before:
            changes.append(f"added {rel}" + (" (a directory)" if after[rel] == "dir" else ""))
        elif before[rel] != after[rel]:
            changes.append(f"changed {rel}" + (f" ({before[rel]} -> {after[rel]})" if "file" not in after[rel] else ""))
    return changes


def partial_files(*tops):
    found = []
    for top in tops:
        for dirpath, dirnames, filenames in os.walk(top):
            for name in dirnames + filenames:
                if any(m in name for m in PARTIAL_MARKERS):
                    found.append(os.path.join(dirpath, name))
    return found


def make_writable(top):
    for dirpath, dirnames, _ in os.walk(top):
        for d in dirnames:
            p = os.path.join(dirpath, d)
            if not os.path.islink(p):
                os.chmod(p, 0o755)
    os.chmod(top, 0o755)


def copy_tree(src, dst):
    if os.path.exists(dst):
        make_writable(dst)
        shutil.rmtree(dst)
    shutil.copytree(src, dst, symlinks=True, copy_function=copy_even_unreadable)
    # copytree copies modes, so readonly_dir/ stays 555 and unreadable.geojson 000


def copy_even_unreadable(src, dst):
    """shutil.copy2, also for our own files of mode 000 when not running as root."""
    try:
        return shutil.copy2(src, dst)
    except PermissionError:
        mode = os.stat(src).st_mode
        os.chmod(src, 0o600)
        try:
            return shutil.copy2(src, dst)
        finally:
            os.chmod(src, mode)
            os.chmod(dst, mode)


# ---------------------------------------------------------------------------------- one case

def output_paths(args, cwd):
    paths = []
    for i, a in enumerate(args[:-1]):
        if a in OUTPUT_OPTIONS:
            paths.append(os.path.normpath(os.path.join(cwd, args[i + 1])))
    return paths


def matches(text, fragment):
    return any(alt.strip() in text for alt in fragment.split(" || "))


def file_size_limit(limit):
    """For subprocess's preexec_fn: no file written may grow beyond @p limit bytes; a write beyond
    fails with EFBIG, as one fails with ENOSPC on a full disk (SIGXFSZ ignored, so the write returns
    the error instead of killing the process). Root is bound by it too."""
    def apply():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


def run_case(case, redline, dirs, is_root):
    """Returns (status, exit code or '-', [problems])."""
    if "nonroot" in case["requires"] and is_root:
        return "SKIP", "-", ["runs as root, which reads and writes files whatever their mode: run as another user"]
    out = os.path.join(dirs["outs"], case["name"])
    os.makedirs(out)
    subst = {"sample": dirs["sample"], "corpus": dirs["corpus"], "out": out, "root": ROOT}
    for command in case["setup"]:
        done = subprocess.run(command.format(**subst), shell=True, cwd=out, capture_output=True, text=True)
        if done.returncode != 0:
            return "FAIL", "-", [f"setup failed: {command}: {done.stderr.strip()}"]
    args = [a.format(**subst) for a in shlex.split(case["args"])]
    outputs = output_paths(args, dirs["corpus"])
    out_before = tree_state(out)
    env = dict(os.environ, REDLINE_DATA_DIR=ROOT, LC_ALL="C.UTF-8")
    problems, fatal = [], False
    try:
        limit = case["file-size-limit"]
        done = subprocess.run([redline] + args, cwd=dirs["corpus"], capture_output=True, env=env, timeout=TIMEOUT,
                              preexec_fn=file_size_limit(limit) if limit is not None else None)
        code, raw_out, raw_err = done.returncode, done.stdout, done.stderr
    except subprocess.TimeoutExpired as e:
        code, raw_out, raw_err = None, e.stdout or b"", e.stderr or b""
        problems.append(f"HANG: no exit after {TIMEOUT} s (killed)")
        fatal = True

    def text_of(raw, stream):
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as e:
            problems.append(f"{stream} is not valid UTF-8 (byte {e.start}: {raw[e.start:e.start + 8]!r})")
            text = raw.decode("utf-8", errors="replace")
        for key in ("out", "sample", "corpus"):  # longest paths first is not needed: siblings
            text = text.replace(subst[key], "{" + key + "}")
        return text

    stdout, stderr = text_of(raw_out, "stdout"), text_of(raw_err, "stderr")
    if code is not None and code < 0:
        problems.append(f"CRASH: killed by signal {-code}")
        fatal = True
    allowed = [int(x) for x in case["exit"].split("|")]
    if code is not None and code not in allowed:
        problems.append(f"exit status {code}, expected {case['exit']}")
    for key, text in (("stderr", stderr), ("stdout", stdout), ("output", stdout + "\n" + stderr)):
        for fragment in case[key]:
            if not matches(text, fragment):
                problems.append(f"{key} lacks: {fragment}")
        for pattern in case[key + "~"]:
            if not re.search(pattern, text):
                problems.append(f"{key} does not match: {pattern}")
    for fragment in case["not-output"]:
        if matches(stdout + "\n" + stderr, fragment):
            problems.append(f"output has: {fragment}")

    # inputs never modified, nothing added beside them
    for key in ("corpus", "sample"):
        changes = tree_changes(dirs["state"][key], tree_state(dirs[key]))
        if changes:
            problems.append(f"INPUT FOLDER {key} modified: " + "; ".join(changes[:8]))
            copy_tree(dirs["pristine_" + key], dirs[key])
    leftovers = partial_files(out, dirs["corpus"], dirs["sample"])
    if leftovers:
        problems.append("temporary files left: " + ", ".join(p.replace(dirs["tmp"] + "/", "") for p in leftovers))
    out_after = tree_state(out)
    failed_run = code is None or code not in (0, 1)
    if failed_run:
        changes = tree_changes(out_before, out_after)
        if changes:
            problems.append("the run failed but changed the output folder: " + "; ".join(changes[:8]))
    else:
        for p in outputs:
            if not os.path.lexists(p):
                continue
            rel = p.replace(dirs["tmp"] + "/", "")
            if os.path.isdir(p):
                problems.append(f"output {rel} is a directory, not a file")
            elif p.endswith(".json"):
                try:
                    with open(p, encoding="utf-8") as f:
                        json.load(f)
                except (ValueError, UnicodeDecodeError) as e:
                    problems.append(f"output {rel} is not valid UTF-8 JSON: {e}")
            elif p.endswith(".csv"):
                try:
                    with open(p, encoding="utf-8-sig") as f:
                        list(csv.reader(f))
                except (ValueError, UnicodeDecodeError, csv.Error) as e:
                    problems.append(f"output {rel} is not a UTF-8 CSV: {e}")
    if not problems:
        return ("XPASS" if case["known"] else "PASS"), code, []
    if case["known"] and not fatal:
        return "KNOWN", code, problems
    return "FAIL", ("-" if code is None else code), problems


# ---------------------------------------------------------------------------------- main

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--redline", required=True, help="the redline binary")
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder (corpus and outputs)")
    ap.add_argument("-v", "--verbose", action="store_true", help="print the problems of KNOWN cases too")
    ap.add_argument("cases", nargs="*", help="case names (default: all)")
    a = ap.parse_args()
    redline = os.path.abspath(a.redline)
    cases = parse_cases(os.path.join(HERE, "expected.txt"))
    if a.cases:
        unknown = set(a.cases) - {c["name"] for c in cases}
        if unknown:
            raise SystemExit("no such case: " + ", ".join(sorted(unknown)))
        cases = [c for c in cases if c["name"] in a.cases]
    is_root = os.geteuid() == 0

    tmp = tempfile.mkdtemp(prefix="redline-badinput-")
    dirs = {"tmp": tmp, "sample": os.path.join(tmp, "sample"), "corpus": os.path.join(tmp, "corpus"),
            "outs": os.path.join(tmp, "out"), "pristine_corpus": os.path.join(tmp, "pristine", "corpus"),
            "pristine_sample": os.path.join(tmp, "pristine", "sample")}
    try:
        shutil.copytree(os.path.join(ROOT, "sample_data"), dirs["sample"])
        gen = subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "make_bad_inputs.py"),
                              "--out", dirs["corpus"], "--sample", dirs["sample"]], capture_output=True, text=True)
        if gen.returncode != 0:
            print(gen.stdout + gen.stderr)
            raise SystemExit("make_bad_inputs.py failed")
        os.makedirs(os.path.dirname(dirs["pristine_corpus"]))
        copy_tree(dirs["corpus"], dirs["pristine_corpus"])
        copy_tree(dirs["sample"], dirs["pristine_sample"])
        os.makedirs(dirs["outs"])
        dirs["state"] = {"corpus": tree_state(dirs["corpus"]), "sample": tree_state(dirs["sample"])}
        if is_root:
            print("Running as root: the cases that need an unreadable file or a read-only folder are skipped.")

        results = []
        width = max(len(c["name"]) for c in cases)
        print(f"{'case':<{width}}  result  exit")
        for case in cases:
            status, code, problems = run_case(case, redline, dirs, is_root)
            results.append((case, status, code, problems))
            print(f"{case['name']:<{width}}  {status:<6}  {code}")
            if status == "FAIL" or (a.verbose and status == "KNOWN"):
                for p in problems:
                    print(" " * (width + 2) + "- " + p.replace("\n", "\n" + " " * (width + 4)))
            if status == "KNOWN":
                print(" " * (width + 2) + "known: " + case["known"])
            if status == "XPASS":
                print(" " * (width + 2) + "now passes: remove its 'known:' line from expected.txt")
            sys.stdout.flush()
        counts = {s: sum(1 for r in results if r[1] == s) for s in ("PASS", "FAIL", "KNOWN", "XPASS", "SKIP")}
        print(", ".join(f"{n} {s}" for s, n in counts.items()))
        return 1 if counts["FAIL"] else 0
    finally:
        if a.keep:
            print(f"kept {tmp}")
        else:
            make_writable(tmp)
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
