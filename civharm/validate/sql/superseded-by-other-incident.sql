-- superseded-by-other-incident: a claim is superseded only by a later claim about the same
-- incident; a revision of another incident's figures cannot retire this one.
SELECT 'claims' AS resource, c.__line AS line, 'superseded_by' AS "column",
       c.superseded_by || ' (' || n.incident_id || ')' AS value, c.incident_id AS expected
FROM claims AS c
JOIN claims AS n ON n.claim_id = c.superseded_by
WHERE c.incident_id IS DISTINCT FROM n.incident_id
