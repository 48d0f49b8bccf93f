-- Which incidents rest on a single source?
-- Active incidents graded single_source: all their current reports rest on one original source
-- (relays and republications followed; a compiled dataset such as UCDP GED not counted), so
-- they are the first candidates for corroboration. `originals` names that source.
SELECT i.incident_id, i.campaign, i.date_start, i.locality, i.grade, g.originals, i.publishers,
       i.civilians_killed_min, i.civilians_killed_max
FROM incident_overview AS i
JOIN incident_grades AS g USING (incident_id)
WHERE i.status = 'active' AND i.grade = 'single_source'
ORDER BY i.date_start, i.incident_id;
