"""`make bench`: what a user waits for when validating a big package, beside what it could cost.

In one run, each as a whole process of its own (interpreter start included, as users run it):

- `python -m civharm.validate <package>`: wall time, peak RSS, and its verdict: the package must be valid,
  or the generator has a bug and the bench fails;
- the floor: DuckDB reading every CSV of the same package (`python -m bench.floor`);
- `frictionless validate` on the same package, killed at a cap and then reported as "more than".

Two shapes: `synthetic` (bench/synthesize.py: short text, no blanks) and `real` (bench/clone.py:
the real package cloned with fresh IDs). Packages are cached under build/bench-<shape>-<N>/ and
rebuilt when the data, schemas, descriptor or generator change. Every run is recorded as JSON in
build/bench/ (`--compare` prints the last few side by side). The machine is shared, so times are
noisy: the ratios within one run are the figures to watch. Nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path

from bench import measure
from bench.clone import clone, load
from bench.synthesize import synthesize

REPO = Path(__file__).resolve().parents[1]
BUILD = REPO / "build"  # packages go to build/bench-<shape>-<N>/
RECORDS = BUILD / "bench"  # one JSON record per run
GENERATORS = [REPO / "bench" / "clone.py", REPO / "bench" / "synthesize.py"]
MB = 1e6


def _show(path: Path) -> str:
    """A path as the user would type it from the repository root."""
    try:
        return str(path.relative_to(REPO))
    except ValueError:
        return str(path)


# --- the package ---------------------------------------------------------------------------------

def inputs_hash() -> str:
    """A hash of everything a generated package is made from: rebuild when it changes."""
    descriptor, _ = load(REPO)
    files = [REPO / "datapackage.json", *GENERATORS]
    for r in descriptor["resources"]:
        files.append(REPO / r["path"])
        if isinstance(r.get("schema"), str):
            files.append(REPO / r["schema"])
    h = hashlib.sha256()
    for f in files:
        h.update(str(f.relative_to(REPO)).encode() + b"\0" + f.read_bytes() + b"\0")
    return h.hexdigest()


def package(shape: str, n: int) -> tuple[Path, dict, float | None]:
    """The cached package for (shape, n), built if missing or stale: (path, manifest, seconds to build)."""
    path = BUILD / f"bench-{shape}-{n}"
    stamp = path / "bench-stamp.json"
    digest = inputs_hash()
    if stamp.is_file():
        saved = json.loads(stamp.read_text())
        if saved.get("inputs") == digest:
            return path, saved["manifest"], None
    print(f"writing the {shape} package of {n:,} incidents to {_show(path)} (once; cached until "
          "the data, schemas or generator change)…", flush=True)
    tmp = path.with_name(path.name + ".tmp")
    t0 = time.perf_counter()
    if shape == "real":
        manifest = clone(REPO, tmp, n)
    else:
        manifest = synthesize(tmp, n)
    seconds = time.perf_counter() - t0
    (tmp / "bench-stamp.json").write_text(json.dumps({"inputs": digest, "manifest": manifest}, indent=2))
    if path.exists():
        shutil.rmtree(path)
    tmp.rename(path)
    return path, manifest, seconds


def shape_of(path: Path, manifest: dict) -> dict:
    descriptor, _ = load(path)
    tables = {r["name"]: {"rows": manifest["rows"].get(r["name"]), "bytes": (path / r["path"]).stat().st_size}
              for r in descriptor["resources"]}
    info = {"path": _show(path), "tables": tables,
            "bytes": sum(t["bytes"] for t in tables.values())}
    info.update({k: manifest[k] for k in ("copies", "trimmed", "shared") if k in manifest})
    return info


# --- the machine ---------------------------------------------------------------------------------

def _version(dist: str) -> str | None:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return None


def machine() -> dict:
    def git(*args: str) -> str | None:
        r = subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True)
        return r.stdout.strip() if r.returncode == 0 else None

    mem = None
    if Path("/proc/meminfo").is_file():
        line = next((x for x in Path("/proc/meminfo").read_text().splitlines() if x.startswith("MemTotal")), None)
        mem = round(int(line.split()[1]) / 1024 / 1024, 1) if line else None
    return {"cpu_count": os.cpu_count(), "memory_gb": mem, "platform": platform.platform(),
            "python": platform.python_version(), "duckdb": _version("duckdb"), "polars": _version("polars"),
            "frictionless": _version("frictionless"), "pandera": _version("pandera"),
            "git_commit": git("rev-parse", "HEAD"), "git_branch": git("rev-parse", "--abbrev-ref", "HEAD"),
            "git_dirty": bool(git("status", "--porcelain", "--untracked-files=no")),
            "load_average_at_start": [round(x, 2) for x in os.getloadavg()]}


# --- the run -------------------------------------------------------------------------------------

def ratio(a: measure.Run | None, b: measure.Run | None) -> dict | None:
    """a / b, and whether it is exact or a bound (a capped time is a lower bound)."""
    if not a or not b or b.wall_s <= 0 or (a.capped and b.capped):
        return None
    if not finished(a) or not finished(b):  # a crash is no time to compare
        return None
    bound = "at least" if a.capped else "at most" if b.capped else "exact"
    return {"value": round(a.wall_s / b.wall_s, 2), "bound": bound}


def finished(r: measure.Run) -> bool:
    """It ran to a verdict (0 valid, 1 invalid) or to the cap; not a crash or a kill."""
    return r.capped or r.exit_code in (0, 1)


def ratio_text(r: dict | None) -> str:
    if r is None:
        return "n/a"
    return ("" if r["bound"] == "exact" else r["bound"] + " ") + f"{r['value']:.1f}x"


def summary_line(path: Path) -> str:
    """The validator's last words (its summary), whatever the report looks like."""
    lines = [x.strip() for x in path.read_text(errors="replace").splitlines() if x.strip()]
    return lines[-1] if lines else ""


def progress(what: str | None) -> None:
    """What is running now, on one terminal line that the table then overwrites (not in logs)."""
    if sys.stdout.isatty():
        print("\r\033[K" + (f"  running {what}…" if what else ""), end="", flush=True)


def bench(shape: str, n: int, frictionless_cap: float, validate_cap: float) -> int:
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    info = machine()
    path, manifest, build_s = package(shape, n)
    pkg = shape_of(path, manifest)
    out = RECORDS / "out"
    out.mkdir(parents=True, exist_ok=True)
    py = sys.executable
    rows = ", ".join(f"{t['rows']:,} {name}" for name, t in pkg["tables"].items() if t["rows"] is not None)
    copies = f" ({pkg['copies']:,} copies of the real package, not trimmed; {', '.join(pkg['shared'])} shared)" \
        if shape == "real" else ""
    print(f"\nmake bench: {shape} shape, N={n:,}{copies}")
    built = "cached" if build_s is None else f"written in {build_s:.2f} s"
    print(f"package {pkg['path']} ({built}): {rows}; {pkg['bytes'] / MB:,.1f} MB of CSV")
    print(f"machine: {info['cpu_count']} CPUs, load average {info['load_average_at_start'][0]} at start "
          "(shared: times are noisy, the ratios within one run are what counts)\n", flush=True)

    progress("DuckDB floor")
    floor = measure.run([py, "-m", "bench.floor", str(path)], out / f"{shape}-{n}-floor.txt", cwd=REPO)
    if floor.exit_code != 0:
        raise SystemExit(f"the DuckDB floor failed (exit {floor.exit_code}); see {floor.output}")
    progress("python -m civharm.validate")
    val = measure.run([py, "-m", "civharm.validate", str(path)], out / f"{shape}-{n}-validate.txt",
                      cap_s=validate_cap or None, cwd=REPO)
    if val.capped:
        verdict = f"cut at the cap ({validate_cap:g} s): validity unknown"
    elif not finished(val):
        verdict = "no verdict: " + (f"killed by signal {-val.exit_code}" if val.exit_code < 0 else f"exit {val.exit_code}")
    else:
        verdict = summary_line(Path(val.output))
    fl = None
    fl_note = "skipped (cap 0)"
    exe = Path(py).parent / "frictionless"
    if val.exit_code not in (0, None):
        fl_note = "skipped: validate failed"
    elif frictionless_cap and not exe.is_file():
        fl_note = f"skipped: no {exe}"
    elif frictionless_cap:
        progress(f"frictionless validate (cap {frictionless_cap:g} s)")
        fl = measure.run([str(exe), "validate", "datapackage.json"], out / f"{shape}-{n}-frictionless.txt",
                         cap_s=frictionless_cap, cwd=path)
        fl_note = ("cut at the cap" if fl.capped else "valid" if fl.exit_code == 0 else f"invalid (exit {fl.exit_code})")

    progress(None)
    record = {"record": 1, "timestamp": stamp, "shape": shape, "n": n, "machine": info, "package": pkg,
              "package_build_s": None if build_s is None else round(build_s, 2),
              "floor": floor.to_dict(), "validate": dict(val.to_dict(), summary=verdict),
              "frictionless": dict(fl.to_dict(), note=fl_note) if fl else {"note": fl_note},
              "ratios": {"validate_over_floor": ratio(val, floor), "frictionless_over_validate": ratio(fl, val)},
              "load_average_at_end": [round(x, 2) for x in os.getloadavg()]}
    RECORDS.mkdir(parents=True, exist_ok=True)
    target = RECORDS / f"{stamp}-{shape}-{n}.json"
    target.write_text(json.dumps(record, indent=2) + "\n")

    # CPU seconds (user + system) beside the wall: on a shared machine the wall time counts the
    # other jobs too, the CPU time only this process's work.
    def cpu(r: measure.Run) -> str:
        return f"{r.user_s + r.sys_s:,.1f} s"

    width = 46
    print(f"  {'process':{width}} {'wall':>18} {'CPU':>9} {'peak RSS':>10}")
    print(f"  {'DuckDB floor (count(*) of every CSV)':{width}} {floor.wall_text():>18} {cpu(floor):>9} "
          f"{floor.peak_rss_mb:>7,.0f} MB")
    print(f"  {'python -m civharm.validate':{width}} {val.wall_text():>18} {cpu(val):>9} {val.peak_rss_mb:>7,.0f} MB   {verdict}")
    if fl:
        print(f"  {'frictionless validate':{width}} {fl.wall_text():>18} {cpu(fl):>9} {fl.peak_rss_mb:>7,.0f} MB   {fl_note}")
    else:
        print(f"  {'frictionless validate':{width}} {'':>18} {'':>9} {'':>10}   {fl_note}")
    print()
    cpu_ratio = (val.user_s + val.sys_s) / max(floor.user_s + floor.sys_s, 0.01)
    print(f"  validate / floor          {ratio_text(record['ratios']['validate_over_floor'])}"
          f"   (CPU time: {cpu_ratio:.1f}x)")
    print(f"  frictionless / validate   {ratio_text(record['ratios']['frictionless_over_validate'])}")
    print(f"\nrecord: {_show(target)}   (outputs: {_show(out)}/{shape}-{n}-*.txt)")
    if val.exit_code == 1:  # the validator's "invalid"
        head = Path(val.output).read_text(errors="replace").splitlines()[:30]
        print("\n".join(["", "python -m civharm.validate says the generated package is INVALID (exit 1):", *head]),
              file=sys.stderr)
        print(f"\nThe {shape} package must be valid by every rule: this is a bug in "
              f"bench/{'clone' if shape == 'real' else 'synthesize'}.py (or in the validator). "
              f"Full report: {val.output}", file=sys.stderr)
        return 1
    if val.exit_code not in (0, None):  # 2: cannot run or internal error; negative: killed by a signal
        how = f"was killed by signal {-val.exit_code}" if val.exit_code < 0 else f"exited {val.exit_code}"
        tail = Path(val.output).read_text(errors="replace").splitlines()[-15:]
        print("\n".join(["", f"python -m civharm.validate {how} without a verdict (out of memory?):", *tail]), file=sys.stderr)
        return 1
    return 0


# --- comparing runs --------------------------------------------------------------------------------

def compare(last: int) -> int:
    """The last `last` records side by side, oldest first."""
    files = sorted(RECORDS.glob("*.json"))[-last:]
    if not files:
        print(f"no records in {_show(RECORDS)} yet: run make bench first")
        return 0
    recs = [json.loads(f.read_text()) for f in files]

    def wall(m: dict) -> str:
        if "wall_s" not in m:
            return "-"
        return (">" if m.get("capped") else "") + f"{m['wall_s']:.1f} s"

    def rss(m: dict) -> str:
        return f"{m['peak_rss_mb']:,.0f} MB" if "peak_rss_mb" in m else "-"

    lines = [
        ("run", lambda r: r["timestamp"]),
        ("commit", lambda r: (r["machine"].get("git_commit") or "?")[:10] + ("+" if r["machine"].get("git_dirty") else "")),
        ("shape, N", lambda r: f"{r['shape']} {r['n']:,}"),
        ("incidents", lambda r: f"{r['package']['tables'].get('incidents', {}).get('rows') or 0:,}"),
        ("MB of CSV", lambda r: f"{r['package']['bytes'] / MB:,.1f}"),
        ("load at start", lambda r: str(r["machine"]["load_average_at_start"][0])),
        ("floor", lambda r: wall(r["floor"])),
        ("validate", lambda r: wall(r["validate"])),
        ("validate RSS", lambda r: rss(r["validate"])),
        ("frictionless", lambda r: wall(r["frictionless"])),
        ("frictionless RSS", lambda r: rss(r["frictionless"])),
        ("validate/floor", lambda r: ratio_text(r["ratios"]["validate_over_floor"])),
        ("frictionless/validate", lambda r: ratio_text(r["ratios"]["frictionless_over_validate"])),
    ]
    cells = [[label] + [f(r) for r in recs] for label, f in lines]
    widths = [max(len(row[i]) for row in cells) for i in range(len(cells[0]))]
    for row in cells:
        print("  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths))))
    return 0


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--shape", choices=("synthetic", "real"), default="synthetic",
                   help="synthetic rows, or the real package cloned (default: synthetic)")
    p.add_argument("-n", type=int, default=100_000, help="incidents wanted (default 100,000)")
    p.add_argument("--frictionless-cap", type=float, default=120.0, metavar="SECONDS",
                   help="kill frictionless validate after this long and report 'more than' (default 120; 0 skips it)")
    p.add_argument("--validate-cap", type=float, default=0.0, metavar="SECONDS",
                   help="kill python -m civharm.validate after this long (default 0: no cap)")
    p.add_argument("--compare", type=int, nargs="?", const=5, metavar="K",
                   help="print the last K records (default 5) side by side, and run nothing")
    a = p.parse_args(argv)
    if a.compare is not None:
        return compare(a.compare)
    if a.n < 1:
        p.error("-n must be at least 1")
    return bench(a.shape, a.n, a.frictionless_cap, a.validate_cap)


if __name__ == "__main__":
    sys.exit(main())
