"""The query cookbook (sql/cookbook/) and the views, run on the real data with their answers
asserted. The docs show these same files."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

import civharm

REPO = Path(__file__).resolve().parents[1]
COOKBOOK = REPO / "sql" / "cookbook"


@pytest.fixture(scope="module")
def con():
    return civharm.connect(REPO)


def run(con, name: str) -> list[dict]:
    rel = con.sql((COOKBOOK / name).read_text())
    return [dict(zip(rel.columns, row)) for row in rel.fetchall()]


def test_every_cookbook_file_states_its_question_and_runs(con):
    files = sorted(COOKBOOK.glob("*.sql"))
    assert len(files) >= 8
    for f in files:
        assert f.read_text().startswith("-- ") and "?" in f.read_text().splitlines()[0], f.name
        con.sql(f.read_text()).fetchall()


def test_single_source_incidents(con):
    rows = {r["incident_id"]: r for r in run(con, "01-single-source-incidents.sql")}
    assert rows["CH-000027"]["originals"] == "Airwars"  # Al-Shifa, Mosul
    # 21 August 2017: six documents, but every report rests on the Observatory's count
    assert rows["CH-000002"]["originals"] == "Syrian Observatory for Human Rights"
    assert rows["CH-000002"]["publishers"].count(";") == 5
    assert "CH-000016" not in rows  # the Observatory and Airwars, independently: fair
    assert all(r["grade"] == "single_source" for r in rows.values())
    assert all(r["originals"] is None or ";" not in r["originals"] for r in rows.values())


def test_deaths_per_month_by_campaign(con):
    rows = {(r["campaign"], r["month"]): r for r in run(con, "02-deaths-per-month-by-campaign.sql")}
    assert set(c for c, _ in rows) == {"raqqa-2017", "mosul-2016-2017"}
    assert [m for c, m in rows if c == "raqqa-2017"] == ["2017-06", "2017-07", "2017-08", "2017-09", "2017-10"]
    # Raqqa, August 2017: 46 active incidents; 568 at least, up to 626 (an open max counts its min)
    aug = rows[("raqqa-2017", "2017-08")]
    assert (aug["incidents"], aug["civilians_killed_min"], aug["civilians_killed_max"]) == (46, 568, 626)
    # Mosul, May 2017: only 'up to' figures for two of three incidents, so the minima sum to 15
    may = rows[("mosul-2016-2017", "2017-05")]
    assert (may["incidents"], may["civilians_killed_min"], may["civilians_killed_max"]) == (3, 15, 296)


def test_coalition_conceded_fewer_than_monitors(con):
    rows = {r["incident_id"]: r for r in run(con, "03-coalition-conceded-fewer.sql")}
    assert (rows["CH-000027"]["conceded"], rows["CH-000027"]["reported"], rows["CH-000027"]["difference"]) \
        == (10, 130, 120)  # Al-Shifa: 10 confirmed against up to 130
    assert (rows["CH-000008"]["conceded"], rows["CH-000008"]["reported"]) == (4, 5)  # Intifada: 4 against 5
    assert (rows["CH-000026"]["conceded"], rows["CH-000026"]["reported"]) == (16, 35)  # the Fayyad home
    assert all(r["conceded"] < r["reported"] for r in rows.values())
    assert list(rows)[0] == "CH-000027"  # ordered by the difference, largest first


def test_sources_that_relay_others(con):
    rows = run(con, "04-sources-that-relay-others.sql")
    chains = {(r["source_id"], r["relation"]): r for r in rows}
    # Anti-Media republishes Antiwar.com, which relays the Observatory
    assert chains[("S-000002", "republishes")]["path"] == "S-000002 -> S-000001 -> S-000003"
    assert chains[("S-000002", "republishes")]["original_publisher"] == "Syrian Observatory for Human Rights"
    assert chains[("S-000001", "relays")]["original_id"] == "S-000003"


def test_raqqa_20_to_22_august_2017(con):
    rows = run(con, "05-raqqa-20-22-august-2017.sql")
    by = {(r["incident_id"], r["publisher"]): r for r in rows}
    assert {i for i, _ in by} == {"CH-000001", "CH-000002", "CH-000018", "CH-000223"}
    assert by[("CH-000001", "Military.com")]["claim_min"] == 27  # Sunday, AFP relaying SOHR
    assert by[("CH-000002", "Syrian Observatory for Human Rights")]["claim_max"] == 42
    assert by[("CH-000002", "Antiwar.com")]["claim_max"] == 55  # the founding article
    assert by[("CH-000002", "Uppsala Conflict Data Program (UCDP)")]["claim_max"] == 78
    assert (by[("CH-000002", "Antiwar.com")]["incident_min"], by[("CH-000002", "Antiwar.com")]["incident_max"]) \
        == (42, 78)


def test_relay_discrepancies_show_the_founding_article(con):
    rows = run(con, "06-relay-discrepancies.sql")
    assert [(r["relayed_by"], r["relayed_max"], r["cited_source"], r["cited_max"]) for r in rows] == [
        ("Antiwar.com", 55, "Syrian Observatory for Human Rights", 42),
        ("Anti-Media", 55, "Syrian Observatory for Human Rights", 42),
    ]


def test_deaths_by_attribution(con):
    rows = {(r["actor"], r["attribution"]): r for r in run(con, "07-deaths-by-attribution.sql")}
    # UCDP's events carry no attribution: the importer never infers one
    ucdp = con.sql("SELECT count(*) FROM incidents WHERE status = 'active' AND actor_id IS NULL").fetchone()[0]
    assert rows[("(none)", "unknown")]["incidents"] == ucdp
    assert sum(r["incidents"] for r in rows.values()) == \
        con.sql("SELECT count(*) FROM incidents WHERE status = 'active'").fetchone()[0]


def test_tallies_against_incidents(con):
    rows = {r["tally_id"]: r for r in run(con, "08-tallies-against-incidents.sql")}
    sohr = rows["T-000005"]  # SOHR: 167 from 14 to 22 August
    assert (sohr["tally_min"], sohr["period_start"], sohr["period_end"]) == (167, date(2017, 8, 14), date(2017, 8, 22))
    assert sohr["incidents"] >= 2  # CH-000001 and CH-000002 fall in its period


def test_deadliest_incidents(con):
    rows = run(con, "09-deadliest-incidents.sql")
    assert len(rows) == 10
    assert rows[0]["incident_id"] == "CH-000030" and rows[0]["civilians_killed_max"] == 370  # al-Jadida claims
    maxima = [r["civilians_killed_max"] for r in rows]
    assert maxima == sorted(maxima, reverse=True)


def test_belligerent_denials(con):
    rows = {r["incident_id"]: r for r in run(con, "10-belligerent-denials.sql")}
    assert set(rows) == {"CH-000004", "CH-000012", "CH-000021", "CH-000024", "CH-000032"}
    assert (rows["CH-000024"]["monitors_min"], rows["CH-000024"]["monitors_max"]) == (28, 42)


def test_views_answer_on_the_real_data(con):
    ov = {r[0]: r for r in con.sql("SELECT incident_id, official_max, monitors_max, ratio FROM official_vs_monitors")
          .fetchall()}
    assert ov["CH-000027"][1:] == (10, 130, 0.077)
    overview = con.sql("SELECT claims, sources, claims_civilians_min, claims_civilians_max "
                       "FROM incident_overview WHERE incident_id = 'CH-000002'").fetchone()
    assert overview == (6, 6, 42, 78)
    coverage = con.sql("SELECT incidents, incidents_min, incidents_max FROM tally_coverage "
                       "WHERE tally_id = 'T-000005'").fetchone()
    assert coverage == (14, 255, 313)  # SOHR's 167 for 14-22 August, against 14 incidents' 255-313
