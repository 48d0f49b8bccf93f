-- incident-grade-unexplained: an active incident's grade is the one its current claims give, by
-- the methodology's grade rule (written once in civharm/grades.py as the incident_grades view).
-- An incident with a broken claim or source cell (unsettled_incidents) is left alone: that cell
-- is the problem, and so is a duplicated key (pk-duplicate, in duplicated_keys), which makes the
-- derivation ambiguous.
-- Two steps: the grades alone first, so that DuckDB drops the list of originals (the costliest
-- column); then the list for the incidents reported only: their IDs are a constant by then
-- (a variable), which DuckDB pushes through the view's aggregates down to the scan of claims.
CREATE OR REPLACE TEMP TABLE grade_unexplained AS
SELECT i.__line AS line, i.incident_id, coalesce(CAST(i.grade AS VARCHAR), 'blank') AS value
FROM incidents AS i
JOIN incident_grades AS g USING (incident_id)
ANTI JOIN unsettled_incidents AS u ON u.incident_id = i.incident_id
WHERE i.status = 'active' AND NOT i.__broken
  AND CAST(i.grade AS VARCHAR) IS DISTINCT FROM g.grade
  AND NOT EXISTS (SELECT 1 FROM duplicated_keys WHERE resource IN ('sources', 'claims'));
SET VARIABLE grade_unexplained = (SELECT coalesce(list(incident_id), []) FROM grade_unexplained);
SELECT 'incidents' AS resource, u.line, 'grade' AS "column", u.value,
       g.grade || ' (' || g.reports || ' current report(s); independent originals: '
           || coalesce(g.originals, 'none') || ')' AS expected
FROM grade_unexplained AS u
JOIN (FROM incident_grades WHERE list_contains(getvariable('grade_unexplained'), incident_id)) AS g
  USING (incident_id)
