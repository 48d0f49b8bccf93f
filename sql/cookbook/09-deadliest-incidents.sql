-- Which were the deadliest incidents, and how many sources back each?
-- counted_with names the incidents that share deaths with it (incident_relations): do not add
-- their figures; campaign_totals counts such deaths once.
WITH groups AS (
    SELECT c.incident_id, string_agg(g.incident_id, ', ' ORDER BY g.incident_id) AS counted_with
    FROM incident_contributions AS c
    JOIN incident_contributions AS g ON g.group_id = c.group_id AND g.incident_id <> c.incident_id
    GROUP BY c.incident_id
)
SELECT o.incident_id, o.campaign, o.date_start, o.locality, o.neighbourhood, o.civilians_killed_min,
       o.civilians_killed_max, o.sources, o.grade, o.belligerent_position, g.counted_with
FROM incident_overview AS o LEFT JOIN groups AS g USING (incident_id)
WHERE o.status = 'active' AND o.civilians_killed_max IS NOT NULL
ORDER BY o.civilians_killed_max DESC, o.incident_id
LIMIT 10;
