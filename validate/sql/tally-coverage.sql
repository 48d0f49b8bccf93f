-- tally-coverage (notice): each tally beside the active incidents of its campaign and period,
-- so a reader sees how much of an aggregate figure the incidents account for. Informational:
-- tallies are never added to incidents.
WITH covered AS (
    SELECT t.__line, t.civilians_killed_min AS t_min, t.civilians_killed_max AS t_max,
           t.period_start, t.period_end,
           count(i.incident_id) AS n, sum(i.civilians_killed_min) AS i_min, sum(i.civilians_killed_max) AS i_max
    FROM tallies AS t
    LEFT JOIN incidents AS i
           ON i.status = 'active' AND i.campaign = t.campaign
          AND i.date_start >= t.period_start AND i.date_end <= t.period_end
    GROUP BY t.__line, t.civilians_killed_min, t.civilians_killed_max, t.period_start, t.period_end
)
SELECT 'tallies' AS resource, __line AS line, 'civilians_killed_min' AS "column",
       coalesce(CAST(t_min AS VARCHAR), '?') || '-' || coalesce(CAST(t_max AS VARCHAR), '?') AS value,
       n || ' incident(s) from ' || period_start || ' to ' || period_end || ' sum to '
           || coalesce(CAST(i_min AS VARCHAR), '0') || '-' || coalesce(CAST(i_max AS VARCHAR), '0') AS expected
FROM covered
