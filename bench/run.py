"""`make bench`: how long `make validate` takes on a synthetic package of N incidents, against
the floor of DuckDB merely reading the same CSVs, measured in the same run.

The ratio (validate / floor) is the figure to watch: the machine's speed cancels out of it.
Nothing here asserts a time; the report is for people (and for an issue's target).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import duckdb

from bench.synthesize import synthesize
from validate.engine import validate

REPO = Path(__file__).resolve().parents[1]


def floor(pkg: Path) -> float:
    """DuckDB reading every CSV as text and counting its rows: the least any check can cost."""
    con = duckdb.connect()
    t0 = time.perf_counter()
    for csv in sorted((pkg / "data").glob("*.csv")):
        con.execute("SELECT count(*) FROM read_csv(?, header = true, all_varchar = true)", [str(csv)]).fetchone()
    return time.perf_counter() - t0


def best(f, runs: int) -> float:
    return min(f() for _ in range(runs))


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("-n", type=int, default=1_000_000, help="incidents (default 1,000,000; claims are twice that)")
    p.add_argument("--runs", type=int, default=2, help="take the best of this many runs (default 2)")
    a = p.parse_args()
    pkg = REPO / "build" / f"bench-{a.n}"
    if not (pkg / "datapackage.json").is_file():
        print(f"writing a synthetic package of {a.n:,} incidents to {pkg.relative_to(REPO)} (once)…", flush=True)
        synthesize(pkg, a.n)
    size = sum(f.stat().st_size for f in (pkg / "data").glob("*.csv"))
    base = best(lambda: floor(pkg), a.runs)

    def run() -> float:
        t0 = time.perf_counter()
        report = validate(pkg)
        if report.errors:
            raise SystemExit(f"the synthetic package is invalid ({report.errors} errors): a bug in bench/synthesize.py")
        return time.perf_counter() - t0

    full = best(run, a.runs)
    print(f"\nsynthetic package: {a.n:,} incidents, {2 * a.n:,} claims, {a.n // 2:,} sources, {size / 1e6:,.0f} MB of CSV")
    print(f"  floor: DuckDB reads every CSV     {base:8.2f} s")
    print(f"  make validate (all seven layers)  {full:8.2f} s")
    print(f"  ratio                             {full / base:8.1f} x the floor   (best of {a.runs})")


if __name__ == "__main__":
    main()
