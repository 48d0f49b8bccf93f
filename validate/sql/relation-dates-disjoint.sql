-- relation-dates-disjoint: two incidents said to share deaths (contains, overlaps,
-- companion_entry) share at least one day: their date ranges, each as wide as its sources'
-- uncertainty, intersect. A possible_duplicate may rest on sources that date the same deaths
-- on different days, so it is exempt. Active incidents of one campaign only
-- (relation-incident-not-active and relation-campaign-mismatch report the rest).
SELECT 'incident_relations' AS resource, r.__line AS line, 'related_incident_id' AS "column",
       r.related_incident_id || ' (' || strftime(b.date_start, '%Y-%m-%d') || ' to '
           || strftime(b.date_end, '%Y-%m-%d') || ')' AS value,
       r.incident_id || ' (' || strftime(a.date_start, '%Y-%m-%d') || ' to '
           || strftime(a.date_end, '%Y-%m-%d') || ')' AS expected
FROM incident_relations AS r
JOIN incidents AS a ON a.incident_id = r.incident_id
JOIN incidents AS b ON b.incident_id = r.related_incident_id
WHERE r.relation <> 'possible_duplicate' AND a.status = 'active' AND b.status = 'active'
  AND a.campaign = b.campaign
  AND (b.date_start > a.date_end OR b.date_end < a.date_start)
