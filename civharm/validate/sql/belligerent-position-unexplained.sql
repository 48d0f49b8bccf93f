-- belligerent-position-unexplained: an active incident's belligerent_position and its date are
-- what the latest current admission or denial of its attributed actor (or that actor's
-- coalition) gives: the incident_positions view of civharm/grades.py. Blank when none exists.
WITH i AS (
    SELECT i.__line, CAST(i.belligerent_position AS VARCHAR) AS position, i.belligerent_position_date AS as_of,
           p.position AS want, p.as_of AS want_as_of, p.claim_id
    FROM incidents AS i
    LEFT JOIN incident_positions AS p USING (incident_id)
    WHERE i.status = 'active' AND NOT i.__broken
      AND EXISTS (SELECT 1 FROM claims AS c WHERE c.incident_id = i.incident_id)
      AND i.incident_id NOT IN (FROM unsettled_incidents)  -- a broken claim or source cell is the problem
      -- a duplicated key (pk-duplicate) makes the derivation ambiguous: that is the problem to fix
      AND NOT EXISTS (SELECT 1 FROM duplicated_keys WHERE resource IN ('sources', 'claims', 'actors'))
)
SELECT 'incidents' AS resource, __line AS line, 'belligerent_position' AS "column",
       coalesce(position, 'blank') AS value,
       coalesce(want || ' (' || claim_id || ')', 'blank (no current admission or denial by the attributed actor)') AS expected
FROM i WHERE position IS DISTINCT FROM want
UNION ALL
SELECT 'incidents', __line, 'belligerent_position_date',
       coalesce(CAST(as_of AS VARCHAR), 'blank'),
       coalesce(CAST(want_as_of AS VARCHAR), 'blank') || coalesce(' (' || claim_id || ')', '')
FROM i WHERE as_of IS DISTINCT FROM want_as_of
