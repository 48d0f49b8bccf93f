-- external-id-unrelated: one source record (an Airwars code, a UCDP GED event id) attached to
-- claims of two active incidents is the same deaths twice, unless a relation between the two
-- says how they share them; without one, every total adds them twice.
-- Linear at scale: a hash aggregate over the claims alone finds the ids on claims of 2+
-- incidents first (min <> max, cheaper than a distinct count), and only their claims are joined
-- to their incidents and paired. Reported once per unordered pair and id, on the first claim (by line) of
-- the later incident (by ID), naming the earlier incident's first claim. Broken claim and
-- incident rows are left out, and nothing is reported while a relation row has lost an
-- incident ID (it may be this pair's): those cells are the problem to fix.
WITH candidates AS (
    SELECT external_id FROM claims WHERE external_id IS NOT NULL AND NOT __broken
    GROUP BY external_id HAVING min(incident_id) <> max(incident_id)
),
active_claims AS (
    SELECT c.external_id, c.incident_id, c.claim_id, c.__line AS line
    FROM claims AS c SEMI JOIN candidates AS k ON k.external_id = c.external_id
    JOIN incidents AS i ON i.incident_id = c.incident_id
    WHERE c.external_id IS NOT NULL AND NOT c.__broken
      AND i.status = 'active' AND NOT i.__broken
),
shared AS (
    SELECT external_id FROM active_claims
    GROUP BY external_id HAVING count(DISTINCT incident_id) > 1
),
firsts AS (
    SELECT a.external_id, a.incident_id, arg_min(a.claim_id, a.line) AS claim_id, min(a.line) AS line
    FROM active_claims AS a SEMI JOIN shared AS s ON s.external_id = a.external_id
    GROUP BY a.external_id, a.incident_id
),
related AS (
    SELECT DISTINCT least(incident_id, related_incident_id) AS a,
                    greatest(incident_id, related_incident_id) AS b
    FROM incident_relations
    WHERE incident_id IS NOT NULL AND related_incident_id IS NOT NULL
)
SELECT 'claims' AS resource, later.line, 'external_id' AS "column", later.external_id AS value,
       'also on ' || earlier.incident_id || ' (' || coalesce(earlier.claim_id, 'claim')
           || ', line ' || earlier.line || '), with no relation between the two incidents' AS expected
FROM firsts AS earlier
JOIN firsts AS later ON later.external_id = earlier.external_id AND later.incident_id > earlier.incident_id
WHERE NOT EXISTS (SELECT 1 FROM related AS r WHERE r.a = earlier.incident_id AND r.b = later.incident_id)
  AND NOT EXISTS (SELECT 1 FROM incident_relations
                  WHERE __broken AND (incident_id IS NULL OR related_incident_id IS NULL))
