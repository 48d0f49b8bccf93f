-- relation-contained-exceeds-container: a container holds all the deaths of what it contains,
-- so its largest civilian toll is not below the contained incident's smallest. When it is (a
-- UCDP day total of 16 beside a curated 29), the two share only part of the deaths: the
-- relation is 'overlaps'. Skipped when either figure is blank (not stated).
SELECT 'incident_relations' AS resource, line, 'relation' AS "column",
       b_id || ' has at least ' || b_min || ' civilians killed' AS value,
       'largest toll, ' || a_max || ' (' || a_id || ')' AS expected
FROM relation_pairs
WHERE relation = 'contains' AND a_max < b_min
