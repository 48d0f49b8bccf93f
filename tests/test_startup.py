"""`make validate` on the real package should take about a second (issue 10), and most of a
small run is importing libraries. The validator needs DuckDB and jsonschema; pandas, pyarrow and
numpy it does not, and they cost about a second together; polars (0.16 s) only the exact reader
needs, for files that are not in canonical form; frictionless (0.25 s, and 0.2 s of checks) only
when its verdict on a schema is not in the cache (tests/test_verdicts.py). These tests fail when
a change makes the validator load them again on the real package (a module-level `import pyarrow`
or `import polars`, DuckDB's `.pl()`, or a bound Python parameter, which makes DuckDB import
pandas)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from conftest import build_package

REPO = Path(__file__).resolve().parents[1]
HEAVY = ("pandas", "pyarrow", "numpy", "polars")

_RUN = """
import json, sys
from civharm.validate import engine
report = engine.validate(sys.argv[1])
print(json.dumps({"problems": len(report.problems), "loaded": [m for m in %r if m in sys.modules],
                  "where": [(p.rule, p.file, p.line) for p in report.problems]}))
""" % (HEAVY,)


def _loaded_after_validating(package: Path) -> dict:
    out = subprocess.run([sys.executable, "-c", _RUN, str(package)], capture_output=True, text=True, cwd=REPO,
                         check=True)
    return json.loads(out.stdout)


def test_validating_the_real_package_loads_no_pandas_pyarrow_numpy_or_polars():
    got = _loaded_after_validating(REPO)
    assert got["loaded"] == [], f"the validator imported {got['loaded']}"


def test_a_ragged_file_still_goes_to_the_exact_reader_which_loads_polars(tmp_path):
    """polars is imported where the exact reader uses it: a file with a ragged row (the fast reader
    stops at it) is read by the exact reader, and the row reported at its line."""
    pkg = build_package(tmp_path / "pkg")
    path = pkg / "data" / "actors.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join([*lines[:2], lines[2].rstrip("\n") + ",extra\n", *lines[3:]]), encoding="utf-8")
    got = _loaded_after_validating(pkg)
    assert got["loaded"] == ["polars"]
    assert ["row-ragged", "data/actors.csv", 3] in got["where"]


def test_the_engine_types_still_hand_out_polars_and_arrow_types():
    """types.py looks the polars and Arrow types up on use; asked for them, it returns them."""
    import polars as pl
    import pyarrow as pa

    from civharm.metadata import types

    assert types.TYPES["integer"].polars is pl.Int64
    assert types.TYPES["date"].arrow == pa.date32()
    assert types.of({"name": "x", "type": "boolean"}).arrow == pa.bool_()
