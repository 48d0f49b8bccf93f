-- What happened in Raqqa from 20 to 22 August 2017, the days the founding article describes?
-- Every claim about an incident dated within those days, source by source, next to the
-- incident's range. (Incidents whose dates run beyond these days are left out.)
SELECT i.incident_id, i.date_start, s.publisher, c.claim_type,
       c.civilians_killed_min AS claim_min, c.civilians_killed_max AS claim_max,
       c.children_killed_min AS children_min,
       i.civilians_killed_min AS incident_min, i.civilians_killed_max AS incident_max
FROM incidents AS i
JOIN claims AS c ON c.incident_id = i.incident_id
JOIN sources AS s ON s.source_id = c.source_id
WHERE i.status = 'active' AND i.campaign = 'raqqa-2017'
  AND i.date_start >= DATE '2017-08-20' AND i.date_end <= DATE '2017-08-22'
ORDER BY i.date_start, i.incident_id, s.publisher, c.claim_id;
