-- relation-contains-cycle: 'contains' never comes back to where it started, at any length
-- (A contains B, B contains C, C contains A), because a container's deaths would then include
-- its own. Walks every chain of 'contains' from each row, carrying the path; each row on a
-- cycle is reported once, with the shortest cycle through it. Self relations are
-- relation-self's.
WITH RECURSIVE edges AS (
    SELECT incident_id AS container, related_incident_id AS contained
    FROM incident_relations
    WHERE relation = 'contains' AND incident_id <> related_incident_id
),
walk(line, start, node, path) AS (
    SELECT r.__line, r.incident_id, r.related_incident_id, [r.incident_id, r.related_incident_id]
    FROM incident_relations AS r
    WHERE r.relation = 'contains' AND r.incident_id <> r.related_incident_id
    UNION ALL
    SELECT w.line, w.start, e.contained, list_append(w.path, e.contained)
    FROM walk AS w JOIN edges AS e ON e.container = w.node
    WHERE w.node <> w.start AND (e.contained = w.start OR NOT list_contains(w.path, e.contained))
)
SELECT 'incident_relations' AS resource, line, 'related_incident_id' AS "column",
       array_to_string(path, ' contains ') AS value, NULL AS expected
FROM walk
WHERE node = start
QUALIFY row_number() OVER (PARTITION BY line ORDER BY len(path), array_to_string(path, ' ')) = 1
