-- relation-contained-dates-outside (notice): a contained incident's dates reach outside its
-- container's. Allowed, because an incident's dates span what its sources say and one source
-- may date the deaths wrongly, but worth a look: the container dates the deaths more tightly.
-- Disjoint ranges are relation-dates-disjoint's.
WITH ends AS (
    SELECT __line AS line, relation, incident_id AS id, true AS first FROM incident_relations
    UNION ALL
    SELECT __line, relation, related_incident_id, false FROM incident_relations
),
-- One row per relation with both its incidents. Built by one key join and an aggregate, not by
-- joining incidents twice: with no statistics on the frames, the optimiser would join the two
-- incidents to each other on campaign or figures first, a near cross product at scale.
pairs AS (
    SELECT e.line, e.relation,
           any_value(e.id) FILTER (WHERE e.first) AS a_id,
           any_value(i.status) FILTER (WHERE e.first) AS a_status,
           any_value(i.campaign) FILTER (WHERE e.first) AS a_campaign,
           any_value(i.date_start) FILTER (WHERE e.first) AS a_start,
           any_value(i.date_end) FILTER (WHERE e.first) AS a_end,
           any_value(i.civilians_killed_max) FILTER (WHERE e.first) AS a_max,
           any_value(e.id) FILTER (WHERE NOT e.first) AS b_id,
           any_value(i.status) FILTER (WHERE NOT e.first) AS b_status,
           any_value(i.campaign) FILTER (WHERE NOT e.first) AS b_campaign,
           any_value(i.date_start) FILTER (WHERE NOT e.first) AS b_start,
           any_value(i.date_end) FILTER (WHERE NOT e.first) AS b_end,
           any_value(i.civilians_killed_min) FILTER (WHERE NOT e.first) AS b_min
    FROM ends AS e JOIN incidents AS i ON i.incident_id = e.id
    GROUP BY e.line, e.relation
    HAVING count(*) FILTER (WHERE e.first) = 1 AND count(*) FILTER (WHERE NOT e.first) = 1
)
SELECT 'incident_relations' AS resource, line, 'related_incident_id' AS "column",
       b_id || ' (' || strftime(b_start, '%Y-%m-%d') || ' to ' || strftime(b_end, '%Y-%m-%d') || ')' AS value,
       'the dates of its container ' || a_id || ' (' || strftime(a_start, '%Y-%m-%d') || ' to '
           || strftime(a_end, '%Y-%m-%d') || ')' AS expected
FROM pairs
WHERE a_id <> b_id AND relation = 'contains' AND a_status = 'active' AND b_status = 'active' AND a_campaign = b_campaign
  AND (b_start < a_start OR b_end > a_end) AND NOT (b_start > a_end OR b_end < a_start)
