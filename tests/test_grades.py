"""The grade and belligerent-position rules (civharm/grades.py) and revised claims: what the
views give on the real data and on small edited packages, what `make validate` says when an
incident disagrees with them, and how `python -m civharm.grades` sets them."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

import civharm
from conftest import REPO_ROOT, build_package, run_validate
from importers.ranges import incident_ranges
from package_edits import edit_rows, read_rows, run_module


@pytest.fixture(scope="module")
def con():
    return civharm.connect(REPO_ROOT)


def one(con, sql: str, *params):
    rel = con.execute(sql, list(params))
    cols = [d[0] for d in rel.description]
    row = rel.fetchone()
    return None if row is None else dict(zip(cols, row))


# --- the real data -------------------------------------------------------------------------------


def test_relays_of_one_original_are_one_source(con):
    """8 June 2017: AP and AFP relays and the New Arab rest on the Observatory's count, beside UCDP's
    event; UCDP not counted."""
    g = one(con, "FROM incident_grades WHERE incident_id = 'CH-000052'")
    assert (g["reports"], g["independent_sources"], g["originals"], g["grade"]) == (
        5, 1, "Syrian Observatory for Human Rights", "single_source")


def test_a_second_original_among_relays_makes_fair(con):
    """21 August 2017: most reports rest on the Observatory's count; the residents' count that Al
    Jazeera reported (copied at newnation.io, CL-000329) is another original."""
    g = one(con, "FROM incident_grades WHERE incident_id = 'CH-000002'")
    assert (g["reports"], g["independent_sources"], g["grade"]) == (28, 14, "fair")
    assert {"New Nation (newnation.io)", "Syrian Observatory for Human Rights"} <= set(g["originals"].split("; "))


def test_two_publishers_make_fair_and_admissions_do_not_count(con):
    # The Observatory and Airwars report the Al-Moataz Street strike; the coalition's admission
    # of two injured (CL-000030) is its position, not a third source.
    g = one(con, "FROM incident_grades WHERE incident_id = 'CH-000016'")
    assert (g["independent_sources"], g["originals"], g["grade"]) == (
        2, "Airwars; Syrian Observatory for Human Rights", "fair")
    p = one(con, "FROM incident_positions WHERE incident_id = 'CH-000016'")
    assert (p["position"], p["claim_id"]) == ("conceded", "CL-000030")


def test_one_airwars_claim_is_single_source(con):
    rows = con.execute("SELECT incident_id, grade, originals FROM incident_grades "
                       "WHERE incident_id IN ('CH-000010', 'CH-000281', 'CH-000282') ORDER BY 1").fetchall()
    assert rows == [(i, "single_source", "Airwars") for i in ("CH-000010", "CH-000281", "CH-000282")]


def test_the_observatory_statement_chains_both_relays(con):
    g = one(con, "FROM incident_grades WHERE incident_id = 'CH-000226'")  # EFE's relay and the Observatory's own
    assert (g["reports"], g["originals"], g["grade"]) == (3, "Syrian Observatory for Human Rights", "single_source")


def test_weak_and_belligerent_only():
    con = civharm.connect(REPO_ROOT)
    assert one(con, "SELECT grade FROM incident_grades WHERE incident_id = 'CH-000032'")["grade"] == "weak"
    # al-Jadida with its reports taken away: only the coalition's admission is left
    con.execute("DELETE FROM claims WHERE incident_id = 'CH-000029' AND claim_type = 'report'")
    g = one(con, "FROM incident_grades WHERE incident_id = 'CH-000029'")
    assert (g["reports"], g["grade"]) == (0, "belligerent_only")


def test_position_of_the_attributed_actor_or_its_coalition(con):
    # CH-000029 is attributed to the United States; the coalition (its parent) conceded, and the
    # latest dated report of it is the Arkansas Democrat-Gazette's of 26 May 2017.
    p = one(con, "FROM incident_positions WHERE incident_id = 'CH-000029'")
    assert (p["actor_id"], p["position"], p["as_of"], p["claim_id"]) == (
        "A-000001", "conceded", date(2017, 5, 26), "CL-000054")
    inc = one(con, "SELECT actor_id, belligerent_position, belligerent_position_date FROM incidents "
                   "WHERE incident_id = 'CH-000029'")
    assert (inc["actor_id"], inc["belligerent_position"], inc["belligerent_position_date"]) == (
        "A-000002", "conceded", date(2017, 5, 26))


def test_a_position_is_dated_when_the_belligerent_spoke(con):
    # CH-000273: the Airwars page is undated, but it says a coalition official told Airwars on
    # 16 February 2017 that the allegation was not credible (CL-000316's stated_on). The other
    # Airwars positions give a month at most ("in July 2019"), so their dates stay blank.
    assert one(con, "SELECT stated_on FROM claims WHERE claim_id = 'CL-000316'") == {"stated_on": date(2017, 2, 16)}
    assert one(con, "SELECT belligerent_position, belligerent_position_date FROM incidents "
                    "WHERE incident_id = 'CH-000273'") == {
        "belligerent_position": "denied", "belligerent_position_date": date(2017, 2, 16)}
    dated = dict(con.execute("SELECT incident_id, as_of FROM incident_positions "
                             "WHERE as_of IS NOT NULL").fetchall())
    # CH-000006: Airwars' CS952 page dates the coalition's revised (credible) assessment to its report
    # of 10 March 2022 (CL-000014's stated_on); the Airwars register dates four more to the day.
    assert dated == {"CH-000006": date(2022, 3, 10), "CH-000029": date(2017, 5, 26), "CH-000273": date(2017, 2, 16),
                     "CH-000282": date(2017, 2, 2), "CH-000299": date(2017, 6, 2), "CH-000332": date(2017, 9, 29),
                     "CH-000375": date(2018, 6, 28)}
    assert con.execute("SELECT count(*) FROM incident_positions").fetchone() == (29,)


def test_no_attributed_actor_no_position(con):
    # CH-000004: the coalition denied a report that blamed no one.
    assert one(con, "SELECT position FROM belligerent_positions WHERE incident_id = 'CH-000004'") == {
        "position": "denied"}
    assert one(con, "FROM incident_positions WHERE incident_id = 'CH-000004'") is None
    assert one(con, "SELECT belligerent_position FROM incidents WHERE incident_id = 'CH-000004'") == {
        "belligerent_position": None}


def test_a_superseded_admission_leaves_the_range_and_the_position(con):
    # The coalition's first concession of 3, revised to 16 (issue 9).
    assert one(con, "SELECT superseded_by FROM claims WHERE claim_id = 'CL-000046'") == {"superseded_by": "CL-000047"}
    r = one(con, "SELECT civilians_killed_min, civilians_killed_max FROM incident_claim_ranges "
                 "WHERE incident_id = 'CH-000026'")
    assert (r["civilians_killed_min"], r["civilians_killed_max"]) == (16, 27)  # UCDP's 27; '35 or more' is open
    assert one(con, "SELECT claim_id FROM incident_positions WHERE incident_id = 'CH-000026'") == {
        "claim_id": "CL-000047"}
    ov = one(con, "SELECT official_min, official_max FROM official_vs_monitors WHERE incident_id = 'CH-000026'")
    assert (ov["official_min"], ov["official_max"]) == (16, 16)


def test_more_than_n_is_at_least_n_plus_one(con):
    rows = dict(con.execute("SELECT claim_id, civilians_killed_min FROM claims "
                            "WHERE claim_id IN ('CL-000034', 'CL-000039', 'CL-000040')").fetchall())
    assert rows == {"CL-000034": 2, "CL-000039": 33, "CL-000040": 32}  # more than one, more than 32, at least 32
    assert one(con, "SELECT injured_min FROM claims WHERE claim_id = 'CL-000061'") == {"injured_min": 21}


def test_every_active_incident_holds_what_the_rules_give(con):
    off = con.execute("""SELECT i.incident_id FROM incidents AS i
                         JOIN incident_grades AS g USING (incident_id)
                         LEFT JOIN incident_positions AS p USING (incident_id)
                         WHERE i.status = 'active'
                           AND (CAST(i.grade AS VARCHAR) <> g.grade
                                OR CAST(i.belligerent_position AS VARCHAR) IS DISTINCT FROM p.position
                                OR i.belligerent_position_date IS DISTINCT FROM p.as_of)""").fetchall()
    assert off == []
    counts = dict(con.execute("SELECT CAST(grade AS VARCHAR), count(*) FROM incidents "
                              "WHERE status = 'active' GROUP BY ALL").fetchall())
    assert set(counts) <= {"fair", "single_source", "weak", "belligerent_only"}


def test_the_range_rule_leaves_superseded_claims_out():
    r = incident_ranges([{"civilians_killed_min": "3", "civilians_killed_max": "3", "superseded_by": "CL-2"},
                         {"civilians_killed_min": "16", "civilians_killed_max": "16"},
                         {"civilians_killed_max": "35"}])
    assert (r["civilians_killed_min"], r["civilians_killed_max"]) == (16, 35)


# --- edited packages -------------------------------------------------------------------------------


def _problems(pkg: Path) -> list[dict]:
    proc = run_validate(pkg, "--format", "json")
    return [p for p in json.loads(proc.stdout)["problems"] if p.get("severity") != "notice"]


def test_a_wrong_grade_and_position_are_reported_and_civharm_grades_sets_them(tmp_path: Path):
    pkg = build_package(tmp_path / "pkg")
    edit_rows(pkg, "incidents", "incident_id", {
        "CH-000001": {"grade": "fair"},
        "CH-000003": {"belligerent_position": "denied", "belligerent_position_date": "2017-05-26"}})
    got = {(p["line"], p["column"], p["rule"]): p["message"] for p in _problems(pkg)}
    assert got == {
        (2, "grade", "incident-grade-unexplained"):
            "grade is fair, but the incident's current claims give single_source (2 current report(s); "
            "independent originals: Syrian Observatory for Human Rights).",
        (4, "belligerent_position", "belligerent-position-unexplained"):
            "belligerent_position is denied, but the claims give conceded (CL-000002).",
        (4, "belligerent_position_date", "belligerent-position-unexplained"):
            "belligerent_position_date is 2017-05-26, but the claims give 2017-05-25 (CL-000002).",
    }
    check = run_module("civharm.grades", str(pkg), "--check")
    assert check.returncode == 1
    assert check.stdout.splitlines() == [
        "CH-000001: grade fair -> single_source",
        "CH-000003: belligerent_position denied -> conceded",
        "CH-000003: belligerent_position_date 2017-05-26 -> 2017-05-25"]
    fix = run_module("civharm.grades", str(pkg))
    assert fix.returncode == 0 and "rewrote data/incidents.csv: 3 value(s)" in fix.stdout
    assert _problems(pkg) == []
    assert run_module("civharm.grades", str(pkg), "--check").returncode == 0
    assert run_module("civharm.fmt", str(pkg), "--check").returncode == 0


def test_civharm_grades_sets_the_men_s_range_from_the_claims(tmp_path: Path):
    """A figure the claims state and the incident lacks (the men's, new to the schema) is set by
    the range rule; make validate reports it until then."""
    pkg = build_package(tmp_path / "pkg")
    edit_rows(pkg, "claims", "claim_id", {"CL-000001": {"men_killed_min": "3", "men_killed_max": "4"},
                                          "CL-000003": {"men_killed_min": "5"}})
    got = {(p["line"], p["column"], p["rule"]): p["message"] for p in _problems(pkg)}
    assert got == {
        (2, "men_killed_min", "incident-range-unexplained"): "men_killed_min is blank, but the incident's claims give 3.",
        (2, "men_killed_max", "incident-range-unexplained"): "men_killed_max is blank, but the incident's claims give 5.",
    }
    fix = run_module("civharm.grades", str(pkg))
    assert fix.stdout.splitlines() == ["CH-000001: men_killed_min blank -> 3", "CH-000001: men_killed_max blank -> 5",
                                       "rewrote data/incidents.csv: 2 value(s)"]
    assert _problems(pkg) == []
    assert run_module("civharm.grades", str(pkg), "--check").returncode == 0


def test_an_independent_report_makes_fair_a_copy_does_not(tmp_path: Path):
    pkg = build_package(tmp_path / "pkg")
    _, sources = read_rows(pkg, "sources")
    new_source = {k: "" for k in sources[0]} | dict(
        source_id="S-000005", source_type="news_article", category="media", publisher="The Independent",
        title="Air strikes kill civilians in Raqqa", url="https://example.org/independent", language="en")
    edit_rows(pkg, "sources", "source_id", {}, add=[new_source])
    claim = dict(claim_id="CL-000004", incident_id="CH-000001", source_id="S-000005", claim_type="report",
                 civilians_killed_min="42", statement="Reports at least 42 civilians killed.")
    edit_rows(pkg, "claims", "claim_id", {}, add=[claim])
    con = civharm.connect(pkg)
    assert con.sql("SELECT grade, originals FROM incident_grades WHERE incident_id = 'CH-000001'").fetchone() == (
        "fair", "Syrian Observatory for Human Rights; The Independent")
    # ...unless the new source is a copy of Antiwar.com, which relays the Observatory
    edit_rows(pkg, "sources", "source_id", {"S-000005": {"republished_from": "S-000001"}})
    con = civharm.connect(pkg)
    assert con.sql("SELECT grade FROM incident_grades WHERE incident_id = 'CH-000001'").fetchone() == (
        "single_source",)
    # ...or a compiled dataset
    edit_rows(pkg, "sources", "source_id", {"S-000005": {"republished_from": "", "category": "dataset",
                                                         "source_type": "dataset"}})
    con = civharm.connect(pkg)
    assert con.sql("SELECT grade FROM incident_grades WHERE incident_id = 'CH-000001'").fetchone() == (
        "single_source",)


def test_the_latest_current_statement_sets_the_position(tmp_path: Path):
    """A later denial by the same belligerent replaces a concession; superseding it restores it."""
    pkg = build_package(tmp_path / "pkg")
    _, sources = read_rows(pkg, "sources")
    later = {k: "" for k in sources[0]} | dict(
        source_id="S-000005", source_type="military_statement", category="belligerent",
        publisher="US Central Command", title="Review of civilian casualty allegations",
        url="https://example.org/centcom-review", published_on="2018-01-10", language="en")
    edit_rows(pkg, "sources", "source_id", {}, add=[later])
    denial = dict(claim_id="CL-000004", incident_id="CH-000003", source_id="S-000005", claim_type="denial",
                  actor_id="A-000002", statement="Says its review found no civilian harm.")
    edit_rows(pkg, "claims", "claim_id", {}, add=[denial])
    con = civharm.connect(pkg)
    assert con.sql("SELECT position, as_of, claim_id FROM incident_positions").fetchall() == [
        ("denied", date(2018, 1, 10), "CL-000004")]
    edit_rows(pkg, "claims", "claim_id", {"CL-000004": {"superseded_by": "CL-000002"}})
    con = civharm.connect(pkg)
    assert con.sql("SELECT position, as_of, claim_id FROM incident_positions").fetchall() == [
        ("conceded", date(2017, 5, 25), "CL-000002")]


def test_the_day_the_belligerent_spoke_wins_over_its_sources_date(tmp_path: Path):
    """A claim's stated_on dates and orders the position, ahead of its source's published_on."""
    pkg = build_package(tmp_path / "pkg")
    _, sources = read_rows(pkg, "sources")
    review = {k: "" for k in sources[0]} | dict(
        source_id="S-000005", source_type="military_statement", category="belligerent",
        publisher="US Central Command", title="Review of civilian casualty allegations",
        url="https://example.org/centcom-review", published_on="2018-01-10", language="en")
    edit_rows(pkg, "sources", "source_id", {}, add=[review])
    # Published in 2018, but it reports a denial made before the concession of 25 May 2017.
    denial = dict(claim_id="CL-000004", incident_id="CH-000003", source_id="S-000005", claim_type="denial",
                  actor_id="A-000002", stated_on="2017-04-01", belligerent_assessment="non_credible",
                  statement="Says that on 1 April 2017 it had found no civilian harm.")
    edit_rows(pkg, "claims", "claim_id", {}, add=[denial])
    con = civharm.connect(pkg)
    assert con.sql("SELECT position, as_of, claim_id FROM incident_positions").fetchall() == [
        ("conceded", date(2017, 5, 25), "CL-000002")]
    assert _problems(pkg) == []
    # Stated after the concession: the denial is the position, dated the day it was made.
    edit_rows(pkg, "claims", "claim_id", {"CL-000004": {"stated_on": "2017-06-02"}})
    con = civharm.connect(pkg)
    assert con.sql("SELECT position, as_of, claim_id FROM incident_positions").fetchall() == [
        ("denied", date(2017, 6, 2), "CL-000004")]
    check = run_module("civharm.grades", str(pkg), "--check")
    assert check.stdout.splitlines() == [
        "CH-000003: belligerent_position conceded -> denied",
        "CH-000003: belligerent_position_date 2017-05-25 -> 2017-06-02"]


def test_a_statement_known_only_to_the_month_does_not_date_the_position(tmp_path: Path):
    """stated_on with stated_on_precision 'month' is the first of the month, not the day the
    belligerent spoke: the position's date falls back to its source's published_on."""
    pkg = build_package(tmp_path / "pkg")
    edit_rows(pkg, "claims", "claim_id", {"CL-000002": {"stated_on": "2017-05-01", "stated_on_precision": "month"}})
    con = civharm.connect(pkg)
    assert con.sql("SELECT position, as_of FROM incident_positions").fetchall() == [("conceded", date(2017, 5, 25))]
    assert _problems(pkg) == []
    edit_rows(pkg, "claims", "claim_id", {"CL-000002": {"stated_on_precision": "day"}})
    con = civharm.connect(pkg)
    assert con.sql("SELECT position, as_of FROM incident_positions").fetchall() == [("conceded", date(2017, 5, 1))]
