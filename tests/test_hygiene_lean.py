"""The free text that the validator never stores whole (hygiene.FREE_TEXT): nothing after the
reading reads it but the hygiene and cells layers and an IS NULL, and what is stored in its place
still gives them, and so the report, what the whole text would."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import duckdb
import pytest

from conftest import REPO_ROOT, build_package, run_validate
from civharm.metadata.ddl import views
from civharm.metadata.package import load_json, load_resources
from civharm.metadata.ranges import figure_stems
from civharm.validate import hygiene, structure
from civharm.validate.row_rules import row_checks
from civharm.validate.tables import MATERIALISED

VALIDATE_SQL = REPO_ROOT / "civharm" / "validate" / "sql"


def _resources(root: Path = REPO_ROOT) -> dict:
    return {r.name: r for r in load_resources(root, load_json(root / "datapackage.json"))}


def _code(sql: str) -> str:
    """SQL without its comments and COMMENT ON statements (prose may name any column)."""
    sql = re.sub(r"COMMENT ON .*?'(?:[^']|'')*';", "", sql, flags=re.S)
    return re.sub(r"--[^\n]*", "", sql)


def _read_by_rules() -> str:
    """The SQL of every rule across tables, and of every view such SQL reads (in turn)."""
    resources = _resources()
    claims = resources["claims"].field_names
    made = {}
    for statement in views(figure_stems(claims), list(resources.values())):
        for name in re.findall(r"CREATE (?:OR REPLACE )?VIEW (\w+)", statement):
            made[name] = _code(statement)
    read = "\n".join(_code(p.read_text()) for p in sorted(VALIDATE_SQL.rglob("*.sql")))
    read += "\n" + " ".join(MATERIALISED)
    seen: set[str] = set()
    while new := {v for v in made if v not in seen and re.search(rf"\b{v}\b", read)}:
        seen |= new
        read += "\n".join(made[v] for v in sorted(new))
    return read


def _set(path: Path, column: str, values: list[str]) -> None:
    """Write values into the column's first rows, one line per record (the fast reader's form)."""
    with path.open(newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    assert len(rows) > len(values)
    for row, value in zip(rows[1:], values):
        row[rows[0].index(column)] = value
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)
    assert not any("\n" in cell for row in rows for cell in row)


def test_free_text_is_plain_text_with_no_rule_but_required():
    resources = _resources()
    for name, columns in hygiene.FREE_TEXT.items():
        fields = {f["name"]: f for f in resources[name].fields}
        for column in columns:
            f = fields[column]
            assert f.get("type", "string") == "string" and "format" not in f, (name, column)
            assert set(f.get("constraints", {})) <= {"required"}, (name, column)


def test_no_rule_across_tables_reads_free_text():
    read = _read_by_rules()
    for name, columns in hygiene.FREE_TEXT.items():
        for column in columns:
            assert not re.search(rf"\b{column}\b", read), f"{name}.{column} is read by a rule or its views"


def test_row_rules_read_free_text_only_as_empty_or_not():
    resources = _resources()
    for name, columns in hygiene.FREE_TEXT.items():
        res = resources[name]
        for rule in row_checks(res.fields, tuple(res.field_names)):
            for column in columns:
                rest = rule.sql.replace(f"{column} IS NULL", "")
                assert not re.search(rf"\b{column}\b", rest), (name, rule.id, column)


def test_the_table_keeps_only_failing_text(tmp_path):
    """What the fast reader stores of a free-text column: the text where a hygiene rule fails,
    NULL where the cell is empty, '' otherwise; and the exact reader stores the same."""
    pkg = build_package(tmp_path / "pkg")
    path = pkg / "data" / "sources.csv"
    _set(path, "notes", ["=formula", "bell\x07x", ""])
    res = _resources(pkg)["sources"]
    stored = {}
    for reader in ("fast", "exact"):
        if reader == "exact":  # a carriage return sends the file to the exact reader
            text = path.read_text(encoding="utf-8")
            path.write_text(text.replace("\n", "\r\n", 1), encoding="utf-8", newline="")
        con = duckdb.connect()
        table, problems = structure.read(con, pkg, res, hygiene.columns)
        assert (table.scan is None) == (reader == "exact") and problems == []
        stored[reader] = con.execute(f'SELECT notes FROM sources ORDER BY {structure.LINE}').fetchall()
        con.close()
    assert stored["fast"][:3] == [("=formula",), ("bell\x07x",), (None,)]
    assert {v for (v,) in stored["fast"][3:]} <= {"", None}
    assert stored["exact"] == stored["fast"]


def test_report_names_the_free_text_faults(tmp_path):
    """The whole value of a failing free-text cell still reaches the report."""
    pkg = build_package(tmp_path / "pkg")
    _set(pkg / "data" / "incidents.csv", "notes", ["cafe\u0301"])  # not NFC
    proc = run_validate(pkg, "--format", "json")
    found = [p for p in json.loads(proc.stdout)["problems"] if p["rule"] == "text-not-nfc"]
    assert [(p["line"], p["column"], p["value"]) for p in found] == [(2, "notes", "cafe\u0301")]
