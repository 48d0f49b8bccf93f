-- relation_pairs (validator only): one row per incident_relations line that joins two different
-- ACTIVE incidents, with both incidents' campaign, dates and figures, for the relation rules in
-- validate/sql/. A table, built once, since four rules read it. Rows with a dangling id
-- (fk-dangling), a self relation (relation-self) or a tombstone (relation-incident-not-active)
-- are left out: other rules report them.
CREATE TEMP TABLE relation_pairs AS
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
SELECT * FROM pairs WHERE a_id <> b_id AND a_status = 'active' AND b_status = 'active';
