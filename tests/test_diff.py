"""make diff: two versions of a small package compared by primary key, per resource, with the
version bump the change needs. The outputs are asserted exactly.

`before` is the minimal package with one more active incident (CH-000004) and its claim.
`after` changes it the ways a new version does: a row added (CH-000005, with its claim
CL-000005), one modified (CH-000001), one retracted (CH-000003), one merged (CH-000004 into
CH-000001), and a field added (sources.accessed_on).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import build_package
from package_edits import add_field, edit_rows, read_rows, run_module, set_ledger_row

INCIDENT_4 = dict(
    incident_id="CH-000004", status="active", campaign="raqqa-2017", date_start="2017-08-21", date_end="2017-08-21",
    date_precision="day", country="SYR", admin1="Ar-Raqqa", admin2="Ar-Raqqa", locality="Raqqa",
    neighbourhood="Al-Badu", latitude="35.9528", longitude="39.0079", location_precision="locality",
    means="airstrike", actor_id="A-000001", attribution="likely", grade="weak",
    summary="Airstrikes hit the Al-Badu quarter of Raqqa on 21 August 2017, killing civilians.")
CLAIM_4 = dict(claim_id="CL-000004", incident_id="CH-000004", source_id="S-000002", claim_type="report",
               date_start="2017-08-21", date_end="2017-08-21", place="Raqqa", means="airstrike",
               actor_id="A-000001", statement="Says airstrikes hit Raqqa on Monday.")
INCIDENT_5 = dict(
    incident_id="CH-000005", status="active", campaign="mosul-2016-2017", date_start="2017-06-01",
    date_end="2017-06-01", date_precision="day", country="IRQ", admin1="Nineveh", admin2="Mosul", locality="Mosul",
    location_precision="locality", means="artillery", attribution="unknown", grade="weak",
    summary="Shelling hit a market in West Mosul on 1 June 2017; the reports give no figure.")
CLAIM_5 = dict(claim_id="CL-000005", incident_id="CH-000005", source_id="S-000004", claim_type="report",
               date_start="2017-06-01", date_end="2017-06-01", place="West Mosul", means="artillery",
               statement="Says shelling hit a West Mosul market.")
ACCESSED_ON = {"name": "accessed_on", "type": "date", "description": "Day the document was last read.",
               "example": "2026-11-20"}


def make_before(dest: Path) -> Path:
    pkg = build_package(dest)
    edit_rows(pkg, "incidents", "incident_id", {}, add=[INCIDENT_4])
    edit_rows(pkg, "claims", "claim_id", {}, add=[CLAIM_4])
    return pkg


def make_after(before: Path, dest: Path) -> Path:
    pkg = Path(shutil.copytree(before, dest))
    edit_rows(pkg, "incidents", "incident_id", {
        "CH-000001": {"grade": "fair", "notes": "Two sources; see the claims."},
        "CH-000003": {"status": "retracted", "status_reason": "The strike was in another city."},
        "CH-000004": {"status": "merged", "merged_into": "CH-000001", "status_reason": "Same strikes as CH-000001.",
                      "summary": ""},
    }, add=[INCIDENT_5])
    edit_rows(pkg, "claims", "claim_id", {}, add=[CLAIM_5])
    add_field(pkg, "sources", ACCESSED_ON, after="published_on", values={"S-000001": "2026-11-20"})
    return pkg


@pytest.fixture(scope="module")
def versions(tmp_path_factory):
    base = tmp_path_factory.mktemp("diff")
    before = make_before(base / "before")
    after = make_after(before, base / "after")
    return base, before, after


def diff(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    proc = run_module("civharm.diff", *args, cwd=cwd)
    assert proc.returncode == 0, proc.stderr
    return proc


EXPECTED_TEXT = """\
civharm diff: 0.1.0 (before) → 0.1.0 (after)

Suggested version bump: MINOR, 0.1.0 → 0.2.0
  minor  incidents: 1 row added
  minor  sources: field accessed_on added
  minor  claims: 1 row added
  patch  incidents: 1 row changed, 1 row merged, 1 row retracted
  note   version 0.1.0 in after is too low for these changes: they need 0.2.0 (make bump VERSION=0.2.0 FROM=before).

incidents: 4 → 5 rows; 1 added, 1 changed, 1 merged, 1 retracted
  added      CH-000005  Shelling hit a market in West Mosul on 1 June 2017; the reports give…
  changed    CH-000001
               grade  single_source → fair
               notes  The Observatory gives 42 killed and Antiwar.com 55; see the… → Two sources; see the claims.
  merged     CH-000004 → CH-000001
               status         active → merged
               merged_into    (blank) → CH-000001
               status_reason  (blank) → Same strikes as CH-000001.
               summary        Airstrikes hit the Al-Badu quarter of Raqqa on 21 August 20… → (blank)
  retracted  CH-000003
               status         active → retracted
               status_reason  (blank) → The strike was in another city.

sources: 4 → 4 rows
  schema: field accessed_on added (date)

claims: 4 → 5 rows; 1 added
  added      CL-000005  Says shelling hit a West Mosul market.

tallies: unchanged (3 rows)

actors: unchanged (3 rows)

incident_relations: unchanged (0 rows)

places: unchanged (4 rows)

victims: unchanged (2 rows)
"""

EXPECTED_MARKDOWN = """\
### Added

- `incidents`: 1 row:
  - CH-000005: Shelling hit a market in West Mosul on 1 June 2017; the reports give no figure.
- `sources`: field `accessed_on` (date).
- `claims`: 1 row:
  - CL-000005: Says shelling hit a West Mosul market.

### Changed

- `incidents`: 1 row corrected:
  - CH-000001: grade single_source → fair; notes revised.

### Retired

- `incidents` CH-000003: retracted (The strike was in another city).
- `incidents` CH-000004: merged into CH-000001 (Same strikes as CH-000001).
"""


def test_text_output_and_bump(versions):
    base, _, _ = versions
    assert diff(base, "before", "after").stdout == EXPECTED_TEXT


def test_markdown_output_for_the_changelog(versions):
    base, _, _ = versions
    assert diff(base, "before", "after", "--format", "markdown").stdout == EXPECTED_MARKDOWN


def test_json_output(versions):
    base, _, _ = versions
    out = json.loads(diff(base, "before", "after", "--format", "json").stdout)
    assert out["from"] == {"spec": "before", "kind": "folder", "version": "0.1.0"}
    assert out["to"] == {"spec": "after", "kind": "folder", "version": "0.1.0"}
    assert out["bump"] == {
        "level": "minor",
        "next_version": "0.2.0",
        "reasons": [
            {"level": "minor", "reason": "incidents: 1 row added"},
            {"level": "minor", "reason": "sources: field accessed_on added"},
            {"level": "minor", "reason": "claims: 1 row added"},
            {"level": "patch", "reason": "incidents: 1 row changed, 1 row merged, 1 row retracted"},
        ],
        "to_version": {"version": "0.1.0", "needed": "0.2.0", "enough": False},
    }
    assert out["violations"] == [] and out["package"] == []
    res = {r["name"]: r for r in out["resources"]}
    assert [r["name"] for r in out["resources"]] == ["incidents", "sources", "claims", "tallies", "actors",
                                                  "incident_relations", "places", "victims"]
    inc = res["incidents"]
    assert (inc["status"], inc["rows_from"], inc["rows_to"], inc["key"]) == ("changed", 4, 5, ["incident_id"])
    assert inc["added"] == [{"key": "CH-000005", "label": INCIDENT_5["summary"]}]
    assert inc["removed"] == [] and inc["withdrawn"] == []
    assert inc["changed"] == [
        {"key": "CH-000001", "kind": "changed", "changes": [
            {"field": "grade", "old": "single_source", "new": "fair"},
            {"field": "notes", "old": "The Observatory gives 42 killed and Antiwar.com 55; see the claims.",
             "new": "Two sources; see the claims."}]},
        {"key": "CH-000003", "kind": "retracted", "changes": [
            {"field": "status", "old": "active", "new": "retracted"},
            {"field": "status_reason", "old": None, "new": "The strike was in another city."}]},
        {"key": "CH-000004", "kind": "merged", "merged_into": "CH-000001", "changes": [
            {"field": "status", "old": "active", "new": "merged"},
            {"field": "merged_into", "old": None, "new": "CH-000001"},
            {"field": "status_reason", "old": None, "new": "Same strikes as CH-000001."},
            {"field": "summary", "old": INCIDENT_4["summary"], "new": None}]},
    ]
    assert res["sources"]["schema"]["fields_added"] == [{"name": "accessed_on", "type": "date"}]
    assert res["sources"]["changed"] == []  # a new field's values are not row changes
    assert res["claims"]["added"] == [{"key": "CL-000005", "label": CLAIM_5["statement"]}]
    assert res["tallies"]["status"] == res["actors"]["status"] == "unchanged"


def test_a_git_revision_gives_the_same_diff(versions, tmp_path):
    _, before, after = versions
    repo = Path(shutil.copytree(before, tmp_path / "repo"))
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", "-c", "commit.gpgsign=false"]
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    subprocess.run([*git, "add", "-A"], cwd=repo, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "0.1.0"], cwd=repo, check=True)
    shutil.rmtree(repo / "data")
    shutil.rmtree(repo / "schemas")
    shutil.copytree(after / "data", repo / "data")
    shutil.copytree(after / "schemas", repo / "schemas")
    out = diff(repo, "HEAD").stdout
    sha = subprocess.run(["git", "rev-parse", "HEAD"], cwd=repo, capture_output=True, text=True).stdout[:10]
    expected = EXPECTED_TEXT.replace("0.1.0 (before) → 0.1.0 (after)", f"0.1.0 (HEAD, commit {sha}) → 0.1.0 (.)")
    expected = expected.replace("in after is", "in . is").replace("FROM=before", "FROM=HEAD")
    assert out == expected


def test_a_release_zip_gives_the_same_diff(versions, tmp_path):
    base, before, after = versions
    proc = run_module("civharm.release", "build", "--package", str(before), "--out", str(tmp_path), "--zip-only")
    assert proc.returncode == 0, proc.stderr
    out = diff(base, str(tmp_path / "civharm-0.1.0.zip"), "after", "--format", "markdown").stdout
    assert out == EXPECTED_MARKDOWN


def test_no_change_needs_no_bump(versions):
    base, _, _ = versions
    out = diff(base, "before", "before").stdout
    assert out.splitlines()[:3] == ["civharm diff: 0.1.0 (before) → 0.1.0 (before)", "",
                                    "No changes to the data or the schemas: no version bump needed."]
    assert json.loads(diff(base, "before", "before", "--format", "json").stdout)["bump"]["level"] == "none"


def test_removed_retyped_and_deleted_need_a_major_bump(versions, tmp_path):
    base, before, _ = versions
    pkg = Path(shutil.copytree(before, tmp_path / "major"))
    # a field removed, a field retyped, an enum value removed, a row deleted outright
    schema_path = pkg / "schemas" / "actors.schema.json"
    schema = json.loads(schema_path.read_text())
    schema["fields"] = [f for f in schema["fields"] if f["name"] != "notes"]
    schema_path.write_text(json.dumps(schema, indent=2))
    header, rows = read_rows(pkg, "actors")
    from package_edits import write_rows
    write_rows(pkg, "actors", [h for h in header if h != "notes"], rows)
    schema_path = pkg / "schemas" / "incidents.schema.json"
    schema = json.loads(schema_path.read_text())
    for f in schema["fields"]:
        if f["name"] == "latitude":
            f["type"] = "string"
        if f["name"] == "date_precision":
            f["constraints"]["enum"].remove("month")
            f["categories"] = [c for c in f["categories"] if c["value"] != "month"]
    schema_path.write_text(json.dumps(schema, indent=2))
    edit_rows(pkg, "claims", "claim_id", {"CL-000004": None})
    out = json.loads(diff(tmp_path, str(before), "major", "--format", "json").stdout)
    assert out["bump"]["level"] == "major" and out["bump"]["next_version"] == "1.0.0"
    assert [r for r in out["bump"]["reasons"] if r["level"] == "major"] == [
        {"level": "major", "reason": "incidents: field latitude retyped number → string"},
        {"level": "major", "reason": "incidents: date_precision no longer allows month"},
        {"level": "major", "reason": "claims: 1 row removed (a released ID must never disappear: see id-removed)"},
        {"level": "major", "reason": "actors: field notes removed"},
    ]
    assert out["violations"] == [{"rule": "id-removed", "resource": "claims", "id": "CL-000004"}]
    text = diff(tmp_path, str(before), "major").stdout
    assert ("  ERROR  claims CL-000004 was removed: a released ID must stay, as a tombstone or a ledger "
            "withdrawal (make validate: id-removed)") in text
    assert "  REMOVED    CL-000004  Says airstrikes hit Raqqa on Monday." in text


def test_a_withdrawal_recorded_in_the_ledger_is_a_patch(versions, tmp_path):
    from package_edits import released_package

    before = released_package(tmp_path / "before")
    after = Path(shutil.copytree(before, tmp_path / "after"))
    edit_rows(after, "sources", "source_id", {"S-000002": None})
    set_ledger_row(after, "S-000002", withdrawn_in="0.1.1", resolves_to="S-000001",
                   reason="A republication of S-000001.")
    out = json.loads(diff(tmp_path, "before", "after", "--format", "json").stdout)
    assert out["bump"]["level"] == "patch" and out["bump"]["next_version"] == "0.1.1"
    assert out["violations"] == []
    src = next(r for r in out["resources"] if r["name"] == "sources")
    assert src["withdrawn"] == [{"key": "S-000002", "resolves_to": "S-000001", "reason": "A republication of S-000001.",
                                 "withdrawn_in": "0.1.1"}]
    text = diff(tmp_path, "before", "after").stdout
    assert "  withdrawn  S-000002 → S-000001  (A republication of S-000001.)" in text


def test_unknown_version_is_an_error(versions):
    base, _, _ = versions
    proc = run_module("civharm.diff", "no-such-version", cwd=base)
    assert proc.returncode == 2
    assert ("neither a released version (releases/versions.csv), a package folder, a datapackage.json, "
            "a release zip, nor a git revision") in proc.stderr
