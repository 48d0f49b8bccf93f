"""`make validate` on the real package should take about a second (issue 10), and most of a
small run is importing libraries. The validator needs DuckDB, polars and frictionless; pandas,
pyarrow and numpy it does not, and they cost about a second together. These tests fail when a
change makes the validator load them again (a module-level `import pyarrow`, DuckDB's `.pl()`,
or a bound Python parameter, which makes DuckDB import pandas)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
HEAVY = ("pandas", "pyarrow", "numpy")

_RUN = """
import json, sys
from civharm.validate import engine
report = engine.validate(sys.argv[1])
print(json.dumps({"problems": len(report.problems), "loaded": [m for m in %r if m in sys.modules]}))
""" % (HEAVY,)


def _loaded_after_validating(package: Path) -> dict:
    out = subprocess.run([sys.executable, "-c", _RUN, str(package)], capture_output=True, text=True, cwd=REPO,
                         check=True)
    return json.loads(out.stdout)


def test_validating_the_real_package_loads_no_pandas_pyarrow_or_numpy():
    got = _loaded_after_validating(REPO)
    assert got["loaded"] == [], f"the validator imported {got['loaded']}"


def test_the_engine_types_still_hand_out_polars_and_arrow_types():
    """types.py looks the polars and Arrow types up on use; asked for them, it returns them."""
    import polars as pl
    import pyarrow as pa

    from civharm.metadata import types

    assert types.TYPES["integer"].polars is pl.Int64
    assert types.TYPES["date"].arrow == pa.date32()
    assert types.of({"name": "x", "type": "boolean"}).arrow == pa.bool_()
