"""The importer of other sources' reports (importers/reports/, run by importers/reports_register.py),
on a temporary copy of the real package with a register written here, and with the project's own
register (curation/other_reports_*.csv)."""

from __future__ import annotations

import shutil

from importers.overlaps import CROSSWALK_COLUMNS
from importers.reports.register import COLUMNS, INCIDENT_COLUMNS
from test_import_airwars import REPO, package_copy, rows, run as run_airwars, snapshot, validate, write_csv  # noqa: F401

import subprocess
import sys

TIMEOUT = 300


def run(pkg, *args):
    return subprocess.run([sys.executable, "-m", "importers.reports_register", "--package", str(pkg), *args],
                          cwd=REPO, capture_output=True, text=True, timeout=TIMEOUT)


def report(**cells) -> dict:
    base = {"report_id": "R1", "kind": "incident", "campaign": "mosul-2016-2017", "date_start": "2016-12-29",
            "date_end": "2016-12-29", "publisher": "Observatory of Mosul", "source_type": "monitor_statement",
            "title": "[Strikes kill 30 in eastern Mosul]", "url": "https://example.org/mosul/1", "language": "en",
            "place_as_shown": "eastern Mosul", "killed_min": "30", "killed_max": "30",
            "actor_blamed": "US-led coalition", "cause": "airstrike and shelling", "local_time": "Thursday night",
            "matches": "CH-000273", "statement": "Counts thirty civilians killed in strikes on eastern Mosul."}
    base.update(cells)
    return base


def test_reports_become_claims_and_tallies_crediting_the_source_they_relay_and_a_rerun_adds_nothing(tmp_path):
    pkg = package_copy(tmp_path / "pkg")
    reg = write_csv(pkg / "curation" / "other_reports_test.csv", COLUMNS, [
        report(),
        report(report_id="R2", publisher="Daily Relay", source_type="news_article", url="https://example.org/relay/2",
               title="Thirty dead in Mosul", cited_source="Observatory of Mosul (its director)", killed_min="31",
               killed_max="31"),
        report(report_id="R3", matches="", url="https://example.org/other/3"),
        report(report_id="R4", kind="tally", matches="", date_start="2016-12-01", date_end="2016-12-31",
               period_text="in December", place_as_shown="Mosul", url="https://example.org/tally/4",
               killed_min="500", killed_max=""),
        report(report_id="R5", kind="tally", matches="", date_start="", date_end="", period_text="lately",
               place_as_shown="Mosul countryside", url="https://example.org/tally/5"),
    ])
    out = run(pkg, str(reg))
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0] == ("0 new incident(s), 0 relation(s), 2 claim(s) on 1 incident(s), 1 tally(ies), 3 source(s); "
                        "0 already in the package; "
                        "1 incident report(s) matched to no incident, not imported.")
    assert "  not imported: other_reports_test.csv:R3 (2016-12-29, eastern Mosul): matches no incident" in lines
    assert "  not imported: other_reports_test.csv:R5: a tally whose page fixes no period (lately)" in lines
    sources = {s["url"]: s for s in rows(pkg, "sources")}
    observatory, relay = sources["https://example.org/mosul/1"], sources["https://example.org/relay/2"]
    assert observatory["title"] == "Strikes kill 30 in eastern Mosul"  # a descriptive title loses its brackets
    assert (observatory["source_type"], observatory["category"]) == ("ngo_statement", "monitor")
    claims = {c["source_id"]: c for c in rows(pkg, "claims")}
    assert claims[relay["source_id"]]["cited_source_id"] == observatory["source_id"]
    assert claims[observatory["source_id"]]["means"] == "air_or_artillery"
    incident = next(i for i in rows(pkg, "incidents") if i["incident_id"] == "CH-000273")
    assert incident["civilians_killed_max"] == "41" and incident["civilians_killed_min"] == "30"
    tally = next(t for t in rows(pkg, "tallies") if t["source_id"] == sources["https://example.org/tally/4"]["source_id"])
    assert (tally["area_level"], tally["area_name"], tally["civilians_killed_min"]) == ("locality", "Mosul", "500")
    assert validate(pkg).returncode == 0
    before = snapshot(pkg)
    again = run(pkg, str(reg))
    assert again.returncode == 0 and "3 already in the package" in again.stdout
    assert snapshot(pkg) == before


def test_a_report_matched_to_no_active_incident_refuses_and_a_bad_cell_names_its_line(tmp_path):
    pkg = package_copy(tmp_path / "pkg")
    before = snapshot(pkg)
    reg = write_csv(pkg / "curation" / "other_reports_test.csv", COLUMNS, [report(matches="CH-999999")])
    out = run(pkg, str(reg))
    assert out.returncode == 1
    assert out.stderr.splitlines()[0] == f"{reg}:2: matches: CH-999999 is not an active incident"
    bad = write_csv(pkg / "curation" / "other_reports_test.csv", COLUMNS, [report(killed_min="thirty", language="")])
    out = run(pkg, str(bad))
    assert out.returncode == 2
    assert f"{bad}:2: killed_min: 'thirty' is not a whole number" in out.stderr.splitlines()
    assert f"{bad}:2: language: '' is not a language code (en, ar)" in out.stderr.splitlines()
    assert snapshot(pkg) == before


def test_the_projects_reports_import_into_a_valid_package(tmp_path):
    pkg = package_copy(tmp_path / "pkg")
    shutil.copytree(REPO / "curation", pkg / "curation")
    (pkg / "importers").mkdir()
    for name in ("airwars_crosswalk.csv", "reports_crosswalk.csv"):
        if (REPO / "importers" / name).exists():
            shutil.copy(REPO / "importers" / name, pkg / "importers" / name)
    assert run_airwars(pkg).returncode == 0  # the Airwars entries first: reports name them by code
    out = run(pkg, "--decided-only")
    assert out.returncode == 0, out.stderr
    assert validate(pkg).returncode == 0


def test_a_report_naming_an_airwars_entry_goes_on_the_incident_of_that_entry(tmp_path):
    pkg = package_copy(tmp_path / "pkg")
    # CI379 is the Airwars entry of CH-000273 (eastern Mosul, 29 December 2016).
    reg = write_csv(pkg / "curation" / "other_reports_test.csv", COLUMNS,
                    [report(matches="", airwars_code="CI379"), report(report_id="R2", matches="", airwars_code="CI1",
                                                                      url="https://example.org/none/2")])
    out = run(pkg, str(reg))
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines()[0].startswith("0 new incident(s), 0 relation(s), 1 claim(s) on 1 incident(s)")
    claim = next(c for c in rows(pkg, "claims") if c["statement"].startswith("Counts thirty"))
    assert claim["incident_id"] == "CH-000273"


def test_reports_of_an_event_the_package_lacks_become_one_incident_once_its_candidates_are_decided(tmp_path):
    pkg = package_copy(tmp_path / "pkg")
    reg = write_csv(pkg / "curation" / "other_reports_test.csv", COLUMNS, [
        report(matches="new:mosul-2016-12-29-gogjali", url="https://example.org/a", publisher="Outlet A"),
        report(report_id="R2", matches="new:mosul-2016-12-29-gogjali", url="https://example.org/b",
               publisher="Outlet B", killed_min="28", killed_max="28")])
    write_csv(pkg / "curation" / "report_incidents.csv", INCIDENT_COLUMNS, [{
        "incident_key": "new:mosul-2016-12-29-gogjali", "campaign": "mosul-2016-2017", "date_start": "2016-12-29",
        "date_end": "2016-12-29", "locality": "Mosul", "neighbourhood": "Gogjali", "location_precision": "neighbourhood",
        "means": "air_or_artillery", "actor": "coalition", "attribution": "likely",
        "summary": "Strikes on Gogjali killed 28 to 30 civilians, by two outlets' accounts."}])
    before = snapshot(pkg)
    out = run(pkg, str(reg))
    assert out.returncode == 1  # CH-000273 (Airwars CI379) and CI380, eastern Mosul that day, must be decided first
    assert any(line.startswith("new:mosul-2016-12-29-gogjali,CI379,DECIDE,,") for line in out.stderr.splitlines())
    assert snapshot(pkg) == before
    partial = run(pkg, str(reg), "--decided-only")  # the undecided event is left out, the rest imported
    assert partial.returncode == 0, partial.stderr
    assert partial.stdout.splitlines()[:2] == [
        "1 event(s) left out until their candidates are decided.",
        "0 new incident(s), 0 relation(s), 0 claim(s) on 0 incident(s), 0 tally(ies), 0 source(s); "
        "0 already in the package; 2 incident report(s) matched to no incident, not imported."]
    write_csv(pkg / "importers" / "reports_crosswalk.csv", CROSSWALK_COLUMNS, [
        {"entry": "new:mosul-2016-12-29-gogjali", "incident_id": "CH-000273", "decision": "contains",
         "note": "The day's count across eastern Mosul holds Gogjali's dead."},
        {"entry": "new:mosul-2016-12-29-gogjali", "incident_id": "CI380", "decision": "distinct",
         "note": "Not the hospital car park."}])
    out = run(pkg, str(reg))
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines()[0].startswith("1 new incident(s), 1 relation(s), 2 claim(s) on 1 incident(s)")
    new = next(i for i in rows(pkg, "incidents") if "(new:mosul-2016-12-29-gogjali)" in i["notes"])
    assert (new["civilians_killed_min"], new["civilians_killed_max"], new["grade"]) == ("28", "30", "fair")
    assert ("CH-000273", new["incident_id"], "contains") in [
        (r["incident_id"], r["related_incident_id"], r["relation"]) for r in rows(pkg, "incident_relations")]
    assert validate(pkg).returncode == 0
    after = snapshot(pkg)
    assert run(pkg, str(reg)).returncode == 0
    assert snapshot(pkg) == after
