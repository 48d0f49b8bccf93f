"""The methodology's grade and belligerent-position rules, written once as SQL.

An incident's `grade` (how well it is documented) and `belligerent_position` (what the
belligerent it is attributed to said) are not judgements made row by row: they follow from its
current claims, that is the claims no later claim supersedes (`superseded_by` blank).

Grade, in this order:

1. `belligerent_only`: no current `report` claim; only a belligerent's admission or denial.
2. `weak`: no current report gives any figure (killed, children, women or injured).
3. `fair`: the current reports rest on two or more independent originals.
4. `single_source`: otherwise.

A report's original is the source it names (`cited_source_id`, else its own source), followed
through `source_chains` (republished_from and relays) to the source it rests on; a source with
no chain is its own original. Two originals are independent when their publishers differ (two
Airwars pages are one publisher). An original of category `dataset` (UCDP GED) is never counted:
a compiled event dataset codes its events from the same media and monitor reports. Admissions
and denials do not count either: they are the belligerent's position, kept apart from the grade
as Airwars keeps its grade apart from each belligerent's assessment.

Belligerent position: per incident and actor, the latest current admission (`conceded`) or
denial (`denied`), latest by its date: the day the claim says the belligerent spoke
(`stated_on`, when it gives the day: `stated_on_precision` not 'month'), else its source's
published_on (undated claims last, then the higher claim_id).
The incident's columns hold the position of its attributed actor or, where that actor has not
spoken, of the nearest coalition it belongs to (actors.parent_id): the coalition
assesses civilian-harm allegations for its members' strikes.

The validator checks incidents against these views, and the DuckDB database shows them.
"""

from __future__ import annotations

from .connection import open_duckdb
from .paths import VIEWS
from .ranges import figure_stems

# Each source's original: the source itself, or where source_chains leads it (republished_from and
# relays). A view of its own, so that the validator can compute it once into a table (a recursive
# CTE inlined under the claims' join made DuckDB run out of memory at 10M claims, 1M at 150 MB).
_SOURCE_ORIGINALS = """-- source_originals: each source's original source (the grade rule, civharm/grades.py).
CREATE VIEW source_originals AS
SELECT s.source_id, o.source_id AS original_id, o.publisher, o.category
FROM sources AS s
LEFT JOIN (SELECT DISTINCT source_id, original_id FROM source_chains) AS ch USING (source_id)
JOIN sources AS o ON o.source_id = coalesce(ch.original_id, s.source_id);
COMMENT ON VIEW source_originals IS 'Each source with the original source it rests on (republished_from and relays followed through source_chains; a source with no chain is its own original), and that original''s publisher and category.';
"""

# Each claim's original source: the source it names (cited_source_id, else its own) resolved by
# source_originals. Written once, for claim_originals and incident_grades. Sources are resolved
# first (they are fewer than claims), so that a claim takes one hash join, and the grade reads
# claims once instead of joining them back to claim_originals on claim_id (the largest costs of
# the grade at 10M claims, beside an ordered string_agg).
_ORIGINAL = "JOIN source_originals AS o ON o.source_id = coalesce(c.cited_source_id, c.source_id)"


def grade_views_sql(stems: list[str]) -> list[str]:
    """CREATE VIEW statements for source_originals, claim_originals, incident_grades,
    belligerent_positions and incident_positions, in creation order. They need the tables and the
    source_chains view."""
    any_figure = " OR ".join(f"c.{s}_min IS NOT NULL OR c.{s}_max IS NOT NULL" for s in stems) or "false"
    return [
        _SOURCE_ORIGINALS,
        f"""-- claim_originals: each claim's original source (the grade rule, civharm/grades.py).
CREATE VIEW claim_originals AS
SELECT c.claim_id, c.incident_id, c.claim_type, c.source_id,
       o.original_id,
       o.publisher AS original_publisher, CAST(o.category AS VARCHAR) AS original_category,
       c.superseded_by IS NULL AS is_current
FROM claims AS c
{_ORIGINAL};
COMMENT ON VIEW claim_originals IS 'Each claim with the original source it rests on (cited_source_id and republished_from followed), its publisher and whether the claim is current (not superseded).';
""",
        f"""-- incident_grades: the documentation grade each incident's current claims give (civharm/grades.py).
CREATE VIEW incident_grades AS
-- Two plain hash aggregates, which DuckDB can spill to disk at any size: per incident and
-- original publisher first (so each publisher counts once, with no DISTINCT aggregate), then per
-- incident. The publishers are listed by list_sort, not string_agg(... ORDER BY ...): an ordered
-- aggregate keeps and sorts every group's rows apart, and took three quarters of the grade's time
-- at 1M incidents (and ran out of memory at 10M).
WITH cur AS (
    SELECT c.incident_id, c.claim_type = 'report' AS is_report,
           c.claim_type = 'report' AND CAST(o.category AS VARCHAR) <> 'dataset' AS counts,
           o.publisher AS original_publisher, ({any_figure}) AS has_figure
    FROM claims AS c
    {_ORIGINAL}
    WHERE c.superseded_by IS NULL
),
publishers AS (
    SELECT incident_id, original_publisher, count(*) FILTER (WHERE is_report) AS reports,
           bool_or(is_report AND has_figure) AS reports_figure, bool_or(counts) AS counts
    FROM cur GROUP BY incident_id, original_publisher
),
per AS (
    SELECT incident_id, CAST(sum(reports) AS BIGINT) AS reports,
           count(*) FILTER (WHERE counts) AS independent_sources,
           array_to_string(list_sort(list(original_publisher)
                                     FILTER (WHERE counts AND original_publisher IS NOT NULL)), '; ') AS originals,
           coalesce(bool_or(reports_figure), false) AS reports_figure
    FROM publishers GROUP BY incident_id
)
SELECT incident_id, reports, independent_sources, originals, reports_figure,
       CASE WHEN reports = 0 THEN 'belligerent_only'
            WHEN NOT reports_figure THEN 'weak'
            WHEN independent_sources >= 2 THEN 'fair'
            ELSE 'single_source' END AS grade
FROM per;
COMMENT ON VIEW incident_grades IS 'Per incident with current claims: its current reports, the independent original publishers they rest on, and the grade the methodology''s rule gives.';
""",
        """-- belligerent_positions: each belligerent's latest current admission or denial per incident.
CREATE VIEW belligerent_positions AS
SELECT incident_id, actor_id, position, as_of, claim_id
FROM (
    SELECT c.incident_id, c.actor_id,
           CASE c.claim_type WHEN 'admission' THEN 'conceded' ELSE 'denied' END AS position,
           -- when the belligerent spoke: the claim's stated_on (a day: one known only to the month
           -- is not a date of the position), else its source's published_on
           max(coalesce(CASE WHEN c.stated_on_precision = 'month' THEN NULL ELSE c.stated_on END, s.published_on))
               OVER (PARTITION BY c.incident_id, c.actor_id) AS as_of,
           c.claim_id,
           row_number() OVER (PARTITION BY c.incident_id, c.actor_id
                              ORDER BY coalesce(CASE WHEN c.stated_on_precision = 'month' THEN NULL
                                                     ELSE c.stated_on END, s.published_on) DESC NULLS LAST,
                                       c.claim_id DESC) AS n
    FROM claims AS c JOIN sources AS s ON s.source_id = c.source_id
    WHERE c.claim_type IN ('admission', 'denial') AND c.superseded_by IS NULL AND c.actor_id IS NOT NULL
)
WHERE n = 1;
COMMENT ON VIEW belligerent_positions IS 'Per incident and belligerent: its position (conceded or denied) from its latest current admission or denial, the date of the latest such statement (its stated_on where it gives the day, else its source''s published_on), and the claim it rests on.';
""",
        """-- incident_positions: the position of each incident's attributed actor, or of the nearest
-- coalition it belongs to (actors.parent_id) where the actor itself has not spoken.
CREATE VIEW incident_positions AS
-- Only incidents on which some belligerent spoke are walked up the actors: the rest have no
-- position, and walking every incident made this view grow with the incidents, not the statements.
WITH RECURSIVE up(incident_id, actor_id, depth) AS (
    SELECT incident_id, actor_id, 0 FROM incidents
    WHERE actor_id IS NOT NULL AND incident_id IN (SELECT incident_id FROM belligerent_positions)
    UNION ALL
    SELECT up.incident_id, a.parent_id, up.depth + 1
    FROM up JOIN actors AS a ON a.actor_id = up.actor_id
    WHERE a.parent_id IS NOT NULL AND up.depth < 8
)
SELECT incident_id, actor_id, position, as_of, claim_id
FROM (
    SELECT up.incident_id, p.actor_id, p.position, p.as_of, p.claim_id,
           row_number() OVER (PARTITION BY up.incident_id ORDER BY up.depth) AS n
    FROM up JOIN belligerent_positions AS p USING (incident_id, actor_id)
)
WHERE n = 1;
COMMENT ON VIEW incident_positions IS 'Per incident: the belligerent position its columns hold, whose it is (the attributed actor or its coalition), the date and the claim.';
""",
    ]


DERIVED_FIELDS = ("grade", "belligerent_position", "belligerent_position_date")


def derived(con) -> dict[str, dict[str, str]]:
    """incident_id -> the three derived fields as CSV text ('' for blank), for every active
    incident with claims, from a connection that has the package's tables and views
    (civharm.connect). Tombstones keep what they had: the rules check active incidents only."""
    rows = con.execute("""SELECT i.incident_id, g.grade, p.position, CAST(p.as_of AS VARCHAR)
                          FROM incidents AS i
                          JOIN incident_grades AS g USING (incident_id)
                          LEFT JOIN incident_positions AS p USING (incident_id)
                          WHERE i.status = 'active'""").fetchall()
    return {i: dict(zip(DERIVED_FIELDS, (g or "", p or "", d or ""))) for i, g, p, d in rows}


def derived_from_rows(tables: dict[str, tuple[list[str], list[dict]]]) -> dict[str, dict[str, str]]:
    """The same as `derived`, for tables held as CSV text in memory (the UCDP importer's plan):
    name -> (field names, rows of strings). Needs incidents, claims, sources, actors, tallies."""
    # pyarrow here, not at the top: the validator imports this module for grade_views_sql and must
    # not pay pyarrow's import (about half a second) on every run; only the importer calls this.
    import pyarrow as pa

    con = open_duckdb()
    try:
        for name, (fields, rows) in tables.items():
            con.register(name, pa.table({f: pa.array([(r.get(f) or None) for r in rows], pa.string())
                                         for f in fields}))
        # A figure is "given" when its cell is not blank; the views need no other types.
        con.execute((VIEWS / "source_chains.sql").read_text())
        for statement in grade_views_sql(figure_stems(tables["claims"][0])):
            con.execute(statement)
        return derived(con)
    finally:
        con.close()
