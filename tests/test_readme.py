"""The README shows, it does not promise: its example output and its commands are checked."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parents[1]
README = (REPO / "README.md").read_text(encoding="utf-8")


def test_example_output_matches_the_package():
    """The sample `make validate` output names the version and row counts the package has now."""
    out = subprocess.run([sys.executable, "-m", "civharm.validate", str(REPO)], capture_output=True, text=True,
                         cwd=REPO, timeout=120).stdout
    rows_line = next(line for line in out.splitlines() if " resources, " in line and " rows (" in line)
    title = next(line for line in out.splitlines() if line.startswith("civharm "))
    example = README[README.index("$ make validate"):]
    assert rows_line in example, f"README's example output is stale: the package now says {rows_line!r}"
    assert title.split(" (")[0] in example


def test_every_make_target_the_readme_names_exists():
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    targets = set(re.findall(r"^([a-z][a-z0-9-]*):", makefile, re.M))
    named = set(re.findall(r"\bmake ([a-z][a-z0-9-]+)", README))
    assert named and named <= targets, f"README names targets the Makefile lacks: {sorted(named - targets)}"


def test_the_coverage_block_is_fresh():
    """README's totals and coverage are the views' values now: `make coverage` regenerates them."""
    import civharm
    from civharm.coverage import block, replace_block

    assert replace_block(README, block(civharm.connect(REPO))) == README, \
        "README's coverage block is stale: run make coverage"
    assert "**The campaigns are not comparable.**" in README


def test_the_pandas_recipe_reads_counts_as_integers():
    """The README's pandas block, run as written: integer counts with <NA>, dates, <NA> for blank text."""
    block = README[README.index("pandas:\n"):]
    code = block[block.index("```python\n") + 10:block.index("```", block.index("```python\n") + 10)]
    scope: dict = {}
    cwd = Path.cwd()
    try:
        os.chdir(REPO)
        exec(code, scope)
    finally:
        os.chdir(cwd)
    incidents = scope["incidents"]
    assert str(incidents["civilians_killed_min"].dtype) == "int64[pyarrow]"
    assert incidents["women_killed_min"].isna().any()
    assert pd.api.types.is_datetime64_any_dtype(incidents["date_start"])
    assert incidents["neighbourhood"][incidents["neighbourhood"].isna()].iloc[0] is pd.NA
