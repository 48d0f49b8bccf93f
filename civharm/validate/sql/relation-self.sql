-- relation-self: a relation joins two different incidents; an incident related to itself says
-- nothing, and a 'contains' loop of one would make every total drop it.
SELECT 'incident_relations' AS resource, r.__line AS line, 'related_incident_id' AS "column",
       r.related_incident_id AS value, NULL AS expected
FROM incident_relations AS r
WHERE r.incident_id = r.related_incident_id
