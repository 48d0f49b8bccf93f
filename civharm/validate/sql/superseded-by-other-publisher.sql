-- superseded-by-other-publisher: a claim is superseded only by a claim of the same source or of
-- another source of the same publisher (its own later correction); another publisher's figure
-- is a second claim to record beside it, never a revision of it.
SELECT 'claims' AS resource, c.__line AS line, 'superseded_by' AS "column",
       c.superseded_by || ' (' || ns.publisher || ')' AS value, cs.publisher AS expected
FROM claims AS c
JOIN claims AS n ON n.claim_id = c.superseded_by
JOIN sources AS cs ON cs.source_id = c.source_id
JOIN sources AS ns ON ns.source_id = n.source_id
WHERE c.incident_id = n.incident_id
  AND c.source_id <> n.source_id AND cs.publisher IS DISTINCT FROM ns.publisher
