"""`--format github`: each problem as a GitHub Actions workflow command, escaped as the runner
reads it, so that it shows on the pull request's diff at its file, line and column."""

from __future__ import annotations

import csv
import io
import subprocess
import sys

from conftest import build_package
from civharm.validate.annotations import escape_data, escape_property


def test_escaping_follows_the_runner():
    """actions/toolkit command.ts: escapeData for the message, escapeProperty for file and title."""
    assert escape_data("50% a,b: c\r\nd") == "50%25 a,b: c%0D%0Ad"
    assert escape_property("50% a,b: c\r\nd") == "50%25 a%2Cb%3A c%0D%0Ad"
    assert escape_property("%3A") == "%253A"  # an escape already in the text stays text


def test_a_broken_package_as_annotations(tmp_path):
    """A cell holding a comma, a `%` and a line break, in a package whose folder name holds a
    comma, a `%` and a colon: the exact lines a workflow log gets."""
    pkg = build_package(tmp_path / "pkg,50%:x")
    incidents = pkg / "data" / "incidents.csv"
    text = incidents.read_text()
    rows = list(csv.reader(io.StringIO(text)))
    rows[1][rows[0].index("means")] = "air,50%\nstrike"
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    incidents.write_text(out.getvalue())
    col = incidents.read_text().splitlines()[1].index('"air,50%') + 1
    r = subprocess.run([sys.executable, "-m", "civharm.validate", pkg.name, "--format", "github"],
                       cwd=tmp_path, capture_output=True, text=True)
    assert r.returncode == 1, r.stderr
    where = "pkg%2C50%25%3Ax/data"
    assert r.stdout.splitlines() == [
        f"::notice file={where}/claims.csv,line=4,col=120,title=relay-discrepancy (civilians_killed_min)::"
        "The claim says 55; the source it cites says 42 (Syrian Observatory for Human Rights, CL-000001).",
        f"::error file={where}/incidents.csv,line=2,col={col},title=cell-enum (means)::"
        "'air,50%25\\nstrike' is not one of the allowed values: airstrike, artillery, air_or_artillery, ground_fire, "
        "explosive_device, execution, other, unknown.%0Afix: Use one of the listed values; their meanings are in "
        "the data dictionary.",
        f"::notice file={where}/tallies.csv,line=2,col=101,title=tally-coverage (civilians_killed_min)::"
        "The tally says at least 100; in its scope (locality Raqqa, United States and those within it) from "
        "2017-08-20 to 2017-08-22, 0 active incident(s) sum to 0-0 deduplicated (0-0 raw).",
        f"::notice file={where}/tallies.csv,line=3,col=134,title=tally-coverage (civilians_killed_min)::"
        "The tally says 167; in its scope (locality Raqqa, US-led coalition and those within it) from 2017-08-14 "
        "to 2017-08-22, 1 active incident(s) sum to 42-55 deduplicated (42-55 raw).",
        f"::notice file={where}/tallies.csv,line=4,col=114,title=tally-coverage (civilians_killed_min)::"
        "The tally says 170; in its scope (locality Raqqa, US-led coalition and those within it) from 2017-08-14 "
        "to 2017-08-22, 1 active incident(s) sum to 42-55 deduplicated (42-55 raw).",
        "civharm-validate: civharm unreleased changes since 0.1.0 (pkg,50%25:x/datapackage.json): invalid, 1 error(s), 4 notice(s)",
    ]
    # the column is where the cell starts on its line
    line = incidents.read_text().splitlines()[1]
    assert line[col - 1:].startswith('"air,50%') and col > 100


def test_a_problem_without_a_line_is_on_its_file(tmp_path):
    pkg = build_package(tmp_path / "pkg")
    (pkg / "data" / "actors.csv").unlink()
    r = subprocess.run([sys.executable, "-m", "civharm.validate", "pkg", "--format", "github"],
                       cwd=tmp_path, capture_output=True, text=True)
    errors = [line for line in r.stdout.splitlines() if line.startswith("::error")]
    assert errors and all(line.startswith("::error file=pkg/") for line in errors)
    assert any(",line=" not in line.split("::")[1] for line in errors)


def test_a_run_that_cannot_check_is_an_annotation(tmp_path):
    r = subprocess.run([sys.executable, "-m", "civharm.validate", str(tmp_path / "none"), "--format", "github"],
                       capture_output=True, text=True)
    assert r.returncode == 2
    assert r.stdout.startswith("::error title=civharm-validate cannot run::No descriptor at ")
