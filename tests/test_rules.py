"""The rule registry is the one declaration of every rule: each rule is raised by exactly one
check that declares it, its id is a literal a grep finds, and the listings (`--rules`, the docs'
rules page) come from it. Also the package profile (schemas/civharm-dp-profile.json) and the
schema properties the row rules are built from.

That every rule has a broken fixture raising it is tests/test_broken_packages.py's
test_every_rule_has_a_fixture_that_raises_it.
"""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from conftest import MINIMAL_DIR, REPO_ROOT, SCHEMAS_DIR, build_package
from civharm.docs.rulespage import rules_by_layer
from civharm.metadata.package import PROFILE_SCHEMA, RESOURCE_NAMES, profile_resource_names
from civharm.metadata.paths import PROFILE
from civharm.validate import engine  # imports every check, so that each has declared its rules
from civharm.validate.report import Problem
from civharm.validate.row_rules import BOUND_RULES, row_checks
from civharm.validate.rules import CHECK_OF, LAYERS, RULES, UndeclaredRule, raises
from civharm.validate.tables import SQL_DIR

VALIDATE = Path(engine.__file__).parent


def test_every_rule_is_raised_by_a_check_that_declares_it():
    unclaimed = sorted(set(RULES) - set(CHECK_OF))
    assert not unclaimed, f"rules no check declares with @raises (they would never run): {unclaimed}"
    assert set(CHECK_OF) <= set(RULES)


def test_every_rule_id_is_a_literal_that_grep_finds():
    """Besides its registry entry, a rule id is a quoted literal in the code that raises it, or
    the name of its SQL file (validate/sql/<id>.sql); none is built at run time."""
    code = "\n".join(p.read_text(encoding="utf-8") for p in VALIDATE.glob("*.py") if p.name != "rules.py")
    for rule in RULES:
        assert f'"{rule}"' in code or (SQL_DIR / f"{rule}.sql").is_file(), rule


def test_every_rule_has_a_known_layer_and_its_texts():
    for r in RULES.values():
        assert r.layer in LAYERS, r
        assert r.severity in ("error", "notice"), r
        assert r.message and r.hint and r.meaning and r.example, r


def test_a_check_cannot_claim_an_unknown_or_taken_rule():
    with pytest.raises(LookupError, match="not in the registry"):
        raises("no-such-rule")
    with pytest.raises(ValueError, match="already raises"):
        raises("cell-type")(lambda: [])


def test_file_rules_name_every_check_that_opens_a_file():
    assert set(CHECK_OF["path-outside-package"].split(", ")) == {
        "civharm.validate.descriptor.check", "civharm.validate.release.check", "civharm.validate.release.check_ids",
        "civharm.validate.release.check_versions"}
    assert set(CHECK_OF["file-too-large"].split(", ")) == {
        "civharm.validate.descriptor.check", "civharm.validate.structure.read"}


def test_a_check_that_reports_an_undeclared_rule_fails_loudly():
    owner = CHECK_OF.pop("relation-self")
    try:
        @raises("relation-self")
        def stray():
            return [Problem("relation-self", "x.csv"), Problem("cell-enum", "x.csv")]

        with pytest.raises(UndeclaredRule, match="cell-enum"):
            stray()
    finally:
        CHECK_OF["relation-self"] = owner


def test_rules_run_are_the_rules_of_the_checks_that_ran(tmp_path):
    report = engine.validate(build_package(tmp_path / "pkg"))
    # the fixture has no releases/ids.csv, so the ID checks do not run; everything else does
    ids = {r for r, c in CHECK_OF.items() if c == "civharm.validate.release.check_ids"}
    assert report.rules_run == set(RULES) - ids


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "civharm.validate", *args], cwd=REPO_ROOT,
                          capture_output=True, text=True, timeout=120)


def test_rules_listing_names_every_rule_with_its_layer():
    proc = _cli("--rules")
    assert proc.returncode == 0, proc.stderr
    listed = {line.split()[0]: line.split()[1] for line in proc.stdout.splitlines() if line.strip()}
    assert listed == {r.id: r.layer for r in RULES.values()}
    proc = _cli("--rules", "--format", "json")
    rows = json.loads(proc.stdout)
    assert {r["id"]: (r["layer"], r["check"]) for r in rows} == {
        r.id: (r.layer, CHECK_OF[r.id]) for r in RULES.values()}


def test_rules_page_is_the_registry():
    page = rules_by_layer(None)
    for r in RULES.values():
        assert f"### {r.id} {{#" in page, r.id
    assert page.count("\n### ") + page.startswith("### ") == len(RULES)


# --- the package profile ------------------------------------------------------------------------


def test_profile_is_a_json_schema_that_the_real_and_minimal_descriptors_meet():
    Draft202012Validator.check_schema(PROFILE_SCHEMA)
    validator = Draft202012Validator(PROFILE_SCHEMA)
    for path in (REPO_ROOT / "datapackage.json", MINIMAL_DIR / "datapackage.json"):
        errors = [e.message for e in validator.iter_errors(json.loads(path.read_text(encoding="utf-8")))]
        assert not errors, (path, errors)
    assert PROFILE.parent == SCHEMAS_DIR
    assert [r["name"] for r in json.loads((REPO_ROOT / "datapackage.json").read_text())["resources"]] == list(
        RESOURCE_NAMES)


def test_profile_resource_lists_must_agree():
    profile = copy.deepcopy(PROFILE_SCHEMA)
    profile["properties"]["resources"]["items"]["properties"]["name"]["enum"].append("casualties")
    with pytest.raises(ValueError, match="must be the same list"):
        profile_resource_names(profile)


# --- row rules from the schemas' civharm:atMost / civharm:atLeast ---------------------------------


def _schema(name: str) -> dict:
    return json.loads((SCHEMAS_DIR / f"{name}.schema.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", ["incidents", "claims", "tallies"])
def test_the_schemas_declare_the_bounds_the_row_rules_check(name):
    fields = _schema(name)["fields"]
    present = tuple(f["name"] for f in fields)
    made = {(r.id, r.column, r.expected) for r in row_checks(fields, present) if r.id in BOUND_RULES}
    start, end = ("period_start", "period_end") if name == "tallies" else ("date_start", "date_end")
    assert made == {("children-exceed-civilians", "children_killed_min", "civilians_killed_max"),
                    ("women-exceed-civilians", "women_killed_min", "civilians_killed_max"),
                    ("men-exceed-civilians", "men_killed_min", "civilians_killed_max"),
                    ("date-end-before-start", end, start)}


def test_a_bound_is_an_edit_to_the_schema_alone():
    fields = _schema("tallies")["fields"]
    for f in fields:
        f.pop("civharm:atMost", None)
    present = tuple(f["name"] for f in fields)
    assert not {r.id for r in row_checks(fields, present)} & {"children-exceed-civilians", "women-exceed-civilians"}
    [injured] = [f for f in fields if f["name"] == "injured_min"]
    injured["civharm:atMost"] = {"field": "civilians_killed_max", "rule": "women-exceed-civilians"}
    assert [(r.column, r.sql) for r in row_checks(fields, present) if r.id == "women-exceed-civilians"] == [
        ("injured_min", '"injured_min" <= "civilians_killed_max"')]
