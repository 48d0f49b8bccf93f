-- Which incidents did a belligerent deny or assess as not credible, and what did others report?
SELECT i.incident_id, i.date_start, i.locality, i.grade, i.belligerent_position, d.statement AS denial,
       ov.monitors_min, ov.monitors_max
FROM claims AS d
JOIN incidents AS i ON i.incident_id = d.incident_id
LEFT JOIN official_vs_monitors AS ov ON ov.incident_id = i.incident_id
WHERE d.claim_type = 'denial'
ORDER BY i.date_start, i.incident_id;
