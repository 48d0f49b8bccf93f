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
    """The models users import accept the real package, as make validate does (its notices, such as
    statement-undated, report without making the package invalid)."""
    from conftest import REPO_ROOT
    from civharm.validate.rules import RULES

    notices = {r.id for r in RULES.values() if r.severity == "notice"}
    assert {p for p in _pandera_problems(REPO_ROOT / "data" / f"{name}.csv", name) if p[2] not in notices} == set()


def test_the_memory_limit_is_duckdbs_and_can_be_set(faulty, monkeypatch):
    """CIVHARM_MEMORY_LIMIT reaches DuckDB: a small limit gives the same report, a malformed
    one is refused by DuckDB (exit 2, named in the error)."""
    pkg, _, _, report = faulty
    monkeypatch.setenv("CIVHARM_MEMORY_LIMIT", "128MB")  # small, with room for the schemas of 1.0.0
    assert json.loads(run_validate(pkg, "--format", "json").stdout)["problems"] == report["problems"]
    monkeypatch.setenv("CIVHARM_MEMORY_LIMIT", "plenty")
    proc = run_validate(pkg)
    assert proc.returncode == 2 and "plenty" in proc.stderr


# --- a thousand of each -------------------------------------------------------------------------

THOUSAND = 1000


def _append_rows(path: Path, rows: list[dict]) -> int:
    """Append rows (dicts by column) to a CSV; returns the line of the first."""
    existing = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=list(existing[0]), lineterminator="\n")
    writer.writerows(rows)
    with path.open("a", encoding="utf-8", newline="") as f:
        f.write(out.getvalue())
    return len(existing) + 2


@pytest.fixture(scope="module")
def thousand(tmp_path_factory):
    """THOUSAND faults of every cell, row and hygiene class (each on an incident with no claim),
    THOUSAND incidents with both of CH-000001's claims and a grade they do not give, and THOUSAND
    claims about an incident that does not exist."""
    pkg = build_package(tmp_path_factory.mktemp("thousand") / "pkg")
    first = inject_faults(pkg, THOUSAND)
    data = pkg / "data"
    template = next(csv.DictReader(io.StringIO((data / "incidents.csv").read_text(encoding="utf-8"), newline="")))
    claims = [c for c in csv.DictReader(io.StringIO((data / "claims.csv").read_text(encoding="utf-8"), newline=""))
              if c["incident_id"] == "CH-000001"]
    assert template["grade"] == "single_source" and len(claims) == 2 and not any(c["superseded_by"] for c in claims)
    graded = _append_rows(data / "incidents.csv", [{**template, "incident_id": f"CH-{300000 + i:06d}", "grade": "fair"}
                                                   for i in range(THOUSAND)])
    copies = [{**c, "claim_id": f"CL-{300000 + 2 * i + k:06d}", "incident_id": f"CH-{300000 + i:06d}"}
              for i in range(THOUSAND) for k, c in enumerate(claims)]
    copies += [{**claims[0], "claim_id": f"CL-{400000 + i:06d}", "incident_id": f"CH-{900000 + i:06d}"}
               for i in range(THOUSAND)]
    dangling = _append_rows(data / "claims.csv", copies) + 2 * THOUSAND
    proc = run_validate(pkg, "--format", "json")
    return first, graded, dangling, proc, json.loads(proc.stdout)


def test_a_thousand_faults_of_every_class_are_each_reported(thousand):
    """Issue 10's target: every fault reported, at its line, counts exact, with 1,000 of each."""
    first, graded, dangling, proc, report = thousand
    assert proc.returncode == 1
    counts = Counter(p["rule"] for p in report["problems"])
    for rule in CLASSES:
        assert counts[rule] == THOUSAND, rule
    # the fault copies have no claim; the graded copies have CH-000001's two. That is 16,000
    # problems of one rule in one file: past the 10,000 kept, the rest are counted exactly.
    kept = report.get("omitted", [])
    assert [(o["rule"], o["count"]) for o in kept] == [("incident-without-claim", len(CLASSES) * THOUSAND - 10_000)]
    assert counts["incident-without-claim"] == 10_000
    assert counts["incident-grade-unexplained"] == THOUSAND
    assert counts["fk-dangling"] == THOUSAND
    for i, rule in enumerate(CLASSES):
        lines = {p["line"] for p in report["problems"] if p["rule"] == rule}
        assert lines == set(range(first + i * THOUSAND, first + (i + 1) * THOUSAND)), rule
    grades = [p for p in report["problems"] if p["rule"] == "incident-grade-unexplained"]
    assert {p["line"] for p in grades} == set(range(graded, graded + THOUSAND))
    # each names what the claims give, with the originals (listed only for the incidents reported)
    want = "single_source (2 current report(s); independent originals: Syrian Observatory for Human Rights)"
    assert all(want in p["message"] for p in grades), grades[0]["message"]
    assert {p["value"] for p in grades} == {"fair"}
    assert {p["line"] for p in report["problems"] if p["rule"] == "fk-dangling"} == set(range(dangling, dangling + THOUSAND))
