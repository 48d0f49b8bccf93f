-- relation-campaign-mismatch: incidents that share deaths belong to the same campaign; a pair
-- across Raqqa and Mosul is a wrong ID. Active incidents only (relation-incident-not-active
-- reports the others).
SELECT 'incident_relations' AS resource, line, 'related_incident_id' AS "column",
       b_id || ' (' || CAST(b_campaign AS VARCHAR) || ')' AS value,
       CAST(a_campaign AS VARCHAR) || ', the campaign of ' || a_id AS expected
FROM relation_pairs
WHERE a_campaign <> b_campaign
