-- incident-without-claim: every active incident is backed by at least one claim whose source
-- has a URL, because an incident is only what sources say about it.
-- An ANTI JOIN, not a correlated NOT EXISTS: DuckDB plans the latter as a delim join that first
-- copies every incident's ID aside (twice the time at 1M incidents).
SELECT 'incidents' AS resource, i.__line AS line, 'incident_id' AS "column",
       i.incident_id AS value, NULL AS expected
FROM incidents AS i
ANTI JOIN (SELECT c.incident_id FROM claims AS c JOIN sources AS s ON s.source_id = c.source_id
           WHERE s.url IS NOT NULL) AS backed ON backed.incident_id = i.incident_id
WHERE i.status = 'active' AND i.incident_id IS NOT NULL
