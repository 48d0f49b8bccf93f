-- tally-coverage (notice): the tally_coverage view (sql/views/), reported at each tally's line.
SELECT 'tallies' AS resource, t.__line AS line, 'civilians_killed_min' AS "column",
       coalesce(CAST(v.tally_min AS VARCHAR), '?') || '-' || coalesce(CAST(v.tally_max AS VARCHAR), '?') AS value,
       v.incidents || ' incident(s) from ' || v.period_start || ' to ' || v.period_end || ' sum to '
           || v.incidents_min || '-' || v.incidents_max AS expected
FROM tally_coverage AS v JOIN tallies AS t USING (tally_id)
