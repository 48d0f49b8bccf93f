-- relation-dates-disjoint: two incidents said to share deaths (contains, overlaps,
-- companion_entry) share at least one day: their date ranges, each as wide as its sources'
-- uncertainty, intersect. A possible_duplicate may rest on sources that date the same deaths
-- on different days, so it is exempt. Active incidents of one campaign only
-- (relation-incident-not-active and relation-campaign-mismatch report the rest).
SELECT 'incident_relations' AS resource, line, 'related_incident_id' AS "column",
       b_id || ' (' || strftime(b_start, '%Y-%m-%d') || ' to ' || strftime(b_end, '%Y-%m-%d') || ')' AS value,
       a_id || ' (' || strftime(a_start, '%Y-%m-%d') || ' to ' || strftime(a_end, '%Y-%m-%d') || ')' AS expected
FROM relation_pairs
WHERE relation <> 'possible_duplicate'
  AND a_campaign = b_campaign AND (b_start > a_end OR b_end < a_start)
