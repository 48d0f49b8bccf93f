-- relation-incident-not-active: both ends of a relation are active incidents. Totals count
-- active incidents only, and a tombstone's content lives in its merge target: when an incident
-- is merged its relations move to the target (withdraw any that would then relate the target
-- to itself or repeat a pair), and a retracted incident's relations are withdrawn.
SELECT 'incident_relations' AS resource, r.__line AS line, 'incident_id' AS "column",
       r.incident_id AS value, CAST(i.status AS VARCHAR) AS expected
FROM incident_relations AS r JOIN incidents AS i ON i.incident_id = r.incident_id
WHERE i.status <> 'active'
UNION ALL
SELECT 'incident_relations', r.__line, 'related_incident_id', r.related_incident_id, CAST(i.status AS VARCHAR)
FROM incident_relations AS r JOIN incidents AS i ON i.incident_id = r.related_incident_id
WHERE i.status <> 'active'
