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


def _example(start: str) -> str:
    """The README's ```text block that holds `start`."""
    at = README.index(start)
    return README[README.rindex("```text\n", 0, at) + 8:README.index("```", at)]


def _untimed(text: str) -> str:
    """The seconds, and the commit of a checkout between releases, which change on every run or commit."""
    text = re.sub(r"\(commit [0-9a-f]+(, with uncommitted changes)?\)", "(commit …)", text)
    return re.sub(r"rules run in [0-9.]+ s", "rules run in … s", text)


def _shows_a_real_run(example: str, out: str) -> None:
    """Every line the README's example shows, but its "..." and the seconds, is a line of the real
    run's output: the problems, the version, the row counts, the number of rules and the verdict."""
    real = set(_untimed(out).splitlines())
    shown = [line for line in _untimed(example).splitlines() if line.strip() not in ("", "...", "$ make validate")]
    stale = [line for line in shown if line not in real]
    assert not stale, f"README's example output is stale; a real run does not print: {stale}"
    assert any(" rules run in … s: " in line for line in shown)


def test_example_output_matches_the_package():
    """The sample `make validate` output is the package's now: its notices, version, row counts,
    the number of rules run and the verdict (all but the time)."""
    out = subprocess.run([sys.executable, "-m", "civharm.validate"], capture_output=True, text=True,
                         cwd=REPO, timeout=120).stdout  # as make validate runs it
    _shows_a_real_run(_example("$ make validate"), out)


def test_example_of_mistakes_matches_its_fixture(tmp_path):
    """The sample report on a file with mistakes is what the validator says of the fixture it names."""
    from conftest import BROKEN_DIR, build_package

    pkg = build_package(tmp_path / "pkg", BROKEN_DIR / "several-faults-one-file")
    proc = subprocess.run([sys.executable, "-m", "civharm.validate"], capture_output=True, text=True, cwd=pkg,
                          timeout=120)
    assert proc.returncode == 1
    _shows_a_real_run(_example("'drone' is not one of"), proc.stdout)


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


def test_make_help_lines_up_every_description():
    """`make` on its own: each command's description starts in the same column, after the
    longest target name (verify-release, import-ucdp), never run into it."""
    out = subprocess.run(["make", "--no-print-directory", "help"], cwd=REPO, capture_output=True, text=True,
                         timeout=60).stdout
    lines = [line for line in out.splitlines() if line.startswith("  make ")]
    assert len(lines) > 20
    starts = {re.match(r"  make \S+ +", line).end() for line in lines}
    assert len(starts) == 1, f"descriptions start at columns {sorted(starts)}"
    assert any(line.startswith("  make verify-release  ") for line in lines)
