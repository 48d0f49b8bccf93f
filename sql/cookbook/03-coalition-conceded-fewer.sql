-- Where did the coalition concede fewer deaths than monitors reported, and by how much?
-- Incidents with a belligerent admission whose highest conceded toll is below the highest toll
-- monitors and the media reported.
SELECT incident_id, date_start, locality, neighbourhood, official_max AS conceded, monitors_max AS reported,
       monitors_max - official_max AS difference, ratio
FROM official_vs_monitors
WHERE official_max IS NOT NULL AND monitors_max IS NOT NULL AND official_max < monitors_max
ORDER BY difference DESC, incident_id;
