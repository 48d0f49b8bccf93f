"""The validator, run as a user runs it, over the minimal package, every broken fixture and the
real package.

Each broken fixture is the minimal package with one fault (one fixture has several); the test
asserts the validator reports exactly the problems in its expected.json, by (file, line, column,
rule): a missed problem and an extra one (a cascade) both fail. Notices are compared for the
notice rules a fixture expects (the minimal package itself has some). Every rule of the
registry has a fixture that raises it.
"""

from __future__ import annotations

import json
import string
import subprocess
import sys
import unicodedata
from pathlib import Path, PurePosixPath

import pytest

from conftest import (
    BROKEN_DIR,
    MINIMAL_DIR,
    REPO_ROOT,
    RESOURCES,
    SCHEMAS_DIR,
    broken_fixture_names,
    build_package,
    fixture_overlay_files,
    fixture_removals,
    fmt_keys,
    frictionless_cli,
    load_expected,
    problem_key,
    reported_keys,
    run_validate,
)
from civharm.metadata import versions
from civharm.metadata.citation import CFF, ZENODO
from civharm.metadata.ids import LEDGER
from civharm.validate.release import CHANGELOG
from civharm.validate.rules import RULES  # the registry only, not the engine

FIXTURES = broken_fixture_names()
PROBLEM_FIELDS = {"file", "line", "column", "value", "rule", "layer", "severity", "message", "hint"}
MINIMAL_ROWS = {"incidents": 3, "sources": 4, "claims": 3, "tallies": 3, "actors": 3, "incident_relations": 0,
                "places": 4, "victims": 2}


def _no_crash(proc: subprocess.CompletedProcess) -> None:
    assert "Traceback" not in proc.stderr, f"traceback in stderr:\n{proc.stderr}"
    assert "internal error" not in proc.stderr, f"the validator crashed:\n{proc.stderr}"


# --- the fixtures themselves (no validator needed) -------------------------------------------------


# Files a fixture may add: the release files the minimal package lacks, and the package's copy
# of a real schema (build_package copies schemas/ from the repo, then the fixture's files).
RELEASE_FILES = {CFF, ZENODO, CHANGELOG, LEDGER, versions.LEDGER}


def _expected_rules() -> dict[str, set[str]]:
    """rule id -> the fixtures whose expected.json has it."""
    out: dict[str, set[str]] = {}
    for name in FIXTURES:
        for p in load_expected(BROKEN_DIR / name):
            out.setdefault(p["rule"], set()).add(name)
    return out


# internal-error, the one rule no package can raise: it reports a bug of ours (an exception inside a check) on the
# file being read. tests/test_hostile.py raises it with rule SQL that tries to read a file.
# release-rules is a notice no overlay of the minimal package can raise: it needs a package that is
# byte for byte a released version (civharm/metadata/kept/); tests/test_release_rules.py raises it
# on the 0.1.0 and 0.2.0 zips rebuilt from their commits.
NO_FIXTURE = {"internal-error", "release-rules"}


def test_every_rule_has_a_fixture_that_raises_it():
    """Every registered rule, errors and notices, is expected by some broken fixture (and
    test_broken_package holds that the fixture raises it)."""
    covered = _expected_rules()
    missing = sorted(set(RULES) - set(covered) - set(NO_FIXTURE))
    assert not missing, f"rules with no broken fixture (add one in tests/fixtures/make_fixtures.py): {missing}"
    unknown = sorted(set(covered) - set(RULES))
    assert not unknown, f"fixtures expect rules the registry lacks: {unknown}"


@pytest.mark.parametrize("name", FIXTURES)
def test_fixture_is_well_formed(name):
    """A fixture only replaces or removes files of the minimal package, and expects known rules."""
    fixture = BROKEN_DIR / name
    minimal_files = {p.relative_to(MINIMAL_DIR) for p in MINIMAL_DIR.rglob("*") if p.is_file()}
    overlay = fixture_overlay_files(fixture)
    removals = fixture_removals(fixture)
    assert overlay or removals, "the fixture changes nothing"
    for rel in overlay:
        if rel.as_posix() in RELEASE_FILES:
            continue
        if rel.parts[0] == "schemas":
            assert (SCHEMAS_DIR / rel.name).is_file(), f"{rel} is not a schema of the package"
            assert (fixture / rel).read_bytes() != (SCHEMAS_DIR / rel.name).read_bytes(), f"{rel} is unchanged"
            continue
        assert rel in minimal_files, f"{rel} is not a file of the minimal package"
        assert (fixture / rel).read_bytes() != (MINIMAL_DIR / rel).read_bytes(), f"{rel} is unchanged"
    for rel in removals:
        assert Path(rel) in minimal_files, f"remove.txt names {rel}, which minimal does not have"

    expected = load_expected(fixture)
    assert isinstance(expected, list) and expected
    for p in expected:
        assert set(p) == {"file", "line", "column", "rule"}, p
        assert p["rule"] in RULES, f"unknown rule id {p['rule']!r}"
        assert not PurePosixPath(p["file"]).is_absolute() and "\\" not in p["file"], p
        assert p["line"] is None or (isinstance(p["line"], int) and p["line"] >= 1), p
    assert len({problem_key(p) for p in expected}) == len(expected), "duplicate expected problems"


def test_minimal_fixture_follows_the_real_schemas():
    """Headers of the minimal CSVs are the schemas' fields in order; text is NFC UTF-8, no BOM."""
    descriptor = json.loads((MINIMAL_DIR / "datapackage.json").read_text(encoding="utf-8"))
    assert [r["name"] for r in descriptor["resources"]] == list(RESOURCES)
    for resource in descriptor["resources"]:
        assert resource["schema"] == f"schemas/{resource['name']}.schema.json"
        schema = json.loads((SCHEMAS_DIR / f"{resource['name']}.schema.json").read_text(encoding="utf-8"))
        raw = (MINIMAL_DIR / resource["path"]).read_bytes()
        assert not raw.startswith(b"\xef\xbb\xbf")
        text = raw.decode("utf-8")
        assert unicodedata.is_normalized("NFC", text)
        header = text.split("\n", 1)[0].split(",")
        assert header == [f["name"] for f in schema["fields"]], (
            f"{resource['path']}: the header no longer matches the schema; update the fixtures"
        )
    assert not (MINIMAL_DIR / "schemas").exists(), "schemas are copied from the repo, not kept in fixtures"


# --- the validator --------------------------------------------------------------------------------


def test_minimal_package_is_valid(validated):
    run = validated(None)
    _no_crash(run.proc)
    report = run.report
    problems = reported_keys(report)
    assert run.proc.returncode == 0, f"exit {run.proc.returncode}; problems:\n{fmt_keys(problems)}"
    assert report["valid"] is True
    assert not problems, f"the minimal package should be clean (notices aside); got:\n{fmt_keys(problems)}"
    assert run.after == run.before, "validation modified the package"


def test_json_report_shape(validated):
    run = validated(None)
    report = run.report
    assert report["exit_code"] == run.proc.returncode
    assert isinstance(report["package"], str) and report["package"]
    summary = report["summary"]
    assert summary["resources"] == 8
    assert summary["rows"] == MINIMAL_ROWS
    assert summary["errors"] == 0
    assert isinstance(summary["rules_run"], int) and summary["rules_run"] > 0
    # The brief named it "warnings"; the registry now calls informational problems notices.
    notices = summary.get("notices", summary.get("warnings"))
    assert isinstance(notices, int)
    assert notices == sum(1 for p in report["problems"] if p["severity"] != "error")
    assert isinstance(summary["seconds"], (int, float))


def _cannot_run(report: dict) -> bool:
    """The validator could not start (exit 2): one rule, no list of problems."""
    return "rule" in report and "problems" not in report


def _exit_code(expected: list[dict]) -> int:
    if any(p["rule"] == "descriptor-not-found" for p in expected):
        return 2
    return 1 if any(RULES[p["rule"]].severity == "error" for p in expected) else 0


@pytest.mark.parametrize("name", FIXTURES)
def test_broken_package(name, validated):
    run = validated(name)
    _no_crash(run.proc)
    report = run.report
    expected_problems = load_expected(BROKEN_DIR / name)
    expected = {problem_key(p) for p in expected_problems}
    if _cannot_run(report):
        got = {("datapackage.json", None, None, report["rule"])}
    else:
        notice_rules = {p["rule"] for p in expected_problems if RULES[p["rule"]].severity != "error"}
        got = reported_keys(report) | {problem_key(p) for p in report["problems"] if p["rule"] in notice_rules}
    assert got == expected, (
        f"\nmissing (expected, not reported):\n{fmt_keys(expected - got)}"
        f"\nextra (reported, not expected):\n{fmt_keys(got - expected)}"
    )
    code = _exit_code(expected_problems)
    assert run.proc.returncode == code, f"exit {run.proc.returncode}, expected {code}; stderr:\n{run.proc.stderr}"
    assert run.after == run.before, "validation modified the package"


@pytest.mark.parametrize("name", FIXTURES)
def test_broken_package_report_fields(name, validated):
    """Every problem carries the documented fields, consistent with the rule registry."""
    run = validated(name)
    report = run.report
    assert report["valid"] is (_exit_code(load_expected(BROKEN_DIR / name)) == 0)
    assert report["exit_code"] == run.proc.returncode
    if _cannot_run(report):
        assert report["rule"] in RULES and report["error"] and report["hint"] == RULES[report["rule"]].hint
        return
    problems = report.get("problems", [])
    for p in problems:
        assert PROBLEM_FIELDS <= set(p), f"missing fields {PROBLEM_FIELDS - set(p)} in {p}"
        rule = RULES.get(p["rule"])
        assert rule is not None, f"unknown rule id {p['rule']!r}"
        assert p["layer"] == rule.layer, p
        assert p["severity"] == rule.severity, p
        assert isinstance(p["message"], str) and p["message"].strip(), p
        fields = [f for _, f, _, _ in string.Formatter().parse(rule.message) if f]
        unfilled = [f for f in fields if "{" + f + "}" in p["message"]]
        assert not unfilled, f"unfilled message template fields {unfilled}: {p['message']!r}"
        assert isinstance(p["hint"], str) and p["hint"].strip(), p
    errors = sum(1 for p in problems if p["severity"] == "error")
    assert report["summary"]["errors"] == errors


def test_real_package_is_valid_with_human_summary():
    before = {p: p.stat().st_mtime_ns for p in (REPO_ROOT / "data").glob("*.csv")}
    proc = run_validate(REPO_ROOT)
    _no_crash(proc)
    assert proc.returncode == 0, f"exit {proc.returncode}\nstdout:\n{proc.stdout[-4000:]}\nstderr:\n{proc.stderr}"
    for name in RESOURCES:
        assert name in proc.stdout, f"the human summary does not name the resource {name!r}:\n{proc.stdout}"
    assert {p: p.stat().st_mtime_ns for p in (REPO_ROOT / "data").glob("*.csv")} == before


def test_real_package_json_is_valid():
    proc = run_validate(REPO_ROOT / "datapackage.json", "--format", "json")
    _no_crash(proc)
    report = json.loads(proc.stdout)
    assert proc.returncode == 0 and report["valid"] is True, sorted(reported_keys(report), key=repr)[:50]
    assert report["summary"]["resources"] == 8
    assert set(report["summary"]["rows"]) == set(RESOURCES)


def test_path_without_descriptor_cannot_run(tmp_path):
    empty = tmp_path / "no-package-here"
    empty.mkdir()
    proc = run_validate(empty)
    _no_crash(proc)
    assert proc.returncode == 2, f"exit {proc.returncode}\nstdout:\n{proc.stdout}\nstderr:\n{proc.stderr}"
    said = proc.stdout + proc.stderr
    assert str(empty) in said or str(empty.resolve()) in said, f"the message does not name the path:\n{said}"


def test_path_without_descriptor_cannot_run_json(tmp_path):
    proc = run_validate(tmp_path / "missing", "--format", "json")
    _no_crash(proc)
    assert proc.returncode == 2
    report = json.loads(proc.stdout)
    assert report["valid"] is False and report["exit_code"] == 2


@pytest.mark.parametrize("which", ["minimal", "real"])
def test_frictionless_accepts_package(which, tmp_path):
    cli = frictionless_cli()
    assert cli.exists(), f"no frictionless CLI next to {sys.executable}"
    pkg = build_package(tmp_path / "pkg") if which == "minimal" else REPO_ROOT
    proc = subprocess.run(
        [str(cli), "validate", "datapackage.json"],
        cwd=pkg, capture_output=True, text=True, encoding="utf-8", errors="replace", timeout=600,
    )
    assert proc.returncode == 0, f"frictionless exit {proc.returncode}\n{proc.stdout[-4000:]}\n{proc.stderr[-2000:]}"
