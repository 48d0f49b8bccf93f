-- tally_coverage: each tally beside the active incidents of its campaign whose dates fall in
-- its period, so a reader sees how much of an aggregate figure the incidents account for.
CREATE VIEW tally_coverage AS
SELECT t.tally_id, s.publisher, t.period_start, t.period_end, t.period_text, t.area,
       t.civilians_killed_min AS tally_min, t.civilians_killed_max AS tally_max,
       count(i.incident_id) AS incidents,
       CAST(coalesce(sum(i.civilians_killed_min), 0) AS BIGINT) AS incidents_min,
       CAST(coalesce(sum(coalesce(i.civilians_killed_max, i.civilians_killed_min)), 0) AS BIGINT) AS incidents_max
FROM tallies AS t
JOIN sources AS s ON s.source_id = t.source_id
LEFT JOIN incidents AS i
       ON i.status = 'active' AND i.campaign = t.campaign
      AND i.date_start >= t.period_start AND i.date_end <= t.period_end
GROUP BY ALL;
COMMENT ON VIEW tally_coverage IS 'Each tally against the sum of active incidents in its campaign and period (informational: never add tallies to incidents).';
