"""Every figure in data/ traces to a source row with a URL (issue 3's acceptance).

Claims and tallies state figures for a source; an incident's figures are only the range of its
claims' figures, so they trace through its claims. Checked on the real package, in SQL, so a
failure names the rows.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import civharm
from civharm.metadata.ranges import figure_stems

REPO = Path(__file__).resolve().parents[1]
URL = r"^https?://[^\s/?#]+"


@pytest.fixture(scope="module")
def con():
    return civharm.connect(REPO)


def stated(con, table: str, alias: str = "") -> str:
    """SQL that is true for a row of `table` stating any figure (any X_min/X_max the schema has)."""
    columns = [r[0] for r in con.sql(f"SELECT column_name FROM duckdb_columns() WHERE table_name = '{table}'").fetchall()]
    a = f"{alias}." if alias else ""
    return " OR ".join(f"{a}{s}_min IS NOT NULL OR {a}{s}_max IS NOT NULL" for s in figure_stems(columns))


@pytest.mark.parametrize("table, key", [("claims", "claim_id"), ("tallies", "tally_id")])
def test_every_stated_figure_has_a_source_with_a_url(con, table, key):
    without = con.sql(f"""
        SELECT t.{key} FROM {table} AS t LEFT JOIN sources AS s ON s.source_id = t.source_id
        WHERE ({stated(con, table)}) AND NOT coalesce(regexp_matches(s.url, '{URL}'), false)""").fetchall()
    assert without == []
    assert con.sql(f"SELECT count(*) FROM {table} WHERE {stated(con, table)}").fetchone()[0] > 0


def test_every_incident_figure_rests_on_a_claim_with_a_sourced_url(con):
    without = con.sql(f"""
        SELECT i.incident_id FROM incidents AS i
        WHERE ({stated(con, 'incidents', 'i')}) AND NOT EXISTS (
            SELECT 1 FROM claims AS c JOIN sources AS s ON s.source_id = c.source_id
            WHERE c.incident_id = i.incident_id AND ({stated(con, 'claims', 'c')})
              AND regexp_matches(s.url, '{URL}'))""").fetchall()
    assert without == []


def test_every_cited_source_has_a_url(con):
    cited = con.sql(f"""
        SELECT DISTINCT x.cited_source_id FROM (SELECT cited_source_id FROM claims UNION ALL
                                                SELECT cited_source_id FROM tallies) AS x
        JOIN sources AS s ON s.source_id = x.cited_source_id
        WHERE NOT regexp_matches(s.url, '{URL}')""").fetchall()
    assert cited == []
