-- tally_coverage: each tally beside the incidents of the same campaign, area and attribution
-- scope over its period, or the reason it cannot be compared.
--   area scope:  incidents whose field named by the tally's area_level equals its area_name;
--   actor scope: incidents attributed to the tally's actor or any actor within it (parent_id);
--                a tally that blames no one takes every perpetrator.
-- An incident whose place at that level or whose actor is not stated may or may not be in scope:
-- it is counted apart (possible_*), and the comparison is then only a lower bound.
-- Figures are the daily series (incident_days) summed over the period: a multi-day incident
-- counts for the days its range shares with the period. Each tally is the difference of two
-- running totals per scope (an as-of join), so the cost grows with the data, not with tallies x
-- incidents. Rounded to whole deaths.
CREATE VIEW tally_coverage AS
WITH RECURSIVE
within(scope_actor, actor_id) AS (  -- every actor and those acting within it
    SELECT actor_id, actor_id FROM actors
    UNION
    SELECT w.scope_actor, a.actor_id FROM within AS w JOIN actors AS a ON a.parent_id = w.actor_id
),
scopes AS (
    SELECT DISTINCT campaign, area_level, area_name, actor_id AS scope_actor
    FROM tallies WHERE area_level IS NOT NULL AND area_name IS NOT NULL
),
places AS (  -- each active incident's place at each level a tally names, in a campaign a tally names
    SELECT incident_id, campaign, actor_id, level, name
    FROM (SELECT incident_id, campaign, actor_id, locality, admin2, admin1, country
          FROM incidents WHERE status = 'active' AND campaign IN (SELECT campaign FROM scopes))
    UNPIVOT INCLUDE NULLS (name FOR level IN (locality, admin2, admin1, country))
    WHERE level IN (SELECT CAST(area_level AS VARCHAR) FROM scopes)
),
members AS (  -- (scope, incident): 'in' scope, or 'possible' when its place or actor is not stated
    SELECT s.*, p.incident_id,
           CASE WHEN p.name IS NOT NULL AND (s.scope_actor IS NULL OR w.actor_id IS NOT NULL)
                THEN 'in' ELSE 'possible' END AS class
    FROM scopes AS s
    JOIN (SELECT * FROM places WHERE name IS NOT NULL) AS p
      ON p.campaign = s.campaign AND p.level = CAST(s.area_level AS VARCHAR) AND p.name = s.area_name
    LEFT JOIN within AS w ON w.scope_actor = s.scope_actor AND w.actor_id = p.actor_id
    WHERE s.scope_actor IS NULL OR p.actor_id IS NULL OR w.actor_id IS NOT NULL
    UNION ALL
    SELECT s.*, p.incident_id, 'possible'
    FROM scopes AS s
    JOIN (SELECT * FROM places WHERE name IS NULL) AS p
      ON p.campaign = s.campaign AND p.level = CAST(s.area_level AS VARCHAR)
    LEFT JOIN within AS w ON w.scope_actor = s.scope_actor AND w.actor_id = p.actor_id
    WHERE s.scope_actor IS NULL OR p.actor_id IS NULL OR w.actor_id IS NOT NULL
),
daily AS (
    SELECT m.campaign, m.area_level, m.area_name, m.scope_actor, m.class, d.day,
           count(*) FILTER (WHERE d.day = d.date_start) AS starts,
           count(*) FILTER (WHERE d.day = d.date_end) AS ends,
           sum(d.raw_min) AS raw_min, sum(d.raw_max) AS raw_max,
           sum(d.dedup_min) AS dedup_min, sum(d.dedup_max) AS dedup_max
    FROM members AS m JOIN incident_days AS d USING (incident_id)
    GROUP BY ALL
),
running AS (  -- running totals per scope and class, day by day
    SELECT campaign, area_level, area_name, scope_actor, class, day,
           sum(starts) OVER w AS starts, sum(ends) OVER w AS ends,
           sum(raw_min) OVER w AS raw_min, sum(raw_max) OVER w AS raw_max,
           sum(dedup_min) OVER w AS dedup_min, sum(dedup_max) OVER w AS dedup_max
    FROM daily
    WINDOW w AS (PARTITION BY campaign, area_level, area_name, scope_actor, class ORDER BY day)
),
asked AS (  -- each comparable tally, once per class
    SELECT t.*, 'in' AS class FROM tallies AS t WHERE t.area_level IS NOT NULL AND t.area_name IS NOT NULL
    UNION ALL
    SELECT t.*, 'possible' FROM tallies AS t WHERE t.area_level IS NOT NULL AND t.area_name IS NOT NULL
),
spans AS (  -- per tally and class: running totals at the period's end minus the day before it starts
    SELECT a.tally_id, a.class,
           coalesce(e.starts, 0) - coalesce(b.ends, 0) AS incidents,
           coalesce(e.raw_min, 0) - coalesce(b.raw_min, 0) AS raw_min,
           coalesce(e.raw_max, 0) - coalesce(b.raw_max, 0) AS raw_max,
           coalesce(e.dedup_min, 0) - coalesce(b.dedup_min, 0) AS dedup_min,
           coalesce(e.dedup_max, 0) - coalesce(b.dedup_max, 0) AS dedup_max
    FROM asked AS a
    ASOF LEFT JOIN running AS e
           ON e.campaign = a.campaign AND e.area_level = a.area_level AND e.area_name = a.area_name
          AND e.scope_actor IS NOT DISTINCT FROM a.actor_id AND e.class = a.class AND e.day <= a.period_end
    ASOF LEFT JOIN running AS b
           ON b.campaign = a.campaign AND b.area_level = a.area_level AND b.area_name = a.area_name
          AND b.scope_actor IS NOT DISTINCT FROM a.actor_id AND b.class = a.class AND b.day < a.period_start
),
figures AS (
    SELECT tally_id,
           any_value(incidents) FILTER (WHERE class = 'in') AS incidents,
           any_value(raw_min) FILTER (WHERE class = 'in') AS raw_min,
           any_value(raw_max) FILTER (WHERE class = 'in') AS raw_max,
           any_value(dedup_min) FILTER (WHERE class = 'in') AS dedup_min,
           any_value(dedup_max) FILTER (WHERE class = 'in') AS dedup_max,
           any_value(incidents) FILTER (WHERE class = 'possible') AS possible_incidents,
           any_value(dedup_min) FILTER (WHERE class = 'possible') AS possible_min,
           any_value(dedup_max) FILTER (WHERE class = 'possible') AS possible_max
    FROM spans GROUP BY tally_id
)
SELECT t.tally_id, s.publisher, t.period_start, t.period_end, t.period_text, t.area,
       CASE WHEN t.area_level IS NULL OR t.area_name IS NULL THEN NULL
            ELSE CAST(t.area_level AS VARCHAR) || ' ' || t.area_name || ', '
                 || coalesce((SELECT short_name FROM actors WHERE actor_id = t.actor_id) || ' and those within it',
                             'any perpetrator') END AS scope,
       t.civilians_killed_min AS tally_min, t.civilians_killed_max AS tally_max,
       CASE WHEN t.area_level IS NULL OR t.area_name IS NULL THEN 'not_comparable'
            WHEN f.possible_incidents > 0 THEN 'lower_bound'
            ELSE 'like_for_like' END AS comparison,
       CASE WHEN t.area_level IS NULL OR t.area_name IS NULL
                THEN 'the tally''s area is not stated in the incidents'' terms (area_level, area_name)'
            WHEN f.possible_incidents > 0
                THEN f.possible_incidents || ' incident(s) in the period may be in scope but state no '
                     || CASE WHEN t.actor_id IS NULL THEN 'place' ELSE 'actor or place' END
                     || ' at that level: the incidents in scope are a lower bound' END AS reason,
       CAST(f.incidents AS BIGINT) AS incidents,
       CAST(round(f.raw_min) AS BIGINT) AS raw_min, CAST(round(f.raw_max) AS BIGINT) AS raw_max,
       CAST(round(least(f.dedup_min, f.dedup_max)) AS BIGINT) AS dedup_min, CAST(round(f.dedup_max) AS BIGINT) AS dedup_max,
       CAST(f.possible_incidents AS BIGINT) AS possible_incidents,
       CAST(round(least(f.possible_min, f.possible_max)) AS BIGINT) AS possible_min, CAST(round(f.possible_max) AS BIGINT) AS possible_max
FROM tallies AS t
JOIN sources AS s ON s.source_id = t.source_id
LEFT JOIN figures AS f USING (tally_id);
COMMENT ON VIEW tally_coverage IS 'Each tally beside the active incidents of its campaign, area (area_level, area_name) and actor scope over its period, raw and deduplicated, each incident counted for the days it shares with the period; incidents that may be in scope (no actor or place stated) apart; comparison says like_for_like, lower_bound or not_comparable and why. Never add tallies to incidents.';
