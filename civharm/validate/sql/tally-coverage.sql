-- tally-coverage (notice): the tally_coverage view (sql/views/), reported at each tally's line,
-- with the scope it was compared in and whether the comparison is like for like. A tally that states
-- no figure (an assertion, such as the founding article's T-000020) has nothing to compare.
SELECT 'tallies' AS resource, t.__line AS line, 'civilians_killed_min' AS "column",
       CASE WHEN v.tally_min = v.tally_max THEN CAST(v.tally_min AS VARCHAR)
            WHEN v.tally_max IS NULL THEN 'at least ' || v.tally_min
            WHEN v.tally_min IS NULL THEN 'up to ' || v.tally_max
            ELSE v.tally_min || '-' || v.tally_max END AS value,
       CASE WHEN v.comparison = 'not_comparable' THEN 'not compared: ' || v.reason
            ELSE 'in its scope (' || v.scope || ') from ' || v.period_start || ' to ' || v.period_end || ', '
                 || v.incidents || ' active incident(s) sum to ' || v.dedup_min || '-' || v.dedup_max
                 || ' deduplicated (' || v.raw_min || '-' || v.raw_max || ' raw)'
                 || CASE WHEN v.comparison = 'lower_bound'
                         THEN '; a lower bound: ' || v.possible_incidents || ' more incident(s) state no '
                              || CASE WHEN t.actor_id IS NULL THEN 'place' ELSE 'actor or place' END
                              || ' at that level (' || v.possible_min || '-' || v.possible_max || ')'
                         ELSE '' END END AS expected
FROM tally_coverage AS v JOIN tallies AS t USING (tally_id)
WHERE v.tally_min IS NOT NULL OR v.tally_max IS NOT NULL
