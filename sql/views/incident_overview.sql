-- incident_overview: one row per incident, with how many claims and sources back it, who they
-- are, the range its claims give (incident_claim_ranges), its grade and the belligerent's position.
CREATE VIEW incident_overview AS
SELECT i.incident_id, i.status, i.campaign, i.date_start, i.date_end, i.locality, i.neighbourhood,
       i.means, a.short_name AS actor, i.attribution,
       i.grade, i.belligerent_position, i.belligerent_position_date,
       count(c.claim_id) AS claims,
       count(DISTINCT c.source_id) AS sources,
       string_agg(DISTINCT s.publisher, '; ' ORDER BY s.publisher) AS publishers,
       any_value(r.civilians_killed_min) AS claims_civilians_min,
       any_value(r.civilians_killed_max) AS claims_civilians_max,
       i.civilians_killed_min, i.civilians_killed_max,
       i.summary
FROM incidents AS i
LEFT JOIN actors AS a ON a.actor_id = i.actor_id
LEFT JOIN claims AS c ON c.incident_id = i.incident_id
LEFT JOIN sources AS s ON s.source_id = c.source_id
LEFT JOIN incident_claim_ranges AS r ON r.incident_id = i.incident_id
GROUP BY ALL;
COMMENT ON VIEW incident_overview IS 'One row per incident: its claims and sources, the min/max across its claims, its grade and the belligerent''s position.';
