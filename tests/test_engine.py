"""The SQL engine at work on many faults at once, and the Pandera models users import agreeing
with it: a package with FAULTS injected incidents of every cell, row and hygiene class is
reported with exact counts, and the generated Pandera models find the same cell and row
problems on a polars frame of the same file."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from pathlib import Path

import polars as pl
import pytest

from conftest import SCHEMAS_DIR, build_package, run_validate

FAULTS = 40  # incidents per fault class (tools that inject more use inject_faults directly)

# fault class -> the change to a copy of the minimal package's first incident (active, with a
# summary and coordinates: 42-55 civilians, 19 children, 2017-08-21)
CLASSES = {
    "cell-enum": {"means": "drone"},
    "cell-pattern": {"country": "Syria"},
    "cell-type": {"injured_max": "a dozen"},
    "cell-date-impossible": {"date_end": "2017-02-30"},
    "cell-required": {"date_precision": ""},
    "cell-minimum": {"latitude": "-95"},
    "cell-maximum": {"longitude": "190"},
    "range-min-gt-max": {"civilians_killed_min": "60"},
    "children-exceed-civilians": {"children_killed_min": "56", "children_killed_max": "56"},
    "date-end-before-start": {"date_end": "2017-08-20"},
    "summary-missing": {"summary": ""},
    "coordinates-incomplete": {"longitude": ""},
    "merge-target-unexpected": {"merged_into": "CH-000003"},
    "text-formula": {"summary": "=1+1 civilians"},
    "text-control-character": {"notes": "a\tb"},
    "text-not-nfc": {"notes": "Cafe\u0301 on the corner"},
}


def inject_faults(pkg: Path, per_class: int) -> int:
    """Append per_class faulty copies of the first incident for every class to incidents.csv;
    returns the first line written. Each copy has a fresh ID and exactly one fault."""
    path = pkg / "data" / "incidents.csv"
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
    first_line = len(rows) + 2
    template = rows[0]
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=list(template), lineterminator="\n")
    n = 0
    for change in CLASSES.values():
        for _ in range(per_class):
            writer.writerow({**template, "incident_id": f"CH-{200000 + n:06d}", **change})
            n += 1
    with path.open("a", encoding="utf-8", newline="") as f:
        f.write(out.getvalue())
    return first_line


@pytest.fixture(scope="module")
def faulty(tmp_path_factory):
    pkg = build_package(tmp_path_factory.mktemp("faults") / "pkg")
    first = inject_faults(pkg, FAULTS)
    proc = run_validate(pkg, "--format", "json")
    return pkg, first, proc, json.loads(proc.stdout)


def test_every_injected_fault_is_reported_once(faulty):
    _, first, proc, report = faulty
    assert proc.returncode == 1
    incidents = [p for p in report["problems"] if p["file"] == "data/incidents.csv"
                 and p["layer"] in ("cells", "rows", "hygiene")]
    assert Counter(p["rule"] for p in incidents) == {rule: FAULTS for rule in CLASSES}
    # each at the line of the copy that carries it
    for i, rule in enumerate(CLASSES):
        lines = {p["line"] for p in incidents if p["rule"] == rule}
        assert lines == set(range(first + i * FAULTS, first + (i + 1) * FAULTS)), rule


def test_messages_carry_the_cell_values(faulty):
    _, _, _, report = faulty
    by_rule = {p["rule"]: p for p in report["problems"]}
    assert by_rule["cell-type"]["message"] == "'a dozen' is not a valid integer."
    assert by_rule["cell-date-impossible"]["message"] == "'2017-02-30' is not a date that exists."
    assert by_rule["cell-minimum"]["message"] == "-95 is below the minimum -90."
    assert by_rule["range-min-gt-max"]["message"] == "civilians_killed_min is 60, more than its maximum 55."
    assert by_rule["coordinates-incomplete"]["message"] == "35.9528 is set but longitude is empty."
    assert by_rule["text-control-character"]["message"] == "The text holds the control character U+0009."


def _pandera_problems(csv_path: Path, name: str) -> set[tuple[int, str, str]]:
    """What a user gets from the generated Pandera models on a polars frame of the file:
    (line, column, rule) of every cell and row problem, a broken cell silencing row rules."""
    from civharm.validate.models import model, parse
    from civharm.validate.row_rules import row_checks
    import pandera.polars as pa

    schema = json.loads((SCHEMAS_DIR / f"{name}.schema.json").read_text(encoding="utf-8"))
    raw = pl.read_csv(csv_path, infer_schema=False).with_row_index("__line", offset=2).with_columns(
        pl.col("__line").cast(pl.Int64))
    present = tuple(f["name"] for f in schema["fields"])
    typed, failures = parse(raw, schema["fields"])
    found = {(r["__line"], r["column"], r["rule"]) for r in failures.iter_rows(named=True)}
    bad = {(r["column"], r["__line"]) for r in failures.iter_rows(named=True)}
    cells, rows, lookup = model(name, schema, present)
    try:
        cells.validate(typed, lazy=True)
    except pa.errors.SchemaErrors as e:
        for c in e.failure_cases.iter_rows(named=True):
            line, column = typed["__line"][c["index"]], c["column"]
            if c["check"] == "not_nullable":
                if raw[column][c["index"]] is not None:
                    continue  # does not parse: reported above
                rule = "cell-required"
            else:
                rule = lookup[(column, c["check_number"])][0]
            found.add((line, column, rule))
            bad.add((column, line))
    typed = typed.with_columns(
        pl.when(pl.col("__line").is_in([line for c, line in bad if c == column])).then(None)
        .otherwise(pl.col(column)).alias(column) for column in {c for c, _ in bad})
    by_name = {r.name: r for r in row_checks(schema["fields"], present)}
    try:
        rows.validate(typed, lazy=True)
    except pa.errors.SchemaErrors as e:
        for c in e.failure_cases.iter_rows(named=True):
            r, line = by_name[c["check"]], typed["__line"][c["index"]]
            if not any((u, line) in bad for u in r.uses):
                found.add((line, r.column, r.id))
    return found


def test_the_pandera_models_find_what_the_engine_finds(faulty):
    """The public form of the cell and row rules (validate/models.py) and the SQL engine agree,
    problem for problem, on a file with every fault class."""
    pkg, _, _, report = faulty
    engine = {(p["line"], p["column"], p["rule"]) for p in report["problems"]
              if p["file"] == "data/incidents.csv" and p["layer"] in ("cells", "rows")}
    assert len(engine) == FAULTS * sum(1 for r in CLASSES if not r.startswith(("text-", "url-")))
    assert _pandera_problems(pkg / "data" / "incidents.csv", "incidents") == engine


@pytest.mark.parametrize("name", ["incidents", "claims", "sources", "tallies", "actors"])
def test_the_pandera_models_pass_the_real_data(name):
    """The models users import accept the real package, as make validate does."""
    from conftest import REPO_ROOT

    assert _pandera_problems(REPO_ROOT / "data" / f"{name}.csv", name) == set()


def test_the_memory_limit_is_duckdbs_and_can_be_set(faulty, monkeypatch):
    """CIVHARM_MEMORY_LIMIT reaches DuckDB: a small limit gives the same report, a malformed
    one is refused by DuckDB (exit 2, named in the error)."""
    pkg, _, _, report = faulty
    monkeypatch.setenv("CIVHARM_MEMORY_LIMIT", "64MB")
    assert json.loads(run_validate(pkg, "--format", "json").stdout)["problems"] == report["problems"]
    monkeypatch.setenv("CIVHARM_MEMORY_LIMIT", "plenty")
    proc = run_validate(pkg)
    assert proc.returncode == 2 and "plenty" in proc.stderr
