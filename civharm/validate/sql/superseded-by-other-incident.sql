-- superseded-by-other-incident: a claim is superseded only by a later claim about the same
-- incident; a revision of another incident's figures cannot retire this one.
-- The superseding claims are looked up by the few keys that name them (a semi join), not by a
-- hash table of every claim.
WITH c AS (SELECT __line, superseded_by, incident_id FROM claims WHERE superseded_by IS NOT NULL)
SELECT 'claims' AS resource, c.__line AS line, 'superseded_by' AS "column",
       c.superseded_by || ' (' || n.incident_id || ')' AS value, c.incident_id AS expected
FROM c
JOIN (SELECT claim_id, incident_id FROM claims WHERE claim_id IN (SELECT superseded_by FROM c)) AS n
  ON n.claim_id = c.superseded_by
WHERE c.incident_id IS DISTINCT FROM n.incident_id
