#!/usr/bin/env python3
"""Runs every example study in netlists/ with two spincim executables and compares the outputs.

Used to show that a refactoring changed no result (issue 13, acceptance 1):

    python3 scripts/compare_studies.py --old OLD/spincim --new build/src/cli/spincim [--work DIR]

For each study it compares, old against new:
  * `spincim check` and `spincim netlist` standard output, byte for byte;
  * `spincim run` (or, for monte_carlo studies, `spincim sweep` of a reduced copy: a fixed plan of
    eight samples at two popcounts of the first two cases, since the full adaptive sweeps take
    half an hour each; the samples are keyed, so these are the same draws the full sweep makes):
    every CSV file byte for byte, results.json as JSON with the fields that depend on the binary
    or the clock removed (spincim_version, elapsed times).
Prints one line per comparison and exits 1 if anything differs (additions to results.json are
listed separately from changed values).
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
# Fields that legitimately differ between two binaries or two runs of the same binary.
VOLATILE = {"spincim_version", "elapsed_s", "time_s", "time_training_s", "time_total_s"}


def strip(obj):
    if isinstance(obj, dict):
        return {k: strip(v) for k, v in obj.items() if k not in VOLATILE}
    if isinstance(obj, list):
        return [strip(v) for v in obj]
    return obj


def diff_json(a, b, path=""):
    """Yields (kind, path) for every difference: kind is added, removed or changed."""
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b)):
            p = f"{path}/{k}"
            if k not in a:
                yield "added", p
            elif k not in b:
                yield "removed", p
            else:
                yield from diff_json(a[k], b[k], p)
    elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b)):
            yield from diff_json(x, y, f"{path}[{i}]")
    elif a != b:
        yield "changed", path


def run(cmd, cwd):
    # Both binaries include the same model files (netlists name them by absolute path).
    env = dict(os.environ, SPINCIM_MODELS_DIR=str(ROOT / "models"))
    p = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env=env)
    return p.returncode, p.stdout, p.stderr


def reduced_sweep_copy(study: Path, work: Path) -> Path:
    doc = yaml.safe_load(study.read_text())
    mc = doc["monte_carlo"]
    if "grid" in mc:
        raise SystemExit(f"{study}: grid studies are not reduced by this script")
    mc["cases"] = mc["cases"][:2]
    n = int(mc["cases"][0]["n"])
    mc["plan"] = {"kind": "fixed", "k": [n // 2 - 1, n // 2 + 1], "samples": 8,
                  "model": mc.get("plan", {}).get("model", "log_linear")}
    out = work / f"{study.stem}_reduced.yaml"
    out.write_text(yaml.safe_dump(doc, sort_keys=False))
    return out


def compare_dirs(a: Path, b: Path, label: str, problems: list):
    files_a = {p.relative_to(a) for p in a.rglob("*") if p.is_file()}
    files_b = {p.relative_to(b) for p in b.rglob("*") if p.is_file()}
    for f in sorted(files_a ^ files_b, key=str):
        where = "old" if f in files_a else "new"
        problems.append(f"{label}: {f} only in the {where} output")
    for f in sorted(files_a & files_b, key=str):
        if f.name == "journal.tsv":
            continue  # holds the study hash, which binds the binary's built-in design
        if f.name == "results.json":
            ja = strip(json.loads((a / f).read_text()))
            jb = strip(json.loads((b / f).read_text()))
            diffs = list(diff_json(ja, jb))
            for kind, path in diffs:
                problems.append(f"{label}: results.json {kind} {path}")
            print(f"  {label}/{f}: {'equal' if not diffs else f'{len(diffs)} differences'}"
                  " (JSON, version and timing fields removed)")
        else:
            same = (a / f).read_bytes() == (b / f).read_bytes()
            if not same:
                problems.append(f"{label}: {f} differs")
            print(f"  {label}/{f}: {'identical' if same else 'DIFFERENT'}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--old", required=True, help="the reference spincim executable")
    ap.add_argument("--new", required=True, help="the spincim executable under test")
    ap.add_argument("--work", help="scratch folder (default: a temporary one, removed)")
    ap.add_argument("--only", nargs="*", help="study file names to compare (default: all)")
    args = ap.parse_args()
    work = Path(args.work) if args.work else Path(tempfile.mkdtemp(prefix="spincim-compare-"))
    work.mkdir(parents=True, exist_ok=True)
    problems = []
    studies = sorted((ROOT / "netlists").glob("*.yaml"))
    if args.only:
        studies = [s for s in studies if s.name in args.only]
    for study in studies:
        print(f"{study.name}")
        is_sweep = "monte_carlo" in yaml.safe_load(study.read_text())
        outs = {}
        for tag, exe in (("old", args.old), ("new", args.new)):
            exe = str(Path(exe).resolve())
            outs[tag] = {}
            outs[tag]["check"] = run([exe, "check", str(study)], ROOT)
            outs[tag]["netlist"] = run([exe, "netlist", str(study)], ROOT)
            out = work / tag / study.stem
            shutil.rmtree(out, ignore_errors=True)
            if is_sweep:
                reduced = reduced_sweep_copy(study, work)
                outs[tag]["run"] = run([exe, "sweep", str(reduced), "-o", str(out),
                                        "--workers", "2", "--no-progress"], ROOT)
            else:
                outs[tag]["run"] = run([exe, "run", str(study), "-o", str(out)], ROOT)
            outs[tag]["dir"] = out
        for step in ("check", "netlist", "run"):
            (ca, oa, ea), (cb, ob, eb) = outs["old"][step], outs["new"][step]
            if ca != cb:
                problems.append(f"{study.name}: {step} exit {ca} (old) vs {cb} (new)")
            if step == "run" and ca not in (0, 3):
                problems.append(f"{study.name}: run failed (exit {ca}): {ea.strip()[-300:]}")
            if step == "netlist" and ca == 0 and oa != ob:
                problems.append(f"{study.name}: netlist text differs")
            if step == "check" and oa != ob:
                problems.append(f"{study.name}: check output differs")
            what = {"check": "stdout", "netlist": "text", "run": "exit code"}[step]
            same = ca == cb and (step == "run" or oa == ob)
            print(f"  {step}: exit {ca}/{cb}, {what} {'identical' if same else 'DIFFERENT'}")
        if outs["old"]["dir"].exists() and outs["new"]["dir"].exists():
            compare_dirs(outs["old"]["dir"], outs["new"]["dir"], study.stem, problems)
    if not args.work:
        shutil.rmtree(work, ignore_errors=True)
    print()
    if problems:
        print(f"{len(problems)} differences:")
        for p in problems:
            print("  " + p)
        return 1
    print(f"{len(studies)} studies: no differences")
    return 0


if __name__ == "__main__":
    sys.exit(main())
