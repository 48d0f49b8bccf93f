"""Deduplicated totals (sql/views/incident_contributions.sql and the views built on it): exact
rows on the real data, and every case of the rule on a small hand-made package whose answers
are worked out by hand in the comments."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest

import civharm
from conftest import REPO_ROOT, build_package


@pytest.fixture(scope="module")
def real():
    return civharm.connect(REPO_ROOT)


def rows(con, sql: str) -> list[dict]:
    rel = con.sql(sql)
    return [dict(zip(rel.columns, r)) for r in rel.fetchall()]


# --- the real data ------------------------------------------------------------------------------

def test_a_day_aggregate_and_the_strikes_it_contains(real):
    """UCDP's 9-10 June event (CH-000054, 49) contains CH-000006 (8) and CH-000007 (15-17), and
    overlaps the strikes other reports tell of that day: the group counts 49-83, not its raw
    93-108, shared in proportion to each incident's own figures."""
    got = {r["incident_id"]: r for r in rows(real, "FROM incident_contributions WHERE group_id = 'CH-000006'")}
    assert {"CH-000006", "CH-000007", "CH-000054"} <= set(got) and len(got) == 7
    for r in got.values():
        assert (r["group_size"], r["group_raw_min"], r["group_raw_max"], r["group_min"], r["group_max"]) == (7, 93, 108, 49, 83)
    assert round(got["CH-000054"]["min_share"], 3) == round(49 * 49 / 93, 3) == 25.817
    assert round(got["CH-000054"]["max_share"], 3) == round(83 * 49 / 108, 3) == 37.657
    assert round(sum(r["min_share"] for r in got.values()), 9) == 49


def test_deaths_by_month_comes_by_campaign_then_month(real):
    """`make sql Q="FROM deaths_by_month"` prints the months in order, each campaign's together
    (campaigns in the schema's order), not in the order the aggregation happened to finish."""
    got = [(r["campaign"], r["month"]) for r in rows(real, "FROM deaths_by_month")]
    campaigns = [c for (c,) in real.sql("SELECT campaign FROM campaigns").fetchall()]
    assert len(got) > 2 and got == sorted(got, key=lambda r: (campaigns.index(r[0]), r[1]))


def test_companion_entries_count_once(real):
    """Airwars' CI550 (CH-000029, 50-200) and CI551 (CH-000030, 61-700) are one strike: alone, the
    pair counts 61-700 (the larger of each bound), not 111-900."""
    real.execute("CREATE TEMP TABLE kept AS FROM incident_relations")
    try:
        real.execute("DELETE FROM incident_relations WHERE relation <> 'companion_entry' AND "
                     "(incident_id IN ('CH-000029', 'CH-000030') OR related_incident_id IN ('CH-000029', 'CH-000030'))")
        got = rows(real, "SELECT incident_id, raw_min, raw_max, group_min, group_max FROM incident_contributions "
                         "WHERE incident_id IN ('CH-000029', 'CH-000030') ORDER BY 1")
    finally:
        real.execute("DELETE FROM incident_relations; INSERT INTO incident_relations FROM kept; DROP TABLE kept")
    assert got == [dict(incident_id="CH-000029", raw_min=50, raw_max=200, group_min=61, group_max=700),
                   dict(incident_id="CH-000030", raw_min=61, raw_max=700, group_min=61, group_max=700)]


def test_a_multi_month_aggregate_is_spread_over_its_days(real):
    """CH-000049: 153 deaths from 5 June to 20 October 2017 (138 days), 153/138 a day."""
    got = rows(real, "SELECT strftime(day, '%Y-%m') AS month, count(*) AS days, sum(raw_min) AS deaths "
                     "FROM incident_days WHERE incident_id = 'CH-000049' GROUP BY 1 ORDER BY 1")
    assert [(r["month"], r["days"]) for r in got] == [("2017-06", 26), ("2017-07", 31), ("2017-08", 31),
                                                     ("2017-09", 30), ("2017-10", 20)]
    for r in got:
        assert r["deaths"] == pytest.approx(153 * r["days"] / 138)
    june = rows(real, "SELECT raw_min FROM deaths_by_month WHERE campaign = 'raqqa-2017' AND month = '2017-06-01'")
    daily = real.sql("SELECT sum(raw_min) FROM deaths_daily WHERE campaign = 'raqqa-2017' "
                     "AND day BETWEEN '2017-06-01' AND '2017-06-30'").fetchone()[0]
    assert june[0]["raw_min"] == round(daily)


def test_campaign_totals(real):
    got = {r["campaign"]: r for r in rows(real, "FROM campaign_totals")}
    raqqa, mosul = got["raqqa-2017"], got["mosul-2016-2017"]
    assert (raqqa["incidents"], raqqa["raw_min"], raqqa["raw_max"], raqqa["dedup_min"], raqqa["dedup_max"]) == \
        (313, 2580, 3480, 1668, 3280)  # relations such as R-000024 (al Naim roundabout) count shared deaths once
    assert (mosul["incidents"], mosul["raw_min"], mosul["raw_max"], mosul["dedup_min"], mosul["dedup_max"]) == \
        (207, 3303, 4979, 2535, 4779)
    # IS's killings in a village south of Mosul, reported for the days before the offensive began
    assert (mosul["first_date"], mosul["incidents_without_figure"]) == (date(2016, 10, 14), 25)
    # the raw sums are the plain sums of the incidents' figures
    raw = real.sql("SELECT sum(civilians_killed_min), sum(coalesce(civilians_killed_max, civilians_killed_min)) "
                   "FROM incidents WHERE status = 'active' AND campaign = 'raqqa-2017'").fetchone()
    assert raw == (2580, 3480)


def test_campaign_coverage_against_the_campaigns_dates(real):
    got = {r["campaign"]: r for r in rows(real, "FROM campaign_coverage")}
    mosul = got["mosul-2016-2017"]
    assert (mosul["campaign_start"], mosul["first_date"], mosul["days_before_first"]) == \
        (date(2016, 10, 17), date(2016, 10, 14), 0)  # an incident from before the start: no day missed


# --- a hand-made package --------------------------------------------------------------------------

RELATIONS = [  # (incident, related, relation)
    ("CH-000001", "CH-000002", "contains"), ("CH-000001", "CH-000003", "contains"),
    ("CH-000004", "CH-000005", "companion_entry"),
    ("CH-000006", "CH-000007", "overlaps"),
    ("CH-000008", "CH-000009", "contains"), ("CH-000008", "CH-000010", "contains"),
    ("CH-000009", "CH-000010", "possible_duplicate"),
    ("CH-000011", "CH-000013", "contains"), ("CH-000012", "CH-000013", "contains"),
    ("CH-000018", "CH-000020", "contains"), ("CH-000019", "CH-000020", "contains"),
]
INCIDENTS = [  # id, dates, min, max, actor, changes to the place
    ("CH-000001", "2017-08-01", "2017-08-01", "30", "40", "", {}),
    ("CH-000002", "2017-08-01", "2017-08-01", "10", "12", "A-000001", {}),
    ("CH-000003", "2017-08-01", "2017-08-01", "15", "35", "A-000002", {}),  # the US, within the coalition
    ("CH-000004", "2017-08-02", "2017-08-02", "5", "5", "A-000001", {}),
    ("CH-000005", "2017-08-02", "2017-08-02", "6", "9", "A-000001", {}),
    ("CH-000006", "2017-08-03", "2017-08-03", "10", "20", "A-000003", {}),
    ("CH-000007", "2017-08-03", "2017-08-03", "4", "4", "A-000003", {}),
    ("CH-000008", "2017-08-04", "2017-08-04", "", "10", "", {}),
    ("CH-000009", "2017-08-04", "2017-08-04", "3", "3", "", {}),
    ("CH-000010", "2017-08-04", "2017-08-04", "4", "4", "", {}),
    ("CH-000011", "2017-08-05", "2017-08-05", "10", "10", "", {}),
    ("CH-000012", "2017-08-05", "2017-08-05", "20", "20", "", {}),
    ("CH-000013", "2017-08-05", "2017-08-05", "5", "5", "", {}),
    ("CH-000014", "2017-06-29", "2017-07-02", "8", "8", "A-000001", {}),
    ("CH-000015", "2017-08-01", "2017-08-01", "7", "7", "A-000001", {"locality": "Tabqa"}),
    ("CH-000016", "2017-08-01", "2017-08-01", "2", "2", "A-000001", {"locality": "", "location_precision": "admin2"}),
    ("CH-000017", "2017-08-06", "2017-08-06", "", "", "", {}),
    ("CH-000018", "2017-08-07", "2017-08-07", "2", "2", "", {}),
    ("CH-000019", "2017-08-07", "2017-08-07", "2", "2", "", {}),
    ("CH-000020", "2017-08-07", "2017-08-07", "5", "5", "", {}),
]
TALLIES = [  # id, period, level, name, actor
    ("T-000001", "2017-07-01", "2017-08-02", "locality", "Raqqa", "A-000001"),
    ("T-000002", "2017-08-03", "2017-08-05", "admin1", "Ar-Raqqa", ""),
    ("T-000003", "2017-08-01", "2017-08-31", "", "", "A-000001"),
]


def write(path: Path, rows_: list[dict]) -> None:
    header = next(csv.reader(path.open(encoding="utf-8")))
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=header, lineterminator="\n")
        w.writeheader()
        w.writerows({k: r.get(k, "") for k in header} for r in rows_)


@pytest.fixture(scope="module")
def made_package(tmp_path_factory) -> Path:
    pkg = build_package(tmp_path_factory.mktemp("totals") / "pkg")
    data = pkg / "data"
    write(data / "claims.csv", [])
    write(data / "victims.csv", [])  # the minimal package's victims come from its claims
    write(data / "incidents.csv", [
        dict(incident_id=i, status="active", campaign="raqqa-2017", date_start=s, date_end=e,
             date_precision="day" if s == e else "range", country="SYR", admin1="Ar-Raqqa", admin2="Ar-Raqqa",
             locality="Raqqa", location_precision="locality", means="airstrike", actor_id=a,
             attribution="likely" if a else "unknown", civilians_killed_min=lo, civilians_killed_max=hi,
             grade="single_source") | place
        for i, s, e, lo, hi, a, place in INCIDENTS])
    write(data / "incident_relations.csv", [
        dict(relation_id=f"R-{k:06d}", incident_id=a, related_incident_id=b, relation=rel, note="made up")
        for k, (a, b, rel) in enumerate(RELATIONS, 1)])
    write(data / "tallies.csv", [
        dict(tally_id=t, source_id="S-000001", period_start=s, period_end=e, period_text="made up",
             campaign="raqqa-2017", country="SYR", area="made up", area_level=level, area_name=name,
             actor_id=actor, civilians_killed_min="100", statement="made up")
        for t, s, e, level, name, actor in TALLIES])
    return pkg


@pytest.fixture(scope="module")
def made(made_package):
    return civharm.connect(made_package)


def test_group_bounds_for_each_kind_of_relation(made):
    got = {r["group_id"]: (r["group_size"], r["group_raw_min"], r["group_raw_max"], r["group_min"], r["group_max"])
           for r in rows(made, "SELECT DISTINCT group_id, group_size, group_raw_min, group_raw_max, group_min, "
                               "group_max FROM incident_contributions")}
    # a container (30-40) and two strikes it holds (10-12, 15-35): at least the larger of 30 and
    # 10 + 15; at most the larger of 40 and 12 + 35
    assert got["CH-000001"] == (3, 55, 87, 30, 47)
    # companion entries (5, 6-9): the same deaths, so the largest min and the largest max
    assert got["CH-000004"] == (2, 11, 14, 6, 9)
    # overlapping incidents (10-20, 4): at least the larger min, at most the sum
    assert got["CH-000006"] == (2, 14, 24, 10, 24)
    # a container (up to 10) whose two strikes (3, 4) may be duplicates: only the larger counts
    # towards its minimum; at most the larger of 10 and 3 + 4
    assert got["CH-000008"] == (3, 7, 17, 4, 10)
    # two containers (10, 20) of one strike (5): neither holds the other, so at most 10 + 20
    assert got["CH-000011"] == (3, 35, 35, 20, 30)
    # the same with containers (2, 2) smaller than what they hold (5): 5 + 5 would exceed the raw
    # sum 9, which is always an upper bound
    assert got["CH-000018"] == (3, 9, 9, 5, 9)
    assert got["CH-000014"] == (1, 8, 8, 8, 8)  # unrelated: itself
    assert len(got) == 10


def test_shares_add_up_to_the_group_and_never_exceed_the_incident(made):
    got = rows(made, "SELECT group_id, sum(min_share) AS lo, sum(max_share) AS hi, any_value(group_min) AS gmin, "
                     "any_value(group_max) AS gmax, bool_and(min_share <= raw_min + 1e-9) AS min_ok, "
                     "bool_and(max_share <= raw_max + 1e-9) AS max_ok FROM incident_contributions GROUP BY 1")
    for g in got:
        assert (g["lo"], g["hi"]) == (pytest.approx(g["gmin"]), pytest.approx(g["gmax"])) and g["min_ok"] and g["max_ok"], g


def test_totals_and_months(made):
    total = rows(made, "FROM campaign_totals")[0]
    assert (total["incidents"], total["incidents_without_figure"], total["raw_min"], total["raw_max"],
            total["dedup_min"], total["dedup_max"], total["related_groups"], total["relations_used"]) == \
        (20, 1, 148, 203, 92, 146, 6, 11)
    months = {r["month"]: r for r in rows(made, "FROM deaths_by_month")}
    # CH-000014's 8 over 29 June - 2 July: 4 in June, 4 in July
    assert (months[date(2017, 6, 1)]["raw_min"], months[date(2017, 6, 1)]["dedup_max"]) == (4, 4)
    assert (months[date(2017, 7, 1)]["incidents"], months[date(2017, 7, 1)]["raw_max"]) == (1, 4)
    aug = months[date(2017, 8, 1)]
    assert (aug["incidents"], aug["incidents_without_figure"], aug["raw_min"], aug["raw_max"],
            aug["dedup_min"], aug["dedup_max"]) == (19, 1, 140, 195, 84, 138)


def test_tally_coverage_keeps_to_the_tallys_scope(made):
    got = {r["tally_id"]: r for r in rows(made, "FROM tally_coverage")}
    t = got["T-000001"]  # coalition deaths in Raqqa city, 1 July - 2 August
    assert t["scope"] == "locality Raqqa, US-led coalition and those within it"
    # in scope: the coalition's and the US's strikes of 1 August (their shares of the group's
    # 30-47: 30 x 10/55 and 30 x 15/55, 47 x 12/87 and 47 x 35/87), the companion pair of 2 August
    # (6-9, all of it), CH-000014's 2 July days (4); Tabqa is out and IS's incidents are out
    assert (t["incidents"], t["raw_min"], t["raw_max"]) == (5, 10 + 15 + 5 + 6 + 4, 12 + 35 + 5 + 9 + 4)
    assert t["dedup_min"] == round(30 * 25 / 55 + 6 + 4) == 24
    assert t["dedup_max"] == round(47 * 47 / 87 + 9 + 4) == 38
    # the container with no actor, and the incident with no locality, may be in scope
    assert (t["comparison"], t["possible_incidents"], t["possible_min"], t["possible_max"]) == \
        ("lower_bound", 2, round(30 * 30 / 55 + 2), round(47 * 40 / 87 + 2))
    assert t["reason"].startswith("2 incident(s) in the period may be in scope")
    t = got["T-000002"]  # any perpetrator, the governorate, 3-5 August
    assert (t["comparison"], t["reason"], t["incidents"], t["dedup_min"], t["dedup_max"], t["raw_min"], t["raw_max"]) \
        == ("like_for_like", None, 8, 10 + 4 + 20, 24 + 10 + 30, 14 + 7 + 35, 24 + 17 + 35)
    t = got["T-000003"]
    assert (t["comparison"], t["incidents"], t["scope"]) == ("not_comparable", None, None)
    assert "not stated in the incidents' terms" in t["reason"]


def real_tallies_with_a_figure() -> int:
    import civharm
    return civharm.connect(REPO_ROOT).sql("SELECT count(*) FROM tallies WHERE civilians_killed_min IS NOT NULL "
                                          "OR civilians_killed_max IS NOT NULL").fetchone()[0]


def test_the_validator_notice_names_the_scope():
    from civharm.validate.engine import validate

    report = validate(REPO_ROOT)
    notices = [p.as_dict() for p in report.sorted() if p.as_dict()["rule"] == "tally-coverage"]
    # every tally that states a figure (not T-000020, the founding article's assertion with none)
    stated = real_tallies_with_a_figure()
    assert len(notices) == stated == 133
    first = next(n for n in notices if n["line"] == 6)  # T-000005, SOHR's 167
    assert "in its scope (locality Raqqa, US-led coalition and those within it) from 2017-08-14 to 2017-08-22, " \
           "11 active incident(s) sum to 55-251 deduplicated (169-283 raw); a lower bound: 10 more incident(s)" \
           in first["message"]


TOTALS_VIEWS = ("incident_contributions", "incident_days", "deaths_daily", "deaths_by_month", "campaign_totals",
                "tally_coverage", "coverage", "campaign_coverage")


def test_no_plan_compares_every_row_with_every_other(made_package):
    """The validator registers its tables as Arrow frames, which carry no statistics, so DuckDB
    plans the views blind: none may fall back on a nested loop or a cross product (on 200,000
    incidents one such join took the tally-coverage rule from seconds to minutes)."""
    import json

    import duckdb
    import polars as pl

    from civharm.metadata.ddl import views
    from civharm.metadata.package import load_json, load_resources
    from civharm.metadata.ranges import figure_stems

    resources = load_resources(made_package, load_json(made_package / "datapackage.json"))
    con = duckdb.connect()
    casts = {"integer": pl.Int64, "number": pl.Float64}
    for r in resources:
        frame = pl.read_csv(made_package / r.path, infer_schema_length=0)
        for f in r.fields:
            kind = f.get("type", "string")
            if kind in casts:
                frame = frame.with_columns(pl.col(f["name"]).cast(casts[kind]))
            elif kind == "date":
                frame = frame.with_columns(pl.col(f["name"]).str.to_date())
        con.register(r.name, frame.to_arrow())
    claims = next(r for r in resources if r.name == "claims")
    for statement in views(figure_stems(claims.field_names), resources):
        con.execute(statement)

    def operators(node) -> set[str]:
        return {node["name"]} | set().union(*(operators(c) for c in node.get("children", [])))

    for view in TOTALS_VIEWS:
        plan = json.loads(con.execute(f"EXPLAIN (FORMAT json) SELECT * FROM {view}").fetchall()[0][1])
        found = set().union(*(operators(n) for n in plan))
        assert not found & {"NESTED_LOOP_JOIN", "CROSS_PRODUCT", "BLOCKWISE_NL_JOIN"}, (view, sorted(found))
    assert con.execute("SELECT count(*) FROM incident_contributions").fetchone()[0] == len(INCIDENTS)


def test_a_group_is_everything_a_chain_of_relations_reaches_however_long():
    """Groups and companion sets are found by passing the smallest ID along the relations, one
    relation a step: a chain whose smallest ID is at its far end (20 steps), and a container of
    19 incidents, each come out as one group named by its smallest ID; companion entries join
    only the incidents they link. Checked against a union-find in Python."""
    import duckdb

    ids = [f"CH-{i:06d}" for i in range(1, 41)]
    chain = [(ids[k + 1], ids[k], "companion_entry" if k < 9 else "overlaps") for k in range(19)]
    star = [(ids[29], i, "contains") for i in ids[20:40] if i != ids[29]]
    con = duckdb.connect()
    con.execute("CREATE TABLE incidents (incident_id VARCHAR, status VARCHAR, campaign VARCHAR, date_start DATE, "
                "date_end DATE, civilians_killed_min BIGINT, civilians_killed_max BIGINT)")
    con.execute("INSERT INTO incidents SELECT 'CH-' || lpad(CAST(i AS VARCHAR), 6, '0'), 'active', 'raqqa-2017', "
                "DATE '2017-08-01', DATE '2017-08-01', 1, 2 FROM range(1, 41) AS t(i)")
    con.execute("CREATE TABLE incident_relations (incident_id VARCHAR, related_incident_id VARCHAR, relation VARCHAR)")
    for a, b, rel in chain + star:
        con.execute(f"INSERT INTO incident_relations VALUES ('{a}', '{b}', '{rel}')")
    con.execute((REPO_ROOT / "sql" / "views" / "incident_contributions.sql").read_text())

    def components(edges) -> dict[str, str]:
        parent = {i: i for i in ids}

        def root(i):
            while parent[i] != i:
                i = parent[i]
            return i
        for a, b, _ in edges:
            ra, rb = root(a), root(b)
            parent[max(ra, rb)] = min(ra, rb)
        return {i: root(i) for i in ids}

    groups = components(chain + star)
    got = dict(con.execute("SELECT incident_id, group_id FROM incident_contributions").fetchall())
    assert got == groups
    assert set(got.values()) == {"CH-000001", "CH-000021"}
    # companion entries: CH-000001..CH-000010 are one set of deaths (max 2), so the chain's 20
    # incidents are one node of max 2 plus ten others: the group's upper bound is 2 + 10 x 2
    assert con.execute("SELECT DISTINCT group_max FROM incident_contributions WHERE group_id = 'CH-000001'"
                       ).fetchall() == [(22,)]
