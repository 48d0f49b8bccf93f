-- relation-pair-repeated: each unordered pair of incidents has one relation, whatever its kind
-- and in whichever order, so that totals never apply two readings of the same shared deaths.
-- Reported on every row after the pair's first, naming the first.
WITH pairs AS (
    SELECT r.__line AS line, r.incident_id, r.related_incident_id, r.relation_id,
           least(r.incident_id, r.related_incident_id) AS a,
           greatest(r.incident_id, r.related_incident_id) AS b
    FROM incident_relations AS r
    WHERE r.incident_id IS NOT NULL AND r.related_incident_id IS NOT NULL
      AND r.incident_id <> r.related_incident_id
)
SELECT 'incident_relations' AS resource, p.line, 'related_incident_id' AS "column",
       p.incident_id || ' and ' || p.related_incident_id AS value,
       (SELECT coalesce(f.relation_id, 'the row') || ' (line ' || f.line || ')' FROM pairs AS f
        WHERE f.a = p.a AND f.b = p.b ORDER BY f.line LIMIT 1) AS expected
FROM pairs AS p
WHERE EXISTS (SELECT 1 FROM pairs AS e WHERE e.a = p.a AND e.b = p.b AND e.line < p.line)
