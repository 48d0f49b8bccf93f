-- relation-contained-dates-outside (notice): a contained incident's dates reach outside its
-- container's. Allowed, because an incident's dates span what its sources say and one source
-- may date the deaths wrongly, but worth a look: the container dates the deaths more tightly.
-- Disjoint ranges are relation-dates-disjoint's.
SELECT 'incident_relations' AS resource, line, 'related_incident_id' AS "column",
       b_id || ' (' || strftime(b_start, '%Y-%m-%d') || ' to ' || strftime(b_end, '%Y-%m-%d') || ')' AS value,
       'the dates of its container ' || a_id || ' (' || strftime(a_start, '%Y-%m-%d') || ' to '
           || strftime(a_end, '%Y-%m-%d') || ')' AS expected
FROM relation_pairs
WHERE relation = 'contains' AND a_campaign = b_campaign
  AND (b_start < a_start OR b_end > a_end) AND NOT (b_start > a_end OR b_end < a_start)
