-- Which were the deadliest incidents, and how many sources back each?
SELECT incident_id, campaign, date_start, locality, neighbourhood, civilians_killed_min, civilians_killed_max,
       sources, grade, belligerent_position
FROM incident_overview
WHERE status = 'active' AND civilians_killed_max IS NOT NULL
ORDER BY civilians_killed_max DESC, incident_id
LIMIT 10;
