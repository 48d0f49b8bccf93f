-- incident-grade-unexplained: an active incident's grade is the one its current claims give, by
-- the methodology's grade rule (written once in civharm/grades.py as the incident_grades view).
-- An incident with a broken claim or source cell is left alone: that cell is the problem.
SELECT 'incidents' AS resource, i.__line AS line, 'grade' AS "column",
       coalesce(CAST(i.grade AS VARCHAR), 'blank') AS value,
       g.grade || ' (' || g.reports || ' current report(s); independent originals: '
           || coalesce(g.originals, 'none') || ')' AS expected
FROM incidents AS i
JOIN incident_grades AS g USING (incident_id)
WHERE i.status = 'active' AND NOT i.__broken
  AND CAST(i.grade AS VARCHAR) IS DISTINCT FROM g.grade
  AND NOT EXISTS (SELECT 1 FROM claims AS c JOIN sources AS s ON s.source_id = c.source_id
                  WHERE c.incident_id = i.incident_id AND (c.__broken OR s.__broken))
  -- a duplicated key (pk-duplicate) makes the derivation ambiguous: that is the problem to fix
  AND NOT EXISTS (SELECT 1 FROM sources GROUP BY source_id HAVING count(*) > 1)
  AND NOT EXISTS (SELECT 1 FROM claims GROUP BY claim_id HAVING count(*) > 1)
