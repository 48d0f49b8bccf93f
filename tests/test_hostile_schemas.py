"""Hostile schemas and descriptors (issue 26): no field can take the place of the validator's own
columns, no schema value ends in an internal error, and the fields and resources a package may
have are bounded before anything is read. Each case runs the validator as a user does and
checks the rule, the exit code and that nothing is reported as an internal error."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import BROKEN_DIR, build_package
from test_hostile import _run, _rules

# The bound for every hostile case, with room for a loaded 2-core machine (the wall time
# and peak of each, measured alone, are in civharm/validate/README.md)
TIME_BOUND_S = 30
MEMORY_BOUND_MB = 1000


def _check(pkg: Path, env: dict | None = None) -> tuple[dict, int]:
    """The JSON report and exit code; fails on an internal error or past the bounds."""
    proc, seconds, peak = _run("civharm.validate", str(pkg), "--format", "json", env=env)
    assert "internal error" not in proc.stderr, proc.stderr
    report = json.loads(proc.stdout)
    assert not [p for p in report["problems"] if p["rule"] == "internal-error"], report["problems"]
    assert seconds < TIME_BOUND_S and peak < MEMORY_BOUND_MB, (seconds, peak)
    return report, proc.returncode


def _schema(pkg: Path, name: str) -> dict:
    return json.loads((pkg / "schemas" / f"{name}.schema.json").read_text(encoding="utf-8"))


def _write_schema(pkg: Path, name: str, schema: dict) -> None:
    (pkg / "schemas" / f"{name}.schema.json").write_text(json.dumps(schema, indent=2), encoding="utf-8")


def _add_column(pkg: Path, table: str, field: dict, value: str) -> None:
    """A field added to the table's schema and a column of `value` to its file."""
    schema = _schema(pkg, table)
    schema["fields"].append({"description": "Added.", "example": value, **field})
    _write_schema(pkg, table, schema)
    path = pkg / "data" / f"{table}.csv"
    header, *rows = path.read_text(encoding="utf-8").splitlines()
    name = json.dumps(field["name"]) if set(field["name"]) & set(',"\n\r') else field["name"]
    path.write_text("\n".join([f"{header},{name}", *(f"{r},{value}" for r in rows)]) + "\n", encoding="utf-8")


def test_a_field_named_broken_cannot_switch_the_rules_off(tmp_path):
    pkg = build_package(tmp_path / "pkg", BROKEN_DIR / "incident-range-unexplained")
    _add_column(pkg, "incidents", {"name": "__broken", "type": "boolean"}, "true")
    report, code = _check(pkg)
    assert code == 1
    [p] = [p for p in report["problems"] if p["rule"] == "schema-field-name"]
    assert (p["file"], p["value"]) == ("schemas/incidents.schema.json", "__broken")


def test_a_field_named_rowid_cannot_move_a_line(tmp_path):
    pkg = build_package(tmp_path / "pkg")
    _add_column(pkg, "incidents", {"name": "rowid", "type": "integer"}, "999999")
    path = pkg / "data" / "incidents.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",airstrike,", ",nuke,", 1), encoding="utf-8")
    report, code = _check(pkg)
    assert code == 1 and "schema-field-name" in _rules(report)
    assert 999999 not in {p["line"] for p in report["problems"]}


@pytest.mark.parametrize("name", ["__line", "__extra", "__padded", "name$text", "a\x00b", "a\nb", "ROWID",
                                  "Incident_ID", "with space", "x" * 64, "été"])
def test_names_that_are_not_plain_identifiers(tmp_path, name):
    pkg = build_package(tmp_path / "pkg")
    _add_column(pkg, "actors", {"name": name, "type": "string"}, "x")
    report, code = _check(pkg)
    assert code == 1
    [p] = [p for p in report["problems"] if p["rule"] == "schema-field-name"]
    assert p["value"] == json.dumps(name)[1:-1] and p["column"] == "fields/7/name"
    assert "actors" not in report["summary"]["rows"]  # the resource is not read


def test_an_error_text_cut_inside_a_character_is_no_internal_error(tmp_path):
    """DuckDB quotes the line it fails on cut at a byte count; inside a UTF-8 sequence its binding
    raised UnicodeDecodeError, and the file was left unchecked."""
    pkg = build_package(tmp_path / "pkg")
    path = pkg / "data" / "actors.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    # the first actor's cells, its notes an unclosed quote of 16,000 bytes (DuckDB cuts inside an é)
    lines.append(",".join(["A-000009", *lines[1].split(",")[1:6]]) + ',"' + "é" * 8000)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report, code = _check(pkg)
    assert code == 1
    assert [(p["rule"], p["line"]) for p in report["problems"] if p["file"] == "data/actors.csv"] == \
        [("csv-unclosed-quote", len(lines))]


_BOUNDS = {  # on an integer field: tallies' civilians_killed_min (not JSON: reported where the file is read)
    "NaN minimum": (lambda f: f.setdefault("constraints", {}).update(minimum=float("nan")), "descriptor-not-json"),
    "Infinity maximum": (lambda f: f.setdefault("constraints", {}).update(maximum=float("inf")), "descriptor-not-json"),
    "-Infinity minimum": (lambda f: f.setdefault("constraints", {}).update(minimum=float("-inf")), "descriptor-not-json"),
    "1e400 maximum": (lambda f: f.setdefault("constraints", {}).update(maximum=1e400), "descriptor-not-json"),
    "integer past 64 bits": (lambda f: f.setdefault("constraints", {}).update(minimum=10**30), "schema-invalid"),
}
_BAD_VALUES = {  # on an enum field with categories: actors' actor_type
    "list in an enum": (lambda f: f["constraints"]["enum"].append(["a"]), "schema-invalid"),
    "object as a category": (lambda f: f["categories"].append({"value": {"a": 1}, "label": "x"}), "schema-invalid"),
    "back-reference": (lambda f: f["constraints"].update(pattern="(a)\\1"), "schema-pattern-unsupported"),
    "named back-reference": (lambda f: f["constraints"].update(pattern="(?P<n>a)(?P=n)"), "schema-pattern-unsupported"),
    "look-behind": (lambda f: f["constraints"].update(pattern="(?<=a)b"), "schema-pattern-unsupported"),
    "end of text": (lambda f: f["constraints"].update(pattern="a\\Z"), "schema-pattern-unsupported"),
    "repeat over 1,000": (lambda f: f["constraints"].update(pattern="a{1001}"), "schema-pattern-unsupported"),
    "nested repeats": (lambda f: f["constraints"].update(pattern="((a{999}){999}){999}"), "schema-pattern-unsupported"),
    "class subtraction": (lambda f: f["constraints"].update(pattern="[a-z-[aeiou]]"), "schema-pattern-unsupported"),
}


@pytest.mark.parametrize("case", sorted(_BOUNDS) + sorted(_BAD_VALUES))
def test_schema_values_no_layer_can_hold(tmp_path, case):
    (edit, rule), table, name = ((_BOUNDS[case], "tallies", "civilians_killed_min") if case in _BOUNDS
                                 else (_BAD_VALUES[case], "actors", "actor_type"))
    pkg = build_package(tmp_path / "pkg")
    schema = _schema(pkg, table)
    [f] = [f for f in schema["fields"] if f["name"] == name]
    edit(f)
    _write_schema(pkg, table, schema)
    report, code = _check(pkg)
    assert code == 1 and rule in _rules(report, f"schemas/{table}.schema.json"), report["problems"]


def test_an_integer_of_5000_digits(tmp_path):
    pkg = build_package(tmp_path / "pkg")
    text = (pkg / "schemas" / "actors.schema.json").read_text(encoding="utf-8")
    (pkg / "schemas" / "actors.schema.json").write_text(
        text.replace('"fields": [', '"x": ' + "9" * 5000 + ', "fields": [', 1), encoding="utf-8")
    report, code = _check(pkg)
    assert code == 1 and "descriptor-not-json" in _rules(report, "schemas/actors.schema.json")


@pytest.mark.parametrize("count", [5_000, 55_000])
def test_thousands_of_fields_are_refused_before_reading(tmp_path, count):
    pkg = build_package(tmp_path / "pkg")
    schema = _schema(pkg, "actors")
    schema["fields"] += [{"name": f"f{i}"} for i in range(count - len(schema["fields"]))]  # 55,000: 900 KB
    (pkg / "schemas" / "actors.schema.json").write_text(json.dumps(schema, separators=(",", ":")), encoding="utf-8")
    path = pkg / "data" / "actors.csv"
    header, *rows = path.read_text(encoding="utf-8").splitlines()
    path.write_text(",".join(f["name"] for f in schema["fields"]) + "\n", encoding="utf-8")
    report, code = _check(pkg)
    assert code == 1
    [p] = [p for p in report["problems"] if p["rule"] == "schema-too-many-fields"]
    assert p["value"] == f"{count:,}" and "more than the limit of 200" in p["message"]
    assert "actors" not in report["summary"]["rows"]


def test_the_field_limit_has_an_override(tmp_path):
    pkg = build_package(tmp_path / "pkg", BROKEN_DIR / "schema-too-many-fields")
    report, _ = _check(pkg, env={"CIVHARM_MAX_FIELDS": "300"})
    assert "schema-too-many-fields" not in _rules(report) and "header-missing-column" in _rules(report)


def test_ten_thousand_resources_are_refused_before_reading(tmp_path):
    pkg = build_package(tmp_path / "pkg")
    d = json.loads((pkg / "datapackage.json").read_text(encoding="utf-8"))
    d["resources"] += [{"name": f"r{i}", "path": "data/actors.csv", "schema": "schemas/actors.schema.json"}
                       for i in range(10_000)]  # 800 KB
    (pkg / "datapackage.json").write_text(json.dumps(d), encoding="utf-8")
    report, code = _check(pkg)
    assert code == 1 and _rules(report) == {"descriptor-too-many-resources"}
    assert report["summary"]["rows"] == {}


def test_resources_outside_civharms_set_are_not_read(tmp_path):
    pkg = build_package(tmp_path / "pkg")
    d = json.loads((pkg / "datapackage.json").read_text(encoding="utf-8"))
    d["resources"].append({**d["resources"][0], "name": "extra", "path": "data/missing.csv"})
    (pkg / "datapackage.json").write_text(json.dumps(d), encoding="utf-8")
    report, code = _check(pkg)
    assert code == 1 and "descriptor-resource-set" in _rules(report)
    assert "resource-file-missing" not in _rules(report) and "extra" not in report["summary"]["rows"]


@pytest.mark.parametrize("edit, column, note", [
    (lambda t: t.replace('"name": "civharm"', '"name": "civharm", "x": NaN', 1), "x", "NaN at /x is not a JSON number a reader can hold (RFC 8259)"),
    (lambda t: t.replace('"name": "civharm"', '"name": "civharm", "x": [-Infinity]', 1), "x/0", "-Infinity at /x/0 is not a JSON number a reader can hold (RFC 8259)"),
    (lambda t: t.replace('"name": "civharm"', '"name": "civharm", "x": 1e400', 1), "x", "1e400 at /x is not a JSON number a reader can hold (RFC 8259)"),
    (lambda t: t.replace('"path": "data/incidents.csv"', '"path": "data/incidents.csv", "path": "data/x.csv"', 1),
     "resources/0", "the key 'path' is given more than once at /resources/0"),
    (lambda t: t.replace('"resources": [', '"resources": [], "resources": [', 1), None,
     "the key 'resources' is given more than once at the top level"),
])
def test_strict_json_in_the_descriptor(tmp_path, edit, column, note):
    pkg = build_package(tmp_path / "pkg")
    desc = pkg / "datapackage.json"
    text = desc.read_text(encoding="utf-8")
    assert edit(text) != text
    desc.write_text(edit(text), encoding="utf-8")
    report, code = _check(pkg)
    assert code == 1
    assert [(p["rule"], p["column"], p["message"]) for p in report["problems"]] == \
        [("descriptor-not-json", column, f"The file is not valid JSON: {note}.")]


def test_a_key_given_twice_in_a_schema(tmp_path):
    pkg = build_package(tmp_path / "pkg")
    path = pkg / "schemas" / "actors.schema.json"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('"primaryKey"', '"primaryKey": ["name"], "primaryKey"', 1), encoding="utf-8")
    report, code = _check(pkg)
    assert code == 1
    [p] = [p for p in report["problems"] if p["file"] == "schemas/actors.schema.json"]
    assert (p["rule"], p["column"]) == ("descriptor-not-json", None) and "'primaryKey'" in p["message"]


def test_failing_rows_are_capped_in_sql_and_counted_exactly(tmp_path, monkeypatch):
    """2,000 dangling keys with CIVHARM_KEEP_PER_RULE=10: ten problems are made (the rows past
    the cap are counted in DuckDB, never fetched), and the report counts all 2,000."""
    import csv as csv_module
    from civharm.validate import engine, tables

    pkg = build_package(tmp_path / "pkg")
    path = pkg / "data" / "claims.csv"
    header, first, *_ = path.read_text(encoding="utf-8").splitlines()
    cells, names = next(csv_module.reader([first])), header.split(",")
    with path.open("w", encoding="utf-8", newline="") as f:
        f.write(header + "\n")
        writer = csv_module.writer(f, lineterminator="\n")
        for k in range(2_000):
            cells[names.index("claim_id")], cells[names.index("incident_id")] = f"CL-{k + 1:06d}", f"CH-{k + 900000}"
            writer.writerow(cells)
    made = []

    def counted(rule, *args, **kwargs):
        made.append(rule)
        return tables.Problem.__wrapped__(rule, *args, **kwargs)
    counted.__wrapped__ = tables.Problem
    monkeypatch.setattr(tables, "Problem", counted)
    monkeypatch.setenv("CIVHARM_KEEP_PER_RULE", "10")
    report = engine.validate(pkg)
    assert made.count("fk-dangling") == 10
    assert sum(1 for p in report.problems if p.rule == "fk-dangling") == 10
    assert report.problems.omitted[("data/claims.csv", "fk-dangling")] == 1_990


def test_the_zip_entry_count_message_counts_entries(tmp_path, monkeypatch):
    import zipfile

    from civharm.metadata.confine import TooLarge, extract_zip

    many = tmp_path / "many.zip"
    with zipfile.ZipFile(many, "w") as z:
        for i in range(15):
            z.writestr(f"f{i}", b"")
    monkeypatch.setenv("CIVHARM_MAX_ZIP_ENTRIES", "10")
    with pytest.raises(TooLarge) as e:
        extract_zip(many, tmp_path / "out", lambda n: True)
    assert str(e.value) == f"{many} is 15 entries, more than the limit of 10 (set CIVHARM_MAX_ZIP_ENTRIES to raise it)"


def test_unique_compares_text_as_seen(tmp_path):
    """Two actor names that differ only by a zero-width space are one name twice (cell-unique), and
    the invisible character is reported, escaped, at its place."""
    pkg = build_package(tmp_path / "pkg")
    path = pkg / "data" / "actors.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines.append(lines[3].replace("A-000003", "A-000004").replace("Islamic State (ISIS)", "Islamic State (IS\u200bIS)"))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report, code = _check(pkg)
    found = {(p["rule"], p["line"], p["column"], p["value"]) for p in report["problems"] if p["file"] == "data/actors.csv"}
    assert code == 1 and {("cell-unique", 4, "name", "Islamic State (ISIS)"),
                          ("cell-unique", 5, "name", "Islamic State (IS\u200bIS)"),
                          ("text-invisible-character", 5, "name", "U+200B")} <= found
