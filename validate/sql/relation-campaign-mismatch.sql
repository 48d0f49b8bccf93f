-- relation-campaign-mismatch: incidents that share deaths belong to the same campaign; a pair
-- across Raqqa and Mosul is a wrong ID. Active incidents only (relation-incident-not-active
-- reports the others).
SELECT 'incident_relations' AS resource, r.__line AS line, 'related_incident_id' AS "column",
       r.related_incident_id || ' (' || CAST(b.campaign AS VARCHAR) || ')' AS value,
       CAST(a.campaign AS VARCHAR) || ', the campaign of ' || r.incident_id AS expected
FROM incident_relations AS r
JOIN incidents AS a ON a.incident_id = r.incident_id
JOIN incidents AS b ON b.incident_id = r.related_incident_id
WHERE a.status = 'active' AND b.status = 'active' AND a.campaign <> b.campaign
  AND r.incident_id <> r.related_incident_id
