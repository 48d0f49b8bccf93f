"""The Airwars register importer (importers/airwars/, run by importers/airwars_register.py).

Each test works on a temporary copy of the real package with a register of its own, written
here; the last imports the project's own register and crosswalk (curation/, importers/) into a
copy and validates the result. data/ itself is never written.
"""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from importers.airwars.register import COLUMNS
from importers.overlaps import CROSSWALK_COLUMNS

REPO = Path(__file__).resolve().parent.parent
TIMEOUT = 300


def package_copy(dest: Path) -> Path:
    dest.mkdir(parents=True)
    for name in ("datapackage.json",):
        shutil.copy(REPO / name, dest / name)
    for folder in ("schemas", "data", "releases"):
        shutil.copytree(REPO / folder, dest / folder)
    return dest


def write_csv(path: Path, columns, rows: list[dict]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    buf = io.StringIO()
    w = csv.DictWriter(buf, columns, lineterminator="\n")
    w.writeheader()
    for row in rows:
        w.writerow({c: row.get(c, "") for c in columns})
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path


def entry(**cells) -> dict:
    base = {"code": "CI999", "campaign": "mosul-2016-2017", "date_start": "2016-11-02", "date_end": "2016-11-02",
            "url": "https://airwars.org/civilian-casualties/ci999-november-2-2016", "page_kind": "incident",
            "location_as_shown": "Mosul, Gogjali, Nineveh, Iraq", "locality": "Mosul", "neighbourhood": "Gogjali",
            "latitude": "36.35", "longitude": "43.22", "geolocation_accuracy": "Neighbourhood/area",
            "killed_min": "3", "killed_max": "4", "children_min": "1", "children_max": "1",
            "airwars_grade": "Fair", "suspected_attackers": "US-led Coalition", "cause": "airstrike",
            "statement": "Local sources said a strike on a house killed three to four civilians, one a child."}
    base.update(cells)
    return base


def run(pkg: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "importers.airwars_register", "--package", str(pkg), *args],
                          cwd=REPO, capture_output=True, text=True, timeout=TIMEOUT)


def validate(pkg: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "civharm.validate", "--no-cache", str(pkg / "datapackage.json")],
                          cwd=REPO, capture_output=True, text=True, timeout=TIMEOUT)


def rows(pkg: Path, table: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO((pkg / "data" / f"{table}.csv").read_text(encoding="utf-8"))))


def snapshot(pkg: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((pkg / "data").glob("*.csv"))}


def test_every_register_problem_is_reported_with_its_line_and_nothing_is_written(tmp_path):
    pkg = package_copy(tmp_path / "pkg")
    before = snapshot(pkg)
    reg = write_csv(pkg / "curation" / "airwars_register_test.csv", COLUMNS, [
        entry(),
        entry(code="CI998", killed_min="5", killed_max="4", cause="drone", latitude="36,35", longitude="43,2",
              local_time="3pm", date_end="2016-11-01"),
        entry(statement=""),
    ])
    out = run(pkg, str(reg))
    assert out.returncode == 2, out.stderr
    lines = out.stderr.splitlines()
    assert f"{reg}:3: date_end: 2016-11-01 is before date_start 2016-11-02" in lines
    assert f"{reg}:3: latitude: '36,35' is not a decimal number (use a dot: 35.95)" in lines
    assert any(line.startswith(f"{reg}:3: local_time: '3pm' is not HH:MM") for line in lines)
    assert any(line.startswith(f"{reg}:3: cause: 'drone' is not one of airstrike,") for line in lines)
    assert f"{reg}:3: killed_max: 4 is below killed_min 5" in lines
    assert f"{reg}:4: statement: is empty: say in our own words what the page reports" in lines
    assert f"{reg}:4: code: 'CI999' is already at {reg}:2" in lines
    assert lines[-1] == "8 problem(s): nothing imported."
    assert snapshot(pkg) == before


def test_a_same_day_incident_of_the_same_locality_must_be_decided_before_anything_is_written(tmp_path):
    pkg = package_copy(tmp_path / "pkg")
    before = snapshot(pkg)
    # CH-000273: eastern Mosul, 29 December 2016.
    reg = write_csv(pkg / "curation" / "airwars_register_test.csv", COLUMNS,
                    [entry(date_start="2016-12-29", date_end="2016-12-29")])
    out = run(pkg, str(reg), "--crosswalk", str(tmp_path / "none.csv"))
    assert out.returncode == 1, out.stderr
    assert any(line.startswith("CI999,CH-000273,DECIDE,,") for line in out.stderr.splitlines()), out.stderr
    assert out.stderr.splitlines()[-1] == "refused: nothing written."
    assert snapshot(pkg) == before


def test_an_import_adds_the_incident_its_claims_and_relations_and_validates_and_a_rerun_adds_nothing(tmp_path):
    pkg = package_copy(tmp_path / "pkg")
    reg = write_csv(pkg / "curation" / "airwars_register_test.csv", COLUMNS, [
        entry(date_start="2016-12-29", date_end="2016-12-29", coalition_label="credible",
              coalition_report="April 2018 monthly report", coalition_stated_on="2018-04",
              coalition_killed_min="2", coalition_killed_max="2"),
        entry(code="CI997", url="https://airwars.org/civilian-casualties/ci997-december-29-2016",
              date_start="2016-12-29", date_end="2016-12-29", killed_min="", killed_max="9", children_min="",
              children_max=""),
    ])
    cw = write_csv(tmp_path / "crosswalk.csv", CROSSWALK_COLUMNS, [
        {"entry": "CI999", "incident_id": "CH-000273", "decision": "contains",
         "note": "The day's count across eastern Mosul holds this strike's dead."},
        {"entry": "CI997", "incident_id": "CI999", "decision": "overlaps", "note": "Two reports of one street."},
        {"entry": "CI997", "incident_id": "CH-000273", "decision": "distinct", "note": "Another district."},
        {"entry": "CI999", "incident_id": "CH-000287", "decision": "distinct", "note": "Not the hospital car park."},
        {"entry": "CI997", "incident_id": "CH-000287", "decision": "distinct", "note": "Not the hospital car park."},
    ])
    n_incidents, n_claims = len(rows(pkg, "incidents")), len(rows(pkg, "claims"))
    out = run(pkg, str(reg), "--crosswalk", str(cw))
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines()[0] == ("2 new incident(s), 0 entr(y/ies) added to existing incidents, 3 claim(s), "
                                         "2 source(s), 2 relation(s), 0 victim(s); 0 already in the package.")
    incidents = {r["incident_id"]: r for r in rows(pkg, "incidents")}
    assert len(incidents) == n_incidents + 2
    new = [r for r in incidents.values() if "CI999" in r["notes"]][0]
    assert (new["civilians_killed_min"], new["civilians_killed_max"]) == ("2", "4")  # the range rule: 2..4
    assert new["attribution"] == "declared" and new["belligerent_position"] == "conceded"
    assert new["location_precision"] == "neighbourhood" and new["neighbourhood"] == "Gogjali"
    claims = [r for r in rows(pkg, "claims") if r["incident_id"] == new["incident_id"]]
    assert len(rows(pkg, "claims")) == n_claims + 3
    admission = next(c for c in claims if c["claim_type"] == "admission")
    assert admission["stated_on"] == "2018-04-01" and admission["civilians_killed_min"] == "2"
    assert admission["statement"] == ("The Coalition assessed the allegation as credible in its April 2018 "
                                      "monthly report, conceding 2 civilian death(s).")
    rel = [(r["incident_id"], r["related_incident_id"], r["relation"]) for r in rows(pkg, "incident_relations")]
    other = [r for r in incidents.values() if "CI997" in r["notes"]][0]
    assert ("CH-000273", new["incident_id"], "contains") in rel
    assert (new["incident_id"], other["incident_id"], "overlaps") in rel
    report = validate(pkg)
    assert report.returncode == 0, report.stdout
    before = snapshot(pkg)
    again = run(pkg, str(reg), "--crosswalk", str(cw))
    assert again.returncode == 0, again.stderr
    assert "2 already in the package" in again.stdout
    assert snapshot(pkg) == before


def test_same_puts_the_entrys_claims_on_the_existing_incident(tmp_path):
    pkg = package_copy(tmp_path / "pkg")
    reg = write_csv(pkg / "curation" / "airwars_register_test.csv", COLUMNS,
                    [entry(date_start="2016-12-29", date_end="2016-12-29")])
    cw = write_csv(tmp_path / "crosswalk.csv", CROSSWALK_COLUMNS, [
        {"entry": "CI999", "incident_id": "CH-000273", "decision": "same", "note": "One event."}])  # no other needed
    n_incidents = len(rows(pkg, "incidents"))
    out = run(pkg, str(reg), "--crosswalk", str(cw))
    assert out.returncode == 0, out.stderr
    assert len(rows(pkg, "incidents")) == n_incidents
    assert [c["external_id"] for c in rows(pkg, "claims") if c["incident_id"] == "CH-000273"].count("CI999") == 1
    assert validate(pkg).returncode == 0


def test_the_projects_register_and_crosswalk_import_into_a_valid_package(tmp_path):
    """Every candidate of every entry in curation/ is decided in importers/airwars_crosswalk.csv."""
    pkg = package_copy(tmp_path / "pkg")
    shutil.copytree(REPO / "curation", pkg / "curation")
    out = run(pkg, "--crosswalk", str(REPO / "importers" / "airwars_crosswalk.csv"))
    assert out.returncode == 0, out.stderr
    report = validate(pkg)
    assert report.returncode == 0, report.stdout


def test_make_targets_run_the_importers():
    for target, module in (("import-airwars", "importers.airwars_register"), ("import-reports", "importers.reports_register")):
        proc = subprocess.run(["make", "-n", target, "DRY_RUN=1"], cwd=REPO, capture_output=True, text=True, timeout=60)
        assert proc.returncode == 0, proc.stderr
        assert f"-m {module} --dry-run" in proc.stdout
        proc = subprocess.run(["make", "-n", target], cwd=REPO, capture_output=True, text=True, timeout=60)
        assert f"-m {module}" in proc.stdout and "--dry-run" not in proc.stdout
