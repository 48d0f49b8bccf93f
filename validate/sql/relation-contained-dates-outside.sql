-- relation-contained-dates-outside (notice): a contained incident's dates reach outside its
-- container's. Allowed, because an incident's dates span what its sources say and one source
-- may date the deaths wrongly, but worth a look: the container dates the deaths more tightly.
-- Disjoint ranges are relation-dates-disjoint's.
SELECT 'incident_relations' AS resource, r.__line AS line, 'related_incident_id' AS "column",
       r.related_incident_id || ' (' || strftime(b.date_start, '%Y-%m-%d') || ' to '
           || strftime(b.date_end, '%Y-%m-%d') || ')' AS value,
       'the dates of its container ' || r.incident_id || ' (' || strftime(a.date_start, '%Y-%m-%d')
           || ' to ' || strftime(a.date_end, '%Y-%m-%d') || ')' AS expected
FROM incident_relations AS r
JOIN incidents AS a ON a.incident_id = r.incident_id
JOIN incidents AS b ON b.incident_id = r.related_incident_id
WHERE r.relation = 'contains' AND a.status = 'active' AND b.status = 'active' AND a.campaign = b.campaign
  AND (b.date_start < a.date_start OR b.date_end > a.date_end)
  AND NOT (b.date_start > a.date_end OR b.date_end < a.date_start)
