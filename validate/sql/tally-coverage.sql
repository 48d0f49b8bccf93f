-- tally-coverage (notice): the tally_coverage view (sql/views/), reported at each tally's line.
-- A tally that states no figure (an assertion such as the founding article's) has nothing to compare.
SELECT 'tallies' AS resource, t.__line AS line, 'civilians_killed_min' AS "column",
       CASE WHEN v.tally_min = v.tally_max THEN CAST(v.tally_min AS VARCHAR)
            WHEN v.tally_max IS NULL THEN 'at least ' || v.tally_min
            WHEN v.tally_min IS NULL THEN 'up to ' || v.tally_max
            ELSE v.tally_min || '-' || v.tally_max END AS value,
       v.incidents || ' active incident(s) from ' || v.period_start || ' to ' || v.period_end
           || ' sum to ' || v.incidents_min || '-' || v.incidents_max AS expected
FROM tally_coverage AS v JOIN tallies AS t USING (tally_id)
WHERE v.tally_min IS NOT NULL OR v.tally_max IS NOT NULL
