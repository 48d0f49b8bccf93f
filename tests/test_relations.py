"""Relations between incidents (data/incident_relations.csv): what validates, what only gets a
notice, and the real package's relations. The broken fixtures (tests/fixtures/broken/relation-*)
cover each error rule; these tests cover what a fixture cannot: valid shapes that a careless rule
would reject, and the notice, which never fails a package."""

from __future__ import annotations

import csv
import importlib.util
import json

from conftest import FIXTURES_DIR, REPO_ROOT, build_package, run_validate

_spec = importlib.util.spec_from_file_location("make_fixtures", FIXTURES_DIR / "make_fixtures.py")
make_fixtures = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make_fixtures)
relation, related = make_fixtures.relation, make_fixtures.related


def validate_with(tmp_path, files: dict[str, str]) -> dict:
    pkg = build_package(tmp_path / "pkg")
    for rel, text in files.items():
        (pkg / rel).write_text(text, encoding="utf-8")
    proc = run_validate(pkg, "--format", "json")
    assert "Traceback" not in proc.stderr, proc.stderr
    return json.loads(proc.stdout)


def relation_problems(report: dict) -> list[tuple]:
    return [(p["rule"], p["line"], p["severity"], p["message"]) for p in report["problems"]
            if p["file"] == "data/incident_relations.csv"]


def test_a_chain_and_a_diamond_of_contains_are_not_cycles(tmp_path):
    """CH-000004 holds CH-000001 and CH-000005, and CH-000001 holds CH-000005 too: no cycle."""
    report = validate_with(tmp_path, related(
        relation("R-000001", "CH-000004", "contains", "CH-000001"),
        relation("R-000002", "CH-000001", "contains", "CH-000005"),
        relation("R-000003", "CH-000004", "contains", "CH-000005")))
    assert report["valid"] is True
    assert relation_problems(report) == []


def test_a_possible_duplicate_may_be_dated_apart(tmp_path):
    """Sources can date the same deaths on different days; only an established share must overlap."""
    report = validate_with(tmp_path, related(
        relation("R-000001", "CH-000004", "possible_duplicate", "CH-000005"),
        incidents={"CH-000005": {"date_start": "2017-08-22", "date_end": "2017-08-22"}}))
    assert report["valid"] is True
    assert relation_problems(report) == []


def test_a_contained_incident_dated_more_loosely_gets_a_notice(tmp_path):
    report = validate_with(tmp_path, related(
        relation("R-000001", "CH-000004", "contains", "CH-000005"),
        incidents={"CH-000005": {"date_start": "2017-08-20", "date_precision": "range"}}))
    assert report["valid"] is True and report["exit_code"] == 0
    assert relation_problems(report) == [(
        "relation-contained-dates-outside", 2, "notice",
        "The contained incident CH-000005 (2017-08-20 to 2017-08-21) reaches outside the dates of its "
        "container CH-000004 (2017-08-21 to 2017-08-21).")]


def test_a_cycle_of_two_is_reported_as_a_cycle_and_a_repeated_pair(tmp_path):
    report = validate_with(tmp_path, related(
        relation("R-000001", "CH-000004", "contains", "CH-000001"),
        relation("R-000002", "CH-000001", "contains", "CH-000004"),
        incidents={"CH-000004": {"civilians_killed_min": "42", "civilians_killed_max": "55"}}))
    got = {(rule, line) for rule, line, _, _ in relation_problems(report)}
    assert got == {("relation-contains-cycle", 2), ("relation-contains-cycle", 3), ("relation-pair-repeated", 3)}


# --- the real package -----------------------------------------------------------------------------


def real_relations() -> list[dict]:
    with (REPO_ROOT / "data" / "incident_relations.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_the_flagged_overlaps_are_recorded():
    """The overlaps issue 9 names, each with the kind a reading of the claims supports."""
    pairs = {(r["incident_id"], r["related_incident_id"]): r["relation"] for r in real_relations()}
    assert pairs[("CH-000054", "CH-000006")] == "contains"
    assert pairs[("CH-000054", "CH-000007")] == "contains"
    assert pairs[("CH-000002", "CH-000018")] == "contains"
    assert pairs[("CH-000029", "CH-000030")] == "companion_entry"
    # UCDP's 16 for 8 August cannot hold CH-000014's 29: it holds part of them, as does 7 August.
    assert pairs[("CH-000205", "CH-000014")] == "overlaps"
    assert pairs[("CH-000204", "CH-000014")] == "overlaps"


def test_every_relation_names_a_ucdp_event_its_note_explains():
    """A relation whose source is the UCDP dataset joins at least one UCDP incident, and its note
    names the GED event(s) it reads."""
    with (REPO_ROOT / "data" / "claims.csv").open(encoding="utf-8", newline="") as f:
        ged = {}
        for c in csv.DictReader(f):
            if c["source_id"] == "S-000049":
                ged[c["incident_id"]] = c["external_id"]
    for r in real_relations():
        if r["source_id"] != "S-000049":
            continue
        events = [ged[i] for i in (r["incident_id"], r["related_incident_id"]) if i in ged]
        assert events, f"{r['relation_id']} cites UCDP but joins no UCDP incident"
        assert any(e in r["note"] for e in events), f"{r['relation_id']}: the note names none of {events}"
