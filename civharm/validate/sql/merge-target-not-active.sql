-- merge-target-not-active: a merged tombstone resolves in one step to an active incident,
-- so that a reader following an old citation lands on the incident that holds its claims now.
SELECT 'incidents' AS resource, m.__line AS line, 'merged_into' AS "column",
       m.merged_into AS value, t.status AS expected
FROM incidents AS m
JOIN incidents AS t ON t.incident_id = m.merged_into
WHERE m.status = 'merged' AND t.status <> 'active'
