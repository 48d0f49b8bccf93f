-- relation-contains-cycle: 'contains' never comes back to where it started, at any length
-- (A contains B, B contains C, C contains A), because a container's deaths would then include
-- its own. A row is on a cycle when what it contains reaches back to its container: a
-- reachability walk with set semantics (no paths, so long chains stay cheap). The cycle shown
-- is then walked with its path over the cycle rows only, and each row is reported once, with
-- the shortest cycle through it. Self relations are relation-self's.
WITH RECURSIVE edges AS (
    SELECT __line AS line, incident_id AS container, related_incident_id AS contained
    FROM incident_relations
    WHERE relation = 'contains' AND incident_id <> related_incident_id
),
reach(line, start, node) AS (
    SELECT line, container, contained FROM edges
    UNION
    SELECT r.line, r.start, e.contained
    FROM reach AS r JOIN edges AS e ON e.container = r.node
    WHERE r.node <> r.start
),
cyclic AS (
    SELECT e.* FROM edges AS e WHERE e.line IN (SELECT line FROM reach WHERE node = start)
),
walk(line, start, node, path) AS (
    SELECT line, container, contained, [container, contained] FROM cyclic
    UNION ALL
    SELECT w.line, w.start, e.contained, list_append(w.path, e.contained)
    FROM walk AS w JOIN cyclic AS e ON e.container = w.node
    WHERE w.node <> w.start AND (e.contained = w.start OR NOT list_contains(w.path, e.contained))
)
SELECT 'incident_relations' AS resource, line, 'related_incident_id' AS "column",
       array_to_string(path, ' contains ') AS value, NULL AS expected
FROM walk
WHERE node = start
QUALIFY row_number() OVER (PARTITION BY line ORDER BY len(path), array_to_string(path, ' ')) = 1
