-- Which incidents rest on a single source?
-- Active incidents backed by claims from only one source document: the first candidates for
-- corroboration. (Relays of one original still count as separate documents here; see 04.)
SELECT incident_id, campaign, date_start, locality, assessment, publishers, civilians_killed_min, civilians_killed_max
FROM incident_overview
WHERE status = 'active' AND sources = 1
ORDER BY date_start, incident_id;
