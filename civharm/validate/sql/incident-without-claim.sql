-- incident-without-claim: every active incident is backed by at least one claim whose source
-- has a URL, because an incident is only what sources say about it.
SELECT 'incidents' AS resource, i.__line AS line, 'incident_id' AS "column",
       i.incident_id AS value, NULL AS expected
FROM incidents AS i
WHERE i.status = 'active' AND i.incident_id IS NOT NULL
  AND NOT EXISTS (
      SELECT 1 FROM claims AS c JOIN sources AS s ON s.source_id = c.source_id
      WHERE c.incident_id = i.incident_id AND s.url IS NOT NULL)
