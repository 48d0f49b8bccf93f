-- relation-contained-exceeds-container: a container holds all the deaths of what it contains,
-- so its largest civilian toll is not below the contained incident's smallest. When it is (a
-- UCDP day total of 16 beside a curated 29), the two share only part of the deaths: the
-- relation is 'overlaps'. Skipped when either figure is blank (not stated).
SELECT 'incident_relations' AS resource, r.__line AS line, 'relation' AS "column",
       r.related_incident_id || ' has at least ' || b.civilians_killed_min || ' civilians killed' AS value,
       'largest toll, ' || a.civilians_killed_max || ' (' || r.incident_id || ')' AS expected
FROM incident_relations AS r
JOIN incidents AS a ON a.incident_id = r.incident_id
JOIN incidents AS b ON b.incident_id = r.related_incident_id
WHERE r.relation = 'contains' AND a.status = 'active' AND b.status = 'active'
  AND r.incident_id <> r.related_incident_id
  AND a.civilians_killed_max < b.civilians_killed_min
