"""Where a validation spends its time and memory: every SQL statement it runs, slowest first.

    python -m bench.profile build/bench-real-1000000 [--top 30]

Runs `civharm.validate` in this process on a connection that times each statement (wall time,
result fetched) and reads the process's peak RSS after it; on Linux the peak is reset before each
statement (/proc/self/clear_refs), so each figure is that statement's own peak, not the run's.
Then prints the layers' steps as they started, and the statements by time. For one statement's
plan, run it under `EXPLAIN ANALYZE` in DuckDB. Not a benchmark (make bench is): a profile of one
run, to find what to rewrite.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from civharm.validate import engine


def _peak_mb() -> int | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM"):
                return int(line.split()[1]) // 1024
    except OSError:
        return None
    return None


def _reset_peak() -> None:
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass  # not Linux, or not allowed: the peaks are then the run's so far


class _Timed:
    """A DuckDB connection whose execute records (seconds, peak MB, first words of the SQL)."""

    def __init__(self, con, log: list):
        self._con, self._log = con, log

    def __getattr__(self, name):
        return getattr(self._con, name)

    def execute(self, sql, *args, **kwargs):
        _reset_peak()
        t0 = time.perf_counter()
        result = self._con.execute(sql, *args, **kwargs)
        self._log.append((time.perf_counter() - t0, _peak_mb(), " ".join(str(sql).split())[:120]))
        return result


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.profile", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("package", type=Path)
    p.add_argument("--top", type=int, default=30, help="statements to print (default 30)")
    a = p.parse_args(argv)
    log: list = []
    connect = engine.open_duckdb
    # The engine opens its connection through the open_duckdb it imported; wrapping that name is
    # the one way in without a profiling switch in the validator itself.
    engine.open_duckdb = lambda *args, **kwargs: _Timed(connect(*args, **kwargs), log)
    t0 = time.perf_counter()
    try:
        report = engine.validate(a.package, lambda s: print(f"{time.perf_counter() - t0:8.2f} s  {s}", flush=True))
    finally:
        engine.open_duckdb = connect
    wall = time.perf_counter() - t0
    print(f"\n{len(report.problems):,} problem(s); {wall:.2f} s in all, {sum(x[0] for x in log):.2f} s in "
          f"{len(log):,} SQL statements; peak RSS {max((x[1] or 0 for x in log), default=0):,} MB\n")
    for seconds, peak, head in sorted(log, key=lambda x: -x[0])[:a.top]:
        print(f"{seconds:8.2f} s {peak or 0:6,} MB  {head}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
